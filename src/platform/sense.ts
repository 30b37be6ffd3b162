/**
 * The Sense service: readings in (HTTP batches, MQTT, CSV import), one streaming detector
 * per series, the device watch, stored readings with their scores, and alerts as findings.
 * A batch is acknowledged once it is stored. Detectors live in memory and are rebuilt at
 * start by replaying each series' recent readings, so a restart does not forget baselines.
 */
import type { Clock, Finding } from '../core/index.js';
import {
  createDeviceWatch,
  createSenseDetector,
  deviceFinding,
  readingFinding,
  type SenseDetector,
} from '../sense/index.js';
import type { SenseDeviceRecord, SenseReadingRecord, Store } from '../store/index.js';
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

export function createSenseService(
  store: Store,
  clock: Clock,
  findings: ReturnType<typeof createFindings>,
  options: SenseOptions = {},
) {
  const alertThreshold = options.alertThreshold ?? DEFAULT_ALERT_THRESHOLD;
  const maxSeries = options.maxSeries ?? 10_000;
  const detectors = new Map<string, { detector: SenseDetector; lastAt: number }>();
  const watch = createDeviceWatch();
  let queue: Promise<unknown> = Promise.resolve();
  const key = (device: string, series: string) => `${device}\u0000${series}`;

  function detectorFor(device: string, series: string) {
    let entry = detectors.get(key(device, series));
    if (!entry) {
      if (detectors.size >= maxSeries) return undefined;
      entry = { detector: createSenseDetector(), lastAt: Number.NEGATIVE_INFINITY };
      detectors.set(key(device, series), entry);
    }
    return entry;
  }

  function deviceRecords(only: ReadonlySet<string>): SenseDeviceRecord[] {
    return watch.inventory(only).map((d) => ({
      id: d.device,
      firstSeen: new Date(d.firstSeen).toISOString(),
      lastSeen: new Date(d.lastSeen).toISOString(),
      messages: d.messages,
      topics: [...d.topics],
      ratePerMinute: d.ratePerMinute,
      silent: d.silent,
    }));
  }

  /** Sense findings, newest first, optionally about one device. */
  async function alerts(limit: number, device?: string): Promise<Finding[]> {
    const recent = await store.findings.recent(device ? Math.max(limit * 5, 500) : limit, 'sense');
    return (device ? recent.filter((f) => f.entities.devices?.includes(device)) : recent).slice(0, limit);
  }

  async function ingestNow(readings: readonly IncomingReading[]): Promise<IngestResult> {
    const rows: SenseReadingRecord[] = [];
    const alerts: Finding[] = [];
    const pending: Array<Parameters<typeof findings.build>[0]> = [];
    const rejected: IngestResult['rejected'] = [];
    const touched = new Set<string>();
    const now = clock().getTime();
    readings.forEach((reading, index) => {
      const problem = readingProblem(reading, now);
      if (problem) {
        rejected.push({ index, reason: problem });
        return;
      }
      const entry = detectorFor(reading.device, reading.series);
      if (!entry) {
        rejected.push({ index, reason: `more than ${maxSeries} series are tracked already (VIGIE_SENSE_MAX_SERIES)` });
        return;
      }
      if (reading.timestampMs <= entry.lastAt) {
        rejected.push({ index, reason: 'older than the last reading of this series' });
        return;
      }
      entry.lastAt = reading.timestampMs;
      // The watch knows a device's series as its topics, whatever path they came by (and after a restart).
      for (const event of watch.observe(reading.device, reading.series, reading.timestampMs, reading.value)) {
        const finding = deviceFinding(event);
        if (finding) pending.push(finding);
      }
      touched.add(reading.device);
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
      if (explanation && score >= alertThreshold) {
        pending.push(
          readingFinding(explanation, { device: reading.device, series: reading.series, at: reading.timestampMs }),
        );
      }
    });
    const records = deviceRecords(touched);
    await store.transaction(async (tx) => {
      await tx.sense.insertReadings(rows);
      for (const device of records) await tx.sense.upsertDevice(device);
      for (const input of pending) {
        const finding = findings.build(input);
        await tx.findings.insert(finding);
        alerts.push(finding);
      }
    });
    return { accepted: rows.length, rejected, alerts: alerts.length };
  }

  return {
    alertThreshold,

    /** Scores and stores a batch, in order; resolves once it is stored. Batches run one at a time. */
    ingest(readings: readonly IncomingReading[]): Promise<IngestResult> {
      const run = queue.then(() => ingestNow(readings));
      queue = run.catch(() => undefined);
      return run;
    },

    /** Rebuilds the detectors and the device watch from stored readings (at start). */
    async restore(): Promise<number> {
      let replayed = 0;
      const limit = options.replayReadings ?? SERIES_POINTS;
      for (const summary of await store.sense.series()) {
        const entry = detectorFor(summary.device, summary.series);
        if (!entry) break;
        for (const r of await store.sense.readings(summary.device, summary.series, limit)) {
          const t = Date.parse(r.at);
          entry.detector.push(t, r.value);
          entry.lastAt = t;
          watch.observe(r.device, r.series, t, r.value);
          replayed += 1;
        }
      }
      // The inventory as stored wins over what a partial replay rebuilt (counts, first sighting, silence).
      for (const device of await store.sense.devices()) {
        watch.restore({
          device: device.id,
          firstSeen: Date.parse(device.firstSeen),
          messages: device.messages,
          silent: device.silent,
        });
      }
      return replayed;
    },

    /** Devices quiet for too long become alerts (call it periodically). */
    async checkSilences(): Promise<number> {
      const events = watch.checkSilences(clock().getTime());
      if (events.length === 0) return 0;
      const records = deviceRecords(new Set(events.map((e) => e.device)));
      await store.transaction(async (tx) => {
        for (const device of records) await tx.sense.upsertDevice(device);
        for (const event of events) {
          const input = deviceFinding(event);
          if (input) await tx.findings.insert(findings.build(input));
        }
      });
      return events.length;
    },

    alerts,

    async devices() {
      const [devices, series, recent] = await Promise.all([store.sense.devices(), store.sense.series(), alerts(1000)]);
      const dayAgo = new Date(clock().getTime() - 86_400_000).toISOString();
      return Promise.all(
        devices.map(async (device) => {
          // Sightings of a new device or topic are news, not trouble: they do not make a device anomalous.
          const open = recent.filter(
            (a) =>
              a.entities.devices?.includes(device.id) &&
              a.observedAt >= dayAgo &&
              a.kind !== 'device_new_device' &&
              a.kind !== 'device_new_topic',
          ).length;
          const own = series.filter((s) => s.device === device.id);
          const last = await Promise.all(own.map((s) => store.sense.readings(device.id, s.series, 1)));
          return {
            id: device.id,
            name: device.id,
            firstSeen: device.firstSeen,
            lastSeen: device.lastSeen,
            messages: device.messages,
            ratePerMinute: device.ratePerMinute,
            status: device.silent ? ('silent' as const) : open > 0 ? ('anomalous' as const) : ('ok' as const),
            openAlerts: open,
            series: own.map((s, i) => ({
              key: s.series,
              lastValue: last[i]?.[0]?.value ?? 0,
              lastScore: last[i]?.[0]?.score ?? 0,
              lastAt: s.lastAt,
              min: s.min,
              max: s.max,
              count: s.count,
            })),
          };
        }),
      );
    },

    async readings(device: string, series: string, limit = SERIES_POINTS) {
      return store.sense.readings(device, series, limit);
    },
  };
}
export type SenseService = ReturnType<typeof createSenseService>;
