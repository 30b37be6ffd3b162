/**
 * Walks every registered route with every role and proves each reaches only what it may.
 * The expected matrix is written out here, apart from the routes' own declarations, so a
 * route added without an entry, or with a looser declaration, fails this test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../../tests/support/app.js';
import { ROLES, type Role } from '../core/index.js';

const ALL: readonly Role[] = ROLES;
const PUBLIC = 'public';

const EXPECTED: Record<string, readonly Role[] | typeof PUBLIC> = {
  'GET /healthz': PUBLIC,
  'GET /api/meta': PUBLIC,
  'GET /api/openapi.json': PUBLIC,
  'POST /api/auth/login': PUBLIC,
  'GET /api/auth/session': ALL,
  'POST /api/auth/logout': ALL,
  'PATCH /api/me': ALL,
  'PUT /api/me/password': ALL,
  'GET /api/users': ['admin', 'auditor'],
  'POST /api/users': ['admin'],
  'PATCH /api/users/:id': ['admin'],
  'POST /api/users/:id/unlock': ['admin'],
  'POST /api/users/:id/reset-password': ['admin'],
  'GET /api/tokens': ALL,
  'POST /api/tokens': ALL,
  'DELETE /api/tokens/:id': ALL,
  'GET /api/audit': ['admin', 'auditor'],
  'GET /api/audit/verify': ['admin', 'auditor'],
  'GET /api/posture': ['admin', 'analyst', 'auditor'],
  'GET /api/findings': ['admin', 'analyst', 'auditor'],
  'GET /metrics': ['admin', 'auditor'],
  'POST /api/sense/readings': ['admin'],
  'GET /api/sense/devices': ['admin', 'analyst', 'auditor'],
  'GET /api/sense/devices/:id': ['admin', 'analyst', 'auditor'],
  'GET /api/sense/alerts': ['admin', 'analyst', 'auditor'],
  'POST /api/mail/analyze': ['admin', 'analyst', 'learner'],
  'POST /api/mail/reports': ['admin', 'analyst', 'learner'],
  'GET /api/mail/reports': ['admin', 'analyst', 'auditor'],
  'GET /api/mail/reports/:id': ['admin', 'analyst', 'auditor'],
  'GET /api/mail/reports/:id/raw': ['admin', 'analyst', 'auditor'],
  'PUT /api/mail/reports/:id/verdict': ['admin', 'analyst'],
  'GET /api/mail/settings': ['admin', 'analyst', 'auditor'],
  'PUT /api/mail/settings': ['admin'],
  'GET /api/mail/models': ['admin', 'analyst', 'auditor'],
  'POST /api/mail/models/learn': ['admin'],
  'PUT /api/mail/models/active': ['admin'],
  'POST /api/detect/ingest': ['admin'],
  'GET /api/detect/alerts': ['admin', 'analyst', 'auditor'],
  'GET /api/detect/alerts/:id': ['admin', 'analyst', 'auditor'],
  'POST /api/detect/alerts/:id/verdict': ['admin', 'analyst'],
  'GET /api/detect/incidents': ['admin', 'analyst', 'auditor'],
  'GET /api/detect/incidents/:id': ['admin', 'analyst', 'auditor'],
  'POST /api/detect/incidents/:id/status': ['admin', 'analyst'],
  'GET /api/detect/rules': ['admin', 'analyst', 'auditor'],
  'POST /api/detect/rules/import': ['admin'],
  'POST /api/detect/rules/:id/enabled': ['admin'],
  'GET /api/detect/behaviour/settings': ['admin', 'analyst', 'auditor'],
  'PUT /api/detect/behaviour/settings': ['admin'],
  'GET /api/detect/behaviour/changes': ['admin', 'analyst', 'auditor'],
  'POST /api/detect/behaviour/changes/:id/undo': ['admin'],
  'GET /api/learn/me': ['admin', 'analyst', 'learner'],
  'GET /api/learn/modules': ['admin', 'analyst', 'learner'],
  'GET /api/learn/modules/:id': ['admin', 'analyst', 'learner'],
  'POST /api/learn/quiz': ['admin', 'analyst', 'learner'],
  'POST /api/learn/answers': ['admin', 'analyst', 'learner'],
  'POST /api/learn/modules/:id/complete': ['admin', 'analyst', 'learner'],
  'GET /api/learn/leaderboard': ['admin', 'analyst', 'learner'],
  'POST /api/learn/report': ['admin', 'analyst', 'learner'],
  'GET /api/learn/programme': ['admin', 'analyst', 'auditor'],
  'GET /api/learn/content': ['admin', 'analyst', 'auditor'],
  'GET /api/learn/groups': ['admin', 'analyst', 'auditor'],
  'GET /api/learn/groups/:id': ['admin', 'analyst', 'auditor'],
  'GET /api/learn/campaigns': ['admin', 'analyst', 'auditor'],
  'GET /api/learn/campaigns/:id': ['admin', 'analyst', 'auditor'],
  'GET /api/learn/campaigns/:id/clicks': ['admin', 'analyst', 'auditor'],
  'GET /api/learn/campaigns/:id/results.csv': ['admin', 'analyst', 'auditor'],
  'GET /api/learn/kb': ['admin', 'analyst', 'auditor'],
  'POST /api/learn/groups': ['admin'],
  'POST /api/learn/campaigns': ['admin'],
  'POST /api/learn/campaigns/:id/launch': ['admin'],
  'POST /api/learn/campaigns/:id/pause': ['admin'],
  'POST /api/learn/campaigns/:id/resume': ['admin'],
  'POST /api/learn/campaigns/:id/cancel': ['admin'],
  'POST /api/learn/content': ['admin'],
  'POST /api/learn/kb': ['admin'],
  'GET /api/learn/templates': ['admin', 'analyst', 'auditor'],
  'GET /api/learn/landings': ['admin', 'analyst', 'auditor'],
  'POST /api/learn/time': ['admin', 'analyst', 'learner'],
  'GET /api/learn/profiles': ['admin'],
  'POST /api/learn/profiles': ['admin'],
  'PUT /api/learn/profiles/:id': ['admin'],
  'DELETE /api/learn/profiles/:id': ['admin'],
  'POST /api/learn/profiles/:id/test': ['admin'],
  'POST /api/learn/templates': ['admin'],
  'PUT /api/learn/templates/:id': ['admin'],
  'DELETE /api/learn/templates/:id': ['admin'],
  'POST /api/learn/templates/import': ['admin'],
  'POST /api/learn/landings': ['admin'],
  'PUT /api/learn/landings/:id': ['admin'],
  'DELETE /api/learn/landings/:id': ['admin'],
  'POST /api/learn/custom/preview': ['admin'],
  'GET /learn/t/:token/o.gif': PUBLIC,
  'GET /learn/t/:token': PUBLIC,
  'POST /learn/t/:token': PUBLIC,
  'GET /learn/t/:token/lesson': PUBLIC,
  'GET /learn/t/:token/report': PUBLIC,
  'POST /learn/t/:token/report': PUBLIC,
  'POST /api/guard/scan': ['admin', 'analyst', 'learner'],
  'GET /api/guard/dashboard': ['admin', 'analyst', 'auditor'],
  'GET /api/guard/decisions': ['admin', 'analyst', 'auditor'],
  'GET /api/guard/policy': ['admin', 'analyst', 'auditor'],
  'GET /api/guard/policy/versions': ['admin', 'analyst', 'auditor'],
  'POST /api/guard/policy/check': ['admin'],
  'PUT /api/guard/policy': ['admin'],
  'POST /api/guard/policy/versions/:id/activate': ['admin'],
  'GET /api/guard/catalogue': ['admin', 'analyst', 'auditor'],
  'PUT /api/guard/catalogue/:id': ['admin'],
  'DELETE /api/guard/catalogue/:id': ['admin'],
  'POST /api/guard/discovery': ['admin'],
  'GET /api/guard/discovery': ['admin', 'analyst', 'auditor'],
  'GET /api/guard/discovery/:id': ['admin', 'analyst', 'auditor'],
  'GET /api/guard/discovery/:id/csv': ['admin', 'analyst', 'auditor'],
  'POST /v1/chat/completions': ['admin', 'analyst', 'learner'],
  'GET /v1/models': ['admin', 'analyst', 'learner'],
};

describe('role-based access on every route', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  const guarded = () =>
    t.app.routeCatalog.filter((r) => r.access !== undefined).map((r) => ({ ...r, key: `${r.method} ${r.url}` }));

  it('has an expected entry for every guarded route, and a route for every entry', () => {
    const keys = guarded().map((r) => r.key);
    expect([...keys].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('answers 401 to anonymous callers on every non-public route', async () => {
    for (const route of guarded()) {
      const res = await t.app.inject({
        method: route.method as 'GET',
        url: route.url.replace(':id', 'x'),
        payload: {},
      });
      if (EXPECTED[route.key] === PUBLIC) expect(res.statusCode, route.key).not.toBe(401);
      else expect([route.key, res.json().code]).toEqual([route.key, 'VIGIE_ERR_UNAUTHENTICATED']);
    }
  });

  it.each(ROLES)('lets %s reach exactly its routes', async (role) => {
    for (const route of guarded()) {
      const expected = EXPECTED[route.key];
      // A fresh session each time: some routes (sign-out) end the one they are called with.
      const headers = await t.as(role);
      const url = route.url.replace(':id', 'no-such-id');
      const res = await t.app.inject({
        method: route.method as 'GET',
        url,
        headers,
        ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
      });
      const allowed = expected === PUBLIC || expected?.includes(role);
      if (allowed) expect([route.key, res.statusCode]).not.toEqual([route.key, 403]);
      else expect([route.key, res.statusCode, res.json().code]).toEqual([route.key, 403, 'VIGIE_ERR_FORBIDDEN']);
      expect([route.key, res.statusCode]).not.toEqual([route.key, 401]);
      expect(res.statusCode, `${route.key} must never fail with 500`).toBeLessThan(500);
    }
  });

  it('limits an auditor to reading, even through an API token carrying every scope it has', async () => {
    const auditor = await t.as('auditor');
    const session = (await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: auditor })).json();
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: auditor,
      payload: { name: 'reader', scopes: session.permissions },
    });
    const bearer = { authorization: `Bearer ${created.json().secret}` };
    for (const route of guarded().filter((r) => r.method !== 'GET' && EXPECTED[r.key] !== PUBLIC)) {
      const res = await t.app.inject({
        method: route.method as 'POST',
        url: route.url.replace(':id', 'x'),
        headers: bearer,
        payload: {},
      });
      expect([route.key, res.statusCode]).toEqual([route.key, 403]);
    }
  });
});
