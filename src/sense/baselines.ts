/** Expected-value baselines of one series: the recent level and the same slot of the previous day or week. */
import { RobustTracker } from './robust.js';

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

export interface Baseline {
  readonly name: 'level' | 'daily' | 'weekly';
  /** NaN while the baseline has nothing to say. */
  predict(t: number): number;
  update(t: number, value: number): void;
  /** Typical absolute error of this baseline lately (lower is better). */
  error: number;
}

export class LevelBaseline implements Baseline {
  readonly name = 'level' as const;
  error = Number.POSITIVE_INFINITY;
  private readonly tracker: RobustTracker;
  constructor(memory: number) {
    this.tracker = new RobustTracker(1 / memory);
  }
  predict(): number {
    return this.tracker.count > 0 ? this.tracker.location : Number.NaN;
  }
  update(_t: number, value: number): void {
    this.tracker.update(value);
  }
}

/** Same slot of the previous periods (daily or weekly), once the cadence is known. */
export class SeasonalBaseline implements Baseline {
  error = Number.POSITIVE_INFINITY;
  private slots: RobustTracker[] = [];
  private cadence = 0;
  constructor(
    readonly name: 'daily' | 'weekly',
    private readonly period: number,
    private readonly memory: number,
  ) {}
  setCadence(cadence: number): void {
    const slots = Math.round(this.period / cadence);
    // Only meaningful with several points a period, and bounded in memory.
    if (slots < 4 || slots > 20_000) return;
    this.cadence = this.period / slots;
    this.slots = Array.from({ length: slots }, () => new RobustTracker(1 / this.memory));
  }
  private slot(t: number): RobustTracker | undefined {
    if (this.slots.length === 0) return undefined;
    const index = Math.floor((((t % this.period) + this.period) % this.period) / this.cadence) % this.slots.length;
    return this.slots[index];
  }
  predict(t: number): number {
    const slot = this.slot(t);
    return slot && slot.count >= 2 ? slot.location : Number.NaN;
  }
  update(t: number, value: number): void {
    this.slot(t)?.update(value);
  }
}
