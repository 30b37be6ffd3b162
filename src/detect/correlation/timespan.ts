/** Sigma timespans (`30s`, `5m`, `1h`, `1d`, `2w`) in milliseconds. */

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Longest timespan accepted: a year. Longer windows would keep state for ever in practice. */
export const MAX_TIMESPAN_MS = 366 * 86_400_000;

/** Milliseconds, or `undefined` when the text is not a positive `<number><unit>` within a year. */
export function parseTimespan(text: string): number | undefined {
  // Anchored, no nested quantifier: linear.
  const match = /^(\d{1,9})([smhdw])$/.exec(text.trim());
  if (!match) return undefined;
  const unit = UNIT_MS[match[2] ?? ''];
  const ms = Number(match[1]) * (unit ?? Number.NaN);
  return Number.isFinite(ms) && ms > 0 && ms <= MAX_TIMESPAN_MS ? ms : undefined;
}
