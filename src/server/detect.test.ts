import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../../tests/support/app.js';
import { SSH_RULE, sshFailure } from '../../tests/support/detect.js';
import { isErrorCode } from '../core/index.js';

const NOW = Date.parse('2026-03-02T09:00:00.000Z');
const failures = (count: number, user = 'root', from = NOW - 120_000) =>
  Array.from({ length: count }, (_, i) => sshFailure(from + i * 1000, user));

/** An API token that may only push logs, as a log shipper would hold. */
async function ingestToken(t: TestApp): Promise<Record<string, string>> {
  const admin = await t.as('admin');
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/tokens',
    headers: admin,
    payload: { name: 'shipper', scopes: ['detect:ingest'] },
  });
  return { authorization: `Bearer ${created.json().secret}` };
}

describe('Detect API', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp();
  });
  afterEach(() => t.close());

  it('ingests a batch, lists the alerts and incidents it raised, and shows one with its events', async () => {
    const shipper = await ingestToken(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/detect/ingest',
      headers: shipper,
      payload: { lines: [...failures(6), ''], source: 'web01-rsyslog' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ received: 7, accepted: 6, alerts: { created: 1 } });
    expect(res.json().rejected).toEqual([{ index: 6, reason: 'empty line' }]);

    const analyst = await t.as('analyst');
    const alerts = (await t.app.inject({ method: 'GET', url: '/api/detect/alerts', headers: analyst })).json();
    expect(alerts.items).toHaveLength(1);
    expect(alerts.items[0]).toMatchObject({
      kind: 'behaviour',
      ruleId: 'brute_force',
      status: 'open',
      source: 'web01-rsyslog',
      attack: { techniques: [{ id: 'T1110.001', name: 'Password Guessing' }] },
    });
    const detail = (
      await t.app.inject({ method: 'GET', url: `/api/detect/alerts/${alerts.items[0].id}`, headers: analyst })
    ).json();
    expect(detail.events[0].original).toContain('sshd[4242]: Failed password for root');
    expect(detail.reasons[0].message.en).toContain('failed sign-ins');

    const filtered = await t.app.inject({ method: 'GET', url: '/api/detect/alerts?kind=rule', headers: analyst });
    expect(filtered.json().items).toEqual([]);
    const since = await t.app.inject({
      method: 'GET',
      url: '/api/detect/alerts?since=2026-03-03T00:00:00Z',
      headers: analyst,
    });
    expect(since.json().items).toEqual([]);

    const incidents = (await t.app.inject({ method: 'GET', url: '/api/detect/incidents', headers: analyst })).json();
    expect(incidents.items).toEqual([
      expect.objectContaining({ entity: { kind: 'host', value: 'web01' }, status: 'new', severity: 'medium' }),
    ]);
    const id = incidents.items[0].id;
    const incident = (
      await t.app.inject({ method: 'GET', url: `/api/detect/incidents/${id}`, headers: analyst })
    ).json();
    expect(incident.timeline).toHaveLength(1);
    expect(incident.attack.tactics).toEqual([]);
    expect(incident.attack.techniques[0]).toEqual({ id: 'T1110.001', name: 'Password Guessing' });

    const moved = await t.app.inject({
      method: 'POST',
      url: `/api/detect/incidents/${id}/status`,
      headers: analyst,
      payload: { status: 'resolved', resolution: 'true_positive', note: 'blocked at the firewall' },
    });
    expect(moved.json().incident).toMatchObject({ status: 'resolved', resolution: 'true_positive' });
    const back = await t.app.inject({
      method: 'POST',
      url: `/api/detect/incidents/${id}/status`,
      headers: analyst,
      payload: { status: 'new' },
    });
    expect(back.statusCode).toBe(409);

    // The auditor reads but never writes; findings count for the posture page.
    const auditor = await t.as('auditor');
    const audit = (
      await t.app.inject({ method: 'GET', url: '/api/audit?action=detect.ingest', headers: auditor })
    ).json();
    expect(audit.items[0].actor).toMatch(/^user:/);
    const findings = (await t.app.inject({ method: 'GET', url: '/api/findings', headers: auditor })).json();
    expect(findings.items.filter((f: { module: string }) => f.module === 'detect').length).toBe(2);
  });

  it('takes verdicts that move thresholds, lists the change and undoes it', async () => {
    const admin = await t.as('admin');
    await t.app.inject({ method: 'POST', url: '/api/detect/ingest', headers: admin, payload: { lines: failures(9) } });
    const analyst = await t.as('analyst');
    const alert = (await t.app.inject({ method: 'GET', url: '/api/detect/alerts', headers: analyst })).json().items[0];
    const verdict = await t.app.inject({
      method: 'POST',
      url: `/api/detect/alerts/${alert.id}/verdict`,
      headers: analyst,
      payload: { verdict: 'false_positive', note: 'pen test' },
    });
    expect(verdict.statusCode).toBe(200);
    expect(verdict.json().alert).toMatchObject({
      verdict: 'false_positive',
      verdictNote: 'pen test',
      status: 'triaged',
    });
    expect(verdict.json().change.description.en).toContain('root');
    const changes = (
      await t.app.inject({ method: 'GET', url: '/api/detect/behaviour/changes', headers: analyst })
    ).json().items;
    expect(changes).toHaveLength(1);
    // Undoing is a settings matter: the analyst may not, the administrator may.
    const denied = await t.app.inject({
      method: 'POST',
      url: `/api/detect/behaviour/changes/${changes[0].id}/undo`,
      headers: analyst,
    });
    expect(denied.statusCode).toBe(403);
    const undone = await t.app.inject({
      method: 'POST',
      url: `/api/detect/behaviour/changes/${changes[0].id}/undo`,
      headers: admin,
    });
    expect(undone.json().change.undoneAt).toEqual(expect.any(String));
    const settings = (
      await t.app.inject({ method: 'GET', url: '/api/detect/behaviour/settings', headers: analyst })
    ).json();
    expect(settings.settings.overrides).toEqual([]);
    expect(settings.patterns).toContain('password_spray');
  });

  it('imports rule packs, lists failures with file and line, and switches a rule off', async () => {
    const admin = await t.as('admin');
    const imported = await t.app.inject({
      method: 'POST',
      url: '/api/detect/rules/import',
      headers: admin,
      payload: {
        name: 'SigmaHQ subset',
        files: [
          { path: 'linux/ssh.yml', text: SSH_RULE },
          { path: 'linux/bad.yml', text: 'title: [unclosed' },
        ],
      },
    });
    expect(imported.statusCode).toBe(200);
    expect(imported.json()).toMatchObject({ rules: 1, pack: { name: 'SigmaHQ subset', files: 2 } });
    expect(imported.json().problems[0]).toMatchObject({ file: 'linux/bad.yml', line: expect.any(Number) });
    const rules = (await t.app.inject({ method: 'GET', url: '/api/detect/rules', headers: admin })).json();
    expect(rules.rules[0]).toMatchObject({
      id: '5f2b1c3e-0d3c-4a8e-9a53-1d1f5a9b7c01',
      enabled: true,
      attack: { tactics: [{ id: 'TA0006', name: 'Credential Access' }] },
    });
    expect(rules.problems).toHaveLength(1);
    const ingest = async () =>
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/detect/ingest',
          headers: admin,
          payload: { lines: failures(1), format: 'syslog' },
        })
      ).json();
    expect((await ingest()).alerts.created).toBe(1);
    const off = await t.app.inject({
      method: 'POST',
      url: '/api/detect/rules/5f2b1c3e-0d3c-4a8e-9a53-1d1f5a9b7c01/enabled',
      headers: admin,
      payload: { enabled: false },
    });
    expect(off.json()).toEqual({ id: '5f2b1c3e-0d3c-4a8e-9a53-1d1f5a9b7c01', enabled: false });
    expect((await ingest()).alerts.created).toBe(0);
  });

  it('refuses bad settings and unknown fields, and validates thresholds', async () => {
    const admin = await t.as('admin');
    const bad = await t.app.inject({
      method: 'PUT',
      url: '/api/detect/behaviour/settings',
      headers: admin,
      payload: { bruteForce: { minFailures: 1 } },
    });
    expect(bad.statusCode).toBe(400);
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/detect/ingest',
      headers: admin,
      payload: { lines: ['x'], priority: 'high' },
    });
    expect(unknown.json().code).toBe('VIGIE_ERR_VALIDATION');
    const both = await t.app.inject({
      method: 'POST',
      url: '/api/detect/ingest',
      headers: admin,
      payload: { lines: ['x'], records: [{}] },
    });
    expect(both.statusCode).toBe(400);
    const ok = await t.app.inject({
      method: 'PUT',
      url: '/api/detect/behaviour/settings',
      headers: admin,
      payload: { bruteForce: { minFailures: 3 } },
    });
    expect(ok.json().settings.bruteForce).toEqual({ minFailures: 3, windowMs: 300_000 });
    const three = await t.app.inject({
      method: 'POST',
      url: '/api/detect/ingest',
      headers: admin,
      payload: { lines: failures(3) },
    });
    expect(three.json().alerts.created).toBe(1);
  });

  it('answers 413 to a batch over the size or count limit, and lists per-record errors', async () => {
    const admin = await t.as('admin');
    const huge = await t.app.inject({
      method: 'POST',
      url: '/api/detect/ingest',
      headers: { ...admin, 'content-type': 'application/json' },
      payload: JSON.stringify({ lines: Array.from({ length: 200 }, () => 'x'.repeat(50_000)) }),
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().code).toBe('VIGIE_ERR_BODY_TOO_LARGE');
    const many = await t.app.inject({
      method: 'POST',
      url: '/api/detect/ingest',
      headers: admin,
      payload: { lines: Array.from({ length: 10_001 }, () => 'x') },
    });
    expect(many.statusCode).toBe(413);
    const mixed = await t.app.inject({
      method: 'POST',
      url: '/api/detect/ingest',
      headers: admin,
      payload: {
        records: [
          { '@timestamp': '2026-03-02T08:00:00Z', event: { category: 'process' }, 'process.name': 'bash' },
          'not an object',
          [1, 2],
          { a: { b: { c: 1 } } },
        ],
      },
    });
    expect(mixed.statusCode).toBe(200);
    expect(mixed.json()).toMatchObject({ received: 4, accepted: 2 });
    expect(mixed.json().rejected).toEqual([
      { index: 1, reason: 'not a JSON object' },
      { index: 2, reason: 'not a JSON object' },
    ]);
  });
});

describe('Detect ingest under arbitrary input (property)', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  beforeAll(async () => {
    t = await testApp();
    admin = await t.signIn('admin');
  });
  afterAll(() => t.close());

  it('never fails with a 5xx, and accounts for every record or line it was sent', async () => {
    const body = fc.oneof(
      fc.record({ lines: fc.array(fc.string({ maxLength: 300, unit: 'binary' }), { maxLength: 20 }) }),
      fc.record({ records: fc.array(fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }), { maxLength: 20 }) }),
      fc.record({
        lines: fc.array(
          fc.constantFrom(
            '<34>1 2026-03-02T08:00:00Z host app - - - msg',
            '127.0.0.1 - - [02/Mar/2026:08:00:00 +0000] "GET / HTTP/1.1" 200 1',
            'CEF:0|a|b|1|2|name|5|src=10.0.0.1',
            sshFailure(NOW - 1000),
            '{"a":',
          ),
          { maxLength: 20 },
        ),
        format: fc.constantFrom('auto', 'syslog', 'access-log', 'cef', 'json'),
      }),
      fc.jsonValue({ maxDepth: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(body, async (payload) => {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/detect/ingest',
          headers: { ...admin, 'content-type': 'application/json' },
          payload: JSON.stringify(payload),
        });
        expect(res.statusCode, JSON.stringify(payload)).toBeLessThan(500);
        const json = res.json();
        if (res.statusCode === 200) expect(json.accepted + json.rejected.length).toBe(json.received);
        else expect(isErrorCode(json.code)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
