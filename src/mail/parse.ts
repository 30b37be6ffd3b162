/**
 * Raw RFC 5322 / MIME bytes → ParsedMessage, with bounded cost. mailparser does the MIME work
 * (multiparts, transfer encodings, RFC 2047 words, charsets); this file keeps the raw
 * headers, enforces our limits and turns any failure into a partial message with its problems,
 * never a throw: a malformed message is exactly what an attacker sends.
 */
import { createHash } from 'node:crypto';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import type { MailAddress, MailAttachment, MailHeader, ParsedMessage, ParseProblem } from './types.js';

export interface MailLimits {
  /** Larger messages are refused with `MailInputError` (`mail.too_large`). */
  readonly maxBytes: number;
  /** MIME parts beyond this are not parsed (mailparser stops with an error we record). */
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

/** A message the engine refuses to read at all (too large, not bytes). */
export class MailInputError extends Error {
  constructor(
    readonly code: 'mail.too_large' | 'mail.empty',
    message: string,
  ) {
    super(message);
    this.name = 'MailInputError';
  }
}

export async function parseMessage(raw: Uint8Array, limits: MailLimits = DEFAULT_MAIL_LIMITS): Promise<ParsedMessage> {
  if (raw.byteLength === 0) throw new MailInputError('mail.empty', 'The message is empty.');
  if (raw.byteLength > limits.maxBytes) {
    throw new MailInputError(
      'mail.too_large',
      `The message is ${raw.byteLength} bytes, more than the limit of ${limits.maxBytes}.`,
    );
  }
  const problems: ParseProblem[] = [];
  const buffer = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  let parsed: ParsedMail | undefined;
  try {
    parsed = await simpleParser(buffer, {
      maxChildNodes: limits.maxParts,
      maxHeadSize: limits.maxHeaderBytes,
      maxHtmlLengthToParse: limits.maxHtmlChars,
      skipTextToHtml: true,
      skipHtmlToText: true,
      skipImageLinks: true,
      skipTextLinks: true,
      keepCidLinks: true,
      // We hash attachments ourselves (SHA-256, the indicator analysts search for).
      checksumAlgo: false,
    });
  } catch (error) {
    problems.push(parseFailure(error));
  }
  const headers = parsed ? headersOf(parsed) : rawHeaders(buffer, limits.maxHeaderBytes);
  if (!parsed) return fallbackMessage(buffer, headers, problems, limits);

  const attachments: MailAttachment[] = [];
  let tooDeep = 0;
  for (const part of parsed.attachments) {
    if (depthOf(part.partId) > limits.maxDepth) {
      tooDeep++;
      continue;
    }
    attachments.push({
      filename: (part.filename ?? '').slice(0, 1024),
      contentType: part.contentType.toLowerCase(),
      size: part.content.byteLength,
      sha256: createHash('sha256').update(part.content).digest('hex'),
      content: part.content,
      inline: part.related === true || (part.contentDisposition === 'inline' && Boolean(part.cid)),
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
  if (parsed.textConversionError) {
    problems.push({
      code: 'mail.parse.html_too_long',
      message: {
        fr: 'Le corps HTML dépasse la limite : seul son début a été analysé.',
        en: 'The HTML body is over the limit: only its beginning was analysed.',
      },
    });
  }
  const html = typeof parsed.html === 'string' ? parsed.html.slice(0, limits.maxHtmlChars) : '';
  return {
    headers,
    from: firstAddress(parsed.from),
    sender: firstAddress(addressHeader(parsed, 'sender')),
    replyTo: allAddresses(parsed.replyTo),
    returnPath: returnPathOf(headers),
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html,
    attachments,
    problems,
    size: raw.byteLength,
  };
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

/** MIME depth from mailparser's part id ("1.2.3" is three levels down). */
function depthOf(partId: string | null): number {
  if (!partId) return 0;
  let depth = 1;
  for (let i = 0; i < partId.length; i++) if (partId.charCodeAt(i) === 46) depth++;
  return depth;
}

function unfold(value: string): string {
  return value.replace(/\r?\n[ \t]+/g, ' ').trim();
}

function headersOf(parsed: ParsedMail): MailHeader[] {
  return parsed.headerLines.map(({ key, line }) => {
    const colon = line.indexOf(':');
    return { name: key.toLowerCase(), value: unfold(colon >= 0 ? line.slice(colon + 1) : line) };
  });
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

function addressHeader(parsed: ParsedMail, name: string): AddressObject | undefined {
  const value = parsed.headers.get(name);
  return value && typeof value === 'object' && 'value' in value && Array.isArray(value.value)
    ? (value as AddressObject)
    : undefined;
}

function toAddress(name: string, address: string): MailAddress | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return undefined;
  return { name: name.trim(), address: address.toLowerCase(), domain: asciiDomain(address.slice(at + 1)) };
}

function allAddresses(object: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const objects = object === undefined ? [] : Array.isArray(object) ? object : [object];
  const out: MailAddress[] = [];
  for (const o of objects) {
    for (const entry of o.value) {
      const address = entry.address ? toAddress(entry.name, entry.address) : undefined;
      if (address) out.push(address);
    }
  }
  return out;
}

function firstAddress(object: AddressObject | AddressObject[] | undefined): MailAddress | undefined {
  const objects = object === undefined ? [] : Array.isArray(object) ? object : [object];
  const first = objects[0]?.value[0];
  if (!first) return undefined;
  // A display name with no address at all ("Microsoft" <>) is still worth reading.
  return first.address ? toAddress(first.name, first.address) : { name: first.name, address: '', domain: '' };
}

/** Best effort for headers read without mailparser: `Name <a@b>` or a bare address. */
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
