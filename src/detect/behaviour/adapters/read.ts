/** Defensive reading of untyped JSON: never throws, whatever the input. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a path of own keys, or undefined. */
export function at(value: unknown, ...path: string[]): unknown {
  let node = value;
  for (const key of path) {
    if (!isRecord(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

/** A non-empty string (numbers are written out), at most 256 characters; `-` is absent. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (trimmed === '' || trimmed === '-') return undefined;
  return trimmed.slice(0, 256);
}

/** An integer from a number or a decimal / `0x` hexadecimal string. */
export function int(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  if (/^\d{1,15}$/.test(t)) return Number(t);
  if (/^0x[0-9a-f]{1,13}$/i.test(t)) return Number.parseInt(t.slice(2), 16);
  return undefined;
}

/** Epoch milliseconds from an ISO timestamp, or undefined. */
export function time(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.length > 64) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The outcome of adapting one event: observations (often none), or why a relevant event was skipped. */
export type Adapted<T> = { ok: true; observations: T[] } | { ok: false; reason: string };
