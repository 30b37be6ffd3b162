/**
 * The databases a contract test runs against: SQLite always, PostgreSQL when
 * VIGIE_TEST_DATABASE_URL is set. With VIGIE_REQUIRE_POSTGRES=1 (CI) a missing
 * PostgreSQL is a failure, not a skip.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/index.js';

export interface TestDatabase {
  readonly name: 'sqlite' | 'postgres';
  /** Opens a fresh, empty store. */
  open(): Promise<Store>;
  /** Drops what open() created. */
  cleanup(): Promise<void>;
}

export const postgresUrl = process.env.VIGIE_TEST_DATABASE_URL;
export const postgresRequired = process.env.VIGIE_REQUIRE_POSTGRES === '1';

if (postgresRequired && !postgresUrl) {
  throw new Error(
    'VIGIE_REQUIRE_POSTGRES=1 but VIGIE_TEST_DATABASE_URL is not set: PostgreSQL tests would be skipped.',
  );
}
if (!postgresUrl) {
  console.warn('[vigie tests] VIGIE_TEST_DATABASE_URL not set: PostgreSQL contract tests are skipped.');
}

function sqliteDatabase(): TestDatabase {
  return {
    name: 'sqlite',
    open: () => openStore({ sqliteFile: join(mkdtempSync(join(tmpdir(), 'vigie-test-')), 'vigie.db') }),
    cleanup: async () => undefined,
  };
}

function postgresDatabase(url: string): TestDatabase {
  const schemas: string[] = [];
  return {
    name: 'postgres',
    open: () => {
      const schema = `vigie_test_${randomBytes(6).toString('hex')}`;
      schemas.push(schema);
      return openStore({ url, pgSchema: schema });
    },
    async cleanup() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        for (const schema of schemas.splice(0)) await client.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

export function testDatabases(): TestDatabase[] {
  return postgresUrl ? [sqliteDatabase(), postgresDatabase(postgresUrl)] : [sqliteDatabase()];
}
