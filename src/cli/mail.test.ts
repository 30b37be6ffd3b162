// `vigie mail scan` on files, folders and mbox files in a temporary folder: formats, exit codes, errors.
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliHarness } from '../../tests/support/cli.js';
import { runCli } from './program.js';

const PHISH = `From: "Microsoft 365" <no-reply@rnicrosoft-secure.xyz>
To: marie.dupont@exemple.fr
Subject: Action required: your mailbox will be suspended
Content-Type: text/html; charset=utf-8

<p>Your password expires today. Verify your identity within 24 hours or your mailbox will be suspended.</p>
<p><a href="http://rnicrosoft-secure.xyz/login">https://login.microsoftonline.com</a></p>
`;

const NOTE = `From: Paul Martin <paul.martin@exemple.fr>
To: marie.dupont@exemple.fr
Subject: Notes from Tuesday
Content-Type: text/plain; charset=utf-8

Hi Marie, here are my notes from Tuesday's meeting: the release moves to the 14th and the build
team gets two more test machines. Could you check section 3 before Friday? Thanks, Paul
`;

async function scan(args: string[]) {
  const { io, output } = cliHarness();
  const code = await runCli(['mail', 'scan', ...args], io);
  return { code, ...output, lines: output.out.trim().split('\n').filter(Boolean) };
}

describe('vigie mail scan', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-mail-'));
    mkdirSync(join(dir, 'inbox', 'nested'), { recursive: true });
    writeFileSync(join(dir, 'inbox', 'phish.eml'), PHISH.replace(/\n/g, '\r\n'));
    writeFileSync(join(dir, 'inbox', 'nested', 'note.eml'), NOTE);
    writeFileSync(join(dir, 'inbox', 'README.txt'), 'Not a message, just notes about this folder.\n');
    writeFileSync(join(dir, 'inbox', '.hidden.eml'), PHISH);
    writeFileSync(
      join(dir, 'box.mbox'),
      `From a@b Mon Jan  1 00:00:00 2024\n${NOTE}\nFrom c@d Mon Jan  1 00:00:01 2024\n${PHISH}`,
    );
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ organisationDomains: ['exemple.fr'] }));
    writeFileSync(join(dir, 'bad-settings.json'), JSON.stringify({ organisationDomains: ['not a domain'] }));
  });

  it('reads QR codes in attached images (the product wires the engine to its QR reader)', async () => {
    const png = readFileSync(new URL('../mail/fixtures/qr-url.png', import.meta.url)).toString('base64');
    const raw = [
      'From: "IT" <it@example.net>',
      'To: marie.dupont@exemple.fr',
      'Subject: MFA',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Scannez le code QR ci-joint pour réactiver la double authentification.',
      '--b',
      'Content-Type: image/png; name="qr.png"',
      'Content-Transfer-Encoding: base64',
      '',
      png.replace(/.{76}/g, '$&\r\n'),
      '--b--',
      '',
    ].join('\r\n');
    writeFileSync(join(dir, 'qr.eml'), raw);
    const result = await scan([join(dir, 'qr.eml'), '--format', 'jsonl']);
    const [object] = result.lines.map((line) => JSON.parse(line));
    const qr = object.reasons.find((r: { code: string }) => r.code === 'mail.qr.url');
    expect(qr?.data?.url).toBe('https://login-secure.example.net/a');
  });

  it('prints one JSON object per message, walking folders and skipping what is not mail', async () => {
    const result = await scan([join(dir, 'inbox'), '--format', 'jsonl']);
    expect(result.code).toBe(0);
    const objects = result.lines.map((line) => JSON.parse(line));
    expect(objects.map((o) => o.file)).toEqual([
      join(dir, 'inbox', 'nested', 'note.eml'),
      join(dir, 'inbox', 'phish.eml'),
    ]);
    const phish = objects[1];
    expect(phish).toMatchObject({ verdict: 'phishing', subject: 'Action required: your mailbox will be suspended' });
    expect(phish.score).toBeGreaterThan(0.9);
    expect(phish.reasons[0]).toMatchObject({
      code: expect.any(String),
      weight: expect.any(Number),
      message: { fr: expect.any(String), en: expect.any(String) },
    });
    expect(phish.indicators.domains).toContain('rnicrosoft-secure.xyz');
    expect(objects[0].verdict).toBe('clean');
  });

  it('numbers the messages of an mbox file', async () => {
    const result = await scan([join(dir, 'box.mbox'), '--format', 'jsonl']);
    const objects = result.lines.map((line) => JSON.parse(line));
    expect(objects.map((o) => [o.index, o.verdict])).toEqual([
      [0, 'clean'],
      [1, 'phishing'],
    ]);
  });

  it('prints a table by default, with the main reason in the chosen language', async () => {
    const result = await scan([join(dir, 'inbox', 'phish.eml'), '--lang', 'fr']);
    expect(result.code).toBe(0);
    expect(result.lines[0]).toMatch(/^FILE\s+VERDICT\s+SCORE\s+MAIN REASON$/);
    expect(result.lines[1]).toContain('phishing');
    expect(result.lines[1]).toMatch(/lien|domaine|nom affiché/);
  });

  it('uses the organisation settings given with --settings, and refuses invalid ones', async () => {
    const ok = await scan([
      join(dir, 'inbox', 'nested', 'note.eml'),
      '--settings',
      join(dir, 'settings.json'),
      '--format',
      'jsonl',
    ]);
    expect(ok.code).toBe(0);
    const bad = await scan([join(dir, 'inbox', 'phish.eml'), '--settings', join(dir, 'bad-settings.json')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('invalid mail settings');
    const missing = await scan([join(dir, 'inbox', 'phish.eml'), '--settings', join(dir, 'nope.json')]);
    expect(missing.code).toBe(1);
  });

  it('goes on past a path it cannot read, then exits 1', async () => {
    const result = await scan([join(dir, 'missing.eml'), join(dir, 'inbox', 'phish.eml'), '--format', 'jsonl']);
    expect(result.code).toBe(1);
    expect(result.err).toContain('missing.eml');
    expect(result.lines).toHaveLength(1);
  });

  it('reports an empty message as an error line, not a crash', async () => {
    writeFileSync(join(dir, 'empty.eml'), '');
    const result = await scan([join(dir, 'empty.eml'), '--format', 'jsonl']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.lines[0] ?? '{}')).toMatchObject({ error: { code: 'mail.empty' } });
  });

  it('reports a file given by name that is no message (no header field) as an error line, not a verdict', async () => {
    writeFileSync(join(dir, 'notes.txt'), 'hello world\nthis is not a mail\n');
    const result = await scan([join(dir, 'notes.txt'), '--format', 'jsonl']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.lines[0] ?? '{}')).toMatchObject({ error: { code: 'mail.not_a_message' } });
    expect(JSON.parse(result.lines[0] ?? '{}')).not.toHaveProperty('verdict');
  });

  it('does not follow links inside folders (a link to a parent would loop)', async () => {
    const looped = mkdtempSync(join(tmpdir(), 'vigie-mail-loop-'));
    writeFileSync(join(looped, 'phish.eml'), PHISH);
    symlinkSync('.', join(looped, 'again'));
    symlinkSync('..', join(looped, 'parent'));
    const result = await scan([looped, '--format', 'jsonl']);
    expect(result.lines).toHaveLength(1);
  });

  it('prints no terminal escape codes from file names or messages in the table', async () => {
    const escaped = mkdtempSync(join(tmpdir(), 'vigie-mail-esc-'));
    writeFileSync(join(escaped, 'evil\u001b[2K.eml'), PHISH);
    const result = await scan([escaped]);
    expect(result.out).not.toContain('\u001b');
    expect(result.lines).toHaveLength(2);
  });

  it('rejects an unknown format as a usage error', async () => {
    expect((await scan([join(dir, 'inbox'), '--format', 'xml'])).code).not.toBe(0);
  });
});
