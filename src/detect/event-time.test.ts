// Event times from each format's place, and nothing from what cannot be read.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventTime } from './index.js';

describe('eventTime', () => {
  it('reads Windows, ECS and plain times', () => {
    const t = Date.parse('2020-07-22T20:29:27.321Z');
    expect(
      eventTime({ Event: { System: { TimeCreated: { '#attributes': { SystemTime: '2020-07-22T20:29:27.321Z' } } } } }),
    ).toBe(t);
    expect(eventTime({ '@timestamp': '2020-07-22T20:29:27.321Z', winlog: {} })).toBe(t);
    expect(eventTime({ timestamp: t })).toBe(t);
    expect(eventTime({ time: '2020-07-22T20:29:27.321Z' })).toBe(t);
  });

  it('gives undefined for events without a readable time', () => {
    expect(eventTime({ '@timestamp': 'yesterday' })).toBeUndefined();
    expect(eventTime({ Event: { System: {} } })).toBeUndefined();
    expect(eventTime(null)).toBeUndefined();
    expect(eventTime({ '@timestamp': 'x'.repeat(100) })).toBeUndefined();
    expect(eventTime({ time: Number.NaN })).toBeUndefined();
  });

  it('never throws (property)', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const t = eventTime(value);
        expect(t === undefined || Number.isFinite(t)).toBe(true);
      }),
    );
  });
});
