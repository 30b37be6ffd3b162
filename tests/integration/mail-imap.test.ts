/**
 * The reporting mailbox over real IMAP: Dovecot (Debian's dovecot-imapd) is started by the
 * test on loopback; reports forwarded as attachments and plain messages reach the triage
 * queue once. With VIGIE_REQUIRE_IMAP=1 (CI) a missing Dovecot is a failure, not a skip.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPlatform,
  imapConnection,
  pollReportingMailbox,
  startMailImapPolling,
} from '../../src/platform/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { type Dovecot, dovecotUnavailable, startDovecot } from '../support/dovecot.js';

const unavailable = dovecotUnavailable();
if (unavailable && process.env.VIGIE_REQUIRE_IMAP === '1') {
  throw new Error(`VIGIE_REQUIRE_IMAP=1 but ${unavailable}: the IMAP test would be skipped.`);
}
if (unavailable) console.warn(`[vigie tests] ${unavailable}: the reporting-mailbox IMAP test is skipped.`);

const crlf = (text: string) => text.replace(/\n/g, '\r\n');

const PHISH = crlf(`From: "Microsoft 365" <no-reply@rnicrosoft-secure.xyz>
To: alice@exemple.fr
Subject: Your mailbox will be suspended
Content-Type: text/html; charset=utf-8

<p>Verify your password within 24 hours: <a href="http://rnicrosoft-secure.xyz/login">https://login.microsoftonline.com</a></p>
`);

const FORWARDED_AS_ATTACHMENT = crlf(`From: Alice Martin <alice@exemple.fr>
To: reports@exemple.fr
Subject: FW: Your mailbox will be suspended
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="fw"

--fw
Content-Type: text/plain; charset=utf-8

This looks odd, can you check?
--fw
Content-Type: message/rfc822
Content-Disposition: attachment; filename="suspicious.eml"

${PHISH}
--fw--
`);

const PLAIN_REPORT = crlf(`From: Bob <bob@exemple.fr>
To: reports@exemple.fr
Subject: Is this real?
Content-Type: text/plain; charset=utf-8

Someone called asking for my badge number, is that normal?
`);

describe.skipIf(unavailable !== null)('reporting mailbox over IMAP (Dovecot)', () => {
  let dovecot: Dovecot;
  let store: Store;
  beforeAll(async () => {
    dovecot = await startDovecot();
    store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'vigie-imap-')) });
    const client = new ImapFlow({ ...imapConnection(dovecot.url), logger: false });
    await client.connect();
    await client.append('INBOX', FORWARDED_AS_ATTACHMENT);
    await client.append('INBOX', PLAIN_REPORT);
    await client.logout();
  }, 30_000);
  afterAll(async () => {
    await store?.close();
    await dovecot?.stop();
  });

  it('queues the attached original with the forwarder as reporter, and plain reports as they are, once', async () => {
    const platform = createPlatform(store);
    const first = await pollReportingMailbox({ url: dovecot.url, mailbox: 'INBOX', mail: platform.mail });
    expect(first).toEqual({ fetched: 2, queued: 2, duplicates: 0, failed: 0 });

    const items = await platform.mail.list({ limit: 10 });
    const phish = items.find((i) => i.subject === 'Your mailbox will be suspended');
    expect(phish).toMatchObject({ source: 'imap', reporter: 'alice@exemple.fr', verdict: 'phishing' });
    expect(phish?.findingId).toEqual(expect.any(String));
    expect(items.find((i) => i.subject === 'Is this real?')).toMatchObject({ source: 'imap', reporter: null });
    const audit = await store.audit.list({ limit: 10, action: 'mail.report' });
    expect(audit.map((e) => e.actor)).toEqual(['system', 'system']);

    // Processed messages are flagged seen: the next poll has nothing to do.
    const second = await pollReportingMailbox({ url: dovecot.url, mailbox: 'INBOX', mail: platform.mail });
    expect(second).toEqual({ fetched: 0, queued: 0, duplicates: 0, failed: 0 });
  });

  it('reports a wrong password or an unreachable server without throwing, and keeps polling', async () => {
    const platform = createPlatform(store);
    const problems: string[] = [];
    const wrong = dovecot.url.replace(dovecot.password, 'wrong-password');
    const polling = startMailImapPolling({
      url: wrong,
      mailbox: 'INBOX',
      mail: platform.mail,
      intervalMs: 60_000,
      onProblem: (p) => problems.push(p.reason),
    });
    expect(await polling.pollNow()).toBeUndefined();
    await polling.stop();
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join(' ')).not.toContain('wrong-password');
  });
});
