/**
 * Raw RFC 5322 / MIME bytes → ParsedMessage, with bounded cost. postal-mime does the MIME work
 * in one synchronous-style pass over the bytes, no streams (multiparts, transfer encodings,
 * RFC 2047 words, charsets through TextDecoder); this file keeps the raw headers, assembles the
 * text and HTML bodies as the signals expect them, enforces our limits and turns any failure
 * into a partial message with its problems, never a throw: a malformed message is exactly what
 * an attacker sends.
 */
import { createHash } from 'node:crypto';
import PostalMime, { type Address, addressParser, decodeWords, type Email } from 'postal-mime';
import type { MailAddress, MailAttachment, MailHeader, ParsedMessage, ParseProblem } from './types.js';

export interface MailLimits {
  /** Larger messages are refused with `MailInputError` (`mail.too_large`). */
  readonly maxBytes: number;
  /** MIME parts beyond this are not parsed (the parser stops with an error we record). */
  readonly maxParts: number;
  /** Attachments nested deeper than this (multiparts inside multiparts) are not analysed. */
  readonly maxDepth: number;
  /** HTML bodies longer than this are analysed from their first part only. */
  readonly maxHtmlChars: number;
  /** Bytes of header per MIME part. */
  readonly maxHeaderBytes: number;
}

export const DEFAULT_MAIL_LIMITS: MailLimits = {
  maxBytes: 25 * 1024 * 1024,
  maxParts: 500,
  maxDepth: 20,
  maxHtmlChars: 2 * 1024 * 1024,
  maxHeaderBytes: 256 * 1024,
};

/** A message the engine refuses to read at all: empty, too large, or no message (not a single header field). */
export class MailInputError extends Error {
  constructor(
    readonly code: 'mail.too_large' | 'mail.empty' | 'mail.not_a_message',
    message: string,
  ) {
    super(message);
    this.name = 'MailInputError';
  }
}

/**
 * Parts nested deeper than this make the parser give up (a MIME bomb): far beyond `maxDepth`,
 * whose deeper attachments are dropped one by one rather than failing the message.
 */
const MAX_NESTING = 256;

/** What a message without a single header field gets: a verdict on it would be on text, not on an e-mail. */
const NOT_A_MESSAGE =
  'This is not an e-mail message: it has no header fields (a message starts with lines such as "From: …" and "Subject: …").';

export async function parseMessage(
  given: Uint8Array,
  limits: MailLimits = DEFAULT_MAIL_LIMITS,
): Promise<ParsedMessage> {
  // A byte-order mark, as some Windows tools save .eml files, would make the whole message a body.
  const raw = given[0] === 0xef && given[1] === 0xbb && given[2] === 0xbf ? given.subarray(3) : given;
  if (raw.byteLength === 0) throw new MailInputError('mail.empty', 'The message is empty.');
  if (raw.byteLength > limits.maxBytes) {
    throw new MailInputError(
      'mail.too_large',
      `The message is ${raw.byteLength} bytes, more than the limit of ${limits.maxBytes}.`,
    );
  }
  const problems: ParseProblem[] = [];
  const buffer = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const parser = new MailParser({
    attachmentEncoding: 'arraybuffer',
    maxPartCount: limits.maxParts,
    maxHeadersSize: limits.maxHeaderBytes,
    maxNestingDepth: Math.max(MAX_NESTING, limits.maxDepth + 1),
  });
  let parsed: Pick<Email, 'headerLines' | 'attachments' | 'text' | 'html'> | undefined;
  try {
    // postal-mime copies a view into a buffer of its own; a message that fills its whole
    // ArrayBuffer (a file read, a request body) is handed over as that buffer, without the copy.
    const whole = raw.buffer instanceof ArrayBuffer && raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength;
    parsed = await parser.parse(whole ? (raw.buffer as ArrayBuffer) : buffer);
  } catch (error) {
    problems.push(parseFailure(error));
  }
  if (!parsed) {
    const headers = rawHeaders(buffer, limits.maxHeaderBytes);
    if (headers.length === 0) throw new MailInputError('mail.not_a_message', NOT_A_MESSAGE);
    return fallbackMessage(buffer, headers, problems, limits);
  }
  if (parsed.headerLines.length === 0) throw new MailInputError('mail.not_a_message', NOT_A_MESSAGE);

  const headers = parsed.headerLines.map(({ key, line }) => {
    const colon = line.indexOf(':');
    return { name: key.toLowerCase(), value: unfold(colon >= 0 ? line.slice(colon + 1) : line) };
  });
  // Read from the parser's part tree (see bodiesOf); a test fails if a new version changes it.
  const tree = treeOf(parser);
  const tooDeepContent = tree ? deepContents(tree, limits.maxDepth) : new Set<unknown>();
  const bodies = tree ? bodiesOf(parser) : undefined;
  const text = withWindows1252(bodies ? bodies.text : (parsed.text ?? ''));
  let html = withWindows1252(bodies ? bodies.html : (parsed.html ?? ''));

  const attachments: MailAttachment[] = [];
  let tooDeep = 0;
  const deliveryStatus: string[] = [];
  for (const part of parsed.attachments) {
    if (tooDeepContent.has(part.content)) {
      tooDeep++;
      continue;
    }
    const content = contentBytes(part.content);
    const contentType = declaredType(part.mimeType, part.filename);
    // A delivery report's status part is text to read, as the reader's client shows it.
    if (contentType === 'message/delivery-status' && part.disposition !== 'attachment') {
      deliveryStatus.push(content.toString('utf8').replace(/\r?\n/g, '\n'));
      continue;
    }
    attachments.push({
      filename: (part.filename ?? '').slice(0, 1024),
      contentType,
      size: content.byteLength,
      sha256: createHash('sha256').update(content).digest('hex'),
      content,
      inline: part.related === true || (part.disposition === 'inline' && Boolean(part.contentId)),
    });
  }
  if (tooDeep > 0) {
    problems.push({
      code: 'mail.parse.too_deep',
      message: {
        fr: `${tooDeep} pièce(s) imbriquée(s) à plus de ${limits.maxDepth} niveaux n'ont pas été analysées.`,
        en: `${tooDeep} part(s) nested more than ${limits.maxDepth} levels deep were not analysed.`,
      },
    });
  }
  if (html.length > limits.maxHtmlChars) {
    html = html.slice(0, limits.maxHtmlChars);
    problems.push({
      code: 'mail.parse.html_too_long',
      message: {
        fr: 'Le corps HTML dépasse la limite : seul son début a été analysé.',
        en: 'The HTML body is over the limit: only its beginning was analysed.',
      },
    });
  }
  const header = (name: string) => headers.find((h) => h.name === name)?.value;
  return {
    headers,
    from: firstAddress(header('from')),
    sender: firstAddress(header('sender')),
    replyTo: headers.filter((h) => h.name === 'reply-to').flatMap((h) => allAddresses(h.value)),
    returnPath: returnPathOf(headers),
    subject: decodedText(header('subject')),
    text: deliveryStatus.length > 0 ? [text, ...deliveryStatus].filter(Boolean).join('\n') : text,
    html,
    attachments,
    problems,
    size: raw.byteLength,
  };
}

/** What postal-mime keeps of a part after parsing (not part of its typed API: read with care). */
interface PartNode {
  readonly depth?: unknown;
  readonly content?: unknown;
  readonly childNodes?: unknown;
}

interface TextItem {
  readonly type: string;
  readonly value: unknown;
}

/** What `LeanPostalMime` reads and replaces of the parser (not part of its typed API: read with care). */
interface ParserInternals {
  readonly buildMessage?: unknown;
  readonly renderTextContent?: unknown;
  readonly root?: { readonly rawHeaderLines?: unknown };
  readonly attachments?: unknown;
}

/**
 * At the end of `parse`, postal-mime renders its own text and HTML bodies and builds its result
 * by parsing every address header (To, Cc, Bcc, Delivered-To…) and decoding Subject, Message-ID,
 * References and Date: ~3% of the engine's time, for values this file takes from the part tree
 * (bodiesOf) and the raw header lines instead. This parser's result is cut down to what is read
 * here. Its methods are the class's rather than closures set on each parser: in a loop over one
 * message, such a closure (holding its parser, set on it) had a third of what parsing allocated
 * promoted out of the young generation, and none with the class.
 */
class LeanPostalMime extends PostalMime {
  renderTextContent(): void {}

  buildMessage(): Pick<Email, 'headerLines' | 'attachments'> {
    const internals = this as unknown as ParserInternals;
    const headerLines = internals.root?.rawHeaderLines;
    return {
      headerLines: Array.isArray(headerLines) ? (headerLines as Email['headerLines']) : [],
      attachments: internals.attachments as Email['attachments'],
    };
  }
}

/** Whether postal-mime still has the internals LeanPostalMime replaces and reads. */
export function hasLeanInternals(parser: PostalMime = new PostalMime()): boolean {
  const internals = parser as unknown as ParserInternals;
  return (
    typeof internals.buildMessage === 'function' &&
    typeof internals.renderTextContent === 'function' &&
    Array.isArray(internals.attachments) &&
    treeOf(parser) !== undefined
  );
}

/** The lean parser, or postal-mime's own if a new version no longer has the shape it relies on. */
export const MailParser: typeof PostalMime = hasLeanInternals() ? LeanPostalMime : PostalMime;

/** The parser's part tree, when it has the shape this file was written against. */
function treeOf(parser: PostalMime): PartNode | undefined {
  const root = (parser as unknown as { root?: PartNode }).root;
  const textMap = (parser as unknown as { textMap?: unknown }).textMap;
  return root && typeof root.depth === 'number' && Array.isArray(root.childNodes) && textMap instanceof Map
    ? root
    : undefined;
}

/** The contents of the leaf parts nested deeper than `maxDepth` (an attachment's content is its part's). */
function deepContents(root: PartNode, maxDepth: number): Set<unknown> {
  const found = new Set<unknown>();
  const stack: PartNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as PartNode;
    const children = Array.isArray(node.childNodes) ? (node.childNodes as PartNode[]) : [];
    if (children.length === 0 && typeof node.depth === 'number' && node.depth > maxDepth && node.content) {
      found.add(node.content);
    }
    for (const child of children) stack.push(child);
  }
  return found;
}

/**
 * The plain and HTML bodies: every text part of the message as it was sent, in order, one
 * alternative of each `multipart/alternative` per kind. postal-mime's own `text` and `html`
 * also hold each part converted to the other kind (plain text rendered as HTML, HTML flattened
 * to text): the signals must know which one the sender wrote, so those are left out.
 */
function bodiesOf(parser: PostalMime): { text: string; html: string } {
  const textMap = (parser as unknown as { textMap: Map<unknown, Partial<Record<'plain' | 'html', TextItem[]>>> })
    .textMap;
  const plain: string[] = [];
  const html: string[] = [];
  for (const entry of textMap.values()) {
    for (const item of entry.plain ?? [])
      if (item.type === 'text' && typeof item.value === 'string') plain.push(item.value);
    for (const item of entry.html ?? [])
      if (item.type === 'text' && typeof item.value === 'string') html.push(item.value);
  }
  return { text: plain.join('\n'), html: html.join('<br/>\n') };
}

/**
 * Types of the usual attachment extensions: a part sent as `application/octet-stream` is given
 * the type its file name says, as mail clients show it (the signals compare it with the bytes).
 */
const TYPE_OF_EXTENSION: Readonly<Record<string, string>> = {
  '7z': 'application/x-7z-compressed',
  bmp: 'image/bmp',
  csv: 'text/csv',
  doc: 'application/msword',
  docm: 'application/vnd.ms-word.document.macroenabled.12',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  eml: 'message/rfc822',
  exe: 'application/x-msdownload',
  gif: 'image/gif',
  gz: 'application/gzip',
  htm: 'text/html',
  html: 'text/html',
  ico: 'image/x-icon',
  ics: 'text/calendar',
  iso: 'application/x-iso9660-image',
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  js: 'application/javascript',
  json: 'application/json',
  msi: 'application/x-msdownload',
  odt: 'application/vnd.oasis.opendocument.text',
  pdf: 'application/pdf',
  png: 'image/png',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  rar: 'application/x-rar-compressed',
  rtf: 'application/rtf',
  svg: 'image/svg+xml',
  tar: 'application/x-tar',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  txt: 'text/plain',
  webp: 'image/webp',
  xls: 'application/vnd.ms-excel',
  xlsm: 'application/vnd.ms-excel.sheet.macroenabled.12',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xml: 'application/xml',
  zip: 'application/zip',
};

function declaredType(mimeType: string, filename: string | null): string {
  const type = mimeType.toLowerCase();
  if (type !== 'application/octet-stream' || !filename) return type;
  const dot = filename.lastIndexOf('.');
  const extension =
    dot >= 0
      ? filename
          .slice(dot + 1)
          .trim()
          .toLowerCase()
      : '';
  return Object.hasOwn(TYPE_OF_EXTENSION, extension) ? (TYPE_OF_EXTENSION[extension] as string) : type;
}

function contentBytes(content: ArrayBuffer | Uint8Array | string): Buffer {
  if (typeof content === 'string') return Buffer.from(content, 'utf8');
  if (content instanceof Uint8Array) return Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  return Buffer.from(content);
}

/** An unstructured header's text, its RFC 2047 words decoded. */
function decodedText(value: string | undefined): string {
  if (!value) return '';
  return withWindows1252(decodeWords(value)).trim();
}

/** Windows-1252's characters for the bytes 0x80–0x9F, where ISO-8859-1 has C1 controls. */
const WINDOWS_1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const C1_CONTROLS = /[\u0080-\u009f]/g;

/**
 * Node 20's TextDecoder reads `windows-1252` (and so `iso-8859-1`, which the Encoding standard
 * treats as the same) as Latin-1: `€`, curly quotes, dashes and `œ` come out as invisible C1
 * controls, which no mail client shows and no real text contains. They are put back as the
 * characters a client displays.
 */
function withWindows1252(text: string): string {
  C1_CONTROLS.lastIndex = 0;
  if (!C1_CONTROLS.test(text)) return text;
  return text.replace(C1_CONTROLS, (c) => WINDOWS_1252_HIGH.charAt(c.charCodeAt(0) - 0x80));
}

function parseFailure(error: unknown): ParseProblem {
  const detail = error instanceof Error ? error.message.slice(0, 200) : 'unknown error';
  return {
    code: 'mail.parse.mime_error',
    message: {
      fr: `La structure MIME est invalide (${detail}) : seuls les en-têtes et le texte brut ont été analysés.`,
      en: `The MIME structure is invalid (${detail}): only the headers and raw text were analysed.`,
    },
  };
}

function unfold(value: string): string {
  return value.replace(/\r?\n[ \t]+/g, ' ').trim();
}

/** Headers read directly from the bytes when MIME parsing failed: up to the first empty line. */
function rawHeaders(buffer: Buffer, maxBytes: number): MailHeader[] {
  const head = buffer.subarray(0, maxBytes).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const block = end >= 0 ? head.slice(0, end) : head;
  const headers: MailHeader[] = [];
  for (const line of block.split(/\r?\n(?![ \t])/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push({ name: line.slice(0, colon).trim().toLowerCase(), value: unfold(line.slice(colon + 1)) });
  }
  return headers;
}

function fallbackMessage(
  buffer: Buffer,
  headers: MailHeader[],
  problems: ParseProblem[],
  limits: MailLimits,
): ParsedMessage {
  const text = buffer.subarray(0, limits.maxHtmlChars).toString('utf8');
  const bodyStart = text.search(/\r?\n\r?\n/);
  const header = (name: string) => headers.find((h) => h.name === name)?.value;
  return {
    headers,
    from: addressFromText(header('from')),
    sender: addressFromText(header('sender')),
    replyTo: [addressFromText(header('reply-to'))].filter((a): a is MailAddress => a !== undefined),
    returnPath: returnPathOf(headers),
    subject: header('subject') ?? '',
    text: bodyStart >= 0 ? text.slice(bodyStart).trim() : '',
    html: '',
    attachments: [],
    problems,
    size: buffer.byteLength,
  };
}

function toAddress(name: string, address: string): MailAddress | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return undefined;
  return {
    name: withWindows1252(name).trim(),
    address: address.toLowerCase(),
    domain: asciiDomain(address.slice(at + 1)),
  };
}

/** Every mailbox of an address header (a group's name alone stands for the group, no address). */
function allAddresses(value: string | undefined): MailAddress[] {
  const out: MailAddress[] = [];
  for (const entry of parsedAddresses(value)) {
    const address = entry.address ? toAddress(entry.name, entry.address) : undefined;
    if (address) out.push(address);
  }
  return out;
}

function firstAddress(value: string | undefined): MailAddress | undefined {
  const first = parsedAddresses(value)[0];
  if (!first) return undefined;
  // A display name with no address at all ("Microsoft" <>) is still worth reading.
  return first.address
    ? toAddress(first.name, first.address)
    : { name: withWindows1252(first.name).trim(), address: '', domain: '' };
}

function parsedAddresses(value: string | undefined): Address[] {
  if (!value) return [];
  try {
    return simpleAddress(value) ?? addressParser(value);
  } catch {
    return [];
  }
}

/** A plain ASCII address: no comment, group, escape, encoded word or second mailbox. */
const PLAIN_ADDRESS = '([A-Za-z0-9._+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*)';
const NAMED_ADDRESS = new RegExp(`^([A-Za-z0-9 .'_-]*)<${PLAIN_ADDRESS}> *$`);
const QUOTED_NAME_ADDRESS = new RegExp(`^ *"([A-Za-z0-9 .,'_&:;!?/|-]*)" *<${PLAIN_ADDRESS}> *$`);
const BARE_ADDRESS = new RegExp(`^ *${PLAIN_ADDRESS} *$`);

/**
 * What addressParser answers for the common shapes — `Name <a@b.c>`, `"Name, Inc." <a@b.c>`,
 * `a@b.c` in plain ASCII (86% of the corpus's address headers) — without its general tokenizer,
 * which cost more than the rest of reading the headers; `undefined` for anything else.
 */
export function simpleAddress(value: string): Address[] | undefined {
  const named = NAMED_ADDRESS.exec(value) ?? QUOTED_NAME_ADDRESS.exec(value);
  if (named) return [{ address: named[2] as string, name: (named[1] as string).trim() }];
  const bare = BARE_ADDRESS.exec(value);
  return bare ? [{ address: bare[1] as string, name: '' }] : undefined;
}

/** Best effort for headers read when MIME parsing failed: `Name <a@b>` or a bare address. */
function addressFromText(value: string | undefined): MailAddress | undefined {
  if (!value) return undefined;
  const angle = /<([^<>\s]{1,320})>/.exec(value);
  const address = angle?.[1] ?? value.trim();
  const name = angle ? value.slice(0, angle.index).replace(/"/g, '').trim() : '';
  return toAddress(name, address);
}

function returnPathOf(headers: readonly MailHeader[]): string | undefined {
  const value = headers.find((h) => h.name === 'return-path')?.value;
  if (value === undefined) return undefined;
  const angle = /<([^<>]{0,320})>/.exec(value);
  return (angle ? (angle[1] ?? '') : value).trim().toLowerCase();
}

/** Lower-case ASCII form of a domain (IDN → punycode); the input unchanged if it is not a host. */
export function asciiDomain(domain: string): string {
  const trimmed = domain.trim().replace(/\.$/, '').toLowerCase();
  if (/^[a-z0-9.-]*$/.test(trimmed)) return trimmed;
  // URL parsing would drop whatever follows a '#', '/', '?' or '\\' (`paypal.com#é.top` would
  // become paypal.com): such a "domain" stays as written, and is reported as invalid.
  if (/[\s/?#\\@:%\p{Cc}]/u.test(trimmed)) return trimmed;
  try {
    const hostname = new URL(`http://${trimmed}/`).hostname;
    return /^[a-z0-9.-]+$/.test(hostname) ? hostname : trimmed;
  } catch {
    return trimmed;
  }
}
