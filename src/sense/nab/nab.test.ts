// The NAB scorer on small hand-made series, each expectation worked out from NAB's formulas.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NAB_PROFILES,
  NabInputError,
  type NabSeries,
  parseNabLabels,
  parseNabProfiles,
  parseNabTimestamp,
  probationaryLength,
  scaledSigmoid,
  scoreNabCorpus,
} from './index.js';

const T0 = Date.UTC(2020, 0, 1);
const MINUTE = 60_000;
const at = (row: number) => T0 + row * MINUTE;
const standard = NAB_PROFILES.filter((p) => p.name === 'standard');
const fpWeight = 0.11;

/** NAB's scaled sigmoid written out independently of the engine. */
const sigmoid = (x: number) => 2 * (1 / (1 + Math.exp(5 * x))) - 1;
/** What a first detection `row` is worth in a window of rows [first, last] (tpWeight 1). */
const tpCredit = (row: number, first: number, last: number) =>
  sigmoid(-(last - row + 1) / (last - first + 1)) / sigmoid(-1);

function series(rows: number, windows: [number, number][], scored: Record<number, number>, name = 'a.csv'): NabSeries {
  const scores = Array.from({ length: rows }, (_, row) => scored[row] ?? 0);
  return {
    name,
    timestamps: Array.from({ length: rows }, (_, row) => at(row)),
    scores,
    windows: windows.map(([first, last]) => ({ start: at(first), end: at(last) })),
  };
}

/** Scores one series under the standard profile without probation unless asked. */
function score(one: NabSeries | NabSeries[], options: { threshold?: number; probationaryPercent?: number } = {}) {
  const result = scoreNabCorpus(Array.isArray(one) ? one : [one], {
    profiles: standard,
    probationaryPercent: options.probationaryPercent ?? 0,
    ...(options.threshold === undefined ? {} : { thresholds: { standard: options.threshold } }),
  });
  const profile = result.profiles[0];
  if (!profile) throw new Error('no profile scored');
  return profile;
}

describe('NAB building blocks', () => {
  it('scaledSigmoid has NAB documented values', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 5);
    expect(scaledSigmoid(-0.5)).toBeCloseTo(0.84828, 5);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(1)).toBeCloseTo(-0.98661, 5);
    expect(scaledSigmoid(3)).toBeCloseTo(-0.9999994, 6);
    expect(scaledSigmoid(3.0001)).toBe(-1);
  });

  it('the probationary period is 15% of the rows, at most 750', () => {
    expect(probationaryLength(100)).toBe(15);
    expect(probationaryLength(4032)).toBe(604);
    expect(probationaryLength(22695)).toBe(750);
  });

  it('parses NAB timestamps as UTC, with or without microseconds', () => {
    expect(parseNabTimestamp('2014-04-10 07:15:00.000000')).toBe(Date.UTC(2014, 3, 10, 7, 15));
    expect(parseNabTimestamp('2014-07-01 00:00:00')).toBe(Date.UTC(2014, 6, 1));
    expect(parseNabTimestamp('2014-07-01 00:00:00.5')).toBe(Date.UTC(2014, 6, 1) + 500);
    for (const bad of ['2014-02-30 00:00:00', '2014-13-01 00:00:00', '2014-07-01 24:00:00', '2014-07-01', 'nope']) {
      expect(parseNabTimestamp(bad), bad).toBeUndefined();
    }
  });

  it('reads profiles and labels in the shape of NAB files', () => {
    const profiles = parseNabProfiles({
      standard: { CostMatrix: { tpWeight: 1.0, fnWeight: 1.0, fpWeight: 0.11, tnWeight: 1.0 } },
      reward_low_FP_rate: { CostMatrix: { tpWeight: 1.0, fnWeight: 1.0, fpWeight: 0.22, tnWeight: 1.0 } },
      reward_low_FN_rate: { CostMatrix: { tpWeight: 1.0, fnWeight: 2.0, fpWeight: 0.11, tnWeight: 1.0 } },
    });
    expect(profiles).toEqual(NAB_PROFILES);
    expect(() => parseNabProfiles({ bad: { CostMatrix: { tpWeight: -1, fnWeight: 1, fpWeight: 1 } } })).toThrow();
    const labels = parseNabLabels({
      'x/a.csv': [['2014-04-10 07:15:00.000000', '2014-04-11 16:45:00.000000']],
      'x/b.csv': [],
    });
    expect(labels.get('x/a.csv')).toEqual([
      { start: Date.UTC(2014, 3, 10, 7, 15), end: Date.UTC(2014, 3, 11, 16, 45) },
    ]);
    expect(labels.get('x/b.csv')).toEqual([]);
    expect(() => parseNabLabels({ 'x/a.csv': [['2014-04-10', 'soon']] })).toThrow(NabInputError);
  });
});

describe('NAB scoring of one window', () => {
  // 40 rows, one window on rows 10..19 (10 rows).
  const window: [number, number][] = [[10, 19]];

  it('a detection on the window start is worth tpWeight: a perfect score', () => {
    const result = score(series(40, window, { 10: 1 }));
    expect(result.threshold).toBe(1);
    expect(result.rawScore).toBeCloseTo(1, 12);
    expect(result.normalisedScore).toBeCloseTo(100, 10);
    expect(result.series[0]).toMatchObject({ truePositives: 1, falseNegatives: 0, falsePositives: 0 });
    expect(result.series[0]?.windows[0]).toMatchObject({ detectedAt: at(10), detectedAfterRows: 0, rows: 10 });
  });

  it('a detection in the middle of the window is worth less', () => {
    const result = score(series(40, window, { 15: 1 }));
    expect(result.rawScore).toBeCloseTo(tpCredit(15, 10, 19), 12);
    expect(result.rawScore).toBeCloseTo(sigmoid(-0.5) / sigmoid(-1), 12);
    // Null: -1 (one window missed), perfect: +1.
    expect(result.normalisedScore).toBeCloseTo((100 * (result.rawScore + 1)) / 2, 10);
  });

  it('a detection after the window is a false positive scaled by its distance, and the window is missed', () => {
    const late = series(40, window, { 25: 1 });
    const forced = score(late, { threshold: 0.5 });
    // Six rows past the end of a 10-row window: position 6 / (10 - 1).
    expect(forced.rawScore).toBeCloseTo(-1 + fpWeight * sigmoid(6 / 9), 12);
    expect(forced.series[0]).toMatchObject({ truePositives: 0, falseNegatives: 1, falsePositives: 1 });
    // Left to itself, the sweep prefers no detection at all: the null score.
    const optimised = score(late);
    expect(optimised.threshold).toBe(1.1);
    expect(optimised.rawScore).toBe(-1);
    expect(optimised.normalisedScore).toBe(0);
  });

  it('a false positive before the first window costs the full fpWeight', () => {
    const result = score(series(40, window, { 3: 1, 10: 1 }), { threshold: 0.5 });
    expect(result.rawScore).toBeCloseTo(1 - fpWeight, 12);
    expect(result.series[0]).toMatchObject({ truePositives: 1, falsePositives: 1, falsePositiveScore: -fpWeight });
  });

  it('only the first of two detections in one window counts', () => {
    const result = score(series(40, window, { 12: 1, 16: 1 }), { threshold: 0.5 });
    expect(result.rawScore).toBeCloseTo(tpCredit(12, 10, 19), 12);
    expect(result.series[0]).toMatchObject({ detections: 2, truePositives: 1, falsePositives: 0 });
  });

  it('a detection is a score at or above the threshold; NaN is never one', () => {
    const one = series(40, window, { 12: 0.8, 16: Number.NaN });
    expect(score(one, { threshold: 0.8 }).series[0]?.detections).toBe(1);
    expect(score(one, { threshold: 0.80001 }).series[0]?.detections).toBe(0);
  });

  it('the probationary period is not scored', () => {
    // 100 rows: rows 0..14 are probationary. A detection there is neither credited nor counted.
    const result = score(series(100, [[50, 59]], { 5: 1 }), { threshold: 0.5, probationaryPercent: 0.15 });
    expect(result.rawScore).toBe(-1);
    expect(result.series[0]).toMatchObject({ probationRows: 15, detections: 0, falsePositives: 0, falseNegatives: 1 });
  });

  it('a window inside the probationary period is not missed, but still counts in the perfect score (as in NAB)', () => {
    const result = score(
      series(
        100,
        [
          [2, 8],
          [50, 59],
        ],
        { 50: 1 },
      ),
      { probationaryPercent: 0.15 },
    );
    expect(result.rawScore).toBeCloseTo(1, 12);
    expect(result.nullScore).toBe(-1);
    expect(result.perfectScore).toBe(2);
    expect(result.normalisedScore).toBeCloseTo((100 * 2) / 3, 10);
    expect(result.series[0]?.windows[0]?.contribution).toBe(0);
  });

  it('on equal scores the sweep keeps the highest threshold', () => {
    // Lowering the threshold from 0.9 to 0.8 only adds a later detection in the same window.
    const result = score(series(40, window, { 10: 0.9, 15: 0.8 }));
    expect(result.threshold).toBe(0.9);
    expect(result.rawScore).toBeCloseTo(1, 12);
  });

  it('windows are placed on rows: bounds between rows snap inwards, a duplicated end does not stretch them', () => {
    const snapped = series(40, [], { 11: 1 });
    const between = { ...snapped, windows: [{ start: at(10) - 1000, end: at(19) + 1000 }] };
    expect(score(between, { threshold: 0.5 }).rawScore).toBeCloseTo(tpCredit(11, 10, 19), 12);
    const timestamps = Array.from({ length: 40 }, (_, row) => at(row <= 19 ? row : row - 1));
    const duplicated = { ...snapped, timestamps, windows: [{ start: at(10), end: at(19) }] };
    expect(score(duplicated, { threshold: 0.5 }).series[0]?.windows[0]?.rows).toBe(10);
  });

  it('refuses unusable input, listing every problem', () => {
    const good = series(40, window, {});
    const tooFew = { ...good, name: 'short.csv', scores: Array.from(good.scores).slice(0, 39) };
    const outside = { ...good, name: 'outside.csv', windows: [{ start: at(50), end: at(60) }] };
    const overlapping = {
      ...good,
      name: 'overlap.csv',
      windows: [
        { start: at(1), end: at(5) },
        { start: at(4), end: at(8) },
      ],
    };
    const thrown = (() => {
      try {
        score([tooFew, outside, overlapping, good, good]);
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(NabInputError);
    const messages = (thrown as NabInputError).issues.map((issue) => `${issue.series}: ${issue.message}`);
    expect(messages).toEqual([
      'short.csv: 39 scores for 40 rows',
      'outside.csv: window 1 covers no row of the series',
      'overlap.csv: window 2 starts before window 1 ends (windows must be in order, without overlap)',
      'a.csv: appears twice in the corpus',
    ]);
  });
});

describe('NAB threshold sweep', () => {
  it('finds the best of all thresholds over the whole corpus', () => {
    const corpus = fc.array(
      fc.record({
        rows: fc.integer({ min: 20, max: 60 }),
        windowAt: fc.integer({ min: 0, max: 40 }),
        width: fc.integer({ min: 2, max: 10 }),
        scores: fc.array(fc.constantFrom(0, 0.1, 0.25, 0.5, 0.75, 0.9, 1), { minLength: 60, maxLength: 60 }),
      }),
      { minLength: 1, maxLength: 4 },
    );
    fc.assert(
      fc.property(corpus, (specs) => {
        const all = specs.map((spec, index) => {
          const last = Math.min(spec.windowAt + spec.width - 1, spec.rows - 1);
          const one = series(spec.rows, [[Math.min(spec.windowAt, last), last]], {}, `s${index}.csv`);
          return { ...one, scores: spec.scores.slice(0, spec.rows) };
        });
        for (const profile of NAB_PROFILES) {
          const options = { profiles: [profile], probationaryPercent: 0.15 };
          const best = scoreNabCorpus(all, options).profiles[0];
          const candidates = [1.1, ...new Set(all.flatMap((one) => one.scores))];
          const byThreshold = candidates.map(
            (threshold) =>
              scoreNabCorpus(all, { ...options, thresholds: { [profile.name]: threshold } }).profiles[0]?.rawScore ??
              Number.NaN,
          );
          expect(best?.rawScore).toBeCloseTo(Math.max(...byThreshold), 9);
        }
      }),
      { numRuns: 200 },
    );
  });
});
