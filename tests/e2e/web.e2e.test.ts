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

  test('logs out back to the sign-in page', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await heading('Sign in to Vigie').waitFor();
    await page.getByText('You are signed out.').waitFor();
    await shot('10-logged-out');
  });
});
