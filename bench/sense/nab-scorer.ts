/**
 * The NAB scorer against NAB v1.1's published scoreboard, from the published detectors' scores.
 * Usage: npx tsx bench/sense/nab-scorer.ts [NAB folder, default ../shared/data/sense/nab]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadNabDataFile, loadNabLabels, loadNabScores } from '../../src/cli/sense-nab.js';
import { type NabSeries, parseNabProfiles, scoreNabCorpus } from '../../src/sense/nab/index.js';

const root = resolve(process.argv[2] ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'sense', 'nab'));
type PerProfile<T> = Record<string, Record<string, T>>;
const readJson = (path: string): unknown => JSON.parse(readFileSync(join(root, path), 'utf8'));
const published = readJson('results/final_results.json') as PerProfile<number>;
const thresholds = readJson('config/thresholds.json') as PerProfile<{ threshold: number; score: number }>;
const profiles = parseNabProfiles(readJson('config/profiles.json'));
const labels = loadNabLabels(join(root, 'labels', 'combined_windows.json'));
const data = new Map([...labels.keys()].map((name) => [name, loadNabDataFile(join(root, 'data'), name)]));
const detectors = readdirSync(join(root, 'scorer_fixtures'))
  .filter((file) => file.endsWith('.tsv.gz'))
  .map((file) => file.replace(/\.tsv\.gz$/, ''))
  .sort();

const cell = (value: number | undefined, digits: number, width: number) =>
  (value === undefined ? '-' : value.toFixed(digits)).padStart(width);
const maxAtOptimum = new Map(profiles.map((p) => [p.name, 0]));
const maxAtPublishedThreshold = new Map(profiles.map((p) => [p.name, 0]));
const started = performance.now();

console.log(`NAB scorer on ${root}: ${detectors.length} detectors, ${labels.size} series`);
console.log(
  `${'detector'.padEnd(18)} ${'profile'.padEnd(19)} ${'published'.padStart(9)} ${'optimal'.padStart(9)} ${'diff'.padStart(7)}` +
    ` ${'at pub. thr.'.padStart(12)} ${'diff'.padStart(7)}  ${'our threshold'.padStart(13)} ${'pub. threshold'.padStart(14)}`,
);
for (const detector of detectors) {
  const scores = await loadNabScores(join(root, 'scorer_fixtures', `${detector}.tsv.gz`));
  const corpus: NabSeries[] = [...labels].map(([name, windows]) => ({
    name,
    timestamps: data.get(name)?.timestamps ?? [],
    scores: scores.get(name) ?? [],
    windows,
  }));
  const publishedThresholds = Object.fromEntries(
    Object.entries(thresholds[detector] ?? {}).map(([profile, entry]) => [profile, entry.threshold]),
  );
  const fixed = scoreNabCorpus(corpus, { profiles, thresholds: publishedThresholds }).profiles;
  for (const [index, result] of scoreNabCorpus(corpus, { profiles }).profiles.entries()) {
    const expected = published[detector]?.[result.profile];
    const atPublished = fixed[index]?.normalisedScore ?? undefined;
    const optimal = result.normalisedScore ?? undefined;
    const diff = expected === undefined || optimal === undefined ? undefined : optimal - expected;
    const diffFixed = expected === undefined || atPublished === undefined ? undefined : atPublished - expected;
    if (diff !== undefined)
      maxAtOptimum.set(result.profile, Math.max(maxAtOptimum.get(result.profile) ?? 0, Math.abs(diff)));
    if (diffFixed !== undefined) {
      maxAtPublishedThreshold.set(
        result.profile,
        Math.max(maxAtPublishedThreshold.get(result.profile) ?? 0, Math.abs(diffFixed)),
      );
    }
    console.log(
      `${detector.padEnd(18)} ${result.profile.padEnd(19)} ${cell(expected, 3, 9)} ${cell(optimal, 3, 9)} ${cell(diff, 3, 7)}` +
        ` ${cell(atPublished, 3, 12)} ${cell(diffFixed, 3, 7)}  ${result.threshold.toPrecision(8).padStart(13)}` +
        ` ${(publishedThresholds[result.profile]?.toPrecision(8) ?? '-').padStart(14)}`,
    );
  }
}
console.log('\nmax |ours - published| over the detectors of final_results.json:');
console.log(`${'profile'.padEnd(19)} ${'optimal threshold'.padStart(18)} ${'published threshold'.padStart(20)}`);
for (const profile of profiles) {
  console.log(
    `${profile.name.padEnd(19)} ${(maxAtOptimum.get(profile.name) ?? 0).toExponential(2).padStart(18)} ${(maxAtPublishedThreshold.get(profile.name) ?? 0).toExponential(2).padStart(20)}`,
  );
}
console.log(`${((performance.now() - started) / 1000).toFixed(1)} s`);
