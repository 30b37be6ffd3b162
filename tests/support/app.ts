/** A complete app over a fresh SQLite store, with a clock the test controls, driven by inject(). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Role } from '../../src/core/index.js';
import { createPlatform, type IdentityPolicy, type Platform } from '../../src/platform/index.js';
import { buildApp } from '../../src/server/index.js';
import { openStore, type Store } from '../../src/store/index.js';

export const PASSWORD = 'correct-horse-battery-staple';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly platform: Platform;
  /** Moves the test clock forward. */
  advance(ms: number): void;
  /** Signs in through the API; returns the headers that authenticate the next requests. */
  signIn(username: string, password?: string): Promise<Record<string, string>>;
  /** Creates an account with the given role and signs it in. */
  as(role: Role): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  readonly policy?: Partial<IdentityPolicy>;
  readonly bodyLimit?: number;
  /** Another store than a fresh SQLite file (e.g. PostgreSQL from tests/support/databases.ts). */
  readonly openStore?: () => Promise<Store>;
}

export async function testApp(options: TestAppOptions = {}): Promise<TestApp> {
  let now = Date.parse('2026-03-02T09:00:00.000Z');
  const store = options.openStore
    ? await options.openStore()
    : await openStore({ sqliteFile: join(mkdtempSync(join(tmpdir(), 'vigie-app-')), 'vigie.db') });
  const platform = createPlatform(store, { clock: () => new Date(now), identityPolicy: options.policy ?? {} });
  await platform.identity.createUser(
    { username: 'admin', role: 'admin', password: PASSWORD },
    { actor: { kind: 'system' } },
  );
  const app = await buildApp({
    platform,
    version: 'test',
    logger: false,
    ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}),
  });
  await app.ready();

  async function signIn(username: string, password = PASSWORD) {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
    if (res.statusCode !== 200) throw new Error(`sign-in of ${username} failed: ${res.statusCode} ${res.body}`);
    return sessionHeaders(res);
  }

  return {
    app,
    platform,
    advance: (ms) => {
      now += ms;
    },
    signIn,
    async as(role) {
      if (role === 'admin') return signIn('admin');
      const username = `${role}-${Math.random().toString(36).slice(2, 8)}`;
      await platform.identity.createUser({ username, role, password: PASSWORD }, { actor: { kind: 'system' } });
      return signIn(username);
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** Cookie and anti-forgery headers from a sign-in response. */
export function sessionHeaders(res: LightMyRequestResponse): Record<string, string> {
  const cookie = res.cookies.find((c) => c.name === 'vigie_session');
  if (!cookie) throw new Error('no session cookie');
  const { csrfToken } = res.json() as { csrfToken: string };
  return { cookie: `vigie_session=${cookie.value}`, 'x-csrf-token': csrfToken };
}
