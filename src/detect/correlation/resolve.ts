/**
 * Correlations refer to rules and to other correlations by id or name. Resolving them once,
 * before any event, turns every reference into a known rule or correlation id, and drops
 * (reporting why) correlations whose references are unknown or form a cycle.
 */
import type { RuleProblem, SigmaCorrelation } from '../rule.js';

export interface CorrelationRef {
  /** As written in the correlation. */
  readonly ref: string;
  readonly kind: 'rule' | 'correlation';
  /** The rule's or correlation's id: what observations name. */
  readonly id: string;
  readonly name: string | undefined;
}

export interface CompiledCorrelation {
  readonly correlation: SigmaCorrelation;
  /** One per entry of `correlation.rules`, in the same order. */
  readonly refs: readonly CorrelationRef[];
}

/** Enough of a rule to resolve references to it. */
export interface NamedRule {
  readonly id: string;
  readonly name?: string | undefined;
}

function problem(c: SigmaCorrelation, reason: string): RuleProblem {
  return { file: c.file, line: c.line, rule: c.id, reason, kind: 'invalid' };
}

export function resolveCorrelations(
  correlations: readonly SigmaCorrelation[],
  rules: readonly NamedRule[],
): { compiled: CompiledCorrelation[]; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  const ruleByRef = new Map<string, NamedRule>();
  for (const rule of rules) {
    ruleByRef.set(rule.id, rule);
    if (rule.name !== undefined && !ruleByRef.has(rule.name)) ruleByRef.set(rule.name, rule);
  }
  const correlationByRef = new Map<string, SigmaCorrelation>();
  const seenIds = new Set<string>();
  const unique: SigmaCorrelation[] = [];
  for (const c of correlations) {
    if (seenIds.has(c.id) || ruleByRef.has(c.id)) {
      problems.push(problem(c, `the id '${c.id}' is already used by another rule or correlation`));
      continue;
    }
    seenIds.add(c.id);
    unique.push(c);
    correlationByRef.set(c.id, c);
    if (c.name !== undefined && !correlationByRef.has(c.name)) correlationByRef.set(c.name, c);
  }
  const resolved = new Map<SigmaCorrelation, CorrelationRef[]>();
  for (const c of unique) {
    const refs: CorrelationRef[] = [];
    let missing: string | undefined;
    for (const ref of c.rules) {
      // Rules first: they are the leaves of every chain.
      const rule = ruleByRef.get(ref);
      const other = rule ? undefined : correlationByRef.get(ref);
      if (rule) refs.push({ ref, kind: 'rule', id: rule.id, name: rule.name });
      else if (other) refs.push({ ref, kind: 'correlation', id: other.id, name: other.name });
      else {
        missing = ref;
        break;
      }
    }
    if (missing !== undefined)
      problems.push(problem(c, `refers to '${missing}', which is no loaded rule or correlation`));
    else if (new Set(refs.map((r) => r.id)).size !== refs.length)
      problems.push(problem(c, 'refers to the same rule twice (by id and by name)'));
    else resolved.set(c, refs);
  }
  // Drop, until nothing changes, correlations in a cycle or relying on a dropped one.
  const alive = new Map<string, SigmaCorrelation>([...resolved.keys()].map((c) => [c.id, c]));
  const state = new Map<string, 'visiting' | 'done' | 'bad'>();
  const visit = (c: SigmaCorrelation): boolean => {
    const seen = state.get(c.id);
    if (seen === 'done') return true;
    if (seen === 'bad') return false;
    if (seen === 'visiting') return false;
    state.set(c.id, 'visiting');
    let ok = true;
    for (const ref of resolved.get(c) ?? []) {
      if (ref.kind !== 'correlation') continue;
      const target = alive.get(ref.id);
      if (!target || !visit(target)) ok = false;
    }
    state.set(c.id, ok ? 'done' : 'bad');
    return ok;
  };
  const compiled: CompiledCorrelation[] = [];
  for (const [c, refs] of resolved) {
    if (visit(c)) compiled.push({ correlation: c, refs });
    else problems.push(problem(c, 'its chain of correlations loops, or relies on a correlation that could not load'));
  }
  return { compiled, problems };
}
