/**
 * The Guard proxy's own overhead, non-streamed, the way it runs in production: the Vigie server
 * (`node dist/cli/main.js serve`, embedded SQLite in a temporary folder, a learner's API token
 * made with the CLI) and a fake OpenAI-compatible upstream (node:http) each in a process of its
 * own on loopback; this process is only the client. Each request is sent straight to the
 * upstream and through the proxy (keep-alive), alternately, so both see the same load. A bare
 * pass-through proxy (bare-proxy-main.ts: node:http and fetch, nothing checked) is measured the
 * same way first: the extra hop's own price on this machine, which any proxy pays.
 * Reported: p50/p95/p99 of each path, of the per-pair difference (the overhead as the client
 * sees it, loopback hops and process scheduling included) and of the server's own time (its
 * `Server-Timing: guard` figure: sign-in, policy, rewriting, recording), for a clean
 * ~2 KB prompt (allowed, nothing recorded) and one with an e-mail and an IBAN (pseudonymised,
 * restored in the answer, the decision recorded while the upstream answers).
 *
 * `--pin` (Linux, taskset) gives the proxies a core of their own and puts the upstream and this
 * client on the other: the proxy as deployed on its own core, measured without three processes
 * taking turns on two cores (which is most of the client-side p99 on a 2-core machine).
 *
 * `npm run build && npx tsx bench/guard/proxy.ts [REQUESTS] [WARMUP] [--pin]` (defaults 1500, 200).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const args = process.argv.slice(2);
const pin = args.includes('--pin');
const numbers = args.filter((a) => !a.startsWith('--'));
const requests = Number(numbers[0] ?? 1500);
const warmup = Number(numbers[1] ?? 200);
const out = (line: string) => process.stdout.write(`${line}\n`);
const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'cli', 'main.js');

const FILLER =
  'Peux-tu reformuler ce paragraphe pour le comité de direction, en gardant un ton factuel et en ' +
  'mettant en avant les délais, le budget et les risques identifiés lors de la revue trimestrielle. ';
const CLEAN = FILLER.repeat(Math.ceil(2048 / FILLER.length)).slice(0, 2048);
const SENSITIVE = `${CLEAN.slice(0, 1900)} Contact : jeanne.martin@exemple.fr, IBAN FR76 3000 6000 0112 3456 7890 189.`;

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** The first line a child prints, or its failure. */
function firstLine(child: ChildProcess, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!child.stdout) return reject(new Error(`${what}: no stdout`));
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}`)));
  });
}

async function waitUntilUp(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

/** Starts a Node process, on the given core when `--pin` is set (taskset execs node: same pid). */
function node(core: number, args: readonly string[], options: Parameters<typeof spawn>[2]): ChildProcess {
  return pin
    ? spawn('taskset', ['-c', String(core), process.execPath, ...args], options)
    : spawn(process.execPath, args, options);
}
const PROXY_CORE = 1;
const CLIENT_CORE = 0;
if (pin) execFileSync('taskset', ['-p', '-c', String(CLIENT_CORE), String(process.pid)], { stdio: 'ignore' });

const dataDir = mkdtempSync(join(tmpdir(), 'vigie-proxy-bench-'));
const children: ChildProcess[] = [];
try {
  const upstreamProcess = node(CLIENT_CORE, ['--import', 'tsx', join(import.meta.dirname, 'fake-upstream-main.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(upstreamProcess);
  const upstreamUrl = await firstLine(upstreamProcess, 'fake upstream');

  const env = { ...process.env, VIGIE_DATA_DIR: dataDir, VIGIE_LOG_LEVEL: 'warn' };
  const run = (...args: string[]) => execFileSync(process.execPath, [cli, ...args], { env, encoding: 'utf8' });
  run('user', 'add', 'bench', '--role', 'learner', '--department', 'Finance');
  const token = /Secret \(shown once\): (\S+)/.exec(
    run('token', 'create', '-u', 'bench', '-n', 'bench', '-s', 'guard:use'),
  )?.[1];
  if (!token) throw new Error('no token printed by `vigie token create`');

  const port = await freePort();
  const server = node(PROXY_CORE, [cli, 'serve'], {
    env: {
      ...env,
      VIGIE_PORT: String(port),
      VIGIE_GUARD_UPSTREAM_URL: upstreamUrl,
      VIGIE_GUARD_SERVICE: 'internal-llm',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(server);
  const base = `http://127.0.0.1:${port}`;
  await waitUntilUp(`${base}/healthz`);

  /** The round trip in ms, and the server's own time when it says (Server-Timing `guard`). */
  async function post(url: string, prompt: string, auth: boolean): Promise<{ ms: number; guard: number }> {
    const start = process.hrtime.bigint();
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: prompt }] }),
    });
    const text = await res.text();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (res.status !== 200) throw new Error(`status ${res.status}: ${text.slice(0, 300)}`);
    const guard = /guard;dur=([0-9.]+)/.exec(res.headers.get('server-timing') ?? '')?.[1];
    return { ms, guard: guard === undefined ? Number.NaN : Number(guard) };
  }

  const bareProcess = node(
    PROXY_CORE,
    ['--import', 'tsx', join(import.meta.dirname, 'bare-proxy-main.ts'), upstreamUrl],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.push(bareProcess);
  const bareUrl = await firstLine(bareProcess, 'bare proxy');

  out(`Guard proxy overhead: ${requests} requests per path after ${warmup} warm-up, non-streamed, loopback,`);
  out(
    `the server, the upstream and this client each in its own process${pin ? `; proxies on core ${PROXY_CORE}, upstream and client on core ${CLIENT_CORE}` : ''}`,
  );
  for (const [name, prompt, via] of [
    ['bare pass-through proxy (baseline: the extra hop alone), clean 2 KB prompt', CLEAN, 'bare'],
    ['clean 2 KB prompt (allow)', CLEAN, 'vigie'],
    ['2 KB prompt with e-mail + IBAN (pseudonymise, recorded)', SENSITIVE, 'vigie'],
  ] as const) {
    const direct: number[] = [];
    const proxied: number[] = [];
    const diff: number[] = [];
    const own: number[] = [];
    for (let i = 0; i < warmup + requests; i++) {
      const d = await post(`${upstreamUrl}/chat/completions`, prompt, false);
      const p = await post(`${via === 'bare' ? bareUrl : `${base}/v1`}/chat/completions`, prompt, via === 'vigie');
      if (i >= warmup) {
        direct.push(d.ms);
        proxied.push(p.ms);
        diff.push(p.ms - d.ms);
        own.push(p.guard);
      }
    }
    for (const a of [direct, proxied, diff, own]) a.sort((x, y) => x - y);
    const row = (label: string, a: number[]) =>
      `  ${label.padEnd(10)} p50 ${quantile(a, 0.5).toFixed(2)} ms  p95 ${quantile(a, 0.95).toFixed(2)} ms  p99 ${quantile(a, 0.99).toFixed(2)} ms`;
    out(name);
    out(row('direct', direct));
    out(row('proxied', proxied));
    out(row('overhead', diff));
    if (via === 'vigie') out(row('server', own));
  }
} finally {
  for (const child of children) child.kill();
  rmSync(dataDir, { recursive: true, force: true });
}
