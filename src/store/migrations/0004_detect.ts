/**
 * Detect: ingested events as received (kept for evidence and for rebuilding engine state after
 * a restart; indexed by time so old ones can be pruned), alerts, incidents with their notes,
 * imported rule packs, per-rule switches, compile failures, and the history of threshold
 * changes made by analysts' verdicts (undoable). Behavioural settings live in module_settings.
 */
import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('detect_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('batch_id', 'text', (c) => c.notNull())
    // Order within the batch: replaying events rebuilds engine state in the order they arrived.
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('event_time', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    // JSON text: the line (a JSON string) or the record (a JSON object) exactly as received.
    .addColumn('original', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('detect_events_received_idx')
    .on('detect_events')
    .columns(['received_at', 'batch_id', 'position'])
    .execute();
  await db.schema.createIndex('detect_events_time_idx').on('detect_events').column('event_time').execute();

  await db.schema
    .createTable('detect_incidents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('entity_kind', 'text', (c) => c.notNull())
    .addColumn('entity_value', 'text', (c) => c.notNull())
    .addColumn('entity_key', 'text', (c) => c.notNull())
    .addColumn('first_time', 'text', (c) => c.notNull())
    .addColumn('last_time', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('resolution', 'text')
    .addColumn('assignee', 'text')
    .addColumn('alert_count', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finding_id', 'text')
    .execute();
  await db.schema
    .createIndex('detect_incidents_entity_idx')
    .on('detect_incidents')
    .columns(['entity_key', 'status', 'last_time'])
    .execute();
  await db.schema
    .createIndex('detect_incidents_updated_idx')
    .on('detect_incidents')
    .columns(['last_time', 'id'])
    .execute();

  await db.schema
    .createTable('detect_incident_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('detect_notes_incident_idx').on('detect_incident_notes').column('incident_id').execute();

  await db.schema
    .createTable('detect_alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Behavioural alerts: the engine's episode id, so that updates of an ongoing attack land on one row.
    .addColumn('episode', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('level', 'text')
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addColumn('attack', 'text', (c) => c.notNull())
    .addColumn('entities', 'text', (c) => c.notNull())
    .addColumn('event_ids', 'text', (c) => c.notNull())
    .addColumn('reasons', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('first_time', 'text', (c) => c.notNull())
    .addColumn('last_time', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('verdict', 'text')
    .addColumn('verdict_by', 'text')
    .addColumn('verdict_at', 'text')
    .addColumn('verdict_note', 'text')
    .addColumn('incident_id', 'text', (c) => c.notNull())
    .addColumn('finding_id', 'text')
    .execute();
  await db.schema.createIndex('detect_alerts_episode_idx').on('detect_alerts').column('episode').unique().execute();
  await db.schema.createIndex('detect_alerts_created_idx').on('detect_alerts').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('detect_alerts_incident_idx').on('detect_alerts').column('incident_id').execute();

  await db.schema
    .createTable('detect_rule_packs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .addColumn('imported_by', 'text', (c) => c.notNull())
    .addColumn('files', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('detect_rule_files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('pack_id', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('detect_rule_files_pack_idx').on('detect_rule_files').column('pack_id').execute();
  await db.schema
    .createTable('detect_rule_state')
    .addColumn('rule_id', 'text', (c) => c.primaryKey())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
  // Rewritten whole at each rule load: the failures of the rules in force.
  await db.schema
    .createTable('detect_rule_problems')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('file', 'text', (c) => c.notNull())
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('rule', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('detect_threshold_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('alert_id', 'text')
    .addColumn('verdict', 'text', (c) => c.notNull())
    .addColumn('pattern', 'text', (c) => c.notNull())
    .addColumn('entity_kind', 'text', (c) => c.notNull())
    .addColumn('entity_value', 'text', (c) => c.notNull())
    .addColumn('before', 'text', (c) => c.notNull())
    .addColumn('after', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('undone_at', 'text')
    .addColumn('undone_by', 'text')
    .execute();
  await db.schema.createIndex('detect_changes_at_idx').on('detect_threshold_changes').columns(['at', 'id']).execute();
}
