/**
 * When an event happened, read from where each format keeps it: the System header's
 * `TimeCreated` of Windows events (evtx_dump JSON, EVTX), `@timestamp` of ECS, Winlogbeat and
 * everything ingest/ writes, else a top-level `timestamp` or `time`. Correlation windows and
 * behavioural windows run on this time, never on the clock of the machine reading the logs.
 */

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function own(value: unknown, key: string): unknown {
  return isRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

/** Epoch milliseconds from an ISO-like text (at most 64 characters) or a number of milliseconds. */
function instant(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.length > 64) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The event's time in epoch milliseconds, or undefined when it carries none that can be read. */
export function eventTime(event: unknown): number | undefined {
  const system = own(own(event, 'Event'), 'System');
  if (system !== undefined) {
    const created = own(own(own(system, 'TimeCreated'), '#attributes'), 'SystemTime');
    const ms = instant(created);
    if (ms !== undefined) return ms;
  }
  for (const key of ['@timestamp', 'timestamp', 'time']) {
    const ms = instant(own(event, key));
    if (ms !== undefined) return ms;
  }
  return undefined;
}
