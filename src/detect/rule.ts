/** The shapes a Sigma rule takes once read from YAML, and the problems met on the way. */

export type SigmaLevel = 'informational' | 'low' | 'medium' | 'high' | 'critical';

export interface SigmaLogSource {
  readonly product?: string;
  readonly category?: string;
  readonly service?: string;
}

/** A Sigma detection rule as written, validated but not yet compiled. */
export interface SigmaRule {
  readonly id: string;
  /** The optional `name` (Sigma 2): how correlations, aliases and filters may refer to the rule. */
  readonly name?: string | undefined;
  readonly title: string;
  readonly level: SigmaLevel | undefined;
  readonly status: string | undefined;
  readonly tags: readonly string[];
  readonly logsource: SigmaLogSource;
  /** Search identifiers (everything in `detection` but `condition` and `timeframe`). */
  readonly searches: Readonly<Record<string, unknown>>;
  /** One or more conditions; several mean "any of them". */
  readonly conditions: readonly string[];
  /** The file the rule came from, as given to `loadRules`. */
  readonly file: string;
  /** Line (1-based) where the rule's document starts. */
  readonly line: number;
  /**
   * Line of each place inside `detection`, keyed by its path joined with `/`
   * (`selection`, `selection/CommandLine|contains`, `selection/0/Image`), so that compilation
   * errors can point at the line that caused them.
   */
  readonly lines: ReadonlyMap<string, number>;
}

export const CORRELATION_TYPES = [
  'event_count',
  'value_count',
  'temporal',
  'temporal_ordered',
  'value_sum',
  'value_avg',
  'value_percentile',
] as const;
export type CorrelationType = (typeof CORRELATION_TYPES)[number];

export type ThresholdOperator = 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';

/** One bound of a correlation condition; several bound together (a range) must all hold. */
export interface Threshold {
  readonly op: ThresholdOperator;
  readonly value: number;
}

/** A Sigma correlation (meta) rule as written, validated but not yet resolved against rules. */
export interface SigmaCorrelation {
  readonly id: string;
  readonly name: string | undefined;
  readonly title: string;
  readonly level: SigmaLevel | undefined;
  readonly status: string | undefined;
  readonly tags: readonly string[];
  readonly type: CorrelationType;
  /** Referred rules or correlations, by id or name, as written. */
  readonly rules: readonly string[];
  /** Fields (or aliases) whose values split the events into separate groups; empty: one group. */
  readonly groupBy: readonly string[];
  /** The timespan as written (`5m`) and in milliseconds. */
  readonly timespan: string;
  readonly timespanMs: number;
  /** All must hold. For temporal types without a condition: at least every referred rule. */
  readonly condition: readonly Threshold[];
  /** The `field` of value_* types: one name, or several counted together as one value. */
  readonly field: readonly string[];
  /** alias → (rule name or id → field in that rule's events). */
  readonly aliases: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Whether the referred rules still raise their own alerts (Sigma's default: no). */
  readonly generate: boolean;
  readonly file: string;
  readonly line: number;
}

/** A Sigma filter (meta-rule): its condition is added with AND to the rules it names. */
export interface SigmaFilter {
  readonly id: string;
  readonly name: string | undefined;
  readonly title: string;
  readonly logsource: SigmaLogSource;
  /** Rules by id or name, or `any` (every rule of a matching log source). */
  readonly rules: readonly string[] | 'any';
  readonly searches: Readonly<Record<string, unknown>>;
  readonly conditions: readonly string[];
  readonly file: string;
  readonly line: number;
  /** Lines inside `filter`, keyed like `SigmaRule.lines`. */
  readonly lines: ReadonlyMap<string, number>;
}

/** Why a rule (or a whole document) could not be loaded or compiled. */
export interface RuleProblem {
  readonly file: string;
  /** 1-based line in the file. */
  readonly line: number;
  /** The rule's id or title when it could be read, to name it in reports. */
  readonly rule: string | undefined;
  readonly reason: string;
  /**
   * `invalid`: the rule is wrong; `unsupported`: the rule is valid Sigma but uses something
   * this engine does not run (named in `reason`).
   */
  readonly kind: 'invalid' | 'unsupported';
}

/** Thrown inside compilation only; `compileRule` turns it into a `RuleProblem`. */
export class RuleCompileError extends Error {
  constructor(
    message: string,
    readonly path: string,
    readonly kind: 'invalid' | 'unsupported' = 'invalid',
  ) {
    super(message);
    this.name = 'RuleCompileError';
  }
}
