/**
 * Proxy and DNS log lines → one record shape: Squid native access.log, W3C/ELFF (driven by its
 * `#Fields:` header), Zscaler NSS web logs in JSON, dnsmasq and BIND query logs, and generic
 * JSON lines (flat or ECS-style nested keys). Pure and line by line, so a caller can stream
 * files of any size; a line that cannot be read is reported (line number, reason), never thrown.
 */

/** One request (or DNS query) to a host. Times are ISO 8601 in UTC. */
export interface LogRecord {
  readonly time: string;
  readonly user?: string;
  readonly clientIp?: string;
  readonly host: string;
  /** Bytes the client sent (request size), when the log has it. */
  readonly bytesOut?: number;
  /** Bytes the client received. */
  readonly bytesIn?: number;
  /** What the proxy did (`allowed`, `blocked`, or the log's own word). */
  readonly action?: string;
  /** Department as logged by the proxy itself (Zscaler), used when the user map has none. */
  readonly department?: string;
}

export const LOG_FORMATS = ['auto', 'squid', 'w3c', 'zscaler', 'dnsmasq', 'bind', 'jsonl'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export type LineResult =
  | { readonly kind: 'record'; readonly record: LogRecord; readonly format: Exclude<LogFormat, 'auto'> }
  /** Comments, headers, DNS replies: not requests, nothing lost. */
  | { readonly kind: 'ignored' }
  | { readonly kind: 'invalid'; readonly reason: string };

export interface LogParserOptions {
  readonly format?: LogFormat;
  /** Year for syslog-style timestamps that have none (dnsmasq): the caller's clock decides. */
  readonly year?: number;
}

/** Longest line read; longer ones are reported, not parsed (a log line is never this long). */
export const MAX_LINE = 65_536;

const IGNORED: LineResult = { kind: 'ignored' };
const invalid = (reason: string): LineResult => ({ kind: 'invalid', reason });

/** A host name as logs write it (`Chat.OpenAI.com.`, `chatgpt.com:443`, `[::1]:443`) → lowercase name. */
export function normaliseHost(raw: string): string | undefined {
  let h = raw.trim().toLowerCase();
  if (h.length === 0 || h === '-') return undefined;
  if (h.includes('://')) {
    try {
      h = new URL(h).hostname;
    } catch {
      return undefined;
    }
  } else {
    const slash = h.indexOf('/');
    if (slash >= 0) h = h.slice(0, slash);
    if (h.startsWith('[')) {
      const close = h.indexOf(']');
      h = close > 0 ? h.slice(1, close) : h;
    } else if (h.split(':').length === 2) h = h.slice(0, h.indexOf(':'));
  }
  h = h.replace(/\.+$/, '');
  if (h.length === 0 || h.length > 253 || !/^[a-z0-9._:-]+$/.test(h)) return undefined;
  return h;
}

function num(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const t = value.trim();
    return t.length > 0 && t !== '-' && t.length <= 512 ? t : undefined;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function iso(ms: number): string | undefined {
  if (!Number.isFinite(ms) || ms < 0 || ms > 8.64e15) return undefined;
  return new Date(ms).toISOString();
}

const MONTHS: Readonly<Record<string, number>> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};

/** ISO 8601, `YYYY-MM-DD HH:MM:SS`, epoch seconds or milliseconds, `Mon Oct 16 22:55:48 2023`. */
export function parseTime(value: unknown): string | undefined {
  if (typeof value === 'number') return iso(value > 1e11 ? value : value * 1000);
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  if (/^\d{9,10}(?:\.\d{1,6})?$/.test(t)) return iso(Number(t) * 1000);
  if (/^\d{12,13}$/.test(t)) return iso(Number(t));
  const ctime = /^(?:[A-Za-z]{3} )?([A-Za-z]{3}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/.exec(t);
  if (ctime) {
    const month = MONTHS[(ctime[1] ?? '').toLowerCase()];
    if (month === undefined) return undefined;
    return iso(
      Date.UTC(Number(ctime[6]), month, Number(ctime[2]), Number(ctime[3]), Number(ctime[4]), Number(ctime[5])),
    );
  }
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/.test(t)) {
    const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/.test(t.slice(10));
    return iso(Date.parse(`${t.replace(' ', 'T')}${hasZone ? '' : 'Z'}`));
  }
  return undefined;
}

/** Fields split on spaces, `"quoted values"` kept whole (W3C writes `"Mozilla/5.0 (X11)"`). */
function splitFields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
    if (i >= n) break;
    if (line[i] === '"') {
      const close = line.indexOf('"', i + 1);
      const end = close < 0 ? n : close;
      out.push(line.slice(i + 1, end));
      i = end + 1;
    } else {
      let j = i;
      while (j < n && line[j] !== ' ' && line[j] !== '\t') j++;
      out.push(line.slice(i, j));
      i = j;
    }
  }
  return out;
}

// --- Squid native: `time elapsed client code/status bytes method URL user hierarchy/peer type`.
const SQUID_START = /^\d{9,10}\.\d{1,3}\s+-?\d+\s+\S+\s+[A-Z_]+\/\d{3}\s/;

function parseSquid(line: string): LineResult {
  const f = line.trim().split(/\s+/);
  if (f.length < 7) return invalid('squid: fewer than 7 fields');
  const time = parseTime(f[0]);
  if (!time) return invalid('squid: bad timestamp');
  const host = normaliseHost(f[6] ?? '');
  if (!host) return invalid('squid: no host in the URL');
  const code = f[3] ?? '';
  const user = str(f[7]);
  const bytesIn = num(f[4]);
  return record('squid', {
    time,
    clientIp: f[2] ?? '',
    host,
    ...(user ? { user } : {}),
    ...(bytesIn !== undefined ? { bytesIn } : {}),
    action: code.includes('DENIED') ? 'blocked' : 'allowed',
  });
}

function record(format: Exclude<LogFormat, 'auto'>, r: LogRecord): LineResult {
  const clean: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (v !== undefined && v !== '') clean[k] = v;
  return { kind: 'record', record: clean as unknown as LogRecord, format };
}

// --- W3C extended / ELFF (Blue Coat, IIS, Forcepoint...): the `#Fields:` header names the columns.
function parseW3c(line: string, fields: readonly string[]): LineResult {
  const v = splitFields(line);
  if (v.length !== fields.length) return invalid(`w3c: ${v.length} values for ${fields.length} fields`);
  const get = (...names: string[]): string | undefined => {
    for (const name of names) {
      const i = fields.indexOf(name);
      if (i >= 0) {
        const s = str(v[i]);
        if (s) return s;
      }
    }
    return undefined;
  };
  const date = get('date');
  const clock = get('time');
  const time = date && clock ? parseTime(`${date} ${clock}`) : parseTime(get('datetime', 'x-timestamp') ?? '');
  if (!time) return invalid('w3c: no date and time');
  let host = normaliseHost(get('cs-host', 'cs-uri-host', 'r-host', 's-host', 'x-cs-host') ?? '');
  if (!host) host = normaliseHost(get('cs-uri', 'cs-url', 'cs-uri-stem') ?? '');
  if (!host) return invalid('w3c: no host');
  const user = get('cs-username', 'cs-userdn', 'cs-user', 'x-username');
  const clientIp = get('c-ip', 'x-forwarded-for', 'c-ip-address');
  const bytesOut = num(get('cs-bytes'));
  const bytesIn = num(get('sc-bytes'));
  const action = get('s-action', 'x-action', 'sc-filter-result', 'x-rs-action');
  return record('w3c', {
    time,
    host,
    ...(user ? { user } : {}),
    ...(clientIp ? { clientIp } : {}),
    ...(bytesOut !== undefined ? { bytesOut } : {}),
    ...(bytesIn !== undefined ? { bytesIn } : {}),
    ...(action ? { action } : {}),
  });
}

// --- JSON: Zscaler NSS web logs, and generic JSON lines.
type Json = Record<string, unknown>;

/** Values by lowercase key, nested objects flattened with dots (`source.ip`), depth-bounded. */
function flatten(value: Json, into: Map<string, unknown> = new Map(), prefix = '', depth = 0): Map<string, unknown> {
  for (const [k, v] of Object.entries(value)) {
    const key = `${prefix}${k.toLowerCase()}`;
    if (v && typeof v === 'object' && !Array.isArray(v) && depth < 4) flatten(v as Json, into, `${key}.`, depth + 1);
    else if (!into.has(key)) into.set(key, v);
  }
  return into;
}

function pick(map: ReadonlyMap<string, unknown>, names: readonly string[]): unknown {
  for (const n of names) {
    const v = map.get(n);
    if (v !== undefined && v !== null && v !== '' && v !== '-') return v;
  }
  return undefined;
}

const ZSCALER_KEYS = ['urlcategory', 'urlsupercategory', 'requestsize', 'reqsize', 'clientpublicip', 'appclass'];

function isZscaler(map: ReadonlyMap<string, unknown>): boolean {
  const source = String(map.get('sourcetype') ?? map.get('vendor') ?? '').toLowerCase();
  if (source.includes('zscaler')) return true;
  let hits = 0;
  for (const k of ZSCALER_KEYS) if (map.has(k) || map.has(`event.${k}`)) hits++;
  return hits >= 2;
}

function parseJsonObject(map: ReadonlyMap<string, unknown>, zscaler: boolean): LineResult {
  const format = zscaler ? 'zscaler' : 'jsonl';
  const p = (...names: string[]) => pick(map, [...names, ...names.map((n) => `event.${n}`)]);
  const time = parseTime(p('datetime', 'time', 'timestamp', '@timestamp', 'ts', 'epochtime', 'date', 'eventtime'));
  if (!time) return invalid(`${format}: no readable time`);
  const rawHost = p(
    'hostname',
    'host',
    'domain',
    'dest_host',
    'dsthost',
    'server_name',
    'sni',
    'url.domain',
    'destination.domain',
    'dns.question.name',
    'query',
    'qname',
    'url',
    'url.full',
    'url.original',
    'request_url',
  );
  const host = normaliseHost(typeof rawHost === 'string' ? rawHost : '');
  if (!host) return invalid(`${format}: no host`);
  const user = str(p('user', 'login', 'username', 'user_name', 'user.name', 'src_user', 'userid'));
  const clientIp = str(p('clientip', 'cip', 'client_ip', 'src_ip', 'srcip', 'source.ip', 'client.ip', 'ip', 'c-ip'));
  const bytesOut = num(
    p(
      'requestsize',
      'reqsize',
      'bytes_out',
      'bytesout',
      'bytes_sent',
      'request_bytes',
      'http.request.bytes',
      'source.bytes',
      'sent_bytes',
    ),
  );
  const bytesIn = num(
    p(
      'responsesize',
      'respsize',
      'bytes_in',
      'bytesin',
      'bytes_received',
      'response_bytes',
      'http.response.bytes',
      'destination.bytes',
      'received_bytes',
    ),
  );
  const action = str(p('action', 'event.action', 'disposition', 'verdict'));
  const department = str(p('department', 'dept', 'user.department'));
  return record(format, {
    time,
    host,
    ...(user ? { user } : {}),
    ...(clientIp ? { clientIp } : {}),
    ...(bytesOut !== undefined ? { bytesOut } : {}),
    ...(bytesIn !== undefined ? { bytesIn } : {}),
    ...(action ? { action: action.toLowerCase() } : {}),
    ...(department ? { department } : {}),
  });
}

function parseJson(line: string, want: 'zscaler' | 'jsonl' | 'auto'): LineResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return invalid('json: not valid JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return invalid('json: not an object');
  const map = flatten(value as Json);
  return parseJsonObject(map, want === 'zscaler' || (want === 'auto' && isZscaler(map)));
}

// --- dnsmasq: `Jan  1 12:00:00 dnsmasq[1234]: query[A] chatgpt.com from 192.168.1.10`.
const SYSLOG_TIME = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})\s/;
const DNSMASQ_QUERY =
  /dnsmasq(?:\[\d{1,10}\])?: (?:\d{1,10} [0-9a-fA-F.:]{1,45}\/\d{1,5} )?query\[[A-Za-z0-9]{1,10}\] (\S{1,253}) from (\S{1,45})$/;

function syslogTime(line: string, year: number): string | undefined {
  const m = SYSLOG_TIME.exec(line);
  if (!m) {
    // rsyslog's default: an ISO 8601 time as the first field.
    const space = line.indexOf(' ');
    return space > 0 ? parseTime(line.slice(0, space)) : undefined;
  }
  const month = MONTHS[(m[1] ?? '').toLowerCase()];
  if (month === undefined) return undefined;
  return iso(Date.UTC(year, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])));
}

function parseDnsmasq(line: string, year: number): LineResult {
  const t = line.trimEnd();
  if (!t.includes('dnsmasq')) return invalid('dnsmasq: not a dnsmasq line');
  const m = DNSMASQ_QUERY.exec(t);
  if (!m) return IGNORED; // replies, forwards, cache lines: not queries
  const time = syslogTime(t, year);
  if (!time) return invalid('dnsmasq: bad timestamp');
  const host = normaliseHost(m[1] ?? '');
  if (!host) return invalid('dnsmasq: bad query name');
  return record('dnsmasq', { time, host, clientIp: m[2] ?? '' });
}

// --- BIND: `01-Jan-2024 12:00:00.123 queries: info: client @0x7f 192.168.1.10#53211 (chatgpt.com): query: chatgpt.com IN A +E(0)K (10.0.0.1)`.
const BIND_TIME = /(\d{2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?/;
const BIND_QUERY =
  /client (?:@0x[0-9a-f]{1,16} )?([0-9a-fA-F.:]{1,45})#\d{1,5}(?: \([^)]{0,253}\))?: (?:view [^:]{1,64}: )?query: (\S{1,253}) IN /;

function parseBind(line: string, year: number): LineResult {
  const q = BIND_QUERY.exec(line);
  if (!q) return line.includes('query:') ? invalid('bind: unreadable query line') : IGNORED;
  const tm = BIND_TIME.exec(line.slice(0, 64));
  let time: string | undefined;
  if (tm) {
    const month = MONTHS[(tm[2] ?? '').toLowerCase()];
    if (month !== undefined) {
      time = iso(
        Date.UTC(Number(tm[3]), month, Number(tm[1]), Number(tm[4]), Number(tm[5]), Number(tm[6]), Number(tm[7] ?? 0)),
      );
    }
  } else time = syslogTime(line, year);
  if (!time) return invalid('bind: bad timestamp');
  const host = normaliseHost(q[2] ?? '');
  if (!host) return invalid('bind: bad query name');
  return record('bind', { time, host, clientIp: q[1] ?? '' });
}

/**
 * A stateful line parser (W3C headers change the columns of the lines after them). Feed it the
 * lines of one file in order; one parser per file.
 */
export class LogParser {
  #fields: string[] | undefined;
  readonly #format: LogFormat;
  readonly #year: number;

  constructor(options: LogParserOptions = {}) {
    this.#format = options.format ?? 'auto';
    this.#year = options.year ?? 1970;
  }

  line(raw: string): LineResult {
    if (raw.length > MAX_LINE) return invalid(`line longer than ${MAX_LINE} characters`);
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = line.trim();
    if (trimmed.length === 0) return IGNORED;
    if (trimmed.startsWith('#')) {
      if (/^#Fields:/i.test(trimmed)) {
        this.#fields = trimmed
          .slice(8)
          .trim()
          .split(/\s+/)
          .map((f) => f.toLowerCase());
      }
      return IGNORED;
    }
    try {
      return this.#parse(trimmed);
    } catch (error) {
      // A parser bug must cost one line, not the file.
      return invalid(`parser error: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #parse(line: string): LineResult {
    switch (this.#format) {
      case 'squid':
        return parseSquid(line);
      case 'w3c':
        return this.#fields ? parseW3c(line, this.#fields) : invalid('w3c: data before any #Fields header');
      case 'zscaler':
      case 'jsonl':
        return parseJson(line, this.#format);
      case 'dnsmasq':
        return parseDnsmasq(line, this.#year);
      case 'bind':
        return parseBind(line, this.#year);
      case 'auto':
        if (line.startsWith('{')) return parseJson(line, 'auto');
        if (this.#fields) return parseW3c(line, this.#fields);
        if (SQUID_START.test(line)) return parseSquid(line);
        if (line.includes('dnsmasq')) return parseDnsmasq(line, this.#year);
        if (line.includes(' query: ') || line.includes(' queries: ')) return parseBind(line, this.#year);
        return invalid('unknown log format');
    }
  }
}
