// JSON documents spread over lines: read as the same events as their JSON lines, whatever the layout;
// what does not close is reported with its lines, and the lines after it are read.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type IngestItem, ingestLines } from './index.js';
import { JsonDocumentSplitter } from './json-documents.js';

const OPTIONS = { year: 2024 };

const events = (items: readonly IngestItem[]) => items.map((i) => (i.ok ? i.event : { problem: i.reason }));

/** Layouts in which exporters write a list of JSON objects, as lines. */
const LAYOUTS: Record<string, (objects: readonly object[]) => string[]> = {
  'pretty-printed, one after another': (objects) => objects.flatMap((o) => JSON.stringify(o, null, 2).split('\n')),
  'evtx_dump default output': (objects) =>
    objects.flatMap((o, i) => [`Record ${i + 1}`, ...JSON.stringify(o, null, 2).split('\n')]),
  'an array, pretty-printed': (objects) => JSON.stringify(objects, null, 2).split('\n'),
  'an array on one line': (objects) => [JSON.stringify(objects)],
  'an array with elements on their lines': (objects) => [
    '[',
    ...objects.map((o, i) => `${JSON.stringify(o)}${i < objects.length - 1 ? ',' : ''}`),
    ']',
  ],
  'pretty-printed, unindented': (objects) =>
    objects.flatMap((o) => JSON.stringify(o, null, 2).replace(/^ +/gm, '').split('\n')),
  'first member on the opening line, when it opens a value or another member follows': (objects) =>
    objects.flatMap((o) => {
      const lines = JSON.stringify(o, null, 2).split('\n');
      const second = lines[1]?.trim() ?? '';
      return /[[{,]$/.test(second) ? [`{${second}`, ...lines.slice(2)] : lines;
    }),
  'pretty-printed, tabs and CR LF': (objects) =>
    objects.flatMap((o) => JSON.stringify(o, null, '\t').split('\n')).map((l) => `${l}\r`),
};

// Keys without dots (dotted keys are unflattened alike either way, but are not what this is about).
const object = fc.dictionary(
  fc.string({ maxLength: 6 }).filter((k) => !k.includes('.')),
  fc.jsonValue({ maxDepth: 3 }),
  { maxKeys: 5 },
);

describe('JSON documents spread over lines', () => {
  it('reads every layout as the same events as one JSON line per object (property)', () => {
    fc.assert(
      fc.property(fc.array(object, { maxLength: 6 }), fc.constantFrom(...Object.keys(LAYOUTS)), (objects, layout) => {
        const lines = (LAYOUTS[layout] as (o: readonly object[]) => string[])(objects);
        const expected = events([
          ...ingestLines(
            objects.map((o) => JSON.stringify(o)),
            OPTIONS,
          ),
        ]);
        expect(events([...ingestLines(lines, OPTIONS)])).toEqual(expected);
      }),
      { numRuns: 700 },
    );
  });

  it('numbers each record by its first line, and counts records in order', () => {
    const lines = LAYOUTS['evtx_dump default output']?.([{ a: 1 }, { b: { c: [1, 2] } }]) ?? [];
    const items = [...ingestLines(lines, OPTIONS)];
    expect(items.map((i) => [i.ok && i.index, i.line])).toEqual([
      [0, 2],
      [1, 6],
    ]);
    expect(items[1]).toMatchObject({ ok: true, format: 'json', event: { b: { c: [1, 2] } } });
  });

  it('reads evtx_dump output of Windows events as evtx-json events', () => {
    const event = { Event: { System: { Channel: 'Security', EventID: 4625 }, EventData: { TargetUserName: 'bob' } } };
    const lines = ['Record 1', ...JSON.stringify(event, null, 2).split('\n')];
    expect([...ingestLines(lines, OPTIONS)]).toMatchObject([{ ok: true, format: 'evtx-json', event }]);
  });

  it('reports a document cut short with its lines, and reads the documents after the next header', () => {
    const lines = ['Record 1', '{', '  "a": {', '    "b": 1', 'Record 2', '{', '  "c": 2', '}'];
    expect([...ingestLines(lines, OPTIONS)]).toEqual([
      { ok: false, line: 2, reason: 'json: a JSON value not closed before the next document (lines 2–4)' },
      { ok: true, index: 0, line: 6, format: 'json', event: { c: 2 } },
    ]);
    // Cut inside a string, too.
    const cut = ['Record 1', '{', '  "a": "b', 'Record 2', '{', '  "c": 2', '}'];
    expect(events([...ingestLines(cut, OPTIONS)])).toEqual([
      { problem: 'json: a JSON value not closed before the next document (lines 2–3)' },
      { c: 2 },
    ]);
    // An indented document left open ends at the next unindented `{`.
    const plain = ['{', '  "a": [', '{', '  "c": 2', '}'];
    expect(events([...ingestLines(plain, OPTIONS)])).toEqual([
      { problem: 'json: a JSON value not closed before the next document (lines 1–2)' },
      { c: 2 },
    ]);
  });

  it('does not take a nested `{` line of an unindented document for a new one', () => {
    const lines = ['{', '"list": [', '{', '"x": 1', '}', ']', '}'];
    expect(events([...ingestLines(lines, OPTIONS)])).toEqual([{ list: [{ x: 1 }] }]);
  });

  it('reports what is left open at the end, and what stands between documents', () => {
    expect([...ingestLines(['[', '  {"a": 1},', '  {"b": '], OPTIONS)]).toEqual([
      { ok: true, index: 0, line: 2, format: 'json', event: { a: 1 } },
      { ok: false, line: 3, reason: 'json: a JSON value not closed at the end of the input' },
    ]);
    expect([...ingestLines(['[', '  {"a": 1}'], OPTIONS)]).toMatchObject([
      { ok: true },
      { ok: false, line: 1, reason: 'json: a JSON array not closed at the end of the input (lines 1–2)' },
    ]);
    expect(events([...ingestLines(['[', '  {"a": 1}, 42, "x,]", [{"c": 3}], {"b": 2}', ']'], OPTIONS)])).toEqual([
      { a: 1 },
      { problem: 'json: an array element that is not a JSON object: "42"' },
      { problem: 'json: an array element that is not a JSON object: "\\"x,]\\""' },
      { problem: 'json: an array element that is not a JSON object: "[{\\"c\\": 3}]"' },
      { b: 2 },
    ]);
    expect(events([...ingestLines(['{', '  "a": 1', '} trailing', '{"b": 2}'], OPTIONS)])).toEqual([
      { a: 1 },
      { problem: 'json: text between JSON documents: "trailing"' },
      { b: 2 },
    ]);
  });

  it('gives up a value past its bound, reports its lines, and reads the next lines afresh', () => {
    const splitter = new JsonDocumentSplitter(100);
    const out = [splitter.feed('{', 1), splitter.feed(`  "a": "${'x'.repeat(120)}",`, 2)].flat();
    expect(out).toEqual([{ ok: false, line: 1, lastLine: 2, reason: 'a JSON value longer than 100 characters' }]);
    expect(splitter.open).toBe(false);
    expect(splitter.feed('{"b": 1}', 3)).toEqual([{ ok: true, text: '{"b": 1}', line: 3 }]);
  });

  it('keeps brackets and quotes inside strings out of the count', () => {
    const object = { 'x}': '{[', y: 'a \\" ]}', z: ['}', { w: '"{' }] };
    expect(events([...ingestLines(JSON.stringify(object, null, 2).split('\n'), OPTIONS)])).toEqual([object]);
  });

  it('never throws, ends, and numbers records in line order, whatever the lines (property)', () => {
    const line = fc.oneof(
      fc.constantFrom(
        '{',
        '}',
        '[',
        ']',
        ',',
        '[{',
        '  {',
        '"',
        '\\',
        'Record 1',
        '  "a": 1,',
        '  "b": "}{",',
        '}, {',
        '',
      ),
      fc.string({ maxLength: 30 }),
      fc.json().filter((j) => !j.includes('\n')),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), fc.boolean(), (lines, jsonOnly) => {
        const items = [...ingestLines(lines, { ...OPTIONS, jsonOnly })];
        let last = 1;
        for (const item of items) {
          expect(item.line).toBeGreaterThanOrEqual(1);
          expect(item.line).toBeLessThanOrEqual(lines.length);
          // Problems may name where an array began, before records read since.
          if (item.ok) {
            expect(item.line).toBeGreaterThanOrEqual(last);
            last = item.line as number;
          } else expect(item.reason).not.toBe('');
        }
      }),
      { numRuns: 1500 },
    );
  });
});
