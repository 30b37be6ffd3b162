/**
 * Syslog lines, RFC 3164 (BSD, as in /var/log/auth.log) and RFC 5424 (with structured data),
 * into ECS-style events; sshd and sudo messages are further read into authentication fields
 * (auth.ts). Pure: the year that RFC 3164 timestamps lack comes from the caller.
 */
import { readAuthMessage } from './auth.js';
import { type EcsEvent, integer, isoFrom, monthIndex, type ParsedLine, put, stripEol } from './event.js';

export interface SyslogContext {
  /** RFC 3164 timestamps carry no year: the one they are read in (usually the file's). */
  readonly year: number;
}

/** Longer lines are refused (with a reason) rather than read: no syslog transport sends them. */
export const MAX_SYSLOG_LINE = 64 * 1024;

const FACILITIES = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'security',
  'console',
  'solaris-cron',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
] as const;
const SEVERITIES = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'informational', 'debug'] as const;

// Every pattern below is anchored and free of nested or overlapping quantifiers: linear time.
const PRI = /^<(\d{1,3})>/;
const VERSION_5424 = /^([1-9]\d?) /;
const BSD_TIME = /^([A-Za-z]{3}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) /;
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;
const TAG = /^([^\s[\]:]{1,128})(?:\[([^\s\]]{1,32})\])?:/;

/** An RFC 3339 timestamp (`2024-03-01T10:00:00.5+01:00`) as ISO UTC, or undefined. */
export function rfc3339ToIso(text: string): string | undefined {
  const m = ISO_TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m as unknown as string[];
  let offset = 0;
  if (zone !== 'Z' && zone !== undefined) {
    const sign = zone.startsWith('-') ? -1 : 1;
    offset = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  }
  const millis = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  return isoFrom(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), millis, offset);
}

function putPriority(event: EcsEvent, pri: number): void {
  const facility = pri >> 3;
  const severity = pri & 7;
  put(event, 'log.syslog.priority', pri);
  put(event, 'log.syslog.facility.code', facility);
  put(event, 'log.syslog.facility.name', FACILITIES[facility]);
  put(event, 'log.syslog.severity.code', severity);
  put(event, 'log.syslog.severity.name', SEVERITIES[severity]);
}

/** Splits off the first space-separated token: `[token, rest]`, rest without its leading space. */
function token(text: string): [string, string] {
  const space = text.indexOf(' ');
  return space < 0 ? [text, ''] : [text.slice(0, space), text.slice(space + 1)];
}

/** `name[pid]: message` (or `name: message`) into process fields and the message. */
function putTagAndMessage(event: EcsEvent, rest: string): void {
  const tag = TAG.exec(rest);
  if (!tag) {
    put(event, 'message', rest);
    return;
  }
  const [whole, name, pid] = tag as unknown as [string, string, string | undefined];
  put(event, 'process.name', name);
  put(event, 'process.pid', integer(pid));
  put(event, 'log.syslog.appname', name);
  put(event, 'message', rest.slice(whole.length).replace(/^ /, ''));
}

function parse3164(event: EcsEvent, text: string, context: SyslogContext): string | undefined {
  let rest: string;
  const bsd = BSD_TIME.exec(text);
  if (bsd) {
    const [whole, mon, d, h, mi, s] = bsd as unknown as string[];
    const month = monthIndex(mon as string);
    if (month === undefined) return `unknown month "${mon}"`;
    // No zone in the format: read as UTC, the only choice that does not depend on the reader's machine.
    const iso = isoFrom(context.year, month, Number(d), Number(h), Number(mi), Number(s));
    if (iso === undefined) return `invalid date "${(whole as string).trim()}" in year ${context.year}`;
    put(event, '@timestamp', iso);
    rest = text.slice((whole as string).length);
  } else {
    // rsyslog's high-precision format: an RFC 3339 timestamp in place of the BSD one.
    const [stamp, after] = token(text);
    const iso = rfc3339ToIso(stamp);
    if (iso === undefined) return 'no syslog timestamp (neither "Mmm dd hh:mm:ss" nor RFC 3339)';
    put(event, '@timestamp', iso);
    rest = after;
  }
  const [host, after] = token(rest);
  if (host === '') return 'no host name after the timestamp';
  // `Dec 10 06:55:46 sshd[1]: …` has no host: the first token is already the tag.
  if (TAG.test(host)) {
    putTagAndMessage(event, rest);
  } else {
    put(event, 'host.hostname', host);
    putTagAndMessage(event, after);
  }
  return undefined;
}

/**
 * RFC 5424 structured data: `[id k="v" k2="v2"][id2 …]`, values with `\"`, `\\`, `\]` escapes.
 * Returns the elements and where the data ended, or a reason. One pass, no regular expression.
 */
function readStructuredData(
  text: string,
): { data: Record<string, Record<string, string>>; end: number } | { reason: string } {
  const data: Record<string, Record<string, string>> = Object.create(null);
  let i = 0;
  while (text[i] === '[') {
    i++;
    let id = '';
    while (i < text.length && text[i] !== ' ' && text[i] !== ']') id += text[i++];
    if (id === '') return { reason: 'structured data element without an id' };
    const params: Record<string, string> = Object.create(null);
    while (text[i] === ' ') {
      i++;
      let name = '';
      while (i < text.length && text[i] !== '=' && text[i] !== ' ' && text[i] !== ']') name += text[i++];
      if (text[i] !== '=' || text[i + 1] !== '"' || name === '')
        return { reason: `structured data parameter "${name}" of [${id}] is not name="value"` };
      i += 2;
      let value = '';
      for (;;) {
        const c = text[i];
        if (c === undefined) return { reason: `unterminated value of ${name} in [${id}]` };
        if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\' || text[i + 1] === ']')) {
          value += text[i + 1];
          i += 2;
        } else if (c === '"') {
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      params[name] = value;
    }
    if (text[i] !== ']') return { reason: `structured data element [${id}] is not closed` };
    i++;
    data[id] = { ...params };
  }
  return { data: { ...data }, end: i };
}

function parse5424(event: EcsEvent, text: string): string | undefined {
  const fields: string[] = [];
  let rest = text;
  for (let n = 0; n < 5; n++) {
    const [value, after] = token(rest);
    if (value === '') return 'RFC 5424 header is incomplete (timestamp host app procid msgid)';
    fields.push(value);
    rest = after;
  }
  const [stamp, host, app, procid, msgid] = fields as [string, string, string, string, string];
  if (stamp !== '-') {
    const iso = rfc3339ToIso(stamp);
    if (iso === undefined) return `invalid RFC 5424 timestamp "${stamp.slice(0, 40)}"`;
    put(event, '@timestamp', iso);
  }
  if (host !== '-') put(event, 'host.hostname', host);
  if (app !== '-') {
    put(event, 'process.name', app);
    put(event, 'log.syslog.appname', app);
  }
  if (procid !== '-') {
    put(event, 'log.syslog.procid', procid);
    put(event, 'process.pid', integer(procid));
  }
  if (msgid !== '-') put(event, 'log.syslog.msgid', msgid);
  let message: string;
  if (rest.startsWith('-')) {
    message = rest.slice(1);
  } else if (rest.startsWith('[')) {
    const sd = readStructuredData(rest);
    if ('reason' in sd) return sd.reason;
    put(event, 'log.syslog.structured_data', sd.data);
    message = rest.slice(sd.end);
  } else {
    return 'RFC 5424 structured data is neither "-" nor "[…]"';
  }
  if (message !== '' && !message.startsWith(' ')) return 'no space between structured data and message';
  // The message may start with a UTF-8 byte order mark, which says "this is UTF-8", not text.
  put(event, 'message', message.slice(1).replace(/^\uFEFF/, ''));
  return undefined;
}

/**
 * One syslog line (RFC 3164 or RFC 5424, with or without `<PRI>`) as an ECS-style event:
 * `@timestamp` (ISO, UTC; RFC 3164 times are read as UTC in `context.year`), `message`,
 * `host.hostname`, `process.name`, `process.pid`, `log.syslog.*`, and for sshd and sudo
 * messages the authentication fields of auth.ts. The line itself is kept as `event.original`.
 */
export function parseSyslogLine(line: string, context: SyslogContext): ParsedLine {
  if (line.length > MAX_SYSLOG_LINE) return { ok: false, reason: `line longer than ${MAX_SYSLOG_LINE} characters` };
  const text = stripEol(line);
  // \`log.syslog\` is always there: it is how the field mapping recognises syslog events.
  const event: EcsEvent = { log: { syslog: {} } };
  let rest = text;
  const pri = PRI.exec(rest);
  if (pri) {
    const value = Number(pri[1]);
    if (value > 191) return { ok: false, reason: `syslog priority ${value} is above 191` };
    putPriority(event, value);
    rest = rest.slice(pri[0].length);
  }
  const version = pri ? VERSION_5424.exec(rest) : null;
  let problem: string | undefined;
  if (version) {
    put(event, 'log.syslog.version', Number(version[1]));
    problem = parse5424(event, rest.slice(version[0].length));
  } else {
    problem = parse3164(event, rest, context);
  }
  if (problem !== undefined) return { ok: false, reason: problem };
  put(event, 'event.original', text);
  readAuthMessage(event);
  return { ok: true, event };
}
