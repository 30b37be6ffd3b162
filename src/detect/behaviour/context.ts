/** What every detector shares: settings, the episode book, the watermark, and small helpers. */
import type { Evidence } from '../../core/index.js';
import type { BehaviourAlert, EpisodeBook } from './alert.js';
import { type BehaviourPattern, type BehaviourSettings, findOverride } from './settings.js';
import type { SlidingKeys } from './window.js';

export interface DetectorContext {
  readonly settings: BehaviourSettings;
  readonly book: EpisodeBook;
  /** Latest event time seen (the engine's clock: time only comes from events). */
  readonly now: number;
  emit(alert: BehaviourAlert): void;
  /** A new sliding window, capped at `maxEventsPerEntity`, counted in the engine's stats. */
  window(): SlidingKeys;
}

/** A pattern's thresholds for one entity: suppressed, or scaled by an analyst's verdicts. */
export function limitsFor(
  settings: BehaviourSettings,
  pattern: BehaviourPattern,
  key: string,
): { suppressed: boolean; scale: number } {
  const o = findOverride(settings, pattern, key);
  return { suppressed: o?.suppress ?? false, scale: o?.scale ?? 1 };
}

/** A count threshold scaled by an override, never below 2 (one event is no pattern). */
export function scaled(base: number, scale: number): number {
  return Math.max(2, Math.ceil(base * scale));
}

export function reason(code: string, weight: number, en: string, fr: string, data?: Record<string, unknown>): Evidence {
  return data === undefined ? { code, weight, message: { fr, en } } : { code, weight, message: { fr, en }, data };
}

/** At most `limit` values, for entity lists in alerts. */
export function some(values: Iterable<string>, limit = 20): string[] {
  const out: string[] = [];
  for (const v of values) {
    if (out.length >= limit) break;
    if (v !== '' && v !== '-') out.push(v.slice(0, 256));
  }
  return out;
}

/** A small set that stops growing at `cap` (remembering that it did). */
export class CappedSet {
  readonly values = new Set<string>();
  full = false;
  constructor(private readonly cap = 20) {}
  add(value: string | undefined): void {
    if (value === undefined || value === '' || this.values.has(value)) return;
    if (this.values.size >= this.cap) this.full = true;
    else this.values.add(value);
  }
}
