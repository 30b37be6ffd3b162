/**
 * MQTT ingest for Sense: subscribes to the configured topic filters and turns each message
 * into a reading. Topic `<anything>/<device>/<series>` (the last two levels); payload a bare
 * number, or JSON `{"value": 21.5, "timestamp": "..."}` (time of arrival when absent).
 * Messages are ingested in small batches; a bad payload is reported, never fatal. A batch the
 * store refused (database down) is kept and retried, in order, up to a bound: a failed batch
 * leaves no trace in Sense, so retrying it judges it as if it came for the first time.
 */
import mqtt from 'mqtt';
import type { Clock } from '../core/index.js';
import { parseTimestamp } from '../sense/index.js';
import type { IncomingReading, SenseService } from './sense.js';

export interface SenseMqttOptions {
  readonly url: string;
  readonly topics: readonly string[];
  readonly sense: SenseService;
  readonly clock: Clock;
  /** Called for each message that cannot be read, and for connection errors. */
  readonly onProblem?: (problem: { topic?: string; reason: string }) => void;
  /** How long messages gather before a batch is stored (ms). */
  readonly batchMs?: number;
  /** The MQTT client id (one per Vigie instance, so that the broker keeps its session). */
  readonly clientId?: string;
  /** How long to wait before retrying a batch the store refused (ms). */
  readonly retryMs?: number;
  /** Readings kept waiting for the store at most; beyond, the oldest failed batch is dropped (and reported). */
  readonly maxPending?: number;
}

const MAX_PAYLOAD = 4096;

/** Reads one message as a reading, or says why it cannot. */
export function readingFromMessage(topic: string, payload: string, now: number): IncomingReading | { error: string } {
  const levels = topic.split('/').filter((l) => l !== '');
  if (levels.length < 2) return { error: 'topic needs at least two levels: <device>/<series>' };
  const device = levels[levels.length - 2] ?? '';
  const series = levels[levels.length - 1] ?? '';
  if (payload.length > MAX_PAYLOAD) return { error: `payload larger than ${MAX_PAYLOAD} bytes` };
  const text = payload.trim();
  let value: unknown = text;
  let timestampMs = now;
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { error: 'payload is neither a number nor JSON' };
    }
    if (typeof parsed !== 'object' || parsed === null) return { error: 'JSON payload must be an object' };
    const record = parsed as Record<string, unknown>;
    value = record.value;
    if (record.timestamp !== undefined) {
      const t = parseTimestamp(String(record.timestamp));
      if (t === undefined || !Number.isFinite(t)) return { error: 'timestamp is not a date' };
      timestampMs = t;
    }
  }
  const number =
    typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : Number.NaN;
  if (!Number.isFinite(number)) return { error: 'value is not a number' };
  return { device, series, timestampMs, value: number, topic };
}

/**
 * Connects and subscribes without waiting for the broker: when it is down at start, the client
 * keeps retrying (and Vigie keeps serving); a persistent session keeps QoS 1 messages sent
 * while Vigie was away.
 */
export function connectSenseMqtt(options: SenseMqttOptions): { close(): Promise<void> } {
  const problem = options.onProblem ?? (() => undefined);
  const client = mqtt.connect(options.url, {
    reconnectPeriod: 2000,
    connectTimeout: 5000,
    clean: false,
    clientId: options.clientId ?? 'vigie-sense',
  });
  client.on('error', (error) => problem({ reason: error.message }));
  client.on('connect', (ack) => {
    // A resumed session still has its subscriptions.
    if (ack.sessionPresent) return;
    client.subscribe([...options.topics], { qos: 1 }, (error) => {
      if (error) problem({ reason: `cannot subscribe: ${error.message}` });
    });
  });
  let batch: IncomingReading[] = [];
  let timer: NodeJS.Timeout | undefined;
  let flushing = Promise.resolve();
  let closed = false;
  const retryMs = options.retryMs ?? 2000;
  const maxPending = options.maxPending ?? 100_000;
  const lastArrival = new Map<string, number>();

  const flush = () => {
    timer = undefined;
    // The batch is taken when its turn comes: readings put back by a failed batch go first.
    flushing = flushing.then(async () => {
      const readings = batch;
      batch = [];
      if (readings.length === 0) return;
      try {
        const result = await options.sense.ingest(readings);
        for (const r of result.rejected) problem({ topic: readings[r.index]?.topic, reason: r.reason });
      } catch (error) {
        if (closed) {
          problem({ reason: `could not store ${readings.length} reading(s), dropped: ${String(error)}` });
          return;
        }
        // Before what arrived since: each series stays in time order. While the store stays
        // down, only the oldest readings beyond the bound are given up, never the whole backlog.
        const waiting = [...readings, ...batch];
        const over = waiting.length - maxPending;
        if (over > 0) problem({ reason: `store unavailable: the ${over} oldest waiting reading(s) dropped` });
        problem({ reason: `could not store ${readings.length} reading(s), retrying: ${String(error)}` });
        batch = over > 0 ? waiting.slice(over) : waiting;
        if (timer) clearTimeout(timer);
        timer = setTimeout(flush, retryMs);
      }
    });
  };

  client.on('message', (topic, payload) => {
    if (closed) return;
    // Time of arrival stands in for a missing timestamp; two messages of one topic in the same
    // millisecond must still be two readings, so arrival times only move forward.
    const arrival = Math.max(options.clock().getTime(), (lastArrival.get(topic) ?? 0) + 1);
    const reading = readingFromMessage(topic, payload.toString('utf8'), arrival);
    if ('error' in reading) {
      problem({ topic, reason: reading.error });
      return;
    }
    if (reading.timestampMs === arrival) {
      if (lastArrival.size >= 100_000) lastArrival.clear();
      lastArrival.set(topic, arrival);
    }
    batch.push(reading);
    timer ??= setTimeout(flush, options.batchMs ?? 250);
  });

  return {
    async close() {
      closed = true;
      await client.endAsync();
      if (timer) {
        clearTimeout(timer);
        flush();
      }
      await flushing;
    },
  };
}
