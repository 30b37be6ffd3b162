/**
 * The streaming anomaly detector of one series: readings in one at a time, a score in
 * [0,1] out, with the parts that made it. It never looks ahead: no minimum, maximum or
 * length known in advance. Cost per point is constant (a few trackers, rings and tables).
 *
 * Parts: raw signals (distance to the best of three robust baselines — recent level, same
 * time yesterday, same time last week —, novelty of the value and of the step to it), each
 * calibrated by its own anomaly-likelihood layer; the most surprising wins. A range check
 * (well outside the range seen so far, or outside a configured physical range) overrides.
 * After a firing, the detector rests, so that one anomaly gives one alarm.
 */
import { type Baseline, DAY_MS, LevelBaseline, SeasonalBaseline, WEEK_MS } from './baselines.js';
import { AnomalyLikelihood, EmpiricalLikelihood, MAX_SURPRISE } from './likelihood.js';
import { BucketNovelty } from './novelty.js';
import { RobustTracker } from './robust.js';

/** Knobs of the detector; the defaults are tuned on NAB-like telemetry. */
export interface SenseTuning {
  levelMemory: number;
  seasonMemory: number;
  residualMemory: number;
  /** Memory of each baseline's error (points): long, so that an anomaly does not switch baselines. */
  errorMemory: number;
  historyPoints: number;
  recentPoints: number;
  learningPoints: number;
  buckets: number;
  noveltyMemory: number;
  /** Margin beyond the range seen so far, as a fraction of that range, that counts as out of range. */
  rangeTolerance: number;
  /** Points seen before the range check may fire. */
  rangeWarmUp: number;
  /** Points over which old extremes fade toward the usual level (0: never). */
  rangeMemory: number;
  /** Score at which the detector fires, and how many points it then rests. */
  fireLevel: number;
  rest: number;
  /** Whether an out-of-range reading may fire while the detector rests. */
  rangeBreaksRest: number;
  /** After resting, the score must fall below this before the detector may fire again. */
  rearmLevel: number;
  /** Each firing raises the bar by this much; the raise fades with a memory of `barMemory` points. */
  barStep: number;
  barMemory: number;
  /** 0: Numenta's normal fit; 1: empirical tail (decayed histogram of past averages). */
  empirical: number;
  tailMemory: number;
  tailResolution: number;
  /** Deviation (in robust scales) that maps to a raw score of 1 - 1/e. */
  deviationSoftness: number;
  /** Floor on the deviation scale, as a fraction of the range seen so far. */
  spanFloor: number;
  /** Memories (points) of the short and long typical step size, for the volatility signal. */
  volShort: number;
  volLong: number;
  /** Penalty on surprises below the (fading) record of past surprises: power, memory, floor. */
  recordPower: number;
  recordMemory: number;
  recordFloor: number;
  /** Tail calibration: reference surprise, memory (points) of its exceedance rate, strength. */
  calibLevel: number;
  calibMemory: number;
  calibStrength: number;
  useDeviation: number;
  useSeasonal: number;
  useVolatility: number;
  useNovelty: number;
  useTransition: number;
}

export const DEFAULT_TUNING: SenseTuning = {
  levelMemory: 20,
  seasonMemory: 3,
  residualMemory: 50,
  errorMemory: 50,
  historyPoints: 2000,
  recentPoints: 10,
  learningPoints: 300,
  buckets: 32,
  noveltyMemory: 2000,
  rangeTolerance: 0.05,
  rangeWarmUp: 100,
  rangeMemory: 0,
  fireLevel: 0.5,
  rest: 150,
  rangeBreaksRest: 1,
  rearmLevel: 0.1,
  barStep: 0,
  barMemory: 2000,
  empirical: 0,
  tailMemory: 2000,
  tailResolution: 128,
  deviationSoftness: 4,
  spanFloor: 0.01,
  volShort: 10,
  volLong: 500,
  recordPower: 0,
  recordMemory: 3000,
  recordFloor: 3,
  calibLevel: 3,
  calibMemory: 3000,
  calibStrength: 0,
  useDeviation: 1,
  useSeasonal: 0,
  useVolatility: 0,
  useNovelty: 1,
  useTransition: 1,
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

export type ScorePart = 'deviation' | 'seasonal' | 'volatility' | 'novelty' | 'transition' | 'range';

/** Why the last point scored what it did. */
export interface PointExplanation {
  readonly score: number;
  readonly value: number;
  /** What the baseline expected, and how far a reading may usually stray from it. */
  readonly expected: number;
  readonly expectedLow: number;
  readonly expectedHigh: number;
  readonly baseline: 'level' | 'daily' | 'weekly';
  /** Which part of the score was the most surprising. */
  readonly part: ScorePart;
  /** Distance to the expected value, in robust scales. */
  readonly deviation: number;
  readonly raw: number;
  /** 1 - probability of recent raw scores this high, for the winning part. */
  readonly likelihood: number;
  readonly outOfRange: boolean;
  /** True while the detector rests after a firing (the score is then held at 0). */
  readonly resting: boolean;
}

export interface SenseDetector {
  /** Feeds one reading (time in ms since the epoch); returns its anomaly score in [0,1]. */
  push(timestampMs: number, value: number): number;
  /** The parts of the last score. */
  explain(): PointExplanation | undefined;
}

export function createSenseDetector(options: SenseDetectorOptions = {}): SenseDetector {
  const k: SenseTuning = {
    ...DEFAULT_TUNING,
    ...(options.levelMemory !== undefined ? { levelMemory: options.levelMemory } : {}),
    ...(options.seasonMemory !== undefined ? { seasonMemory: options.seasonMemory } : {}),
    ...options.tuning,
  };
  const level = new LevelBaseline(k.levelMemory);
  const daily = new SeasonalBaseline('daily', DAY_MS, k.seasonMemory);
  const weekly = new SeasonalBaseline('weekly', WEEK_MS, k.seasonMemory);
  const baselines: Baseline[] = [level, daily, weekly];
  const residuals = baselines.map(() => new RobustTracker(1 / k.residualMemory));
  const predictions = new Float64Array(baselines.length);
  const likelihoodOptions = {
    historyPoints: k.historyPoints,
    recentPoints: k.recentPoints,
    learningPoints: k.learningPoints,
  };
  const makeLikelihood = () =>
    k.empirical
      ? new EmpiricalLikelihood({ ...likelihoodOptions, memory: k.tailMemory, resolution: k.tailResolution })
      : new AnomalyLikelihood(likelihoodOptions);
  const deviationLikelihood = makeLikelihood();
  const noveltyLikelihood = makeLikelihood();
  const transitionLikelihood = makeLikelihood();
  const seasonalLikelihood = makeLikelihood();
  const volatilityLikelihood = makeLikelihood();
  const longStep = new RobustTracker(1 / k.volLong);
  let shortStep = 0;
  let previousValue = Number.NaN;
  const novelty = new BucketNovelty(k.buckets, k.noveltyMemory);
  const values = new RobustTracker(1 / 2000);
  const gaps: number[] = [];
  let lastTimestamp: number | undefined;
  let seenMin = Number.POSITIVE_INFINITY;
  let seenMax = Number.NEGATIVE_INFINITY;
  let count = 0;
  let restLeft = 0;
  let exceedRate = 0;
  let record = 0;
  let armed = true;
  let bar = 0;
  let last: PointExplanation | undefined;

  function learnCadence(timestampMs: number): void {
    if (lastTimestamp !== undefined && gaps.length < 32) {
      const gap = timestampMs - lastTimestamp;
      if (gap > 0) gaps.push(gap);
      if (gaps.length === 32) {
        const cadence = [...gaps].sort((a, b) => a - b)[16] ?? 0;
        if (cadence > 0) {
          daily.setCadence(cadence);
          weekly.setCadence(cadence);
        }
      }
    }
    lastTimestamp = timestampMs;
  }

  return {
    push(timestampMs, value) {
      count += 1;
      learnCadence(timestampMs);
      if (!Number.isFinite(value)) {
        last = undefined;
        return 0;
      }
      // A scale floor relative to the magnitude: flat series still react to a change.
      // and, like an encoder whose resolution is a fraction of the range, wiggles that are
      // tiny next to the range seen so far are not news.
      const floor = 1e-9 + 1e-6 * Math.abs(values.location) + k.spanFloor * (count > 1 ? seenMax - seenMin : 0);
      let best = -1;
      for (let i = 0; i < baselines.length; i++) {
        const baseline = baselines[i] as Baseline;
        predictions[i] = baseline.predict(timestampMs);
        if (Number.isNaN(predictions[i])) continue;
        if (best < 0 || baseline.error < (baselines[best] as Baseline).error) best = i;
      }
      const expected = best >= 0 ? (predictions[best] as number) : value;
      const scale = Math.max(best >= 0 ? (residuals[best] as RobustTracker).scale : 0, floor);
      const deviation = Math.abs(value - expected) / (scale / 0.6745);

      const span = seenMax - seenMin;
      const outOfRange =
        (options.expectedRange !== undefined &&
          (value < options.expectedRange.min || value > options.expectedRange.max)) ||
        (count > k.rangeWarmUp &&
          span > 0 &&
          (value > seenMax + span * k.rangeTolerance || value < seenMin - span * k.rangeTolerance));
      novelty.update(span > 0 ? (value - seenMin) / span : 0.5);

      const raw = 1 - Math.exp(-Math.max(0, deviation - 1) / k.deviationSoftness);
      let part: ScorePart = 'deviation';
      let surprise = k.useDeviation ? deviationLikelihood.update(raw) : 0;
      const noveltySurprise = k.useNovelty ? noveltyLikelihood.update(novelty.valueNovelty) : 0;
      if (noveltySurprise > surprise) {
        surprise = noveltySurprise;
        part = 'novelty';
      }
      const transitionSurprise = k.useTransition ? transitionLikelihood.update(novelty.transitionNovelty) : 0;
      if (transitionSurprise > surprise) {
        surprise = transitionSurprise;
        part = 'transition';
      }
      if (k.useSeasonal) {
        // The seasonal residual on its own: the level baseline must not explain away a missing daily rise.
        const seasonal = Number.isNaN(predictions[1] as number) ? 1 : 1;
        const d = Number.isNaN(predictions[1] as number)
          ? 0
          : Math.abs(value - (predictions[1] as number)) /
            (Math.max((residuals[1] as RobustTracker).scale, floor) / 0.6745);
        const seasonalSurprise = seasonalLikelihood.update(
          1 - Math.exp(-Math.max(0, d - 1) / k.deviationSoftness) * seasonal,
        );
        if (seasonalSurprise > surprise) {
          surprise = seasonalSurprise;
          part = 'seasonal';
        }
      }
      if (k.useVolatility) {
        // A change in how much the series moves from one point to the next (noisier, or stuck).
        const step = Number.isNaN(previousValue) ? 0 : Math.abs(value - previousValue);
        shortStep += (step - shortStep) / k.volShort;
        const ratio = Math.log((shortStep + floor) / (longStep.location + floor));
        longStep.update(step);
        const volatilitySurprise = volatilityLikelihood.update(1 - Math.exp(-Math.abs(ratio)));
        if (volatilitySurprise > surprise) {
          surprise = volatilitySurprise;
          part = 'volatility';
        }
      }
      previousValue = value;
      // Tail calibration: the likelihood layer assumes normal averages; a heavy-tailed series
      // exceeds the reference surprise far more often than it should, so its surprises shrink
      // by how much more often (in decades).
      if (k.calibStrength > 0) {
        const exceeded = surprise >= k.calibLevel ? 1 : 0;
        exceedRate += (exceeded - exceedRate) / k.calibMemory;
        const expected = 10 ** -k.calibLevel;
        if (exceedRate > expected) surprise = Math.max(0, surprise - k.calibStrength * Math.log10(exceedRate / expected));
      }
      // Relative to the record: a surprise this series often reaches is not news; one that
      // beats what it did lately is (labelled anomalies are the series' most striking events).
      record *= 1 - 1 / k.recordMemory;
      const ratio = surprise / Math.max(record, k.recordFloor);
      if (surprise > record) record = surprise;
      if (k.recordPower > 0) surprise *= Math.min(1, ratio) ** k.recordPower;
      if (outOfRange) {
        surprise = MAX_SURPRISE;
        part = 'range';
      }
      // A series that fires often is noisy: its bar rises, so alarms stay rare.
      bar *= 1 - 1 / k.barMemory;
      let score = Math.max(0, surprise / MAX_SURPRISE - bar);
      if (!armed && restLeft === 0 && score < k.rearmLevel) armed = true;
      // A new extreme is news even while resting (the rest is for echoes of the last alarm).
      const resting = (restLeft > 0 || !armed) && !(outOfRange && k.rangeBreaksRest);
      if (resting) {
        if (restLeft > 0) restLeft -= 1;
        score = 0;
      } else if (score >= k.fireLevel) {
        armed = false;
        restLeft = k.rest;
        bar += k.barStep;
      }

      for (let i = 0; i < baselines.length; i++) {
        const baseline = baselines[i] as Baseline;
        const predicted = predictions[i] as number;
        if (!Number.isNaN(predicted)) {
          const error = Math.abs(value - predicted);
          baseline.error = Number.isFinite(baseline.error)
            ? baseline.error + (error - baseline.error) / k.errorMemory
            : error;
          (residuals[i] as RobustTracker).update(value - predicted);
        }
        baseline.update(timestampMs, value);
      }
      values.update(value);
      if (k.rangeMemory > 0 && count > k.rangeWarmUp) {
        // Old extremes fade toward the usual level: a spike long ago should not blind the range check.
        const center = values.location;
        seenMax -= (seenMax - center) / k.rangeMemory;
        seenMin -= (seenMin - center) / k.rangeMemory;
      }
      if (value < seenMin) seenMin = value;
      if (value > seenMax) seenMax = value;

      const width = (scale / 0.6745) * 3;
      last = {
        score,
        value,
        expected,
        expectedLow: expected - width,
        expectedHigh: expected + width,
        baseline: best >= 0 ? (baselines[best] as Baseline).name : 'level',
        part,
        deviation,
        raw,
        likelihood: 1 - 10 ** -surprise,
        outOfRange,
        resting,
      };
      return score;
    },
    explain: () => last,
  };
}
