/** The repository contract: every Store implementation (SQLite, PostgreSQL) must pass it. */
import { sql } from 'kysely';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../../tests/support/databases.js';
import { verifyChain } from '../audit/index.js';
import type { Finding } from '../core/index.js';
import type { Store, UserRecord } from './index.js';

const T0 = '2026-01-01T00:00:00.000Z';

function user(overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id: `u-${Math.random().toString(36).slice(2)}`,
    username: 'alice',
    displayName: 'Alice Martin',
    role: 'analyst',
    department: 'SOC',
    locale: 'fr',
    passwordHash: '$argon2id$fake',
    disabled: false,
    failedLogins: 0,
    lockedUntil: null,
    createdAt: T0,
    updatedAt: T0,
    lastLoginAt: null,
    passwordChangedAt: T0,
    ...overrides,
  };
}

for (const database of testDatabases()) {
  describe(`Store contract on ${database.name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await database.open();
    });
    afterEach(async () => {
      await store.close();
    });
    afterAll(() => database.cleanup());

    it('answers ping and reports its dialect', async () => {
      await store.ping();
      expect(store.dialect).toBe(database.name);
    });

    it('creates, finds, updates and lists users', async () => {
      const alice = user();
      await store.users.insert(alice);
      expect(await store.users.findByUsername('alice')).toEqual(alice);
      const updated = await store.users.update(alice.id, { role: 'admin', disabled: true, updatedAt: T0 });
      expect(updated?.role).toBe('admin');
      expect(updated?.disabled).toBe(true);
      await store.users.insert(user({ username: 'bob' }));
      expect((await store.users.list()).map((u) => u.username)).toEqual(['alice', 'bob']);
      expect(await store.users.count()).toBe(2);
      expect(await store.users.findById('missing')).toBeUndefined();
    });

    it('rejects a second user with the same name', async () => {
      await store.users.insert(user());
      await expect(store.users.insert(user())).rejects.toThrow();
    });

    it('rolls back every write of a failed transaction', async () => {
      await expect(
        store.transaction(async (tx) => {
          await tx.users.insert(user({ username: 'carol' }));
          await tx.audit.append({ at: T0, actor: 'test', action: 'user.create' });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.users.findByUsername('carol')).toBeUndefined();
      expect(await store.audit.count()).toBe(0);
      expect((await store.audit.head())?.seq).toBe(0);
    });

    it('keeps sessions by hash and expires them', async () => {
      const alice = user();
      await store.users.insert(alice);
      const session = {
        idHash: 'h1',
        userId: alice.id,
        csrfToken: 'c',
        createdAt: T0,
        expiresAt: '2026-01-02T00:00:00.000Z',
        lastSeenAt: T0,
        ip: '127.0.0.1',
        userAgent: null,
      };
      await store.sessions.insert(session);
      expect(await store.sessions.find('h1')).toEqual(session);
      expect(await store.sessions.deleteExpired('2026-01-03T00:00:00.000Z')).toBe(1);
      expect(await store.sessions.find('h1')).toBeUndefined();
    });

    it('stores tokens, revokes once and counts the active ones', async () => {
      const alice = user();
      await store.users.insert(alice);
      const token = {
        id: 't1',
        userId: alice.id,
        name: 'ci',
        prefix: 'vigie_t1',
        secretHash: 'x',
        scopes: ['findings:read' as const],
        createdAt: T0,
        expiresAt: '2026-02-01T00:00:00.000Z',
        lastUsedAt: null,
        revokedAt: null,
      };
      await store.tokens.insert(token);
      expect(await store.tokens.findById('t1')).toEqual(token);
      expect(await store.tokens.countActive(T0)).toBe(1);
      expect(await store.tokens.countActive(T0, '2026-01-15T00:00:00.000Z')).toBe(0);
      expect(await store.tokens.revoke('t1', T0)).toBe(true);
      expect(await store.tokens.revoke('t1', T0)).toBe(false);
      expect(await store.tokens.countActive(T0)).toBe(0);
      expect(await store.tokens.list({ userId: alice.id })).toHaveLength(1);
    });

    it('chains audit entries, even when appended concurrently', async () => {
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          store.audit.append({ at: T0, actor: `actor-${i}`, action: 'test.append', details: { i } }),
        ),
      );
      const records = [];
      for await (const r of store.audit.scan(Number.NEGATIVE_INFINITY, 7)) records.push(r);
      expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(verifyChain(records, await store.audit.head())).toMatchObject({ ok: true, checked: 40 });
      expect((await store.audit.list({ limit: 5, before: 10 })).map((r) => r.seq)).toEqual([9, 8, 7, 6, 5]);
      expect(await store.audit.list({ limit: 5, actor: 'actor-3' })).toHaveLength(1);
    });

    it('refuses to update or delete audit entries', async () => {
      await store.audit.append({ at: T0, actor: 'a', action: 'x' });
      await expect(sql`update audit_log set actor = 'mallory'`.execute(store.db)).rejects.toThrow(/append-only/);
      await expect(sql`delete from audit_log`.execute(store.db)).rejects.toThrow(/append-only/);
    });

    it('stores findings and summarises them by module and severity', async () => {
      const finding: Finding = {
        id: 'f1',
        module: 'mail',
        kind: 'phishing',
        severity: 'high',
        score: 0.93,
        title: { en: 'Phishing', fr: 'Hameçonnage' },
        evidence: [
          { code: 'lookalike_domain', weight: 0.6, message: { en: 'a', fr: 'b' }, data: { domain: 'examp1e.com' } },
        ],
        entities: { domains: ['examp1e.com'] },
        techniques: ['T1566.002'],
        observedAt: T0,
        createdAt: T0,
      };
      await store.findings.insert(finding);
      expect(await store.findings.findById('f1')).toEqual(finding);
      expect(await store.findings.summary()).toEqual([{ module: 'mail', severity: 'high', count: 1 }]);
      expect(await store.findings.recent(10, 'guard')).toEqual([]);
    });

    it('counts failed sign-ins since a time, optionally per address', async () => {
      await store.loginEvents.record({ at: T0, username: 'a', ip: '10.0.0.1', success: false, reason: 'bad_password' });
      await store.loginEvents.record({ at: T0, username: 'a', ip: '10.0.0.2', success: false, reason: 'bad_password' });
      await store.loginEvents.record({ at: T0, username: 'a', ip: '10.0.0.1', success: true, reason: 'ok' });
      expect(await store.loginEvents.countFailures({ since: T0 })).toBe(2);
      expect(await store.loginEvents.countFailures({ since: T0, ip: '10.0.0.1' })).toBe(1);
      expect(await store.loginEvents.countFailures({ since: '2026-02-01T00:00:00.000Z' })).toBe(0);
    });
  });
}
