/**
 * Detect's reading of incoming batches and of normalised events: records and lines to events
 * (with a reason for each one that cannot be read, never a silent skip), an event's time, and
 * the entities (hosts, users, source addresses) that alerts and incidents are keyed on.
 */
import type { Entities } from '../core/index.js';
import {
  type DetectLineFormat,
  type IngestItem,
  type IngestOptions,
  ingestLines,
  type LogFormat,
  MAX_EVENT_DEPTH,
  parseAccessLogLine,
  parseCefLine,
  parseSyslogLine,
} from '../detect/index.js';

/** A line longer than this is refused (a syslog message is at most a few kilobytes). */
export const MAX_LINE_LENGTH = 64 * 1024;

export interface ParsedInput {
  readonly index: number;
  readonly format: LogFormat;
  readonly event: Record<string, unknown>;
  /** JSON text of what was received. */
  readonly original: string;
}

export interface InputProblem {
  readonly index: number;
  readonly reason: string;
}

/**
 * One line through the engine's reader (which tries every format, JSON first). A line is one
 * record here: a line holding an array of several events is refused whole, not read in part.
 */
function readOne(line: string, options: IngestOptions): IngestItem | undefined {
  const items = [...ingestLines([line], options)];
  if (items.length > 1)
    return { ok: false, line: 1, reason: 'json: a line holding several events (an array): send them as records' };
  return items[0];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON records (objects): each read as a JSON line, so flattened keys and formats are recognised alike. */
export function readRecords(
  records: readonly unknown[],
  year: number,
): { parsed: ParsedInput[]; problems: InputProblem[] } {
  const parsed: ParsedInput[] = [];
  const problems: InputProblem[] = [];
  const options = { year, maxDepth: MAX_EVENT_DEPTH, jsonOnly: true };
  records.forEach((record, index) => {
    if (!isPlainObject(record)) {
      problems.push({ index, reason: 'not a JSON object' });
      return;
    }
    let text: string;
    try {
      text = JSON.stringify(record);
    } catch (error) {
      problems.push({ index, reason: `cannot be serialised: ${String(error)}` });
      return;
    }
    if (text.length > MAX_LINE_LENGTH) {
      problems.push({ index, reason: `record longer than ${MAX_LINE_LENGTH} characters` });
      return;
    }
    const item = readOne(text, options);
    if (item?.ok) parsed.push({ index, format: item.format, event: item.event, original: text });
    else problems.push({ index, reason: item?.reason ?? 'empty record' });
  });
  return { parsed, problems };
}

function fromParsed(
  format: DetectLineFormat,
  line: string,
  year: number,
): { ok: true; event: Record<string, unknown>; format: LogFormat } | { ok: false; reason: string } {
  const options = { year, maxDepth: MAX_EVENT_DEPTH };
  let result: { ok: true; event: Record<string, unknown> } | { ok: false; reason: string };
  switch (format) {
    case 'syslog':
      result = parseSyslogLine(line, options);
      return result.ok ? { ...result, format: 'syslog' } : result;
    case 'access-log':
      result = parseAccessLogLine(line);
      return result.ok ? { ...result, format: 'access-log' } : result;
    case 'cef':
      result = parseCefLine(line, options);
      return result.ok ? { ...result, format: 'cef' } : result;
    default:
      return { ok: false, reason: `format ${format} is read by the line reader` };
  }
}

/** Text lines in one format, or each line's own format with `auto`. Blank lines are reported too. */
export function readLines(
  lines: readonly string[],
  format: DetectLineFormat,
  year: number,
): { parsed: ParsedInput[]; problems: InputProblem[] } {
  const parsed: ParsedInput[] = [];
  const problems: InputProblem[] = [];
  const reader =
    format === 'auto' || format === 'json'
      ? { year, maxDepth: MAX_EVENT_DEPTH, jsonOnly: format === 'json' }
      : undefined;
  lines.forEach((raw, index) => {
    if (typeof raw !== 'string') {
      problems.push({ index, reason: 'not a string' });
      return;
    }
    if (raw.length > MAX_LINE_LENGTH) {
      problems.push({ index, reason: `line longer than ${MAX_LINE_LENGTH} characters` });
      return;
    }
    const line = raw.replace(/\r$/, '');
    const original = JSON.stringify(line);
    if (reader) {
      const item = readOne(line, reader);
      if (item?.ok) parsed.push({ index, format: item.format, event: item.event, original });
      else problems.push({ index, reason: item?.reason ?? 'empty line' });
      return;
    }
    if (line.trim() === '') {
      problems.push({ index, reason: 'empty line' });
      return;
    }
    const result = fromParsed(format, line.trim(), year);
    if (result.ok) parsed.push({ index, format: result.format, event: result.event, original });
    else problems.push({ index, reason: `${format}: ${result.reason}` });
  });
  return { parsed, problems };
}

/** The value at a path of own keys, or undefined (events come from outside). */
export function at(value: unknown, ...path: string[]): unknown {
  let node = value;
  for (const key of path) {
    if (!isPlainObject(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

/** A short non-empty string, or undefined; `-` means absent in many log formats. */
function text(value: unknown, max = 256): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (trimmed === '' || trimmed === '-') return undefined;
  return trimmed.slice(0, max);
}

const EARLIEST = Date.UTC(1990, 0, 1);

/** The event's own time (ECS `@timestamp`, Windows `TimeCreated`), if it is a sane one. */
export function eventTime(event: unknown, now: number): number | undefined {
  const candidates = [
    at(event, '@timestamp'),
    at(event, 'Event', 'System', 'TimeCreated', '#attributes', 'SystemTime'),
    at(event, 'Event', 'System', 'TimeCreated', 'SystemTime'),
    at(event, 'winlog', 'time_created'),
  ];
  for (const candidate of candidates) {
    if (typeof candidate !== 'string' || candidate.length > 64) continue;
    const ms = Date.parse(candidate);
    if (Number.isFinite(ms) && ms >= EARLIEST && ms <= now + 86_400_000) return ms;
  }
  return undefined;
}

const MAX_PER_KIND = 20;

function push(list: string[], value: string | undefined, max = 256): void {
  if (value === undefined || value.length > max || list.includes(value) || list.length >= MAX_PER_KIND) return;
  list.push(value);
}

/** Hosts, users and source addresses named by an event (ECS, Winlogbeat, evtx_dump). */
export function eventEntities(event: unknown): Entities {
  const hosts: string[] = [];
  const users: string[] = [];
  const ips: string[] = [];
  push(hosts, text(at(event, 'host', 'hostname')));
  push(hosts, text(at(event, 'host', 'name')));
  push(hosts, text(at(event, 'Event', 'System', 'Computer')));
  push(hosts, text(at(event, 'winlog', 'computer_name')));
  for (const data of [at(event, 'Event', 'EventData'), at(event, 'winlog', 'event_data')]) {
    push(users, text(at(data, 'TargetUserName')));
    push(users, text(at(data, 'SubjectUserName')));
    push(ips, text(at(data, 'IpAddress'), 64));
  }
  push(users, text(at(event, 'user', 'name')));
  push(ips, text(at(event, 'source', 'ip'), 64));
  push(ips, text(at(event, 'client', 'ip'), 64));
  return {
    ...(hosts.length > 0 ? { hosts } : {}),
    ...(users.length > 0 ? { users } : {}),
    ...(ips.length > 0 ? { ips } : {}),
  };
}

/** Union of entity lists, bounded as core Findings require. */
export function mergeEntities(...all: readonly Entities[]): Entities {
  const out: { hosts: string[]; users: string[]; ips: string[] } = { hosts: [], users: [], ips: [] };
  for (const entities of all) {
    for (const v of entities.hosts ?? []) push(out.hosts, v);
    for (const v of entities.users ?? []) push(out.users, v);
    for (const v of entities.ips ?? []) push(out.ips, v, 64);
  }
  return {
    ...(out.hosts.length > 0 ? { hosts: out.hosts } : {}),
    ...(out.users.length > 0 ? { users: out.users } : {}),
    ...(out.ips.length > 0 ? { ips: out.ips } : {}),
  };
}

export type IncidentEntityKind = 'host' | 'user' | 'ip' | 'none';

/**
 * The entities an alert may be grouped by, in order of preference: the host it happened on,
 * then the account, then the source address. An alert naming none is grouped with the other
 * unattributed alerts of the hour.
 */
export function incidentKeys(entities: Entities): { kind: IncidentEntityKind; value: string; key: string }[] {
  const keys: { kind: IncidentEntityKind; value: string; key: string }[] = [];
  for (const value of (entities.hosts ?? []).slice(0, 3))
    keys.push({ kind: 'host', value, key: `host:${value.toLowerCase()}` });
  for (const value of (entities.users ?? []).slice(0, 3))
    keys.push({ kind: 'user', value, key: `user:${value.toLowerCase()}` });
  for (const value of (entities.ips ?? []).slice(0, 3)) keys.push({ kind: 'ip', value, key: `ip:${value}` });
  if (keys.length === 0) keys.push({ kind: 'none', value: '', key: 'none:' });
  return keys;
}
