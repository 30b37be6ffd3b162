/**
 * Detect's alert queue is listed by the time of each alert's latest event (newest first), as
 * incidents are: an index on (last_time, id) serves that order and its paging cursor.
 */
import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.createIndex('detect_alerts_last_time_idx').on('detect_alerts').columns(['last_time', 'id']).execute();
}
