/**
 * A loaded rule compiled to one test on an event: each search identifier becomes a closure
 * (a map is "all of its fields", a list is "any of its items", plain values are keywords),
 * and the condition combines them.
 */
import { type AttackMapping, attackFromTags } from './attack.js';
import { compileCondition, parseCondition } from './condition.js';
import type { EventView } from './fields.js';
import { type RuleScope, ruleScope } from './logsource.js';
import {
  allFacts,
  allHint,
  anyFacts,
  anyHint,
  conditionFacts,
  conditionHint,
  type Facts,
  type FieldLiteral,
  type Hint,
} from './prefilter.js';
import { RuleCompileError, type RuleProblem, type SigmaRule } from './rule.js';
import { type CompileOptions, compileEntry, type EntryOptions, type EventTest } from './values.js';

export interface CompiledRule {
  readonly rule: SigmaRule;
  readonly scope: RuleScope;
  readonly attack: AttackMapping;
  readonly matches: EventTest;
  /** Literals one of which the event must contain for the rule to match (see prefilter.ts). */
  readonly hint: Hint;
  /** Literals any one of which, standing where said in its field, means the rule cannot match (see prefilter.ts). */
  readonly veto: readonly FieldLiteral[];
}

interface Part {
  readonly test: EventTest;
  readonly hint: Hint;
  readonly facts: Facts;
}

function isPlain(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function allOf(parts: Part[]): Part {
  if (parts.length === 1 && parts[0]) return parts[0];
  const tests = parts.map((p) => p.test);
  return {
    test: (view) => {
      for (const t of tests) if (!t(view)) return false;
      return true;
    },
    hint: allHint(parts.map((p) => p.hint)),
    facts: allFacts(parts.map((p) => p.facts)),
  };
}

function anyOf(parts: Part[]): Part {
  if (parts.length === 1 && parts[0]) return parts[0];
  const tests = parts.map((p) => p.test);
  return {
    test: (view) => {
      for (const t of tests) if (t(view)) return true;
      return false;
    },
    hint: anyHint(parts.map((p) => p.hint)),
    facts: anyFacts(parts.map((p) => p.facts)),
  };
}

function compileMap(map: Record<string, unknown>, options: EntryOptions, path: string): Part {
  const entries = Object.entries(map);
  if (entries.length === 0) throw new RuleCompileError('empty map of fields', path);
  return allOf(entries.map(([key, value]) => compileEntry(key, value, options, `${path}/${key}`)));
}

/** One search identifier's value. */
function compileSearch(value: unknown, options: EntryOptions, path: string): Part {
  if (isPlain(value)) return compileMap(value, options, path);
  if (Array.isArray(value)) {
    if (value.length === 0) throw new RuleCompileError('empty list', path);
    const keywords = value.filter((v) => !isPlain(v));
    const maps = value.map((v, i) => ({ v, i })).filter(({ v }) => isPlain(v));
    const tests = maps.map(({ v, i }) => compileMap(v as Record<string, unknown>, options, `${path}/${i}`));
    if (keywords.length > 0) tests.push(compileEntry('', keywords, options, path));
    return anyOf(tests);
  }
  if (typeof value === 'string' || typeof value === 'number') return compileEntry('', value, options, path);
  throw new RuleCompileError('a search identifier must be a map, a list or a keyword', path);
}

/** Compiles a rule, or says why it cannot run (with the line of the offending place). */
export function compileRule(rule: SigmaRule, options: CompileOptions = {}): CompiledRule | RuleProblem {
  try {
    const tests = new Map<string, (view: EventView) => boolean>();
    const hints = new Map<string, Hint>();
    const facts = new Map<string, Facts>();
    // One budget of compiled patterns for the whole rule (values.ts, MAX_RULE_PATTERNS).
    const ruleOptions: EntryOptions = { ...options, budget: { patterns: 0 } };
    for (const [name, value] of Object.entries(rule.searches)) {
      const part = compileSearch(value, ruleOptions, name);
      tests.set(name, part.test);
      hints.set(name, part.hint);
      facts.set(name, part.facts);
    }
    const conditions = rule.conditions.map((c) => {
      const tree = parseCondition(c);
      return {
        test: compileCondition(tree, tests),
        hint: conditionHint(tree, hints),
        facts: conditionFacts(tree, facts),
      };
    });
    const { test, hint, facts: ruleFacts } = anyOf(conditions);
    return {
      rule,
      scope: ruleScope(rule.logsource),
      attack: attackFromTags(rule.tags),
      matches: test,
      hint,
      veto: ruleFacts.veto,
    };
  } catch (error) {
    // Whatever goes wrong, one rule must not stop the load of the others.
    if (!(error instanceof RuleCompileError))
      return {
        file: rule.file,
        line: rule.line,
        rule: rule.id,
        reason: `internal error: ${String(error)}`,
        kind: 'invalid',
      };
    // The deepest path with a known line.
    let line = rule.line;
    const parts = error.path.split('/');
    for (let n = parts.length; n > 0; n--) {
      const found = rule.lines.get(parts.slice(0, n).join('/'));
      if (found !== undefined) {
        line = found;
        break;
      }
    }
    return { file: rule.file, line, rule: rule.id, reason: error.message, kind: error.kind };
  }
}

export function isCompiled(result: CompiledRule | RuleProblem): result is CompiledRule {
  return 'matches' in result;
}
