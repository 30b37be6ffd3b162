/**
 * Learn: learners' progress (adaptive-quiz state as JSON), the signals that assigned them
 * micro-modules and those assignments, organisation content and knowledge-base documents with
 * their generated questions, target groups, phishing-simulation campaigns, their sends (tracking
 * tokens stored only as SHA-256 digests), tracking events with the click classification, and
 * game events. No value typed into a landing page has a column: only the names of filled fields.
 */
import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('learn_learners')
    .addColumn('user_id', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('learn_signals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('learn_signals_user_idx').on('learn_signals').columns(['user_id', 'at']).execute();

  await db.schema
    .createTable('learn_assignments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('module_id', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('signal', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('assigned_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('learn_assignments_unique_idx')
    .on('learn_assignments')
    .columns(['user_id', 'module_id', 'assigned_at'])
    .unique()
    .execute();

  await db.schema
    .createTable('learn_content')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('learn_content_path_idx').on('learn_content').columns(['path', 'active']).execute();

  await db.schema
    .createTable('learn_kb_docs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('questions', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('learn_kb_questions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('doc_id', 'text', (c) => c.notNull())
    .addColumn('question', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('learn_kb_questions_doc_idx').on('learn_kb_questions').column('doc_id').execute();

  await db.schema
    .createTable('learn_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('targets', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('learn_targets')
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('last_name', 'text', (c) => c.notNull())
    .addColumn('department', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addPrimaryKeyConstraint('learn_targets_pk', ['group_id', 'email'])
    .execute();

  await db.schema
    .createTable('learn_campaigns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    // The engine's campaign (templates, departments, schedule, throttle) as JSON.
    .addColumn('definition', 'text', (c) => c.notNull())
    // Sending profile: envelope sender address and name (the SMTP server itself is configuration).
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('report_link', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('seed', 'text', (c) => c.notNull())
    .addColumn('unscheduled', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('launched_at', 'text')
    .execute();

  await db.schema
    .createTable('learn_sends')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('campaign_id', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('last_name', 'text', (c) => c.notNull())
    .addColumn('department', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('scheduled_at', 'text', (c) => c.notNull())
    // pending → sending (token drawn, committed before SMTP) → sent | failed | interrupted.
    .addColumn('status', 'text', (c) => c.notNull())
    // SHA-256 of the 128-bit tracking token: the clear token only ever exists in the e-mail.
    .addColumn('token_hash', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('error', 'text')
    .addColumn('message_id', 'text')
    .execute();
  await db.schema.createIndex('learn_sends_token_idx').on('learn_sends').column('token_hash').unique().execute();
  await db.schema.createIndex('learn_sends_due_idx').on('learn_sends').columns(['status', 'scheduled_at']).execute();
  await db.schema.createIndex('learn_sends_campaign_idx').on('learn_sends').columns(['campaign_id', 'email']).execute();

  await db.schema
    .createTable('learn_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('campaign_id', 'text', (c) => c.notNull())
    .addColumn('send_id', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('method', 'text')
    .addColumn('link_id', 'text')
    .addColumn('via', 'text')
    .addColumn('verdict', 'text')
    .addColumn('bot_score', 'double precision')
    .addColumn('reasons', 'text')
    // Submissions: the names of the fields that were filled in (JSON array), never their values.
    .addColumn('fields', 'text')
    .execute();
  await db.schema.createIndex('learn_events_campaign_idx').on('learn_events').columns(['campaign_id', 'at']).execute();
  await db.schema.createIndex('learn_events_send_idx').on('learn_events').column('send_id').execute();

  await db.schema
    .createTable('learn_game_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('team', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('learn_game_events_user_idx')
    .on('learn_game_events')
    .columns(['user_id', 'at'])
    .execute();
  await db.schema.createIndex('learn_game_events_at_idx').on('learn_game_events').column('at').execute();
}
