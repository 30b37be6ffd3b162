/** The whole API on each database: concurrent writes still form one verifiable audit chain. */
import { afterAll, describe, expect, it } from 'vitest';
import { testApp } from '../support/app.js';
import { testDatabases } from '../support/databases.js';

for (const database of testDatabases()) {
  describe(`API on ${database.name}`, () => {
    afterAll(() => database.cleanup());

    it('creates accounts concurrently, audits each once, and keeps the chain intact', async () => {
      const t = await testApp({ openStore: () => database.open() });
      try {
        const admin = await t.signIn('admin');
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            t.app.inject({
              method: 'POST',
              url: '/api/users',
              headers: admin,
              payload: { username: `user${i}`, role: 'learner' },
            }),
          ),
        );
        expect(results.map((r) => r.statusCode)).toEqual(Array(12).fill(201));
        const duplicate = await t.app.inject({
          method: 'POST',
          url: '/api/users',
          headers: admin,
          payload: { username: 'user3', role: 'learner' },
        });
        expect(duplicate.json().code).toBe('VIGIE_ERR_CONFLICT');
        const audit = (
          await t.app.inject({ method: 'GET', url: '/api/audit?action=user.create&limit=100', headers: admin })
        ).json();
        expect(audit.items).toHaveLength(13);
        expect((await t.app.inject({ method: 'GET', url: '/api/audit/verify', headers: admin })).json()).toMatchObject({
          ok: true,
        });
        const posture = (await t.app.inject({ method: 'GET', url: '/api/posture', headers: admin })).json();
        expect(posture.users.byRole).toEqual({ admin: 1, analyst: 0, auditor: 0, learner: 12 });
        expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json().database).toBe(database.name);
      } finally {
        await t.close();
      }
    });
  });
}
