// Learn: a campaign sent over SMTP to a real server on loopback (smtp-server), then tracked:
// message content, tracking links and header, throttling, click → landing → submission,
// the reporting mailbox counting a forwarded simulation, results and CSV export.
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform, type Platform, smtpTransport } from '../../src/platform/index.js';
import { buildApp } from '../../src/server/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { sessionHeaders } from '../support/app.js';

const PASSWORD = 'correct-horse-battery-staple';
const TYPED = 'Hunter2-typed-in-landing!';

interface Received {
  readonly to: string;
  readonly raw: Buffer;
}

describe('learn campaign over real SMTP', () => {
  let smtp: SMTPServer;
  const received: Received[] = [];
  let store: Store;
  let platform: Platform;
  let app: FastifyInstance;
  let now = Date.parse('2026-03-02T09:00:00.000Z');
  let admin: Record<string, string>;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
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
    const port = (smtp.server.address() as AddressInfo).port;
    store = await openStore({ sqliteFile: join(mkdtempSync(join(tmpdir(), 'vigie-learn-')), 'vigie.db') });
    platform = createPlatform(store, {
      clock: () => new Date(now),
      learn: {
        publicUrl: 'https://vigie.test',
        transport: smtpTransport(`smtp://127.0.0.1:${port}?tls=off`),
        company: 'ACME',
      },
    });
    await platform.identity.createUser(
      { username: 'admin', role: 'admin', password: PASSWORD },
      { actor: { kind: 'system' } },
    );
    await platform.identity.createUser(
      { username: 'alice', role: 'learner', password: PASSWORD, department: 'Finance' },
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

  it('sends throttled, tracked messages and records what people do with them', async () => {
    const csv = [
      'email,first name,last name,department,role,language',
      'alice@acme.test,Alice,Martin,Finance,Accountant,fr',
      'bob@acme.test,Bob,Durand,Finance,Accountant,en',
      'carol@acme.test,Carol,Petit,Sales,Seller,en',
      'dan@acme.test,Dan,Roux,Sales,Seller,en',
      'erin@acme.test,Erin,Blanc,IT,Engineer,en',
      'not-an-address,X,Y,IT,Engineer,en',
    ].join('\n');
    const group = await app.inject({
      method: 'POST',
      url: '/api/learn/groups',
      headers: admin,
      payload: { name: 'Staff', csv },
    });
    expect(group.statusCode, group.body).toBe(200);
    expect(group.json().group.targets).toBe(5);
    expect(group.json().problems).toEqual([{ line: 7, reason: expect.stringContaining('invalid e-mail') }]);

    const created = await app.inject({
      method: 'POST',
      url: '/api/learn/campaigns',
      headers: admin,
      payload: {
        name: 'March',
        groupId: group.json().group.id,
        templates: ['it-password-expiry'],
        schedule: {
          start: '2026-03-02T09:00:00Z',
          end: '2026-03-20T17:00:00Z',
          window: { days: [1, 2, 3, 4, 5], startHour: 0, endHour: 24 },
          perMinute: 2,
        },
        sender: { address: 'it-support@acme-helpdesk.test' },
      },
    });
    expect(created.statusCode, created.body).toBe(200);
    const id = created.json().id as string;
    const launched = await app.inject({ method: 'POST', url: `/api/learn/campaigns/${id}/launch`, headers: admin });
    expect(launched.json()).toMatchObject({ status: 'running', sends: { pending: 5 } });

    // Ten minutes later every send is due, but the throttle lets two go per minute.
    now += 10 * 60_000;
    expect(await platform.learn.sendDue()).toMatchObject({ sent: 2, failed: 0 });
    expect(received).toHaveLength(2);
    expect(await platform.learn.sendDue()).toMatchObject({ sent: 0 });
    now += 61_000;
    expect(await platform.learn.sendDue()).toMatchObject({ sent: 2 });
    now += 61_000;
    expect(await platform.learn.sendDue()).toMatchObject({ sent: 1 });
    expect(received).toHaveLength(5);
    expect(new Set(received.map((r) => r.to)).size).toBe(5);

    const toAlice = received.find((r) => r.to === 'alice@acme.test') as Received;
    const mail = await simpleParser(toAlice.raw);
    expect(mail.subject).toContain('votre mot de passe expire');
    expect(mail.from?.value[0]?.address).toBe('it-support@acme-helpdesk.test');
    const token = String(mail.headers.get('x-vigie-simulation'));
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(mail.text).toContain('Bonjour Alice');
    expect(mail.text).toContain(`https://vigie.test/learn/t/${token}`);
    expect(String(mail.html)).toContain(`href="https://vigie.test/learn/t/${token}"`);
    expect(String(mail.html)).toContain(`https://vigie.test/learn/t/${token}/o.gif`);
    expect(String(mail.html)).toContain(`https://vigie.test/learn/t/${token}/report`);
    // The token is stored only as its digest.
    const dump = JSON.stringify(await store.db.selectFrom('learn_sends').selectAll().execute());
    expect(dump).not.toContain(token);

    // Alice opens, clicks from a browser, types a password, submits.
    const browser = {
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36',
      'accept-language': 'fr',
    };
    now += 120_000;
    expect((await app.inject({ url: `/learn/t/${token}/o.gif`, headers: browser })).headers['content-type']).toBe(
      'image/gif',
    );
    const landing = await app.inject({ url: `/learn/t/${token}`, headers: browser });
    expect(landing.statusCode).toBe(200);
    expect(landing.body).toContain('type="password"');
    expect(landing.body).toContain(`action="/learn/t/${token}"`);
    const submitted = await app.inject({
      method: 'POST',
      url: `/learn/t/${token}`,
      headers: { ...browser, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `email=alice%40acme.test&password=${encodeURIComponent(TYPED)}`,
    });
    expect(submitted.statusCode).toBe(303);
    const lesson = await app.inject({ url: submitted.headers.location as string, headers: browser });
    expect(lesson.body).toContain('C’était un exercice de phishing');
    expect(lesson.body).not.toContain(TYPED);

    // A link scanner at Bob's gateway: HEAD request with a scanner's user agent.
    const toBob = await simpleParser((received.find((r) => r.to === 'bob@acme.test') as Received).raw);
    const bobToken = String(toBob.headers.get('x-vigie-simulation'));
    await app.inject({
      method: 'HEAD',
      url: `/learn/t/${bobToken}`,
      headers: { 'user-agent': 'Proofpoint URL Defense' },
    });

    // Carol forwards hers as an attachment to the reporting mailbox.
    const toCarol = received.find((r) => r.to === 'carol@acme.test') as Received;
    expect(await platform.learn.claimMailboxReport(toCarol.raw)).toBe(true);
    expect(await platform.learn.claimMailboxReport(Buffer.from('Subject: hello\r\n\r\nnothing here'))).toBe(false);

    const detail = (await app.inject({ url: `/api/learn/campaigns/${id}`, headers: admin })).json();
    expect(detail.results.overall).toMatchObject({ sent: 5, clicked: 1, submitted: 1, reported: 1, botClicks: 1 });
    const clicks = (await app.inject({ url: `/api/learn/campaigns/${id}/clicks`, headers: admin })).json();
    expect(clicks.find((c: { email: string }) => c.email === 'bob@acme.test').verdict).toBe('bot');
    expect(clicks.find((c: { email: string }) => c.email === 'alice@acme.test').verdict).not.toBe('bot');
    const events = await store.db.selectFrom('learn_events').selectAll().where('type', '=', 'submitted').execute();
    expect(events.map((e) => JSON.parse(e.fields ?? '[]'))).toEqual([['email', 'password']]);

    const csvRes = await app.inject({ url: `/api/learn/campaigns/${id}/results.csv?kind=summary`, headers: admin });
    expect(csvRes.headers['content-type']).toContain('text/csv');
    expect(csvRes.body.split('\n')[0]).toContain('Department');
    expect(csvRes.body).toContain('Finance');

    // Alice's account got the click's micro-module assigned, with the reason.
    const alice = sessionHeaders(
      await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password: PASSWORD } }),
    );
    const me = (await app.inject({ url: '/api/learn/me', headers: alice })).json();
    expect(me.next.kind).toBe('assigned');
    expect(me.assignments.map((a: { signal: string }) => a.signal)).toContain('simulation.submitted');

    // The audit trail holds the admin's campaign actions.
    const audit = (await app.inject({ url: '/api/audit?limit=50', headers: admin })).json();
    const actions = JSON.stringify(audit);
    expect(actions).toContain('learn.group.import');
    expect(actions).toContain('learn.campaign.launch');
    expect(actions).not.toContain(TYPED);
  });

  it('never sends twice after a crash between claim and delivery', async () => {
    const before = received.length;
    // A send claimed but never finished (the process died during the SMTP conversation).
    await store.db
      .updateTable('learn_sends')
      .set({ status: 'sending' })
      .where('email', '=', 'erin@acme.test')
      .execute();
    expect(await platform.learn.recoverInterrupted()).toBe(1);
    now += 3_600_000;
    await platform.learn.sendDue();
    expect(received.length).toBe(before);
    const erin = await store.db.selectFrom('learn_sends').selectAll().where('email', '=', 'erin@acme.test').execute();
    expect(erin[0]?.status).toBe('interrupted');
  });
});
