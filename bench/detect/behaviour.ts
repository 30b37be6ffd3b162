/**
 * The behavioural detectors on the labelled attack logs (attack/labels.tsv): for each file,
 * which patterns were expected and which fired; then the false alerts raised on benign
 * Windows background (sigma/regression samples), and the throughput in observations per
 * CPU-second of this process (adapters + engine, lines already read and parsed).
 * Usage: npx tsx bench/detect/behaviour.ts [DEV pack folder, default ../shared/data/detect] [--show]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type BehaviourAlert,
  type BehaviourObservation,
  createBehaviourEngine,
  fromEcsEvent,
  fromWindowsEvent,
} from '../../src/detect/index.js';
import { parseAccessLogLine, parseSyslogLine } from '../../src/detect/ingest/index.js';

const args = process.argv.slice(2);
const show = args.includes('--show');
const root = resolve(
  args.find((a) => !a.startsWith('--')) ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'detect'),
);
const labels = join(root, 'attack', 'labels.tsv');
if (!existsSync(labels)) {
  console.log(`no labelled attack data at ${labels}: nothing to measure`);
  process.exit(0);
}

/** What each label of labels.tsv expects the detectors to say. */
const EXPECTED: Readonly<Record<string, string[]>> = {
  brute_force: ['brute_force'],
  ssh_brute_force: ['brute_force'],
  password_spray: ['password_spray'],
  user_enumeration: ['user_enumeration'],
  web_scanner: ['web_scan'],
};

/** The observations of one file, by its kind; with the count of lines no adapter could read. */
function observationsOf(path: string): { observations: BehaviourObservation[]; skipped: number; lines: number } {
  const observations: BehaviourObservation[] = [];
  let skipped = 0;
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  for (const line of lines) {
    let event: unknown;
    if (path.endsWith('.jsonl')) {
      try {
        event = JSON.parse(line);
      } catch {
        skipped++;
        continue;
      }
      const got = fromWindowsEvent(event);
      if (got.ok) observations.push(...got.observations);
      else skipped++;
      continue;
    }
    // The loghub sample is from December of an unstated year; 2015 is LabSZ's.
    const parsed = path.endsWith('.log') ? parseSyslogLine(line, { year: 2015 }) : parseAccessLogLine(line);
    if (!parsed.ok) {
      skipped++;
      continue;
    }
    const got = fromEcsEvent(parsed.event);
    if (got.ok) observations.push(...got.observations);
    else skipped++;
  }
  return { observations, skipped, lines: lines.length };
}

function run(observations: BehaviourObservation[]): BehaviourAlert[] {
  const engine = createBehaviourEngine();
  for (const o of observations) engine.observe(o);
  return engine.alerts();
}

const describe = (a: BehaviourAlert) =>
  `${a.pattern} ${a.entity.value} ${a.severity} observed=${a.observed}/${a.threshold} ${JSON.stringify(a.counts)}`;

console.log(`Behavioural detectors on ${root}/attack (default settings)`);
let caught = 0;
let expectedTotal = 0;
let extra = 0;
const all: BehaviourObservation[][] = [];
for (const row of readFileSync(labels, 'utf8').split('\n').slice(1)) {
  const [file, behaviour] = row.split('\t');
  if (!file || !behaviour || !EXPECTED[behaviour]) continue;
  // EVTX records are read from their evtx_dump JSON sibling (same records).
  const path = join(root, file.endsWith('.evtx') ? file.replace(/\.evtx$/, '.jsonl') : file);
  if (!existsSync(path)) {
    console.log(`  missing ${path}`);
    continue;
  }
  const { observations, skipped, lines } = observationsOf(path);
  all.push(observations);
  const alerts = run(observations);
  const expected = EXPECTED[behaviour] ?? [];
  const got: string[] = [...new Set(alerts.map((a) => a.pattern))].sort();
  const hit = expected.filter((p) => got.includes(p));
  caught += hit.length;
  expectedTotal += expected.length;
  extra += got.filter((p) => !expected.includes(p)).length;
  const mark = hit.length === expected.length ? 'ok  ' : 'MISS';
  console.log(
    `  ${mark} ${file.split('/').pop()}: expected ${expected.join(',')}; got ${got.join(',') || '-'} ` +
      `(${alerts.length} alerts, ${observations.length} observations from ${lines} lines, ${skipped} skipped)`,
  );
  if (show) for (const a of alerts) console.log(`         ${describe(a)}`);
}
console.log(`  caught ${caught}/${expectedTotal} expected patterns; ${extra} other patterns also fired`);

// Benign background: every regression sample, in time order, through one engine.
const regression = join(root, 'sigma', 'regression');
const background: BehaviourObservation[] = [];
let backgroundEvents = 0;
for (const dir of readdirSync(regression)) {
  for (const file of readdirSync(join(regression, dir))) {
    if (!file.endsWith('.jsonl')) continue;
    for (const line of readFileSync(join(regression, dir, file), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      backgroundEvents++;
      try {
        const got = fromWindowsEvent(JSON.parse(line));
        if (got.ok) background.push(...got.observations);
      } catch {
        // an unreadable line is no observation
      }
    }
  }
}
background.sort((a, b) => a.time - b.time);
const falseAlerts = run(background);
console.log(
  `Background ${regression}: ${backgroundEvents} events, ${background.length} observations, ${falseAlerts.length} false alerts`,
);
for (const a of falseAlerts) console.log(`  false: ${describe(a)}`);

// Throughput: the labelled observations again and again, one engine per pass.
const flat = all.flat();
const started = process.cpuUsage();
let processed = 0;
while (processed < 500_000) {
  const engine = createBehaviourEngine();
  for (const o of flat) engine.observe(o);
  processed += flat.length;
}
const used = process.cpuUsage(started);
const seconds = (used.user + used.system) / 1e6;
console.log(
  `Throughput (engine only): ${Math.round(processed / seconds)} observations/s on one core (${processed} observations)`,
);
