#!/usr/bin/env node
// Runs every check of `npm test` (type-check, lint and import rules, all vitest suites) and
// ends with the one line CI reads: `N passed, N failed` (and skipped, if any). In CI
// (CI=true) a skipped test is a failure: the services it needs are there and it must run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;

function step(name, command, args) {
  process.stdout.write(`\n=== ${name}: ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: process.env });
  const ok = result.status === 0;
  if (ok) passed += 1;
  else failed += 1;
  process.stdout.write(`=== ${name}: ${ok ? 'passed' : 'FAILED'}\n`);
  return ok;
}

step('type-check (server)', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
step('type-check (web)', 'npx', ['tsc', '-p', 'web/tsconfig.json', '--noEmit']);
step('type-check (web build config)', 'npx', ['tsc', '-p', 'web/tsconfig.node.json', '--noEmit']);
step('lint and format (biome)', 'npx', ['biome', 'check', '.']);
step('import rules', 'npx', ['tsx', 'scripts/check-imports.ts']);

const report = join(mkdtempSync(join(tmpdir(), 'vigie-vitest-')), 'report.json');
process.stdout.write('\n=== vitest\n');
const vitest = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
  {
    stdio: 'inherit',
    env: process.env,
  },
);
try {
  const results = JSON.parse(readFileSync(report, 'utf8'));
  passed += results.numPassedTests;
  failed += results.numFailedTests;
  skipped += results.numPendingTests + results.numTodoTests;
  // A suite that fails to load has no tests to count: count it as one failure.
  failed += results.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
} catch {
  failed += 1;
  process.stdout.write('vitest produced no report\n');
}
if (vitest.status !== 0 && failed === 0) failed += 1;

if (process.env.CI && skipped > 0) {
  process.stdout.write(
    `\n${skipped} test(s) were skipped in CI, where every service they need runs: counted as failures.\n`,
  );
  failed += skipped;
  skipped = 0;
}

process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exitCode = failed === 0 ? 0 : 1;
