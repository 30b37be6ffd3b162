import { describe, expect, it } from 'vitest';
import { AlarmGate } from './alarm.js';
import { createSenseDetector, type SenseDetector } from './detector.js';
import { AnomalyLikelihood, UnitHistogram } from './likelihood.js';
import { BucketNovelty } from './novelty.js';
import { RobustTracker } from './robust.js';

const STEP = 300_000; // 5 minutes
const DAY = 288; // points a day
const START = Date.UTC(2024, 0, 1);

/** Deterministic noise in [-1, 1] (a small LCG), so that the tests do not flake. */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

/** A daily-seasonal sensor: 50 ± 5 over the day, ± 1 noise. */
function sensor(i: number, rand: () => number): number {
  return 50 + 5 * Math.sin((2 * Math.PI * i) / DAY) + rand();
}

function feed(detector: SenseDetector, values: readonly number[]): number[] {
  return values.map((v, i) => detector.push(START + i * STEP, v));
}

describe('createSenseDetector', () => {
  it('scores in [0,1] and explains every score', () => {
    const rand = noise(1);
    const detector = createSenseDetector();
    const scores = feed(
      detector,
      Array.from({ length: 3 * DAY }, (_, i) => sensor(i, rand)),
    );
    expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);
    const explanation = detector.explain();
    expect(explanation?.expectedLow).toBeLessThan(explanation?.expected ?? 0);
    expect(explanation?.expectedHigh).toBeGreaterThan(explanation?.expected ?? 0);
    expect(['deviation', 'novelty', 'spread', 'drift', 'range']).toContain(explanation?.part);
  });

  it('stays quiet on a healthy seasonal sensor and fires once on a spike', () => {
    const rand = noise(2);
    const values = Array.from({ length: 10 * DAY }, (_, i) => sensor(i, rand));
    values[8 * DAY] = 90;
    const detector = createSenseDetector();
    const scores = values.map((v, i) => {
      const s = detector.push(START + i * STEP, v);
      if (i === 8 * DAY) {
        expect(detector.explain()?.part).toBe('range');
        expect(detector.explain()?.outOfRange).toBe(true);
      }
      return s;
    });
    const alarms = scores.map((s, i) => (s >= 0.5 ? i : -1)).filter((i) => i >= 2 * DAY);
    expect(alarms).toEqual([8 * DAY]);
  });

  it('flags an attacker who drifts a sensor slowly to move its baseline', () => {
    const rand = noise(3);
    // A week of honest readings, then +0.01 a point (about +3 a day, under the noise per step).
    const values = Array.from({ length: 10 * DAY }, (_, i) => sensor(i, rand) + Math.max(0, i - 7 * DAY) * 0.01);
    const scores = feed(createSenseDetector(), values);
    const firstAlarm = scores.findIndex((s, i) => i >= 7 * DAY && s >= 0.5);
    expect(firstAlarm).toBeGreaterThan(7 * DAY);
    // Caught within two days, before the sensor has moved by more than its daily swing.
    expect(firstAlarm).toBeLessThan(9 * DAY);
  });

  it('flags a slow push on a sensor read at an irregular cadence with its drift alarm', () => {
    const rand = noise(3);
    const jitter = noise(9);
    // Readings every 5 minutes ± 2: some slots of the day and of the week get no history, which
    // must not keep restarting the drift record.
    let t = START;
    const drifts: number[] = [];
    const detector = createSenseDetector();
    for (let i = 0; i < 10 * DAY; i++) {
      t += STEP + Math.round(jitter() * 120_000);
      const honest = 50 + 5 * Math.sin((2 * Math.PI * (t - START)) / 86_400_000) + rand();
      const score = detector.push(t, honest + Math.max(0, i - 7 * DAY) * 0.01);
      if (score >= 0.5 && detector.explain()?.part === 'drift') drifts.push(i);
    }
    const firstAfterPush = drifts.find((i) => i >= 7 * DAY);
    expect(firstAfterPush).toBeDefined();
    expect(firstAfterPush).toBeLessThan(7 * DAY + 1.5 * DAY);
  });

  it('takes a weekly pattern (busy weekends) for a pattern once it has seen two weeks of it', () => {
    const rand = noise(11);
    const values = Array.from({ length: 6 * 7 * DAY }, (_, i) => {
      const weekend = Math.floor(i / DAY) % 7 >= 5; // START is a Monday
      return 50 + 10 * Math.sin((2 * Math.PI * i) / DAY) + (weekend ? 15 : 0) + rand();
    });
    const scores = feed(createSenseDetector(), values);
    expect(scores.filter((s, i) => i >= 14 * DAY && s >= 0.5)).toEqual([]);
  });

  /**
   * A steady reading (jitter ±0.05) that now and then sits 0.8 above or below for 15 points;
   * from `onset` on, it swings ±0.8 at every step: same range, same distance from its level,
   * only the size of its moves changed.
   */
  function oscillating(onset: number, length: number): number[] {
    const rand = noise(21);
    return Array.from({ length }, (_, i) => {
      if (i >= onset) return 33.4 + (i % 2 === 0 ? 1 : -1) * (0.8 + 0.05 * rand());
      if (i % 150 < 15) return 33.4 + (i % 300 < 150 ? 1 : -1) * (0.8 + 0.05 * rand());
      return 33.4 + 0.05 * rand();
    });
  }

  function alarmsOf(values: readonly number[], tuning = {}): string[] {
    const detector = createSenseDetector({ tuning });
    const alarms: string[] = [];
    values.forEach((v, i) => {
      if (detector.push(START + i * STEP, v) >= 0.5 && i >= 2 * DAY) alarms.push(`${i} ${detector.explain()?.part}`);
    });
    return alarms;
  }

  it('flags a sensor that starts to oscillate inside its usual range, by its spread', () => {
    const alarms = alarmsOf(oscillating(2500, 3000));
    expect(alarms).toHaveLength(1);
    const [at, part] = (alarms[0] ?? '').split(' ');
    expect(part).toBe('spread');
    expect(Number(at)).toBeGreaterThanOrEqual(2500);
    expect(Number(at)).toBeLessThan(2530);
    // Without the spread part, nothing else sees it.
    expect(alarmsOf(oscillating(2500, 3000), { spreadLarge: Number.POSITIVE_INFINITY })).toEqual([]);
  });

  it('takes an oscillation that has always been there for the usual behaviour', () => {
    expect(alarmsOf(oscillating(0, 3000))).toEqual([]);
  });

  it('uses a configured physical range', () => {
    const detector = createSenseDetector({ expectedRange: { min: 0, max: 100 } });
    detector.push(START, 50);
    detector.push(START + STEP, 120);
    expect(detector.explain()?.outOfRange).toBe(true);
    expect(detector.explain()?.part).toBe('range');
  });

  it('ignores non-finite readings', () => {
    const detector = createSenseDetector();
    expect(detector.push(START, Number.NaN)).toBe(0);
    expect(detector.explain()).toBeUndefined();
  });
});

describe('RobustTracker', () => {
  it('is barely moved by one outlier (trimmed steps)', () => {
    const tracker = new RobustTracker(1 / 20);
    const rand = noise(4);
    for (let i = 0; i < 500; i++) tracker.update(10 + rand());
    const before = tracker.location;
    tracker.update(1_000_000);
    expect(Math.abs(tracker.location - before)).toBeLessThan(0.2);
    expect(tracker.scale).toBeGreaterThan(0.3);
    expect(tracker.scale).toBeLessThan(0.7);
  });
});

describe('AnomalyLikelihood', () => {
  it('is surprised by raw scores unusually high for this series, not by usual ones', () => {
    const layer = new AnomalyLikelihood({ historyPoints: 500, recentPoints: 5, learningPoints: 100, minSpread: 0.01 });
    const rand = noise(5);
    let usual = 0;
    for (let i = 0; i < 600; i++) usual = Math.max(usual, layer.update(0.3 + 0.05 * rand()));
    let unusual = 0;
    for (let i = 0; i < 5; i++) unusual = layer.update(0.9);
    expect(usual).toBeLessThan(4);
    expect(unusual).toBeGreaterThan(8);
  });

  it('does not find rare an average this series reaches every few days, however the normal model ranks it', () => {
    const layer = new AnomalyLikelihood({
      historyPoints: 4000,
      recentPoints: 10,
      learningPoints: 300,
      minSpread: 0.03,
    });
    const rand = noise(6);
    // Quiet, with a burst of 15 high raw scores every 400 points: about 1.5% of the averages are that high.
    const raw = (i: number) => (i % 400 < 15 ? 0.9 : 0.02 + 0.01 * rand());
    let burst = 0;
    let burstZ = 0;
    for (let i = 0; i < 4400; i++) {
      const surprise = layer.update(raw(i));
      if (i >= 4000 && surprise > burst) {
        burst = surprise;
        burstZ = layer.z;
      }
    }
    // The normal model alone would call it a 1e-7 event.
    expect(burstZ).toBeGreaterThan(5);
    expect(burst).toBeLessThan(5);
    // A higher burst than any of them is beyond what the series has done: the model decides.
    let higher = 0;
    for (let i = 0; i < 10; i++) higher = Math.max(higher, layer.update(1));
    expect(higher).toBeGreaterThan(8);
  });
});

describe('UnitHistogram', () => {
  it('counts the values at or above a point, across blocks, after removals', () => {
    const histogram = new UnitHistogram();
    for (const value of [0, 0.1, 0.5, 0.5, 0.97, 1]) histogram.add(value, 1);
    histogram.add(0.1, -1);
    expect(histogram.total).toBe(5);
    expect(histogram.atOrAbove(0)).toBe(5);
    expect(histogram.atOrAbove(0.05)).toBe(4);
    expect(histogram.atOrAbove(0.5)).toBe(4);
    expect(histogram.atOrAbove(0.9)).toBe(2);
    expect(histogram.atOrAbove(1)).toBe(1);
  });
});

describe('BucketNovelty', () => {
  it('finds a rarely visited part of the range novel', () => {
    const novelty = new BucketNovelty(32, 1000);
    for (let i = 0; i < 1000; i++) novelty.update(0.2 + (i % 10) / 100);
    expect(novelty.update(0.25)).toBeLessThan(0.3);
    expect(novelty.update(0.9)).toBeGreaterThan(0.9);
  });
});

describe('AlarmGate', () => {
  it('lets one alarm through, rests, and re-arms once the score calms down', () => {
    const gate = new AlarmGate({ fireLevel: 0.5, rest: 3, rearmLevel: 0.1 });
    const out = [0.9, 0.9, 0.9, 0.9, 0.9, 0.05, 0.9].map((s) => gate.pass(s, false));
    expect(out).toEqual([0.9, 0, 0, 0, 0, 0.05, 0.9]);
    expect(gate.pass(0.95, true)).toBe(0.95);
  });
});
