import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../../tests/support/app.js';

const eml = (text: string) => Buffer.from(text.replace(/\n/g, '\r\n'), 'utf8');

const PHISH = eml(`From: "Microsoft 365" <no-reply@rnicrosoft-secure.xyz>
To: marie.dupont@exemple.fr
Subject: Action required: your mailbox will be suspended
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<p>Your password expires today. Verify your identity within 24 hours or your mailbox will be suspended.</p>
<p><a href="http://rnicrosoft-secure.xyz/login/verify.php">https://login.microsoftonline.com</a></p>
`);

const NEWSLETTER = eml(`From: Paul Martin <paul.martin@exemple.fr>
To: marie.dupont@exemple.fr
Subject: Notes from Tuesday
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Hi Marie, here are my notes from Tuesday's meeting: release moved to the 14th, two more test
machines for the build team. Could you check section 3 before Friday? Thanks, Paul
`);

const raw = (headers: Record<string, string>) => ({ ...headers, 'content-type': 'message/rfc822' });

describe('Mail API', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp();
  });
  afterEach(() => t.close());

  it('analyses a raw message without keeping it', async () => {
    const learner = await t.as('learner');
    const res = await t.app.inject({ method: 'POST', url: '/api/mail/analyze', headers: raw(learner), payload: PHISH });
    expect(res.statusCode).toBe(200);
    const analysis = res.json();
    expect(analysis.verdict).toBe('phishing');
    expect(analysis.reasons[0]).toMatchObject({ message: { fr: expect.any(String), en: expect.any(String) } });
    const admin = await t.as('admin');
    const queue = await t.app.inject({ method: 'GET', url: '/api/mail/reports', headers: admin });
    expect(queue.json().items).toEqual([]);
  });

  it('refuses a body that is not a message, with a clear error', async () => {
    const learner = await t.as('learner');
    const json = await t.app.inject({
      method: 'POST',
      url: '/api/mail/analyze',
      headers: learner,
      payload: { raw: 'x' },
    });
    expect(json.statusCode).toBe(400);
    expect(json.json().message).toContain('message/rfc822');
    const empty = await t.app.inject({ method: 'POST', url: '/api/mail/reports', headers: raw(learner), payload: '' });
    expect(empty.statusCode).toBe(400);
    const text = await t.app.inject({
      method: 'POST',
      url: '/api/mail/analyze',
      headers: raw(learner),
      payload: 'hello world\nthis is not a mail\n',
    });
    expect(text.statusCode).toBe(400);
    expect(text.json()).toMatchObject({ details: { reason: 'mail.not_a_message' } });
    expect(text.json().message).toContain('no header fields');
  });

  it('queues reported messages with a finding, once per message, and audits the report', async () => {
    const learner = await t.as('learner');
    const first = await t.app.inject({
      method: 'POST',
      url: '/api/mail/reports',
      headers: raw(learner),
      payload: PHISH,
    });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ duplicate: false, item: { source: 'upload', verdict: 'phishing' } });
    expect(first.json().item.findingId).toEqual(expect.any(String));
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/mail/reports',
      headers: raw(learner),
      payload: PHISH,
    });
    expect(again.json()).toMatchObject({ duplicate: true, item: { id: first.json().item.id } });
    await t.app.inject({ method: 'POST', url: '/api/mail/reports', headers: raw(learner), payload: NEWSLETTER });

    const analyst = await t.as('analyst');
    const queue = (await t.app.inject({ method: 'GET', url: '/api/mail/reports', headers: analyst })).json();
    expect(queue.items).toHaveLength(2);
    expect(queue.counts.reduce((n: number, c: { total: number }) => n + c.total, 0)).toBe(2);
    const phishing = (
      await t.app.inject({ method: 'GET', url: '/api/mail/reports?verdict=phishing', headers: analyst })
    ).json();
    expect(phishing.items.map((i: { id: string }) => i.id)).toEqual([first.json().item.id]);

    const detail = (
      await t.app.inject({ method: 'GET', url: `/api/mail/reports/${first.json().item.id}`, headers: analyst })
    ).json();
    expect(detail.analysis.indicators.domains).toContain('rnicrosoft-secure.xyz');
    // The reporter by name, not by id.
    expect(detail.reporterName).toEqual(expect.any(String));
    expect(detail.reporterName).not.toBe(detail.reporter);

    const download = await t.app.inject({
      method: 'GET',
      url: `/api/mail/reports/${first.json().item.id}/raw`,
      headers: analyst,
    });
    expect(download.headers['content-disposition']).toContain('attachment');
    expect(download.rawPayload.equals(PHISH)).toBe(true);

    const findings = (await t.app.inject({ method: 'GET', url: '/api/findings', headers: analyst })).json();
    expect(findings.items.some((f: { module: string }) => f.module === 'mail')).toBe(true);
    const audit = (
      await t.app.inject({ method: 'GET', url: '/api/audit?action=mail.report', headers: await t.as('auditor') })
    ).json();
    expect(audit.items).toHaveLength(2);
  });

  it('keeps one item when the same message is reported twice at the same instant', async () => {
    const context = { actor: { kind: 'system' as const } };
    const both = await Promise.all([
      t.platform.mail.report(PHISH, { source: 'api', reporter: null }, context),
      t.platform.mail.report(PHISH, { source: 'imap', reporter: null }, context),
    ]);
    expect(both.map((r) => r.duplicate).sort()).toEqual([false, true]);
    expect(both[0]?.item.id).toBe(both[1]?.item.id);
    expect(await t.platform.mail.list({ limit: 10 })).toHaveLength(1);
  });

  it("records analysts' verdicts, learns from them visibly, and can go back to the shipped model", async () => {
    const analyst = await t.as('analyst');
    const reported = await t.app.inject({
      method: 'POST',
      url: '/api/mail/reports',
      headers: raw(analyst),
      payload: NEWSLETTER,
    });
    const id = reported.json().item.id;
    const verdict = await t.app.inject({
      method: 'PUT',
      url: `/api/mail/reports/${id}/verdict`,
      headers: analyst,
      payload: { verdict: 'legitimate', note: 'internal notes' },
    });
    expect(verdict.json().item).toMatchObject({ analystVerdict: 'legitimate', analystNote: 'internal notes' });
    expect(verdict.json().item.analystName).toEqual(expect.any(String));
    const open = (await t.app.inject({ method: 'GET', url: '/api/mail/reports?status=open', headers: analyst })).json();
    expect(open.items).toEqual([]);

    const admin = await t.as('admin');
    const learnt = await t.app.inject({ method: 'POST', url: '/api/mail/models/learn', headers: admin });
    expect(learnt.statusCode).toBe(200);
    const result = learnt.json();
    expect(result.model).toMatchObject({ examples: 1, active: true, shipped: false });
    expect(result.agreementAfter).toBeGreaterThanOrEqual(result.agreementBefore);
    const models = (await t.app.inject({ method: 'GET', url: '/api/mail/models', headers: admin })).json().items;
    expect(models.filter((m: { active: boolean }) => m.active)).toEqual([
      expect.objectContaining({ version: result.model.version }),
    ]);

    // New analyses use the learnt version...
    const after = (
      await t.app.inject({ method: 'POST', url: '/api/mail/analyze', headers: raw(admin), payload: NEWSLETTER })
    ).json();
    expect(after.modelVersion).toBe(result.model.version);
    // ...until an administrator goes back to the shipped one.
    const shipped = models.find((m: { shipped: boolean }) => m.shipped).version;
    const back = await t.app.inject({
      method: 'PUT',
      url: '/api/mail/models/active',
      headers: admin,
      payload: { version: shipped },
    });
    expect(back.json().items.find((m: { active: boolean }) => m.active).shipped).toBe(true);
    const again = (
      await t.app.inject({ method: 'POST', url: '/api/mail/analyze', headers: raw(admin), payload: NEWSLETTER })
    ).json();
    expect(again.modelVersion).toBe(shipped);

    const audit = (await t.app.inject({ method: 'GET', url: '/api/audit', headers: admin })).json();
    const actions = audit.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['mail.verdict', 'mail.model.learn', 'mail.model.activate']));
  });

  it("turns an analyst's verdict on an employee's report into training: points, and the lure's module", async () => {
    const learner = await t.as('learner');
    const analyst = await t.as('analyst');
    const report = await t.app.inject({
      method: 'POST',
      url: '/api/mail/reports',
      headers: raw(learner),
      payload: PHISH,
    });
    const before = (await t.app.inject({ method: 'GET', url: '/api/learn/me', headers: learner })).json();
    await t.app.inject({
      method: 'PUT',
      url: `/api/mail/reports/${report.json().item.id}/verdict`,
      headers: analyst,
      payload: { verdict: 'phishing' },
    });
    const after = (await t.app.inject({ method: 'GET', url: '/api/learn/me', headers: learner })).json();
    expect(after.stats.points).toBeGreaterThan(before.stats.points);
    const assigned = after.assignments.find((a: { signal: string }) => a.signal === 'mail.phishing-delivered');
    expect(assigned?.reason.en).toMatch(/real phishing message reached your mailbox/);
    // The same verdict again changes nothing: one report, counted once.
    await t.app.inject({
      method: 'PUT',
      url: `/api/mail/reports/${report.json().item.id}/verdict`,
      headers: analyst,
      payload: { verdict: 'phishing' },
    });
    const again = (await t.app.inject({ method: 'GET', url: '/api/learn/me', headers: learner })).json();
    expect(again.stats.points).toBe(after.stats.points);
  });

  it('refuses to learn with no verdict, and to activate an unknown version', async () => {
    const admin = await t.as('admin');
    const learn = await t.app.inject({ method: 'POST', url: '/api/mail/models/learn', headers: admin });
    expect(learn.json().code).toBe('VIGIE_ERR_CONFLICT');
    const activate = await t.app.inject({
      method: 'PUT',
      url: '/api/mail/models/active',
      headers: admin,
      payload: { version: 'nope' },
    });
    expect(activate.statusCode).toBe(404);
  });

  it('keeps validated settings, audited, and uses them in verdicts', async () => {
    const admin = await t.as('admin');
    const bad = await t.app.inject({
      method: 'PUT',
      url: '/api/mail/settings',
      headers: admin,
      payload: { organisationDomains: ['not a domain'] },
    });
    expect(bad.statusCode).toBe(400);
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/mail/settings',
      headers: admin,
      payload: { organisationDomains: ['Exemple.FR'], vipNames: ['Marie Dupont'] },
    });
    expect(put.json().settings).toMatchObject({
      organisationDomains: ['exemple.fr'],
      vipNames: ['Marie Dupont'],
      extraBrands: [],
    });
    const get = (await t.app.inject({ method: 'GET', url: '/api/mail/settings', headers: admin })).json();
    expect(get).toMatchObject({
      settings: { organisationDomains: ['exemple.fr'] },
      updatedBy: expect.stringContaining('user:'),
    });

    const impersonation = eml(`From: "Marie Dupont" <marie.dupont.pdg@gmail.com>
To: compta@exemple.fr
Subject: Virement urgent
Content-Type: text/plain; charset=utf-8

Pouvez-vous faire un virement aujourd'hui ? Je suis en réunion, restez discret.
`);
    const analysis = (
      await t.app.inject({ method: 'POST', url: '/api/mail/analyze', headers: raw(admin), payload: impersonation })
    ).json();
    expect(analysis.reasons.map((r: { code: string }) => r.code)).toContain('mail.sender.vip_impersonation');
  });
});
