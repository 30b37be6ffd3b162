// EVTX: records to evtx_dump-shaped events, and damaged files (cut, overwritten, short of chunks)
// whose lost records are counted and reported one by one, never dropped or turned into empty events.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEvtx, type EvtxItem, eventXmlToJson, ingestFile, isEvtx } from './index.js';

const SAMPLE = join(
  import.meta.dirname,
  '../../../../shared/data/detect/attack/EVTX-ATTACK-SAMPLES/Credential Access/kerberos_pwd_spray_4771.evtx',
);
const haveSample = existsSync(SAMPLE);
if (!haveSample) console.warn(`evtx.test: ${SAMPLE} is absent; the tests on a real EVTX file are skipped`);

const MAGIC = [0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00];

function summary(items: Iterable<EvtxItem>) {
  const ok: number[] = [];
  const problems: Array<{ record: number | undefined; reason: string }> = [];
  for (const item of items) {
    if (item.ok) {
      ok.push(item.record);
      // Never an empty event: every event read has its System header.
      expect((item.event as { Event: { System: unknown } }).Event.System).toBeTypeOf('object');
    } else problems.push({ record: item.record, reason: item.reason });
  }
  return { ok, problems, lost: problems.filter((p) => p.record !== undefined).map((p) => p.record) };
}

describe('EVTX records as events', () => {
  it('recognises the magic, whatever the name', () => {
    expect(isEvtx(new Uint8Array([...MAGIC, 1, 2]))).toBe(true);
    expect(isEvtx(new Uint8Array(MAGIC.slice(0, 7)))).toBe(false);
    expect(isEvtx(new TextEncoder().encode('{"Event":{}}'))).toBe(false);
  });

  it('renders a record as evtx_dump does: named Data by name, repeats as arrays', () => {
    const result = eventXmlToJson(
      '<Event><System><EventID>4625</EventID><Provider Name="Microsoft-Windows-Security-Auditing"/>' +
        '<Channel>Security</Channel></System><EventData><Data Name="TargetUserName">bob</Data>' +
        '<Data Name="IpAddress">10.0.0.5</Data><Data>loose 1</Data><Data>loose 2</Data></EventData></Event>',
    );
    expect(result).toEqual({
      event: {
        Event: {
          System: {
            EventID: '4625',
            Provider: { '#attributes': { Name: 'Microsoft-Windows-Security-Auditing' } },
            Channel: 'Security',
          },
          EventData: { TargetUserName: 'bob', IpAddress: '10.0.0.5', Data: ['loose 1', 'loose 2'] },
        },
      },
    });
  });

  it('refuses a record without a System header or of another root, instead of an empty event', () => {
    expect(eventXmlToJson('<Event><EventData/></Event>')).toEqual({
      reason: 'decoded to an event without a System header',
    });
    expect(eventXmlToJson('<Other/>')).toEqual({ reason: 'record XML root is <Other>, not <Event>' });
    expect(eventXmlToJson('<Event>')).toEqual({ reason: 'record XML: <Event> is not closed' });
  });

  it('reports a file that is not EVTX behind its magic, and one named .evtx without it', () => {
    const items = [...decodeEvtx(new Uint8Array([...MAGIC, 0, 0, 0]))];
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => !i.ok)).toBe(true);
    expect([...ingestFile('x.evtx', new TextEncoder().encode('hello'), { year: 2024 })]).toEqual([
      { ok: false, record: undefined, reason: 'named .evtx but does not start with the EVTX magic "ElfFile"' },
    ]);
  });

  it('never throws on arbitrary bytes behind the magic (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (tail) => {
        const bytes = new Uint8Array([...MAGIC, ...tail]);
        for (const item of decodeEvtx(bytes)) if (!item.ok) expect(item.reason).not.toBe('');
      }),
      { numRuns: 300 },
    );
  });
});

describe.skipIf(!haveSample)('a real EVTX file, whole and damaged', () => {
  const bytes = haveSample ? new Uint8Array(readFileSync(SAMPLE)) : new Uint8Array();
  const whole = haveSample ? summary(decodeEvtx(bytes)) : { ok: [], problems: [], lost: [] };
  const total = whole.ok.length;
  const CHUNK = 4096;

  it('reads every record of the whole file', () => {
    expect(total).toBe(12);
    expect(whole.problems).toEqual([]);
    expect(whole.ok).toEqual([...whole.ok].sort((a, b) => a - b));
  });

  it('reads the records before a cut and reports each record after it by number (regression: a cut file gave nothing and no problem)', () => {
    for (const cut of [CHUNK + 600, CHUNK + 5000, CHUNK + 9000, 30_000]) {
      const { ok, problems, lost } = summary(decodeEvtx(bytes.slice(0, cut)));
      expect(problems.some((p) => p.reason.includes('truncated'))).toBe(true);
      // Every record of the file is either read or reported by its number: none vanishes.
      expect([...ok, ...lost].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(whole.ok);
    }
  });

  it('reports a chunk whose bytes were overwritten (regression: flipped bytes gave altered events in silence)', () => {
    for (const at of [CHUNK + 512 + 30, CHUNK + 2000, CHUNK + 9000]) {
      const damaged = bytes.slice();
      for (let k = 0; k < 16; k++) damaged[at + k] = (damaged[at + k] as number) ^ 0xff;
      const { ok, problems, lost } = summary(decodeEvtx(damaged));
      expect(problems.some((p) => p.reason.includes('checksum'))).toBe(true);
      expect(ok.length + lost.length).toBeGreaterThanOrEqual(total - 1);
    }
  });

  it('reports a record whose magic is destroyed, and every record after it in the chunk', () => {
    const damaged = bytes.slice();
    // The records start 512 bytes into the chunk; the third record's magic is found by search.
    const starts: number[] = [];
    for (let i = CHUNK + 512; i + 4 <= damaged.length; i++)
      if (damaged[i] === 0x2a && damaged[i + 1] === 0x2a && damaged[i + 2] === 0 && damaged[i + 3] === 0)
        starts.push(i);
    const third = starts[2] as number;
    damaged[third] = 0;
    const { ok, lost } = summary(decodeEvtx(damaged));
    expect(ok).toEqual(whole.ok.slice(0, 2));
    expect(lost).toEqual(whole.ok.slice(2));
  });

  it('reports the records a file header promises in chunks the file does not hold', () => {
    const damaged = bytes.slice();
    const view = new DataView(damaged.buffer);
    const next = Number(view.getBigUint64(0x18, true));
    view.setUint16(0x2a, 2, true); // two chunks promised
    view.setBigUint64(0x18, BigInt(next + 5), true); // five more records
    view.setUint32(0x7c, crc32(damaged.subarray(0, 0x78)), true); // the header's own checksum, so that it opens
    const { ok, lost, problems } = summary(decodeEvtx(damaged));
    expect(ok).toEqual(whole.ok);
    expect(lost).toEqual([next, next + 1, next + 2, next + 3, next + 4]);
    expect(problems[0]?.reason).toContain('promises 2 chunks');
  });

  it('passes the problems on through ingestFile, with record numbers', () => {
    const items = [...ingestFile('cut.evtx', bytes.slice(0, CHUNK + 9000), { year: 2024 })];
    const bad = items.filter((i) => !i.ok);
    expect(bad.length).toBeGreaterThan(0);
    expect(items.filter((i) => i.ok).every((i) => i.ok && i.format === 'evtx')).toBe(true);
  });
});

describe('@ts-evtx/core as installed', () => {
  it('carries our patch (patches/, applied by npm install): node fields assigned, decoders shared', () => {
    // Without it records decode the same, only twice as slowly: nothing else would tell.
    const evtx = (name: string) =>
      readFileSync(fileURLToPath(new URL(`src/evtx/${name}`, import.meta.resolve('@ts-evtx/core'))), 'utf8');
    expect(evtx('BXmlNode.js')).toContain('Assigned, not declared as class fields');
    expect(evtx('VariantValueParser.js')).toContain('UTF16LE_DECODER.decode(');
  });
});
