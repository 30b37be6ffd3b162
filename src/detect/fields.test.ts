// Field reads through a mapping: cached per event, never one event's value for another's.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EVTX_JSON_MAPPING,
  EventView,
  FIELD_MAPPINGS,
  FieldPicker,
  type FieldRead,
  fieldReader,
  mappingFor,
  PLAIN_JSON_MAPPING,
  WINLOGBEAT_MAPPING,
} from './fields.js';

/** A read's four parts (its lower case is made on first need, by a getter). */
const parts = ({ present, isNull, strings, lower }: FieldRead) => ({ present, isNull, strings, lower });

const sysmon = (image: string, eventId = 1, channel = 'Microsoft-Windows-Sysmon/Operational') => ({
  Event: { System: { EventID: eventId, Channel: channel }, EventData: { Image: image, NewProcessName: 'np.exe' } },
});

describe('EventView', () => {
  it('gives each view its own event’s values, however reads of two views interleave', () => {
    const a = new EventView(sysmon('A.exe'), EVTX_JSON_MAPPING);
    const b = new EventView(sysmon('B.exe'), EVTX_JSON_MAPPING);
    expect(a.field('Image').strings).toEqual(['A.exe']);
    expect(b.field('Image').strings).toEqual(['B.exe']);
    expect(parts(a.field('Image'))).toEqual({ present: true, isNull: false, strings: ['A.exe'], lower: ['a.exe'] });
    expect(b.field('Missing').present).toBe(false);
    expect(a.field('Missing').present).toBe(false);
  });

  it('reads through fieldReader what the view itself reads, as views of other mappings come and go (property)', () => {
    // A reader remembers its field's slot for one mapping: an event under another mapping
    // (a renamed field, another container) must make it look again, never reuse that slot.
    const value = fc.stringMatching(/^[a-z]{0,3}\.exe$/);
    const event = fc.oneof(
      value.map((image) => sysmon(image)),
      value.map((image) => sysmon(image, 4688, 'Security')),
      value.map((image) => ({
        winlog: { channel: 'Security', event_id: 4688, event_data: { NewProcessName: image } },
      })),
      value.map((image) => ({ Image: image, EventID: 1 })),
      value.map((image) => ({ message: `sshd[1]: ${image}`, host: 'h' })),
    );
    fc.assert(
      fc.property(
        fc.array(event, { minLength: 1, maxLength: 12 }),
        fc.constantFrom('Image', 'NewProcessName', 'Channel'),
        (events, name) => {
          const read = fieldReader(name);
          for (const one of events) {
            const view = new EventView(one, mappingFor(one));
            expect(parts(read(view))).toEqual(parts(new EventView(one, mappingFor(one)).field(name)));
          }
        },
      ),
    );
  });

  it('reads renamed fields per event kind, also after a view of another kind read the same name', () => {
    const sysmonView = new EventView(sysmon('img.exe'), EVTX_JSON_MAPPING);
    const security = new EventView(sysmon('img.exe', 4688, 'Security'), EVTX_JSON_MAPPING);
    expect(sysmonView.field('Image').strings).toEqual(['img.exe']);
    expect(security.field('Image').strings).toEqual(['np.exe']);
    expect(sysmonView.field('Image').strings).toEqual(['img.exe']);
  });

  it('reads containers, nested arrays, #text wrappers and nulls', () => {
    const view = new EventView(
      { a: { b: [1, 'X', [true]] }, c: null, d: { '#text': 'T', '#attributes': {} }, 'e.f': 'dotted' },
      PLAIN_JSON_MAPPING,
    );
    expect(parts(view.field('a.b'))).toEqual({
      present: true,
      isNull: false,
      strings: ['1', 'X', 'true'],
      lower: ['1', 'x', 'true'],
    });
    expect(parts(view.field('c'))).toMatchObject({ present: true, isNull: true, strings: [] });
    expect(view.field('d').strings).toEqual(['T']);
    expect(view.field('a.z').present).toBe(false);
    expect(view.allValues().strings).toEqual(['1', 'X', 'true', 'T', 'dotted']);
  });

  it('gives keyword search a container held by a later one once (the message, Winlogbeat event data)', () => {
    const web = {
      message: 'GET /x?q=union select HTTP/1.1',
      event: { original: '"GET /x?q=union select HTTP/1.1"' },
      http: { request: { method: 'GET' }, response: { status_code: 200 } },
    };
    expect(new EventView(web, mappingFor(web)).allValues().strings).toEqual([
      'GET /x?q=union select HTTP/1.1',
      '"GET /x?q=union select HTTP/1.1"',
      'GET',
      '200',
    ]);
    const beat = { winlog: { channel: 'Security', event_data: { TargetUserName: 'bob', Status: '0xc000006d' } } };
    expect(new EventView(beat, mappingFor(beat)).allValues().strings).toEqual(['bob', '0xc000006d', 'Security']);
  });

  it('reads a flat container’s values as it reads a nested one’s (property)', () => {
    const scalar = fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.boolean(), fc.constant(null));
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 3 }), scalar, { maxKeys: 6 }), (data) => {
        const flat = new EventView({ Event: { System: {}, EventData: data } }, EVTX_JSON_MAPPING);
        // An empty list nests without adding a value: the same values, read by the general walk.
        const nested = new EventView({ Event: { System: {}, EventData: { ...data, '~~~~': [] } } }, EVTX_JSON_MAPPING);
        expect(flat.allValues().strings).toEqual(nested.allValues().strings);
        expect(flat.allValues().strings).toEqual(Object.values(data).flatMap((v) => (v === null ? [] : [String(v)])));
      }),
      { numRuns: 500 },
    );
  });
});

describe('FieldPicker', () => {
  const names = [
    'Image',
    'NewProcessName',
    'a',
    'a.b',
    'b.c',
    'Channel',
    'EventID',
    'UserData',
    '*',
    'x.*',
    'toString',
  ];
  const key = fc.constantFrom(...names, 'b', 'c', 'x', 'Other', '__proto__');
  const value = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom('v', 'w', '', 1, null, true),
      fc.array(tie('node'), { maxLength: 2 }),
      fc.dictionary(key, tie('node'), { maxKeys: 3 }),
    ),
  })).node;
  const data = fc.dictionary(key, value, { maxKeys: 5 });
  const event = fc.oneof(
    data,
    fc.record({
      Event: fc.record({
        System: fc.record({ Channel: fc.constantFrom('Security', 'X'), EventID: fc.constantFrom(4688, 1) }),
        EventData: data,
        UserData: fc.dictionary(key, data, { maxKeys: 2 }),
      }),
    }),
    fc
      .record({
        winlog: fc.record({
          channel: fc.constantFrom('Security', 'X'),
          event_id: fc.constantFrom(4688, 1),
          event_data: data,
        }),
      })
      .chain((e) => data.map((root) => ({ ...root, ...e }))),
  );

  it('picks every field the event has, under every mapping (property)', () => {
    const picker = new FieldPicker(names);
    fc.assert(
      fc.property(event, fc.constantFrom(...FIELD_MAPPINGS, undefined), (e, forced) => {
        const view = new EventView(e, forced ?? mappingFor(e));
        const picked = new Set(picker.picked.slice(0, picker.pick(view)));
        names.forEach((name, i) => {
          if (view.field(name).present) expect(picked.has(i), name).toBe(true);
        });
      }),
      { numRuns: 3000 },
    );
  });

  it("tells a picked field's value only where its read is that one text (property)", () => {
    const picker = new FieldPicker(names);
    fc.assert(
      fc.property(event, fc.constantFrom(...FIELD_MAPPINGS, undefined), (e, forced) => {
        const mapping = forced ?? mappingFor(e);
        const picked = picker.picked.slice(0, picker.pick(new EventView(e, mapping)));
        picked.forEach((index, p) => {
          const text = picker.texts[p];
          const name = names[index] as string;
          if (text !== undefined) expect(new EventView(e, mapping).field(name).strings, name).toEqual([text]);
        });
      }),
      { numRuns: 3000 },
    );
  });

  it('picks only what may be there, and a field kept as a non-enumerable property too', () => {
    const picker = new FieldPicker(['Image', 'CommandLine', 'Hidden']);
    const eventData: Record<string, unknown> = { Image: 'x.exe' };
    Object.defineProperty(eventData, 'Hidden', { value: 'h', enumerable: false });
    const view = new EventView({ Event: { System: { Channel: 'X' }, EventData: eventData } }, EVTX_JSON_MAPPING);
    expect(picker.picked.slice(0, picker.pick(view)).sort()).toEqual([0, 2]);
    expect(view.field('Hidden').strings).toEqual(['h']);
    const renamed = new EventView(
      { winlog: { channel: 'Security', event_id: 4688, event_data: { NewProcessName: 'n.exe' } } },
      WINLOGBEAT_MAPPING,
    );
    // Image is renamed for Security 4688 events: always picked, whatever the keys.
    expect(picker.picked.slice(0, picker.pick(renamed))).toEqual([0]);
  });
});
