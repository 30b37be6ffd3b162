/** Expected-value baselines of one series: the recent level, and the same slot of the previous days or weeks. */
import { RobustTracker } from './robust.js';

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

export type BaselineName = 'level' | 'daily' | 'weekly';

export interface Baseline {
  readonly name: BaselineName;
  /** What this baseline expects at time t; NaN while it has nothing to say. */
  predict(t: number): number;
  update(t: number, value: number): void;
}

export class LevelBaseline implements Baseline {
  readonly name = 'level' as const;
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
  private slots: RobustTracker[] = [];
  private slotMs = 0;
  /** The slot of the last time asked about (predict and update come in pairs). */
  private lastT = Number.NaN;
  private lastSlot: RobustTracker | undefined;
  constructor(
    readonly name: 'daily' | 'weekly',
    private readonly period: number,
    private readonly memory: number,
  ) {}
  setCadence(cadenceMs: number): void {
    const slots = Math.round(this.period / cadenceMs);
    // Only meaningful with several points a period, and bounded in memory.
    if (slots < 4 || slots > 20_000) return;
    this.slotMs = this.period / slots;
    this.slots = Array.from({ length: slots }, () => new RobustTracker(1 / this.memory));
  }
  private slot(t: number): RobustTracker | undefined {
    if (t === this.lastT) return this.lastSlot;
    const n = this.slots.length;
    const slot =
      n === 0 ? undefined : this.slots[Math.floor((((t % this.period) + this.period) % this.period) / this.slotMs) % n];
    this.lastT = t;
    this.lastSlot = slot;
    return slot;
  }
  predict(t: number): number {
    const slot = this.slot(t);
    return slot !== undefined && slot.count >= 2 ? slot.location : Number.NaN;
  }
  update(t: number, value: number): void {
    this.slot(t)?.update(value);
  }
}

/** Learns the usual gap between readings (the median of the first ones), for the seasonal slots. */
export class CadenceLearner {
  private readonly gaps = new Float64Array(32);
  private size = 0;
  private last = Number.NaN;
  /** Feeds a timestamp; returns the cadence once, when it is learnt, and 0 otherwise. */
  update(t: number): number {
    let learnt = 0;
    if (this.size < this.gaps.length && !Number.isNaN(this.last)) {
      const gap = t - this.last;
      if (gap > 0) this.gaps[this.size++] = gap;
      if (this.size === this.gaps.length) learnt = this.gaps.sort()[this.size >> 1] as number;
    }
    this.last = t;
    return learnt;
  }
}
