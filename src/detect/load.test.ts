// Reading rule YAML: problems with their lines, collections, and never a throw.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { compileRule, isCompiled } from './compile.js';
import { loadRules } from './load.js';

const GOOD = `title: Good
id: 11111111-1111-1111-1111-111111111111
level: high
tags: [attack.execution, attack.t1059.001]
logsource:
  category: process_creation
  product: windows
detection:
  selection:
    Image|endswith: '\\powershell.exe'
  condition: selection
`;

describe('loadRules', () => {
  it('reads a rule with its metadata', () => {
    const { rules, problems } = loadRules(GOOD, 'good.yml');
    expect(problems).toEqual([]);
    expect(rules[0]).toMatchObject({
      id: '11111111-1111-1111-1111-111111111111',
      title: 'Good',
      level: 'high',
      logsource: { category: 'process_creation', product: 'windows' },
      conditions: ['selection'],
      file: 'good.yml',
      line: 1,
    });
  });

  it('reports YAML syntax errors with their line, and keeps loading the other documents', () => {
    const text = `${GOOD}---\ntitle: Broken\ndetection:\n  selection: [unclosed\n  condition: selection\n---\n${GOOD.replace('Good', 'Second')}`;
    const { rules, problems } = loadRules(text, 'multi.yml');
    expect(rules.map((r) => r.title)).toEqual(['Good', 'Second']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'multi.yml', kind: 'invalid' });
    expect(problems[0]?.line).toBeGreaterThanOrEqual(15);
    expect(problems[0]?.line).toBeLessThanOrEqual(18);
  });

  it('reports duplicate keys rather than keeping one of them silently', () => {
    const text = GOOD.replace("    Image|endswith: '\\powershell.exe'\n", '    Image: a\n    Image: b\n');
    expect(loadRules(text, 'dup.yml').problems).toMatchObject([{ line: 11, reason: expect.stringMatching(/unique/) }]);
  });

  it('reports schema errors at the offending line', () => {
    const bad = GOOD.replace('level: high', 'level: severe');
    expect(loadRules(bad, 'b.yml').problems).toMatchObject([{ line: 3, reason: expect.stringMatching(/^level: /) }]);
    const noCondition = GOOD.replace('  condition: selection\n', '');
    expect(loadRules(noCondition, 'c.yml').problems).toMatchObject([
      { line: 8, reason: expect.stringMatching(/^detection.condition/) },
    ]);
    expect(loadRules('just text', 'd.yml').problems).toMatchObject([
      { line: 1, reason: 'a rule must be a YAML mapping' },
    ]);
  });

  it('points compilation errors at the line of the field', () => {
    const text = GOOD.replace("Image|endswith: '\\powershell.exe'", 'Image|endswith: x\n    Other|bogus: y');
    const [rule] = loadRules(text, 'e.yml').rules;
    const result = rule && compileRule(rule);
    expect(result && !isCompiled(result) && result).toMatchObject({ line: 11, reason: 'unknown modifier: bogus' });
    const cond = loadRules(GOOD.replace('condition: selection', 'condition: selection and'), 'f.yml').rules[0];
    expect(cond && compileRule(cond)).toMatchObject({ line: 11, reason: expect.stringMatching(/unexpected end/) });
  });

  it('expands collections: global, repeat and reset', () => {
    const text = `action: global
title: Family
logsource: { product: windows }
detection:
  condition: selection
---
id: a
logsource: { category: process_creation }
detection:
  selection: { Image: a.exe }
---
action: repeat
id: b
detection:
  selection: { Image: b.exe }
---
action: reset
---
id: c
title: Alone
logsource: { product: linux }
detection:
  keywords: [x]
  condition: keywords
`;
    const { rules, problems } = loadRules(text, 'coll.yml');
    expect(problems).toEqual([]);
    expect(rules.map((r) => [r.id, r.title, r.logsource, r.searches])).toEqual([
      ['a', 'Family', { product: 'windows', category: 'process_creation' }, { selection: { Image: 'a.exe' } }],
      ['b', 'Family', { product: 'windows', category: 'process_creation' }, { selection: { Image: 'b.exe' } }],
      ['c', 'Alone', { product: 'linux' }, { keywords: ['x'] }],
    ]);
  });

  it('reports an incomplete correlation rule with its reason', () => {
    const text = 'title: C\ncorrelation:\n  type: event_count\n  rules: [a]\n';
    expect(loadRules(text, 'c.yml').problems).toMatchObject([
      { kind: 'invalid', line: 2, reason: expect.stringContaining('timespan') },
    ]);
  });

  it('never throws, whatever the input', () => {
    for (const text of [
      '',
      '---\n---',
      ':::',
      '- a\n- b',
      '{a: [1, 2',
      'a: &x [*x]',
      '\u0000\u0001',
      'title: 1\nlogsource: 2\ndetection: 3',
    ])
      expect(() => loadRules(text, 'x.yml')).not.toThrow();
  });

  it('compiles arbitrary detections or reports why, never with an internal error (property)', () => {
    const key = fc.constantFrom(
      'Image',
      'Image|contains',
      'X|re',
      'X|cidr',
      'X|base64offset|contains',
      'X|gt',
      'X|exists',
      '|all',
      'X|windash|expand',
      'X|fieldref',
      'X|neq|cased',
      'X|utf16|base64',
    );
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null))),
    );
    const search = fc.oneof(
      fc.dictionary(key, value),
      fc.array(fc.dictionary(key, value)),
      fc.array(fc.string()),
      fc.string(),
    );
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('sel', 'filter', 'kw'), search),
        fc.constantFrom('sel', '1 of them', 'all of them', 'sel and not filter', 'kw or ('),
        (searches, condition) => {
          const text = stringify({
            title: 'P',
            logsource: { product: 'windows' },
            detection: { ...searches, condition },
          });
          const { rules } = loadRules(text, 'p.yml');
          for (const rule of rules) {
            const result = compileRule(rule);
            // Problems are named, never an unexpected exception turned into a report.
            if (!isCompiled(result)) expect(result.reason).not.toMatch(/^internal error/);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('the patched YAML parser (patches/yaml+2.9.1.patch)', () => {
  it('reads its token-logging switch once, not from the environment at every token', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    process.env.LOG_TOKENS = '1';
    try {
      expect(loadRules(GOOD, 'good.yml').rules).toHaveLength(1);
      // Unpatched, the parser looks the switch up per token, and logs each one now.
      expect(log).not.toHaveBeenCalled();
    } finally {
      delete process.env.LOG_TOKENS;
      log.mockRestore();
    }
  });
});
