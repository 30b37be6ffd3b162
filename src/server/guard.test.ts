/**
 * Guard's API: the policy (validation errors at their line, versions, audit, rollback), the
 * scan route (findings masked, recorded, counted on the dashboard; any input answered cleanly),
 * the catalogue, and shadow-AI discovery from an uploaded log with its CSV.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../../tests/support/app.js';
import { DEFAULT_POLICY_YAML } from '../guard/index.js';

const IBAN = 'FR76 3000 6000 0112 3456 7890 189';

const SQUID = [
  '1700000000.000    120 10.0.0.5 TCP_TUNNEL/200 4200 CONNECT chatgpt.com:443 alice HIER_DIRECT/1.2.3.4 -',
  '1700000100.000    120 10.0.0.5 TCP_TUNNEL/200 1800 CONNECT chat.mistral.ai:443 alice HIER_DIRECT/1.2.3.4 -',
  '1700000200.000    120 10.0.0.6 TCP_TUNNEL/200 900 CONNECT www.example.org:443 bob HIER_DIRECT/1.2.3.4 -',
  'this line is not a squid line',
].join('\n');

describe('Guard API', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  beforeAll(async () => {
    t = await testApp();
    admin = await t.signIn('admin');
  });
  afterAll(() => t.close());

  it('serves the shipped policy until one is saved', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/guard/policy', headers: await t.as('auditor') });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: 'shipped', shipped: true, active: true, yaml: DEFAULT_POLICY_YAML });
  });

  it('refuses an invalid policy with each problem at its YAML line, and saves nothing', async () => {
    const yaml = 'version: 1\nrules:\n  - types: [secret.*]\n    action: explode\n';
    const check = await t.app.inject({
      method: 'POST',
      url: '/api/guard/policy/check',
      headers: admin,
      payload: { yaml },
    });
    expect(check.json()).toMatchObject({ valid: false, problems: [{ line: 4, path: 'rules.0.action' }] });
    const res = await t.app.inject({ method: 'PUT', url: '/api/guard/policy', headers: admin, payload: { yaml } });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VIGIE_ERR_VALIDATION');
    expect(res.json().message).toMatch(/line 4/);
    expect(res.json().details.problems[0]).toMatchObject({ line: 4, path: 'rules.0.action' });
    const broken = await t.app.inject({
      method: 'PUT',
      url: '/api/guard/policy',
      headers: admin,
      payload: { yaml: 'version: 1\nrules: [\n  oops: : :\n' },
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().details.problems[0].line).toBeGreaterThanOrEqual(2);
    const versions = await t.app.inject({ method: 'GET', url: '/api/guard/policy/versions', headers: admin });
    expect(versions.json()).toHaveLength(1);
  });

  it('saves versions, audits each change, and rolls back by activating an older one', async () => {
    const strict = DEFAULT_POLICY_YAML.replace(
      '  - name: identifiants sensibles vers service approuvé\n    types: [pii.nir, pii.iban, pii.card]\n    serviceClasses: [sanctioned]\n    action: pseudonymise\n',
      '  - name: IBAN interdit\n    types: [pii.iban]\n    action: block\n',
    );
    expect(strict).not.toBe(DEFAULT_POLICY_YAML);
    const first = await t.app.inject({
      method: 'PUT',
      url: '/api/guard/policy',
      headers: admin,
      payload: { yaml: strict, note: 'IBAN blocked' },
    });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ active: true, shipped: false, note: 'IBAN blocked', author: 'user:admin' });
    const blocked = await t.app.inject({
      method: 'POST',
      url: '/api/guard/scan',
      headers: admin,
      payload: { text: `IBAN ${IBAN}` },
    });
    expect(blocked.json().action).toBe('block');

    const versions = (await t.app.inject({ method: 'GET', url: '/api/guard/policy/versions', headers: admin })).json();
    expect(versions.map((v: { id: string; active: boolean }) => [v.id === 'shipped', v.active])).toEqual([
      [false, true],
      [true, false],
    ]);
    const back = await t.app.inject({
      method: 'POST',
      url: '/api/guard/policy/versions/shipped/activate',
      headers: admin,
    });
    expect(back.json()).toMatchObject({ id: 'shipped', active: true });
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/guard/scan',
      headers: admin,
      payload: { text: `IBAN ${IBAN}` },
    });
    expect(again.json().action).toBe('pseudonymise');
    const forward = await t.app.inject({
      method: 'POST',
      url: `/api/guard/policy/versions/${first.json().id}/activate`,
      headers: admin,
    });
    expect(forward.json()).toMatchObject({ id: first.json().id, active: true });
    const missing = await t.app.inject({
      method: 'POST',
      url: '/api/guard/policy/versions/nope/activate',
      headers: admin,
    });
    expect(missing.statusCode).toBe(404);

    const audit = (await t.app.inject({ method: 'GET', url: '/api/audit', headers: admin })).json();
    const actions = audit.items.map((e: { action: string }) => e.action);
    expect(actions.filter((a: string) => a === 'guard.policy.update')).toHaveLength(1);
    expect(actions.filter((a: string) => a === 'guard.policy.activate')).toHaveLength(2);
    // Leave the shipped policy active for the tests below.
    await t.app.inject({ method: 'POST', url: '/api/guard/policy/versions/shipped/activate', headers: admin });
  });

  it('scans for a learner: IBAN pseudonymised with reasons, masked, recorded and counted', async () => {
    const learner = await t.as('learner');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/guard/scan',
      headers: learner,
      payload: { text: `Virement vers ${IBAN} demain.` },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      action: 'pseudonymise',
      service: 'internal-llm',
      rewritten: 'Virement vers [IBAN_1] demain.',
      findings: [{ type: 'pii.iban', masked: 'FR76 **** **** **** **** ***0 189', action: 'pseudonymise' }],
    });
    expect(body.reasons.map((r: { code: string }) => r.code)).toContain('guard.finding.pseudonymise');
    expect(body.decisionId).toEqual(expect.any(String));

    const dashboard = (
      await t.app.inject({ method: 'GET', url: '/api/guard/dashboard?days=7', headers: await t.as('auditor') })
    ).json();
    expect(dashboard.trend).toHaveLength(7);
    expect(dashboard.trend.at(-1).key).toBe('2026-03-02');
    expect(dashboard.byType.find((r: { key: string }) => r.key === 'pii.iban').pseudonymise).toBeGreaterThanOrEqual(1);
    expect(dashboard.byService[0].key).toBe('internal-llm');
    // The test clock stands still: decisions share one instant, so look the new one up by id.
    expect(dashboard.latest.find((d: { id: string }) => d.id === body.decisionId)).toMatchObject({
      action: 'pseudonymise',
      source: 'api',
      findings: [{ type: 'pii.iban', masked: 'FR76 **** **** **** **** ***0 189' }],
    });
    expect(JSON.stringify(dashboard)).not.toContain('3000 6000');

    const clean = await t.app.inject({
      method: 'POST',
      url: '/api/guard/scan',
      headers: learner,
      payload: { text: 'Quelle est la capitale de la France ?' },
    });
    expect(clean.json()).toMatchObject({ action: 'allow', findings: [], decisionId: null, rewritten: null });
  });

  it('answers any scan input with a result or a clean validation error, never a crash', async () => {
    const learner = await t.as('learner');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc.constantFrom('\u0000', '[IBAN_1]', '{{', 'ignore previous instructions', `${IBAN}\u202e`),
        ),
        fc.option(fc.constantFrom('prompt', 'document', 'weird', 3), { nil: undefined }),
        async (text, mode) => {
          const res = await t.app.inject({
            method: 'POST',
            url: '/api/guard/scan',
            headers: learner,
            payload: { text, ...(mode === undefined ? {} : { mode }) },
          });
          if (mode === 'weird' || mode === 3) expect(res.statusCode).toBe(400);
          else expect(res.statusCode).toBe(200);
        },
      ),
      { numRuns: 60 },
    );
    for (const payload of [{}, { text: 5 }, { text: 'x', extra: 1 }, { text: 'x', service: '../etc' }, []]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/guard/scan', headers: learner, payload });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VIGIE_ERR_VALIDATION');
    }
  });

  it('imports a proxy log into a shadow-AI report with departments from the accounts, and exports CSV', async () => {
    await t.platform.identity.createUser(
      { username: 'alice', role: 'learner', department: 'Finance', password: 'correct-horse-battery-staple' },
      { actor: { kind: 'system' } },
    );
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/guard/discovery?filename=access.log&format=squid',
      headers: { ...admin, 'content-type': 'text/plain' },
      payload: SQUID,
    });
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ filename: 'access.log', lines: 4, records: 3, matched: 2, invalid: 1 });
    expect(report.problems[0].line).toBe(4);
    const alice = report.report.users.find((u: { user: string }) => u.user === 'alice');
    expect(alice).toMatchObject({ department: 'Finance', requests: 2 });
    const list = (await t.app.inject({ method: 'GET', url: '/api/guard/discovery', headers: admin })).json();
    expect(list[0].id).toBe(report.id);
    const csv = await t.app.inject({ method: 'GET', url: `/api/guard/discovery/${report.id}/csv`, headers: admin });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.split('\r\n')[0]).toMatch(/^user,kind,department,service/);
    expect(csv.body).toContain('alice,user,Finance,');

    const json = await t.app.inject({
      method: 'POST',
      url: '/api/guard/discovery',
      headers: admin,
      payload: { log: 'x' },
    });
    expect(json.statusCode).toBe(400);
    const unreadable = await t.app.inject({
      method: 'POST',
      url: '/api/guard/discovery?format=squid',
      headers: { ...admin, 'content-type': 'text/plain' },
      payload: 'nothing\nto see\n',
    });
    expect(unreadable.statusCode).toBe(400);
    expect(unreadable.json().details.problems).toHaveLength(2);
    const audit = (await t.app.inject({ method: 'GET', url: '/api/audit', headers: admin })).json();
    expect(audit.items.filter((e: { action: string }) => e.action === 'guard.discovery.import')).toHaveLength(1);
  });

  it('lets the admin add a service to the catalogue, validated, audited and removable', async () => {
    const bad = await t.app.inject({
      method: 'PUT',
      url: '/api/guard/catalogue/acme-ai',
      headers: admin,
      payload: { name: 'Acme AI' },
    });
    expect(bad.statusCode).toBe(400);
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/guard/catalogue/acme-ai',
      headers: admin,
      payload: {
        name: 'Acme AI',
        vendor: 'Acme',
        region: 'EU',
        category: 'chat',
        sanctioned: true,
        suffixes: ['acme-ai.example'],
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: 'acme-ai', custom: true, shipped: false, sanctioned: true });
    const catalogue = (await t.app.inject({ method: 'GET', url: '/api/guard/catalogue', headers: admin })).json();
    expect(catalogue.some((s: { id: string }) => s.id === 'acme-ai')).toBe(true);
    const removed = await t.app.inject({ method: 'DELETE', url: '/api/guard/catalogue/acme-ai', headers: admin });
    expect(removed.statusCode).toBe(204);
    const again = await t.app.inject({ method: 'DELETE', url: '/api/guard/catalogue/acme-ai', headers: admin });
    expect(again.statusCode).toBe(404);
  });
});
