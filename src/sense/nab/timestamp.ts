/** NAB's timestamp text (`YYYY-MM-DD HH:MM:SS[.ffffff]`, UTC) to milliseconds since the epoch. */

const NAB_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Parses a NAB timestamp as UTC; `undefined` when the text is not one (wrong shape or an
 * impossible date such as 2014-02-30). Microseconds are kept as a fraction of a millisecond,
 * so a data row and a label written from the same instant compare equal.
 */
export function parseNabTimestamp(text: string): number | undefined {
  const match = NAB_TIMESTAMP.exec(text.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const micros = fraction === undefined ? 0 : Number(fraction.padEnd(6, '0'));
  return Date.UTC(year, month - 1, day, hour, minute, second) + micros / 1000;
}
