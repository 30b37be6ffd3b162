// JSON events: flattened ECS keys nested again without loss, and each kind of event told apart.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exceedsDepth, jsonFormat, unflatten } from './index.js';

/** Every (path, leaf) of a nested value, dotted keys kept as written. */
function leaves(value: unknown, prefix: string[] = [], out: Array<[string, unknown]> = []): Array<[string, unknown]> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, [...prefix, k], out);
  } else out.push([prefix.join('.'), value]);
  return out;
}

describe('unflatten', () => {
  it('nests dotted keys, merging with objects already there', () => {
    expect(
      unflatten({ 'winlog.event_id': 4625, 'winlog.channel': 'Security', winlog: { provider_name: 'x' } }),
    ).toEqual({ winlog: { provider_name: 'x', event_id: 4625, channel: 'Security' } });
  });

  it('never changes its input (regression: nested objects of the input were merged into)', () => {
    const inner = { b: 1 };
    const out = unflatten({ a: inner, 'a.c': 2 });
    expect(out).toEqual({ a: { b: 1, c: 2 } });
    expect(inner).toEqual({ b: 1 });
  });

  it('keeps a `__proto__` key as an own property (regression: it became the prototype and its values were lost)', () => {
    const input = JSON.parse('{"__proto__": {"Image": "x"}, "a.b": 1}');
    const out = unflatten(input);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out.a).toEqual({ b: 1 });
  });

  it('returns the same object when no key has a dot', () => {
    const event = { a: 1, b: { c: 2 } };
    expect(unflatten(event)).toBe(event);
  });

  it('keeps as written a dotted key that would overwrite or land on a non-object', () => {
    expect(unflatten({ a: 1, 'a.b': 2 })).toEqual({ a: 1, 'a.b': 2 });
    expect(unflatten({ a: { b: 1 }, 'a.b': 2 })).toEqual({ a: { b: 1 }, 'a.b': 2 });
    expect(unflatten({ a: [1], 'a.b': 2 })).toEqual({ a: [1], 'a.b': 2 });
  });

  it('never builds through unsafe names or empty steps', () => {
    const out = unflatten({ '__proto__.polluted': 1, 'constructor.prototype.x': 2, 'a..b': 3, '.c': 4 });
    expect(Object.keys(out).sort()).toEqual(['.c', '__proto__.polluted', 'a..b', 'constructor.prototype.x']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('loses no value and never throws, whatever the keys (property)', () => {
    const key = fc.array(fc.constantFrom('a', 'b', '.', '__proto__', 'constructor', 'x.y', ''), {
      minLength: 1,
      maxLength: 4,
    });
    const leaf = fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }));
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            key.map((k) => k.join('')),
            fc.oneof(leaf, fc.dictionary(fc.constantFrom('a', 'b'), leaf)),
          ),
          {
            maxLength: 8,
          },
        ),
        (entries) => {
          const input: Record<string, unknown> = {};
          for (const [k, v] of entries) Object.defineProperty(input, k, { value: v, enumerable: true, writable: true });
          const out = unflatten(input);
          // Every leaf of the input is found at its dotted path in the output.
          const found = new Map<string, unknown[]>();
          for (const [path, v] of leaves(out)) found.set(path, [...(found.get(path) ?? []), v]);
          for (const [path, v] of leaves(input)) expect(found.get(path) ?? []).toContainEqual(v);
          expect(leaves(out).length).toBe(leaves(input).length);
          expect(() => jsonFormat(out)).not.toThrow();
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('jsonFormat', () => {
  it('tells evtx_dump, Winlogbeat, ECS and other JSON apart', () => {
    expect(jsonFormat({ Event: { System: { EventID: 1 } } })).toBe('evtx-json');
    expect(jsonFormat({ Event: { System: 'x' } })).toBe('json');
    expect(jsonFormat({ winlog: { channel: 'Security' }, '@timestamp': 'x' })).toBe('winlogbeat');
    expect(jsonFormat({ '@timestamp': 'x', event: { kind: 'event' } })).toBe('ecs');
    expect(jsonFormat({ '@timestamp': 'x' })).toBe('json');
    expect(jsonFormat({ hello: 'world' })).toBe('json');
  });

  it('reads flattened Winlogbeat once nested', () => {
    expect(jsonFormat(unflatten({ 'winlog.channel': 'Security', 'winlog.event_id': 4625 }))).toBe('winlogbeat');
  });
});

describe('exceedsDepth', () => {
  /** The levels of containers a value nests (a scalar 0, `{}` and `[]` 1), by plain recursion. */
  const levels = (value: unknown): number =>
    typeof value !== 'object' || value === null
      ? 0
      : 1 + Math.max(0, ...(Array.isArray(value) ? value : Object.values(value)).map(levels));

  it('says whether containers nest deeper than the cap, as a recursive count does', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 10 }), (value, max) => {
        // Containers on levels 0 .. levels - 1: too deep when the last is at `max` or below it.
        expect(exceedsDepth(value, max)).toBe(levels(value) > max);
      }),
    );
  });

  it('reads own keys only, `__proto__` among them, and arrays by their elements', () => {
    const parsed = JSON.parse('{"__proto__": {"a": {"b": 1}}}');
    expect(exceedsDepth(parsed, 3)).toBe(false);
    expect(exceedsDepth(parsed, 2)).toBe(true);
    expect(exceedsDepth([[], [[1]]], 2)).toBe(true);
    expect(exceedsDepth('text', 0)).toBe(false);
  });
});
