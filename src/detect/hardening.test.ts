// Rules and events that name JavaScript's own properties, odd log sources, rules that throw
// while matching, and events nested too deep: each is contained, never the end of a run.
import { describe, expect, it } from 'vitest';
import { attackFromTags } from './attack.js';
import type { CompiledRule } from './compile.js';
import { createDetector } from './engine.js';
import { MAX_EVENT_DEPTH } from './fields.js';
import { exceedsDepth } from './ingest/index.js';
import { ruleScope } from './logsource.js';
import { compileRuleTexts } from './ruleset.js';

const INHERITED = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];

const rule = (detection: string, logsource = 'product: windows', extra = '') =>
  `title: t\nid: r1\n${extra}logsource:\n  ${logsource.replace(/, /g, '\n  ')}\ndetection:\n${detection}`;

const windowsEvent = (channel: string, eventId: number, data: Record<string, unknown>) => ({
  Event: { System: { Channel: channel, EventID: eventId }, EventData: data },
});

describe('inherited property names', () => {
  it('a rule field named after an Object property reads only the event own fields', () => {
    for (const name of INHERITED) {
      const set = compileRuleTexts([
        { file: 'a.yml', text: rule(`  sel:\n    ${name}: foo\n  condition: sel\n`) },
        { file: 'b.yml', text: rule(`  sel:\n    ${name}|exists: true\n  condition: sel\n`) },
      ]);
      expect(set.problems).toEqual([]);
      const events = [
        windowsEvent('Security', 4688, { NewProcessName: 'x' }),
        windowsEvent('Microsoft-Windows-Sysmon/Operational', 1, { Image: 'x' }),
        { a: 1 },
        {},
      ];
      for (const event of events) expect(set.detector.match(event), name).toEqual([]);
      // An event that does have the field as its own (JSON.parse makes even `__proto__` own).
      const own = JSON.parse(`{"${name}": "foo"}`);
      expect(set.detector.match(own).map((m) => m.ruleFile)).toEqual(['a.yml', 'b.yml']);
      expect(set.detector.problems).toEqual([]);
    }
  });

  it('ATT&CK tags named after Object properties name no tactic', () => {
    const tags = INHERITED.map((name) => `attack.${name}`);
    expect(attackFromTags([...tags, 'attack.execution'])).toEqual({
      techniques: [],
      named: [],
      tactics: [{ id: 'TA0002', name: 'Execution' }],
    });
  });

  it('a log source category or service named after an Object property is unknown, not a crash', () => {
    for (const name of INHERITED) {
      expect(ruleScope({ product: 'windows', category: name })).toEqual({ product: 'windows', sources: undefined });
      expect(ruleScope({ product: 'windows', service: name })).toEqual({ product: 'windows', sources: undefined });
      expect(ruleScope({ category: name }).sources).toBeUndefined();
      const set = compileRuleTexts([
        { file: 'good.yml', text: rule('  s:\n    Image: x\n  condition: s\n') },
        { file: 'bad.yml', text: rule('  s:\n    Image: x\n  condition: s\n', `product: windows, category: ${name}`) },
        { file: 'svc.yml', text: rule('  s:\n    Image: x\n  condition: s\n', `product: windows, service: ${name}`) },
      ]);
      expect(set.compiled).toHaveLength(3);
      const event = windowsEvent('Microsoft-Windows-Sysmon/Operational', 1, { Image: 'x' });
      expect(set.detector.match(event)).toHaveLength(3);
    }
  });
});

describe('rules that fail', () => {
  const base = compileRuleTexts([
    { file: 'a.yml', text: rule('  s:\n    Image: x\n  condition: s\n') },
    { file: 'b.yml', text: rule('  s:\n    Image: x\n  condition: s\n') },
  ]).compiled;
  const [first, second] = base as [CompiledRule, CompiledRule];
  const event = windowsEvent('Microsoft-Windows-Sysmon/Operational', 1, { Image: 'x' });

  it('a rule that throws on an event is reported once and disabled; the others go on', () => {
    let calls = 0;
    const throwing: CompiledRule = {
      ...first,
      matches: () => {
        calls += 1;
        throw new Error('boom');
      },
    };
    const detector = createDetector([throwing, second]);
    expect(detector.match(event).map((m) => m.ruleFile)).toEqual(['b.yml']);
    expect(detector.match(event).map((m) => m.ruleFile)).toEqual(['b.yml']);
    expect(calls).toBe(1);
    expect(detector.problems).toHaveLength(1);
    expect(detector.problems[0]).toMatchObject({ file: 'a.yml', rule: 'r1' });
    expect(detector.problems[0]?.reason).toContain('boom');
  });

  it('a rule the detector cannot index is reported and left out; the others load', () => {
    const odd = {
      ...first,
      scope: { product: 'windows', sources: {} as unknown as CompiledRule['scope']['sources'] },
    } as CompiledRule;
    const detector = createDetector([odd, second]);
    expect(detector.rules).toEqual([second]);
    expect(detector.ruleCount).toBe(1);
    expect(detector.problems).toHaveLength(1);
    expect(detector.problems[0]?.file).toBe('a.yml');
    expect(detector.match(event).map((m) => m.ruleFile)).toEqual(['b.yml']);
  });
});

describe('deeply nested events', () => {
  const depth = 20_000;
  const deepArray = (inner: string) => JSON.parse(`${'['.repeat(depth)}${inner}${']'.repeat(depth)}`);
  const deepObject = (inner: string) => JSON.parse(`${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}`);

  it('fields and keywords are read without recursion, values past the depth cap ignored', () => {
    const set = compileRuleTexts([
      {
        file: 'r.yml',
        text: rule('  s:\n    msg: hi\n  k:\n    - evil\n  condition: s or k\n', 'product: linux'),
      },
    ]);
    expect(set.detector.match({ msg: deepArray('"hi"') })).toEqual([]);
    expect(set.detector.match({ x: deepObject('"evil"') })).toEqual([]);
    expect(set.detector.match({ msg: [[['hi']]] })).toHaveLength(1);
    expect(set.detector.match({ x: { a: { b: ['evil'] } } })).toHaveLength(1);
  });

  it('exceedsDepth tells over-deep events apart without recursion', () => {
    expect(exceedsDepth({ x: deepObject('1') }, MAX_EVENT_DEPTH)).toBe(true);
    expect(exceedsDepth(deepArray('1'), MAX_EVENT_DEPTH)).toBe(true);
    expect(exceedsDepth({ a: [{ b: 1 }] }, MAX_EVENT_DEPTH)).toBe(false);
    const atCap = JSON.parse(`${'['.repeat(MAX_EVENT_DEPTH)}${']'.repeat(MAX_EVENT_DEPTH)}`);
    expect(exceedsDepth(atCap, MAX_EVENT_DEPTH)).toBe(false);
    expect(exceedsDepth([atCap], MAX_EVENT_DEPTH)).toBe(true);
  });
});
