/**
 * Sense over real MQTT: readings published to a broker (Mosquitto in CI) reach the store,
 * scored, through the same subscriber `vigie serve` starts. Needs VIGIE_TEST_MQTT_URL;
 * with VIGIE_REQUIRE_MQTT=1 (CI) its absence is a failure, not a skip.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { connectSenseMqtt, createPlatform, readingFromMessage } from '../../src/platform/index.js';
import { openStore, type Store } from '../../src/store/index.js';

const url = process.env.VIGIE_TEST_MQTT_URL;
if (!url && process.env.VIGIE_REQUIRE_MQTT === '1') {
  throw new Error('VIGIE_REQUIRE_MQTT=1 but VIGIE_TEST_MQTT_URL is not set: the MQTT test would be skipped.');
}
if (!url) console.warn('[vigie tests] VIGIE_TEST_MQTT_URL not set: the MQTT ingest test is skipped.');

describe('MQTT payloads', () => {
  it('reads numbers and JSON, and says why it cannot read the rest', () => {
    expect(readingFromMessage('plant/boiler-1/temp', '21.5', 1000)).toEqual({
      device: 'boiler-1',
      series: 'temp',
      timestampMs: 1000,
      value: 21.5,
      topic: 'plant/boiler-1/temp',
    });
    expect(readingFromMessage('a/b', '{"value": 3, "timestamp": "2024-01-01T00:00:00Z"}', 0)).toMatchObject({
      value: 3,
      timestampMs: Date.UTC(2024, 0, 1),
    });
    expect(readingFromMessage('a/b', '{"value": 3, "timestamp": 1700000000}', 0)).toMatchObject({
      timestampMs: 1.7e12,
    });
    expect(readingFromMessage('a/b', 'hot', 0)).toEqual({ error: 'value is not a number' });
    expect(readingFromMessage('a/b', '{"value":', 0)).toEqual({ error: 'payload is neither a number nor JSON' });
    expect(readingFromMessage('single', '1', 0)).toMatchObject({ error: expect.stringContaining('two levels') });
  });
});

describe.skipIf(!url)('Sense ingest from a real MQTT broker', () => {
  it('stores and scores what a device publishes, and reports bad payloads', async () => {
    const store = await openStore({ sqliteFile: join(mkdtempSync(join(tmpdir(), 'vigie-mqtt-')), 'vigie.db') });
    const platform = createPlatform(store);
    const prefix = `vigie-test-${Date.now()}`;
    const problems: string[] = [];
    const subscriber = connectSenseMqtt({
      url: url ?? '',
      topics: [`${prefix}/#`],
      sense: platform.sense,
      clock: platform.clock,
      onProblem: (p) => problems.push(p.reason),
      batchMs: 50,
      clientId: `${prefix}-subscriber`,
    });
    // Subscribed once connected: wait for the first (retained-free) round trip.
    await new Promise((r) => setTimeout(r, 500));
    const publisher = await mqtt.connectAsync(url ?? '');
    try {
      const start = Date.UTC(2024, 0, 1);
      for (let i = 0; i < 300; i++) {
        const payload = JSON.stringify({
          value: 20 + (i % 10) * 0.1,
          timestamp: new Date(start + i * 60_000).toISOString(),
        });
        await publisher.publishAsync(`${prefix}/pump-7/pressure`, payload, { qos: 1 });
      }
      await publisher.publishAsync(`${prefix}/pump-7/pressure`, 'not a number', { qos: 1 });
      const deadline = Date.now() + 10_000;
      let count = 0;
      while (Date.now() < deadline && count < 300) {
        count = (await store.sense.series()).find((s) => s.device === 'pump-7')?.count ?? 0;
        if (count < 300) await new Promise((r) => setTimeout(r, 100));
      }
      expect(count).toBe(300);
      const [device] = (await platform.sense.devices()).items;
      expect(device).toMatchObject({ id: 'pump-7', messages: 300 });
      expect(problems).toContain('value is not a number');
    } finally {
      await publisher.endAsync();
      await subscriber.close();
      await store.close();
    }
  });

  it('keeps and retries a batch the store refused, in order, without losing a reading', async () => {
    const store = await openStore({ sqliteFile: join(mkdtempSync(join(tmpdir(), 'vigie-mqtt-')), 'vigie.db') });
    // The database refuses the first two batches (commit fails), then comes back.
    let refusals = 2;
    const failing: Store = {
      ...store,
      transaction: (work) =>
        store.transaction(async (tx) => {
          const result = await work(tx);
          if (refusals > 0) {
            refusals -= 1;
            throw new Error('database down');
          }
          return result;
        }),
    };
    const platform = createPlatform(failing);
    const prefix = `vigie-test-retry-${Date.now()}`;
    const problems: string[] = [];
    const subscriber = connectSenseMqtt({
      url: url ?? '',
      topics: [`${prefix}/#`],
      sense: platform.sense,
      clock: platform.clock,
      onProblem: (p) => problems.push(p.reason),
      batchMs: 20,
      retryMs: 100,
      clientId: `${prefix}-subscriber`,
    });
    await new Promise((r) => setTimeout(r, 500));
    const publisher = await mqtt.connectAsync(url ?? '');
    try {
      const start = Date.UTC(2024, 0, 1);
      for (let i = 0; i < 200; i++) {
        const payload = JSON.stringify({ value: 20 + (i % 10) * 0.1, timestamp: new Date(start + i * 60_000) });
        await publisher.publishAsync(`${prefix}/pump-8/pressure`, payload, { qos: 1 });
      }
      const deadline = Date.now() + 10_000;
      let count = 0;
      while (Date.now() < deadline && count < 200) {
        count = (await store.sense.series('pump-8'))[0]?.count ?? 0;
        if (count < 200) await new Promise((r) => setTimeout(r, 100));
      }
      expect(count).toBe(200);
      expect(refusals).toBe(0);
      expect(problems.filter((p) => p.includes('retrying'))).toHaveLength(2);
      expect(problems.filter((p) => !p.includes('retrying'))).toEqual([]);
      expect((await store.sense.readings('pump-8', 'pressure', 1000)).map((r) => r.at)).toEqual(
        Array.from({ length: 200 }, (_, i) => new Date(start + i * 60_000).toISOString()),
      );
    } finally {
      await publisher.endAsync();
      await subscriber.close();
      await store.close();
    }
  });
});
