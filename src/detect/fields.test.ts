// Field reads through a mapping: cached per event, never one event's value for another's.
import { describe, expect, it } from 'vitest';
import { EVTX_JSON_MAPPING, EventView, PLAIN_JSON_MAPPING } from './fields.js';

const sysmon = (image: string, eventId = 1, channel = 'Microsoft-Windows-Sysmon/Operational') => ({
  Event: { System: { EventID: eventId, Channel: channel }, EventData: { Image: image, NewProcessName: 'np.exe' } },
});

describe('EventView', () => {
  it('gives each view its own event’s values, however reads of two views interleave', () => {
    const a = new EventView(sysmon('A.exe'), EVTX_JSON_MAPPING);
    const b = new EventView(sysmon('B.exe'), EVTX_JSON_MAPPING);
    expect(a.field('Image').strings).toEqual(['A.exe']);
    expect(b.field('Image').strings).toEqual(['B.exe']);
    expect(a.field('Image')).toEqual({ present: true, isNull: false, strings: ['A.exe'], lower: ['a.exe'] });
    expect(b.field('Missing').present).toBe(false);
    expect(a.field('Missing').present).toBe(false);
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
    expect(view.field('a.b')).toEqual({
      present: true,
      isNull: false,
      strings: ['1', 'X', 'true'],
      lower: ['1', 'x', 'true'],
    });
    expect(view.field('c')).toMatchObject({ present: true, isNull: true, strings: [] });
    expect(view.field('d').strings).toEqual(['T']);
    expect(view.field('a.z').present).toBe(false);
    expect(view.allValues().strings).toEqual(['1', 'X', 'true', 'T', 'dotted']);
  });
});
