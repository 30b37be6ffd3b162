/**
 * Readings as text: the `timestamp,value` CSV that `vigie sense detect` reads, one line at
 * a time (so files of any size stream), with errors that name the line and the column.
 */

export interface Reading {
  /** Milliseconds since the epoch, UTC. */
  readonly timestampMs: number;
  readonly value: number;
}

export class ReadingParseError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'ReadingParseError';
  }
}

const MAX_LINE = 10_000;
// Linear-time patterns: fixed-width digit groups, no nested quantifiers.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses a timestamp: ISO 8601 / `YYYY-MM-DD HH:MM[:SS[.fff]]` (UTC unless an offset is
 * given), or a number of seconds (up to 11 digits) or milliseconds since the epoch.
 */
export function parseTimestamp(text: string): number | undefined {
  const trimmed = text.trim();
  if (NUMBER.test(trimmed)) {
    const n = Number(trimmed);
    if (!Number.isFinite(n)) return undefined;
    return Math.abs(n) < 1e11 ? n * 1000 : n;
  }
  const m = DATE_TIME.exec(trimmed);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const ms = Number(frac.slice(0, 3).padEnd(3, '0'));
  let time = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const date = new Date(time);
  // Date.UTC rolls 2024-02-31 over into March: refuse instead of guessing.
  if (
    date.getUTCMonth() !== Number(mo) - 1 ||
    date.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 60
  ) {
    return undefined;
  }
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    time -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  return time;
}

function unquote(field: string): string {
  const trimmed = field.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed;
}

/** Checks the header line; returns the indexes of the timestamp and value columns. */
export function parseReadingsHeader(line: string): { timestamp: number; value: number } {
  if (line.length > MAX_LINE) throw new ReadingParseError(1, 'header too long');
  const columns = line
    .replace(/^\uFEFF/, '')
    .split(',')
    .map((c) => unquote(c).toLowerCase());
  const timestamp = columns.indexOf('timestamp');
  const value = columns.indexOf('value');
  if (timestamp < 0 || value < 0) {
    throw new ReadingParseError(1, `expected a header with the columns timestamp,value; found "${line.slice(0, 80)}"`);
  }
  return { timestamp, value };
}

/** Parses one data line (1-based `lineNumber` for messages). */
export function parseReadingLine(
  line: string,
  lineNumber: number,
  columns: { timestamp: number; value: number },
): Reading {
  if (line.length > MAX_LINE) throw new ReadingParseError(lineNumber, `line longer than ${MAX_LINE} characters`);
  const fields = line.split(',');
  const timestampText = fields[columns.timestamp];
  const valueText = fields[columns.value];
  if (timestampText === undefined || valueText === undefined) {
    throw new ReadingParseError(lineNumber, `expected ${Math.max(columns.timestamp, columns.value) + 1} columns`);
  }
  const timestampMs = parseTimestamp(unquote(timestampText));
  if (timestampMs === undefined) {
    throw new ReadingParseError(lineNumber, `timestamp "${unquote(timestampText).slice(0, 40)}" is not a date`);
  }
  const value = unquote(valueText);
  if (!NUMBER.test(value) || !Number.isFinite(Number(value))) {
    throw new ReadingParseError(lineNumber, `value "${value.slice(0, 40)}" is not a number`);
  }
  return { timestampMs, value: Number(value) };
}
