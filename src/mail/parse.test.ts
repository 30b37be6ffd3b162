import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import PostalMime, { addressParser } from 'postal-mime';
import { describe, expect, it } from 'vitest';
import {
  asciiDomain,
  DEFAULT_MAIL_LIMITS,
  hasLeanInternals,
  MailInputError,
  MailParser,
  parseMessage,
  simpleAddress,
} from './parse.js';

const bytes = (text: string) => Buffer.from(text.replace(/\n/g, '\r\n'), 'utf8');

const MULTIPART = `From: =?UTF-8?B?U2VydmljZSBjbGllbnTDqGxl?= <contact@exemple.fr>
Reply-To: Autre <autre@ailleurs.example>
Return-Path: <bounce@mailer.example>
Subject: =?ISO-8859-1?Q?Re=E7u_votre_facture?=
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

Bonjour, voici la facture de l'=E9t=E9.
--inner
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: base64

${Buffer.from('<p>Bonjour, voici la <a href="https://exemple.fr/f">facture</a> de l’été.</p>').toString('base64')}
--inner--
--outer
Content-Type: application/pdf; name="facture.pdf"
Content-Disposition: attachment; filename="facture.pdf"
Content-Transfer-Encoding: base64

${Buffer.from('%PDF-1.4 test').toString('base64')}
--outer--
`;

describe('parseMessage', () => {
  it('decodes encoded words, charsets, transfer encodings and nested multiparts', async () => {
    const message = await parseMessage(bytes(MULTIPART));
    expect(message.from).toEqual({ name: 'Service clientèle', address: 'contact@exemple.fr', domain: 'exemple.fr' });
    expect(message.replyTo.map((a) => a.address)).toEqual(['autre@ailleurs.example']);
    expect(message.returnPath).toBe('bounce@mailer.example');
    expect(message.subject).toBe('Reçu votre facture');
    expect(message.text).toContain("voici la facture de l'été.");
    expect(message.html).toContain('<a href="https://exemple.fr/f">');
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0]).toMatchObject({
      filename: 'facture.pdf',
      contentType: 'application/pdf',
      size: 13,
      inline: false,
    });
    expect(message.attachments[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(message.problems).toEqual([]);
  });

  it('keeps the raw headers in order, unfolded, names lower-cased', async () => {
    const message = await parseMessage(
      bytes('Authentication-Results: mx.example.org;\n\tspf=pass smtp.mailfrom=a.example\nFrom: a@a.example\n\nhi\n'),
    );
    expect(message.headers).toEqual([
      { name: 'authentication-results', value: 'mx.example.org; spf=pass smtp.mailfrom=a.example' },
      { name: 'from', value: 'a@a.example' },
    ]);
  });

  it('turns an IDN sender domain into punycode', async () => {
    const message = await parseMessage(bytes('From: Bank <service@bаnk.example>\nSubject: x\n\nbody\n'));
    expect(message.from?.domain).toBe('xn--bnk-6cd.example');
  });

  it('reads a display name without an address', async () => {
    const message = await parseMessage(bytes('From: Microsoft Security\nSubject: x\n\nbody\n'));
    expect(message.from).toEqual({ name: 'Microsoft Security', address: '', domain: '' });
  });

  it('refuses text without a single header field as no message, and reads one after a byte-order mark', async () => {
    for (const junk of [
      'hello world\nthis is not a mail\n',
      '\nSubject: after a blank line\n\nbody\n',
      '\u00ff\u0001\u0002',
    ])
      await expect(parseMessage(bytes(junk))).rejects.toMatchObject({ code: 'mail.not_a_message' });
    const marked = await parseMessage(bytes('\ufeffFrom: a@b.example\nSubject: marked\n\nbody\n'));
    expect(marked.subject).toBe('marked');
    expect(marked.from?.address).toBe('a@b.example');
    await expect(parseMessage(bytes('\ufeff'))).rejects.toMatchObject({ code: 'mail.empty' });
  });

  it('refuses empty and oversized messages with a clear error', async () => {
    await expect(parseMessage(new Uint8Array())).rejects.toMatchObject({ code: 'mail.empty' });
    const big = bytes(`Subject: big\n\n${'a'.repeat(2000)}\n`);
    await expect(parseMessage(big, { ...DEFAULT_MAIL_LIMITS, maxBytes: 1000 })).rejects.toBeInstanceOf(MailInputError);
  });

  it('stops at the part limit and says so, keeping what it read', async () => {
    const parts = Array.from({ length: 30 }, (_, i) => `--b\nContent-Type: text/plain\n\npart ${i}\n`).join('');
    const raw = bytes(`From: a@a.example\nSubject: many\nContent-Type: multipart/mixed; boundary=b\n\n${parts}--b--\n`);
    const message = await parseMessage(raw, { ...DEFAULT_MAIL_LIMITS, maxParts: 10 });
    expect(message.problems.map((p) => p.code)).toEqual(['mail.parse.mime_error']);
    expect(message.subject).toBe('many');
    expect(message.from?.address).toBe('a@a.example');
  });

  it('does not analyse attachments nested deeper than the depth limit', async () => {
    let body = `--b0\nContent-Type: application/octet-stream; name=deep.exe\nContent-Disposition: attachment; filename=deep.exe\n\nMZ\n--b0--\n`;
    for (let depth = 1; depth <= 6; depth++) {
      body = `--b${depth}\nContent-Type: multipart/mixed; boundary=b${depth - 1}\n\n${body}--b${depth}--\n`;
    }
    const raw = bytes(`From: a@a.example\nContent-Type: multipart/mixed; boundary=b6\n\n${body}`);
    const shallow = await parseMessage(raw, { ...DEFAULT_MAIL_LIMITS, maxDepth: 3 });
    expect(shallow.attachments).toEqual([]);
    expect(shallow.problems.map((p) => p.code)).toEqual(['mail.parse.too_deep']);
    const deep = await parseMessage(raw);
    expect(deep.attachments.map((a) => a.filename)).toEqual(['deep.exe']);
  });

  it('decodes the usual legacy charsets of bodies and encoded words', async () => {
    const part = (charset: string, text: string) => ({ charset, bytes: Buffer.from(text, 'latin1') });
    const cases = [
      // "Réglez votre facture" in Windows-1252 / ISO-8859-1 bytes.
      { ...part('windows-1252', 'R\xe9glez votre facture \x80'), expected: 'Réglez votre facture €' },
      { ...part('iso-8859-1', 'R\xe9glez'), expected: 'Réglez' },
      // "Zaplaťte" in ISO-8859-2, "Привет" in KOI8-R.
      { ...part('iso-8859-2', 'Zapla\xbbte'), expected: 'Zaplaťte' },
      { ...part('koi8-r', '\xf0\xd2\xc9\xd7\xc5\xd4'), expected: 'Привет' },
    ];
    for (const { charset, bytes: body, expected } of cases) {
      const head = Buffer.from(
        `From: a@a.example\r\nSubject: =?iso-8859-15?Q?Pay=E9_=A4?=\r\nContent-Type: text/plain; charset=${charset}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`,
      );
      const message = await parseMessage(Buffer.concat([head, body, Buffer.from('\r\n')]));
      expect(message.text.trim()).toBe(expected);
      expect(message.subject).toBe('Payé €');
    }
  });

  it('reads an 8-bit body with no charset as Windows-1252 when it is not UTF-8 (letters were lost)', async () => {
    const raw = Buffer.concat([
      Buffer.from('From: a@a.example\r\nSubject: x\r\nContent-Type: text/plain\r\n\r\n'),
      Buffer.from('Forma\xe7\xe3o e divaga\xe7\xf5es\r\n', 'latin1'),
    ]);
    expect((await parseMessage(raw)).text.trim()).toBe('Formação e divagações');
  });

  it('keeps the text and the HTML the sender wrote, never one converted into the other', async () => {
    const plain = await parseMessage(bytes('From: a@a.example\nSubject: x\n\nOnly <b>plain</b> text\n'));
    expect(plain.text.trim()).toBe('Only <b>plain</b> text');
    expect(plain.html).toBe('');
    const html = await parseMessage(
      bytes('From: a@a.example\nSubject: x\nContent-Type: text/html; charset=utf-8\n\n<p>Only HTML</p>\n'),
    );
    expect(html.text).toBe('');
    expect(html.html.trim()).toBe('<p>Only HTML</p>');
  });

  it('gives an attachment sent as application/octet-stream the type of its extension', async () => {
    const raw = bytes(
      `From: a@a.example\nSubject: x\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nsee attached\n--b\nContent-Type: application/octet-stream; name="Facture.PDF"\nContent-Disposition: attachment; filename="Facture.PDF"\nContent-Transfer-Encoding: base64\n\n${Buffer.from('%PDF-1.4 x').toString('base64')}\n--b\nContent-Type: application/octet-stream; name="blob.bin"\nContent-Disposition: attachment; filename="blob.bin"\n\nxx\n--b--\n`,
    );
    const message = await parseMessage(raw);
    expect(message.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['Facture.PDF', 'application/pdf'],
      ['blob.bin', 'application/octet-stream'],
    ]);
    expect(Buffer.from(message.attachments[0]?.content ?? []).toString('latin1')).toBe('%PDF-1.4 x');
  });

  it('reads the status part of a delivery report as text, not as an attachment', async () => {
    const raw = bytes(
      'From: MAILER-DAEMON@mx.example\nSubject: Undelivered\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\nContent-Type: text/plain\n\nYour message could not be delivered.\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\nStatus: 5.1.1\n--b--\n',
    );
    const message = await parseMessage(raw);
    expect(message.text).toContain('Your message could not be delivered.');
    expect(message.text).toContain('Status: 5.1.1');
    expect(message.attachments).toEqual([]);
  });

  it('analyses an HTML body over the limit from its beginning, and says so', async () => {
    const raw = bytes(`From: a@a.example\nSubject: x\nContent-Type: text/html\n\n<p>${'a'.repeat(500)}</p>\n`);
    const message = await parseMessage(raw, { ...DEFAULT_MAIL_LIMITS, maxHtmlChars: 100 });
    expect(message.html).toHaveLength(100);
    expect(message.problems.map((p) => p.code)).toEqual(['mail.parse.html_too_long']);
  });

  it('never throws on arbitrary bytes but to say they are no message, and always returns a bounded one', async () => {
    const headerish = fc.array(
      fc.oneof(
        fc.constantFrom(
          'From: x@y.example\r\n',
          'Content-Type: multipart/mixed; boundary=z\r\n',
          'Content-Transfer-Encoding: base64\r\n',
          'Content-Transfer-Encoding: quoted-printable\r\n',
          '--z\r\n',
          '--z--\r\n',
          '\r\n',
          'Subject: =?utf-8?B?w6k=?=\r\n',
          '=?x?Q?=ZZ?=\r\n',
        ),
        fc.string({ maxLength: 40 }),
      ),
      { maxLength: 40 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ minLength: 1, maxLength: 400 }),
          headerish.map((h) => bytes(h.join('') || 'x')),
        ),
        async (raw) => {
          const refused = await parseMessage(raw).then(
            () => undefined,
            (error: unknown) => error,
          );
          // Bytes that hold no header field are no message, and said so; anything else is read.
          if (refused !== undefined) {
            expect(refused).toMatchObject({ code: 'mail.not_a_message' });
            return;
          }
          const message = await parseMessage(raw);
          const marked = raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf;
          expect(message.size).toBe(raw.byteLength - (marked ? 3 : 0));
          expect(message.text.length).toBeLessThanOrEqual(DEFAULT_MAIL_LIMITS.maxHtmlChars + raw.byteLength);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('postal-mime as installed', () => {
  it('carries our patch (patches/, applied by npm install): part contents joined without a Blob', () => {
    // Without it mail is still read the same, only a third slower to parse: nothing else would tell.
    const writer = fileURLToPath(new URL('chunk-writer.js', import.meta.resolve('postal-mime')));
    expect(readFileSync(writer, 'utf8')).toContain('concatChunks(this.chunks)');
  });

  it('still has the internals parseMessage cuts its result down through', async () => {
    // Without them mail is still read the same, only slower to parse: nothing else would tell.
    expect(hasLeanInternals()).toBe(true);
    expect(MailParser).not.toBe(PostalMime);
    const parser = new MailParser({ attachmentEncoding: 'arraybuffer' });
    const raw = 'From: a@example.com\r\nTo: b@example.com, c@example.com\r\nSubject: hi\r\n\r\nbody\r\n';
    const result = await parser.parse(Buffer.from(raw, 'utf8'));
    expect(result.headerLines.map((h) => h.key)).toEqual(['from', 'to', 'subject']);
    expect(result.attachments).toEqual([]);
  });

  it('decodes base64 bodies as before the patch: junk skipped, each "=" ends a unit (property)', async () => {
    // The meaning postal-mime's own decoder gave them: non-base64 characters removed, then each
    // run up to an "=" decoded alone, its last partial group giving the bytes it holds.
    const reference = (body: string): Buffer =>
      Buffer.concat(
        body
          .replace(/[^A-Za-z0-9+/=]+/g, '')
          .split('=')
          .map((unit) => Buffer.from(unit.length % 4 === 1 ? unit.slice(0, -1) : unit, 'base64')),
      );
    const character = fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom(...'ABCXYZabcxyz0189+/') },
      fc.constantFrom('=', ' ', '\t', '!', '*', 'é', '€', '\u00ff'),
    );
    const line = fc.array(character, { maxLength: 90 }).map((c) => c.join(''));
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 40 }), async (lines) => {
        const body = lines.join('\r\n');
        const raw =
          'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/octet-stream\r\n' +
          `Content-Disposition: attachment; filename=x.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n${body}\r\n--b--\r\n`;
        const message = await parseMessage(Buffer.from(raw, 'utf8'));
        const expected = reference(body);
        const content = message.attachments[0]?.content ?? Buffer.alloc(0);
        expect(Buffer.from(content).toString('hex')).toBe(expected.toString('hex'));
      }),
      { numRuns: 300 },
    );
  });
});

describe('postal-mime as installed: bodies read many lines at a time', () => {
  // Our patch hands a body's lines to its decoder in blocks, up to the next line that may be
  // a boundary. These hold the decoded content to the meaning the decoders give line by line.
  const piece = fc.constantFrom(
    'a',
    'Z9',
    '=',
    '=3D',
    '=c3=A9',
    '=4',
    '=G1',
    ' ',
    '\t',
    '-',
    '--x',
    '--bb',
    '\r',
    'é',
    '.',
  );
  const line = fc.array(piece, { maxLength: 8 }).map((p) => p.join(''));
  const lineBreak = fc.constantFrom('\r\n', '\n', '\r\r\n');
  const body = fc.array(fc.tuple(line, lineBreak), { maxLength: 12 });
  const contentOf = async (encoding: string, lines: [string, string][]) => {
    const raw =
      'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/octet-stream\r\n' +
      `Content-Disposition: attachment; filename=x.bin\r\nContent-Transfer-Encoding: ${encoding}\r\n\r\n` +
      `${lines.map(([l, b]) => l + b).join('')}--b--\r\n`;
    const message = await parseMessage(Buffer.from(raw, 'utf8'));
    return Buffer.from(message.attachments[0]?.content ?? Buffer.alloc(0));
  };
  /** A line as the parser reads it: carriage returns before the line feed belong to the break. */
  const split = (lines: [string, string][]) =>
    lines.map(([l, b]) => {
      const text = l.replace(/\r+$/, '');
      return { text, lineBreak: l.slice(text.length) + b };
    });

  it('passes 7bit bodies through byte for byte, the break before the boundary excluded (property)', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (lines) => {
        const parts = split(lines);
        const expected = parts.map((p, i) => p.text + (i < parts.length - 1 ? p.lineBreak : '')).join('');
        expect((await contentOf('7bit', lines)).toString('utf8')).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes quoted-printable line by line: soft breaks, escapes, trailing white space (property)', async () => {
    const hex = /^[0-9a-fA-F]{2}$/;
    const reference = (lines: [string, string][]): Buffer => {
      const out: Buffer[] = [];
      let pendingBreak = '';
      for (const { text, lineBreak } of split(lines)) {
        out.push(Buffer.from(pendingBreak, 'utf8'));
        let content = text.replace(/[ \t]+$/, '');
        const soft = content.endsWith('=');
        if (soft) content = content.slice(0, -1);
        const bytes = Buffer.from(content, 'utf8');
        for (let i = 0; i < bytes.length; i++) {
          const hexDigits = bytes.subarray(i + 1, i + 3).toString('latin1');
          if (bytes[i] === 0x3d && i + 2 < bytes.length && hex.test(hexDigits)) {
            out.push(Buffer.from([Number.parseInt(hexDigits, 16)]));
            i += 2;
          } else out.push(bytes.subarray(i, i + 1));
        }
        pendingBreak = soft ? '' : lineBreak;
      }
      return Buffer.concat(out);
    };
    await fc.assert(
      fc.asyncProperty(body, async (lines) => {
        expect((await contentOf('quoted-printable', lines)).toString('hex')).toBe(reference(lines).toString('hex'));
      }),
      { numRuns: 300 },
    );
  });
});

describe('plain addresses read without the general address parser', () => {
  /** Where they are read, they must read as addressParser reads them. */
  const agrees = (value: string) => {
    const simple = simpleAddress(value);
    if (simple) expect(simple).toEqual(addressParser(value));
    return simple !== undefined;
  };

  it('reads the common shapes, and leaves the others to the parser', () => {
    expect(simpleAddress('  John   Doe  <john@x.com> ')).toEqual([{ address: 'john@x.com', name: 'John   Doe' }]);
    expect(simpleAddress(' "Doe, John " <John@X.com>')).toEqual([{ address: 'John@X.com', name: 'Doe, John' }]);
    expect(simpleAddress('john@x.com')).toEqual([{ address: 'john@x.com', name: '' }]);
    for (const other of [
      'a <b@c.d>, e <f@g.h>',
      '=?utf-8?q?J=C3=A9r=C3=B4me?= <a@b.c>',
      'a@b.c (John)',
      'Team: a@b.c;',
      '"A \\"B\\"" <a@b.c>',
      'Jérôme <a@b.c>',
    ]) {
      expect(simpleAddress(other)).toBeUndefined();
    }
  });

  it('agrees with addressParser wherever it answers (property)', () => {
    // Shapes close to the plain ones: quotes, spacing, odd local parts and domains, stray marks.
    const shaped = fc
      .tuple(
        fc.constantFrom('', ' ', '"', '  ', ' "'),
        fc.array(
          fc.constantFrom('a', 'B', ' ', '  ', '.', "'", '-', '_', ',', ':', '"', '&', '!', '?', '/', '|', ';', '0'),
          { maxLength: 8 },
        ),
        fc.constantFrom('', ' ', '"', '" ', ' "'),
        fc.constantFrom('<', ' <', ''),
        fc.array(fc.constantFrom('a', '.', '-', '_', '+', '0', 'Z'), { maxLength: 5 }),
        fc.constantFrom('@x.com', '@x', '@x..com', '@-x.com', '@x.com.', '@x-.c', '@.x', '@'),
        fc.constantFrom('>', '> ', '>  ', '>x', ''),
      )
      .map((parts) => parts.map((p) => (Array.isArray(p) ? p.join('') : p)).join(''));
    const loose = fc
      .array(
        fc.oneof(
          fc.constantFrom(' ', '"', '<', '>', '@', '.', '-', "'", ',', '\\', '(', ')', '=?', '\t', 'a', 'x.com', 'é'),
          fc.string({ maxLength: 3 }),
        ),
        { maxLength: 12 },
      )
      .map((parts) => parts.join(''));
    let read = 0;
    fc.assert(
      fc.property(fc.oneof(shaped, loose), (value) => {
        if (agrees(value)) read++;
      }),
      { numRuns: 20_000 },
    );
    // The shapes generated are read often enough for the comparison to mean something.
    expect(read).toBeGreaterThan(200);
  });
});

describe('asciiDomain', () => {
  it('lower-cases, drops a final dot and converts IDNs', () => {
    expect(asciiDomain('Example.FR.')).toBe('example.fr');
    expect(asciiDomain('bücher.de')).toBe('xn--bcher-kva.de');
    expect(asciiDomain('not a host')).toBe('not a host');
    // What follows '#' must not vanish: the sender would pass for paypal.com.
    expect(asciiDomain('paypal.com#é.top')).toBe('paypal.com#é.top');
    expect(asciiDomain('partner.fr/é')).toBe('partner.fr/é');
  });
});
