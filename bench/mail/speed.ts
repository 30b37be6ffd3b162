/**
 * Throughput of the whole mail engine (parse, every signal, the model) on one core, on the
 * messages of ../shared/data/mail, read into memory first so that only the analysis is timed.
 *
 *   npx tsx bench/mail/speed.ts [CORPUS_DIR] [PASSES]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeMail } from '../../src/mail/index.js';
import { loadQrReader } from '../../src/platform/index.js';
import { DEFAULT_MAIL_CORPUS } from './corpus.js';

const root = process.argv[2] ?? DEFAULT_MAIL_CORPUS;
const passes = Number(process.argv[3] ?? 5);
const messages = ['ham', 'phish'].flatMap((dir) =>
  readdirSync(join(root, dir))
    .sort()
    .map((file) => readFileSync(join(root, dir, file))),
);
const qrReader = await loadQrReader();
const megabytes = messages.reduce((sum, m) => sum + m.byteLength, 0) / 1e6;

// One warm-up pass lets the JIT settle, as it would in a server that has run for a minute.
for (const m of messages) await analyzeMail(m, { qrReader });
const rates: number[] = [];
// On a shared machine wall time also counts other processes: the CPU time this process used
// is the steadier measure of the engine (one core, the event loop's work included).
const cpuRates: number[] = [];
const latencies: number[] = [];
for (let pass = 0; pass < passes; pass++) {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  for (const m of messages) {
    const t0 = performance.now();
    await analyzeMail(m, { qrReader });
    latencies.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpuStart);
  cpuRates.push(messages.length / ((cpu.user + cpu.system) / 1e6));
  rates.push(messages.length / ((performance.now() - start) / 1000));
}
rates.sort((a, b) => a - b);
cpuRates.sort((a, b) => a - b);
latencies.sort((a, b) => a - b);
const median = rates[Math.floor(rates.length / 2)] ?? 0;
const cpuMedian = cpuRates[Math.floor(cpuRates.length / 2)] ?? 0;
const quantile = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
process.stdout.write(
  `${messages.length} messages (${megabytes.toFixed(1)} MB), ${passes} passes: median ${median.toFixed(0)} messages/s ` +
    `(${((median * megabytes) / messages.length).toFixed(1)} MB/s); latency p50 ${quantile(0.5).toFixed(2)} ms, ` +
    `p99 ${quantile(0.99).toFixed(2)} ms, max ${quantile(1).toFixed(1)} ms; ` +
    `CPU time: median ${cpuMedian.toFixed(0)} messages/s (best pass ${(cpuRates.at(-1) ?? 0).toFixed(0)})\n`,
);
