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
