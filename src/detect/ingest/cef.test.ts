// CEF lines: the header, the extension's escapes and spaces, the ECS places, and no throw on any input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_CEF_LINE, readExtension } from './cef.js';
import { parseCefLine } from './index.js';

const Y = { year: 2024 };

const ok = (line: string) => {
  const r = parseCefLine(line, Y);
  if (!r.ok) throw new Error(`expected ok: ${r.reason}`);
  // biome-ignore lint/suspicious/noExplicitAny: tests read deep into events they just checked.
  return r.event as Record<string, any>;
};

describe('CEF', () => {
  it('reads the header, the extensions and their ECS places', () => {
    const line =
      'CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 spt=1232 dst=2.1.2.2 suser=alice act=blocked msg=Detected a threat. No action needed rt=1700000000000';
    const e = ok(line);
    expect(e.cef).toMatchObject({
      version: 0,
      device: { vendor: 'Security', product: 'threatmanager', version: '1.0', event_class_id: '100' },
      name: 'worm successfully stopped',
      severity: '10',
    });
    expect(e.cef.extensions).toEqual({
      src: '10.0.0.1',
      spt: '1232',
      dst: '2.1.2.2',
      suser: 'alice',
      act: 'blocked',
      msg: 'Detected a threat. No action needed',
      rt: '1700000000000',
    });
    expect(e.source).toEqual({ ip: '10.0.0.1', port: 1232, user: { name: 'alice' } });
    expect(e.destination).toEqual({ ip: '2.1.2.2' });
    expect(e.event).toMatchObject({ action: 'blocked', code: '100', original: line });
    expect(e.message).toBe('Detected a threat. No action needed');
    expect(e['@timestamp']).toBe('2023-11-14T22:13:20.000Z');
    expect(e.observer).toMatchObject({ vendor: 'Security', product: 'threatmanager' });
  });

  it('unescapes \\| and \\\\ in the header and \\= \\n in values', () => {
    const e = ok('CEF:0|Ven\\|dor|Pro\\\\duct|1|id|Name|5|cs1=a\\=b c\\nd cs2=x');
    expect(e.cef.device.vendor).toBe('Ven|dor');
    expect(e.cef.device.product).toBe('Pro\\duct');
    expect(e.cef.extensions).toEqual({ cs1: 'a=b c\nd', cs2: 'x' });
    // Without a msg, the event's name is its message.
    expect(e.message).toBe('Name');
  });

  it('keeps a badly escaped = in the value instead of dropping the pair (regression: `a=b=c` lost `a`)', () => {
    expect(readExtension('a=b=c d=e')).toEqual([
      ['a', 'b=c'],
      ['d', 'e'],
    ]);
    expect(readExtension('')).toEqual([]);
    // A word before `=` that is no key name stays in the previous value.
    expect(readExtension('msg=1 + 1 != 3 act=x')).toEqual([
      ['msg', '1 + 1 != 3'],
      ['act', 'x'],
    ]);
  });

  it('reads the time and host of a syslog header before CEF:', () => {
    const e = ok('Dec 10 06:55:46 fw01 CEF:0|V|P|1|7|Login failed|3|suser=bob src=203.0.113.5');
    expect(e.host).toMatchObject({ hostname: 'fw01' });
    expect(e['@timestamp']).toBe('2024-12-10T06:55:46.000Z');
    expect(e.source.user.name).toBe('bob');
  });

  it('never writes prototype keys from the line', () => {
    const e = ok('CEF:0|V|P|1|7|N|3|__proto__=x constructor=y ok=1');
    expect(Object.keys(e.cef.extensions)).toEqual(['ok']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('refuses what is not CEF, with a reason', () => {
    expect(parseCefLine('hello', Y)).toEqual({ ok: false, reason: 'no "CEF:" in the line' });
    expect(parseCefLine('CEF:0|V|P|1', Y)).toMatchObject({ ok: false, reason: expect.stringContaining('header') });
    expect(parseCefLine('CEF:x|V|P|1|7|N|3|', Y)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not a number'),
    });
    expect(parseCefLine(`CEF:0|V|P|1|7|N|3|msg=${'a'.repeat(MAX_CEF_LINE)}`, Y)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('longer than'),
    });
  });

  it('never throws, on any line, and a line read keeps its original (property)', () => {
    const pieces = fc.constantFrom('CEF:', '0', '|', '\\', '=', ' ', 'src', 'msg', 'a', '\\|', '\\=', 'rt=', '\n', 'é');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          fc.array(pieces, { maxLength: 60 }).map((p) => p.join('')),
          fc.array(pieces, { maxLength: 60 }).map((p) => `CEF:0|a|b|c|d|e|f|${p.join('')}`),
        ),
        (line) => {
          const r = parseCefLine(line, Y);
          if (r.ok) {
            expect((r.event.event as { original: string }).original.length).toBeGreaterThan(0);
            expect(r.event.cef).toBeTypeOf('object');
          } else expect(r.reason).not.toBe('');
        },
      ),
      { numRuns: 2000 },
    );
  });
});
