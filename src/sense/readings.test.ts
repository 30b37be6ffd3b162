import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseReadingLine, parseReadingsHeader, parseTimestamp, ReadingParseError } from './readings.js';

describe('reading CSV lines', () => {
  it('parses the timestamp formats sensors and exports use', () => {
    expect(parseTimestamp('2014-07-01 00:30:00')).toBe(Date.UTC(2014, 6, 1, 0, 30));
    expect(parseTimestamp('2014-04-10 07:15:00.000000')).toBe(Date.UTC(2014, 3, 10, 7, 15));
    expect(parseTimestamp('2024-03-01T10:00:00+02:00')).toBe(Date.UTC(2024, 2, 1, 8));
    expect(parseTimestamp('2024-03-01T10:00:00.250Z')).toBe(Date.UTC(2024, 2, 1, 10, 0, 0, 250));
    expect(parseTimestamp('1700000000')).toBe(1_700_000_000_000);
    expect(parseTimestamp('1700000000123')).toBe(1_700_000_000_123);
    expect(parseTimestamp('2024-02-31 00:00:00')).toBeUndefined();
    expect(parseTimestamp('yesterday')).toBeUndefined();
  });

  it('finds the columns by name and reads quoted fields', () => {
    const columns = parseReadingsHeader('\uFEFF"value","timestamp",unit');
    expect(columns).toEqual({ timestamp: 1, value: 0 });
    expect(parseReadingLine('"21.5","2024-01-01 00:00:00",C', 2, columns)).toEqual({
      timestampMs: Date.UTC(2024, 0, 1),
      value: 21.5,
    });
  });

  it('names the line and the problem', () => {
    const columns = parseReadingsHeader('timestamp,value');
    expect(() => parseReadingLine('2024-01-01,abc', 7, columns)).toThrow('line 7: value "abc" is not a number');
    expect(() => parseReadingLine('not a date,1', 8, columns)).toThrow('line 8: timestamp');
    expect(() => parseReadingLine('2024-01-01', 9, columns)).toThrow('line 9: expected 2 columns');
    expect(() => parseReadingsHeader('time,val')).toThrow(ReadingParseError);
  });

  it('either parses a line or says why, whatever it holds (property)', () => {
    const columns = { timestamp: 0, value: 1 };
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: 'binary' }), fc.nat(1000), (line, n) => {
        try {
          const reading = parseReadingLine(line, n, columns);
          expect(Number.isFinite(reading.value)).toBe(true);
          expect(Number.isFinite(reading.timestampMs)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(ReadingParseError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('stays fast on long hostile lines (linear-time patterns)', () => {
    const columns = { timestamp: 0, value: 1 };
    const hostile = `${'1'.repeat(9000)}e${'1'.repeat(900)}x,${'2024-01-01 '.repeat(80)}`;
    expect(() => parseReadingLine(hostile, 1, columns)).toThrow(ReadingParseError);
  });
});
