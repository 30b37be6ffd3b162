/**
 * Opens the database: SQLite (better-sqlite3) in the data directory by default, PostgreSQL
 * when a postgres:// URL is given, and brings its schema up to date.
 */
import { closeSync, fsync, fsyncSync, mkdirSync, open } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, type Migration, type MigrationProvider, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { VigieError } from '../core/index.js';
import * as m0001 from './migrations/0001_platform.js';
import * as m0002 from './migrations/0002_sense.js';
import * as m0003 from './migrations/0003_mail.js';
import * as m0004 from './migrations/0004_detect.js';
import * as m0005 from './migrations/0005_guard.js';
import * as m0006 from './migrations/0006_learn.js';
import * as m0007 from './migrations/0007_learn_profiles.js';
import * as m0008 from './migrations/0008_sense_summaries.js';
import * as m0009 from './migrations/0009_detect_alert_order.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseOptions {
  /** `postgres://...` for PostgreSQL; otherwise SQLite in `dataDir`. */
  readonly url?: string | undefined;
  /** Folder of the SQLite file (created when missing). */
  readonly dataDir?: string | undefined;
  /** `:memory:` or a file path, to override the file in `dataDir` (tests). */
  readonly sqliteFile?: string | undefined;
  /** PostgreSQL schema to use instead of `public` (created when missing; tests isolate runs with it). */
  readonly pgSchema?: string | undefined;
}

export interface OpenedDatabase {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** Where the data lives, for logs and the CLI (password removed from URLs). */
  readonly location: string;
}

const MIGRATIONS: Record<string, { up(db: Kysely<unknown>, dialect: Dialect): Promise<void> }> = {
  '0001_platform': m0001,
  '0002_sense': m0002,
  '0003_mail': m0003,
  '0004_detect': m0004,
  '0005_guard': m0005,
  '0006_learn': m0006,
  '0007_learn_profiles': m0007,
  '0008_sense_summaries': m0008,
  '0009_detect_alert_order': m0009,
};

export async function openDatabase(options: DatabaseOptions): Promise<OpenedDatabase> {
  const opened = options.url?.startsWith('postgres') ? await openPostgres(options) : openSqlite(options);
  await migrate(opened.db, opened.dialect, options.url?.startsWith('postgres') ? options.pgSchema : undefined);
  return opened;
}

/** How often the WAL is flushed to the disk, off the event loop. */
const WAL_FLUSH_MS = 1000;

/**
 * Flushes the WAL file to the disk every second with an asynchronous fsync (libuv's thread pool,
 * never the event loop), and once more, synchronously, when the database is closed.
 */
function flushWalInBackground(sqlite: SqliteDatabase.Database, wal: string): void {
  let fd: number | undefined;
  let busy = false;
  let closed = false;
  // Closed only when no fsync is in flight on it (its number could otherwise be reused meanwhile).
  const release = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  const flush = (handle: number) =>
    fsync(handle, () => {
      busy = false;
      if (closed) release();
    });
  const timer = setInterval(() => {
    if (busy || closed) return;
    busy = true;
    if (fd !== undefined) return flush(fd);
    // The WAL appears with the first write.
    open(wal, 'r+', (error, opened) => {
      if (error) {
        busy = false;
        return;
      }
      fd = opened;
      if (closed) {
        busy = false;
        release();
        return;
      }
      flush(opened);
    });
  }, WAL_FLUSH_MS);
  timer.unref();
  const close = sqlite.close.bind(sqlite);
  sqlite.close = () => {
    clearInterval(timer);
    closed = true;
    if (fd !== undefined) {
      try {
        fsyncSync(fd);
      } catch {
        // closing goes on: SQLite checkpoints and syncs the database itself
      }
      if (!busy) release();
    }
    return close();
  };
}

function openSqlite(options: DatabaseOptions): OpenedDatabase {
  let file = options.sqliteFile;
  if (!file) {
    const dir = options.dataDir ?? 'data';
    // Owner-only: the database holds password hashes and the audit trail.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    file = join(dir, 'vigie.db');
  }
  let sqlite: SqliteDatabase.Database;
  try {
    sqlite = new SqliteDatabase(file);
  } catch (cause) {
    throw new VigieError('VIGIE_ERR_STORE_UNAVAILABLE', `Cannot open SQLite database ${file}: ${String(cause)}`);
  }
  sqlite.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a transaction that returned is in the WAL (the system's page cache), so it
  // survives Vigie being killed; it no longer waits for the disk on the event loop (an fsync
  // there took 3-40 ms, paid by every request behind it). The WAL reaches the disk in the
  // background (flushWalInBackground): a power loss costs about the last second (more if the
  // disk stalls).
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  if (file !== ':memory:') flushWalInBackground(sqlite, `${file}-wal`);
  return {
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) }),
    dialect: 'sqlite',
    location: file,
  };
}

async function openPostgres(options: DatabaseOptions): Promise<OpenedDatabase> {
  const url = options.url ?? '';
  const schema = options.pgSchema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new VigieError('VIGIE_ERR_CONFIG', `Invalid PostgreSQL schema name: ${schema}`);
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 5000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  try {
    const client = await pool.connect();
    try {
      if (schema) await client.query(`create schema if not exists ${schema}`);
    } finally {
      client.release();
    }
  } catch (cause) {
    await pool.end().catch(() => undefined);
    throw new VigieError('VIGIE_ERR_STORE_UNAVAILABLE', `Cannot connect to PostgreSQL: ${String(cause)}`);
  }
  return {
    db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
    dialect: 'postgres',
    location: redactUrl(url) + (schema ? ` (schema ${schema})` : ''),
  };
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable url)';
  }
}

async function migrate(db: Kysely<Database>, dialect: Dialect, schema: string | undefined): Promise<void> {
  const provider: MigrationProvider = {
    async getMigrations() {
      const migrations: Record<string, Migration> = {};
      for (const [name, migration] of Object.entries(MIGRATIONS)) {
        migrations[name] = { up: (kdb) => migration.up(kdb, dialect) };
      }
      return migrations;
    },
  };
  const { error, results } = await new Migrator({
    db,
    provider,
    ...(schema ? { migrationTableSchema: schema } : {}),
  }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new VigieError('VIGIE_ERR_STORE_UNAVAILABLE', `Database migration ${failed} failed: ${String(error)}`);
  }
}
