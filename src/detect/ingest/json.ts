/**
 * JSON events: which kind they are (evtx_dump, Winlogbeat/ECS, generic) and flattened dotted
 * keys (`"winlog.event_id": 4625`, as some exporters write ECS) put back into nested objects so
 * that one field mapping serves both spellings.
 */

export type JsonFormat = 'evtx-json' | 'winlogbeat' | 'ecs' | 'json';

const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

/** `out[key] = value` as an own property, even for `__proto__` (which JSON.parse makes own). */
function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/**
 * `{"a.b": 1, "a.c": 2}` → `{a: {b: 1, c: 2}}`. A dotted key that would land on a non-object
 * (or on an unsafe name) stays as written: nothing is overwritten or lost (a `__proto__` key
 * stays an own property, as JSON.parse made it, rather than becoming the result's prototype).
 */
export function unflatten(event: Record<string, unknown>): Record<string, unknown> {
  if (!Object.keys(event).some((k) => k.includes('.'))) return event;
  const out: Record<string, unknown> = {};
  // Objects of the input are copied before a key is added to them: the input is never changed.
  const mine = new Set<object>([out]);
  const dotted: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(event)) {
    if (key.includes('.')) dotted.push([key, value]);
    else setOwn(out, key, value);
  }
  for (const [key, value] of dotted) {
    const path = key.split('.');
    if (path.some((p) => p === '' || UNSAFE.has(p))) {
      setOwn(out, key, value);
      continue;
    }
    let node: Record<string, unknown> = out;
    let placed = true;
    for (let i = 0; i < path.length - 1; i++) {
      const step = path[i] as string;
      const next = Object.hasOwn(node, step) ? node[step] : undefined;
      if (next === undefined) {
        const created: Record<string, unknown> = {};
        mine.add(created);
        node[step] = created;
        node = created;
      } else if (typeof next === 'object' && next !== null && !Array.isArray(next)) {
        let child = next as Record<string, unknown>;
        if (!mine.has(child)) {
          child = { ...child };
          mine.add(child);
          node[step] = child;
        }
        node = child;
      } else {
        placed = false;
        break;
      }
    }
    const last = path[path.length - 1] as string;
    if (placed && !Object.hasOwn(node, last)) node[last] = value;
    else setOwn(out, key, value);
  }
  return out;
}

/**
 * Whether a JSON value nests objects or arrays deeper than `max` levels (the value itself at
 * level 0). Read without recursion, and without an object per node: only containers are
 * stacked, each with its level in a parallel list (every event read is checked).
 */
export function exceedsDepth(value: unknown, max: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (max <= 0) return true;
  const nodes: object[] = [value];
  const levels: number[] = [0];
  for (let node = nodes.pop(); node !== undefined; node = nodes.pop()) {
    const below = (levels.pop() as number) + 1;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const child: unknown = node[i];
        if (typeof child !== 'object' || child === null) continue;
        if (below >= max) return true;
        nodes.push(child);
        levels.push(below);
      }
      continue;
    }
    for (const key in node) {
      if (!Object.hasOwn(node, key)) continue;
      const child: unknown = (node as Record<string, unknown>)[key];
      if (typeof child !== 'object' || child === null) continue;
      if (below >= max) return true;
      nodes.push(child);
      levels.push(below);
    }
  }
  return false;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The kind of a (nested) JSON event. */
export function jsonFormat(event: Record<string, unknown>): JsonFormat {
  if (isObject(event.Event) && isObject(event.Event.System)) return 'evtx-json';
  if (isObject(event.winlog)) return 'winlogbeat';
  if ('@timestamp' in event && (isObject(event.ecs) || isObject(event.event) || isObject(event.host))) return 'ecs';
  return 'json';
}
