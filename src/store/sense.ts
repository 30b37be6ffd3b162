/**
 * Sense storage: the device inventory, scored readings kept per series in time order, one
 * summary row per series (updated with the readings), and an index of Sense alerts by device.
 */
import { type Kysely, sql } from 'kysely';
import type { Finding } from '../core/index.js';
import { toFinding } from './findings.js';
import type { Database, SenseDevicesTable, SenseReadingsTable } from './schema.js';

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
  /** Readings received (the retention purge deletes readings, not this count). */
  readonly count: number;
  readonly firstAt: string;
  readonly lastAt: string;
  /** Smallest and largest value ever received. */
  readonly min: number;
  readonly max: number;
  readonly lastValue: number;
  readonly lastScore: number;
}

/** A Sense finding as indexed by device (the finding itself is in `findings`). */
export interface SenseAlertRecord {
  readonly findingId: string;
  readonly device: string;
  readonly series: string | null;
  readonly kind: string;
  readonly observedAt: string;
}

/** Sense's tables added by migration 0008, declared here (see Database in schema.ts). */
export interface SenseSeriesTable {
  device: string;
  series: string;
  count: number;
  first_at: string;
  last_at: string;
  min: number;
  max: number;
  last_value: number;
  last_score: number;
}

export interface SenseAlertsTable {
  finding_id: string;
  device: string;
  series: string | null;
  kind: string;
  observed_at: string;
}

export type SenseTables = {
  sense_series: SenseSeriesTable;
  sense_alerts: SenseAlertsTable;
};

/** Rows per multi-row statement: under SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500;

const toSummary = (r: SenseSeriesTable): SenseSeriesSummary => ({
  device: r.device,
  series: r.series,
  count: Number(r.count),
  firstAt: r.first_at,
  lastAt: r.last_at,
  min: Number(r.min),
  max: Number(r.max),
  lastValue: Number(r.last_value),
  lastScore: Number(r.last_score),
});

const toDevice = (row: SenseDevicesTable): SenseDeviceRecord => ({
  id: row.id,
  firstSeen: row.first_seen,
  lastSeen: row.last_seen,
  messages: Number(row.messages),
  topics: JSON.parse(row.topics) as string[],
  ratePerMinute: row.rate_per_minute === null ? null : Number(row.rate_per_minute),
  silent: Number(row.silent) === 1,
});

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

export function senseRepository(base: Kysely<Database>) {
  const db = base.withTables<SenseTables>();

  async function upsertDevices(devices: readonly SenseDeviceRecord[]): Promise<void> {
    for (let i = 0; i < devices.length; i += CHUNK) {
      await db
        .insertInto('sense_devices')
        .values(
          devices.slice(i, i + CHUNK).map((d) => ({
            id: d.id,
            first_seen: d.firstSeen,
            last_seen: d.lastSeen,
            messages: d.messages,
            topics: JSON.stringify(d.topics),
            rate_per_minute: d.ratePerMinute,
            silent: d.silent ? 1 : 0,
          })),
        )
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            first_seen: eb.ref('excluded.first_seen'),
            last_seen: eb.ref('excluded.last_seen'),
            messages: eb.ref('excluded.messages'),
            topics: eb.ref('excluded.topics'),
            rate_per_minute: eb.ref('excluded.rate_per_minute'),
            silent: eb.ref('excluded.silent'),
          })),
        )
        .execute();
    }
  }

  return {
    async upsertDevice(device: SenseDeviceRecord): Promise<void> {
      await upsertDevices([device]);
    },

    upsertDevices,

    /** One page of the inventory in name order, after `after` when given. */
    async devices(page: { limit?: number; after?: string } = {}): Promise<SenseDeviceRecord[]> {
      let q = db.selectFrom('sense_devices').selectAll().orderBy('id');
      if (page.after !== undefined) q = q.where('id', '>', page.after);
      if (page.limit !== undefined) q = q.limit(page.limit);
      return (await q.execute()).map(toDevice);
    },

    async device(id: string): Promise<SenseDeviceRecord | undefined> {
      const row = await db.selectFrom('sense_devices').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toDevice(row);
    },

    async insertReadings(readings: readonly SenseReadingRecord[]): Promise<void> {
      // Chunks keep each statement under the drivers' parameter limits.
      for (let i = 0; i < readings.length; i += CHUNK) {
        await db
          .insertInto('sense_readings')
          .values(readings.slice(i, i + CHUNK).map((r) => ({ ...r })))
          .execute();
      }
    },

    /**
     * Adds a batch's part of each series to its summary (one row per series in `batch`, which
     * summarises only the batch's readings): counts add up, extremes and the last reading merge.
     */
    async addToSummaries(batch: readonly SenseSeriesSummary[]): Promise<void> {
      for (let i = 0; i < batch.length; i += CHUNK) {
        await db
          .insertInto('sense_series')
          .values(
            batch.slice(i, i + CHUNK).map((s) => ({
              device: s.device,
              series: s.series,
              count: s.count,
              first_at: s.firstAt,
              last_at: s.lastAt,
              min: s.min,
              max: s.max,
              last_value: s.lastValue,
              last_score: s.lastScore,
            })),
          )
          .onConflict((oc) =>
            oc.columns(['device', 'series']).doUpdateSet({
              // CASE rather than LEAST/GREATEST (PostgreSQL) or min/max (SQLite): one SQL for both.
              count: sql`sense_series.count + excluded.count`,
              first_at: sql`case when excluded.first_at < sense_series.first_at then excluded.first_at else sense_series.first_at end`,
              min: sql`case when excluded.min < sense_series.min then excluded.min else sense_series.min end`,
              max: sql`case when excluded.max > sense_series.max then excluded.max else sense_series.max end`,
              last_value: sql`case when excluded.last_at >= sense_series.last_at then excluded.last_value else sense_series.last_value end`,
              last_score: sql`case when excluded.last_at >= sense_series.last_at then excluded.last_score else sense_series.last_score end`,
              last_at: sql`case when excluded.last_at >= sense_series.last_at then excluded.last_at else sense_series.last_at end`,
            }),
          )
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

    /** Series summaries (of the given devices only, when asked), by device then series. */
    async series(devices?: string | readonly string[]): Promise<SenseSeriesSummary[]> {
      const base = db.selectFrom('sense_series').selectAll().orderBy('device').orderBy('series');
      if (devices === undefined) return (await base.execute()).map(toSummary);
      const ids = typeof devices === 'string' ? [devices] : devices;
      const out: SenseSeriesSummary[] = [];
      for (let i = 0; i < ids.length; i += CHUNK) {
        const rows = await base.where('device', 'in', ids.slice(i, i + CHUNK)).execute();
        out.push(...rows.map(toSummary));
      }
      return out;
    },

    /** Deletes at most `limit` readings received before `before` (one bounded statement); returns how many. */
    async deleteReadingsBefore(before: string, limit: number): Promise<number> {
      const result = await db
        .deleteFrom('sense_readings')
        .where('id', 'in', db.selectFrom('sense_readings').select('id').where('at', '<', before).limit(limit))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async insertAlerts(alerts: readonly SenseAlertRecord[]): Promise<void> {
      for (let i = 0; i < alerts.length; i += CHUNK) {
        await db
          .insertInto('sense_alerts')
          .values(
            alerts.slice(i, i + CHUNK).map((a) => ({
              finding_id: a.findingId,
              device: a.device,
              series: a.series,
              kind: a.kind,
              observed_at: a.observedAt,
            })),
          )
          .execute();
      }
    },

    /** Sense findings, newest first (about one device only, when asked), filtered and limited in SQL. */
    async alerts(limit: number, device?: string): Promise<Finding[]> {
      let q = db
        .selectFrom('sense_alerts')
        .innerJoin('findings', 'findings.id', 'sense_alerts.finding_id')
        .selectAll('findings');
      if (device !== undefined) q = q.where('sense_alerts.device', '=', device);
      const rows = await q.orderBy('sense_alerts.observed_at', 'desc').limit(limit).execute();
      return rows.map(toFinding);
    },

    /** Alerts per device observed since `since`, other kinds than `ignored`, for the given devices. */
    async alertCounts(
      devices: readonly string[],
      since: string,
      ignored: readonly string[],
    ): Promise<Map<string, number>> {
      const counts = new Map<string, number>();
      for (let i = 0; i < devices.length; i += CHUNK) {
        let q = db
          .selectFrom('sense_alerts')
          .select((eb) => ['device', eb.fn.countAll().as('n')])
          .where('device', 'in', devices.slice(i, i + CHUNK))
          .where('observed_at', '>=', since);
        if (ignored.length > 0) q = q.where('kind', 'not in', ignored);
        for (const row of await q.groupBy('device').execute()) counts.set(row.device, Number(row.n));
      }
      return counts;
    },
  };
}
export type SenseRepository = ReturnType<typeof senseRepository>;
