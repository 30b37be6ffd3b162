/**
 * Mail: the triage queue of reported messages (raw bytes kept for re-analysis and learning),
 * the organisation's settings per module, and the models refined from analysts' verdicts.
 */
import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const bytes = dialect === 'sqlite' ? 'blob' : 'bytea';
  await db.schema
    .createTable('mail_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('reporter', 'text')
    .addColumn('raw_sha256', 'text', (c) => c.notNull())
    .addColumn('raw', bytes, (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('from_address', 'text', (c) => c.notNull())
    .addColumn('verdict', 'text', (c) => c.notNull())
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addColumn('analysis', 'text', (c) => c.notNull())
    .addColumn('model_version', 'text', (c) => c.notNull())
    .addColumn('finding_id', 'text')
    .addColumn('analyst_verdict', 'text')
    .addColumn('analyst_id', 'text')
    .addColumn('analyst_at', 'text')
    .addColumn('analyst_note', 'text')
    .execute();
  await db.schema.createIndex('mail_messages_received_idx').on('mail_messages').column('received_at').execute();
  // One queue item per message: the same bytes reported twice (even at the same instant) are one.
  await db.schema.createIndex('mail_messages_sha_idx').on('mail_messages').column('raw_sha256').unique().execute();

  await db.schema
    .createTable('module_settings')
    .addColumn('module', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('mail_models')
    .addColumn('version', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('parent_version', 'text', (c) => c.notNull())
    .addColumn('examples', 'integer', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
