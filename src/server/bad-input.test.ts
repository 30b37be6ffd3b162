/** Bad input to any route gets a clear error with a stable code, and never a crash. */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../../tests/support/app.js';
import { testDatabases } from '../../tests/support/databases.js';
import { isErrorCode } from '../core/index.js';

function expectErrorShape(body: unknown, status: number, url = '') {
  if (url.startsWith('/v1/')) {
    // The Guard proxy answers in the shape OpenAI clients read, with Vigie's code beside it.
    expect(body).toMatchObject({ statusCode: status, error: { message: expect.any(String) } });
  } else {
    expect(body).toMatchObject({ statusCode: status, error: expect.any(String), message: expect.any(String) });
  }
  expect(isErrorCode((body as { code: unknown }).code)).toBe(true);
}

// On every database: a value one accepts (a NUL byte, say) may make the other fail.
for (const database of testDatabases())
  describe(`bad input on ${database.name}`, () => {
    let t: TestApp;
    let admin: Record<string, string>;
    beforeAll(async () => {
      t = await testApp({ bodyLimit: 64 * 1024, openStore: () => database.open() });
      admin = await t.signIn('admin');
    });
    afterAll(async () => {
      await t.close();
      await database.cleanup();
    });

    it('rejects unknown fields instead of ignoring them', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/users',
        headers: admin,
        payload: { username: 'eve', role: 'learner', isAdmin: true },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VIGIE_ERR_VALIDATION');
      expect(res.json().details.issues[0].message).toMatch(/isAdmin|unrecognized/i);
    });

    it('rejects wrong types and values with the field named', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/users',
        headers: admin,
        payload: { username: 42, role: 'root' },
      });
      expect(res.statusCode).toBe(400);
      expectErrorShape(res.json(), 400);
      expect(res.json().message).toMatch(/username/);
      const query = await t.app.inject({ method: 'GET', url: '/api/audit?limit=abc', headers: admin });
      expect(query.json().code).toBe('VIGIE_ERR_VALIDATION');
      const huge = await t.app.inject({ method: 'GET', url: '/api/audit?limit=100000', headers: admin });
      expect(huge.json().code).toBe('VIGIE_ERR_VALIDATION');
    });

    it('answers 413 to a body over the limit', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'admin', password: 'x'.repeat(100 * 1024) },
      });
      expect(res.statusCode).toBe(413);
      expect(res.json().code).toBe('VIGIE_ERR_BODY_TOO_LARGE');
    });

    it('answers 400 to malformed JSON and 415 to other content types', async () => {
      const bad = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: '{"username":',
      });
      expect(bad.json()).toMatchObject({ statusCode: 400, code: 'VIGIE_ERR_BAD_JSON' });
      const form = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': 'text/plain' },
        payload: 'username=admin',
      });
      expect(form.json()).toMatchObject({ statusCode: 415, code: 'VIGIE_ERR_UNSUPPORTED_MEDIA_TYPE' });
    });

    it('answers 404 in the same shape for unknown API routes, in the caller’s language', async () => {
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/nothing-here',
        headers: { 'accept-language': 'fr-FR,fr;q=0.9' },
      });
      expect(res.statusCode).toBe(404);
      expectErrorShape(res.json(), 404);
      const unauth = await t.app.inject({ method: 'GET', url: '/api/users', headers: { 'accept-language': 'fr' } });
      expect(unauth.json().message).toBe('Vous devez vous connecter.');
    });

    it('answers unreadable URLs in the same shape', async () => {
      const badEncoding = await t.app.inject({ method: 'POST', url: '/api/users/%E0%A4%A/unlock', headers: admin });
      expect(badEncoding.statusCode).toBe(400);
      expectErrorShape(badEncoding.json(), 400);
      const longId = await t.app.inject({
        method: 'POST',
        url: `/api/users/${'x'.repeat(500)}/unlock`,
        headers: admin,
      });
      expect(longId.statusCode).toBe(400);
      expectErrorShape(longId.json(), 400);
    });

    it('survives arbitrary JSON bodies on every route that takes one (property)', async () => {
      const routes = t.app.routeCatalog.filter(
        (r) => r.access && ['POST', 'PUT', 'PATCH'].includes(r.method) && r.url !== '/api/auth/logout',
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...routes),
          fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }),
          async (route, body) => {
            const res = await t.app.inject({
              method: route.method as 'POST',
              url: route.url.replace(':id', 'missing'),
              headers: { ...admin, 'content-type': 'application/json' },
              payload: JSON.stringify(body),
            });
            expect(res.statusCode, `${route.method} ${route.url} ${JSON.stringify(body)}`).toBeLessThan(500);
            // Pages for people (a simulation's landing page) answer in HTML; the API in its error shape.
            const html = String(res.headers['content-type'] ?? '').startsWith('text/html');
            if (res.statusCode >= 400 && !html) expectErrorShape(res.json(), res.statusCode, route.url);
          },
        ),
        { numRuns: 150 },
      );
    });

    it('refuses control characters in free text before they reach the database', async () => {
      const login = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'ad\u0000min', password: 'x' },
      });
      expect(login.json().code).toBe('VIGIE_ERR_VALIDATION');
      const query = await t.app.inject({ method: 'GET', url: '/api/audit?actor=%00', headers: admin });
      expect(query.json().code).toBe('VIGIE_ERR_VALIDATION');
    });

    it('survives arbitrary strings as path ids and query values (property)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.string({ maxLength: 300, unit: 'binary' }), async (value) => {
          const id = encodeURIComponent(value) || 'x';
          for (const url of [`/api/users/${id}/unlock`, `/api/audit?actor=${id}&before=${id}`, `/api/tokens/${id}`]) {
            const method = url.startsWith('/api/users') ? 'POST' : url.startsWith('/api/tokens') ? 'DELETE' : 'GET';
            const res = await t.app.inject({ method, url, headers: admin });
            expect(res.statusCode, url).toBeLessThan(500);
          }
        }),
        { numRuns: 100 },
      );
    });
  });
