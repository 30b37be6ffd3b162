// The correlation engine: each type crossing and not crossing its threshold, sliding windows,
// group-by, aliases, expiry, bounded memory, late events, chains and the spec's examples.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../load.js';
import type { SigmaCorrelation } from '../rule.js';
import { compileRuleTexts } from '../ruleset.js';
import { type CorrelatorOptions, createCorrelator, type Observation } from './correlator.js';
import { resolveCorrelations } from './resolve.js';
import { parseTimespan } from './timespan.js';

const S = 1000;
const M = 60 * S;

/** A correlator from one correlation YAML over base rules named a, b, c (ids = names). */
function correlator(yaml: string, options?: CorrelatorOptions, rules = ['a', 'b', 'c']) {
  const loaded = loadRules(yaml, 'c.yml');
  expect(loaded.problems).toEqual([]);
  const { compiled, problems } = resolveCorrelations(
    loaded.correlations,
    rules.map((id) => ({ id, name: `${id}_name` })),
  );
  expect(problems).toEqual([]);
  return createCorrelator(compiled, options);
}

const obs = (ruleId: string, time: number, event: Record<string, unknown> = {}, ref?: string): Observation => ({
  ruleId,
  time,
  event,
  ref,
});

function run(c: ReturnType<typeof createCorrelator>, list: Observation[]) {
  return list.flatMap((o) => c.observe(o));
}

const eventCount = (condition: string, timespan = '5m') => `title: Many
id: many
level: high
correlation:
  type: event_count
  rules: [a]
  group-by: [User]
  timespan: ${timespan}
  condition: { ${condition} }
`;

describe('timespans', () => {
  it('reads s, m, h, d, w and refuses the rest', () => {
    expect(parseTimespan('30s')).toBe(30 * S);
    expect(parseTimespan('5m')).toBe(5 * M);
    expect(parseTimespan('1h')).toBe(60 * M);
    expect(parseTimespan('1d')).toBe(24 * 60 * M);
    expect(parseTimespan('2w')).toBe(14 * 24 * 60 * M);
    for (const bad of ['', '5', 'm', '1.5h', '-1m', '0s', '5M', '1y', '999999999d'])
      expect(parseTimespan(bad)).toBeUndefined();
  });
});

describe('event_count', () => {
  it('raises once the count is reached within the timespan, with its explanation', () => {
    const c = correlator(eventCount('gte: 3'));
    const alerts = run(c, [
      obs('a', 0, { User: 'bob' }, 'f:1'),
      obs('a', 1 * M, { User: 'bob' }, 'f:2'),
      obs('a', 2 * M, { User: 'bob' }, 'f:3'),
    ]);
    expect(alerts).toMatchObject([
      {
        correlationId: 'many',
        correlationTitle: 'Many',
        level: 'high',
        type: 'event_count',
        group: { User: 'bob' },
        value: 3,
        windowStart: 0,
        windowEnd: 2 * M,
        contributorCount: 3,
        rules: ['a'],
      },
    ]);
    expect(alerts[0]?.contributors.map((x) => x.ref)).toEqual(['f:1', 'f:2', 'f:3']);
  });

  it('stays quiet below the threshold and when the events are spread wider than the timespan', () => {
    const c = correlator(eventCount('gte: 3'));
    expect(run(c, [obs('a', 0, { User: 'bob' }), obs('a', 1 * M, { User: 'bob' })])).toEqual([]);
    // Sliding: at 6m the window [1m, 6m] holds 1m and 6m; at 6m30 the 1m event has left it.
    expect(run(c, [obs('a', 6 * M, { User: 'bob' })])).toEqual([]);
    expect(run(c, [obs('a', 6 * M + 30 * S, { User: 'bob' })])).toEqual([]);
    expect(run(c, [obs('a', 7 * M, { User: 'bob' })])).toMatchObject([{ value: 3, windowStart: 6 * M }]);
  });

  it('counts each group apart, and skips (counting) events without the group-by field', () => {
    const c = correlator(eventCount('gte: 2'));
    expect(run(c, [obs('a', 0, { User: 'bob' }), obs('a', 1, { User: 'eve' }), obs('a', 2, {})])).toEqual([]);
    expect(c.stats.missingGroupField).toBe(1);
    expect(run(c, [obs('a', 3, { User: 'eve' })])).toMatchObject([{ group: { User: 'eve' }, value: 2 }]);
  });

  it('gives one alert per burst: the group starts afresh after an alert', () => {
    const c = correlator(eventCount('gte: 2'));
    const alerts = run(
      c,
      [0, 1, 2, 3, 4].map((t) => obs('a', t * S, { User: 'bob' })),
    );
    expect(alerts.map((a) => a.windowEnd)).toEqual([1 * S, 3 * S]);
  });

  it('ignores observations of rules it does not refer to', () => {
    const c = correlator(eventCount('gte: 1'));
    expect(c.observe(obs('zzz', 0, { User: 'bob' }))).toEqual([]);
    expect(c.observe(obs('a', 0, { User: 'bob' }))).toHaveLength(1);
  });

  it('applies ranges (gt and lte together) and eq', () => {
    const range = correlator(eventCount('gt: 2, lte: 3'));
    expect(
      run(
        range,
        [0, 1, 2].map((t) => obs('a', t, { User: 'u' })),
      ),
    ).toMatchObject([{ value: 3 }]);
    const eq = correlator(eventCount('eq: 2'));
    expect(
      run(
        eq,
        [0, 1].map((t) => obs('a', t, { User: 'u' })),
      ),
    ).toMatchObject([{ value: 2 }]);
  });

  it('checks upper-bound-only conditions when the window closes, not on the first event', () => {
    const c = correlator(eventCount('lt: 3'));
    expect(run(c, [obs('a', 0, { User: 'quiet' }), obs('a', 1 * M, { User: 'quiet' })])).toEqual([]);
    for (const t of [0, 1, 2, 3]) c.observe(obs('a', t * S, { User: 'busy' }));
    // A later event closes the windows of both groups: only the quiet one stayed below 3.
    const alerts = c.observe(obs('a', 20 * M, { User: 'other' }));
    expect(alerts).toMatchObject([{ group: { User: 'quiet' }, value: 2 }]);
    expect(c.flush()).toMatchObject([{ group: { User: 'other' }, value: 1 }]);
  });

  it('closes, by a given time, only the windows that ended before it', () => {
    const c = correlator(eventCount('lt: 3'), { expireByEventTime: false });
    // The quiet group's window is out of order (1 min, then 0): placed, not late.
    run(c, [obs('a', 1 * M, { User: 'quiet' }), obs('a', 0, { User: 'quiet' })]);
    run(c, [obs('a', 4 * M, { User: 'recent' })]);
    // A source running far ahead no longer closes the others' windows...
    expect(c.observe(obs('a', 60 * M, { User: 'ahead' }))).toEqual([]);
    expect(c.groupCount()).toBe(3);
    // ...the caller's clock does: 6 min is past the quiet window (1 min + 5 min), not the recent one.
    expect(c.closeBefore(6 * M + 1)).toMatchObject([{ group: { User: 'quiet' }, value: 2, windowStart: 0 }]);
    expect(c.groupCount()).toBe(2);
    expect(c.closeBefore(6 * M + 1)).toEqual([]);
    expect(c.closeBefore(10 * M)).toMatchObject([{ group: { User: 'recent' }, value: 1 }]);
    expect(c.stats.expiredGroups).toBe(2);
    expect(c.stats.late).toBe(0);
  });
});

describe('value_count', () => {
  const yaml = `title: Spray
correlation:
  type: value_count
  rules: [a]
  group-by: [IpAddress]
  timespan: 10m
  condition: { field: TargetUserName, gte: 3 }
`;
  it('counts distinct values, not events', () => {
    const c = correlator(yaml);
    const ev = (user: string) => ({ IpAddress: '10.0.0.1', TargetUserName: user });
    expect(run(c, [obs('a', 0, ev('x')), obs('a', 1, ev('x')), obs('a', 2, ev('y')), obs('a', 3, ev('y'))])).toEqual(
      [],
    );
    expect(c.observe(obs('a', 4, ev('z')))).toMatchObject([{ value: 3, group: { IpAddress: '10.0.0.1' } }]);
  });
  it('reads fields of evtx_dump events through the engine mapping', () => {
    const c = correlator(yaml);
    const evtx = (user: string) => ({
      Event: {
        System: { Channel: 'Security', EventID: 4625 },
        EventData: { IpAddress: '1.2.3.4', TargetUserName: user },
      },
    });
    expect(
      run(
        c,
        ['p', 'q', 'r'].map((u, i) => obs('a', i, evtx(u))),
      ),
    ).toMatchObject([{ value: 3, group: { IpAddress: '1.2.3.4' } }]);
  });
});

describe('temporal and temporal_ordered', () => {
  const temporal = (type: string) => `title: Recon
id: recon
correlation:
  type: ${type}
  rules: [a, b_name, c]
  group-by: [Host]
  timespan: 5m
`;
  const h = { Host: 'pc1' };
  it('temporal: every rule within the timespan, in any order', () => {
    const c = correlator(temporal('temporal'));
    expect(run(c, [obs('c', 0, h), obs('a', 1 * M, h)])).toEqual([]);
    expect(c.observe(obs('b', 2 * M, h))).toMatchObject([{ value: 3, rules: ['c', 'a', 'b'] }]);
  });
  it('temporal: not when one rule fell out of the window', () => {
    const c = correlator(temporal('temporal'));
    expect(run(c, [obs('c', 0, h), obs('a', 4 * M, h), obs('b', 6 * M, h)])).toEqual([]);
  });
  it('temporal_ordered: only in the written order', () => {
    const wrong = correlator(temporal('temporal_ordered'));
    expect(run(wrong, [obs('c', 0, h), obs('b', 1, h), obs('a', 2, h)])).toEqual([]);
    const right = correlator(temporal('temporal_ordered'));
    expect(run(right, [obs('a', 0, h), obs('c', 1, h), obs('b', 2, h), obs('c', 3, h)])).toMatchObject([
      { value: 3, type: 'temporal_ordered' },
    ]);
  });
});

describe('value_sum, value_avg, value_percentile', () => {
  const numeric = (type: string, condition: string, field = 'Bytes') => `title: N
correlation:
  type: ${type}
  rules: [a]
  group-by: [User]
  timespan: 1h
  condition: { field: ${field}, ${condition} }
`;
  it('value_sum crosses and does not cross; non-numbers are counted and skipped', () => {
    const c = correlator(numeric('value_sum', 'gt: 1000'));
    expect(run(c, [obs('a', 0, { User: 'u', Bytes: 600 }), obs('a', 1, { User: 'u', Bytes: 'x' })])).toEqual([]);
    expect(c.stats.missingValue).toBe(1);
    expect(c.observe(obs('a', 2, { User: 'u', Bytes: '500' }))).toMatchObject([{ value: 1100 }]);
    const low = correlator(numeric('value_sum', 'gt: 1000'));
    expect(
      run(low, [obs('a', 0, { User: 'u', Bytes: 600 }), obs('a', 2 * 3600 * S, { User: 'u', Bytes: 600 })]),
    ).toEqual([]);
  });
  it('value_avg', () => {
    const c = correlator(numeric('value_avg', 'gt: 500'));
    expect(run(c, [obs('a', 0, { User: 'u', Bytes: 100 }), obs('a', 1, { User: 'u', Bytes: 800 })])).toEqual([]);
    expect(c.observe(obs('a', 2, { User: 'u', Bytes: 900 }))).toMatchObject([{ value: 600 }]);
  });
  it('value_percentile: a value rarer than the given share (%) of the window', () => {
    const c = correlator(numeric('value_percentile', 'lte: 10', 'Image'));
    const common = Array.from({ length: 10 }, (_, i) => obs('a', i, { User: 'u', Image: 'explorer.exe' }));
    expect(run(c, common)).toEqual([]);
    expect(c.observe(obs('a', 20, { User: 'u', Image: 'evil.exe' }))).toMatchObject([
      { value: (100 * 1) / 11, type: 'value_percentile' },
    ]);
  });
});

describe('aliases', () => {
  it('maps a different field per rule (by name or id) to one group-by name', () => {
    const c = correlator(`title: Aliased
correlation:
  type: temporal
  rules: [a_name, b]
  group-by: [ip]
  timespan: 10s
  aliases:
    ip:
      a_name: destination.ip
      b: source.ip
`);
    expect(c.observe(obs('a', 0, { destination: { ip: '10.0.0.9' } }))).toEqual([]);
    expect(c.observe(obs('b', 1 * S, { source: { ip: '10.0.0.8' } }))).toEqual([]);
    expect(c.observe(obs('b', 2 * S, { source: { ip: '10.0.0.9' } }))).toMatchObject([{ group: { ip: '10.0.0.9' } }]);
  });
});

describe('bounded memory and time', () => {
  it('expires groups no event reached for a timespan', () => {
    const c = correlator(eventCount('gte: 100', '1m'));
    for (let i = 0; i < 50; i++) c.observe(obs('a', i, { User: `u${i}` }));
    expect(c.groupCount()).toBe(50);
    c.observe(obs('a', 10 * M, { User: 'late' }));
    expect(c.groupCount()).toBe(1);
    expect(c.stats.expiredGroups).toBe(50);
  });
  it('caps groups, evicting the least recently seen, and counts it', () => {
    const c = correlator(eventCount('gte: 2', '1h'), { maxGroups: 10 });
    for (let i = 0; i < 1000; i++) c.observe(obs('a', i, { User: `u${i}` }));
    expect(c.groupCount()).toBe(10);
    expect(c.stats.evictedGroups).toBe(990);
    // The evicted first user starts over: one more event is not enough.
    expect(c.observe(obs('a', 2000, { User: 'u0' }))).toEqual([]);
    expect(c.observe(obs('a', 2001, { User: 'u999' }))).toHaveLength(1);
  });
  it('caps entries per group and lists a bounded number of contributors', () => {
    const c = correlator(eventCount('gte: 1000000', '1h'), { maxEntriesPerGroup: 50, maxContributors: 5 });
    for (let i = 0; i < 500; i++) c.observe(obs('a', i, { User: 'u' }));
    expect(c.stats.evictedEntries).toBe(450);
    const small = correlator(eventCount('gte: 30', '1h'), { maxContributors: 5 });
    const alerts = run(
      small,
      Array.from({ length: 30 }, (_, i) => obs('a', i, { User: 'u' }, `r${i}`)),
    );
    expect(alerts[0]?.contributorCount).toBe(30);
    expect(alerts[0]?.contributors.map((x) => x.ref)).toEqual(['r25', 'r26', 'r27', 'r28', 'r29']);
  });
  it('places late events within the timespan by their time, drops older ones, and drops bad times', () => {
    const c = correlator(eventCount('gte: 3', '5m'));
    expect(run(c, [obs('a', 10 * M, { User: 'u' }), obs('a', 8 * M, { User: 'u' })])).toEqual([]);
    expect(c.observe(obs('a', 1 * M, { User: 'u' }))).toEqual([]);
    expect(c.stats.late).toBe(1);
    expect(c.observe(obs('a', Number.NaN, { User: 'u' }))).toEqual([]);
    expect(c.stats.badTime).toBe(1);
    expect(c.observe(obs('a', 9 * M, { User: 'u' }))).toMatchObject([
      { value: 3, windowStart: 8 * M, windowEnd: 10 * M },
    ]);
  });
});

describe('chains and generate', () => {
  const text = `title: Failed
name: failed
logsource: { product: windows, service: security }
detection:
  sel: { EventID: 4625 }
  condition: sel
---
title: Success
name: success
logsource: { product: windows, service: security }
detection:
  sel: { EventID: 4624 }
  condition: sel
---
title: Many failed
name: many_failed
correlation:
  type: event_count
  rules: [failed]
  group-by: [User]
  timespan: 10m
  condition: { gte: 3 }
---
title: Failed then success
id: chain
level: critical
correlation:
  type: temporal_ordered
  rules: [many_failed, success]
  group-by: [User]
  timespan: 1h
`;
  it('feeds a correlation alert to the correlation that refers to it', () => {
    const set = compileRuleTexts([{ file: 'chain.yml', text }]);
    expect(set.problems).toEqual([]);
    const c = createCorrelator(set.correlations);
    const failed = set.compiled.find((r) => r.rule.name === 'failed')?.rule.id ?? '';
    const success = set.compiled.find((r) => r.rule.name === 'success')?.rule.id ?? '';
    const out = run(c, [
      obs(failed, 0, { User: 'bob' }),
      obs(failed, 1 * M, { User: 'bob' }),
      obs(failed, 2 * M, { User: 'bob' }),
      obs(success, 3 * M, { User: 'bob' }),
    ]);
    expect(out.map((a) => a.correlationId)).toEqual(['many_failed', 'chain']);
    expect(out[1]).toMatchObject({ level: 'critical', group: { User: 'bob' }, rules: ['many_failed', success] });
    // Sigma's default: the base rules of a correlation do not alert on their own.
    expect(c.keepsOwnAlerts(failed)).toBe(false);
    expect(c.keepsOwnAlerts('unrelated')).toBe(true);
  });
  it('keeps base alerts with generate: true, and reports unknown references and loops', () => {
    const generated = compileRuleTexts([
      { file: 'g.yml', text: text.replace('name: many_failed\n', 'name: many_failed\ngenerate: true\n') },
    ]);
    const failed = generated.compiled.find((r) => r.rule.name === 'failed')?.rule.id ?? '';
    expect(createCorrelator(generated.correlations).keepsOwnAlerts(failed)).toBe(true);
    const broken = compileRuleTexts([
      {
        file: 'b.yml',
        text: `title: X\nname: x\ncorrelation: { type: temporal, rules: [y, nowhere], group-by: [U], timespan: 1m }\n---\ntitle: Y\nname: y\ncorrelation: { type: temporal, rules: [x], group-by: [U], timespan: 1m }\n`,
      },
    ]);
    expect(broken.correlations).toEqual([]);
    expect(broken.problems.map((p) => p.reason)).toEqual([
      expect.stringContaining("'nowhere'"),
      expect.stringContaining('loops'),
    ]);
  });
});

const SPEC = '/work/shared/data/detect/spec/tests/schema';

describe('Sigma specification examples', () => {
  const folder = join(SPEC, 'correlation');
  it.skipIf(!existsSync(folder))('every correlation example loads (spec tests folder present)', () => {
    const files = readdirSync(folder).filter((f) => f.endsWith('.yml'));
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const f of files) {
      const loaded = loadRules(readFileSync(join(folder, f), 'utf8'), f);
      expect(loaded.problems, f).toEqual([]);
      expect(loaded.correlations, f).toHaveLength(1);
    }
    const vc = loadRules(readFileSync(join(folder, 'value_count.yml'), 'utf8'), 'v').correlations[0];
    expect(vc).toMatchObject({
      type: 'value_count',
      field: ['User'],
      timespanMs: 86_400_000,
      groupBy: ['ComputerName', 'WorkstationName'],
    });
    const temporal = loadRules(readFileSync(join(folder, 'temporal.yml'), 'utf8'), 't').correlations[0];
    expect(temporal?.condition).toEqual([{ op: 'gte', value: 3 }]);
  });
  if (!existsSync(folder)) it.skip(`spec examples absent (${folder}): not checked`, () => {});
});

describe('loader robustness', () => {
  const scalar = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null), fc.double());
  const value = fc.oneof(
    scalar,
    fc.array(scalar, { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), scalar, { maxKeys: 4 }),
  );
  it('arbitrary correlation YAML never throws out of the loader', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            type: fc.oneof(
              fc.constantFrom(
                'event_count',
                'value_count',
                'temporal',
                'temporal_ordered',
                'value_sum',
                'value_avg',
                'value_percentile',
              ),
              value,
            ),
            rules: fc.oneof(fc.array(fc.string({ maxLength: 6 }), { maxLength: 4 }), value),
            'group-by': value,
            timespan: fc.oneof(fc.constantFrom('5m', '1h', '0s', '1y', '30'), value),
            condition: fc.oneof(fc.record({ gte: scalar, field: value }, { requiredKeys: [] }), value),
            aliases: fc.oneof(fc.dictionary(fc.string({ maxLength: 6 }), value, { maxKeys: 3 }), value),
            generate: value,
          },
          { requiredKeys: [] },
        ),
        fc.option(fc.string({ maxLength: 10 })),
        (correlation, title) => {
          const text = JSON.stringify({ title, correlation });
          const loaded = loadRules(text, 'p.yml');
          // Every document is either a correlation or a problem with a line and a reason.
          expect(loaded.correlations.length + loaded.problems.length).toBe(1);
          for (const p of loaded.problems) expect(p.line).toBeGreaterThanOrEqual(1);
          const c: SigmaCorrelation | undefined = loaded.correlations[0];
          if (c) expect(() => createCorrelator(resolveCorrelations([c], [{ id: 'x' }]).compiled)).not.toThrow();
        },
      ),
      { numRuns: 500 },
    );
  });
  it('arbitrary text never throws out of the loader', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (tail) => {
        expect(() => loadRules(`title: T\ncorrelation:\n  ${tail}`, 'x.yml')).not.toThrow();
        expect(() => loadRules(`title: T\nlogsource: {}\nfilter:\n  ${tail}`, 'x.yml')).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});
