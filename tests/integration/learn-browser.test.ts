// Learn in a real browser: Chromium opens a tracked link, lands on the landing page, types a
// password and submits, sees the teaching page; the click and the submission are recorded and
// the typed password is found nowhere — not in any table, not in the database files, not in
// the server's log output.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPlatform, type OutgoingMessage, type Platform } from '../../src/platform/index.js';
import { buildApp } from '../../src/server/index.js';
import { openStore, type Store } from '../../src/store/index.js';

const CHROMIUM = '/usr/bin/chromium';
const TYPED = 'S3cret-Typed-In-Chromium-7731';
const actor = { actor: { kind: 'system' as const } };

describe.skipIf(!existsSync(CHROMIUM))('learn landing page in Chromium', () => {
  let dir: string;
  let store: Store;
  let platform: Platform;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  const logs: string[] = [];
  const outbox: OutgoingMessage[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-learn-browser-'));
    store = await openStore({ sqliteFile: join(dir, 'vigie.db') });
    platform = createPlatform(store, {
      learn: {
        publicUrl: 'http://placeholder.invalid',
        transport: {
          send: async (m) => {
            outbox.push(m);
            return { messageId: `<${outbox.length}@test>` };
          },
        },
      },
    });
    const stream = new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    });
    app = await buildApp({ platform, version: 'test', logger: { level: 'trace', stream } });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await store?.close();
  });

  test('click, landing, submission, teaching page — and the password stored nowhere', async () => {
    const { group } = await platform.learn.importGroup(
      'Browser',
      'email,first name,department\nmarie@acme.test,Marie,Finance\n',
      actor,
    );
    const campaign = await platform.learn.createCampaign(
      {
        name: 'Browser',
        groupId: group.id,
        templates: ['it-password-expiry'],
        schedule: {
          start: new Date(Date.now() - 3_600_000).toISOString(),
          end: new Date(Date.now() + 86_400_000).toISOString(),
          window: { days: [1, 2, 3, 4, 5, 6, 7], startHour: 0, endHour: 24 },
        },
        sender: { address: 'it@acme-support.test' },
      },
      actor,
    );
    await platform.learn.launch(campaign.id, actor);
    expect(await platform.learn.sendDue()).toMatchObject({ sent: 1 });
    const token = outbox[0]?.headers['X-Vigie-Simulation'] as string;
    expect(outbox[0]?.html).toContain(`/learn/t/${token}`);

    // Headless Chromium announces itself as HeadlessChrome, which the classifier rightly calls a
    // bot: the page is driven as a person's desktop browser would present itself.
    const context = await browser.newContext({
      locale: 'fr-FR',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
    });
    const page = await context.newPage();
    await page.goto(`${base}/learn/t/${token}`);
    await page.fill('input[name="email"]', 'marie@acme.test');
    await page.fill('input[name="password"]', TYPED);
    await Promise.all([page.waitForURL(`**/learn/t/${token}/lesson`), page.click('button[type="submit"]')]);
    const teaching = await page.textContent('#teaching');
    expect(teaching).toContain('C’était un exercice de phishing');
    expect(teaching).toContain('Ce qui aurait dû vous alerter');
    expect(await page.content()).not.toContain(TYPED);
    await context.close();

    const detail = await platform.learn.campaign(campaign.id);
    expect(detail.results.overall).toMatchObject({ sent: 1, clicked: 1, submitted: 1 });
    const clicks = await platform.learn.clicks(campaign.id);
    expect(clicks[0]?.verdict, JSON.stringify(clicks)).not.toBe('bot');

    // Every table, row by row, and the raw database files (WAL included).
    const sqlite = new Database(join(dir, 'vigie.db'), { readonly: true });
    const tables = sqlite.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[];
    expect(tables.map((t) => t.name)).toContain('learn_events');
    for (const { name } of tables) {
      const rows = JSON.stringify(sqlite.prepare(`select * from "${name}"`).all(), (_k, v) =>
        Buffer.isBuffer(v) ? v.toString('latin1') : v,
      );
      expect(rows.includes(TYPED), `table ${name}`).toBe(false);
    }
    sqlite.close();
    for (const file of readdirSync(dir)) {
      expect(readFileSync(join(dir, file)).includes(Buffer.from(TYPED)), file).toBe(false);
    }
    // The log saw the requests (so the check can fail), but never the password.
    const log = logs.join('');
    expect(log).toContain(`/learn/t/${token}`);
    expect(log).toContain('"method":"POST"');
    expect(log.includes(TYPED)).toBe(false);
    expect(log.includes(encodeURIComponent(TYPED))).toBe(false);
  }, 60_000);
});
