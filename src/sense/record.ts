/**
 * A record alarm: fires when a signal goes well beyond the largest value this series has shown.
 * The record is learnt freely during a warm-up, then only creeps up (trimmed), so that a signal
 * pushed up slowly — an attacker moving a baseline — outruns it instead of dragging it along.
 * Constant cost per point.
 */

export interface RecordAlarmOptions {
  /** Points before it may fire; the record is learnt from the second half of them. */
  readonly warmUp: number;
  /** Smallest value that may fire, and the margin over the record, as a fraction of it. */
  readonly minimum: number;
  readonly tolerance: number;
  /** After warm-up, the record moves toward a higher value by 1/memory of the gap per point. */
  readonly memory: number;
}

export class RecordAlarm {
  private record = 0;
  private age = 0;

  constructor(private readonly options: RecordAlarmOptions) {}

  /** Forgets the record (the signal changed meaning). */
  reset(): void {
    this.record = 0;
    this.age = 0;
  }

  /** Feeds the signal; returns whether it is an alarm. */
  update(signal: number): boolean {
    const { warmUp, minimum, tolerance, memory } = this.options;
    this.age += 1;
    const alarm = this.age > warmUp && signal > minimum && signal > this.record * (1 + tolerance);
    if (this.age > warmUp / 2 && signal > this.record) {
      this.record += this.age > warmUp ? (signal - this.record) / memory : signal - this.record;
    }
    return alarm;
  }
}
