/**
 * The Guard proxy's own overhead, non-streamed, against a local fake upstream (node:http on
 * loopback): each request is sent straight to the upstream and through the proxy (the real
 * server, over HTTP with keep-alive, authenticated by a Vigie API token), alternately, so both
 * see the same load. Reported: p50/p95/p99 of each path and of the per-pair difference, for a
 * clean ~2 KB prompt (allowed, nothing recorded) and one with an e-mail and an IBAN
 * (pseudonymised, the decision recorded while the upstream answers).
 *
 * `npx tsx bench/guard/proxy.ts [REQUESTS] [WARMUP]` (defaults 1500, 200).
 */
import type { AddressInfo } from 'node:net';
import { guardTestApp } from '../../tests/integration/guard-app.js';
import { startFakeUpstream } from '../../tests/integration/guard-upstream.js';

const requests = Number(process.argv[2] ?? 1500);
const warmup = Number(process.argv[3] ?? 200);
const out = (line: string) => process.stdout.write(`${line}\n`);

const FILLER =
  'Peux-tu reformuler ce paragraphe pour le comité de direction, en gardant un ton factuel et en ' +
  'mettant en avant les délais, le budget et les risques identifiés lors de la revue trimestrielle. ';
const CLEAN = FILLER.repeat(Math.ceil(2048 / FILLER.length)).slice(0, 2048);
const SENSITIVE = `${CLEAN.slice(0, 1900)} Contact : jeanne.martin@exemple.fr, IBAN FR76 3000 6000 0112 3456 7890 189.`;

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

const upstream = await startFakeUpstream();
const t = await guardTestApp({ upstreamUrl: upstream.url, service: 'internal-llm', timeoutMs: 10_000 });
await t.app.listen({ port: 0, host: '127.0.0.1' });
const { port } = t.app.server.address() as AddressInfo;
const token = await t.token('learner', { department: 'Finance' });

async function post(url: string, prompt: string, auth: boolean): Promise<number> {
  const start = process.hrtime.bigint();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: prompt }] }),
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`status ${res.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

out(`Guard proxy overhead: ${requests} requests per path after ${warmup} warm-up, non-streamed, loopback`);
for (const [name, prompt] of [
  ['clean 2 KB prompt (allow)', CLEAN],
  ['2 KB prompt with e-mail + IBAN (pseudonymise, recorded)', SENSITIVE],
] as const) {
  const direct: number[] = [];
  const proxied: number[] = [];
  const diff: number[] = [];
  for (let i = 0; i < warmup + requests; i++) {
    const d = await post(`${upstream.url}/chat/completions`, prompt, false);
    const p = await post(`http://127.0.0.1:${port}/v1/chat/completions`, prompt, true);
    if (i >= warmup) {
      direct.push(d);
      proxied.push(p);
      diff.push(p - d);
    }
  }
  for (const a of [direct, proxied, diff]) a.sort((x, y) => x - y);
  const row = (label: string, a: number[]) =>
    `  ${label.padEnd(10)} p50 ${quantile(a, 0.5).toFixed(2)} ms  p95 ${quantile(a, 0.95).toFixed(2)} ms  p99 ${quantile(a, 0.99).toFixed(2)} ms`;
  out(name);
  out(row('direct', direct));
  out(row('proxied', proxied));
  out(row('overhead', diff));
}
await t.close();
await upstream.close();
