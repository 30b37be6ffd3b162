// Acceptance: scoring the 16 published detectors' anomaly scores reproduces NAB v1.1's published scoreboard.
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  NAB_PROFILES,
  type NabCorpusScore,
  type NabSeries,
  type NabWindow,
  parseNabLabels,
  parseNabProfiles,
  parseNabTimestamp,
  scoreNabCorpus,
} from './index.js';

const NAB_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'shared', 'data', 'sense', 'nab');
const present = existsSync(join(NAB_DIR, 'scorer_fixtures'));
const absence = `NAB data not found at ${NAB_DIR} (../shared/data/sense/nab from the repository root)`;

/**
 * Published results not computed at the corpus-optimal threshold. NAB v1.0 chose thresholds
 * with a local hill-climb ("twiddle", from 0.5 in steps of 0.1); v1.1's sweep finds a better
 * one here, and htmjava's entries were scored at numentaTM's thresholds. Scoring at the
 * published threshold reproduces the published number; the sweep's optimum below is what a
 * line-for-line port of NAB v1.1's sweeper.py gives on these fixtures.
 */
const PUBLISHED_BELOW_OPTIMUM: Record<string, Record<string, number>> = {
  expose: { reward_low_FP_rate: 3.465075 },
  htmjava: { standard: 66.063947, reward_low_FP_rate: 58.795579, reward_low_FN_rate: 70.739649 },
  numenta: { reward_low_FP_rate: 63.209185 },
  numentaTM: { reward_low_FN_rate: 69.376109 },
  random: { standard: 17.65544, reward_low_FP_rate: 7.480035, reward_low_FN_rate: 27.574891 },
};

/** Detectors whose raw `score` in thresholds.json was not updated with their threshold (placeholders, copies). */
const STALE_RAW_SCORES = new Set(['htmjava', 'knncad', 'random', 'twitterADVec', 'windowedGaussian']);

type PerProfile<T> = Record<string, Record<string, T>>;
const readJson = (path: string): unknown => JSON.parse(readFileSync(join(NAB_DIR, path), 'utf8'));

function readTimestamps(name: string): Float64Array {
  const lines = readFileSync(join(NAB_DIR, 'data', name), 'utf8')
    .split('\n')
    .slice(1);
  const rows = lines.filter((line) => line.trim() !== '');
  return Float64Array.from(rows, (line, row) => {
    const timestamp = parseNabTimestamp(line.slice(0, line.indexOf(',')));
    if (timestamp === undefined) throw new Error(`${name}:${row + 2}: bad timestamp`);
    return timestamp;
  });
}

/** One fixture, read once as a stream: `file<TAB>anomaly_score` rows grouped by file, in data order. */
async function readFixture(detector: string): Promise<Map<string, number[]>> {
  const input = createReadStream(join(NAB_DIR, 'scorer_fixtures', `${detector}.tsv.gz`)).pipe(createGunzip());
  const scores = new Map<string, number[]>();
  let header = true;
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (header || line === '') {
      header = false;
      continue;
    }
    const tab = line.indexOf('\t');
    const name = line.slice(0, tab);
    const list = scores.get(name) ?? [];
    if (list.length === 0) scores.set(name, list);
    list.push(Number(line.slice(tab + 1)));
  }
  return scores;
}

if (!present && process.env.CI) {
  describe('NAB acceptance', () => {
    it('has the NAB data in CI', () => {
      throw new Error(`${absence}; CI must provide it`);
    });
  });
}

const detectors = present
  ? readdirSync(join(NAB_DIR, 'scorer_fixtures'))
      .filter((file) => file.endsWith('.tsv.gz'))
      .map((file) => file.replace(/\.tsv\.gz$/, ''))
      .sort()
  : [];

describe.skipIf(!present)(`NAB acceptance: the published scoreboard${present ? '' : ` (skipped: ${absence})`}`, () => {
  const published = () => readJson('results/final_results.json') as PerProfile<number>;
  const thresholds = () => readJson('config/thresholds.json') as PerProfile<{ threshold: number; score: number }>;
  const dataRows = new Map<string, number>();
  const rowCounts = new Map<string, Map<string, number>>();
  const optimised = new Map<string, NabCorpusScore>();
  const atPublishedThreshold = new Map<string, NabCorpusScore>();

  beforeAll(async () => {
    const labels: Map<string, NabWindow[]> = parseNabLabels(readJson('labels/combined_windows.json'));
    const timestamps = new Map([...labels.keys()].map((name) => [name, readTimestamps(name)]));
    for (const [name, rows] of timestamps) dataRows.set(name, rows.length);
    const given = thresholds();
    for (const detector of detectors) {
      const scores = await readFixture(detector);
      rowCounts.set(detector, new Map([...scores].map(([name, list]) => [name, list.length])));
      const corpus: NabSeries[] = [...labels].map(([name, windows]) => ({
        name,
        timestamps: timestamps.get(name) ?? [],
        scores: scores.get(name) ?? [],
        windows,
      }));
      optimised.set(detector, scoreNabCorpus(corpus));
      const fixed = Object.fromEntries(Object.entries(given[detector] ?? {}).map(([p, entry]) => [p, entry.threshold]));
      atPublishedThreshold.set(detector, scoreNabCorpus(corpus, { thresholds: fixed }));
    }
  }, 120_000);

  const normalised = (scores: Map<string, NabCorpusScore>, detector: string, profile: string) =>
    scores.get(detector)?.profiles.find((p) => p.profile === profile);

  it("the built-in profiles are NAB's config/profiles.json", () => {
    expect(parseNabProfiles(readJson('config/profiles.json'))).toEqual(NAB_PROFILES);
  });

  it('every fixture has one score per data row of each of the 58 series', () => {
    expect(dataRows.size).toBe(58);
    for (const detector of detectors) {
      const counts = rowCounts.get(detector);
      expect(counts?.size, detector).toBe(58);
      for (const [name, rows] of dataRows) expect(counts?.get(name), `${detector} ${name}`).toBe(rows);
    }
  });

  it.each(detectors)('%s: the normalised score at the optimal threshold is the published one', (detector) => {
    const expected = published()[detector];
    if (!expected) return; // bayesChangePt has thresholds but no published normalised score.
    for (const profile of NAB_PROFILES) {
      const ours = normalised(optimised, detector, profile.name)?.normalisedScore;
      const pinned = PUBLISHED_BELOW_OPTIMUM[detector]?.[profile.name];
      const target = pinned ?? expected[profile.name];
      expect(Math.abs((ours ?? Number.NaN) - (target ?? Number.NaN)), `${detector} ${profile.name}`).toBeLessThan(0.01);
      if (pinned !== undefined)
        expect(ours, `${detector} ${profile.name}`).toBeGreaterThan(expected[profile.name] ?? 0);
    }
  });

  it.each(detectors)('%s: scored at the published threshold, every published number is reproduced', (detector) => {
    const expectedNormalised = published()[detector];
    const given = thresholds()[detector];
    for (const profile of NAB_PROFILES) {
      const ours = normalised(atPublishedThreshold, detector, profile.name);
      const target = expectedNormalised?.[profile.name];
      if (target !== undefined) {
        expect(Math.abs((ours?.normalisedScore ?? Number.NaN) - target), `${detector} ${profile.name}`).toBeLessThan(
          0.01,
        );
      }
      if (!STALE_RAW_SCORES.has(detector)) {
        expect(ours?.rawScore, `${detector} ${profile.name} raw`).toBeCloseTo(
          given?.[profile.name]?.score ?? Number.NaN,
          6,
        );
      }
    }
  });

  it.each(detectors)('%s: the optimal threshold selects what the published threshold selects', (detector) => {
    for (const profile of NAB_PROFILES) {
      if (PUBLISHED_BELOW_OPTIMUM[detector]?.[profile.name] !== undefined) continue;
      if (detector === 'bayesChangePt' && profile.name === 'reward_low_FP_rate') continue; // also below optimum
      const ours = normalised(optimised, detector, profile.name);
      const theirs = normalised(atPublishedThreshold, detector, profile.name);
      expect(ours?.rawScore, `${detector} ${profile.name}`).toBeCloseTo(theirs?.rawScore ?? Number.NaN, 9);
      expect(ours?.truePositives).toBe(theirs?.truePositives);
      expect(ours?.falsePositives).toBe(theirs?.falsePositives);
    }
  });
});
