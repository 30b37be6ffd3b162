/**
 * The whole SigmaHQ tree through the engine: how many rules compile, how many are reported
 * and why (reasons grouped; `--show` lists each with file and line), then throughput with
 * every compiled rule loaded: each JSON line parsed and matched, over and over for a stable
 * figure, in events per CPU-second of this process (one core), over the regression samples
 * and over the attack/ logs.
 * Usage: npx tsx bench/detect/load.ts [DEV pack folder, default ../shared/data/detect] [--show]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { compileRuleTexts, type RuleText } from '../../src/detect/index.js';

const args = process.argv.slice(2);
const show = args.includes('--show');
const root = resolve(
  args.find((a) => !a.startsWith('--')) ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'detect'),
);
const tree = join(root, 'sigmahq-full');

function* yamlFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* yamlFiles(path);
    else if (/\.ya?ml$/.test(entry.name)) yield path;
  }
}

const files = [...yamlFiles(tree)];
const texts: RuleText[] = files.map((path) => ({ file: relative(tree, path), text: readFileSync(path, 'utf8') }));
const started = performance.now();
const set = compileRuleTexts(texts);
const loadSeconds = (performance.now() - started) / 1000;
const deprecated = (file: string) => file.includes('deprecated');
const grouped = new Map<string, string[]>();
for (const problem of set.problems) {
  // Group by the reason's wording, without the quoted specifics.
  const reason = `${problem.kind}: ${problem.reason.replace(/%[^%\s]+%/g, '%…%').replace(/"[^"]*"|`[^`]*`/g, '…')}`;
  const list = grouped.get(reason) ?? [];
  list.push(`${problem.file}:${problem.line} ${problem.reason}`);
  grouped.set(reason, list);
}
console.log(`SigmaHQ tree ${tree}: ${files.length} YAML files, loaded and compiled in ${loadSeconds.toFixed(1)} s`);
console.log(
  `  ${set.compiled.length} rules compile; ${set.problems.length} reported ` +
    `(${set.problems.filter((p) => deprecated(p.file)).length} of them in deprecated/)`,
);
for (const [reason, list] of [...grouped].sort((a, b) => b[1].length - a[1].length)) {
  console.log(`  ${String(list.length).padStart(5)}  ${reason}`);
  if (show) for (const item of list) console.log(`           ${item}`);
}

const regression = join(root, 'sigma', 'regression');
const lines: string[] = [];
for (const dir of readdirSync(regression)) {
  for (const file of readdirSync(join(regression, dir))) {
    if (file.endsWith('.jsonl'))
      lines.push(
        ...readFileSync(join(regression, dir, file), 'utf8')
          .split('\n')
          .filter(Boolean),
      );
  }
}
const { detector } = set;
// CPU time of this process, not wall time: the figure stays per core on a busy machine.
const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/** Parses and matches the lines over and over for `ms` of wall time; events per CPU-second. */
function throughput(name: string, lines: readonly string[], ms = 8000): void {
  let alerts = 0;
  // Warm up (this also builds the per-source prefilters), then time enough passes.
  for (const line of lines) alerts += detector.match(JSON.parse(line)).length;
  let events = 0;
  const cpuStart = cpuSeconds();
  const wallStart = performance.now();
  while (performance.now() - wallStart < ms) {
    for (const line of lines) detector.match(JSON.parse(line));
    events += lines.length;
  }
  const seconds = cpuSeconds() - cpuStart;
  console.log(
    `Throughput, ${name}: ${Math.round(events / seconds)} events per CPU-second from JSON lines (parse + match), ` +
      `${detector.ruleCount} rules loaded, ${lines.length} events × ${events / lines.length} passes, ${alerts} alerts per pass`,
  );
}

function jsonlUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...jsonlUnder(path));
    else if (entry.name.endsWith('.jsonl')) out.push(...readFileSync(path, 'utf8').split('\n').filter(Boolean));
  }
  return out;
}

console.log(`One core: ${cpus()[0]?.model ?? 'cpu'}`);
throughput(
  'SigmaHQ regression samples (attack-dense Sysmon and Security events)',
  jsonlUnder(join(root, 'sigma', 'regression')),
);
if (existsSync(join(root, 'attack')))
  throughput('attack/ logs (Security channel, brute force and spraying)', jsonlUnder(join(root, 'attack')));
