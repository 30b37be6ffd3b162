/**
 * The real server with the Guard proxy pointed at a given upstream, over a fresh SQLite file,
 * and a way to issue Vigie API tokens for users of each role (and department).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Permission, Role } from '../../src/core/index.js';
import { createPlatform, type GuardOptions, type Platform } from '../../src/platform/index.js';
import { buildApp } from '../../src/server/index.js';
import { openStore, type Store } from '../../src/store/index.js';

export interface GuardTestApp {
  readonly app: FastifyInstance;
  readonly platform: Platform;
  readonly store: Store;
  readonly file: string;
  /** A user of this role (and department) and a `vgt_…` token with these scopes (default: guard:use). */
  token(role: Role, options?: { department?: string; scopes?: readonly Permission[] }): Promise<string>;
  close(): Promise<void>;
}

const PASSWORD = 'correct-horse-battery-staple';

export async function guardTestApp(guard: GuardOptions): Promise<GuardTestApp> {
  const file = join(mkdtempSync(join(tmpdir(), 'vigie-guard-')), 'vigie.db');
  const store = await openStore({ sqliteFile: file });
  const platform = createPlatform(store, { guard });
  const app = await buildApp({ platform, version: 'test', logger: false });
  await app.ready();
  let n = 0;
  return {
    app,
    platform,
    store,
    file,
    async token(role, options = {}) {
      n++;
      const { user } = await platform.identity.createUser(
        {
          username: `${role}-${n}`,
          role,
          password: PASSWORD,
          ...(options.department ? { department: options.department } : {}),
        },
        { actor: { kind: 'system' } },
      );
      const { secret } = await platform.identity.createToken(
        user.id,
        { name: 'proxy', scopes: options.scopes ?? ['guard:use'], expiresInDays: 30 },
        { actor: { kind: 'system' } },
      );
      return secret;
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}
