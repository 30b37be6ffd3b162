// The instants line readers write: checked against Date's own reading, however the calls follow one another.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoFrom } from './event.js';

/** Date's reading of the same wall-clock time, or undefined where `isoFrom` must refuse it. */
function reference(parts: readonly [number, number, number, number, number, number, number, number]) {
  const [year, month, day, hour, minute, second, millis, offset] = parts;
  if (year < 1 || year > 9999) return undefined;
  if (hour > 23 || minute > 59 || second > 60 || day < 1 || month < 0 || month > 11) return undefined;
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  d.setUTCHours(hour, minute, Math.min(second, 59), millis);
  if (d.getUTCDate() !== day || d.getUTCMonth() !== month) return undefined;
  return new Date(d.getTime() - offset * 60_000).toISOString();
}

describe('isoFrom', () => {
  it('reads each instant as Date does, repeated or not (property)', () => {
    const instant = fc.tuple(
      fc.integer({ min: 1, max: 9999 }),
      fc.integer({ min: -1, max: 12 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 24 }),
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 0, max: 61 }),
      fc.integer({ min: 0, max: 999 }),
      fc.integer({ min: -720, max: 840 }),
    );
    // Runs of the same instant, as busy logs have, between others.
    const calls = fc.array(fc.tuple(instant, fc.integer({ min: 1, max: 3 })), { maxLength: 20 });
    fc.assert(
      fc.property(calls, (list) => {
        for (const [parts, times] of list)
          for (let i = 0; i < times; i++) expect(isoFrom(...parts)).toBe(reference(parts));
      }),
    );
    // Each part changed alone after the same instant: none is left out of the comparison.
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 7 }), (parts, k) => {
        const next = [...parts] as typeof parts;
        next[k] = (next[k] as number) + 1;
        expect(isoFrom(...parts)).toBe(reference(parts));
        expect(isoFrom(...next)).toBe(reference(next));
      }),
    );
  });

  it('refuses days a month does not have and years out of range', () => {
    expect(isoFrom(2023, 1, 29, 0, 0, 0)).toBeUndefined();
    expect(isoFrom(2024, 1, 29, 0, 0, 0)).toBe('2024-02-29T00:00:00.000Z');
    expect(isoFrom(2024, 1, 29, 0, 0, 0)).toBe('2024-02-29T00:00:00.000Z');
    expect(isoFrom(0, 0, 1, 0, 0, 0)).toBeUndefined();
    expect(isoFrom(99, 0, 1, 0, 0, 0, 0, 60)).toBe('0098-12-31T23:00:00.000Z');
  });
});
