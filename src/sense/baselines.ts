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
  /** One tracker per slot of the period, created when the slot is first used (memory follows data seen). */
  private slots: Array<RobustTracker | undefined> = [];
  private slotMs = 0;
  /** The slot index of the last time asked about (predict and update come in pairs). */
  private lastT = Number.NaN;
  private lastIndex = -1;
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
    this.slots = new Array<RobustTracker | undefined>(slots);
  }
  private index(t: number): number {
    if (t === this.lastT) return this.lastIndex;
    const n = this.slots.length;
    const index = n === 0 ? -1 : Math.floor((((t % this.period) + this.period) % this.period) / this.slotMs) % n;
    this.lastT = t;
    this.lastIndex = index;
    return index;
  }
  predict(t: number): number {
    const index = this.index(t);
    const slot = index < 0 ? undefined : this.slots[index];
    return slot !== undefined && slot.count >= 2 ? slot.location : Number.NaN;
  }
  update(t: number, value: number): void {
    const index = this.index(t);
    if (index < 0) return;
    let slot = this.slots[index];
    if (slot === undefined) {
      slot = new RobustTracker(1 / this.memory);
      this.slots[index] = slot;
    }
    slot.update(value);
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
