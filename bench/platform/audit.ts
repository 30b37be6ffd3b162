/**
 * Audit trail throughput: appends N entries (each in its own transaction, as the server
 * does) and verifies the whole chain, on SQLite and, when VIGIE_BENCH_DATABASE_URL is set,
 * PostgreSQL. Usage: npx tsx bench/platform/audit.ts [N]
 */
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPlatform } from '../../src/platform/index.js';
import { openStore, type Store } from '../../src/store/index.js';

const n = Number(process.argv[2] ?? 20_000);

async function measure(name: string, store: Store) {
  const platform = createPlatform(store);
  let start = performance.now();
  for (let i = 0; i < n; i++) {
    await store.audit.append({
      at: new Date().toISOString(),
      actor: `user:u${i % 50}`,
      action: 'user.update',
      target: `user:t${i}`,
      requestId: `req-${i}`,
      details: { changed: { department: `D${i % 7}` } },
    });
  }
  const appendSeconds = (performance.now() - start) / 1000;
  start = performance.now();
  const verdict = await platform.auditTrail.verify();
  const verifySeconds = (performance.now() - start) / 1000;
  if (!verdict.ok) throw new Error('chain broken');
  console.log(
    `${name.padEnd(10)} append: ${Math.round(n / appendSeconds).toLocaleString('en')} entries/s   ` +
      `verify: ${Math.round(verdict.checked / verifySeconds).toLocaleString('en')} entries/s (${verdict.checked} entries)`,
  );
  await store.close();
}

console.log(
  `Audit trail, ${n} entries; ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}`,
);
await measure('sqlite', await openStore({ sqliteFile: join(mkdtempSync(join(tmpdir(), 'vigie-bench-')), 'vigie.db') }));
const pgUrl = process.env.VIGIE_BENCH_DATABASE_URL;
if (pgUrl) {
  const schema = `vigie_bench_${Date.now()}`;
  await measure('postgres', await openStore({ url: pgUrl, pgSchema: schema }));
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  await client.query(`drop schema ${schema} cascade`);
  await client.end();
}
