/**
 * The alarm gate: one anomaly should give one alarm. After a firing the gate rests for a
 * while, then waits for the score to calm down before it may fire again; while it is
 * closed, scores are held at 0. A reading outside the range seen so far passes anyway:
 * a new extreme is news, not an echo of the last alarm.
 */

export interface AlarmGateOptions {
  /** Score at which the gate counts a firing. */
  readonly fireLevel: number;
  /** Points the gate stays closed after a firing. */
  readonly rest: number;
  /** After resting, the score must fall below this before the gate opens again. */
  readonly rearmLevel: number;
}

export class AlarmGate {
  private restLeft = 0;
  private armed = true;
  /** Whether the last score was held at 0. */
  closed = false;

  constructor(private readonly options: AlarmGateOptions) {}

  /** Passes a score through the gate; `overrides` lets it through even when closed. */
  pass(score: number, overrides: boolean): number {
    if (!this.armed && this.restLeft === 0 && score < this.options.rearmLevel) this.armed = true;
    this.closed = (this.restLeft > 0 || !this.armed) && !overrides;
    if (this.closed) {
      if (this.restLeft > 0) this.restLeft -= 1;
      return 0;
    }
    if (score >= this.options.fireLevel) {
      this.armed = false;
      this.restLeft = this.options.rest;
    }
    return score;
  }
}
