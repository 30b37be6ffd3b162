/** The Store: every repository over one connection, with transactions that span them. */
import { type Kysely, sql } from 'kysely';
import { VigieError } from '../core/index.js';
import { auditRepository } from './audit.js';
import { type DatabaseOptions, type Dialect, openDatabase } from './database.js';
import { detectRepository } from './detect.js';
import { findingsRepository } from './findings.js';
import { guardRepository } from './guard.js';
import { learnRepository } from './learn.js';
import { loginEventsRepository } from './login-events.js';
import { mailRepository, moduleSettingsRepository } from './mail.js';
import type { Database } from './schema.js';
import { senseRepository } from './sense.js';
import { sessionsRepository } from './sessions.js';
import { tokensRepository } from './tokens.js';
import { usersRepository } from './users.js';

export interface Repositories {
  readonly users: ReturnType<typeof usersRepository>;
  readonly sessions: ReturnType<typeof sessionsRepository>;
  readonly tokens: ReturnType<typeof tokensRepository>;
  readonly audit: ReturnType<typeof auditRepository>;
  readonly loginEvents: ReturnType<typeof loginEventsRepository>;
  readonly findings: ReturnType<typeof findingsRepository>;
  readonly sense: ReturnType<typeof senseRepository>;
  readonly mail: ReturnType<typeof mailRepository>;
  readonly settings: ReturnType<typeof moduleSettingsRepository>;
  readonly detect: ReturnType<typeof detectRepository>;
  readonly guard: ReturnType<typeof guardRepository>;
  readonly learn: ReturnType<typeof learnRepository>;
}

export interface Store extends Repositories {
  readonly dialect: Dialect;
  readonly location: string;
  /** Runs `work` in one transaction: all of its writes land, or none do. */
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T>;
  /** Throws VIGIE_ERR_STORE_UNAVAILABLE when the database does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** The query builder, for tests and maintenance commands only. */
  readonly db: Kysely<Database>;
}

function repositories(db: Kysely<Database>): Repositories {
  return {
    users: usersRepository(db),
    sessions: sessionsRepository(db),
    tokens: tokensRepository(db),
    audit: auditRepository(db),
    loginEvents: loginEventsRepository(db),
    findings: findingsRepository(db),
    sense: senseRepository(db),
    mail: mailRepository(db),
    settings: moduleSettingsRepository(db),
    detect: detectRepository(db),
    guard: guardRepository(db),
    learn: learnRepository(db),
  };
}

export async function openStore(options: DatabaseOptions): Promise<Store> {
  const { db, dialect, location } = await openDatabase(options);
  return {
    ...repositories(db),
    dialect,
    location,
    db,
    transaction: (work) => db.transaction().execute((trx) => work(repositories(trx))),
    async ping() {
      try {
        await sql`select 1`.execute(db);
      } catch (cause) {
        throw new VigieError('VIGIE_ERR_STORE_UNAVAILABLE', `Database did not answer: ${String(cause)}`);
      }
    },
    close: () => db.destroy(),
  };
}
