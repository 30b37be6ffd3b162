import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../../tests/support/app.js';

describe('platform routes', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp();
  });
  afterEach(() => t.close());

  it('reports health, and 503 when the database is gone', async () => {
    const ok = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(ok.json()).toEqual({ status: 'ok', version: 'test', database: 'sqlite' });
    await t.platform.store.close();
    const down = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(down.statusCode).toBe(503);
    expect(down.json().code).toBe('VIGIE_ERR_STORE_UNAVAILABLE');
    // The driver's own words stay in the log.
    expect(down.json().message).toBe('The database is unavailable.');
  });

  it('publishes an OpenAPI document covering every API route, and browsable docs', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    for (const route of t.app.routeCatalog.filter(
      (r) => r.url.startsWith('/api/') && !r.url.startsWith('/api/docs') && r.url !== '/api/openapi.json',
    )) {
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      expect(doc.paths[path]?.[route.method.toLowerCase()], `${route.method} ${route.url}`).toBeDefined();
    }
    expect(doc.paths['/api/users'].post.requestBody.content['application/json'].schema.additionalProperties).toBe(
      false,
    );
    const ui = await t.app.inject({ method: 'GET', url: '/api/docs' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger-ui');
  });

  it('exposes Prometheus metrics to a token with metrics:read', async () => {
    const admin = await t.signIn('admin');
    const { secret } = (
      await t.app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: admin,
        payload: { name: 'prometheus', scopes: ['metrics:read'] },
      })
    ).json();
    await t.app.inject({ method: 'GET', url: '/healthz' });
    const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${secret}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/vigie_http_requests_total\{method="GET",route="\/healthz",status="200"\} 1/);
    expect(res.body).toContain('vigie_process_cpu_user_seconds_total');
  });

  it('sends a request id and security headers on every answer, keeping a sane incoming id', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/meta', headers: { 'x-request-id': 'trace-123' } });
    expect(res.headers['x-request-id']).toBe('trace-123');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const odd = await t.app.inject({ method: 'GET', url: '/api/meta', headers: { 'x-request-id': 'bad id\u0001' } });
    expect(odd.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('audits every state-changing action with actor, target and request id, in one verifiable chain', async () => {
    const admin = await t.signIn('admin');
    const h = { ...admin, 'x-request-id': 'req-create' };
    const created = (
      await t.app.inject({
        method: 'POST',
        url: '/api/users',
        headers: h,
        payload: { username: 'nina', role: 'analyst' },
      })
    ).json();
    const id = created.user.id;
    await t.app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: admin, payload: { department: 'SOC' } });
    await t.app.inject({ method: 'POST', url: `/api/users/${id}/reset-password`, headers: admin });
    await t.app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: admin, payload: { disabled: true } });
    const token = (
      await t.app.inject({ method: 'POST', url: '/api/tokens', headers: admin, payload: { name: 'x', scopes: [] } })
    ).json();
    await t.app.inject({ method: 'DELETE', url: `/api/tokens/${token.token.id}`, headers: admin });
    await t.app.inject({ method: 'PATCH', url: '/api/me', headers: admin, payload: { locale: 'fr' } });
    await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: admin });

    const auditor = await t.as('auditor');
    const { items } = (await t.app.inject({ method: 'GET', url: '/api/audit?limit=100', headers: auditor })).json();
    const actions = items.map((e: { action: string }) => e.action).reverse();
    expect(actions).toEqual([
      'user.create',
      'auth.login',
      'user.create',
      'user.update',
      'user.password_reset',
      'user.disable',
      'token.create',
      'token.revoke',
      'user.update',
      'auth.logout',
      'user.create',
      'auth.login',
    ]);
    const create = items.find(
      (e: { target: string; action: string }) => e.target === 'user:nina' && e.action === 'user.create',
    );
    expect(create).toMatchObject({ actor: 'user:admin', action: 'user.create', requestId: 'req-create' });
    const verify = (await t.app.inject({ method: 'GET', url: '/api/audit/verify', headers: auditor })).json();
    expect(verify).toEqual({
      ok: true,
      checked: items.length,
      firstBad: null,
      head: { seq: items[0].seq, hash: items[0].hash },
    });
    const page = (await t.app.inject({ method: 'GET', url: '/api/audit?limit=5', headers: auditor })).json();
    expect(page.items).toHaveLength(5);
    const next = (
      await t.app.inject({ method: 'GET', url: `/api/audit?limit=5&before=${page.nextBefore}`, headers: auditor })
    ).json();
    expect(next.items[0].seq).toBe(page.items[4].seq - 1);
  });

  it('computes the posture from stored data only', async () => {
    const admin = await t.signIn('admin');
    let posture = (await t.app.inject({ method: 'GET', url: '/api/posture', headers: admin })).json();
    expect(posture.users).toEqual({
      total: 1,
      byRole: { admin: 1, analyst: 0, auditor: 0, learner: 0 },
      disabled: 0,
      locked: 0,
    });
    expect(posture.findings).toEqual({
      total: 0,
      bySeverity: { low: 0, medium: 0, high: 0, critical: 0 },
      byModule: {},
      recent: [],
    });
    expect(posture.audit.chain.ok).toBe(true);
    expect(posture.modules.find((m: { id: string }) => m.id === 'platform').enabled).toBe(true);

    await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'nope' } });
    await t.platform.findings.record({
      module: 'guard',
      kind: 'secret_in_prompt',
      severity: 'critical',
      score: 0.97,
      title: { en: 'AWS key pasted into ChatGPT', fr: 'Clé AWS collée dans ChatGPT' },
      evidence: [{ code: 'aws_access_key', weight: 0.9, message: { en: 'AWS key', fr: 'Clé AWS' } }],
      observedAt: '2026-03-02T08:00:00.000Z',
    });
    posture = (await t.app.inject({ method: 'GET', url: '/api/posture', headers: admin })).json();
    expect(posture.security.failedLogins24h).toBe(1);
    expect(posture.findings.total).toBe(1);
    expect(posture.findings.bySeverity.critical).toBe(1);
    expect(posture.findings.byModule).toEqual({ guard: 1 });
    expect(posture.findings.recent[0].title.fr).toBe('Clé AWS collée dans ChatGPT');
  });

  it('serves a helpful page for app paths when the web app is not built, JSON 404 for API paths', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/admin/users' });
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('npm run build');
    const api = await t.app.inject({ method: 'POST', url: '/api/nope' });
    expect(api.json().code).toBe('VIGIE_ERR_NOT_FOUND');
  });
});

describe('housekeeping', () => {
  it('drops expired sessions and keeps live ones', async () => {
    const t = await testApp();
    try {
      const first = await t.signIn('admin');
      t.advance(9 * 3600_000);
      const second = await t.signIn('admin');
      expect(await t.platform.prune()).toEqual({ sessions: 1 });
      expect((await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: second })).statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: first })).statusCode).toBe(401);
    } finally {
      await t.close();
    }
  });
});
