/** Sense: the device inventory and the readings with their scores (alerts are findings). */
import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('sense_devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('first_seen', 'text', (c) => c.notNull())
    .addColumn('last_seen', 'text', (c) => c.notNull())
    .addColumn('messages', 'integer', (c) => c.notNull())
    .addColumn('topics', 'text', (c) => c.notNull())
    .addColumn('rate_per_minute', 'double precision')
    .addColumn('silent', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('sense_readings')
    .addColumn('id', dialect === 'sqlite' ? 'integer' : 'bigserial', (c) =>
      dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
    )
    .addColumn('device', 'text', (c) => c.notNull())
    .addColumn('series', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addColumn('expected', 'double precision')
    .addColumn('low', 'double precision')
    .addColumn('high', 'double precision')
    .execute();
  await db.schema
    .createIndex('sense_readings_series_idx')
    .on('sense_readings')
    .columns(['device', 'series', 'at'])
    .execute();
}
