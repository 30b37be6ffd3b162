import { describe, expect, it } from 'vitest';
import { createDeviceWatch } from './devices.js';

const MIN = 60_000;

describe('device behaviour', () => {
  it('reports new devices and topics once, and builds the inventory', () => {
    const watch = createDeviceWatch();
    expect(watch.observe('boiler-1', 'plant/boiler-1/temp', 0, 70).map((e) => e.kind)).toEqual(['new_device']);
    expect(watch.observe('boiler-1', 'plant/boiler-1/temp', MIN, 71)).toEqual([]);
    // Topics of a device it has not learnt yet are part of its first contact, not news.
    expect(watch.observe('boiler-1', 'plant/boiler-1/pressure', 2 * MIN, 3)).toEqual([]);
    const [summary] = watch.inventory();
    expect(summary).toMatchObject({
      device: 'boiler-1',
      messages: 3,
      min: 3,
      max: 71,
      firstSeen: 0,
      lastSeen: 2 * MIN,
    });
    expect(summary?.topics).toEqual(['plant/boiler-1/pressure', 'plant/boiler-1/temp']);
  });

  it('notices a device that falls silent, once, and its return', () => {
    const watch = createDeviceWatch();
    for (let i = 0; i < 50; i++) watch.observe('pump-7', 't', i * MIN);
    expect(watch.checkSilences(50 * MIN)).toEqual([]);
    const silent = watch.checkSilences(60 * MIN);
    expect(silent).toHaveLength(1);
    expect(silent[0]).toMatchObject({ kind: 'silent', device: 'pump-7' });
    expect(Math.round((silent[0]?.typicalGapMs ?? 0) / 1000)).toBe(60);
    expect(watch.checkSilences(70 * MIN)).toEqual([]);
    expect(watch.observe('pump-7', 't', 80 * MIN).map((e) => e.kind)).toEqual(['back_online']);
    expect(watch.inventory()[0]?.ratePerMinute).toBeCloseTo(1, 0);
  });

  it('notices a change of message rate (a chattering or throttled device)', () => {
    const watch = createDeviceWatch();
    for (let i = 1; i <= 100; i++) watch.observe('meter', 'm', i * MIN);
    const events = [];
    for (let i = 1; i <= 60; i++) events.push(...watch.observe('meter', 'm', 100 * MIN + i * 2_000));
    expect(events.filter((e) => e.kind === 'rate_change')).toHaveLength(1);
  });
});

describe('device behaviour with several series', () => {
  it('reports a topic that appears on an established device', () => {
    const watch = createDeviceWatch();
    for (let i = 0; i < 30; i++) watch.observe('plc-2', 'plc-2/temp', i * MIN);
    expect(watch.observe('plc-2', 'plc-2/debug', 30 * MIN).map((e) => e.kind)).toEqual(['new_topic']);
  });

  it('counts series sent together as one beat, not as a burst (regression: 246 messages a minute)', () => {
    const watch = createDeviceWatch();
    for (let i = 0; i < 100; i++) {
      watch.observe('boiler-1', 'temperature', i * MIN, 20);
      watch.observe('boiler-1', 'pressure', i * MIN, 3);
    }
    expect(watch.inventory()[0]?.ratePerMinute).toBeCloseTo(1, 1);
    expect(watch.checkSilences(100 * MIN)).toEqual([]);
  });
});
