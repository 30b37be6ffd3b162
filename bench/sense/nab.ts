/**
 * Vigie's Sense detector on the Numenta Anomaly Benchmark: the normalised NAB score for the
 * three profiles on all series (rows fed one at a time, nothing known in advance), and the
 * detector's throughput in points per second on one core.
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

const result = scoreNabCorpus(run());
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
