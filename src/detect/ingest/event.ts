/** The shape every line parser returns, and the helper that builds nested ECS-style events from dotted names. */

/** One line read: an ECS-style nested event, or why the line is not of the format. */
export type ParsedLine = { ok: true; event: Record<string, unknown> } | { ok: false; reason: string };

export type EcsEvent = Record<string, unknown>;

/** Dotted paths split once: a reader puts a dozen per line, always the same few. */
const SPLIT_PATHS = new Map<string, readonly string[]>();
const MAX_SPLIT_PATHS = 1024;

function keysOf(path: string): readonly string[] {
  let keys = SPLIT_PATHS.get(path);
  if (keys === undefined) {
    keys = path.split('.');
    // Bounded, whatever a caller passes.
    if (SPLIT_PATHS.size < MAX_SPLIT_PATHS) SPLIT_PATHS.set(path, keys);
  }
  return keys;
}

/**
 * Sets `path` (dotted) in `event`, creating the objects on the way: `put(e, 'source.ip', x)`
 * gives `{ source: { ip: x } }`. `undefined` values are left out, so optional parts of a line
 * simply do not appear. Keys are ours (never taken from the line), so no prototype pollution.
 */
export function put(event: EcsEvent, path: string, value: unknown): void {
  if (value === undefined) return;
  const keys = keysOf(path);
  let node = event;
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i] as string;
    let next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      next = {};
      node[key] = next;
    }
    node = next as EcsEvent;
  }
  node[keys[keys.length - 1] as string] = value;
}

/** A decimal integer that the whole string spells, or undefined (`'12a'`, `''`, `'1e3'` are not). */
export function integer(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,15}$/.test(text)) return undefined;
  return Number(text);
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

/** `Dec` → 11 (case-insensitive), or undefined. */
export function monthIndex(name: string): number | undefined {
  const key = name.toLowerCase();
  return Object.hasOwn(MONTHS, key) ? MONTHS[key] : undefined;
}

/**
 * The instant as an ISO string (UTC) when every part is in range and the day exists in that
 * month (`Feb 30` is refused rather than rolled over to March). `offsetMinutes` is the
 * zone's offset east of UTC.
 */
export function isoFrom(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millis = 0,
  offsetMinutes = 0,
): string | undefined {
  // Consecutive lines of a busy log share their second: the last reading is kept (an instant
  // refused is remembered as undefined, by the returns below).
  const last = lastInstant;
  if (
    second === last.second &&
    minute === last.minute &&
    hour === last.hour &&
    day === last.day &&
    month === last.month &&
    year === last.year &&
    millis === last.millis &&
    offsetMinutes === last.offsetMinutes
  )
    return last.iso;
  const reading: Instant = { year, month, day, hour, minute, second, millis, offsetMinutes, iso: undefined };
  lastInstant = reading;
  if (!Number.isInteger(year) || year < 1 || year > 9999) return undefined;
  if (hour > 23 || minute > 59 || second > 60 || day < 1 || month < 0 || month > 11) return undefined;
  // setUTCFullYear, not Date.UTC: the latter reads years 0-99 as 1900-1999.
  const check = new Date(0);
  check.setUTCFullYear(year, month, day);
  check.setUTCHours(hour, minute, Math.min(second, 59), millis);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month) return undefined;
  const instant = new Date(check.getTime() - offsetMinutes * 60_000);
  reading.iso = Number.isNaN(instant.getTime()) ? undefined : instant.toISOString();
  return reading.iso;
}

interface Instant {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millis: number;
  readonly offsetMinutes: number;
  iso: string | undefined;
}

let lastInstant: Instant = {
  year: Number.NaN,
  month: 0,
  day: 0,
  hour: 0,
  minute: 0,
  second: 0,
  millis: 0,
  offsetMinutes: 0,
  iso: undefined,
};

/** The line without its end-of-line characters (files written on Windows end lines with CR LF). */
export function stripEol(line: string): string {
  let end = line.length;
  while (end > 0 && (line[end - 1] === '\n' || line[end - 1] === '\r')) end--;
  return end === line.length ? line : line.slice(0, end);
}
