/**
 * Vigie's Sense detector on the Numenta Anomaly Benchmark: the normalised NAB score for the
 * three profiles on all series (rows fed one at a time, nothing known in advance), the standard
 * profile on each half of the corpus, and the detector's throughput in points per second on one core.
 * Usage: npx tsx bench/sense/nab.ts [NAB folder, default ../shared/data/sense/nab]
 */
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { loadNabDataFile, loadNabLabels } from '../../src/cli/sense-nab.js';
import { createSenseDetector, type NabSeries, scoreNabCorpus } from '../../src/sense/index.js';

const root = resolve(process.argv[2] ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'sense', 'nab'));
const labels = loadNabLabels(join(root, 'labels', 'combined_windows.json'));
const files = [...labels.keys()].map((name) => ({ name, ...loadNabDataFile(join(root, 'data'), name) }));

function run(): NabSeries[] {
  return files.map((file) => {
    const detector = createSenseDetector();
    const scores = new Array<number>(file.values.length);
    for (let i = 0; i < file.values.length; i++) {
      scores[i] = detector.push(file.timestamps[i] ?? 0, file.values[i] ?? Number.NaN);
    }
    return { name: file.name, timestamps: file.timestamps, scores, windows: labels.get(file.name) ?? [] };
  });
}

const corpus = run();
const result = scoreNabCorpus(corpus);
console.log(
  `Vigie Sense detector on NAB (${result.seriesCount} series, ${result.rowCount} rows, ${result.windowCount} windows)`,
);
console.log(`${'profile'.padEnd(20)} ${'threshold'.padStart(10)} ${'score'.padStart(7)}   TP  FN   FP`);
for (const p of result.profiles) {
  const { truePositives: tp, falseNegatives: fn, falsePositives: fp } = p;
  console.log(
    `${p.profile.padEnd(20)} ${p.threshold.toFixed(6).padStart(10)} ${(p.normalisedScore ?? Number.NaN).toFixed(2).padStart(7)}` +
      ` ${String(tp).padStart(4)} ${String(fn).padStart(3)} ${String(fp).padStart(4)}`,
  );
}

// Overfitting check: the standard profile on each half of the corpus (alternate series in name
// order, each half with its own best threshold); a change that helps should help both.
const byName = [...corpus].sort((a, b) => (a.name < b.name ? -1 : 1));
const halves = [0, 1].map((half) => {
  const score = scoreNabCorpus(byName.filter((_, index) => index % 2 === half)).profiles[0];
  return `${score?.profile ?? '?'} ${(score?.normalisedScore ?? Number.NaN).toFixed(2)}`;
});
console.log(`Halves (alternate series): ${halves.join(' | ')}`);

// Throughput: the whole corpus several times, timing only the detector.
const passes = 5;
let points = 0;
let elapsed = 0;
for (let pass = 0; pass < passes; pass++) {
  for (const file of files) {
    const detector = createSenseDetector();
    const { timestamps, values } = file;
    const started = performance.now();
    for (let i = 0; i < values.length; i++) detector.push(timestamps[i] ?? 0, values[i] ?? 0);
    elapsed += performance.now() - started;
    points += values.length;
  }
}
console.log(
  `Throughput: ${((points / elapsed) * 1000).toLocaleString('en', { maximumFractionDigits: 0 })} points/s on one core ` +
    `(${points} points; ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version})`,
);
