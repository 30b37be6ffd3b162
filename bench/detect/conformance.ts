/**
 * Sigma conformance, SigmaHQ's own criterion: every rule that ships regression data must
 * match its own sample at least the expected number of times.
 * Usage: npx tsx bench/detect/conformance.ts [DEV pack folder, default ../shared/data/detect]
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compileRuleTexts } from '../../src/detect/index.js';

const root = resolve(process.argv[2] ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'detect'));
const rows = readFileSync(join(root, 'sigma', 'expected.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1);

let passed = 0;
let strict = 0;
let asZircolite = 0;
const failures: string[] = [];
const started = performance.now();
for (const row of rows) {
  const [ruleId = '', title = '', ruleFile = '', , , , , , , expectedText = '', zircoliteText = ''] = row.split('\t');
  const expected = Number(expectedText.replace(/^>=/, ''));
  const file = join(root, ruleFile);
  const set = compileRuleTexts([{ file: ruleFile, text: readFileSync(file, 'utf8') }]);
  const compiled = set.compiled.find((c) => c.rule.id === ruleId);
  if (!compiled) {
    const why = set.problems.map((p) => `line ${p.line}: ${p.reason}`).join('; ') || 'rule id not found in file';
    failures.push(`${ruleId}  ${title}\n    does not compile: ${why}`);
    continue;
  }
  const lines = readFileSync(join(root, 'sigma', 'regression', ruleId, `${ruleId}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean);
  let matches = 0;
  for (const line of lines) {
    if (set.detector.match(JSON.parse(line)).some((m) => m.ruleId === ruleId)) matches += 1;
  }
  if (matches === expected) strict += 1;
  if (String(matches) === zircoliteText.trim()) asZircolite += 1;
  if (matches >= expected) passed += 1;
  else failures.push(`${ruleId}  ${title}\n    ${matches} matches on ${lines.length} events, expected >= ${expected}`);
}
console.log(
  `Sigma conformance on ${root}: ${passed}/${rows.length} rules pass (${((performance.now() - started) / 1000).toFixed(1)} s)`,
);
console.log(
  `  strict (matches == expected): ${strict}/${rows.length}; same count as Zircolite 3.7.0: ${asZircolite}/${rows.length}`,
);
for (const failure of failures) console.log(`FAIL ${failure}`);
