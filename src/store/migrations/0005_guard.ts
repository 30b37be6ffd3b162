/**
 * Guard: policy versions (the YAML as written, its digest, who and when; one active), the
 * decisions taken on prompts and answers (masked values only, never a clear value), one row per
 * finding type of each decision (so dashboards group in SQL on both databases), the admin's
 * additions to the AI-service catalogue, and the shadow-AI reports imported from logs.
 */
import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('guard_policies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('yaml', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('guard_policies_created_idx')
    .on('guard_policies')
    .columns(['created_at', 'id'])
    .execute();

  await db.schema
    .createTable('guard_decisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    // `proxy` (the OpenAI-compatible endpoint) or `api` (the scan route, the "try a prompt" box).
    .addColumn('source', 'text', (c) => c.notNull())
    // `request` (prompt), `response` (the model's answer).
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('username', 'text')
    .addColumn('role', 'text')
    .addColumn('department', 'text')
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('service_class', 'text', (c) => c.notNull())
    .addColumn('model', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('finding_count', 'integer', (c) => c.notNull())
    // JSON: [{type, action, masked, score}] and the reasons {code, fr, en}: masked values only.
    .addColumn('findings', 'text', (c) => c.notNull())
    .addColumn('reasons', 'text', (c) => c.notNull())
    .addColumn('injection_score', 'double precision')
    .addColumn('injection_detected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('policy_version', 'text', (c) => c.notNull())
    .addColumn('finding_id', 'text')
    .execute();
  await db.schema.createIndex('guard_decisions_at_idx').on('guard_decisions').columns(['at', 'id']).execute();

  await db.schema
    .createTable('guard_decision_types')
    .addColumn('decision_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('guard_decision_types_pk', ['decision_id', 'type', 'action'])
    .execute();
  await db.schema.createIndex('guard_decision_types_at_idx').on('guard_decision_types').column('at').execute();

  await db.schema
    .createTable('guard_catalogue')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // JSON: the service as the catalogue extension schema reads it (new service or changes to a shipped one).
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('guard_discovery_reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('lines', 'integer', (c) => c.notNull())
    .addColumn('records', 'integer', (c) => c.notNull())
    .addColumn('matched', 'integer', (c) => c.notNull())
    .addColumn('invalid', 'integer', (c) => c.notNull())
    .addColumn('unsanctioned', 'integer', (c) => c.notNull())
    // JSON: the first invalid lines (number and reason), and the aggregated report (users × services).
    .addColumn('problems', 'text', (c) => c.notNull())
    .addColumn('report', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('guard_discovery_created_idx')
    .on('guard_discovery_reports')
    .columns(['created_at', 'id'])
    .execute();
}
