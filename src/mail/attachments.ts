/**
 * Dangerous attachments: executables and scripts (by name and by their first bytes), names
 * that hide their real extension, macro-enabled Office files, disk images and shortcuts,
 * archives that carry any of these (or are encrypted, with the password in the mail), HTML and
 * SVG files that harvest passwords or smuggle a payload, PDFs that run code. Pure byte reading,
 * every read bounded: a few bytes of magic, the zip central directory, the first megabytes of
 * HTML or PDF. Every reason names the file and its sha256.
 */
import { SENTENCE_BREAK, tokenize } from './phrases.js';
import { escapeUnsafe, safeText } from './text.js';
import type { MailAttachment, Reason, SignalContext } from './types.js';

export const ATTACHMENT_LIMITS = {
  /** Attachments examined per message. */
  maxAttachments: 50,
  /** Bytes of an HTML/SVG attachment read. */
  maxMarkupBytes: 2 * 1024 * 1024,
  /** Bytes of a PDF scanned for its actions. */
  maxPdfBytes: 4 * 1024 * 1024,
  /** Bytes of an OLE2 file searched for a VBA project. */
  maxOleBytes: 8 * 1024 * 1024,
  /** Zip entries listed, and longest entry name kept. */
  maxZipEntries: 2000,
  maxNameLength: 1024,
  /** Archive entries named in a reason. */
  maxNamedEntries: 5,
} as const;

// ---------------------------------------------------------------- names and extensions

const EXECUTABLE_EXT = new Set([
  'exe',
  'scr',
  'com',
  'pif',
  'cpl',
  'msi',
  'msp',
  'mst',
  'msc',
  'dll',
  'sys',
  'drv',
  'ocx',
  'jar',
  'hta',
  'gadget',
  'application',
  'appx',
  'appxbundle',
  'msix',
  'msixbundle',
  'appref-ms',
  'xll',
  'xbap',
  'apk',
  'dmg',
  'pkg',
  'app',
  'elf',
  'bin',
  'run',
  'deb',
  'rpm',
  'ex_',
  'xlam',
]);
const SCRIPT_EXT = new Set([
  'js',
  'jse',
  'vbs',
  'vbe',
  'vb',
  'wsf',
  'wsh',
  'wsc',
  'ws',
  'ps1',
  'psm1',
  'psd1',
  'ps1xml',
  'bat',
  'cmd',
  'sct',
  'reg',
  'scf',
  'inf',
  'iqy',
  'slk',
  'mjs',
  'cjs',
  'jnlp',
  'chm',
  'settingcontent-ms',
  'msh',
  'msh1',
  'mshxml',
  'ahk',
  'au3',
  'a3x',
  'py',
  'pyw',
  'sh',
  'command',
  'applescript',
  'scpt',
  'vba',
  'lua',
  'hlp',
]);
/** Scripts a developer mails to colleagues (patches, snippets): flagged only when something else hides them. */
const DEVELOPER_SCRIPT_EXT = new Set(['py', 'sh', 'lua', 'mjs', 'cjs', 'bin', 'run', 'deb', 'rpm', 'elf']);
const SHORTCUT_EXT = new Set([
  'lnk',
  'url',
  'website',
  'library-ms',
  'search-ms',
  'searchconnector-ms',
  'desktop',
  'webloc',
]);
const ONENOTE_EXT = new Set(['one', 'onepkg', 'onetoc2']);
const DISK_EXT = new Set(['iso', 'img', 'vhd', 'vhdx', 'udf', 'dmg']);
const MACRO_EXT = new Set(['docm', 'dotm', 'xlsm', 'xltm', 'xlsb', 'pptm', 'potm', 'ppam', 'ppsm', 'sldm', 'xlm']);
const ARCHIVE_EXT = new Set([
  'zip',
  'zipx',
  'rar',
  '7z',
  'gz',
  'tgz',
  'ace',
  'cab',
  'arj',
  'lzh',
  'lha',
  'tar',
  'bz2',
  'xz',
  'z',
  'r00',
  'r01',
  'uue',
  'xxe',
  'z01',
  'jar',
]);
const MARKUP_EXT = new Set(['html', 'htm', 'shtml', 'shtm', 'xhtml', 'mht', 'mhtml', 'svg', 'svgz', 'xht', 'hta']);
/** What a lure pretends to be in `facture.pdf.exe`. */
const DECOY_EXT = new Set([
  'pdf',
  'doc',
  'docx',
  'xls',
  'xlsx',
  'ppt',
  'pptx',
  'txt',
  'rtf',
  'odt',
  'ods',
  'csv',
  'jpg',
  'jpeg',
  'png',
  'gif',
  'bmp',
  'tif',
  'tiff',
  'mp3',
  'mp4',
  'wav',
  'avi',
  'mov',
  'xml',
  'eml',
  'msg',
  'heic',
  'webp',
]);
/** Content types that never carry a threat by themselves (signatures, reports, calendars, images...). */
const BENIGN_TYPES = [
  'application/pgp-signature',
  'application/pgp-keys',
  'application/pgp-encrypted',
  'application/pkcs7-signature',
  'application/x-pkcs7-signature',
  'text/calendar',
  'application/ics',
  'message/delivery-status',
  'message/disposition-notification',
  'message/feedback-report',
  'text/rfc822-headers',
  'message/rfc822',
];

/** Bidirectional controls that reorder how a name is shown (`fact\u202Eexe.pdf` shows `factfdp.exe`). */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;

export interface NameFacts {
  /** The name as a reader sees it, without bidi controls, lower-cased. */
  readonly clean: string;
  readonly extension: string;
  /** The extension before the last one, when the last one is preceded by a dot. */
  readonly previous: string;
  readonly bidi: boolean;
  /** Many spaces (or invisible characters) pushing the real extension out of sight. */
  readonly padded: boolean;
}

export function nameFacts(filename: string): NameFacts {
  const bidi = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/.test(filename);
  const clean = filename.replace(BIDI_CONTROLS, '').replace(INVISIBLE, '').trim().toLowerCase().slice(0, 512);
  // Trailing dots and spaces are dropped by Windows: `a.exe.` runs as `a.exe`.
  const trimmed = clean.replace(/[.\s]+$/, '');
  const lastDot = trimmed.lastIndexOf('.');
  const extension = lastDot >= 0 ? trimmed.slice(lastDot + 1).trim() : '';
  const stem = lastDot >= 0 ? trimmed.slice(0, lastDot) : trimmed;
  const stemTrimmed = stem.replace(/\s+$/, '');
  const padded = stem.length - stemTrimmed.length >= 3 || /\s{5,}|_{8,}/.test(stem);
  const prevDot = stemTrimmed.lastIndexOf('.');
  const previous = prevDot >= 0 ? stemTrimmed.slice(prevDot + 1).trim() : '';
  return { clean, extension, previous, bidi, padded };
}

// ---------------------------------------------------------------- magic bytes

export type FileKind =
  | 'pe'
  | 'elf'
  | 'macho'
  | 'shebang'
  | 'zip'
  | 'rar'
  | '7z'
  | 'gzip'
  | 'cab'
  | 'ace'
  | 'ole2'
  | 'pdf'
  | 'iso'
  | 'vhd'
  | 'vhdx'
  | 'lnk'
  | 'onenote'
  | 'png'
  | 'jpeg'
  | 'gif'
  | 'rtf'
  | 'html'
  | 'svg'
  | 'unknown';

function startsWith(bytes: Uint8Array, magic: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[offset + i] !== magic[i]) return false;
  return true;
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  const from = Math.max(0, start);
  const to = Math.min(end, bytes.length);
  if (to <= from) return '';
  return Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('latin1');
}

const ONENOTE_MAGIC = [0xe4, 0x52, 0x5c, 0x7b, 0x8c, 0xd8, 0xa7, 0x4d, 0xae, 0xb1, 0x53, 0x78, 0xd0, 0x29, 0x96, 0xd3];
const LNK_MAGIC = [0x4c, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00];

/** What the first bytes say the file is. Reads at most a few kilobytes. */
export function sniffKind(bytes: Uint8Array): FileKind {
  if (startsWith(bytes, [0x4d, 0x5a])) return 'pe';
  if (startsWith(bytes, [0x7f, 0x45, 0x4c, 0x46])) return 'elf';
  if (
    startsWith(bytes, [0xfe, 0xed, 0xfa, 0xce]) ||
    startsWith(bytes, [0xfe, 0xed, 0xfa, 0xcf]) ||
    startsWith(bytes, [0xce, 0xfa, 0xed, 0xfe]) ||
    startsWith(bytes, [0xcf, 0xfa, 0xed, 0xfe])
  )
    return 'macho';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) return 'zip';
  if (startsWith(bytes, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07])) return 'rar';
  if (startsWith(bytes, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return '7z';
  if (startsWith(bytes, [0x1f, 0x8b])) return 'gzip';
  if (startsWith(bytes, [0x4d, 0x53, 0x43, 0x46])) return 'cab';
  if (ascii(bytes, 7, 14) === '**ACE**') return 'ace';
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'ole2';
  if (startsWith(bytes, LNK_MAGIC)) return 'lnk';
  if (startsWith(bytes, ONENOTE_MAGIC)) return 'onenote';
  if (ascii(bytes, 0, 8) === 'vhdxfile') return 'vhdx';
  if (ascii(bytes, 0, 8) === 'conectix') return 'vhd';
  if (bytes.length >= 512 && ascii(bytes, bytes.length - 512, bytes.length - 504) === 'conectix') return 'vhd';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (ascii(bytes, 0, 4) === 'GIF8') return 'gif';
  for (const offset of [0x8001, 0x8801, 0x9001]) if (ascii(bytes, offset, offset + 5) === 'CD001') return 'iso';
  const head = ascii(bytes, 0, 1024);
  if (head.includes('%PDF-')) return 'pdf';
  if (head.startsWith('{\\rt')) return 'rtf';
  if (head.startsWith('#!')) return 'shebang';
  const lower = head
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart()
    .toLowerCase();
  if (/^<\?xml[^>]*>\s*(?:<!--[\s\S]*?-->\s*)?<svg|^<svg/.test(lower.slice(0, 600)) || /^<!doctype svg/.test(lower))
    return 'svg';
  if (/^(?:<!doctype html|<html|<head|<body|<script|<meta|<form|<iframe|<!--)/.test(lower)) return 'html';
  return 'unknown';
}

const EXECUTABLE_KINDS = new Set<FileKind>(['pe', 'elf', 'macho']);

// ---------------------------------------------------------------- zip central directory

export interface ArchiveEntry {
  readonly name: string;
  readonly encrypted: boolean;
  readonly size: number;
}

export interface ArchiveListing {
  readonly entries: readonly ArchiveEntry[];
  /** More entries than listed, or a directory that could not be read to its end. */
  readonly truncated: boolean;
  /** The directory could not be found or read. */
  readonly unreadable: boolean;
}

const EMPTY_LISTING: ArchiveListing = { entries: [], truncated: false, unreadable: true };

function u16(b: Uint8Array, o: number): number {
  return ((b[o] as number) | ((b[o + 1] as number) << 8)) >>> 0;
}
function u32(b: Uint8Array, o: number): number {
  return (
    (((b[o] as number) | ((b[o + 1] as number) << 8) | ((b[o + 2] as number) << 16)) >>> 0) +
    (b[o + 3] as number) * 0x1000000
  );
}

function decodeName(bytes: Uint8Array, utf8: boolean): string {
  if (utf8) {
    try {
      return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    } catch {
      // fall through to latin1
    }
  }
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/**
 * Lists a zip from its central directory (end record found in the last 64 KiB), bounded in
 * entries and name length; falls back to walking local headers when there is no directory.
 * Never throws, never inflates.
 */
export function listZip(bytes: Uint8Array, maxEntries: number = ATTACHMENT_LIMITS.maxZipEntries): ArchiveListing {
  try {
    const eocd = findEndOfDirectory(bytes);
    if (eocd < 0) return walkLocalHeaders(bytes, maxEntries);
    const total = u16(bytes, eocd + 10);
    let offset = u32(bytes, eocd + 16);
    if (offset >= bytes.length) return walkLocalHeaders(bytes, maxEntries);
    const entries: ArchiveEntry[] = [];
    let truncated = total > maxEntries;
    for (let i = 0; i < Math.min(total === 0xffff ? maxEntries : total, maxEntries); i++) {
      if (offset + 46 > bytes.length || u32(bytes, offset) !== 0x02014b50) {
        truncated = true;
        break;
      }
      const flags = u16(bytes, offset + 8);
      const size = u32(bytes, offset + 24);
      const nameLength = u16(bytes, offset + 28);
      const extraLength = u16(bytes, offset + 30);
      const commentLength = u16(bytes, offset + 32);
      const nameStart = offset + 46;
      const nameBytes = bytes.subarray(
        nameStart,
        Math.min(nameStart + Math.min(nameLength, ATTACHMENT_LIMITS.maxNameLength), bytes.length),
      );
      entries.push({ name: decodeName(nameBytes, (flags & 0x800) !== 0), encrypted: (flags & 1) !== 0, size });
      offset = nameStart + nameLength + extraLength + commentLength;
    }
    return { entries, truncated, unreadable: false };
  } catch {
    return EMPTY_LISTING;
  }
}

function findEndOfDirectory(bytes: Uint8Array): number {
  const stop = Math.max(0, bytes.length - 22 - 0xffff);
  for (let i = bytes.length - 22; i >= stop; i--) {
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 0x05 && bytes[i + 3] === 0x06) return i;
  }
  return -1;
}

/** A zip cut short (no central directory): read the local file headers from the start. */
function walkLocalHeaders(bytes: Uint8Array, maxEntries: number): ArchiveListing {
  const entries: ArchiveEntry[] = [];
  let offset = 0;
  while (entries.length < maxEntries && offset + 30 <= bytes.length && u32(bytes, offset) === 0x04034b50) {
    const flags = u16(bytes, offset + 6);
    const compressed = u32(bytes, offset + 18);
    const nameLength = u16(bytes, offset + 26);
    const extraLength = u16(bytes, offset + 28);
    const nameStart = offset + 30;
    const nameBytes = bytes.subarray(
      nameStart,
      Math.min(nameStart + Math.min(nameLength, ATTACHMENT_LIMITS.maxNameLength), bytes.length),
    );
    entries.push({
      name: decodeName(nameBytes, (flags & 0x800) !== 0),
      encrypted: (flags & 1) !== 0,
      size: u32(bytes, offset + 22),
    });
    // With a data descriptor (bit 3) the size is unknown here: stop rather than scan.
    if ((flags & 0x08) !== 0) return { entries, truncated: true, unreadable: false };
    offset = nameStart + nameLength + extraLength + compressed;
  }
  return {
    entries,
    truncated: offset + 4 <= bytes.length && entries.length >= maxEntries,
    unreadable: entries.length === 0,
  };
}

/** Names inside RAR (v4 and v5) archives, read from their block headers; bounded. */
export function listRar(bytes: Uint8Array, maxEntries: number = ATTACHMENT_LIMITS.maxZipEntries): ArchiveListing {
  try {
    if (startsWith(bytes, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00])) return listRar5(bytes, maxEntries);
    if (!startsWith(bytes, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00])) return EMPTY_LISTING;
    const entries: ArchiveEntry[] = [];
    let offset = 7;
    let encryptedHeaders = false;
    for (let guard = 0; guard < maxEntries * 4 && entries.length < maxEntries && offset + 7 <= bytes.length; guard++) {
      const type = bytes[offset + 2] as number;
      const flags = u16(bytes, offset + 3);
      const headSize = u16(bytes, offset + 5);
      if (headSize < 7) break;
      let addSize = (flags & 0x8000) !== 0 && offset + 11 <= bytes.length ? u32(bytes, offset + 7) : 0;
      if (type === 0x73 && (flags & 0x80) !== 0) encryptedHeaders = true;
      if (type === 0x74 && offset + 32 <= bytes.length) {
        addSize = u32(bytes, offset + 7);
        const nameSize = u16(bytes, offset + 26);
        const nameStart = offset + 32 + ((flags & 0x100) !== 0 ? 8 : 0);
        const raw = bytes.subarray(
          nameStart,
          Math.min(nameStart + Math.min(nameSize, ATTACHMENT_LIMITS.maxNameLength), bytes.length),
        );
        const zero = raw.indexOf(0);
        entries.push({
          name: decodeName(zero >= 0 ? raw.subarray(0, zero) : raw, false),
          encrypted: (flags & 0x04) !== 0,
          size: u32(bytes, offset + 11),
        });
      }
      if (type === 0x7b) break;
      offset += headSize + addSize;
    }
    return { entries, truncated: entries.length >= maxEntries, unreadable: entries.length === 0 && !encryptedHeaders };
  } catch {
    return EMPTY_LISTING;
  }
}

function readVint(bytes: Uint8Array, offset: number): [number, number] {
  let value = 0;
  let shift = 1;
  for (let i = 0; i < 8 && offset + i < bytes.length; i++) {
    const b = bytes[offset + i] as number;
    value += (b & 0x7f) * shift;
    shift *= 128;
    if ((b & 0x80) === 0) return [value, offset + i + 1];
  }
  return [value, -1];
}

function listRar5(bytes: Uint8Array, maxEntries: number): ArchiveListing {
  const entries: ArchiveEntry[] = [];
  let offset = 8;
  let encrypted = false;
  const cursor = { p: 0 };
  // Reads one vint at the cursor; a truncated one ends the listing (caught below).
  const vint = (): number => {
    const [value, next] = readVint(bytes, cursor.p);
    if (next < 0) throw new RangeError('truncated RAR header');
    cursor.p = next;
    return value;
  };
  try {
    for (let guard = 0; guard < maxEntries * 4 && entries.length < maxEntries && offset + 7 <= bytes.length; guard++) {
      cursor.p = offset + 4; // after the header CRC32
      const headSize = vint();
      if (headSize === 0) break;
      const headerEnd = cursor.p + headSize;
      const type = vint();
      const flags = vint();
      const extraSize = flags & 0x01 ? vint() : 0;
      const dataSize = flags & 0x02 ? vint() : 0;
      if (type === 4) {
        encrypted = true; // archive encryption header: the names are encrypted too
        break;
      }
      if (type === 2) {
        const fileFlags = vint();
        const size = vint();
        vint(); // attributes
        if (fileFlags & 0x02) cursor.p += 4; // mtime
        if (fileFlags & 0x04) cursor.p += 4; // crc
        vint(); // compression info
        vint(); // host os
        const nameLength = vint();
        const p = cursor.p;
        const raw = bytes.subarray(
          p,
          Math.min(p + Math.min(nameLength, ATTACHMENT_LIMITS.maxNameLength), bytes.length),
        );
        // File encryption is announced in the extra area (record type 1).
        const extra = bytes.subarray(Math.max(0, headerEnd - extraSize), headerEnd);
        entries.push({ name: decodeName(raw, true), encrypted: extraSize > 0 && readVint(extra, 1)[0] === 1, size });
      }
      if (type === 5) break;
      const next = headerEnd + dataSize;
      if (next <= offset) break;
      offset = next;
    }
  } catch {
    // A header cut short: keep the names read so far.
  }
  return { entries, truncated: entries.length >= maxEntries, unreadable: entries.length === 0 && !encrypted };
}

/** The original file name a gzip header may carry (FNAME flag). */
export function gzipName(bytes: Uint8Array): string | undefined {
  if (!startsWith(bytes, [0x1f, 0x8b]) || bytes.length < 10) return undefined;
  const flags = bytes[3] as number;
  if ((flags & 0x08) === 0) return undefined;
  let p = 10;
  if (flags & 0x04) p += 2 + u16(bytes, 10);
  const end = Math.min(bytes.length, p + ATTACHMENT_LIMITS.maxNameLength);
  let zero = p;
  while (zero < end && bytes[zero] !== 0) zero++;
  return decodeName(bytes.subarray(p, zero), false);
}

// ---------------------------------------------------------------- content scans

/** Search for an ASCII or UTF-16LE needle in the first `limit` bytes. Linear per needle. */
function containsBytes(bytes: Uint8Array, needle: string, limit: number, utf16 = false): boolean {
  const n: number[] = [];
  for (let i = 0; i < needle.length; i++) {
    n.push(needle.charCodeAt(i));
    if (utf16) n.push(0);
  }
  const hay = bytes.subarray(0, Math.min(limit, bytes.length));
  const first = n[0] as number;
  let i = hay.indexOf(first);
  while (i >= 0 && i + n.length <= hay.length) {
    let ok = true;
    for (let j = 1; j < n.length; j++) {
      if (hay[i + j] !== n[j]) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
    i = hay.indexOf(first, i + 1);
  }
  return false;
}

/** Office binary (OLE2) file carrying a VBA project or Excel 4 macro sheet. */
function oleHasMacros(bytes: Uint8Array): boolean {
  const limit = ATTACHMENT_LIMITS.maxOleBytes;
  return (
    containsBytes(bytes, '_VBA_PROJECT', limit, true) ||
    containsBytes(bytes, 'Macros', limit, true) ||
    (containsBytes(bytes, 'VBA', limit, true) && containsBytes(bytes, 'PROJECT', limit, true))
  );
}

export interface MarkupFacts {
  readonly features: readonly string[];
}

/** What an HTML or SVG document does: forms, password fields, scripts, redirects, payload decoding. */
export function markupFacts(bytes: Uint8Array): MarkupFacts {
  const text = ascii(bytes, 0, ATTACHMENT_LIMITS.maxMarkupBytes).toLowerCase();
  const features: string[] = [];
  const has = (needle: string) => text.includes(needle);
  if (has('<form')) features.push('form');
  if (/type\s*=\s*["']?password/.test(text)) features.push('password_input');
  if (has('<script') || /\son(?:load|error|click|mouseover|begin|focus)\s*=/.test(text)) features.push('script');
  if (has('atob(') || has('fromcharcode') || has('unescape(') || has('decodeuricomponent(') || has('eval('))
    features.push('decoding');
  if (has('new blob') || has('createobjecturl') || has('mssaveoropenblob') || has('msSaveBlob'.toLowerCase()))
    features.push('blob');
  if (
    /(?:href|src|data)\s*=\s*["']?\s*data:(?:application|text\/html|image\/svg)/.test(text) ||
    has('data:application/')
  )
    features.push('data_uri');
  if (
    has('window.location') ||
    has('location.href') ||
    has('location.replace') ||
    has('location.assign') ||
    has('document.location') ||
    /http-equiv\s*=\s*["']?refresh/.test(text)
  )
    features.push('redirect');
  if (has('document.write(')) features.push('document_write');
  if (has('<foreignobject')) features.push('foreign_object');
  if (/<iframe[^>]{0,500}src\s*=\s*["']?https?:/.test(text)) features.push('remote_iframe');
  if (longestBase64Run(text) >= 5000) features.push('base64_blob');
  return { features };
}

function longestBase64Run(text: string): number {
  let best = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const isB64 = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 61;
    run = isB64 ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

export interface PdfFacts {
  readonly javascript: number;
  readonly openAction: boolean;
  readonly launch: boolean;
  readonly uris: number;
  readonly embeddedFiles: number;
  readonly submitForm: boolean;
  readonly pages: number;
  readonly uriSamples: readonly string[];
}

/**
 * The PDF names that count, in one scan: `/JavaScript` or `/JS`, `/OpenAction`, `/AA <<`,
 * `/Launch`, `/URI`, `/EmbeddedFile`, `/SubmitForm`, `/Type /Page`. No match of one holds the
 * start of another (only `/Type /Page` holds a second `/`, and no name begins with `Page`), so
 * one pass counts what a pass per name counted.
 */
const PDF_NAMES =
  /\/(?:(?:JavaScript|JS)\b()|OpenAction\b()|AA\s*<<()|Launch\b()|URI\b()|EmbeddedFile\b()|SubmitForm\b()|Type\s*\/Page\b())/g;
/** Matches counted per name, as each count stopped at 10,000. */
const MAX_PDF_NAME_COUNT = 10_000;

/** Counts the active parts of a PDF in its first megabytes (names with #xx escapes decoded). */
export function pdfFacts(bytes: Uint8Array): PdfFacts {
  const text = decodePdfNames(ascii(bytes, 0, ATTACHMENT_LIMITS.maxPdfBytes));
  const uriSamples: string[] = [];
  const uriRe = /\/URI\s*\(([^)\r\n]{1,300})\)/g;
  let m: RegExpExecArray | null = uriRe.exec(text);
  while (m !== null && uriSamples.length < 5) {
    const uri = m[1] ?? '';
    if (/^[\x20-\x7e]+$/.test(uri) && /^(?:https?|mailto|ftp|www\.)/i.test(uri) && !uriSamples.includes(uri))
      uriSamples.push(uri);
    m = uriRe.exec(text);
  }
  // Per name (the empty group that took part says which): matches found.
  const counts = [0, 0, 0, 0, 0, 0, 0, 0];
  PDF_NAMES.lastIndex = 0;
  for (let found = PDF_NAMES.exec(text); found !== null; found = PDF_NAMES.exec(text)) {
    let name = 0;
    // Bounded: a pattern edited without its empty group must not loop forever.
    while (name < counts.length - 1 && found[name + 1] === undefined) name++;
    counts[name] = Math.min(MAX_PDF_NAME_COUNT, (counts[name] as number) + 1);
  }
  const [javascript, openAction, additionalActions, launch, uris, embeddedFiles, submitForm, pages] = counts as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return {
    javascript,
    openAction: openAction + additionalActions > 0,
    launch: launch > 0,
    uris,
    embeddedFiles,
    submitForm: submitForm > 0,
    pages,
    uriSamples,
  };
}

/** PDF name characters as names are cut for decoding: letters, digits and `#`. */
function isPdfNameChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 35;
}

/** Longest name cut, `/` excluded: longer runs of name characters are cut there. */
const MAX_PDF_NAME = 64;

/**
 * `#xx` escapes decoded in names: what replacing each `/` and the up to 64 name characters after
 * it by its decoding gives, but only the names that hold a `#` are looked at (a PDF has tens of
 * thousands of names and binary streams; building and decoding each was half the PDF's cost).
 */
export function decodePdfNames(raw: string): string {
  let out = '';
  let copied = 0;
  // A `#` found in no name: one after it, with only name characters between, is in none either
  // (its `/` would be farther back, and within reach of this one). Looking back stops there, so
  // that each character is looked at a bounded number of times (a run of `#` cost quadratic time).
  let floor = -1;
  for (let hash = raw.indexOf('#'); hash >= 0; ) {
    // The name holding this `#`, if any: the last `/` before it, name characters between.
    let slash = hash - 1;
    while (slash > floor && hash - slash <= MAX_PDF_NAME && isPdfNameChar(raw.charCodeAt(slash))) slash--;
    if (slash <= floor || hash - slash > MAX_PDF_NAME || raw.charCodeAt(slash) !== 47) {
      floor = hash;
      hash = raw.indexOf('#', hash + 1);
      continue;
    }
    let end = hash + 1;
    while (end < raw.length && end - slash <= MAX_PDF_NAME && isPdfNameChar(raw.charCodeAt(end))) end++;
    out += raw.slice(copied, slash) + decodePdfName(raw.slice(slash, end));
    copied = end;
    hash = raw.indexOf('#', end);
  }
  return copied === 0 ? raw : out + raw.slice(copied);
}

function decodePdfName(name: string): string {
  return name.replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

// ---------------------------------------------------------------- password in the body

const PASSWORD_RE =
  /(?:mot de passe|password|passwort|passcode|mdp|pwd|pass|code d acces|code|cle|contrasena|senha)(?: (?:de l archive|du fichier|du zip|for the (?:archive|file|attachment|document|zip)|of the (?:archive|file|zip)|pour l ouvrir|to open(?: it)?))? (?:est |is |ist |es |e )?(?:le |the )?[a-z0-9]{3,32}\b/;

/** The body tells the reader a password, as an encrypted archive needs ("mot de passe : 1234"). */
export function bodyGivesPassword(ctx: SignalContext): boolean {
  const raw = `${ctx.message.subject}\n${(ctx.message.text || ctx.html.visibleText).slice(0, 50_000)}`;
  // Folded words, but numbers as written: the password may be one ("1234").
  const text = tokenize(raw)
    .filter((t) => t.word !== SENTENCE_BREAK)
    .map((t) => (t.word === '#' ? raw.slice(t.start, t.end) : t.word))
    .join(' ');
  // foldText drops punctuation, so "Password: Inv2024" reads "password inv2024".
  const m = PASSWORD_RE.exec(text);
  if (!m) return false;
  // "code" alone is too common ("code postal", "promo code"): require a digit in its value.
  const value = m[0].split(' ').pop() ?? '';
  const word = m[0].split(' ')[0] ?? '';
  if (['code', 'pass', 'cle'].includes(word) && !/[0-9]/.test(value)) return false;
  return !['reset', 'oublie', 'change', 'changed', 'expire', 'expired', 'manager', 'protected', 'protege'].includes(
    value,
  );
}

// ---------------------------------------------------------------- reasons

export interface AttachmentFinding {
  readonly code: string;
  readonly weight: number;
  readonly fr: string;
  readonly en: string;
  readonly data?: Record<string, string | number | boolean | readonly string[]>;
}

function isBenignType(contentType: string): boolean {
  return BENIGN_TYPES.some((t) => contentType.startsWith(t));
}

type EntryClass = 'executable' | 'script' | 'shortcut' | 'disk' | 'macro' | 'archive' | 'markup' | 'other';

function classifyName(name: string): EntryClass {
  const { extension } = nameFacts(name);
  if (EXECUTABLE_EXT.has(extension) && !DEVELOPER_SCRIPT_EXT.has(extension)) return 'executable';
  if (SCRIPT_EXT.has(extension) && !DEVELOPER_SCRIPT_EXT.has(extension)) return 'script';
  if (SHORTCUT_EXT.has(extension) || ONENOTE_EXT.has(extension)) return 'shortcut';
  if (DISK_EXT.has(extension)) return 'disk';
  if (MACRO_EXT.has(extension)) return 'macro';
  if (ARCHIVE_EXT.has(extension)) return 'archive';
  if (MARKUP_EXT.has(extension)) return 'markup';
  return 'other';
}

const ENTRY_LABEL: Record<EntryClass, { fr: string; en: string }> = {
  executable: { fr: 'un programme', en: 'a program' },
  script: { fr: 'un script', en: 'a script' },
  shortcut: { fr: 'un raccourci', en: 'a shortcut' },
  disk: { fr: 'une image disque', en: 'a disk image' },
  macro: { fr: 'un document à macros', en: 'a macro-enabled document' },
  archive: { fr: 'une autre archive', en: 'another archive' },
  markup: { fr: 'une page web', en: 'a web page' },
  other: { fr: 'un fichier', en: 'a file' },
};

function archiveFindings(listing: ArchiveListing, kind: FileKind, passwordInBody: boolean): AttachmentFinding[] {
  const findings: AttachmentFinding[] = [];
  const dangerous: { name: string; cls: EntryClass }[] = [];
  const nested: string[] = [];
  let vba = false;
  let encrypted = false;
  for (const entry of listing.entries) {
    if (entry.encrypted) encrypted = true;
    const lower = entry.name.toLowerCase();
    if (lower.endsWith('vbaproject.bin') || lower.endsWith('vbaprojectsignature.bin')) vba = true;
    const cls = classifyName(entry.name);
    if (cls === 'executable' || cls === 'script' || cls === 'shortcut' || cls === 'disk' || cls === 'macro') {
      dangerous.push({ name: entry.name.slice(0, 200), cls });
    } else if (cls === 'archive' && !lower.endsWith('.jar')) {
      nested.push(entry.name.slice(0, 200));
    } else if (cls === 'markup' && (nameFacts(entry.name).previous !== '' || listing.entries.length <= 3)) {
      dangerous.push({ name: entry.name.slice(0, 200), cls });
    }
  }
  if (vba) {
    findings.push({
      code: 'mail.attachment.macro',
      weight: 3.5,
      fr: 'contient des macros (vbaProject.bin) : ne les activez jamais',
      en: 'contains macros (vbaProject.bin): never enable them',
      data: { evidence: 'vbaProject.bin' },
    });
  }
  if (dangerous.length > 0) {
    const first = dangerous[0] as { name: string; cls: EntryClass };
    findings.push({
      code: 'mail.attachment.archive_executable',
      weight: first.cls === 'markup' ? 2.5 : 3.5,
      fr: `est une archive qui contient ${ENTRY_LABEL[first.cls].fr} (${first.name})`,
      en: `is an archive holding ${ENTRY_LABEL[first.cls].en} (${first.name})`,
      data: { entries: dangerous.slice(0, ATTACHMENT_LIMITS.maxNamedEntries).map((d) => escapeUnsafe(d.name)) },
    });
  }
  if (nested.length > 0 && kind !== 'unknown') {
    findings.push({
      code: 'mail.attachment.nested_archive',
      weight: 1.5,
      fr: `est une archive dans laquelle se cache une autre archive (${nested[0]})`,
      en: `is an archive hiding another archive (${nested[0]})`,
      data: { entries: nested.slice(0, ATTACHMENT_LIMITS.maxNamedEntries).map(escapeUnsafe) },
    });
  }
  if (encrypted) {
    findings.push(
      passwordInBody
        ? {
            code: 'mail.attachment.encrypted_archive_password',
            weight: 3.5,
            fr: 'est une archive chiffrée dont le mot de passe est donné dans le message : une ruse pour échapper à l’antivirus',
            en: 'is an encrypted archive whose password is given in the message: a trick to get past antivirus scanning',
          }
        : {
            code: 'mail.attachment.encrypted_archive',
            weight: 1.5,
            fr: 'est une archive chiffrée que l’antivirus ne peut pas inspecter',
            en: 'is an encrypted archive that antivirus cannot inspect',
          },
    );
  }
  return findings;
}

function markupFindings(bytes: Uint8Array, kind: FileKind, facts: NameFacts): AttachmentFinding[] {
  const { features } = markupFacts(bytes);
  const f = new Set(features);
  const isSvg = kind === 'svg' || facts.extension === 'svg' || facts.extension === 'svgz';
  const data = { features };
  if ((f.has('blob') || f.has('data_uri') || f.has('base64_blob')) && (f.has('decoding') || f.has('script'))) {
    return [
      {
        code: 'mail.attachment.html_smuggling',
        weight: 4.0,
        fr: 'est une page web qui reconstruit un fichier caché dans son code (contrebande HTML, pour déposer un logiciel malveillant)',
        en: 'is a web page that rebuilds a file hidden in its code (HTML smuggling, to drop malware)',
        data,
      },
    ];
  }
  if (f.has('password_input') || (f.has('form') && !isSvg)) {
    return [
      {
        code: 'mail.attachment.html_form',
        weight: f.has('password_input') ? 4.0 : 3.0,
        fr: 'est une page web avec un formulaire à remplir, souvent une fausse page de connexion pour voler votre mot de passe',
        en: 'is a web page with a form to fill in, often a fake sign-in page to steal your password',
        data,
      },
    ];
  }
  if (isSvg && (f.has('script') || f.has('foreign_object') || f.has('redirect'))) {
    return [
      {
        code: 'mail.attachment.svg_script',
        weight: 3.5,
        fr: 'est une image SVG qui contient du code : elle peut vous rediriger vers un faux site',
        en: 'is an SVG image that contains code: it can redirect you to a fake site',
        data,
      },
    ];
  }
  if (f.has('redirect') || f.has('remote_iframe')) {
    return [
      {
        code: 'mail.attachment.html_redirect',
        weight: 3.0,
        fr: 'est une page web qui vous redirige aussitôt vers un site extérieur',
        en: 'is a web page that immediately sends you to an outside site',
        data,
      },
    ];
  }
  if (isSvg) return [];
  return [
    {
      code: f.has('script') || f.has('decoding') ? 'mail.attachment.html_script' : 'mail.attachment.html',
      weight: f.has('script') || f.has('decoding') ? 2.0 : 1.0,
      fr: 'est une page web à ouvrir dans le navigateur, un format rare pour une vraie pièce jointe',
      en: 'is a web page to open in the browser, an unusual format for a genuine attachment',
      data,
    },
  ];
}

function pdfFindings(bytes: Uint8Array): AttachmentFinding[] {
  const facts = pdfFacts(bytes);
  const findings: AttachmentFinding[] = [];
  const data = {
    javascript: facts.javascript,
    openAction: facts.openAction,
    launch: facts.launch,
    uris: facts.uris,
    embeddedFiles: facts.embeddedFiles,
    pages: facts.pages,
    ...(facts.uriSamples.length > 0 ? { urls: facts.uriSamples } : {}),
  };
  if (facts.launch) {
    findings.push({
      code: 'mail.attachment.pdf_launch',
      weight: 3.5,
      fr: 'est un PDF qui tente de lancer un programme',
      en: 'is a PDF that tries to launch a program',
      data,
    });
  }
  if (facts.javascript > 0) {
    findings.push({
      code: 'mail.attachment.pdf_javascript',
      weight: facts.openAction ? 3.0 : 2.0,
      fr: facts.openAction
        ? 'est un PDF qui exécute du code dès son ouverture'
        : 'est un PDF qui contient du code JavaScript',
      en: facts.openAction
        ? 'is a PDF that runs code as soon as it is opened'
        : 'is a PDF that contains JavaScript code',
      data,
    });
  }
  if (facts.embeddedFiles > 0) {
    findings.push({
      code: 'mail.attachment.pdf_embedded_file',
      weight: 1.0,
      fr: 'est un PDF qui transporte un autre fichier à l’intérieur',
      en: 'is a PDF that carries another file inside it',
      data,
    });
  }
  // A short PDF whose point is a link: the lure of "click to view the document".
  if (facts.uris >= 1 && facts.uris <= 5 && facts.pages <= 2 && !facts.launch && facts.javascript === 0) {
    findings.push({
      code: 'mail.attachment.pdf_link',
      weight: 1.0,
      fr: `est un PDF très court dont le contenu mène à un lien (${facts.uris})`,
      en: `is a very short PDF built around a link (${facts.uris})`,
      data,
    });
  }
  return findings;
}

/** Findings for one attachment, without the file name and hash (added by the caller). */
export function inspectAttachment(attachment: MailAttachment, passwordInBody: boolean): AttachmentFinding[] {
  const bytes = attachment.content;
  const contentType = attachment.contentType.toLowerCase();
  const facts = nameFacts(attachment.filename);
  const kind = sniffKind(bytes);
  const ext = facts.extension;
  const findings: AttachmentFinding[] = [];

  if (facts.bidi) {
    findings.push({
      code: 'mail.attachment.bidi_filename',
      weight: 3.5,
      fr: 'a un nom qui contient un caractère invisible d’inversion du texte, pour cacher sa vraie extension',
      en: 'has a name with an invisible text-reversal character that hides its real extension',
      data: { shownAs: escapeUnsafe(facts.clean) },
    });
  }

  const extExecutable = (EXECUTABLE_EXT.has(ext) || SCRIPT_EXT.has(ext)) && !DEVELOPER_SCRIPT_EXT.has(ext);
  const hiddenExtension =
    facts.previous !== '' &&
    DECOY_EXT.has(facts.previous) &&
    (extExecutable || SHORTCUT_EXT.has(ext) || DISK_EXT.has(ext) || MARKUP_EXT.has(ext));
  // `report.xml.gz` or `photos.jpg.zip` is plain compression, not a disguise: archives are judged by their content.
  if (hiddenExtension || (facts.padded && (extExecutable || SHORTCUT_EXT.has(ext) || MARKUP_EXT.has(ext)))) {
    findings.push({
      code: 'mail.attachment.double_extension',
      weight: 3.0,
      fr: `se fait passer pour un fichier .${facts.previous || '?'} alors que c’est un fichier .${ext}`,
      en: `poses as a .${facts.previous || '?'} file but is really a .${ext} file`,
      data: { shownExtension: facts.previous, realExtension: ext },
    });
  }

  if (isBenignType(contentType) && kind === 'unknown') return findings;

  if (EXECUTABLE_KINDS.has(kind) || (EXECUTABLE_EXT.has(ext) && !DEVELOPER_SCRIPT_EXT.has(ext))) {
    findings.push({
      code: 'mail.attachment.executable',
      weight: 4.0,
      fr: 'est un programme : l’ouvrir l’exécute sur votre poste',
      en: 'is a program: opening it runs it on your computer',
      data: { detected: EXECUTABLE_KINDS.has(kind) ? kind : ext },
    });
  } else if (SCRIPT_EXT.has(ext) && !DEVELOPER_SCRIPT_EXT.has(ext)) {
    findings.push({
      code: 'mail.attachment.script',
      weight: 3.5,
      fr: 'est un script : l’ouvrir exécute des commandes sur votre poste',
      en: 'is a script: opening it runs commands on your computer',
      data: { detected: ext },
    });
  } else if (
    kind === 'shebang' &&
    !SCRIPT_EXT.has(ext) &&
    ext !== '' &&
    !/^(?:text\/x-|application\/x-sh)/.test(contentType)
  ) {
    // `#!/bin/sh` under a document's name: a script in disguise (a named .sh/.py is a developer's file).
    findings.push({
      code: 'mail.attachment.script',
      weight: 2.5,
      fr: 'contient en réalité un script (ligne « #! ») sous un autre nom',
      en: 'really contains a script (a "#!" line) under another name',
      data: { detected: 'shebang' },
    });
  }

  // The bytes say something other than the name: the name is a disguise.
  const realDangerous =
    EXECUTABLE_KINDS.has(kind) ||
    kind === 'lnk' ||
    kind === 'html' ||
    kind === 'svg' ||
    kind === 'iso' ||
    kind === 'shebang';
  const declaredDocument =
    DECOY_EXT.has(ext) || /^(?:application\/pdf|image\/|text\/plain|application\/msword)/.test(contentType);
  if (
    realDangerous &&
    declaredDocument &&
    !(kind === 'shebang' && (SCRIPT_EXT.has(ext) || ext === '')) &&
    !(kind === 'svg' && ext === 'svg') &&
    !(kind === 'html' && MARKUP_EXT.has(ext))
  ) {
    findings.push({
      code: 'mail.attachment.type_mismatch',
      weight: 2.5,
      fr: `se présente comme ${ext ? `un fichier .${ext}` : contentType} mais son contenu est de type ${kind}`,
      en: `claims to be ${ext ? `a .${ext} file` : contentType} but its content is ${kind}`,
      data: { declared: ext || contentType, detected: kind },
    });
  }

  if (kind === 'lnk' || SHORTCUT_EXT.has(ext)) {
    findings.push({
      code: 'mail.attachment.shortcut',
      weight: 3.5,
      fr: 'est un raccourci Windows, qui peut lancer n’importe quelle commande',
      en: 'is a Windows shortcut, which can launch any command',
    });
  }
  if (kind === 'onenote' || ONENOTE_EXT.has(ext)) {
    findings.push({
      code: 'mail.attachment.onenote',
      weight: 2.5,
      fr: 'est un carnet OneNote, format détourné pour cacher des programmes derrière un faux bouton',
      en: 'is a OneNote notebook, a format abused to hide programs behind a fake button',
    });
  }
  if (kind === 'iso' || kind === 'vhd' || kind === 'vhdx' || DISK_EXT.has(ext)) {
    findings.push({
      code: 'mail.attachment.disk_image',
      weight: 3.0,
      fr: 'est une image disque, un conteneur utilisé pour faire passer des programmes',
      en: 'is a disk image, a container used to slip programs through',
    });
  }

  if (MACRO_EXT.has(ext)) {
    findings.push({
      code: 'mail.attachment.macro',
      weight: 3.0,
      fr: 'est un document Office à macros : ne les activez jamais',
      en: 'is a macro-enabled Office document: never enable its macros',
      data: { evidence: ext },
    });
  } else if (kind === 'ole2' && oleHasMacros(bytes)) {
    findings.push({
      code: 'mail.attachment.macro',
      weight: 3.5,
      fr: 'est un document Office qui contient des macros : ne les activez jamais',
      en: 'is an Office document that contains macros: never enable them',
      data: { evidence: 'vba_project' },
    });
  }

  if (kind === 'rtf' && containsBytes(bytes, '\\objdata', ATTACHMENT_LIMITS.maxOleBytes)) {
    findings.push({
      code: 'mail.attachment.rtf_object',
      weight: 2.0,
      fr: 'est un document RTF qui embarque un objet, une technique connue pour exploiter Word',
      en: 'is an RTF document embedding an object, a known way to exploit Word',
    });
  }

  if (kind === 'zip') {
    const listing = listZip(bytes);
    const own = archiveFindings(listing, kind, passwordInBody);
    // A .docm already said "macro": do not count it twice.
    findings.push(
      ...own.filter((f) => !(f.code === 'mail.attachment.macro' && findings.some((g) => g.code === f.code))),
    );
  } else if (kind === 'rar') {
    findings.push(...archiveFindings(listRar(bytes), kind, passwordInBody));
  } else if (kind === 'gzip') {
    const name = gzipName(bytes);
    if (name)
      findings.push(
        ...archiveFindings(
          { entries: [{ name, encrypted: false, size: 0 }], truncated: false, unreadable: false },
          kind,
          false,
        ),
      );
  }
  // 7z keeps its names in a usually compressed header at the end: recognised, not listed.
  if (
    kind === 'ace' ||
    kind === 'cab' ||
    ext === 'ace' ||
    ext === 'arj' ||
    ext === 'r00' ||
    ext === 'uue' ||
    ext === 'xxe'
  ) {
    findings.push({
      code: 'mail.attachment.unusual_archive',
      weight: 1.5,
      fr: 'est une archive d’un format ancien ou rare, souvent choisi pour échapper aux contrôles',
      en: 'is an archive in an old or rare format, often chosen to slip past checks',
      data: { detected: kind !== 'unknown' ? kind : ext },
    });
  }

  if (kind === 'html' || kind === 'svg' || MARKUP_EXT.has(ext)) {
    findings.push(...markupFindings(bytes, kind, facts));
  }
  if (kind === 'pdf') findings.push(...pdfFindings(bytes));
  return findings;
}

/** Dangerous-looking files first, then documents, then pictures, then inline parts. */
function inspectionPriority(attachment: MailAttachment): number {
  const facts = nameFacts(attachment.filename);
  const kind = sniffKind(attachment.content);
  const harmlessKind = kind === 'png' || kind === 'jpeg' || kind === 'gif' || kind === 'unknown';
  if (facts.bidi || facts.padded || classifyName(attachment.filename) !== 'other' || !harmlessKind) return 0;
  const image = attachment.contentType.toLowerCase().startsWith('image/');
  if (attachment.inline) return 3;
  return image ? 2 : 1;
}

const NO_CONTENT = new Uint8Array(0);

export function attachmentReasons(ctx: SignalContext): Reason[] {
  const all = ctx.message.attachments;
  if (all.length === 0) return [];
  // Padding (dozens of one-pixel pictures) must not push the real file past the cap: the
  // riskiest are inspected in full first, the rest by their name only (cheap, never skipped).
  const ordered = all
    .map((attachment, index) => ({ attachment, index, priority: inspectionPriority(attachment) }))
    .sort((a, b) => a.priority - b.priority || a.index - b.index);
  let password: boolean | undefined;
  const passwordInBody = () => {
    password ??= bodyGivesPassword(ctx);
    return password;
  };
  const reasons: Reason[] = [];
  for (const [rank, { attachment }] of ordered.entries()) {
    const full = rank < ATTACHMENT_LIMITS.maxAttachments;
    // Only archives need the body's password: read the body once, and only then.
    const kind = full ? sniffKind(attachment.content.subarray(0, 8)) : 'unknown';
    const needsPassword = kind === 'zip' || kind === 'rar';
    const findings = full
      ? inspectAttachment(attachment, needsPassword ? passwordInBody() : false)
      : inspectAttachment({ ...attachment, content: NO_CONTENT }, false);
    const name = attachment.filename || `(${attachment.contentType || 'unnamed'})`;
    const shown = safeText(name, 120);
    for (const f of findings) {
      reasons.push({
        code: f.code,
        category: 'attachment',
        weight: f.weight,
        message: {
          fr: safeText(`La pièce jointe « ${shown} » ${f.fr}.`),
          en: safeText(`The attachment "${shown}" ${f.en}.`),
        },
        data: {
          filename: escapeUnsafe(name.slice(0, 300)),
          sha256: attachment.sha256,
          ...(full ? {} : { inspected: 'name' }),
          ...(f.data ?? {}),
        },
      });
    }
  }
  if (all.length > ATTACHMENT_LIMITS.maxAttachments) {
    reasons.push({
      code: 'mail.attachment.too_many',
      category: 'attachment',
      weight: 1.0,
      message: {
        fr: `Le message contient un nombre anormal de pièces jointes (${all.length}) : seules les ${ATTACHMENT_LIMITS.maxAttachments} plus risquées ont été examinées en entier, les autres par leur nom seulement.`,
        en: `The message holds an abnormal number of attachments (${all.length}): only the ${ATTACHMENT_LIMITS.maxAttachments} riskiest were examined in full, the others by their name only.`,
      },
      data: { count: all.length, examined: ATTACHMENT_LIMITS.maxAttachments },
    });
  }
  return reasons;
}
