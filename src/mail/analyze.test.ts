import fc from 'fast-check';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { findingInputSchema } from '../core/index.js';
import { analyzeMail, VERDICTS } from './analyze.js';
import { mailFinding } from './findings.js';
import { DEFAULT_MAIL_SETTINGS } from './types.js';

const eml = (text: string) => Buffer.from(text.replace(/\n/g, '\r\n'), 'utf8');

const CREDENTIAL_PHISH = eml(`From: "Microsoft 365" <no-reply@rnicrosoft-secure.xyz>
Reply-To: helpdesk-verify@gmail.com
To: marie.dupont@exemple.fr
Subject: Action required: your mailbox will be suspended
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<p>Dear user,</p>
<p>Your password expires today. To keep your account, verify your identity within 24 hours or your
mailbox will be suspended.</p>
<p><a href="http://rnicrosoft-secure.xyz/login/verify.php?user=marie">https://login.microsoftonline.com</a></p>
`);

const COLLEAGUE = eml(`From: Paul Martin <paul.martin@exemple.fr>
To: marie.dupont@exemple.fr
Subject: Notes from Tuesday's meeting
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Hi Marie,

Here are my notes from Tuesday. We agreed to move the release to the 14th and to ask the
build team for two more test machines. Could you check the figures in section 3 before Friday?

Thanks,
Paul
`);

const BEC_FR = eml(`From: "Jean Lefèvre" <jean.lefevre.direction@gmail.com>
To: compta@exemple.fr
Subject: Changement de coordonnées bancaires
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Bonjour,

Suite à un changement de banque, nos coordonnées bancaires ont changé. Merci de régler la facture
en attente sur le nouvel IBAN ci-dessous dès aujourd'hui, c'est urgent. Merci de rester discret
sur ce dossier et de ne pas en parler pour le moment.

IBAN : FR76 3000 6000 0112 3456 7890 189

Cordialement,
Jean Lefèvre
`);

function withZipAttachment(): Buffer {
  const zip = Buffer.from(zipSync({ 'facture.pdf.exe': new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0]) }));
  return eml(`From: Comptabilité <factures@fournisseur.example>
To: compta@exemple.fr
Subject: Facture impayée
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain; charset=utf-8

Veuillez trouver la facture ci-jointe.
--b
Content-Type: application/zip; name="facture.zip"
Content-Disposition: attachment; filename="facture.zip"
Content-Transfer-Encoding: base64

${zip.toString('base64')}
--b--
`);
}

describe('analyzeMail', () => {
  it('calls a credential phish with a look-alike sender and a disguised link phishing, and says why', async () => {
    const analysis = await analyzeMail(CREDENTIAL_PHISH);
    expect(analysis.verdict).toBe('phishing');
    const codes = analysis.reasons.map((r) => r.code);
    expect(codes).toContain('mail.link.text_target_mismatch');
    expect(codes.some((c) => c.startsWith('mail.lookalike.'))).toBe(true);
    expect(codes.some((c) => c.startsWith('mail.intent.'))).toBe(true);
    expect(analysis.indicators.domains).toContain('rnicrosoft-secure.xyz');
    expect(analysis.techniques).toContain('T1566.002');
  });

  it('leaves an ordinary message between colleagues clean', async () => {
    const analysis = await analyzeMail(COLLEAGUE, {
      settings: { ...DEFAULT_MAIL_SETTINGS, organisationDomains: ['exemple.fr'] },
    });
    expect(analysis.verdict).toBe('clean');
  });

  it('flags a French bank-detail change from a free-mail address', async () => {
    const analysis = await analyzeMail(BEC_FR);
    expect(analysis.verdict).not.toBe('clean');
    expect(analysis.reasons.map((r) => r.code).some((c) => c.startsWith('mail.intent.'))).toBe(true);
  });

  it('finds an executable with a double extension inside a zip attachment', async () => {
    const analysis = await analyzeMail(withZipAttachment());
    expect(analysis.verdict).not.toBe('clean');
    expect(analysis.reasons.some((r) => r.category === 'attachment' && r.weight > 0)).toBe(true);
    expect(analysis.indicators.attachments[0]).toMatchObject({ filename: 'facture.zip' });
    expect(analysis.techniques).toContain('T1566.001');
  });

  it('reads the HTML a mail client shows, not a harmless plain-text alternative', async () => {
    const lure =
      '<p>Urgent : votre compte sera suspendu sous 24 heures. Confirmez votre mot de passe immédiatement.</p>';
    const alternative = eml(`From: Service client <support@assistance-client.fr>
To: c@d.example
Subject: Information
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b"

--b
Content-Type: text/plain; charset=utf-8

Hi team, the minutes of yesterday's meeting are on the wiki. Thanks, see you at lunch.
--b
Content-Type: text/html; charset=utf-8

${lure}
--b--
`);
    const analysis = await analyzeMail(alternative);
    expect(analysis.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['mail.intent.credentials']));
  });

  it('sorts reasons by weight and writes each in French and English', async () => {
    const analysis = await analyzeMail(CREDENTIAL_PHISH);
    const weights = analysis.reasons.map((r) => Math.abs(r.weight));
    expect(weights).toEqual([...weights].sort((a, b) => b - a));
    for (const reason of analysis.reasons) {
      expect(reason.message.fr.length).toBeGreaterThan(5);
      expect(reason.message.en.length).toBeGreaterThan(5);
    }
  });

  it('turns a verdict into a valid core Finding', async () => {
    const analysis = await analyzeMail(CREDENTIAL_PHISH);
    const finding = findingInputSchema.parse(mailFinding(analysis, { observedAt: '2026-11-28T10:00:00Z', user: 'u1' }));
    expect(finding).toMatchObject({ module: 'mail', kind: 'mail.phishing', entities: { users: ['u1'] } });
    expect(finding.evidence.length).toBeGreaterThan(1);
  });

  it('never crashes or hangs on malformed MIME, and always gives a valid verdict', async () => {
    const line = fc.oneof(
      fc.constantFrom(
        'Content-Type: multipart/mixed; boundary="b"',
        'Content-Type: multipart/alternative; boundary=b',
        'Content-Type: text/html; charset=utf-8',
        'Content-Type: text/plain; charset=x-unknown-charset',
        'Content-Type: application/zip; name="a.zip"',
        'Content-Type: image/png',
        'Content-Transfer-Encoding: base64',
        'Content-Transfer-Encoding: quoted-printable',
        'Content-Disposition: attachment; filename="x.pdf.exe"',
        'From: =?utf-8?B?4pyTIE1pY3Jvc29mdA==?= <a@xn--e1afmkfd.example>',
        'Reply-To: <>',
        'Subject: =?utf-8?Q?=E2=80=8B?=',
        '--b',
        '--b--',
        '',
        '<a href="http://[::1">x</a><form><input type=password>',
        '<div style="display:none">',
        'UEsDBBQAAAAIAA==',
        '=E9=',
        'https://bit.ly/x?url=https://evil.example',
      ),
      fc.string({ maxLength: 80 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 60 }), async (lines) => {
        const raw = Buffer.from(lines.join('\r\n') || 'x');
        // Text without a single header field is refused as no message, never given a verdict.
        const refused = await analyzeMail(raw).then(
          () => undefined,
          (error: unknown) => error,
        );
        if (refused !== undefined) {
          expect(refused).toMatchObject({ code: 'mail.not_a_message' });
          expect(raw.toString('latin1')).not.toMatch(/^[!-9;-~]+:/);
          return;
        }
        const analysis = await analyzeMail(raw);
        expect(VERDICTS).toContain(analysis.verdict);
        expect(analysis.score).toBeGreaterThanOrEqual(0);
        expect(analysis.score).toBeLessThanOrEqual(1);
        findingInputSchema.parse(mailFinding(analysis, { observedAt: '2026-11-28T10:00:00Z' }));
      }),
      { numRuns: 250 },
    );
  });

  it('reads a deeply nested message in bounded time', async () => {
    let body = 'Content-Type: text/plain\r\n\r\nhello\r\n';
    for (let depth = 0; depth < 400; depth++) {
      body = `Content-Type: multipart/mixed; boundary="b${depth}"\r\n\r\n--b${depth}\r\n${body}--b${depth}--\r\n`;
    }
    const analysis = await analyzeMail(Buffer.from(`From: a@b.example\r\n${body}`));
    expect(VERDICTS).toContain(analysis.verdict);
  });
});
