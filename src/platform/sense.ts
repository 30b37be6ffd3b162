/**
 * The Sense service: readings in (HTTP batches, MQTT, CSV import), one streaming detector
 * per series, the device watch, stored readings with their scores, per-series summaries, and
 * alerts as findings. A batch is acknowledged once it is stored, and is all-or-nothing: when
 * its transaction fails, the devices it touched are rebuilt from the store before they judge
 * anything else. Detectors live in memory and are rebuilt at start by replaying each series'
 * recent readings, so a restart does not forget baselines. Old readings are purged in chunks.
 */
import type { Clock, Finding } from '../core/index.js';
import {
  createDeviceWatch,
  createSenseDetector,
  type DeviceWatch,
  deviceFinding,
  readingFinding,
  type SenseDetector,
} from '../sense/index.js';
import type { Repositories, SenseDeviceRecord, SenseReadingRecord, SenseSeriesSummary, Store } from '../store/index.js';
import type { createFindings } from './findings.js';

export interface IncomingReading {
  readonly device: string;
  readonly series: string;
  readonly timestampMs: number;
  readonly value: number;
  /** Where it came from (MQTT topic, `http`, `csv`), for the device's topic list. */
  readonly topic?: string;
}

export interface IngestResult {
  readonly accepted: number;
  readonly rejected: Array<{ index: number; reason: string }>;
  readonly alerts: number;
}

export interface SenseOptions {
  /** Score from which a reading raises an alert (the NAB-optimal threshold of the detector is about 0.5). */
  readonly alertThreshold?: number;
  /** Series tracked at most: each costs memory, and names come from outside. */
  readonly maxSeries?: number;
  /** Readings replayed per series at start. */
  readonly replayReadings?: number;
}

export const DEFAULT_ALERT_THRESHOLD = 0.5;
/** Devices per page of the inventory, by default and at most. */
const DEVICES_PAGE = 500;
const MAX_DEVICES_PAGE = 1000;
/** Readings deleted per statement by the retention purge, and statements per run at most. */
const PURGE_CHUNK = 5000;
const PURGE_MAX_CHUNKS = 2000;
/** Sightings of a new device or topic are news, not trouble: they do not make a device anomalous. */
const NEWS_KINDS = ['device_new_device', 'device_new_topic'] as const;
const SERIES_POINTS = 5000;
const EARLIEST = Date.UTC(1990, 0, 1);
const MAX_ABS_VALUE = 1e15;
/** Device and series names: printable, short, and free of MQTT separators and wildcards. */
const NAME = /^[^\p{Cc}/#+]{1,128}$/u;

/** Why a reading cannot be taken, or null: checked before anything changes. */
function readingProblem(reading: IncomingReading, now: number): string | null {
  if (!NAME.test(reading.device) || reading.device.trim() !== reading.device) return 'device name not allowed';
  if (!NAME.test(reading.series) || reading.series.trim() !== reading.series) return 'series name not allowed';
  if (!Number.isFinite(reading.value) || Math.abs(reading.value) > MAX_ABS_VALUE) return 'value out of bounds';
  if (
    !Number.isFinite(reading.timestampMs) ||
    reading.timestampMs < EARLIEST ||
    reading.timestampMs > now + 86_400_000
  ) {
    return 'timestamp before 1990 or more than a day ahead';
  }
  return null;
}

interface SeriesState {
  readonly detector: SenseDetector;
  lastAt: number;
}

/** What memory holds about one device: its watch and one detector per series. */
interface DeviceState {
  readonly watch: DeviceWatch;
  readonly series: Map<string, SeriesState>;
}

type AlertInput = Parameters<ReturnType<typeof createFindings>['build']>[0];

export interface DevicePage {
  readonly limit?: number;
  /** Name of the last device of the previous page. */
  readonly after?: string;
}

export function createSenseService(
  store: Store,
  clock: Clock,
  findings: ReturnType<typeof createFindings>,
  options: SenseOptions = {},
) {
  const alertThreshold = options.alertThreshold ?? DEFAULT_ALERT_THRESHOLD;
  const maxSeries = options.maxSeries ?? 10_000;
  const replayLimit = options.replayReadings ?? SERIES_POINTS;
  const devices = new Map<string, DeviceState>();
  let seriesCount = 0;
  /**
   * Devices whose memory may be ahead of the store (a transaction failed after they moved):
   * rebuilt from the store before the next batch or silence check judges anything.
   */
  const stale = new Set<string>();
  let queue: Promise<unknown> = Promise.resolve();

  /** Runs `work` after the batches, checks and purge steps queued before it. */
  function serialised<T>(work: () => Promise<T>): Promise<T> {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  }

  function deviceState(device: string): DeviceState {
    let state = devices.get(device);
    if (!state) {
      state = { watch: createDeviceWatch(), series: new Map() };
      devices.set(device, state);
    }
    return state;
  }

  function seriesState(device: DeviceState, series: string): SeriesState | undefined {
    let entry = device.series.get(series);
    if (!entry) {
      if (seriesCount >= maxSeries) return undefined;
      entry = { detector: createSenseDetector(), lastAt: Number.NEGATIVE_INFINITY };
      device.series.set(series, entry);
      seriesCount += 1;
    }
    return entry;
  }

  function forget(device: string): void {
    const state = devices.get(device);
    if (!state) return;
    seriesCount -= state.series.size;
    devices.delete(device);
  }

  function deviceRecord(device: string): SenseDeviceRecord | undefined {
    const d = devices.get(device)?.watch.inventory()[0];
    return (
      d && {
        id: d.device,
        firstSeen: new Date(d.firstSeen).toISOString(),
        lastSeen: new Date(d.lastSeen).toISOString(),
        messages: d.messages,
        topics: [...d.topics],
        ratePerMinute: d.ratePerMinute,
        silent: d.silent,
      }
    );
  }

  /**
   * Replaces what memory holds about one device by what the store holds: its series' latest
   * readings replayed (each into its detector, all of them in time order into the watch), then
   * its stored inventory row (counts, first sighting, silence, topics) as the truth.
   */
  async function rebuild(
    device: string,
    series: readonly SenseSeriesSummary[],
    stored: SenseDeviceRecord | undefined,
  ): Promise<number> {
    const state: DeviceState = { watch: createDeviceWatch(), series: new Map() };
    const sightings: Array<{ t: number; series: string; value: number }> = [];
    const others = seriesCount - (devices.get(device)?.series.size ?? 0);
    for (const summary of series) {
      if (others + state.series.size >= maxSeries) break;
      const readings = await store.sense.readings(device, summary.series, replayLimit);
      // A series whose readings were all purged takes no slot until it sends again.
      if (readings.length === 0) continue;
      // Readings older than the last one stored stay refused, as before the rebuild.
      const entry: SeriesState = { detector: createSenseDetector(), lastAt: Date.parse(summary.lastAt) };
      state.series.set(summary.series, entry);
      for (const r of readings) {
        const t = Date.parse(r.at);
        entry.detector.push(t, r.value);
        sightings.push({ t, series: summary.series, value: r.value });
      }
    }
    // Stable sort: readings at the same time keep their series order (ties are not beats of the watch).
    sightings.sort((a, b) => a.t - b.t);
    for (const s of sightings) state.watch.observe(device, s.series, s.t, s.value);
    if (stored) {
      // Topics whose readings were purged or not replayed are still known (no false "new topic").
      const seen = state.watch.inventory()[0];
      const known = new Set(seen?.topics ?? []);
      const at = seen?.lastSeen ?? Date.parse(stored.lastSeen);
      for (const topic of stored.topics) if (!known.has(topic)) state.watch.observe(device, topic, at);
      state.watch.restore({
        device,
        firstSeen: Date.parse(stored.firstSeen),
        messages: stored.messages,
        silent: stored.silent,
      });
    }
    forget(device);
    if (state.series.size > 0 || stored) {
      devices.set(device, state);
      seriesCount += state.series.size;
    }
    return sightings.length;
  }

  /** Rebuilds the devices a failed transaction left ahead of the store; throws (and keeps them stale) if the store fails again. */
  async function refreshStale(): Promise<void> {
    for (const device of [...stale]) {
      await rebuild(device, await store.sense.series(device), await store.sense.device(device));
      stale.delete(device);
    }
  }

  /** Runs a transaction after `touched` devices moved in memory: if it fails, they are marked stale. */
  async function commit(touched: Iterable<string>, work: (tx: Repositories) => Promise<void>): Promise<void> {
    try {
      await store.transaction(work);
    } catch (error) {
      for (const device of touched) stale.add(device);
      throw error;
    }
  }

  async function storeAlerts(tx: Repositories, pending: readonly AlertInput[]): Promise<number> {
    const built = pending.map((input) => findings.build(input));
    for (const finding of built) await tx.findings.insert(finding);
    await tx.sense.insertAlerts(
      built.map((f) => {
        const series = f.evidence.find((e) => typeof e.data?.series === 'string')?.data?.series;
        return {
          findingId: f.id,
          device: f.entities.devices?.[0] ?? '',
          series: typeof series === 'string' ? series : null,
          kind: f.kind,
          observedAt: f.observedAt,
        };
      }),
    );
    return built.length;
  }

  async function ingestNow(readings: readonly IncomingReading[]): Promise<IngestResult> {
    await refreshStale();
    const rows: SenseReadingRecord[] = [];
    const pending: AlertInput[] = [];
    const rejected: IngestResult['rejected'] = [];
    const touched = new Set<string>();
    const summaries = new Map<string, { -readonly [K in keyof SenseSeriesSummary]: SenseSeriesSummary[K] }>();
    const now = clock().getTime();
    try {
      readings.forEach((reading, index) => {
        const problem = readingProblem(reading, now);
        if (problem) {
          rejected.push({ index, reason: problem });
          return;
        }
        const known = devices.get(reading.device);
        const device = known ?? deviceState(reading.device);
        const entry = seriesState(device, reading.series);
        if (!entry) {
          if (!known) devices.delete(reading.device);
          rejected.push({
            index,
            reason: `more than ${maxSeries} series are tracked already (VIGIE_SENSE_MAX_SERIES)`,
          });
          return;
        }
        if (reading.timestampMs <= entry.lastAt) {
          rejected.push({ index, reason: 'older than the last reading of this series' });
          return;
        }
        touched.add(reading.device);
        entry.lastAt = reading.timestampMs;
        // The watch knows a device's series as its topics, whatever path they came by (and after a restart).
        for (const event of device.watch.observe(reading.device, reading.series, reading.timestampMs, reading.value)) {
          const finding = deviceFinding(event);
          if (finding) pending.push(finding);
        }
        const pushed = entry.detector.push(reading.timestampMs, reading.value);
        const score = Number.isFinite(pushed) ? pushed : 0;
        const explanation = entry.detector.explain();
        const at = new Date(reading.timestampMs).toISOString();
        rows.push({
          device: reading.device,
          series: reading.series,
          at,
          value: reading.value,
          score,
          expected: explanation ? explanation.expected : null,
          low: explanation ? explanation.expectedLow : null,
          high: explanation ? explanation.expectedHigh : null,
        });
        const k = `${reading.device}\u0000${reading.series}`;
        const summary = summaries.get(k);
        if (summary) {
          summary.count += 1;
          summary.min = Math.min(summary.min, reading.value);
          summary.max = Math.max(summary.max, reading.value);
          summary.lastAt = at;
          summary.lastValue = reading.value;
          summary.lastScore = score;
        } else {
          summaries.set(k, {
            device: reading.device,
            series: reading.series,
            count: 1,
            firstAt: at,
            lastAt: at,
            min: reading.value,
            max: reading.value,
            lastValue: reading.value,
            lastScore: score,
          });
        }
        if (explanation && score >= alertThreshold) {
          pending.push(
            readingFinding(explanation, { device: reading.device, series: reading.series, at: reading.timestampMs }),
          );
        }
      });
    } catch (error) {
      // Whatever moved before an unexpected error is not stored: rebuilt before the next batch.
      for (const device of touched) stale.add(device);
      throw error;
    }
    const records = [...touched].flatMap((d) => deviceRecord(d) ?? []);
    let alerts = 0;
    await commit(touched, async (tx) => {
      await tx.sense.insertReadings(rows);
      await tx.sense.addToSummaries([...summaries.values()]);
      await tx.sense.upsertDevices(records);
      alerts = await storeAlerts(tx, pending);
    });
    return { accepted: rows.length, rejected, alerts };
  }

  /** Sense findings, newest first, optionally about one device (filtered in SQL). */
  async function alerts(limit: number, device?: string): Promise<Finding[]> {
    return store.sense.alerts(limit, device);
  }

  /** Devices as the API shows them, from their inventory rows, series summaries and recent alert counts. */
  async function describe(rows: readonly SenseDeviceRecord[]) {
    const ids = rows.map((d) => d.id);
    const dayAgo = new Date(clock().getTime() - 86_400_000).toISOString();
    const [series, open] = await Promise.all([
      store.sense.series(ids),
      store.sense.alertCounts(ids, dayAgo, NEWS_KINDS),
    ]);
    const byDevice = new Map<string, SenseSeriesSummary[]>();
    for (const s of series) {
      const list = byDevice.get(s.device);
      if (list) list.push(s);
      else byDevice.set(s.device, [s]);
    }
    return rows.map((device) => {
      const openAlerts = open.get(device.id) ?? 0;
      return {
        id: device.id,
        name: device.id,
        firstSeen: device.firstSeen,
        lastSeen: device.lastSeen,
        messages: device.messages,
        ratePerMinute: device.ratePerMinute,
        status: device.silent ? ('silent' as const) : openAlerts > 0 ? ('anomalous' as const) : ('ok' as const),
        openAlerts,
        series: (byDevice.get(device.id) ?? []).map((s) => ({
          key: s.series,
          lastValue: s.lastValue,
          lastScore: s.lastScore,
          lastAt: s.lastAt,
          min: s.min,
          max: s.max,
          /** Readings received, including those the retention purge has since deleted. */
          count: s.count,
        })),
      };
    });
  }

  return {
    alertThreshold,

    /** Scores and stores a batch, in order; resolves once it is stored. Batches run one at a time. */
    ingest(readings: readonly IncomingReading[]): Promise<IngestResult> {
      return serialised(() => ingestNow(readings));
    },

    /** Rebuilds the detectors and the device watch from stored readings (at start). */
    restore(): Promise<number> {
      return serialised(async () => {
        const bySeries = new Map<string, SenseSeriesSummary[]>();
        for (const summary of await store.sense.series()) {
          const list = bySeries.get(summary.device);
          if (list) list.push(summary);
          else bySeries.set(summary.device, [summary]);
        }
        const stored = new Map((await store.sense.devices()).map((d) => [d.id, d]));
        let replayed = 0;
        for (const device of new Set([...bySeries.keys(), ...stored.keys()])) {
          replayed += await rebuild(device, bySeries.get(device) ?? [], stored.get(device));
          stale.delete(device);
        }
        return replayed;
      });
    },

    /** Devices quiet for too long become alerts (call it periodically). */
    checkSilences(): Promise<number> {
      return serialised(async () => {
        await refreshStale();
        const now = clock().getTime();
        const events = [...devices.values()].flatMap((d) => d.watch.checkSilences(now));
        if (events.length === 0) return 0;
        const touched = new Set(events.map((e) => e.device));
        const records = [...touched].flatMap((d) => deviceRecord(d) ?? []);
        await commit(touched, async (tx) => {
          await tx.sense.upsertDevices(records);
          await storeAlerts(
            tx,
            events.flatMap((event) => deviceFinding(event) ?? []),
          );
        });
        return events.length;
      });
    },

    /**
     * Deletes readings received more than `days` days ago (0 keeps them forever), a bounded chunk
     * per statement, queued between batches; series summaries and alerts stay. One audit entry per
     * run that deleted something. Returns the number of readings deleted.
     */
    async purgeReadings(days: number, chunk = PURGE_CHUNK): Promise<number> {
      if (!(days > 0)) return 0;
      const started = clock();
      const before = new Date(started.getTime() - days * 86_400_000).toISOString();
      let deleted = 0;
      let chunks = 0;
      for (;;) {
        const n = await serialised(() => store.sense.deleteReadingsBefore(before, chunk));
        deleted += n;
        chunks += 1;
        if (n < chunk || chunks >= PURGE_MAX_CHUNKS) break;
      }
      if (deleted > 0) {
        await store.audit.append({
          at: clock().toISOString(),
          actor: 'system',
          action: 'sense.readings.purge',
          target: 'sense',
          details: { deleted, before, retentionDays: days, chunks, complete: chunks < PURGE_MAX_CHUNKS },
        });
      }
      return deleted;
    },

    alerts,

    /** One page of devices in name order; `next` is the `after` of the following page, or null. */
    async devices(page: DevicePage = {}) {
      const limit = Math.min(Math.max(1, page.limit ?? DEVICES_PAGE), MAX_DEVICES_PAGE);
      const rows = await store.sense.devices({
        limit: limit + 1,
        ...(page.after !== undefined ? { after: page.after } : {}),
      });
      const items = await describe(rows.slice(0, limit));
      return { items, next: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
    },

    async device(id: string) {
      const row = await store.sense.device(id);
      return row ? (await describe([row]))[0] : undefined;
    },

    async readings(device: string, series: string, limit = SERIES_POINTS) {
      return store.sense.readings(device, series, limit);
    },
  };
}
export type SenseService = ReturnType<typeof createSenseService>;
