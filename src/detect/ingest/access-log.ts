/**
 * Apache and Nginx access-log lines (Common and Combined Log Formats, extra trailing fields
 * tolerated) into ECS-style web events. A hand-written one-pass scanner: quoted fields may hold
 * escaped quotes (`\"`) that a regular expression would have to backtrack over.
 */
import { type EcsEvent, integer, isoFrom, monthIndex, type ParsedLine, put, stripEol } from './event.js';

/** Longer lines are refused with a reason: no web server writes them. */
export const MAX_ACCESS_LOG_LINE = 64 * 1024;

/** `22/Dec/2016:15:19:05 +0300` (Apache `%t` without brackets) as ISO UTC, or undefined. */
const CLF_TIME = /^(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;
/** The last time read and its reading: consecutive lines of a busy log share their second. */
let lastTime: { readonly text: string; readonly iso: string | undefined } = { text: '', iso: undefined };

export function clfTimeToIso(text: string): string | undefined {
  if (text === lastTime.text) return lastTime.iso;
  const iso = readClfTime(text);
  lastTime = { text, iso };
  return iso;
}

function readClfTime(text: string): string | undefined {
  const m = CLF_TIME.exec(text);
  if (!m) return undefined;
  const [, d, mon, y, h, mi, s, sign, oh, om] = m as unknown as string[];
  const month = monthIndex(mon as string);
  if (month === undefined) return undefined;
  const offset = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  return isoFrom(Number(y), month, Number(d), Number(h), Number(mi), Number(s), 0, offset);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isSpace = (c: number): boolean => c === 0x20 || c === 0x09;

/** Reads fields left to right; each `read*` returns undefined when the line does not fit. */
class Scanner {
  i = 0;
  constructor(readonly text: string) {}

  done(): boolean {
    return this.i >= this.text.length;
  }

  skipSpaces(): void {
    while (isSpace(this.text.charCodeAt(this.i))) this.i++;
  }

  word(): string | undefined {
    this.skipSpaces();
    const start = this.i;
    while (this.i < this.text.length && !isSpace(this.text.charCodeAt(this.i))) this.i++;
    return this.i > start ? this.text.slice(start, this.i) : undefined;
  }

  bracketed(): string | undefined {
    this.skipSpaces();
    if (this.text[this.i] !== '[') return undefined;
    const end = this.text.indexOf(']', this.i);
    if (end < 0) return undefined;
    const inside = this.text.slice(this.i + 1, end);
    this.i = end + 1;
    return inside;
  }

  /**
   * A `"…"` field; `\"` and `\\` are unescaped, other backslash sequences (`\x22`) kept as written.
   * Taken in slices between escapes (most fields have none), not a character at a time.
   */
  quoted(): string | undefined {
    this.skipSpaces();
    const { text } = this;
    if (text.charCodeAt(this.i) !== QUOTE) return undefined;
    let out = '';
    // The start of the part not yet taken: an escaped character starts the next part.
    let from = this.i + 1;
    for (let i = from; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === BACKSLASH) {
        const next = text.charCodeAt(i + 1);
        if (next === QUOTE || next === BACKSLASH) {
          out += text.slice(from, i);
          from = i + 1;
          i++;
        }
      } else if (c === QUOTE) {
        this.i = i + 1;
        return out + text.slice(from, i);
      }
    }
    return undefined;
  }
}

/**
 * Some exports wrap each whole line in one more pair of double quotes
 * (`"1.2.3.4 - - […] "GET / HTTP/1.1" 200 5 "-" "UA""`): a line that starts with a quote
 * cannot be a bare access-log line (it starts with the client's address), so the pair is removed.
 */
function unwrap(line: string): string {
  return line.length >= 2 && line.startsWith('"') && line.endsWith('"') ? line.slice(1, -1) : line;
}

function putRequest(event: EcsEvent, request: string): void {
  if (request === '-' || request === '') return;
  const parts = request.split(' ').filter((p) => p !== '');
  const method = parts[0];
  let target: string | undefined;
  const last = parts[parts.length - 1];
  if (parts.length >= 3 && last?.startsWith('HTTP/')) {
    put(event, 'http.version', last.slice('HTTP/'.length));
    target = parts.slice(1, -1).join(' ');
  } else if (parts.length >= 2) {
    target = parts.slice(1).join(' ');
  }
  if (method !== undefined && /^[A-Za-z_-]{1,32}$/.test(method)) put(event, 'http.request.method', method);
  else return;
  if (target === undefined) return;
  put(event, 'url.original', target);
  const q = target.indexOf('?');
  put(event, 'url.path', q < 0 ? target : target.slice(0, q));
  if (q >= 0) put(event, 'url.query', target.slice(q + 1));
}

/**
 * One access-log line as an ECS-style event: `source.ip`, `user.name` (unless `-`),
 * `@timestamp` (ISO UTC), `http.request.method`, `url.original` / `url.path` / `url.query`,
 * `http.version`, `http.response.status_code`, `http.response.body.bytes`,
 * `http.request.referrer`, `user_agent.original`, `event.category: 'web'`, and the line as
 * `event.original` and `message`. A request line that is not `METHOD target [HTTP/x]` (a TLS
 * handshake sent to a plain-HTTP port, say) is kept in `message` only.
 */
export function parseAccessLogLine(line: string): ParsedLine {
  if (line.length > MAX_ACCESS_LOG_LINE)
    return { ok: false, reason: `line longer than ${MAX_ACCESS_LOG_LINE} characters` };
  const text = unwrap(stripEol(line));
  const s = new Scanner(text);
  const host = s.word();
  const ident = s.word();
  const user = s.word();
  if (host === undefined || ident === undefined || user === undefined)
    return { ok: false, reason: 'not an access-log line: expected "host ident user [time]"' };
  const time = s.bracketed();
  if (time === undefined) return { ok: false, reason: 'not an access-log line: no [time] after "host ident user"' };
  const iso = clfTimeToIso(time);
  if (iso === undefined) return { ok: false, reason: `invalid access-log time [${time.slice(0, 40)}]` };
  const request = s.quoted();
  if (request === undefined) return { ok: false, reason: 'not an access-log line: no quoted request after the time' };
  const status = integer(s.word());
  if (status === undefined || status > 999) return { ok: false, reason: 'not an access-log line: no status code' };
  const bytesText = s.word();
  // `-` is Apache's way of writing "no body" (%b).
  const bytes = bytesText === '-' ? 0 : integer(bytesText);
  if (bytes === undefined) return { ok: false, reason: 'not an access-log line: no response size' };
  const referrer = s.quoted();
  const agent = referrer === undefined ? undefined : s.quoted();
  const event: EcsEvent = {};
  put(event, '@timestamp', iso);
  put(event, 'message', text);
  put(event, 'event.category', 'web');
  put(event, 'event.original', stripEol(line));
  put(event, 'source.ip', host);
  if (user !== '-') put(event, 'user.name', user);
  putRequest(event, request);
  put(event, 'http.response.status_code', status);
  put(event, 'http.response.body.bytes', bytes);
  if (referrer !== undefined && referrer !== '-') put(event, 'http.request.referrer', referrer);
  if (agent !== undefined && agent !== '-') put(event, 'user_agent.original', agent);
  return { ok: true, event };
}
