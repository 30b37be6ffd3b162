// The literal prefilter: hints and vetoes only narrow, and never leave out a rule that matches.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventView, mappingFor, PLAIN_JSON_MAPPING } from './fields.js';
import { compileRuleTexts } from './index.js';
import { MAX_PREFILTER_LITERAL, Prefilter } from './prefilter.js';

describe('literal prefilter', () => {
  it('keeps a rule whose literal is longer than the part the scanner searches', () => {
    const literal = `\\${'x'.repeat(MAX_PREFILTER_LITERAL)}\\tool.exe`;
    const prefilter = new Prefilter([[[{ field: 'Image', literal }]]]);
    const view = (image: string) => new EventView({ Image: image }, PLAIN_JSON_MAPPING);
    expect(prefilter.candidates(view(`C:${literal.toUpperCase()}`))).toEqual([0]);
    expect(prefilter.candidates(view('C:\\other.exe'))).toEqual([]);
  });

  it('still finds its candidates after its event counters wrap around (2^32 events)', () => {
    const prefilter = new Prefilter([[[{ field: 'Image', literal: 'cmd' }]]]);
    const view = () => new EventView({ Image: 'C:\\cmd.exe' }, PLAIN_JSON_MAPPING);
    expect(prefilter.candidates(view())).toEqual([0]);
    const counters = prefilter as unknown as { generation: number; picker: { generation: number } };
    counters.generation = 0xffffffff;
    counters.picker.generation = 0xffffffff;
    expect(prefilter.candidates(view())).toEqual([0]);
    expect(prefilter.candidates(view())).toEqual([0]);
  });

  it('keeps the rules whose every group has a hit, and those without a hint', () => {
    const prefilter = new Prefilter([
      [[{ field: 'Image', literal: '\\cmd.exe' }]],
      undefined,
      [
        [
          { field: 'CommandLine', literal: 'whoami' },
          { field: 'Image', literal: 'powershell' },
        ],
      ],
      [[{ field: '', literal: 'mimikatz' }]],
      [[{ field: 'Image', literal: '\\cmd.exe' }], [{ field: 'CommandLine', literal: '/c del' }]],
    ]);
    const view = (event: Record<string, unknown>) => new EventView(event, PLAIN_JSON_MAPPING);
    expect(prefilter.candidates(view({ Image: 'C:\\Windows\\CMD.exe' }))).toEqual([0, 1]);
    expect(prefilter.candidates(view({ Image: 'C:\\Windows\\CMD.exe', CommandLine: 'cmd /c DEL x' }))).toEqual([
      0, 1, 4,
    ]);
    expect(prefilter.candidates(view({ CommandLine: 'WHOAMI /all /c del', note: 'Mimikatz' }))).toEqual([1, 2, 3]);
  });

  it("uses a rule's keyword groups only where the pool scans every value in full anyway", () => {
    const method = [{ field: 'cs-method', literal: 'get', anchor: 'whole' as const }];
    const injection = [{ field: '', literal: 'union select' }];
    const view = (uri: string) => new EventView({ 'cs-method': 'GET', 'cs-uri-query': uri }, PLAIN_JSON_MAPPING);
    // Keyword rules with no small gate (many literals sharing no gram): the GET rule waits for its keyword.
    const many = Array.from({ length: 70 }, (_, i) => [[{ field: '', literal: `tool${i.toString(36)}x` }]]);
    const scanned = new Prefilter([...many, [method, injection]]);
    expect(scanned.candidates(view('/index.php?id=1'))).toEqual([]);
    expect(scanned.candidates(view('/index.php?id=1 UNION SELECT 2'))).toEqual([70]);
    // A keyword rule with a small gate: the pool does not scan every value, the GET alone selects.
    const gated = new Prefilter([[[{ field: '', literal: 'mimikatz' }]], [method, injection]]);
    expect(gated.candidates(view('/index.php?id=1'))).toEqual([1]);
    // No keyword rule: the same.
    expect(new Prefilter([[method, injection]]).candidates(view('/index.php?id=1'))).toEqual([0]);
  });

  it('counts only the hits of the event and field at hand, however many came before', () => {
    // More literal hits in a row than the hit list keeps before it is emptied.
    const literals = Array.from({ length: 1500 }, (_, i) => `<${i.toString(36).padStart(3, '0')}>`);
    const prefilter = new Prefilter([
      ...literals.map((literal) => [[{ field: 'Image', literal }], [{ field: 'CommandLine', literal }]]),
      [[{ field: 'CommandLine', literal: 'whoami' }]],
    ]);
    const view = (event: Record<string, unknown>) => new EventView(event, PLAIN_JSON_MAPPING);
    const all = literals.join(' ');
    expect(prefilter.candidates(view({ Image: all, CommandLine: all }))).toHaveLength(1500);
    expect(prefilter.candidates(view({ Image: all, CommandLine: 'whoami' }))).toEqual([1500]);
    expect(prefilter.candidates(view({ Image: literals[7], CommandLine: `${literals[7]} ${all}` }))).toEqual([7]);
  });

  it('gives no hint where a rule can match without a literal (not, re, null, exists)', () => {
    const rule = (detection: string) =>
      compileRuleTexts([{ file: 'r.yml', text: `title: T\nlogsource: { product: x }\ndetection:\n${detection}\n` }])
        .compiled[0]?.hint;
    expect(rule('  a: { Image: x.exe }\n  b: { User|re: "\\\\d+" }\n  condition: not a')).toBeUndefined();
    expect(rule('  a: { Image: x.exe }\n  b: { User|re: "\\\\d+" }\n  condition: a or b')).toBeUndefined();
    expect(rule('  a: { Image: x.exe }\n  b: { User|re: "\\\\d+" }\n  condition: a and b')).toEqual([
      [{ field: 'Image', literal: 'x.exe', anchor: 'whole' }],
    ]);
    expect(rule("  a: { Image: x.exe, CommandLine|contains|all: [' -a', ' -b'] }\n  condition: a")).toEqual([
      [{ field: 'Image', literal: 'x.exe', anchor: 'whole' }],
      [{ field: 'CommandLine', literal: ' -a' }],
      [{ field: 'CommandLine', literal: ' -b' }],
    ]);
    expect(rule('  a: { Image: null }\n  condition: a')).toBeUndefined();
    // Of more groups than are kept, the longest literals (rarest) stay, up to the 20 characters searched.
    expect(
      rule(
        "  a: { CommandLine|contains|all: ['12345678', '123456789', 'abcdefghij', '12345678901', 'abcdefghijkl'] }\n  condition: a",
      ),
    ).toEqual(
      ['abcdefghijkl', '12345678901', 'abcdefghij', '123456789'].map((literal) => [{ field: 'CommandLine', literal }]),
    );
    // A regular expression's short literals one of which every match holds: `\.` then a space or a quote.
    expect(rule(`  a: { CommandLine|re: '\\.[ "]' }\n  condition: a`)).toEqual([
      [
        { field: 'CommandLine', literal: '. ' },
        { field: 'CommandLine', literal: '."' },
      ],
    ]);
    // Where the literal stands when it starts or ends the value's pattern.
    expect(rule("  a: { Image|endswith: ['\\\\A.exe', '\\\\b.exe'] }\n  condition: a")).toEqual([
      [
        { field: 'Image', literal: '\\a.exe', anchor: 'end' },
        { field: 'Image', literal: '\\b.exe', anchor: 'end' },
      ],
    ]);
    expect(rule("  a: { Image|startswith: 'C:\\Temp\\', CommandLine: '*x*yz' }\n  condition: a")).toEqual([
      [{ field: 'Image', literal: 'c:\\temp\\', anchor: 'start' }],
      [{ field: 'CommandLine', literal: 'yz', anchor: 'end' }],
    ]);
  });

  it('vetoes rules from the literals that make them false, used only where the scanner finds exactly', () => {
    const detect = (detection: string, event: Record<string, unknown>) =>
      compileRuleTexts([{ file: 'r.yml', text: `title: T\nlogsource: { product: x }\ndetection:\n${detection}\n` }])
        .detector.match(event)
        .map((m) => m.ruleTitle);
    const rule = (detection: string) =>
      compileRuleTexts([{ file: 'r.yml', text: `title: T\nlogsource: { product: x }\ndetection:\n${detection}\n` }])
        .compiled[0]?.veto;
    // `not` turns what makes a selection true into what makes the rule false.
    expect(
      rule("  sel: { Image|endswith: '.exe' }\n  f: { Image|contains: ['\\\\', '/'] }\n  condition: sel and not f"),
    ).toEqual([
      { field: 'Image', literal: '\\', anchor: undefined },
      { field: 'Image', literal: '/', anchor: undefined },
    ]);
    // Nothing from a filter of several fields (all must hold), or from `2 of`.
    expect(rule("  sel: { Image|endswith: '.exe' }\n  f: { Image: a, User: b }\n  condition: sel and not f")).toEqual(
      [],
    );
    expect(rule('  a: { Image: a }\n  b: { User: b }\n  c: { X: c }\n  condition: not 2 of them')).toEqual([]);
    // A folded literal (one character outside ASCII stands for any other) or one longer than
    // the part searched would veto rules that match: such vetoes are not used.
    expect(detect("  sel: { Image: 'é.exe' }\n  condition: not sel", { Image: 'ü.exe' })).toEqual(['T']);
    const long = `\\${'x'.repeat(MAX_PREFILTER_LITERAL)}.exe`;
    expect(
      detect(`  sel: { Image|endswith: '${long}' }\n  condition: not sel`, { Image: `C:\\y${long.slice(2)}` }),
    ).toEqual(['T']);
    expect(detect(`  sel: { Image|endswith: '${long}' }\n  condition: not sel`, { Image: `C:${long}` })).toEqual([]);
    // Values that hold a literal and still do not match make no veto (found by review): a
    // wildcard next to it, a list that needs all its members, `neq`, a `cased` value.
    expect(detect("  f: { A: 'abc?' }\n  condition: not f", { A: 'abc' })).toEqual(['T']);
    expect(detect("  f: { A: '?abc' }\n  condition: not f", { A: 'abc' })).toEqual(['T']);
    expect(detect("  f: { A|contains|all: ['xx', 'yy'] }\n  condition: not f", { A: 'only xx' })).toEqual(['T']);
    expect(detect("  f: { A|neq: 'abc' }\n  condition: not f", { A: 'abc' })).toEqual(['T']);
    expect(detect("  f: { A|cased: 'ABC' }\n  condition: not f", { A: 'abc' })).toEqual(['T']);
    expect(detect("  f: { A|contains|cased: 'ABC' }\n  condition: not f", { A: 'xabcx' })).toEqual(['T']);
  });

  it('the detector matches exactly the rules that match when every rule is evaluated (property)', () => {
    // Few characters, so that values often hold the rules' literals; case, non-ASCII and dashes vary.
    const piece = fc.string({
      unit: fc.constantFrom('a', 'B', 'b', '-', '/', '\\', '.', ' ', 'é', 'É', 'İ', 'Σ', '–', '*', '?', 'K'),
      minLength: 1,
      maxLength: 6,
    });
    const fieldName = fc.constantFrom('Image', 'CommandLine', 'a.b', 'User');
    const modifiers = fc.constantFrom(
      '',
      '|contains',
      '|startswith',
      '|endswith',
      '|contains|all',
      '|windash',
      '|cased',
      '|re',
      '|re|i',
      '|neq',
      '|endswith|neq',
    );
    // Regular expressions with sets of a few characters, which give their hints as alternatives.
    const regex = fc
      .array(fc.constantFrom('a', 'b', 'B', '[ab]', '[ .]', '[bB-]', '\\.', '\\\\', 'a+', '[ab]+', '[ .]?', '.'), {
        minLength: 1,
        maxLength: 5,
      })
      .map((parts) => parts.join(''));
    const quote = (v: string) => `'${v.replace(/'/g, "''")}'`;
    const selection = fc
      .array(
        fc.tuple(
          fieldName,
          modifiers,
          fc.array(piece, { minLength: 1, maxLength: 3 }),
          fc.array(regex, { minLength: 1, maxLength: 2 }),
        ),
        { minLength: 1, maxLength: 3 },
      )
      .map((entries) =>
        entries
          .map(
            ([f, m, vs, res]) =>
              `    ${f}${m === '|windash' ? '|windash|contains' : m === '|cased' ? '|cased|contains' : m}: [${(m.startsWith('|re') && res[0] !== 'a' ? res : vs).map(quote).join(', ')}]`,
          )
          .join('\n'),
      );
    const rule = fc.record({
      sel: selection,
      other: selection,
      keywords: fc.array(piece, { minLength: 1, maxLength: 2 }),
      // Vetoes come from what `not` turns false: a filter's literals, found where said.
      condition: fc.constantFrom(
        'sel',
        'sel and other',
        'sel or other',
        'sel and not other',
        '1 of sel*',
        'all of them',
        'kw',
        'sel and kw',
        '(sel and kw) or other',
        'sel or (other and kw)',
        '(sel and other) or (selother and kw)',
        'not sel',
        'not other and not kw',
        'sel and not 1 of other*',
        'not (sel or other)',
        'not (sel and other)',
        'kw and not (other or not sel)',
        'all of sel* and not all of other*',
      ),
    });
    const value = fc.oneof(
      fc.string({
        unit: fc.constantFrom('a', 'b', 'B', 'x', '-', '/', '\\', '.', ' ', 'é', 'İ', 'σ', 'ς', '–', 'k', '\u212A'),
        maxLength: 14,
      }),
      fc.constant(null),
    );
    const data = fc.record(
      { Image: value, CommandLine: value, User: value, a: fc.record({ b: value }), Other: value },
      { requiredKeys: [] },
    );
    const event = fc.oneof(
      data,
      data.map((d) => ({ Event: { System: { Channel: 'X', EventID: 1 }, EventData: d } })),
    );
    fc.assert(
      fc.property(
        fc.array(rule, { minLength: 1, maxLength: 6 }),
        fc.array(event, { minLength: 1, maxLength: 4 }),
        (rules, events) => {
          const texts = rules.map((r, i) => ({
            file: `r${i}.yml`,
            text: `title: R${i}\nlogsource: { product: windows }\ndetection:\n  sel:\n${r.sel}\n  selother:\n${r.other}\n  other:\n${r.other}\n  kw: [${r.keywords.map(quote).join(', ')}]\n  condition: ${r.condition}\n`,
          }));
          const set = compileRuleTexts(texts);
          for (const e of events) {
            const view = new EventView(e, mappingFor(e));
            const everyRule = set.compiled.filter((c) => c.matches(view)).map((c) => c.rule.title);
            expect(set.detector.match(e).map((m) => m.ruleTitle)).toEqual(everyRule);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
