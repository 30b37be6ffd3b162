// Filters (meta-rules): loaded with their problems, applied to the rules they name when the
// log sources fit, and the Sigma specification's filter examples.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attackFromTags, techniqueName } from './attack.js';
import { loadRules } from './load.js';
import { compileRuleTexts } from './ruleset.js';

const RULE = (id: string, product = 'windows') => `title: Rule ${id}
id: ${id}
name: ${id}_name
logsource: { product: ${product}, category: process_creation }
detection:
  sel: { Image|endswith: '\\rar.exe' }
  condition: sel
`;

const FILTER = (rules: string, logsource = '{ product: windows }', condition = 'not selection') => `title: Filter admins
id: f1
logsource: ${logsource}
filter:
  rules: ${rules}
  selection:
    User|startswith: 'adm_'
  condition: ${condition}
`;

const admin = { Image: 'C:\\x\\rar.exe', User: 'adm_jo' };
const user = { Image: 'C:\\x\\rar.exe', User: 'jo' };

describe('filters', () => {
  it('stop the rules they name (by id or name) from matching what the filter excludes', () => {
    const set = compileRuleTexts([
      { file: 'r.yml', text: `${RULE('r1')}---\n${RULE('r2')}---\n${RULE('r3')}` },
      { file: 'f.yml', text: FILTER('[r1, r2_name]') },
    ]);
    expect(set.problems).toEqual([]);
    expect(set.filters).toMatchObject([{ appliedTo: ['r1', 'r2'] }]);
    expect(set.detector.match(admin).map((m) => m.ruleId)).toEqual(['r3']);
    expect(set.detector.match(user).map((m) => m.ruleId)).toEqual(['r1', 'r2', 'r3']);
  });

  it('respect the log source: not applied to a rule of another product, which is reported', () => {
    const set = compileRuleTexts([
      { file: 'r.yml', text: RULE('lin', 'linux') },
      { file: 'f.yml', text: FILTER('[lin]') },
    ]);
    expect(set.detector.match(admin).map((m) => m.ruleId)).toEqual(['lin']);
    expect(set.problems).toMatchObject([{ file: 'f.yml', rule: 'f1', reason: expect.stringContaining('log source') }]);
  });

  it('`rules: any` applies to every rule of the log source', () => {
    const set = compileRuleTexts([
      { file: 'r.yml', text: `${RULE('w')}---\n${RULE('l', 'linux')}` },
      { file: 'f.yml', text: FILTER('any') },
    ]);
    expect(set.detector.match(admin).map((m) => m.ruleId)).toEqual(['l']);
  });

  it('report unknown rules and bad filters with file, line and reason, and never abort the load', () => {
    const bad = `title: Broken\nlogsource: {}\nfilter:\n  rules: [r1]\n  selection:\n    User|nosuchmodifier: x\n  condition: selection\n`;
    const set = compileRuleTexts([
      { file: 'r.yml', text: RULE('r1') },
      { file: 'f.yml', text: FILTER('[ghost]') },
      { file: 'b.yml', text: bad },
      { file: 'm.yml', text: 'title: M\nlogsource: {}\nfilter:\n  selection: {a: 1}\n  condition: selection\n' },
    ]);
    expect(set.compiled).toHaveLength(1);
    expect(set.problems).toMatchObject([
      { file: 'm.yml', line: 3, reason: expect.stringContaining('filter.rules') },
      { file: 'f.yml', reason: expect.stringContaining("'ghost'") },
      { file: 'b.yml', line: 6, reason: expect.stringContaining('filter:') },
    ]);
  });

  const folder = '/work/shared/data/detect/spec/tests/schema/filter';
  it.skipIf(!existsSync(folder))('the specification examples load', () => {
    for (const f of readdirSync(folder).filter((n) => n.endsWith('.yml'))) {
      const loaded = loadRules(readFileSync(join(folder, f), 'utf8'), f);
      expect(loaded.problems, f).toEqual([]);
      expect(loaded.filters[0]?.rules, f).toEqual([
        '6f3e2987-db24-4c78-a860-b4f4095a7095',
        'df0841c0-9846-4e9f-ad8a-7df91571771b',
      ]);
    }
  });
});

describe('ATT&CK technique names', () => {
  it('names known techniques and sub-techniques, and gives unknown ids alone', () => {
    expect(techniqueName('T1110')).toBe('Brute Force');
    expect(techniqueName('t1110.003')).toBe('Password Spraying');
    expect(techniqueName('T9999')).toBeUndefined();
    expect(techniqueName('constructor')).toBeUndefined();
    expect(attackFromTags(['attack.t1110.003', 'attack.t9999', 'attack.credential_access']).named).toEqual([
      { id: 'T1110.003', name: 'Password Spraying' },
      { id: 'T9999' },
    ]);
  });

  const tree = '/work/shared/data/detect/sigmahq-full/rules';
  it.skipIf(!existsSync(tree))('names every technique tagged in the SigmaHQ rules but the few left unnamed', () => {
    const tagged = new Set<string>();
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else if (e.name.endsWith('.yml'))
          for (const m of readFileSync(join(dir, e.name), 'utf8').matchAll(/attack\.(t\d{4}(?:\.\d{3})?)\b/gi))
            tagged.add((m[1] ?? '').toUpperCase());
      }
    };
    walk(tree);
    const unnamed = [...tagged].filter((id) => techniqueName(id) === undefined).sort();
    // Recent ids whose names were not checked; every other tagged id has a name.
    expect(unnamed.every((id) => /^T(1685|1686|1689|1690)\b|^T1484\.002$/.test(id))).toBe(true);
  });
});
