/** Sense storage: the device inventory and scored readings, kept per series in time order. */
import type { Kysely } from 'kysely';
import type { Database, SenseReadingsTable } from './schema.js';

export interface SenseDeviceRecord {
  readonly id: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly messages: number;
  readonly topics: string[];
  readonly ratePerMinute: number | null;
  readonly silent: boolean;
}

export interface SenseReadingRecord {
  readonly device: string;
  readonly series: string;
  readonly at: string;
  readonly value: number;
  readonly score: number;
  readonly expected: number | null;
  readonly low: number | null;
  readonly high: number | null;
}

export interface SenseSeriesSummary {
  readonly device: string;
  readonly series: string;
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly lastAt: string;
}

const toReading = (row: Omit<SenseReadingsTable, 'id'>): SenseReadingRecord => ({
  device: row.device,
  series: row.series,
  at: row.at,
  value: Number(row.value),
  score: Number(row.score),
  expected: row.expected === null ? null : Number(row.expected),
  low: row.low === null ? null : Number(row.low),
  high: row.high === null ? null : Number(row.high),
});

export function senseRepository(db: Kysely<Database>) {
  return {
    async upsertDevice(device: SenseDeviceRecord): Promise<void> {
      const values = {
        first_seen: device.firstSeen,
        last_seen: device.lastSeen,
        messages: device.messages,
        topics: JSON.stringify(device.topics),
        rate_per_minute: device.ratePerMinute,
        silent: device.silent ? 1 : 0,
      };
      await db
        .insertInto('sense_devices')
        .values({ id: device.id, ...values })
        .onConflict((oc) => oc.column('id').doUpdateSet(values))
        .execute();
    },

    async devices(): Promise<SenseDeviceRecord[]> {
      const rows = await db.selectFrom('sense_devices').selectAll().orderBy('id').execute();
      return rows.map((row) => ({
        id: row.id,
        firstSeen: row.first_seen,
        lastSeen: row.last_seen,
        messages: Number(row.messages),
        topics: JSON.parse(row.topics) as string[],
        ratePerMinute: row.rate_per_minute === null ? null : Number(row.rate_per_minute),
        silent: row.silent === 1,
      }));
    },

    async insertReadings(readings: readonly SenseReadingRecord[]): Promise<void> {
      // Chunks keep each statement under the drivers' parameter limits.
      for (let i = 0; i < readings.length; i += 500) {
        await db
          .insertInto('sense_readings')
          .values(readings.slice(i, i + 500).map((r) => ({ ...r })))
          .execute();
      }
    },

    /** The latest `limit` readings of one series, oldest first. */
    async readings(device: string, series: string, limit: number): Promise<SenseReadingRecord[]> {
      const rows = await db
        .selectFrom('sense_readings')
        .select(['device', 'series', 'at', 'value', 'score', 'expected', 'low', 'high'])
        .where('device', '=', device)
        .where('series', '=', series)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.reverse().map(toReading);
    },

    async series(device?: string): Promise<SenseSeriesSummary[]> {
      let q = db
        .selectFrom('sense_readings')
        .select((eb) => [
          'device',
          'series',
          eb.fn.countAll().as('count'),
          eb.fn.min('value').as('min'),
          eb.fn.max('value').as('max'),
          eb.fn.max('at').as('lastAt'),
        ])
        .groupBy(['device', 'series']);
      if (device !== undefined) q = q.where('device', '=', device);
      const rows = await q.orderBy('device').orderBy('series').execute();
      return rows.map((r) => ({
        device: r.device,
        series: r.series,
        count: Number(r.count),
        min: Number(r.min),
        max: Number(r.max),
        lastAt: String(r.lastAt),
      }));
    },
  };
}
export type SenseRepository = ReturnType<typeof senseRepository>;
