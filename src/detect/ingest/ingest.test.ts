// One entry point for every format: each line's format sniffed, every line accounted for.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type IngestItem, ingestFile, ingestLineStream, ingestLines } from './index.js';

const OPTIONS = { year: 2024 };
const SYSLOG = 'Dec 10 06:55:46 LabSZ sshd[24200]: Failed password for root from 173.234.31.186 port 38926 ssh2';
const ACCESS = '10.1.1.1 - - [01/Jan/2024:00:00:00 +0000] "GET /admin HTTP/1.1" 404 12 "-" "sqlmap/1.5"';
const CEF = 'CEF:0|V|P|1|7|Login failed|3|suser=bob src=203.0.113.5';
const JSON_LINE = '{"winlog.channel":"Security","winlog.event_id":4625}';

const formats = (items: IngestItem[]) => items.map((i) => (i.ok ? i.format : `bad:${i.line}`));

describe('ingestLines', () => {
  it('tells each line format apart in a mixed file, with line numbers and record indexes', () => {
    const items = [...ingestLines([JSON_LINE, '', SYSLOG, ACCESS, CEF, '{"Event":{"System":{"EventID":1}}}'], OPTIONS)];
    expect(formats(items)).toEqual(['winlogbeat', 'syslog', 'access-log', 'cef', 'evtx-json']);
    expect(items.map((i) => i.line)).toEqual([1, 3, 4, 5, 6]);
    expect(items.map((i) => (i.ok ? i.index : -1))).toEqual([0, 1, 2, 3, 4]);
    // Flattened keys are nested again.
    expect(items[0]?.ok && items[0].event).toEqual({ winlog: { channel: 'Security', event_id: 4625 } });
  });

  it('gives JSON its own reason for a broken JSON line, not another format’s', () => {
    const [item] = [...ingestLines(['{"a": '], OPTIONS)];
    expect(item).toMatchObject({ ok: false, line: 1, reason: expect.stringMatching(/^json: /) });
    const array = [...ingestLines(['[1,{"a":1}]'], { ...OPTIONS, jsonOnly: true })];
    expect(array).toMatchObject([
      { ok: false, line: 1, reason: 'json: array element 1: not a JSON object' },
      { ok: true, line: 1, index: 0 },
    ]);
    const [deep] = [...ingestLines([`${'{"a":'.repeat(10)}1${'}'.repeat(10)}`], { ...OPTIONS, maxDepth: 5 })];
    expect(deep).toMatchObject({ ok: false, reason: 'json: nested deeper than 5 levels' });
  });

  it('in a .jsonl file reads JSON only: a syslog line there is a JSON problem', () => {
    const items = [...ingestLines([SYSLOG, JSON_LINE], { ...OPTIONS, jsonOnly: true })];
    expect(items[0]).toMatchObject({ ok: false, line: 1, reason: expect.stringMatching(/^json: /) });
    expect(items[1]).toMatchObject({ ok: true, format: 'winlogbeat' });
  });

  it('reports a line of no known format', () => {
    expect([...ingestLines(['just some words'], OPTIONS)]).toEqual([
      { ok: false, line: 1, reason: expect.stringMatching(/^(access-log|syslog): /) },
    ]);
  });

  it('reads lines that arrive as a stream the same way', async () => {
    async function* lines() {
      yield SYSLOG;
      yield 'noise';
      yield CEF;
    }
    const items: IngestItem[] = [];
    for await (const item of ingestLineStream(lines(), OPTIONS)) items.push(item);
    expect(formats(items)).toEqual(formats([...ingestLines([SYSLOG, 'noise', CEF], OPTIONS)]));
  });

  it('reads a text file whole: CR LF line ends, UTF-8', () => {
    const bytes = new TextEncoder().encode(`${SYSLOG}\r\n${ACCESS}\r\n`);
    expect(formats([...ingestFile('auth.log', bytes, OPTIONS)])).toEqual(['syslog', 'access-log']);
  });

  it('accounts for every non-blank line, whatever it holds, and never throws (property)', () => {
    // Lines that open a JSON document spread over lines are another property's (json-documents.test.ts).
    // (A first line ending with a comma opens one too: `{"EventID": 4625,`.)
    const opens = (l: string) => /^[{[](.*[{[,])?$/s.test(l.trim()) || /^Record [0-9]+$/.test(l.trim());
    const line = fc
      .oneof(
        fc.string({ maxLength: 200 }),
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.constantFrom(
          SYSLOG,
          ACCESS,
          CEF,
          JSON_LINE,
          '{"a":1',
          '{"a":1}',
          '<34>1 2024-01-01T00:00:00Z h app - - - m',
          '',
        ),
        fc.json().filter((j) => !j.includes('\n')),
      )
      .map((l) => l.replace(/[\r\n]/g, ' '))
      .filter((l) => !opens(l));
    const emptyArray = (l: string) => {
      try {
        const value: unknown = JSON.parse(l);
        return Array.isArray(value) && value.length === 0;
      } catch {
        return false;
      }
    };
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), fc.boolean(), (clean, jsonOnly) => {
        const items = [...ingestLines(clean, { ...OPTIONS, jsonOnly })];
        // A line holding an array of events gives one item per element (none for `[]`).
        const nonBlank = clean.flatMap((l, i) => (l.trim() === '' || emptyArray(l.trim()) ? [] : [i + 1]));
        expect([...new Set(items.map((i) => i.line))]).toEqual(nonBlank);
        for (const item of items) {
          if (item.ok) expect(item.event).toBeTypeOf('object');
          else expect(item.reason).not.toBe('');
        }
      }),
      { numRuns: 1000 },
    );
  });
});
