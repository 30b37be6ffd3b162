/**
 * Sense at scale: one summary row per series (kept in the readings' transaction, so listing
 * devices never scans readings), an index of Sense alerts by device (so alerts are filtered in
 * SQL), and an index on reading time for the retention purge. Backfills both from what exists.
 */
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  // PostgreSQL runs each migration in a transaction; SQLite's migrator does not: without one, a
  // process killed during the backfill would leave the tables without the migration recorded,
  // and every later start would fail on "table already exists".
  if (dialect === 'sqlite') await db.transaction().execute((trx) => create(trx));
  else await create(db);
}

async function create(db: Kysely<unknown>): Promise<void> {
  // `count` is readings received: the retention purge deletes readings, never summaries.
  await db.schema
    .createTable('sense_series')
    .addColumn('device', 'text', (c) => c.notNull())
    .addColumn('series', 'text', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addColumn('first_at', 'text', (c) => c.notNull())
    .addColumn('last_at', 'text', (c) => c.notNull())
    .addColumn('min', 'double precision', (c) => c.notNull())
    .addColumn('max', 'double precision', (c) => c.notNull())
    .addColumn('last_value', 'double precision', (c) => c.notNull())
    .addColumn('last_score', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('sense_series_pk', ['device', 'series'])
    .execute();

  await db.schema
    .createTable('sense_alerts')
    .addColumn('finding_id', 'text', (c) => c.primaryKey())
    .addColumn('device', 'text', (c) => c.notNull())
    .addColumn('series', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('observed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sense_alerts_device_idx')
    .on('sense_alerts')
    .columns(['device', 'observed_at'])
    .execute();
  await db.schema.createIndex('sense_alerts_observed_idx').on('sense_alerts').column('observed_at').execute();
  await db.schema.createIndex('sense_readings_at_idx').on('sense_readings').column('at').execute();

  // Backfill the summaries: one GROUP BY now, then the last reading of each series.
  await sql`
    insert into sense_series (device, series, count, first_at, last_at, min, max, last_value, last_score)
    select device, series, count(*), min(at), max(at), min(value), max(value), 0, 0
    from sense_readings group by device, series`.execute(db);
  await sql`
    update sense_series set
      last_value = (select r.value from sense_readings r
        where r.device = sense_series.device and r.series = sense_series.series
        order by r.at desc, r.id desc limit 1),
      last_score = (select r.score from sense_readings r
        where r.device = sense_series.device and r.series = sense_series.series
        order by r.at desc, r.id desc limit 1)`.execute(db);

  // Backfill the alert index from the stored Sense findings, page by page.
  let after = '';
  for (;;) {
    const { rows } = await sql<{ id: string; kind: string; entities: string; evidence: string; observed_at: string }>`
      select id, kind, entities, evidence, observed_at from findings
      where module = 'sense' and id > ${after} order by id limit 500`.execute(db);
    if (rows.length === 0) break;
    for (const row of rows) {
      const device = parseDevice(row.entities);
      if (device === undefined) continue;
      await sql`
        insert into sense_alerts (finding_id, device, series, kind, observed_at)
        values (${row.id}, ${device}, ${parseSeries(row.evidence)}, ${row.kind}, ${row.observed_at})`.execute(db);
    }
    after = rows[rows.length - 1]?.id ?? after;
    if (rows.length < 500) break;
  }
}

function parseDevice(entities: string): string | undefined {
  try {
    const devices = (JSON.parse(entities) as { devices?: unknown }).devices;
    return Array.isArray(devices) && typeof devices[0] === 'string' ? devices[0] : undefined;
  } catch {
    return undefined;
  }
}

function parseSeries(evidence: string): string | null {
  try {
    const items = JSON.parse(evidence) as Array<{ data?: { series?: unknown } }>;
    const series = Array.isArray(items) ? items.find((e) => typeof e?.data?.series === 'string')?.data?.series : null;
    return typeof series === 'string' ? series : null;
  } catch {
    return null;
  }
}
