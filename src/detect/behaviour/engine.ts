/**
 * The behavioural engine: observations in (in roughly increasing time), alerts out. Time is
 * the latest event time seen (a watermark), never a clock; observations older than the
 * longest window behind it are counted as late and ignored. State is bounded per detector.
 */
import { type BehaviourAlert, EpisodeBook } from './alert.js';
import { BruteForceDetector } from './brute-force.js';
import { BurstDetector } from './burst.js';
import type { DetectorContext } from './context.js';
import type { BehaviourObservation } from './observation.js';
import { PortScanDetector, WebScanDetector } from './scan.js';
import { type BehaviourSettings, type BehaviourSettingsInput, parseBehaviourSettings } from './settings.js';
import { SourceAuthDetector } from './spray.js';
import { StuffingDetector } from './stuffing.js';
import { SlidingKeys } from './window.js';

export interface BehaviourStats {
  readonly observations: number;
  /** Observations older than the longest window behind the watermark, ignored. */
  readonly late: number;
  /** Observations with a time that is not a finite number, ignored. */
  readonly invalid: number;
  /** Entities tracked now, across detectors. */
  readonly entities: number;
  /** Entities dropped because a detector's table was full (least recently seen first). */
  readonly evictions: number;
  /** Entities forgotten after going idle. */
  readonly expired: number;
  /** Occurrences dropped from windows already holding `maxEventsPerEntity`. */
  readonly truncated: number;
  readonly alertsOpened: number;
  readonly alertsUpdated: number;
}

export interface BehaviourEngine {
  /** Feeds one observation; returns the alerts it opened or worsened (usually none). */
  observe(observation: BehaviourObservation): BehaviourAlert[];
  /** Every remembered episode's alert with its latest counts, oldest first. */
  alerts(): BehaviourAlert[];
  stats(): BehaviourStats;
  readonly settings: BehaviourSettings;
}

const SWEEP_EVERY = 1024;

/** Settings are validated here (a ZodError names a bad field); defaults fill the rest. */
export function createBehaviourEngine(input: BehaviourSettingsInput | BehaviourSettings = {}): BehaviourEngine {
  const settings = parseBehaviourSettings(input);
  const book = new EpisodeBook(settings.cooldownMs, settings.maxEntities);
  let now = Number.NEGATIVE_INFINITY;
  let out: BehaviourAlert[] = [];
  let observations = 0;
  let late = 0;
  let invalid = 0;
  let opened = 0;
  let updated = 0;
  const dropped = { truncated: 0 };
  const ctx: DetectorContext = {
    settings,
    book,
    get now() {
      return now;
    },
    window: () => new SlidingKeys(settings.maxEventsPerEntity, dropped),
    emit(alert) {
      if (alert.status === 'opened') opened++;
      else updated++;
      out.push(alert);
    },
  };
  const get = () => ctx;
  const brute = new BruteForceDetector(get);
  const bySource = new SourceAuthDetector(get);
  const stuffing = new StuffingDetector(get);
  const ports = new PortScanDetector(get);
  const web = new WebScanDetector(get);
  const burst = new BurstDetector(get);
  const tables = [brute.table, bySource.table, stuffing.table, ports.table, web.table, burst.table];
  const longest = Math.max(
    settings.bruteForce.windowMs,
    settings.passwordSpray.windowMs,
    settings.credentialStuffing.windowMs,
    settings.userEnumeration.windowMs,
    settings.portScan.windowMs,
    settings.webScan.windowMs,
    settings.requestBurst.bucketMs,
  );

  return {
    settings,
    observe(o) {
      observations++;
      if (!Number.isFinite(o.time)) {
        invalid++;
        return [];
      }
      if (o.time < now - longest) {
        late++;
        return [];
      }
      if (o.time > now) now = o.time;
      out = [];
      switch (o.kind) {
        case 'auth':
          brute.observe(o);
          bySource.observe(o);
          stuffing.observe(o);
          break;
        case 'web':
          web.observe(o);
          burst.observe(o);
          break;
        case 'connection':
          ports.observe(o);
          break;
      }
      if (observations % SWEEP_EVERY === 0) {
        for (const t of tables) t.sweep(now);
        book.sweep(now);
      }
      return out;
    },
    alerts: () => book.current(),
    stats() {
      let entities = 0;
      let evictions = book.evicted;
      let expired = 0;
      for (const t of tables) {
        entities += t.size;
        evictions += t.evicted;
        expired += t.expired;
      }
      return {
        observations,
        late,
        invalid,
        entities,
        evictions,
        expired,
        truncated: dropped.truncated,
        alertsOpened: opened,
        alertsUpdated: updated,
      };
    },
  };
}
