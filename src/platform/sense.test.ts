/**
 * The Sense service on every database: a batch is all-or-nothing (a failed commit leaves the
 * detectors and the device watch as if it never came), summaries kept with the readings,
 * devices by page, alerts filtered in SQL, and the retention purge.
 */
import { sql } from 'kysely';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../../tests/support/databases.js';
import type { Store } from '../store/index.js';
import { up as migrate0008 } from '../store/migrations/0008_sense_summaries.js';
import { createFindings } from './findings.js';
import { createSenseService, type IncomingReading, type SenseService } from './sense.js';

const START = Date.parse('2026-03-01T00:00:00.000Z');
const MINUTE = 60_000;

function series(device: string, name: string, from: number, count: number, spikeAt?: number): IncomingReading[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const value = i === spikeAt ? 95 : 20 + Math.sin(i / 40) + ((i * 7919) % 13) * 0.02;
    return { device, series: name, timestampMs: START + i * MINUTE, value };
  });
}

/** The Sense alerts stored, in a comparable form (ids and creation times differ between runs). */
async function storedAlerts(store: Store) {
  const alerts = await store.sense.alerts(1000);
  return alerts.map((f) => `${f.kind} ${f.entities.devices?.[0]} ${f.observedAt} ${f.score.toFixed(6)}`).sort();
}

async function storedScores(store: Store, device: string, name: string) {
  return (await store.sense.readings(device, name, 10_000)).map((r) => `${r.at} ${r.score.toFixed(9)}`);
}

for (const database of testDatabases())
  describe(`Sense service on ${database.name}`, () => {
    let store: Store;
    let now = START;
    const clock = () => new Date(now);
    const service = (s: Store = store, options = {}): SenseService =>
      createSenseService(s, clock, createFindings(s, clock), options);
    /** `store`, whose transactions throw once their work is done (the commit fails) while `kill` is set. */
    let kill = false;
    /** ...and whose Sense reads throw too while `down` is set (the database does not answer). */
    let down = false;
    const failing = (): Store => ({
      ...store,
      sense: {
        ...store.sense,
        series: (devices) => (down ? Promise.reject(new Error('database down')) : store.sense.series(devices)),
      },
      transaction: (work) =>
        store.transaction(async (tx) => {
          const result = await work(tx);
          if (kill) throw new Error('commit failed');
          return result;
        }),
    });

    beforeEach(async () => {
      now = START + 2000 * MINUTE;
      kill = false;
      down = false;
      store = await database.open();
    });
    afterEach(async () => {
      await store.close();
    });
    afterAll(() => database.cleanup());

    it('leaves the detectors as if a batch whose commit failed never came (fix: state moved before commit)', async () => {
      const history = [...series('boiler', 'temp', 0, 400), ...series('pump', 'flow', 0, 400)];
      // The batch has a spike, a new series and a new device: reading and device alerts.
      const batch = [
        ...series('boiler', 'temp', 400, 60, 430),
        ...series('boiler', 'pressure', 400, 5),
        ...series('valve', 'open', 400, 3),
        ...series('pump', 'flow', 400, 60),
      ];

      // What a service that never failed stores.
      const reference = await database.open();
      try {
        const fresh = service(reference);
        await fresh.ingest(history);
        const expected = await fresh.ingest(batch);
        expect(expected.alerts).toBeGreaterThanOrEqual(2);

        const sense = service(failing());
        await sense.ingest(history);
        const before = await storedAlerts(store);
        kill = true;
        await expect(sense.ingest(batch)).rejects.toThrow('commit failed');
        expect((await store.sense.readings('boiler', 'temp', 10_000)).length).toBe(400);
        expect(await storedAlerts(store)).toEqual(before);
        expect((await store.sense.series('boiler'))[0]?.count).toBe(400);

        kill = false;
        const again = await sense.ingest(batch);
        expect(again).toEqual(expected);
        expect(await storedAlerts(store)).toEqual(await storedAlerts(reference));
        for (const [device, name] of [
          ['boiler', 'temp'],
          ['boiler', 'pressure'],
          ['pump', 'flow'],
        ] as const) {
          expect(await storedScores(store, device, name)).toEqual(await storedScores(reference, device, name));
        }
        expect((await sense.devices()).items).toEqual((await fresh.devices()).items);
      } finally {
        await reference.close();
      }
    });

    it('keeps a failed batch from moving the state while the store stays down, then recovers', async () => {
      const sense = service(failing());
      await sense.ingest(series('boiler', 'temp', 0, 300));
      kill = true;
      await expect(sense.ingest(series('boiler', 'temp', 300, 10))).rejects.toThrow('commit failed');
      down = true;
      await expect(sense.ingest(series('boiler', 'temp', 300, 10))).rejects.toThrow('database down');
      down = false;
      await expect(sense.ingest(series('boiler', 'temp', 300, 10))).rejects.toThrow('commit failed');
      kill = false;
      const result = await sense.ingest(series('boiler', 'temp', 300, 10));
      expect(result).toMatchObject({ accepted: 10, rejected: [] });
      expect((await store.sense.series('boiler'))[0]).toMatchObject({ count: 310 });
    });

    it('reports a silence again when the transaction that recorded it failed', async () => {
      const sense = service(failing());
      await sense.ingest(series('boiler', 'temp', 0, 60));
      now = START + 60 * MINUTE + 30 * MINUTE;
      kill = true;
      await expect(sense.checkSilences()).rejects.toThrow('commit failed');
      kill = false;
      expect(await sense.checkSilences()).toBe(1);
      expect((await sense.device('boiler'))?.status).toBe('silent');
      expect(await sense.checkSilences()).toBe(0);
    });

    it('keeps per-series summaries with the readings, and lists devices by page', async () => {
      const sense = service();
      await sense.ingest([...series('b', 's', 0, 50), ...series('a', 's', 0, 20), ...series('c', 's', 0, 5)]);
      await sense.ingest([...series('a', 's', 20, 10, 25), ...series('a', 't', 20, 3)]);
      const summaries = await store.sense.series('a');
      const readings = await store.sense.readings('a', 's', 1000);
      expect(summaries).toHaveLength(2);
      expect(summaries[0]).toEqual({
        device: 'a',
        series: 's',
        count: 30,
        firstAt: readings[0]?.at,
        lastAt: readings[29]?.at,
        min: Math.min(...readings.map((r) => r.value)),
        max: 95,
        lastValue: readings[29]?.value,
        lastScore: readings[29]?.score,
      });

      const first = await sense.devices({ limit: 2 });
      expect(first.items.map((d) => d.id)).toEqual(['a', 'b']);
      expect(first.next).toBe('b');
      const second = await sense.devices({ limit: 2, after: first.next ?? '' });
      expect(second.items.map((d) => d.id)).toEqual(['c']);
      expect(second.next).toBeNull();
      expect(first.items[0]?.series.map((s) => [s.key, s.count])).toEqual([
        ['s', 30],
        ['t', 3],
      ]);
    });

    it('filters alerts by device in SQL and counts only recent trouble as open', async () => {
      const sense = service();
      await sense.ingest([...series('a', 's', 0, 400, 350), ...series('b', 's', 0, 400)]);
      const all = await sense.alerts(1000);
      const aOnly = await sense.alerts(1000, 'a');
      const bOnly = await sense.alerts(1000, 'b');
      expect(aOnly.some((f) => f.observedAt === new Date(START + 350 * MINUTE).toISOString())).toBe(true);
      expect(aOnly.every((f) => f.entities.devices?.[0] === 'a')).toBe(true);
      expect(bOnly.every((f) => f.entities.devices?.[0] === 'b')).toBe(true);
      expect(aOnly.length + bOnly.length).toBe(all.length);
      expect((await sense.alerts(2, 'a')).map((f) => f.id)).toEqual(aOnly.slice(0, 2).map((f) => f.id));
      // Open: observed in the last day, sightings of a new device or topic aside.
      const trouble = (list: typeof all) => list.filter((f) => !f.kind.startsWith('device_new')).length;
      now = START + 400 * MINUTE;
      expect((await sense.device('a'))?.openAlerts).toBe(trouble(aOnly));
      expect((await sense.device('b'))?.openAlerts).toBe(trouble(bOnly));
      now = START + 400 * MINUTE + 86_400_000;
      expect(await sense.device('a')).toMatchObject({ openAlerts: 0, status: 'ok' });
    });

    it('purges old readings in chunks, audits each run that deleted something, and keeps the counts', async () => {
      const sense = service();
      await sense.ingest(series('a', 's', 0, 100));
      now = START + 10 * 86_400_000 + 50 * MINUTE;
      expect(await sense.purgeReadings(0)).toBe(0);
      expect(await sense.purgeReadings(10, 7)).toBe(50);
      const kept = await store.sense.readings('a', 's', 1000);
      expect(kept).toHaveLength(50);
      expect(kept[0]?.at).toBe(new Date(START + 50 * MINUTE).toISOString());
      expect(await sense.purgeReadings(10, 7)).toBe(0);
      const audit = await store.audit.list({ limit: 10, action: 'sense.readings.purge' });
      expect(audit).toHaveLength(1);
      expect(audit[0]?.details).toMatchObject({ deleted: 50, retentionDays: 10, chunks: 8 });
      expect((await sense.device('a'))?.series[0]).toMatchObject({ count: 100 });
      // A restart after the purge knows the device and its topic: no false "new device" or "new topic".
      await sense.purgeReadings(1);
      const restarted = service();
      await restarted.restore();
      const result = await restarted.ingest(series('a', 's', 14_000, 1));
      expect(result).toMatchObject({ accepted: 1, alerts: 0 });
    });

    it('backfills summaries and the alert index from existing readings and findings (migration 0008)', async () => {
      const sense = service();
      await sense.ingest([...series('a', 's', 0, 400, 350), ...series('b', 's', 0, 30)]);
      const summaries = await store.sense.series();
      const alerts = await storedAlerts(store);
      for (const table of ['sense_series', 'sense_alerts']) await sql`drop table ${sql.table(table)}`.execute(store.db);
      await sql`drop index sense_readings_at_idx`.execute(store.db);
      await migrate0008(store.db as never, store.dialect);
      expect(await store.sense.series()).toEqual(summaries);
      expect(await storedAlerts(store)).toEqual(alerts);
    });
  });
