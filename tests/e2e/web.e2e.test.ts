// Browser test of the web app against the real platform: sign-in, posture, languages, each section, sign-out.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

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
    // One browser context per person, so each keeps their own session cookie and language.
    const contexts: BrowserContext[] = [];
    let learner: Page;
    let analyst: Page;

    afterAll(async () => {
      for (const opened of contexts) await opened.close();
    });

    async function signInAs(account: typeof LEARNER, locale: string): Promise<Page> {
      if (!browser) throw new Error('no browser');
      const created = await browser.newContext({ locale, baseURL: baseUrl, viewport: { width: 1366, height: 900 } });
      created.setDefaultTimeout(STEP_TIMEOUT);
      contexts.push(created);
      const signedIn = await created.newPage();
      await signedIn.goto('/');
      await signedIn.getByLabel('User name').fill(account.username);
      await signedIn.getByLabel('Password').fill(account.password);
      await signedIn.getByRole('button', { name: 'Sign in' }).click();
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

  test('logs out back to the sign-in page', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await heading('Sign in to Vigie').waitFor();
    await page.getByText('You are signed out.').waitFor();
    await shot('10-logged-out');
  });
});
