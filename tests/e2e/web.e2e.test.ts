// Browser test of the web app against the real platform: sign-in, posture, languages, each section, sign-out.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { SSH_RULE, sshFailure } from '../support/detect.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const WEB_INDEX = join(REPO_ROOT, 'web', 'dist', 'index.html');
const SCREENSHOTS = join(REPO_ROOT, 'screenshots');
const ADMIN_PASSWORD = 'e2e-correct-horse-battery-42';
const STEP_TIMEOUT = 15_000;

/** Messages for the Mail scenario, built here so the test shows exactly what the engine is given. */
const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');
const PHISH_EML = crlf(`From: "Microsoft 365" <no-reply@rnicrosoft-secure.xyz>
To: marie.dupont@exemple.fr
Subject: Action required: your mailbox will be suspended
Date: Tue, 12 Mar 2024 08:12:00 +0000
Message-ID: <e2e-phish-1@rnicrosoft-secure.xyz>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<p>Your password expires today. Verify your identity within 24 hours or your mailbox will be suspended.</p>
<p><a href="http://rnicrosoft-secure.xyz/login/verify.php?session=8f14e45fceea167a5a36dedd4bea2543&amp;user=marie.dupont%40exemple.fr&amp;next=%2Fowa%2Fauth%2Fverify%3Fstep%3D2%26lang%3Den-US%26client%3Doutlook-web-access">https://login.microsoftonline.com</a></p>
`);
const INVOICE_EML = crlf(`From: Comptabilite <factures@fournisseur-paiements.top>
To: marie.dupont@exemple.fr
Subject: Facture impayée n° 2024-0457 — relance
Date: Wed, 13 Mar 2024 09:30:00 +0000
Message-ID: <e2e-invoice-1@fournisseur-paiements.top>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

Bonjour, votre facture est impayée. Ouvrez la pièce jointe et réglez sous 48 heures pour éviter des pénalités.
--b1
Content-Type: text/html; name="Facture_2024-0457.html"
Content-Disposition: attachment; filename="Facture_2024-0457.html"
Content-Transfer-Encoding: base64

${Buffer.from('<html><body><form action="http://fournisseur-paiements.top/pay"><input type="password" name="p"></form></body></html>').toString('base64')}
--b1--
`);
const NOTES_EML = crlf(`From: Paul Martin <paul.martin@exemple.fr>
To: marie.dupont@exemple.fr
Subject: Notes from Tuesday
Date: Thu, 14 Mar 2024 10:00:00 +0000
Message-ID: <e2e-notes-1@exemple.fr>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Hi Marie, here are my notes from Tuesday's meeting: release moved to the 14th, two more test
machines for the build team. Could you check section 3 before Friday? Thanks, Paul
`);
const LEARNER = { username: 'e2e.learner', password: 'learner-pass-phrase-2024!', displayName: 'Marie Dupont' };
const ANALYST = { username: 'e2e.soc', password: 'soc-pass-phrase-2024!', displayName: 'Sam SOC' };
const AUDITOR = { username: 'e2e.auditor', password: 'audit-pass-phrase-2024!', displayName: 'Alex Audit' };

function missingPrerequisite(): string | null {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install chromium)`;
  if (!existsSync(WEB_INDEX)) return 'web/dist/index.html is missing (run npm run build:web)';
  return null;
}

const missing = missingPrerequisite();
const requireBrowser = process.env.VIGIE_REQUIRE_BROWSER === '1';

if (missing && requireBrowser) {
  describe('web e2e prerequisites', () => {
    test('browser and built web app are present (VIGIE_REQUIRE_BROWSER=1)', () => {
      throw new Error(`Cannot run the browser test: ${missing}`);
    });
  });
}

/** Asks the OS for a free loopback port, then releases it for the server to take. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(baseUrl: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`vigie serve exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${baseUrl}/healthz`);
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`vigie serve did not answer /healthz within 30 s:\n${output()}`);
}

describe.skipIf(missing !== null)(`web app in a real browser${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let server: ChildProcess | undefined;
  let dataDir = '';
  let baseUrl = '';
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let serverOutput = '';

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'vigie-e2e-'));
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, ['bin/vigie.js', 'serve'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        VIGIE_DATA_DIR: dataDir,
        VIGIE_PORT: String(port),
        VIGIE_HOST: '127.0.0.1',
        VIGIE_ADMIN_PASSWORD: ADMIN_PASSWORD,
        VIGIE_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Kept (bounded) to explain a failed start.
    const keep = (chunk: Buffer): void => {
      serverOutput = (serverOutput + chunk.toString('utf8')).slice(-8000);
    };
    server.stdout?.on('data', keep);
    server.stderr?.on('data', keep);
    await waitForHealth(baseUrl, server, () => serverOutput);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
    context = await browser.newContext({ locale: 'en-US', baseURL: baseUrl, viewport: { width: 1366, height: 900 } });
    context.setDefaultTimeout(STEP_TIMEOUT);
    page = await context.newPage();
  }, 60_000);

  afterAll(async () => {
    for (const opened of people) await opened.close();
    await context?.close();
    await browser?.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.once('exit', resolve));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 20_000);

  const shot = (name: string): Promise<Buffer> =>
    page.screenshot({ path: join(SCREENSHOTS, `web-${name}.png`), fullPage: true });
  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });
  const nav = () => page.getByRole('navigation', { name: 'Main navigation' });

  // One browser context per person, so each keeps their own session cookie and language.
  const people: BrowserContext[] = [];
  async function openAs(
    username: string,
    password: string,
    locale: string,
    viewport = { width: 1366, height: 900 },
  ): Promise<Page> {
    if (!browser) throw new Error('no browser');
    const created = await browser.newContext({ locale, baseURL: baseUrl, viewport });
    created.setDefaultTimeout(STEP_TIMEOUT);
    people.push(created);
    const signedIn = await created.newPage();
    await signedIn.goto('/');
    await signedIn.getByLabel('User name').fill(username);
    await signedIn.getByLabel('Password').fill(password);
    await signedIn.getByRole('button', { name: 'Sign in' }).click();
    await signedIn.getByRole('button', { name: /^(Log out|Se déconnecter)$/ }).waitFor();
    return signedIn;
  }

  test('shows the sign-in page, and Tab reaches the skip link first', async () => {
    await page.goto('/');
    await heading('Sign in to Vigie').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Skip to main content');
    await shot('01-login');
  });

  test('refuses a wrong password with an explanation', async () => {
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill('definitely-not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Wrong user name or password.');
    await shot('02-login-error');
  });

  test('signs in and shows the posture', async () => {
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Organisation posture').waitFor();
    await page.getByRole('heading', { level: 2, name: 'Users' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Findings' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Modules' }).waitFor();
    // A fresh platform has no findings: the card explains what will bring them.
    expect(await page.locator('main').textContent()).toContain('No findings yet.');
    await shot('03-home');
  });

  test('switches to French and back', async () => {
    await page.getByLabel('Language / Langue').selectOption('fr');
    await heading("Posture de l'organisation").waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    expect(await page.getByRole('button', { name: 'Se déconnecter' }).count()).toBe(1);
    await shot('04-home-fr');
    await page.getByLabel('Language / Langue').selectOption('en');
    await heading('Organisation posture').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
  });

  test('Tab from the start of a signed-in page reaches the skip link first', async () => {
    await page.reload();
    await heading('Organisation posture').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Skip to main content');
    await page.keyboard.press('Enter');
    expect(await page.locator(':focus').getAttribute('id')).toBe('main');
  });

  test('Users: lists accounts and creates one', async () => {
    await nav().getByRole('link', { name: 'Users' }).click();
    await heading('Users').waitFor();
    await page.getByRole('row', { name: /admin/ }).first().waitFor();
    await page.getByRole('button', { name: 'Create a user' }).click();
    await page.getByLabel('User name').fill('e2e.analyst');
    await page.getByLabel('Display name').fill('E2E Analyst');
    await page.getByLabel('Role').selectOption('analyst');
    await page.getByLabel('Department').fill('SOC');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByText('User e2e.analyst created.').waitFor();
    const row = page.getByRole('row', { name: /e2e\.analyst/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('Analyst');
    // No password was typed: the server generates one, shown once.
    if ((await page.getByTestId('secret-value').count()) > 0) {
      expect((await page.getByTestId('secret-value').textContent())?.length ?? 0).toBeGreaterThanOrEqual(12);
    }
    await shot('05-users');
  });

  test('API tokens: creates a token and shows its secret once', async () => {
    await nav().getByRole('link', { name: 'API tokens' }).click();
    await heading('API tokens').waitFor();
    await page.getByRole('button', { name: 'Create a token' }).click();
    await page.getByLabel('Name', { exact: true }).fill('e2e-token');
    await page.getByRole('checkbox', { name: /posture:read/ }).check();
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = page.getByTestId('secret-value');
    await secret.waitFor();
    const value = (await secret.textContent()) ?? '';
    expect(value.length).toBeGreaterThan(16);
    expect(await page.getByText('it will not be shown again').count()).toBe(1);
    await page.getByRole('row', { name: /e2e-token/ }).waitFor();
    await shot('06-tokens-secret');
    await page.getByRole('button', { name: 'I have saved it' }).click();
    expect(await page.getByTestId('secret-value').count()).toBe(0);
    expect(await page.locator('body').textContent()).not.toContain(value);
    await shot('07-tokens');
  });

  test('Audit log: lists entries and verifies the chain', async () => {
    await nav().getByRole('link', { name: 'Audit log' }).click();
    await heading('Audit log').waitFor();
    await page.locator('table tbody tr').first().waitFor();
    await page.getByRole('button', { name: 'Verify chain' }).click();
    const result = page.getByTestId('chain-result');
    await result.waitFor();
    expect(await result.textContent()).toMatch(/^Chain verified: \d+ entries, all intact\./);
    // The head is shown so that an auditor can pin it outside Vigie.
    expect(await result.locator('code').textContent()).toMatch(/^\d+:[0-9a-f]{64}$/);
    await shot('08-audit');
  });

  test('My account: shows profile, password form and permissions', async () => {
    await nav().getByRole('link', { name: 'My account' }).click();
    await heading('My account').waitFor();
    await page.getByRole('heading', { level: 2, name: 'Change my password' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'My permissions' }).waitFor();
    expect(await page.locator('main').textContent()).toContain('users:write');
    await shot('09-account');
  });

  test('Sense: explains how to send data, then lists a device, charts it and lists alerts', async () => {
    await nav().getByRole('link', { name: 'Sense' }).click();
    await heading('Sense — devices').waitFor();
    // A fresh platform has no device: the page says how to send readings.
    await page.getByText('No device has sent data yet.').waitFor();
    expect(await page.locator('main').textContent()).toContain('vigie/sense/<device>/<series>');
    await shot('09a-sense-empty');

    // Readings go in through the API with the page's own session: a steady daily-like wave, then one spike.
    const posted = await page.evaluate(async () => {
      const session = (await (await fetch('/api/auth/session')).json()) as { csrfToken: string };
      const start = Date.now() - 300 * 60_000;
      const readings = Array.from({ length: 300 }, (_, i) => ({
        device: 'e2e-boiler',
        series: 'temperature',
        timestamp: new Date(start + i * 60_000).toISOString(),
        value: 20 + Math.sin(i / 20) + (i % 7) * 0.05 + (i === 280 ? 15 : 0),
      }));
      const response = await fetch('/api/sense/readings', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify({ readings }),
      });
      return { status: response.status, body: (await response.json()) as { accepted?: number } };
    });
    expect(posted.status).toBe(200);
    expect(posted.body.accepted).toBe(300);

    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByRole('row', { name: /e2e-boiler/ }).waitFor();
    await page.getByRole('link', { name: 'e2e-boiler' }).click();
    await heading(/e2e-boiler/).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Series temperature' }).waitFor();
    await page.locator('.sense-chart canvas').first().waitFor();
    // The chart's text alternative: a summary, and the anomalies as a table on demand.
    expect(await page.locator('.chart-summary').first().textContent()).toMatch(/^300 readings from .+ anomal/);
    await page.getByRole('button', { name: 'Show data as table' }).click();
    await page.getByRole('radio', { name: 'Anomalies only' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Alerts of this device' }).waitFor();
    await shot('09b-sense-device');

    await page.getByRole('navigation', { name: 'Sense views' }).getByRole('link', { name: 'Alerts' }).click();
    await heading('Sense — alerts').waitFor();
    // Whatever fired (a new device, the spike), the alert names the device and links to it.
    await page.getByRole('link', { name: 'e2e-boiler' }).first().waitFor();
    await shot('09c-sense-alerts');
  });

  describe('Mail', () => {
    let learner: Page;
    let analyst: Page;

    async function signInAs(account: typeof LEARNER, locale: string): Promise<Page> {
      const signedIn = await openAs(account.username, account.password, locale);
      await signedIn.getByRole('banner').getByText(account.displayName, { exact: true }).waitFor();
      return signedIn;
    }

    const mailShot = (on: Page, name: string): Promise<Buffer> =>
      on.screenshot({ path: join(SCREENSHOTS, `web-${name}.png`), fullPage: true });

    test('an administrator creates an employee and an analyst', async () => {
      const results = await page.evaluate(
        async (accounts) => {
          const session = (await (await fetch('/api/auth/session')).json()) as { csrfToken: string };
          const statuses: number[] = [];
          for (const account of accounts) {
            const response = await fetch('/api/users', {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
              body: JSON.stringify(account),
            });
            statuses.push(response.status);
          }
          return statuses;
        },
        [
          { ...LEARNER, role: 'learner' },
          { ...ANALYST, role: 'analyst' },
          { ...AUDITOR, role: 'auditor' },
        ],
      );
      expect(results.every((status) => status === 200 || status === 201)).toBe(true);
    });

    test('an employee drops a phishing message, reads why, and reports it', async () => {
      learner = await signInAs(LEARNER, 'en-US');
      // An employee sees only what they may use: reporting, not triage or settings.
      const learnerNav = learner.getByRole('navigation', { name: 'Main navigation' });
      await learnerNav.getByRole('link', { name: 'Analyse a message' }).click();
      await learner.getByRole('heading', { level: 1, name: 'Analyse a message' }).waitFor();
      expect(await learnerNav.getByRole('link', { name: 'Triage' }).count()).toBe(0);
      expect(await learnerNav.getByRole('link', { name: 'Settings' }).count()).toBe(0);
      await mailShot(learner, '11-mail-analyse-empty');

      // Drop the file on the zone, as from a mail program or the desktop.
      const dataTransfer = await learner.evaluateHandle((text) => {
        // Runs in the page; the Node-side type-check has no DOM types, hence the cast.
        const Transfer = (globalThis as unknown as { DataTransfer: new () => { items: { add(file: File): void } } })
          .DataTransfer;
        const transfer = new Transfer();
        transfer.items.add(new File([text], 'suspicious.eml', { type: 'message/rfc822' }));
        return transfer;
      }, PHISH_EML);
      await learner.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });
      const analysis = learner.getByTestId('mail-analysis');
      await analysis.waitFor();
      await learner.getByRole('heading', { level: 2, name: /Verdict: Phishing/ }).waitFor();
      // The verdict is focused as it arrives, so a screen reader reads it first.
      expect(await learner.locator(':focus').textContent()).toContain('Phishing');
      const text = (await analysis.textContent()) ?? '';
      expect(text).toContain('A link shows one address but leads to another site');
      expect(text).toContain('rnicrosoft-secure.xyz');
      expect(text).toContain('T1566.002');
      // Links are shown as text, never as something to click.
      expect(await analysis.locator('a[href*="rnicrosoft"]').count()).toBe(0);
      await mailShot(learner, '12-mail-analyse-result');

      await learner.getByRole('button', { name: 'Report to the security team' }).click();
      const reported = learner.getByTestId('report-result');
      await reported.waitFor();
      expect(await reported.textContent()).toContain('Reported. Thank you');
      // An employee cannot open the triage queue, so no link to it is offered.
      expect(await reported.getByRole('link').count()).toBe(0);
      await mailShot(learner, '13-mail-reported');

      // The same message again is recognised, and two more are reported through the same API.
      const again = await learner.evaluate(
        async (messages) => {
          const session = (await (await fetch('/api/auth/session')).json()) as { csrfToken: string };
          const out: { duplicate: boolean }[] = [];
          for (const message of messages) {
            const response = await fetch('/api/mail/reports', {
              method: 'POST',
              headers: { 'content-type': 'message/rfc822', 'x-csrf-token': session.csrfToken },
              body: new Blob([message]),
            });
            out.push((await response.json()) as { duplicate: boolean });
          }
          return out;
        },
        [PHISH_EML, INVOICE_EML, NOTES_EML],
      );
      expect(again.map((result) => result.duplicate)).toEqual([true, false, false]);

      // In French, the same analysis in French.
      await learner.getByLabel('Language / Langue').selectOption('fr');
      await learner.getByRole('heading', { level: 2, name: /Verdict : Hameçonnage/ }).waitFor();
      expect(await analysis.textContent()).toContain('Un lien affiche une adresse mais mène vers un autre site');
      await mailShot(learner, '14-mail-analyse-result-fr');

      // A file that holds no message (a note saved as text) is said to be none, in French too.
      const notes = await learner.evaluateHandle(() => {
        const Transfer = (globalThis as unknown as { DataTransfer: new () => { items: { add(file: File): void } } })
          .DataTransfer;
        const transfer = new Transfer();
        transfer.items.add(new File(['hello world\nthis is not a mail\n'], 'notes.txt', { type: 'text/plain' }));
        return transfer;
      });
      await learner.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer: notes });
      await learner.getByRole('alert').filter({ hasText: "notes.txt n'est pas un message électronique" }).waitFor();
      expect(await learner.getByTestId('mail-analysis').count()).toBe(0);
      await mailShot(learner, '14b-mail-not-a-message-fr');
    });

    test('an analyst triages the queue and confirms the phishing', async () => {
      analyst = await signInAs(ANALYST, 'en-US');
      const analystNav = analyst.getByRole('navigation', { name: 'Main navigation' });
      await analystNav.getByRole('link', { name: 'Triage' }).click();
      await analyst.getByRole('heading', { level: 1, name: 'Mail — triage' }).waitFor();
      const row = analyst.getByRole('row', { name: /your mailbox will be suspended/ });
      await row.waitFor();
      expect(await row.textContent()).toContain('Phishing');
      expect(await analyst.getByRole('row').count()).toBeGreaterThanOrEqual(4);
      await mailShot(analyst, '15-mail-triage');

      // Filters: only phishing verdicts.
      await analyst.getByLabel('Vigie’s verdict').selectOption('phishing');
      await analyst.getByRole('row', { name: /your mailbox will be suspended/ }).waitFor();
      await analyst.getByLabel('Vigie’s verdict').selectOption('');

      await row.getByRole('link').click();
      await analyst.getByRole('heading', { level: 1, name: /your mailbox will be suspended/ }).waitFor();
      await analyst.getByTestId('mail-analysis').waitFor();
      const download = analyst.getByRole('link', { name: 'Download the .eml' });
      expect(await download.getAttribute('href')).toMatch(/^\/api\/mail\/reports\/[^/]+\/raw$/);
      // The message's HTML is never rendered: no element of it reaches the page.
      expect(await analyst.locator('main a[href*="rnicrosoft"]').count()).toBe(0);
      expect(await analyst.locator('iframe').count()).toBe(0);

      await analyst.getByLabel(/^Note/).fill('Credential phishing imitating Microsoft 365; sender domain blocked.');
      await analyst.getByRole('button', { name: 'Confirmed phishing' }).click();
      await analyst.getByText('Marked as confirmed phishing.').waitFor();
      expect(await analyst.getByTestId('analyst-verdict').textContent()).toContain('Confirmed phishing');
      expect(await analyst.getByRole('button', { name: 'Confirmed phishing' }).getAttribute('aria-pressed')).toBe(
        'true',
      );
      await mailShot(analyst, '16-mail-detail');

      await analyst.getByLabel('Language / Langue').selectOption('fr');
      await analyst.getByRole('heading', { level: 2, name: 'Verdict de l’analyste' }).waitFor();
      await mailShot(analyst, '17-mail-detail-fr');
      await analyst.getByRole('link', { name: 'File de tri' }).click();
      await analyst.getByRole('heading', { level: 1, name: 'Messagerie — tri' }).waitFor();
      await analyst.getByLabel('État').selectOption('');
      await analyst.getByRole('row', { name: /Hameçonnage confirmé/ }).waitFor();
      await mailShot(analyst, '18-mail-triage-fr');

      // An attachment is listed with its declared type and fingerprint, copyable, never opened.
      await analyst.getByRole('link', { name: /Facture impayée/ }).click();
      await analyst.getByRole('heading', { level: 1, name: /Facture impayée/ }).waitFor();
      const attachments = analyst.getByRole('table', { name: /Pièces jointes|Pièce jointe/ });
      await attachments.getByText('Facture_2024-0457.html').waitFor();
      expect(await attachments.getByRole('button', { name: /Copier le SHA-256/ }).count()).toBe(1);
      await mailShot(analyst, '18b-mail-detail-attachment-fr');
    });

    test('an auditor reads the queue and the settings but changes nothing', async () => {
      const auditor = await signInAs(AUDITOR, 'en-US');
      const auditorNav = auditor.getByRole('navigation', { name: 'Main navigation' });
      expect(await auditorNav.getByRole('link', { name: 'Analyse a message' }).count()).toBe(0);
      await auditorNav.getByRole('link', { name: 'Triage' }).click();
      await auditor.getByRole('heading', { level: 1, name: 'Mail — triage' }).waitFor();
      await auditor.getByLabel('Status').selectOption('');
      await auditor.getByRole('link', { name: /your mailbox will be suspended/ }).click();
      await auditor.getByText('Your role can read verdicts but not give them.').waitFor();
      expect(await auditor.getByRole('button', { name: 'Confirmed phishing' }).count()).toBe(0);
      expect(await auditor.getByTestId('analyst-verdict').textContent()).toContain('Confirmed phishing');
      await auditorNav.getByRole('link', { name: 'Settings' }).click();
      await auditor.getByRole('heading', { level: 1, name: 'Mail — settings' }).waitFor();
      await auditor.getByRole('heading', { level: 2, name: 'Model versions' }).waitFor();
      expect(await auditor.getByRole('button', { name: 'Save settings' }).count()).toBe(0);
      expect(await auditor.getByRole('button', { name: /Learn from/ }).count()).toBe(0);
      await mailShot(auditor, '22-mail-settings-read-only');
    });

    test('an administrator sees validation errors, saves settings, learns and undoes learning', async () => {
      await nav().getByRole('link', { name: 'Settings' }).click();
      await heading('Mail — settings').waitFor();
      await page.getByRole('heading', { level: 2, name: 'Model versions' }).waitFor();
      await page.getByRole('row', { name: /Shipped/ }).waitFor();

      await page.getByLabel('Organisation domains').fill('exemple.fr\nnot a domain');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.locator('.field-issues').first().waitFor();
      expect(await page.locator('.field-issues').first().textContent()).toContain('Entry 2 (“not a domain”)');
      await mailShot(page, '19-mail-settings-invalid');

      await page.getByLabel('Organisation domains').fill('Exemple.FR\nexemple.com');
      await page.getByLabel('VIP names').fill('Marie Dupont\nJean Directeur');
      await page.getByRole('button', { name: 'Add a brand' }).click();
      await page.getByLabel('Name', { exact: true }).fill('Banque Exemple');
      await page.getByLabel('Its domains (one per line)').fill('banque-exemple.fr');
      await page.getByLabel(/^Keywords/).fill('banque exemple');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText('Mail settings saved.').waitFor();
      // The server normalises domains; the form shows what it kept.
      expect(await page.getByLabel('Organisation domains').inputValue()).toBe('exemple.fr\nexemple.com');

      await page.getByRole('button', { name: 'Learn from analysts’ verdicts' }).click();
      const learnt = page.getByTestId('learn-result');
      await learnt.waitFor();
      expect(await learnt.textContent()).toMatch(/before \d\/1, now 1\/1/);
      await page
        .getByRole('row', { name: /Active/ })
        .filter({ hasNot: page.getByText('Shipped with Vigie') })
        .waitFor();
      await mailShot(page, '20-mail-settings-learnt');

      // Going back to the shipped version undoes learning.
      await page
        .getByRole('row', { name: /Shipped with Vigie/ })
        .getByRole('button', { name: /Make version .* active/ })
        .click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Make active' }).click();
      await page.getByText('The shipped model is active again: learning is undone.').waitFor();
      expect(await page.getByRole('row', { name: /Shipped with Vigie/ }).textContent()).toContain('Active');

      await page.getByLabel('Language / Langue').selectOption('fr');
      await heading('Messagerie — réglages').waitFor();
      await mailShot(page, '21-mail-settings-fr');
      await page.getByLabel('Language / Langue').selectOption('en');
      await heading('Mail — settings').waitFor();
    });
  });

  describe('Detect', () => {
    // Its own people and sessions, so this block also runs alone (-t Detect).
    const DETECT_AUDITOR = { username: 'e2e.detect.auditor', password: 'detect-audit-phrase-2024!' };
    const BROKEN_RULE = `title: Broken rule
id: 0c1d7a52-4f7e-4f0e-9c55-2f3d0e0b0bad
logsource:
  product: linux
detection:
  selection:
    foo|nosuchmodifier: bar
  condition: selection
`;
    let admin: Page;

    const detectShot = (on: Page, name: string): Promise<Buffer> =>
      on.screenshot({ path: join(SCREENSHOTS, `web-detect-${name}.png`), fullPage: true });
    const detectNav = (on: Page) => on.getByRole('navigation', { name: 'Main navigation' });

    test('an administrator imports a rule pack, reads the failures, switches a rule and checks thresholds', async () => {
      admin = await openAs('admin', ADMIN_PASSWORD, 'en-US');
      await detectNav(admin).getByRole('link', { name: 'Rules and thresholds' }).click();
      await admin.getByRole('heading', { level: 1, name: 'Detect — rules and thresholds' }).waitFor();
      await admin.getByText('No rule is loaded.').waitFor();

      // Nothing chosen: the form says so instead of sending an empty pack.
      await admin.getByRole('button', { name: 'Import', exact: true }).click();
      await admin.getByText('Choose at least one .yml file.').waitFor();

      await admin.getByLabel(/^Pack name/).fill('e2e-pack');
      await admin.getByLabel('Rule files').setInputFiles([
        { name: 'ssh.yml', mimeType: 'application/x-yaml', buffer: Buffer.from(SSH_RULE) },
        { name: 'broken.yml', mimeType: 'application/x-yaml', buffer: Buffer.from(BROKEN_RULE) },
      ]);
      await admin.getByText('2 files chosen.').waitFor();
      await admin.getByRole('button', { name: 'Import', exact: true }).click();
      const result = admin.getByTestId('import-result');
      await result.waitFor();
      expect(await result.textContent()).toContain('Rules compiled: 1, from 2 files. Failed to compile: 1.');
      // The failure names its file, its line and why.
      const failed = result.getByRole('row', { name: /broken\.yml/ });
      expect(await failed.textContent()).toMatch(/nosuchmodifier/);
      await admin.getByRole('heading', { level: 2, name: 'Failed to compile (1)' }).waitFor();
      const rule = admin.getByRole('row', { name: /SSH failed password/ });
      await rule.waitFor();
      expect(await rule.textContent()).toContain('T1110.001');
      expect(await rule.locator('code[title="Password Guessing"]').count()).toBe(1);

      await admin.getByLabel('Search rules (title, id, file, technique)').fill('nothing-like-this');
      await admin.getByText('0 rules found.').waitFor();
      await admin.getByLabel('Search rules (title, id, file, technique)').fill('t1110');
      await admin.getByText('1 rule found.').waitFor();
      const toggle = admin.getByRole('checkbox', { name: 'Rule “SSH failed password” in force' });
      await toggle.uncheck();
      await admin.getByText('Rule “SSH failed password” is switched off.').waitFor();
      await toggle.check();
      await admin.getByText('Rule “SSH failed password” is in force.').waitFor();

      // A threshold out of bounds is explained next to its field, in the page's language and units.
      const failures = admin.getByLabel('Failed sign-ins');
      expect(await failures.inputValue()).toBe('5');
      await failures.fill('1');
      await admin.getByRole('button', { name: 'Save thresholds' }).click();
      await admin.getByText('Enter a value from 2 to 1,000,000.').waitFor();
      expect(await failures.getAttribute('aria-invalid')).toBe('true');
      await detectShot(admin, '01-rules-invalid');
      await failures.fill('5');
      await admin.getByRole('button', { name: 'Save thresholds' }).click();
      await admin.getByText('Thresholds saved.').waitFor();
      await detectShot(admin, '02-rules');
      await admin.getByLabel('Language / Langue').selectOption('fr');
      await admin.getByRole('heading', { level: 1, name: 'Detect — règles et seuils' }).waitFor();
      await admin.getByRole('heading', { level: 2, name: 'Échec de compilation (1)' }).waitFor();
      await detectShot(admin, '02b-rules-fr');
      await admin.getByLabel('Language / Langue').selectOption('en');
      await admin.getByRole('heading', { level: 1, name: 'Detect — rules and thresholds' }).waitFor();
    });

    test('sshd brute force sent by a log shipper opens an incident that an administrator works', async () => {
      // A log shipper holds a token that may only send logs.
      const secret = await admin.evaluate(async () => {
        const session = (await (await fetch('/api/auth/session')).json()) as { csrfToken: string };
        const response = await fetch('/api/tokens', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
          body: JSON.stringify({ name: 'e2e-shipper', scopes: ['detect:ingest'] }),
        });
        return ((await response.json()) as { secret: string }).secret;
      });
      const start = Date.now() - 60_000;
      const lines = Array.from({ length: 8 }, (_, i) => sshFailure(start + i * 1000));
      const ingested = await fetch(`${baseUrl}/api/detect/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify({ lines, source: 'web01-rsyslog' }),
      });
      expect(ingested.status).toBe(200);
      const batch = (await ingested.json()) as { accepted: number; alerts: { created: number }; incidents: string[] };
      expect(batch.accepted).toBe(8);
      expect(batch.alerts.created).toBeGreaterThanOrEqual(2);
      expect(batch.incidents).toHaveLength(1);

      await detectNav(admin).getByRole('link', { name: 'Incidents' }).click();
      await admin.getByRole('heading', { level: 1, name: 'Detect — incidents' }).waitFor();
      await admin.getByRole('navigation', { name: 'Incidents by status' }).getByRole('link', { name: 'New' }).click();
      const row = admin.getByRole('row', { name: /web01/ });
      await row.waitFor();
      expect(await row.textContent()).toContain('New');
      await detectShot(admin, '03-incidents');

      await row.getByRole('link').click();
      await admin.getByTestId('incident-facts').waitFor();
      expect(await admin.getByTestId('incident-facts').textContent()).toContain('web01');
      const behaviour = admin.getByTestId('timeline-alert').filter({ hasText: 'Brute force on account root' });
      await behaviour.waitFor();
      // The reasons in plain language, and what was measured against what (as the alert was raised, at 5).
      expect(await behaviour.textContent()).toContain(
        '5 failed sign-ins for account "root" within 5 min (threshold 5)',
      );
      const facts = behaviour.getByTestId('behaviour-facts');
      expect(await facts.textContent()).toContain('5 (threshold 5)');
      expect(await facts.textContent()).toContain('5 minutes');
      // ATT&CK with names.
      expect(await admin.locator('main').textContent()).toContain('Password Guessing');
      // The log records behind it: collapsed, then the original line, copyable.
      await behaviour.getByText(/^Log record/).click();
      const record = behaviour.locator('.detect-event').first();
      await record.locator('summary').first().click();
      expect(await record.locator('pre').first().textContent()).toContain('sshd[4242]: Failed password for root');
      expect(await record.getByRole('button', { name: /^Copy the original record/ }).count()).toBe(1);

      await admin.getByRole('button', { name: 'Start investigating' }).click();
      await admin.getByText('The incident is under investigation.').waitFor();
      expect(await admin.getByTestId('incident-facts').textContent()).toContain('Investigating');

      // A false positive on the behavioural alert raises that account's threshold, visibly and undoably.
      await behaviour.getByRole('button', { name: 'False positive' }).click();
      await behaviour.getByText('Marked as a false positive.').waitFor();
      expect(await behaviour.getByRole('button', { name: 'False positive' }).getAttribute('aria-pressed')).toBe('true');
      const change = behaviour.getByTestId('threshold-change');
      await change.waitFor();
      expect(await change.textContent()).toMatch(/default thresholds → thresholds ×\d/);
      expect(await change.textContent()).toContain('In force');
      await detectShot(admin, '04-incident-verdict');
      await change.getByRole('button', { name: 'Undo' }).click();
      await change.getByText(/^Undone on/).waitFor();
      expect(await change.getByRole('button', { name: 'Undo' }).count()).toBe(0);

      await admin.getByLabel('Language / Langue').selectOption('fr');
      await admin.getByRole('heading', { level: 2, name: /^Chronologie/ }).waitFor();
      const enFrancais = admin.getByTestId('timeline-alert').filter({ hasText: 'Force brute sur le compte root' });
      expect(await enFrancais.textContent()).toContain('5 échecs de connexion pour le compte « root »');
      await detectShot(admin, '05-incident-fr');
      await admin.getByLabel('Language / Langue').selectOption('en');
      await admin.getByRole('heading', { level: 2, name: /^Timeline/ }).waitFor();

      await admin.getByLabel(/^Assignee/).fill('Red team liaison');
      await admin.getByLabel(/^Note/).fill('Authorised penetration test from 203.0.113.7.');
      await admin.getByRole('group', { name: 'Resolve as' }).getByRole('button', { name: 'False positive' }).click();
      await admin.getByText('The incident is resolved (false positive).').waitFor();
      expect(await admin.getByTestId('incident-facts').textContent()).toContain('Resolved — false positive');
      await admin.getByText('Authorised penetration test from 203.0.113.7.').waitFor();
      await admin.getByRole('button', { name: 'Reopen' }).waitFor();
      await detectShot(admin, '06-incident-resolved');

      // The threshold history on the rules page tells the same story.
      await detectNav(admin).getByRole('link', { name: 'Rules and thresholds' }).click();
      const history = admin.getByTestId('threshold-change').first();
      await history.waitFor();
      expect(await history.textContent()).toContain('Undone on');
    });

    test('the alert queue filters by kind and links to the incident', async () => {
      await detectNav(admin).getByRole('link', { name: 'Alerts' }).click();
      await admin.getByRole('heading', { level: 1, name: 'Detect — alerts' }).waitFor();
      await admin
        .getByRole('row', { name: /SSH failed password/ })
        .first()
        .waitFor();
      await admin.getByLabel('Kind').selectOption('behaviour');
      // The brute-force row is in both lists: wait for the rule alerts to leave, not for it.
      await admin
        .getByRole('row', { name: /SSH failed password/ })
        .first()
        .waitFor({ state: 'detached' });
      const row = admin.getByRole('row', { name: /Brute force on account root/ });
      await row.waitFor();
      expect(await admin.getByRole('row', { name: /SSH failed password/ }).count()).toBe(0);
      expect(await row.textContent()).toContain('False positive');
      expect(await row.locator('code[title="Password Guessing"]').count()).toBe(1);
      await detectShot(admin, '07-alerts');
      await row.getByRole('link', { name: /^Open incident of “Brute force on account root”/ }).click();
      await admin.getByTestId('incident-facts').waitFor();
    });

    test('an auditor reads incidents, alerts and rules but sees no button that changes them', async () => {
      const created = await admin.evaluate(async (account) => {
        const session = (await (await fetch('/api/auth/session')).json()) as { csrfToken: string };
        const response = await fetch('/api/users', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
          body: JSON.stringify({ ...account, role: 'auditor' }),
        });
        return response.status;
      }, DETECT_AUDITOR);
      expect([200, 201]).toContain(created);
      const auditor = await openAs(DETECT_AUDITOR.username, DETECT_AUDITOR.password, 'en-US');
      await detectNav(auditor).getByRole('link', { name: 'Incidents' }).click();
      await auditor.getByRole('heading', { level: 1, name: 'Detect — incidents' }).waitFor();
      await auditor
        .getByRole('navigation', { name: 'Incidents by status' })
        .getByRole('link', { name: 'Resolved' })
        .click();
      await auditor.getByRole('row', { name: /web01/ }).filter({ hasText: 'Resolved' }).getByRole('link').click();
      await auditor.getByText('Your role can read incidents but not change them.').waitFor();
      expect(await auditor.getByTestId('timeline-alert').count()).toBeGreaterThanOrEqual(2);
      for (const name of ['Start investigating', 'Reopen', 'True positive', 'False positive', 'Undo']) {
        expect(await auditor.getByRole('button', { name, exact: true }).count()).toBe(0);
      }
      expect(await auditor.getByRole('textbox').count()).toBe(0);
      await detectShot(auditor, '08-incident-read-only');

      await detectNav(auditor).getByRole('link', { name: 'Rules and thresholds' }).click();
      await auditor.getByRole('row', { name: /SSH failed password/ }).waitFor();
      expect(await auditor.getByRole('button', { name: 'Import', exact: true }).count()).toBe(0);
      expect(await auditor.getByRole('button', { name: 'Save thresholds' }).count()).toBe(0);
      expect(await auditor.getByRole('checkbox').count()).toBe(0);
      expect(await auditor.getByRole('button', { name: 'Undo' }).count()).toBe(0);
      await detectShot(auditor, '09-rules-read-only');
    });
  });

  describe('Guard', () => {
    // Its own people and sessions, so this block also runs alone (-t Guard).
    const GUARD_AUDITOR = { username: 'e2e.guard.auditor', password: 'guard-audit-phrase-2024!' };
    const guardShot = (on: Page, name: string): Promise<Buffer> =>
      on.screenshot({ path: join(SCREENSHOTS, `web-guard-${name}.png`), fullPage: true });
    const guardNav = (on: Page) => on.getByRole('navigation', { name: 'Main navigation' });

    test('an administrator edits the policy, tries an IBAN, and sees it counted', async () => {
      const admin = await openAs('admin', ADMIN_PASSWORD, 'en-US');
      const created = await admin.evaluate(async (account) => {
        const session = (await (await fetch('/api/auth/session')).json()) as { csrfToken: string };
        const response = await fetch('/api/users', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
          body: JSON.stringify({ ...account, role: 'auditor' }),
        });
        return response.status;
      }, GUARD_AUDITOR);
      expect([200, 201]).toContain(created);

      await guardNav(admin).getByRole('link', { name: 'Policy' }).click();
      await admin.getByRole('heading', { level: 1, name: 'Guard policy' }).waitFor();
      const editor = admin.getByTestId('guard-policy-yaml');
      // The active version fills the editor once the versions have loaded.
      await admin.getByTestId('guard-policy-versions').getByText('Shipped with Vigie').waitFor();
      await expect.poll(() => editor.inputValue(), { timeout: STEP_TIMEOUT }).toContain('version: 1');
      const original = await editor.inputValue();
      expect(original).toContain('version: 1');
      await editor.fill(original.replace('fallback: warn', 'fallback: explode'));
      await admin.getByRole('button', { name: 'Save and activate' }).click();
      const problems = admin.getByTestId('guard-policy-problems');
      await problems.waitFor();
      expect(await problems.textContent()).toMatch(/Line \d+: fallback/);
      await guardShot(admin, '01-policy-error');
      await editor.fill(original.replace('fallback: warn', 'fallback: warn # e2e'));
      await admin.getByLabel('Note (optional)').fill('e2e edit');
      await admin.getByRole('button', { name: 'Save and activate' }).click();
      await admin.getByText('Policy saved and active.').waitFor();
      await admin.getByRole('cell', { name: 'e2e edit' }).waitFor();
      await guardShot(admin, '02-policy-saved');

      await guardNav(admin).getByRole('link', { name: 'Dashboard' }).click();
      await admin.getByRole('heading', { level: 1, name: 'Guard — AI data-leak guard' }).waitFor();
      await admin
        .getByLabel('Prompt', { exact: true })
        .fill('Please wire 1 200 € to FR76 3000 6000 0112 3456 7890 189 today.');
      await admin.getByRole('button', { name: 'Check' }).click();
      const result = admin.getByTestId('guard-result');
      await result.waitFor();
      const text = (await result.textContent()) ?? '';
      expect(text).toContain('Decision: Pseudonymised');
      expect(text).toContain('[IBAN_1]');
      expect(text).toContain('pii.iban');
      expect(text).not.toContain('3000 6000 0112');
      // The dashboard is read again on a visit: the new decision is counted.
      await guardNav(admin).getByRole('link', { name: 'Try a prompt' }).click();
      await guardNav(admin).getByRole('link', { name: 'Dashboard' }).click();
      await admin
        .getByTestId('guard-by-type')
        .getByRole('row', { name: /pii\.iban/ })
        .waitFor();
      expect(await admin.getByTestId('guard-total-pseudonymise').textContent()).toMatch(/[1-9]/);
      await guardShot(admin, '03-dashboard-en');
      await admin.getByLabel('Language / Langue').selectOption('fr');
      await admin.getByRole('heading', { level: 1, name: 'Guard — garde-fou IA' }).waitFor();
      await guardShot(admin, '04-dashboard-fr');
      await admin.getByLabel('Language / Langue').selectOption('en');
    });

    test('an auditor sees the policy and dashboard but cannot edit', async () => {
      const auditor = await openAs(GUARD_AUDITOR.username, GUARD_AUDITOR.password, 'en-US');
      await guardNav(auditor).getByRole('link', { name: 'Policy' }).click();
      await auditor.getByText('You can read the policy; only an administrator can change it.').waitFor();
      expect(await auditor.getByTestId('guard-policy-yaml').getAttribute('readonly')).not.toBeNull();
      expect(await auditor.getByRole('button', { name: 'Save and activate' }).count()).toBe(0);
      expect(await auditor.getByRole('button', { name: 'Activate' }).count()).toBe(0);
      await guardNav(auditor).getByRole('link', { name: 'Dashboard' }).click();
      await auditor
        .getByTestId('guard-by-type')
        .getByRole('row', { name: /pii\.iban/ })
        .waitFor();
      expect(await auditor.getByTestId('guard-try').count()).toBe(0);
      await guardShot(auditor, '05-dashboard-auditor');
    });
  });

  describe('Learn', () => {
    // Its own people and sessions, so this block also runs alone (-t Learn).
    const LEARN_LEARNER = {
      username: 'e2e.learn.learner',
      password: 'learn-pass-phrase-2024!',
      displayName: 'Lea Learner',
      department: 'Finance',
      // Fill-in-the-blank answers are graded in the account's language (French when none is set).
      locale: 'en',
    };
    const LEARN_AUDITOR = { username: 'e2e.learn.auditor', password: 'learn-audit-phrase-2024!' };
    const learnShot = (on: Page, name: string): Promise<Buffer> =>
      on.screenshot({ path: join(SCREENSHOTS, `web-learn-${name}.png`), fullPage: true });
    // By its role and either name, so it is found in French as in English.
    const learnNav = (on: Page) => on.getByRole('navigation', { name: /^(Main navigation|Navigation principale)$/ });
    let admin: Page;

    test('an administrator creates a learner and an auditor', async () => {
      admin = await openAs('admin', ADMIN_PASSWORD, 'en-US');
      const statuses = await admin.evaluate(
        async (accounts) => {
          const session = (await (await fetch('/api/auth/session')).json()) as { csrfToken: string };
          const out: number[] = [];
          for (const account of accounts) {
            const response = await fetch('/api/users', {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
              body: JSON.stringify(account),
            });
            out.push(response.status);
          }
          return out;
        },
        [
          { ...LEARN_LEARNER, role: 'learner' },
          { ...LEARN_AUDITOR, role: 'auditor' },
        ],
      );
      expect(statuses.every((status) => status === 200 || status === 201)).toBe(true);
    });

    test('a learner opens their page and a module, answers the quiz with explanations, and sees points', async () => {
      const learner = await openAs(LEARN_LEARNER.username, LEARN_LEARNER.password, 'en-US');
      await learnNav(learner).getByRole('link', { name: 'My training' }).click();
      await learner.getByRole('heading', { level: 1, name: 'My training' }).waitFor();
      await learner.getByTestId('learn-next').getByRole('link', { name: 'Start' }).waitFor();
      expect(await learner.getByTestId('learn-points').textContent()).toBe('0');
      await learnShot(learner, '01-me-en');

      // The teaching page after a simulated click links to a real path, not a hash route: the app serves it.
      await learner.goto('/learn/modules/reporting');
      await learner.getByRole('heading', { level: 1, name: 'Report, quickly and without fear' }).waitFor();
      await learner.getByRole('heading', { level: 2, name: 'Why every report counts' }).waitFor();
      // Lesson Markdown is rendered as elements: **bold** becomes <strong>, list items become <li>.
      expect(await learner.locator('.learn-markdown strong').first().textContent()).toBe(
        'remove the message from every mailbox',
      );
      expect(await learner.locator('.learn-markdown li').count()).toBeGreaterThanOrEqual(3);
      await learner.getByRole('button', { name: 'Start the quiz' }).click();
      const quiz = learner.getByTestId('learn-quiz');
      const first = (await quiz.getByRole('heading', { level: 3, name: /^Question 1 of \d+$/ }).textContent()) ?? '';
      const count = Number(/of (\d+)/.exec(first)?.[1]);
      expect(count).toBeGreaterThanOrEqual(3);
      // The learner knows the lesson: answers are taken from the shipped module, found by the question's prompt.
      const shipped = parseYaml(readFileSync(join(REPO_ROOT, 'content/learn/modules/reporting.yaml'), 'utf8')) as {
        questions: {
          kind: string;
          prompt: { en: string };
          text?: { en: string };
          choices?: { en: string; correct?: boolean }[];
          answer?: boolean;
          accept?: { en: string[] };
        }[];
      };
      for (let n = 1; n <= count; n++) {
        await quiz.getByRole('heading', { level: 3, name: `Question ${n} of ${count}` }).waitFor();
        const prompt = (await quiz.locator('legend').textContent()) ?? '';
        // Fill-in-the-blank questions share their prompt: their sentence tells them apart.
        const cloze =
          (await quiz.locator('.learn-cloze').count()) > 0 ? await quiz.locator('.learn-cloze').textContent() : null;
        const known = shipped.questions.find((q) =>
          cloze === null ? q.prompt.en.trim() === prompt.trim() : q.text?.en.trim() === cloze.trim(),
        );
        if (!known) throw new Error(`unknown question: ${prompt}`);
        if (known.kind === 'cloze') await quiz.getByLabel('Your answer').fill(known.accept?.en[0] ?? '');
        else if (known.kind === 'true-false') await quiz.getByLabel(known.answer ? 'True' : 'False').check();
        else {
          for (const choice of known.choices ?? []) {
            if (choice.correct) await quiz.getByLabel(choice.en.trim(), { exact: true }).check();
          }
        }
        await quiz.getByRole('button', { name: 'Check my answer' }).click();
        const feedback = quiz.getByTestId('learn-feedback');
        await feedback.waitFor();
        const said = (await feedback.textContent()) ?? '';
        expect(said).toMatch(/^Correct!/);
        // The explanation follows the verdict: more than a word of it.
        expect(said.length).toBeGreaterThan(40);
        if (n === 1) await learnShot(learner, '02-quiz-feedback-en');
        await quiz.getByRole('button', { name: n === count ? 'Finish the module' : 'Next question' }).click();
      }
      const finished = learner.getByTestId('learn-finished');
      await finished.waitFor();
      const summary = (await finished.textContent()) ?? '';
      expect(summary).toContain('Module passed');
      const points = Number(/You now have (\d+) points/.exec(summary)?.[1]);
      expect(points).toBeGreaterThan(0);
      await learnShot(learner, '03-module-finished-en');

      await finished.getByRole('link', { name: 'Back to my training' }).click();
      await learner.getByRole('heading', { level: 1, name: 'My training' }).waitFor();
      expect(await learner.getByTestId('learn-points').textContent()).toBe(String(points));
      // On a phone: one column, nothing wider than the screen.
      await learner.setViewportSize({ width: 390, height: 844 });
      await learner.getByTestId('learn-points').waitFor();
      // Runs in the page: the browser's globals, which this file's (Node) types do not know.
      const overflow = await learner.evaluate('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow).toBeLessThanOrEqual(0);
      await learnShot(learner, '04-me-mobile-en');
      await learner.getByLabel('Language / Langue').selectOption('fr');
      await learner.getByRole('heading', { level: 1, name: 'Ma formation' }).waitFor();
      await learnShot(learner, '05-me-mobile-fr');
      await learner.goto('/#/learn/modules/reporting');
      await learner.getByRole('heading', { level: 1, name: 'Signaler, vite et sans crainte' }).waitFor();
      await learnShot(learner, '06-module-mobile-fr');
      await learner.getByLabel('Language / Langue').selectOption('en');
    });

    test('an administrator imports a group, creates a campaign and reads the programme', async () => {
      await learnNav(admin).getByRole('link', { name: 'Campaigns' }).click();
      await admin.getByRole('heading', { level: 1, name: 'Learn — campaigns' }).waitFor();
      await admin.getByLabel('Group name').fill('Finance team');
      await admin
        .getByLabel('Or paste the CSV')
        .fill(
          'email,first_name,last_name,department,role\n' +
            'e2e.learn.learner@example.org,Lea,Learner,Finance,accountant\n' +
            'not-an-address,Bad,Line,Finance,clerk\n' +
            'paul.martin@example.org,Paul,Martin,Sales,manager\n',
        );
      await admin.getByRole('button', { name: 'Import', exact: true }).click();
      await admin.getByText(/Group “Finance team” imported: 2 targets/).waitFor();
      expect(await admin.getByTestId('learn-group-problems').textContent()).toContain('Line 3: invalid e-mail address');
      await admin
        .getByTestId('learn-groups')
        .getByRole('row', { name: /Finance team/ })
        .waitFor();
      await learnShot(admin, '07-group-imported');

      await admin.getByLabel('Campaign name').fill('Spring 2026 — finance');
      await admin.getByRole('checkbox', { name: 'Finance', exact: true }).check();
      // A lure written for all staff, so every target of the group gets one.
      await admin.locator('.learn-template').filter({ hasText: 'all-staff' }).first().locator('input').check();
      await admin.getByLabel('Sender address').fill('it-support@example.org');
      await admin.getByRole('button', { name: 'Create the campaign' }).click();
      await admin.getByRole('heading', { level: 1, name: 'Spring 2026 — finance' }).waitFor();
      await admin.getByText('Draft', { exact: true }).waitFor();
      await admin.getByRole('button', { name: 'Launch' }).waitFor();
      expect(
        await admin.getByRole('link', { name: 'Download results per department (CSV)' }).getAttribute('href'),
      ).toMatch(/results\.csv\?kind=summary$/);
      await learnShot(admin, '08-campaign-draft');
      // Without an SMTP server the sends are planned but not made: enough to follow the campaign's life.
      await admin.getByRole('button', { name: 'Launch' }).click();
      await admin.getByText('Campaign launched: sends are planned.').waitFor();
      await admin.getByRole('button', { name: 'Pause' }).waitFor();
      expect(await admin.getByRole('button', { name: 'Launch' }).count()).toBe(0);

      await learnNav(admin).getByRole('link', { name: 'Programme' }).click();
      await admin.getByRole('heading', { level: 1, name: 'Learn — programme' }).waitFor();
      await admin.getByTestId('learn-overall').waitFor();
      // The launched campaign is drawn over time (per department once messages went out), beside its table.
      expect(await admin.locator('.learn-chart canvas').count()).toBeGreaterThanOrEqual(1);
      await admin.getByRole('row', { name: /Spring 2026 — finance/ }).waitFor();
      // The learner's answers count in the knowledge per topic.
      await admin
        .getByTestId('learn-knowledge')
        .getByRole('row', { name: /Reporting/ })
        .waitFor();
      await learnShot(admin, '09-programme-en');
    });

    test('an administrator writes a template: placeholders checked, preview sandboxed, script removed', async () => {
      await learnNav(admin).getByRole('link', { name: 'Content' }).click();
      await admin.getByRole('link', { name: 'Templates and landing pages' }).click();
      await admin.getByRole('heading', { level: 1, name: 'Templates and landing pages' }).waitFor();
      await admin.getByRole('button', { name: 'New template' }).click();
      const editor = admin.getByTestId('learn-editor');
      await editor.getByLabel('Name', { exact: true }).fill('E2E payroll');
      await editor.getByLabel('Sender display name').fill('Payroll');
      await editor.getByLabel('Subject', { exact: true }).fill('Your payslip, {{first_name}}');
      await editor.getByLabel('HTML body').fill('<p>Hello {{prenom}}</p>');
      await editor
        .getByTestId('learn-editor-problems')
        .getByText(/Unknown placeholder: \{\{prenom\}\}/)
        .first()
        .waitFor();
      await editor
        .getByLabel('HTML body')
        .fill('<p>Hello {{first_name}}, <a href="{{link}}">open</a></p><script>document.title="x"</script>');
      const preview = admin.frameLocator('[data-testid="learn-preview"]');
      await preview.getByText('Hello Camille').waitFor();
      expect(await preview.locator('script').count()).toBe(0);
      expect(await admin.getByTestId('learn-preview').getAttribute('sandbox')).toBe('');
      await learnShot(admin, '12-template-editor');
      await editor.getByRole('button', { name: 'Save' }).click();
      await admin
        .getByTestId('learn-org-templates')
        .getByRole('row', { name: /E2E payroll/ })
        .waitFor();
    });

    test('an auditor sees the programme and campaigns but no button that changes them', async () => {
      const auditor = await openAs(LEARN_AUDITOR.username, LEARN_AUDITOR.password, 'en-US');
      await auditor.getByLabel('Language / Langue').selectOption('fr');
      await auditor.getByRole('heading', { level: 1, name: "Posture de l'organisation" }).waitFor();
      await learnNav(auditor).getByRole('link', { name: 'Programme' }).click();
      await auditor.getByRole('heading', { level: 1, name: 'Learn — programme' }).waitFor();
      await auditor
        .getByTestId('learn-knowledge')
        .getByRole('row', { name: /Signalement/ })
        .waitFor();
      await learnShot(auditor, '10-programme-auditor-fr');
      // No training of their own: auditors change nothing, quiz state included.
      expect(await learnNav(auditor).getByRole('link', { name: 'Ma formation' }).count()).toBe(0);

      await learnNav(auditor).getByRole('link', { name: 'Campagnes' }).click();
      await auditor.getByRole('heading', { level: 1, name: 'Learn — campagnes' }).waitFor();
      expect(await auditor.getByRole('button', { name: 'Importer', exact: true }).count()).toBe(0);
      expect(await auditor.getByRole('button', { name: 'Créer la campagne' }).count()).toBe(0);
      expect(await auditor.getByRole('textbox').count()).toBe(0);
      await auditor.getByRole('link', { name: 'Spring 2026 — finance' }).click();
      await auditor.getByRole('heading', { level: 1, name: 'Spring 2026 — finance' }).waitFor();
      await auditor.getByText('Votre rôle peut lire cette campagne mais pas la modifier.').waitFor();
      for (const name of ['Lancer', 'Mettre en pause', 'Reprendre', 'Annuler la campagne']) {
        expect(await auditor.getByRole('button', { name, exact: true }).count()).toBe(0);
      }
      await learnNav(auditor).getByRole('link', { name: 'Contenus' }).click();
      await auditor.getByRole('heading', { level: 1, name: 'Learn — contenus' }).waitFor();
      expect(await auditor.getByRole('button', { name: 'Importer et générer les questions' }).count()).toBe(0);
      await learnShot(auditor, '11-campaign-auditor-fr');
    });
  });

  test('logs out back to the sign-in page', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await heading('Sign in to Vigie').waitFor();
    await page.getByText('You are signed out.').waitFor();
    await shot('10-logged-out');
  });
});
