/** Many rule files at once: every rule compiled, or reported, and a detector over the good ones. */
import { type CompiledRule, compileRule, isCompiled } from './compile.js';
import { createDetector, type Detector } from './engine.js';
import { loadRules } from './load.js';
import type { RuleProblem } from './rule.js';
import type { CompileOptions } from './values.js';

export interface RuleText {
  readonly file: string;
  readonly text: string;
}

export interface RuleSet {
  readonly compiled: readonly CompiledRule[];
  readonly problems: readonly RuleProblem[];
  readonly detector: Detector;
}

export function compileRuleTexts(texts: Iterable<RuleText>, options: CompileOptions = {}): RuleSet {
  const compiled: CompiledRule[] = [];
  const problems: RuleProblem[] = [];
  for (const { file, text } of texts) {
    const loaded = loadRules(text, file);
    problems.push(...loaded.problems);
    for (const rule of loaded.rules) {
      const result = compileRule(rule, options);
      if (isCompiled(result)) compiled.push(result);
      else problems.push(result);
    }
  }
  const detector = createDetector(compiled);
  // Rules the detector could not index are reported with the others, and left out.
  problems.push(...detector.problems);
  return { compiled: detector.rules, problems, detector };
}
