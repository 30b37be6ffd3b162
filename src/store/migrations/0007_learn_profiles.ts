/**
 * Learn, second step: sending profiles kept in the database (SMTP server, TLS mode, account,
 * From address, extra headers; the password encrypted when the service has a key), the
 * organisation's own templates and landing pages (validated, sanitised JSON), the profile a
 * campaign sends with, and the time learners spend on lessons and quizzes (per day and module).
 */
import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('learn_profiles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('port', 'integer', (c) => c.notNull())
    // starttls (upgrade when offered) | tls (implicit, 465) | none (plain, loopback relays).
    .addColumn('tls', 'text', (c) => c.notNull())
    .addColumn('username', 'text')
    // `v1:` AES-256-GCM under a key derived from the server secret, or `plain:` when there is none.
    .addColumn('password', 'text')
    .addColumn('from_address', 'text', (c) => c.notNull())
    .addColumn('from_name', 'text')
    .addColumn('headers', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'text')
    .execute();

  await db.schema
    .createTable('learn_custom')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // template | landing
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    // Deleted items stay readable for the campaigns that used them (teaching page, results).
    .addColumn('deleted_at', 'text')
    .execute();

  await db.schema.alterTable('learn_campaigns').addColumn('profile_id', 'text').execute();

  await db.schema
    .createTable('learn_time')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('module_id', 'text', (c) => c.notNull())
    // lesson | quiz
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('seconds', 'integer', (c) => c.notNull())
    .addColumn('last_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('learn_time_pk', ['user_id', 'day', 'module_id', 'kind'])
    .execute();
  await db.schema.createIndex('learn_time_user_idx').on('learn_time').columns(['user_id', 'last_at']).execute();
}
