/**
 * Vigie's Sense detector on the Numenta Anomaly Benchmark: the normalised NAB score for the
 * three profiles on all series (rows fed one at a time, nothing known in advance), the standard
 * profile on each half of the corpus, and the detector's throughput in points per second on one core.
 * Usage: npx tsx bench/sense/nab.ts [--detail] [--tuning JSON] [--no-speed] [NAB folder, default ../shared/data/sense/nab]
 *   --detail      per series (standard profile): windows detected or missed, and where the false positives fall
 *                 (time, score, which part fired)
 *   --tuning JSON overrides of the detector's knobs (SenseTuning), e.g. '{"rest":200}', to try a variant
 *   --no-speed    skip the throughput pass
 */
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { loadNabDataFile, loadNabLabels } from '../../src/cli/sense-nab.js';
import {
  createSenseDetector,
  type NabSeries,
  type ScorePart,
  type SenseTuning,
  scoreNabCorpus,
} from '../../src/sense/index.js';

const args = process.argv.slice(2);
const detail = args.includes('--detail');
const speed = !args.includes('--no-speed');
const tuningAt = args.indexOf('--tuning');
const tuning = tuningAt >= 0 ? (JSON.parse(args[tuningAt + 1] ?? '{}') as Partial<SenseTuning>) : {};
const folder = args.find((arg, index) => !arg.startsWith('--') && (tuningAt < 0 || index !== tuningAt + 1));
const root = resolve(folder ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'sense', 'nab'));
const labels = loadNabLabels(join(root, 'labels', 'combined_windows.json'));
const files = [...labels.keys()].map((name) => ({ name, ...loadNabDataFile(join(root, 'data'), name) }));

/** Which part fired at each row with a non-zero score, for --detail. */
const parts = new Map<string, Array<ScorePart | undefined>>();

function run(): NabSeries[] {
  return files.map((file) => {
    const detector = createSenseDetector({ tuning });
    const scores = new Array<number>(file.values.length);
    const fired = new Array<ScorePart | undefined>(file.values.length);
    for (let i = 0; i < file.values.length; i++) {
      scores[i] = detector.push(file.timestamps[i] ?? 0, file.values[i] ?? Number.NaN);
      if (detail && (scores[i] as number) > 0) fired[i] = detector.explain()?.part;
    }
    parts.set(file.name, fired);
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

if (detail) {
  const standard = result.profiles[0];
  const iso = (t: number) => new Date(t).toISOString().slice(0, 16);
  for (const series of standard?.series ?? []) {
    const input = corpus.find((one) => one.name === series.name);
    if (input === undefined) continue;
    console.log(
      `\n${series.name}: ${series.rows} rows, probation ${Math.ceil(series.probationRows)}, ` +
        `TP ${series.truePositives} FN ${series.falseNegatives} FP ${series.falsePositives}`,
    );
    const fired = parts.get(series.name) ?? [];
    for (const w of series.windows) {
      const row = w.detectedAt === null ? -1 : Array.prototype.indexOf.call(input.timestamps, w.detectedAt);
      const state =
        w.detectedAt === null ? 'MISSED' : `detected after ${w.detectedAfterRows} rows (${fired[row] ?? '?'})`;
      console.log(`  window ${iso(w.start)} .. ${iso(w.end)} (${w.rows} rows): ${state}`);
    }
    for (let row = Math.ceil(series.probationRows); row < input.scores.length; row++) {
      const score = input.scores[row] as number;
      const t = input.timestamps[row] as number;
      if (!(score >= (standard?.threshold ?? 1))) continue;
      if (input.windows.some((w) => t >= w.start && t <= w.end)) continue;
      console.log(`  FP ${iso(t)} row ${row} score ${score.toFixed(3)} ${fired[row] ?? '?'}`);
    }
  }
}

// Throughput: the whole corpus several times, timing only the detector, by the wall clock and
// by this process's CPU time (the wall clock counts waiting for the core on a busy machine).
const passes = speed ? 5 : 0;
let points = 0;
let elapsed = 0;
let cpuMicros = 0;
for (let pass = 0; pass < passes; pass++) {
  for (const file of files) {
    const detector = createSenseDetector({ tuning });
    const { timestamps, values } = file;
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    for (let i = 0; i < values.length; i++) detector.push(timestamps[i] ?? 0, values[i] ?? 0);
    const cpu = process.cpuUsage(cpuStarted);
    elapsed += performance.now() - started;
    cpuMicros += cpu.user + cpu.system;
    points += values.length;
  }
}
const perSecond = (rate: number) => rate.toLocaleString('en', { maximumFractionDigits: 0 });
if (speed)
  console.log(
    `Throughput: ${perSecond((points / cpuMicros) * 1e6)} points/s of CPU time on one core, ` +
      `${perSecond((points / elapsed) * 1000)} by the wall clock ` +
      `(${points} points; ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version})`,
  );
