/**
 * Validating a correlation document (`correlation:` with type, rules, group-by, timespan,
 * condition, aliases) into a `SigmaCorrelation`, or saying why not. Never throws.
 */
import { z } from 'zod';
import {
  CORRELATION_TYPES,
  type RuleProblem,
  type SigmaCorrelation,
  type Threshold,
  type ThresholdOperator,
} from '../rule.js';
import { parseTimespan } from './timespan.js';

const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
const OPERATORS: readonly ThresholdOperator[] = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'];

const nonEmpty = z.string().min(1);

const schema = z.object({
  title: nonEmpty,
  id: nonEmpty.optional(),
  name: nonEmpty.optional(),
  status: z.string().optional(),
  level: z.enum(LEVELS).optional(),
  tags: z.array(z.string()).optional(),
  generate: z.boolean().optional(),
  correlation: z.object({
    type: z.enum(CORRELATION_TYPES),
    rules: z.array(nonEmpty).min(1).max(1000),
    'group-by': z.union([nonEmpty, z.array(nonEmpty).max(100)]).optional(),
    timespan: nonEmpty,
    condition: z
      .object({
        gt: z.number().finite().optional(),
        gte: z.number().finite().optional(),
        lt: z.number().finite().optional(),
        lte: z.number().finite().optional(),
        eq: z.number().finite().optional(),
        neq: z.number().finite().optional(),
        field: z.union([nonEmpty, z.array(nonEmpty).min(1).max(100)]).optional(),
      })
      .strict()
      .optional(),
    aliases: z.record(nonEmpty, z.record(nonEmpty, nonEmpty)).optional(),
    // Some rules put `generate` inside the correlation section.
    generate: z.boolean().optional(),
  }),
});

/** Where a problem sits: the line of a path in the document. */
export type LineOf = (path: readonly PropertyKey[]) => number;

const VALUE_TYPES = new Set(['value_count', 'value_sum', 'value_avg', 'value_percentile']);

export function parseCorrelation(
  document: Record<string, unknown>,
  file: string,
  line: number,
  lineOf: LineOf,
): SigmaCorrelation | RuleProblem {
  const name =
    typeof document.id === 'string' ? document.id : typeof document.title === 'string' ? document.title : undefined;
  const problem = (path: readonly PropertyKey[], reason: string): RuleProblem => ({
    file,
    line: lineOf(path),
    rule: name,
    reason: `${path.length > 0 ? `${path.join('.')}: ` : ''}${reason}`,
    kind: 'invalid',
  });
  const checked = schema.safeParse(document);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return problem(issue?.path ?? [], issue?.message ?? 'invalid correlation');
  }
  const { data } = checked;
  const c = data.correlation;
  const timespanMs = parseTimespan(c.timespan);
  if (timespanMs === undefined)
    return problem(
      ['correlation', 'timespan'],
      `'${c.timespan}' is not a timespan (a number and s, m, h, d or w; a year at most)`,
    );
  const condition: Threshold[] = [];
  for (const op of OPERATORS) {
    const value = c.condition?.[op];
    if (value !== undefined) condition.push({ op, value });
  }
  const temporal = c.type === 'temporal' || c.type === 'temporal_ordered';
  if (condition.length === 0) {
    if (!temporal)
      return problem(
        ['correlation', 'condition'],
        `a ${c.type} correlation needs a condition (gt, gte, lt, lte, eq or neq)`,
      );
    // Temporal without condition: every referred rule must have fired.
    condition.push({ op: 'gte', value: c.rules.length });
  }
  const fieldValue = c.condition?.field;
  const field = fieldValue === undefined ? [] : typeof fieldValue === 'string' ? [fieldValue] : fieldValue;
  if (VALUE_TYPES.has(c.type) && field.length === 0)
    return problem(['correlation', 'condition'], `a ${c.type} correlation needs condition.field`);
  if (c.type !== 'value_count' && field.length > 1)
    return problem(['correlation', 'condition', 'field'], `${c.type} takes one field`);
  const groupBy =
    c['group-by'] === undefined ? [] : typeof c['group-by'] === 'string' ? [c['group-by']] : c['group-by'];
  if (new Set(groupBy).size !== groupBy.length) return problem(['correlation', 'group-by'], 'a field is repeated');
  if (new Set(c.rules).size !== c.rules.length) return problem(['correlation', 'rules'], 'a rule is referred to twice');
  // Own entries only, copied into null-prototype records: `__proto__` as an alias is just a name.
  const aliases: Record<string, Record<string, string>> = Object.create(null);
  for (const [alias, perRule] of Object.entries(c.aliases ?? {})) {
    const copy: Record<string, string> = Object.create(null);
    for (const [rule, fieldName] of Object.entries(perRule)) copy[rule] = fieldName;
    aliases[alias] = copy;
  }
  return {
    id: data.id ?? data.name ?? data.title,
    name: data.name,
    title: data.title,
    level: data.level,
    status: data.status,
    tags: data.tags ?? [],
    type: c.type,
    rules: c.rules,
    groupBy,
    timespan: c.timespan,
    timespanMs,
    condition,
    field,
    aliases,
    generate: data.generate ?? c.generate ?? false,
    file,
    line,
  };
}
