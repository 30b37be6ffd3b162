/**
 * Many rule files at once: every rule compiled, or reported; filters (meta-rules) applied to
 * the rules they name; correlations resolved against the rules; and a detector over the good
 * rules.
 */
import { type CompiledRule, compileRule, isCompiled } from './compile.js';
import { type CompiledCorrelation, resolveCorrelations } from './correlation/resolve.js';
import { createDetector, type Detector } from './engine.js';
import { loadRules } from './load.js';
import type { RuleProblem, SigmaCorrelation, SigmaFilter, SigmaLogSource, SigmaRule } from './rule.js';
import type { CompileOptions } from './values.js';

export interface RuleText {
  readonly file: string;
  readonly text: string;
}

export interface RuleSet {
  readonly compiled: readonly CompiledRule[];
  readonly problems: readonly RuleProblem[];
  readonly detector: Detector;
  /** Correlations whose references all resolved; give them to `createCorrelator`. */
  readonly correlations: readonly CompiledCorrelation[];
  /** Filters that compiled, and the ids of the rules each was applied to. */
  readonly filters: ReadonlyArray<{ readonly filter: SigmaFilter; readonly appliedTo: readonly string[] }>;
}

/**
 * Whether a filter's log source covers a rule's: every field the filter names must be the
 * rule's too (case-insensitive), as pySigma decides it. A filter for `product: windows`
 * applies to every Windows rule; one for `category: process_creation` not to a rule without.
 */
export function logSourceCovers(filter: SigmaLogSource, rule: SigmaLogSource): boolean {
  const same = (a: string | undefined, b: string | undefined) =>
    a === undefined || a.toLowerCase() === b?.toLowerCase();
  return (
    same(filter.product, rule.product) && same(filter.category, rule.category) && same(filter.service, rule.service)
  );
}

/**
 * Applies filters to compiled rules: a targeted rule then matches only when its own condition
 * AND the filter's condition hold (Sigma and pySigma's meaning: the filter's condition says
 * what to keep, so an exclusion is written `condition: not selection`). The rule's prefilter
 * hint stays right: the filter can only narrow what the rule matches.
 */
export function applyFilters(
  rules: readonly CompiledRule[],
  filters: readonly SigmaFilter[],
  options: CompileOptions = {},
): { rules: CompiledRule[]; problems: RuleProblem[]; applied: Array<{ filter: SigmaFilter; appliedTo: string[] }> } {
  const problems: RuleProblem[] = [];
  const applied: Array<{ filter: SigmaFilter; appliedTo: string[] }> = [];
  const out = [...rules];
  const byRef = new Map<string, number[]>();
  out.forEach((compiled, i) => {
    for (const ref of new Set([compiled.rule.id, compiled.rule.name])) {
      if (ref === undefined) continue;
      const list = byRef.get(ref) ?? [];
      list.push(i);
      byRef.set(ref, list);
    }
  });
  for (const filter of filters) {
    const report = (reason: string, kind: RuleProblem['kind'] = 'invalid') =>
      problems.push({ file: filter.file, line: filter.line, rule: filter.id, reason, kind });
    // The filter compiles as a rule of its own: same modifiers, same condition grammar.
    const asRule: SigmaRule = {
      id: filter.id,
      name: filter.name,
      title: filter.title,
      level: undefined,
      status: undefined,
      tags: [],
      logsource: filter.logsource,
      searches: filter.searches,
      conditions: filter.conditions,
      file: filter.file,
      line: filter.line,
      lines: filter.lines,
    };
    const result = compileRule(asRule, options);
    if (!isCompiled(result)) {
      problems.push({ ...result, reason: `filter: ${result.reason}` });
      continue;
    }
    let targets: number[];
    if (filter.rules === 'any') targets = out.map((_, i) => i);
    else {
      targets = [];
      for (const ref of filter.rules) {
        const found = byRef.get(ref);
        if (found) targets.push(...found);
        else report(`filter names '${ref}', which is no loaded rule`);
      }
    }
    const appliedTo: string[] = [];
    for (const i of new Set(targets)) {
      const target = out[i];
      if (!target) continue;
      if (!logSourceCovers(filter.logsource, target.rule.logsource)) {
        if (filter.rules !== 'any')
          report(`filter not applied to '${target.rule.id}': its log source is not the filter's`);
        continue;
      }
      const keep = result.matches;
      const own = target.matches;
      out[i] = { ...target, matches: (view) => own(view) && keep(view) };
      appliedTo.push(target.rule.id);
    }
    applied.push({ filter, appliedTo });
  }
  return { rules: out, problems, applied };
}

export function compileRuleTexts(texts: Iterable<RuleText>, options: CompileOptions = {}): RuleSet {
  const compiled: CompiledRule[] = [];
  const problems: RuleProblem[] = [];
  const filters: SigmaFilter[] = [];
  const correlations: SigmaCorrelation[] = [];
  for (const { file, text } of texts) {
    const loaded = loadRules(text, file);
    problems.push(...loaded.problems);
    filters.push(...loaded.filters);
    correlations.push(...loaded.correlations);
    for (const rule of loaded.rules) {
      const result = compileRule(rule, options);
      if (isCompiled(result)) compiled.push(result);
      else problems.push(result);
    }
  }
  const filtered = applyFilters(compiled, filters, options);
  problems.push(...filtered.problems);
  const detector = createDetector(filtered.rules);
  // Rules the detector could not index are reported with the others, and left out.
  problems.push(...detector.problems);
  // Correlations refer to rules that run; a reference to a rule that failed is reported.
  const running = detector.rules.map((r) => r.rule);
  const resolved = resolveCorrelations(correlations, running);
  problems.push(...resolved.problems);
  return {
    compiled: detector.rules,
    problems,
    detector,
    correlations: resolved.compiled,
    filters: filtered.applied,
  };
}
