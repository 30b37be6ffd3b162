/**
 * The streaming anomaly detector of one series: readings in one at a time, a score in
 * [0,1] out, with the parts that made it. It never looks ahead: no minimum, maximum or
 * length known in advance. Cost per point is constant (a few trackers, rings and tables).
 *
 * Parts; the most surprising wins:
 * - deviation: distance to the best of three robust baselines (recent level, same time
 *   yesterday, same time last week), in robust scales, calibrated by an anomaly-likelihood
 *   layer (so that a noisy series is not alarming for being noisy);
 * - novelty: how rarely the value's part of the range seen so far was visited lately, calibrated
 *   the same way;
 * - spread: how often the series has lately moved by a step several times its usual step size
 *   (it starts to oscillate, or turns jittery, without leaving its range), calibrated the same way;
 * - drift: the recent average offset from slow trimmed references (same time yesterday and
 *   last week, whichever is closer), an alarm when well beyond its own (trimmed) record — a
 *   patient attacker pushing the baseline is caught by this;
 * - range: well outside the range seen so far (or outside a configured physical range).
 * An alarm gate then keeps one anomaly to one alarm (rest after a firing, re-arm when calm).
 */
import { AlarmGate } from './alarm.js';
import {
  type Baseline,
  type BaselineName,
  CadenceLearner,
  DAY_MS,
  LevelBaseline,
  SeasonalBaseline,
  WEEK_MS,
} from './baselines.js';
import { AnomalyLikelihood, MAX_SURPRISE } from './likelihood.js';
import { BucketNovelty } from './novelty.js';
import { RecordAlarm } from './record.js';
import { RobustTracker } from './robust.js';
import { SpreadChange } from './spread.js';

/** Knobs of the detector; the defaults are tuned on NAB-like telemetry (5-minute to hourly). */
export interface SenseTuning {
  /** Memory (points) of the recent-level baseline. */
  levelMemory: number;
  /** Memory (periods) of each seasonal slot. */
  seasonMemory: number;
  /** Memory (points) of each baseline's residual scale, and of its error (which picks the best). */
  residualMemory: number;
  errorMemory: number;
  /** Deviation (robust sigmas) below which a reading is ordinary, and the softness of the raw score above it. */
  deadZone: number;
  deviationSoftness: number;
  /** Floor on the deviation scale, as a fraction of the range seen so far: wiggles tiny next to it are not news. */
  spanFloor: number;
  /** Likelihood layer: history of usual averages, points averaged, points before any score, floor on spread. */
  historyPoints: number;
  recentPoints: number;
  learningPoints: number;
  minSpread: number;
  /** Novelty: buckets across the range seen so far, and memory (points) of their counts. */
  buckets: number;
  noveltyMemory: number;
  /** Drift: memories (points) of the recent average offset and of the slow level (used without seasonality). */
  driftShort: number;
  driftLong: number;
  /** Drift record (see RecordAlarm): warm-up (points), smallest offset that fires (robust sigmas), margin, creep. */
  driftWarmUp: number;
  driftMinimum: number;
  driftTolerance: number;
  driftRecordMemory: number;
  /** Spread: memory (points) of the recent share of large steps, and of the usual step size; a large step, in usual steps. */
  spreadShort: number;
  spreadLong: number;
  spreadLarge: number;
  /** Margin beyond the range seen so far, as a fraction of that range, that counts as out of range. */
  rangeTolerance: number;
  /** Points seen before the range check may fire. */
  rangeWarmUp: number;
  /** Alarm gate: score that fires, points of rest after a firing, score to fall below before the next. */
  fireLevel: number;
  rest: number;
  rearmLevel: number;
}

export const DEFAULT_TUNING: Readonly<SenseTuning> = {
  levelMemory: 20,
  seasonMemory: 3,
  residualMemory: 50,
  errorMemory: 50,
  deadZone: 1,
  deviationSoftness: 15,
  spanFloor: 0.003,
  historyPoints: 4000,
  recentPoints: 10,
  learningPoints: 300,
  minSpread: 0.03,
  buckets: 40,
  noveltyMemory: 2000,
  driftShort: 100,
  driftLong: 1000,
  driftWarmUp: 1000,
  driftMinimum: 1,
  driftTolerance: 0.2,
  driftRecordMemory: 100,
  spreadShort: 30,
  spreadLong: 1000,
  spreadLarge: 4,
  rangeTolerance: 0.05,
  rangeWarmUp: 100,
  fireLevel: 0.5,
  rest: 150,
  rearmLevel: 0.1,
};

export interface SenseDetectorOptions {
  /** Physical range of the sensor, when known (a reading outside it is always anomalous). */
  readonly expectedRange?: { readonly min: number; readonly max: number };
  /** Memory of the recent-level baseline, in points. */
  readonly levelMemory?: number;
  /** Memory of each seasonal slot, in periods. */
  readonly seasonMemory?: number;
  /** Advanced: override tuned knobs. */
  readonly tuning?: Partial<SenseTuning>;
}

/** Which part of the score was the most surprising. */
export type ScorePart = 'deviation' | 'novelty' | 'spread' | 'drift' | 'range';

/** Why the last point scored what it did. */
export interface PointExplanation {
  readonly score: number;
  readonly value: number;
  /** What the baseline expected, and how far a reading may usually stray from it. */
  readonly expected: number;
  readonly expectedLow: number;
  readonly expectedHigh: number;
  readonly baseline: BaselineName;
  /** Which part of the score fired (or would have). */
  readonly part: ScorePart;
  /** Distance to the expected value, in robust scales. */
  readonly deviation: number;
  /** Raw deviation score in [0,1], before the likelihood layer. */
  readonly raw: number;
  /** 1 - probability of recent readings this unusual, for the winning part. */
  readonly likelihood: number;
  readonly outOfRange: boolean;
  /** True while the alarm gate holds the score at 0 (resting after an alarm). */
  readonly resting: boolean;
}

export interface SenseDetector {
  /** Feeds one reading (time in ms since the epoch); returns its anomaly score in [0,1]. */
  push(timestampMs: number, value: number): number;
  /** The parts of the last score. */
  explain(): PointExplanation | undefined;
}

/** Availability above which a seasonal reference starts to count for the drift, and below which it stops. */
const REFERENCE_ON = 0.9;
const REFERENCE_OFF = 0.5;

/** The drift's references given the current ones (hysteresis) and how available each seasonal one is. */
function referencesIn(current: number, daily: number, weekly: number): number {
  if (daily <= (current >= 1 ? REFERENCE_OFF : REFERENCE_ON)) return 0;
  return weekly > (current >= 2 ? REFERENCE_OFF : REFERENCE_ON) ? 2 : 1;
}

export function createSenseDetector(options: SenseDetectorOptions = {}): SenseDetector {
  const k: SenseTuning = {
    ...DEFAULT_TUNING,
    ...(options.levelMemory !== undefined ? { levelMemory: options.levelMemory } : {}),
    ...(options.seasonMemory !== undefined ? { seasonMemory: options.seasonMemory } : {}),
    ...options.tuning,
  };
  const range = options.expectedRange;
  const cadence = new CadenceLearner();
  const daily = new SeasonalBaseline('daily', DAY_MS, k.seasonMemory);
  const weekly = new SeasonalBaseline('weekly', WEEK_MS, k.seasonMemory);
  const baselines: Baseline[] = [new LevelBaseline(k.levelMemory), daily, weekly];
  const residuals = baselines.map(() => new RobustTracker(1 / k.residualMemory));
  const errors = new Float64Array(baselines.length).fill(Number.POSITIVE_INFINITY);
  const predictions = new Float64Array(baselines.length);
  const layer = {
    historyPoints: k.historyPoints,
    recentPoints: k.recentPoints,
    learningPoints: k.learningPoints,
    minSpread: k.minSpread,
  };
  const deviationLikelihood = new AnomalyLikelihood(layer);
  const noveltyLikelihood = new AnomalyLikelihood(layer);
  const novelty = new BucketNovelty(k.buckets, k.noveltyMemory);
  const spread = new SpreadChange({ short: k.spreadShort, long: k.spreadLong, large: k.spreadLarge });
  const spreadLikelihood = new AnomalyLikelihood(layer);
  const slowLevel = new RobustTracker(1 / k.driftLong);
  const gate = new AlarmGate(k);
  const magnitude = new RobustTracker(1 / 2000);
  // Recent average offsets from the daily (or slow level) and the weekly references.
  let recentOffset = 0;
  let weeklyOffset = 0;
  const driftRecord = new RecordAlarm({
    warmUp: k.driftWarmUp,
    minimum: k.driftMinimum,
    tolerance: k.driftTolerance,
    memory: k.driftRecordMemory,
  });
  /** Which references the drift is measured against: 0 the slow level, 1 the daily slot, 2 the daily and weekly slots. */
  let driftReferences = 0;
  // Share of recent readings whose daily (weekly) slot had a history.
  let dailyAvailability = 0;
  let weeklyAvailability = 0;

  let seenMin = Number.POSITIVE_INFINITY;
  let seenMax = Number.NEGATIVE_INFINITY;
  let count = 0;
  // The last point's parts, kept as plain fields: the explanation object is built only when asked for.
  const last = {
    valid: false,
    score: 0,
    value: 0,
    expected: 0,
    width: 0,
    baseline: 'level' as BaselineName,
    part: 'deviation' as ScorePart,
    deviation: 0,
    raw: 0,
    surprise: 0,
    outOfRange: false,
  };

  return {
    push(timestampMs, value) {
      const learnt = cadence.update(timestampMs);
      if (learnt > 0) {
        daily.setCadence(learnt);
        weekly.setCadence(learnt);
      }
      if (!Number.isFinite(value)) {
        last.valid = false;
        return 0;
      }
      count += 1;
      const span = count > 1 ? seenMax - seenMin : 0;
      // A scale floor relative to the magnitude (a flat series still reacts to a change) and
      // to the range seen so far (like an encoder whose resolution is a fraction of the range).
      const floor = 1e-9 + 1e-6 * Math.abs(magnitude.location) + k.spanFloor * span;

      // Deviation from the baseline that has lately been the most accurate.
      let best = -1;
      for (let i = 0; i < baselines.length; i++) {
        const predicted = (baselines[i] as Baseline).predict(timestampMs);
        predictions[i] = predicted;
        if (!Number.isNaN(predicted) && (best < 0 || (errors[i] as number) < (errors[best] as number))) best = i;
      }
      const expected = best >= 0 ? (predictions[best] as number) : value;
      const scale = Math.max(best >= 0 ? (residuals[best] as RobustTracker).scale : 0, floor) / 0.6745;
      const deviation = Math.abs(value - expected) / scale;
      const raw = 1 - Math.exp(-Math.max(0, deviation - k.deadZone) / k.deviationSoftness);
      let surprise = deviationLikelihood.update(raw);
      let part: ScorePart = 'deviation';

      const noveltySurprise = noveltyLikelihood.update(novelty.update(span > 0 ? (value - seenMin) / span : 0.5));
      if (noveltySurprise > surprise) {
        surprise = noveltySurprise;
        part = 'novelty';
      }

      // Spread: the recent share of large steps, calibrated like the deviation.
      const spreadSurprise = spreadLikelihood.update(spread.update(value, floor));
      if (spreadSurprise > surprise) {
        surprise = spreadSurprise;
        part = 'spread';
      }

      // Drift: the recent average offset from a slow reference (the daily slot when there is one,
      // whose trimmed steps cannot keep up with a push, else a slow trimmed level), and from the
      // weekly slot once there is one: a weekend unlike the weekdays is a pattern, not a drift,
      // so the smaller of the two offsets counts.
      const yesterday = predictions[1] as number;
      const lastWeek = predictions[2] as number;
      // A seasonal reference counts once most of the readings the drift averages have one (an
      // irregular cadence leaves some slots without history), and stops counting when most do not.
      dailyAvailability += ((Number.isNaN(yesterday) ? 0 : 1) - dailyAvailability) / k.driftShort;
      weeklyAvailability += ((Number.isNaN(lastWeek) ? 0 : 1) - weeklyAvailability) / k.driftShort;
      const references = referencesIn(driftReferences, dailyAvailability, weeklyAvailability);
      // A new kind of reference starts a new record (its early offsets are those of a learner).
      if (references !== driftReferences) {
        if (references === 2) weeklyOffset = recentOffset;
        driftReferences = references;
        driftRecord.reset();
      }
      if (references === 0) recentOffset += (value - slowLevel.location - recentOffset) / k.driftShort;
      else if (!Number.isNaN(yesterday)) recentOffset += (value - yesterday - recentOffset) / k.driftShort;
      const referenceScale = references === 0 ? slowLevel.scale : (residuals[1] as RobustTracker).scale;
      let drift = Math.abs(recentOffset) / (Math.max(referenceScale, floor) / 0.6745);
      if (references === 2) {
        if (!Number.isNaN(lastWeek)) weeklyOffset += (value - lastWeek - weeklyOffset) / k.driftShort;
        const weeklyScale = Math.max((residuals[2] as RobustTracker).scale, floor) / 0.6745;
        drift = Math.min(drift, Math.abs(weeklyOffset) / weeklyScale);
      }
      // Not through a likelihood layer, whose history would learn a slow push as usual: like the
      // range check, an offset well beyond the largest this series has shown is an alarm.
      const driftSurprise = driftRecord.update(drift) ? MAX_SURPRISE : 0;
      if (driftSurprise > surprise) {
        surprise = driftSurprise;
        part = 'drift';
      }

      const outOfRange =
        (range !== undefined && (value < range.min || value > range.max)) ||
        (count > k.rangeWarmUp &&
          span > 0 &&
          (value > seenMax + span * k.rangeTolerance || value < seenMin - span * k.rangeTolerance));
      if (outOfRange) {
        surprise = MAX_SURPRISE;
        part = 'range';
      }
      const score = gate.pass(surprise / MAX_SURPRISE, outOfRange);

      // Learn from the reading only after scoring it.
      for (let i = 0; i < baselines.length; i++) {
        const predicted = predictions[i] as number;
        if (!Number.isNaN(predicted)) {
          const error = Math.abs(value - predicted);
          const previous = errors[i] as number;
          errors[i] = Number.isFinite(previous) ? previous + (error - previous) / k.errorMemory : error;
          (residuals[i] as RobustTracker).update(value - predicted);
        }
        (baselines[i] as Baseline).update(timestampMs, value);
      }
      slowLevel.update(value);
      magnitude.update(value);
      if (value < seenMin) seenMin = value;
      if (value > seenMax) seenMax = value;

      last.valid = true;
      last.score = score;
      last.value = value;
      last.expected = expected;
      last.width = scale * 3;
      last.baseline = best >= 0 ? (baselines[best] as Baseline).name : 'level';
      last.part = part;
      last.deviation = deviation;
      last.raw = raw;
      last.surprise = surprise;
      last.outOfRange = outOfRange;
      return score;
    },
    explain() {
      if (!last.valid) return undefined;
      return {
        score: last.score,
        value: last.value,
        expected: last.expected,
        expectedLow: last.expected - last.width,
        expectedHigh: last.expected + last.width,
        baseline: last.baseline,
        part: last.part,
        deviation: last.deviation,
        raw: last.raw,
        likelihood: 1 - 10 ** -last.surprise,
        outOfRange: last.outOfRange,
        resting: gate.closed,
      };
    },
  };
}
