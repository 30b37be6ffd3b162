/**
 * ArcSight Common Event Format lines (`CEF:0|Vendor|Product|Version|ClassId|Name|Severity|k=v …`),
 * optionally behind a syslog header, into ECS-style events. One pass over the text, no regular
 * expression on the extension: values run to the next unescaped ` key=`.
 */
import { type EcsEvent, integer, type ParsedLine, put, stripEol } from './event.js';
import { parseSyslogLine, rfc3339ToIso, type SyslogContext } from './syslog.js';

export const MAX_CEF_LINE = 64 * 1024;

/** Splits the header on unescaped `|`, unescaping `\|` and `\\`; the 8th part is the raw extension. */
function splitHeader(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (parts.length === 7) {
      // The extension keeps its own escapes (`\=`), read by readExtension.
      parts.push(text.slice(i));
      return parts;
    }
    if (c === '\\' && (text[i + 1] === '|' || text[i + 1] === '\\')) {
      current += text[i + 1];
      i++;
    } else if (c === '|') {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

const unescapeValue = (raw: string): string =>
  raw.replace(/\\([=\\nr|])/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));

const KEY = /^[A-Za-z0-9_.[\]-]{1,64}$/;

/**
 * `k1=v1 k2=some value k3=v\=3` → pairs; values may hold spaces, `\=` is a literal `=`. An
 * unescaped `=` with no space before it since the last key (`a=b=c`) belongs to the value,
 * and a word before `=` that is no key name (`msg=1 + 1 != 3`) belongs to the previous value:
 * badly escaped text is kept, never dropped.
 */
export function readExtension(text: string): Array<[string, string]> {
  // Positions of unescaped `=`.
  const equals: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '=') equals.push(i);
  }
  const pairs: Array<[string, string]> = [];
  let keyStart = 0;
  let n = 0;
  while (n < equals.length) {
    const eq = equals[n] as number;
    const key = text.slice(keyStart, eq).trim();
    let valueEnd = text.length;
    let nextKeyStart = text.length;
    // The next key is the last word before a later `=`, once a space separates it from this one.
    let m = n + 1;
    for (; m < equals.length; m++) {
      const space = text.lastIndexOf(' ', (equals[m] as number) - 1);
      if (space > eq) {
        valueEnd = space;
        nextKeyStart = space + 1;
        break;
      }
    }
    const value = unescapeValue(text.slice(eq + 1, valueEnd).trim());
    const previous = pairs[pairs.length - 1];
    if (KEY.test(key)) pairs.push([key, value]);
    else if (previous) previous[1] = `${previous[1]} ${unescapeValue(text.slice(keyStart, valueEnd).trim())}`;
    keyStart = nextKeyStart;
    n = m;
  }
  return pairs;
}

/** CEF extension keys with an ECS home; the rest stay under `cef.extensions`. */
const ECS_OF: Readonly<Record<string, string>> = {
  src: 'source.ip',
  spt: 'source.port',
  shost: 'source.domain',
  suser: 'source.user.name',
  smac: 'source.mac',
  dst: 'destination.ip',
  dpt: 'destination.port',
  dhost: 'destination.domain',
  duser: 'destination.user.name',
  dmac: 'destination.mac',
  act: 'event.action',
  outcome: 'event.outcome',
  msg: 'message',
  request: 'url.original',
  requestMethod: 'http.request.method',
  requestClientApplication: 'user_agent.original',
  app: 'network.protocol',
  proto: 'network.transport',
  fname: 'file.name',
  filePath: 'file.path',
  sproc: 'process.name',
  spid: 'process.pid',
  dproc: 'process.name',
  dpid: 'process.pid',
  dvchost: 'observer.hostname',
  dvc: 'observer.ip',
};
const NUMERIC = new Set(['source.port', 'destination.port', 'process.pid']);

/** `rt` / `end` / `start`: epoch milliseconds, or `MMM dd yyyy HH:mm:ss`, or RFC 3339. */
function cefTime(value: string): string | undefined {
  const ms = integer(value);
  if (ms !== undefined) {
    const date = new Date(ms);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  const iso = rfc3339ToIso(value);
  if (iso !== undefined) return iso;
  const m = /^([A-Za-z]{3}) (\d{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(value);
  if (!m) return undefined;
  const date = new Date(`${m[1]} ${m[2]} ${m[3]} ${m[4]}:${m[5]}:${m[6]} UTC`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * One CEF line as an ECS-style event: the header under `cef.*` (`cef.device.vendor`, …,
 * `cef.name`, `cef.severity`), every extension under `cef.extensions.<key>`, the usual keys
 * also at their ECS place (`src` → `source.ip`, `suser` → `source.user.name`, `rt` →
 * `@timestamp`, …), a syslog header's time and host when there is one, and `event.original`.
 */
export function parseCefLine(line: string, context: SyslogContext): ParsedLine {
  if (line.length > MAX_CEF_LINE) return { ok: false, reason: `line longer than ${MAX_CEF_LINE} characters` };
  const text = stripEol(line);
  const at = text.indexOf('CEF:');
  if (at < 0) return { ok: false, reason: 'no "CEF:" in the line' };
  const parts = splitHeader(text.slice(at + 4));
  if (parts.length < 7) return { ok: false, reason: `CEF header has ${parts.length} of its 7 "|"-separated fields` };
  const [version, vendor, product, deviceVersion, classId, name, severity, extension] = parts as string[];
  if (!/^\d{1,3}$/.test(version as string)) return { ok: false, reason: `CEF version "${version}" is not a number` };
  const event: EcsEvent = {};
  const header = text.slice(0, at).trim();
  if (header !== '') {
    const syslog = parseSyslogLine(header, context);
    if (syslog.ok) {
      for (const key of ['@timestamp', 'host', 'log'] as const) put(event, key, syslog.event[key]);
    }
  }
  put(event, 'cef.version', Number(version));
  put(event, 'cef.device.vendor', vendor);
  put(event, 'cef.device.product', product);
  put(event, 'cef.device.version', deviceVersion);
  put(event, 'cef.device.event_class_id', classId);
  put(event, 'cef.name', name);
  put(event, 'cef.severity', severity);
  put(event, 'observer.vendor', vendor);
  put(event, 'observer.product', product);
  put(event, 'event.code', classId);
  const extensions: Record<string, string> = {};
  for (const [key, value] of readExtension(extension ?? '')) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    extensions[key] = value;
    const ecs = Object.hasOwn(ECS_OF, key) ? ECS_OF[key] : undefined;
    if (ecs) put(event, ecs, NUMERIC.has(ecs) ? integer(value) : value);
    if (key === 'rt') put(event, '@timestamp', cefTime(value));
  }
  put(event, 'cef.extensions', extensions);
  if (event.message === undefined) put(event, 'message', name);
  put(event, 'event.original', text);
  return { ok: true, event };
}
