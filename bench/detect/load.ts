/**
 * The whole SigmaHQ tree through the engine: how many rules compile, how many are reported
 * and why (reasons grouped; `--show` lists each with file and line), then throughput with
 * every compiled rule loaded, in events per CPU-second of this process (one core), each pass
 * repeated for a stable figure:
 * - JSON lines parsed and matched, over the regression samples and over the attack/ logs;
 * - EVTX files decoded and matched (the regression samples' and attack/'s .evtx originals);
 * - text lines parsed by our readers and matched: attack/'s Apache access logs (web scanners)
 *   and loghub's OpenSSH syslog;
 * - the attack/ logs again (in time order) with correlation rules (generated here: SigmaHQ
 *   ships none) fed every match, and with the behavioural detectors fed every event, to price each.
 * Usage: npx tsx bench/detect/load.ts [DEV pack folder, default ../shared/data/detect] [--show] [--seconds N]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, relative, resolve } from 'node:path';
import {
  compileRuleTexts,
  createBehaviourEngine,
  createCorrelator,
  eventTime,
  fromWindowsEvent,
  type RuleText,
} from '../../src/detect/index.js';
import { decodeEvtx, type ParsedLine, parseAccessLogLine, parseSyslogLine } from '../../src/detect/ingest/index.js';

const args = process.argv.slice(2);
const show = args.includes('--show');
const secondsAt = args.indexOf('--seconds');
const seconds = secondsAt >= 0 ? Number(args[secondsAt + 1]) : 8;
const root = resolve(
  args.find((a, i) => !a.startsWith('--') && i !== secondsAt + 1) ??
    join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'detect'),
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

const { detector } = set;
// CPU time of this process, not wall time: the figure stays per core on a busy machine.
const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/** Runs `pass` (which handles `count` events) over and over for `seconds` of wall time; events per CPU-second. */
function measure(count: number, pass: () => void): { perSecond: number; passes: number } {
  pass(); // Warm up (this also builds the per-source prefilters).
  let passes = 0;
  const cpuStart = cpuSeconds();
  const wallStart = performance.now();
  while (performance.now() - wallStart < seconds * 1000) {
    pass();
    passes++;
  }
  return { perSecond: Math.round((count * passes) / (cpuSeconds() - cpuStart)), passes };
}

/** Parses and matches the lines over and over; events per CPU-second. */
function throughput(name: string, lines: readonly string[]): void {
  let alerts = 0;
  for (const line of lines) alerts += detector.match(JSON.parse(line)).length;
  const { perSecond, passes } = measure(lines.length, () => {
    for (const line of lines) detector.match(JSON.parse(line));
  });
  // `JSON.parse` alone, as a yardstick: the machine's slow phases slow both alike.
  const parseOnly = measure(lines.length, () => {
    for (const line of lines) JSON.parse(line);
  });
  const matchMicros = 1e6 / perSecond - 1e6 / parseOnly.perSecond;
  console.log(
    `Throughput, ${name}: ${perSecond} events per CPU-second from JSON lines (parse + match; parse alone ` +
      `${parseOnly.perSecond}, so ${matchMicros.toFixed(1)} µs per event matching), ` +
      `${detector.ruleCount} rules loaded, ${lines.length} events × ${passes} passes, ${alerts} alerts per pass`,
  );
}

function filesUnder(dir: string, suffix: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path, suffix));
    else if (entry.name.endsWith(suffix)) out.push(path);
  }
  return out;
}

function jsonlUnder(dir: string): string[] {
  return filesUnder(dir, '.jsonl').flatMap((path) => readFileSync(path, 'utf8').split('\n').filter(Boolean));
}

/** Text lines read by one of our line readers (access log, syslog) and matched. */
function textThroughput(name: string, lines: readonly string[], read: (line: string) => ParsedLine): void {
  let events = 0;
  let alerts = 0;
  for (const line of lines) {
    const parsed = read(line);
    if (parsed.ok) {
      events++;
      alerts += detector.match(parsed.event).length;
    }
  }
  const { perSecond, passes } = measure(lines.length, () => {
    for (const line of lines) {
      const parsed = read(line);
      if (parsed.ok) detector.match(parsed.event);
    }
  });
  const readOnly = measure(lines.length, () => {
    for (const line of lines) read(line);
  });
  console.log(
    `Throughput, ${name}: ${perSecond} lines per CPU-second (read + match; read alone ${readOnly.perSecond}), ` +
      `${lines.length} lines × ${passes} passes, ${events} events, ${alerts} alerts per pass`,
  );
}

/** EVTX files decoded (binary XML to events) and matched, end to end from the bytes. */
function evtxThroughput(name: string, paths: readonly string[]): void {
  const files = paths.map((path) => new Uint8Array(readFileSync(path)));
  let events = 0;
  let problems = 0;
  let alerts = 0;
  for (const bytes of files)
    for (const item of decodeEvtx(bytes)) {
      if (!item.ok) problems++;
      else {
        events++;
        alerts += detector.match(item.event).length;
      }
    }
  const { perSecond, passes } = measure(events, () => {
    for (const bytes of files) for (const item of decodeEvtx(bytes)) if (item.ok) detector.match(item.event);
  });
  const decodeOnly = measure(events, () => {
    for (const bytes of files) for (const _ of decodeEvtx(bytes));
  });
  console.log(
    `Throughput, ${name}: ${perSecond} events per CPU-second from EVTX (decode + match; decode alone ` +
      `${decodeOnly.perSecond}), ${files.length} files, ${events} records × ${passes} passes, ` +
      `${problems} records reported as unreadable, ${alerts} alerts per pass`,
  );
}

/**
 * The attack/ logs with correlations on the rules they match (one event_count by computer and
 * one value_count of target users by computer per rule, short windows so that groups open
 * and close), then with the behavioural detectors: what each adds to parse + match.
 */
function correlationAndBehaviour(unordered: readonly string[]): void {
  // In time order: the files of attack/ span years, and windows slide on event time.
  const lines = unordered
    .map((line) => ({ line, time: eventTime(JSON.parse(line)) ?? 0 }))
    .sort((a, b) => a.time - b.time)
    .map((e) => e.line);
  const counts = new Map<string, number>();
  for (const line of lines)
    for (const m of detector.match(JSON.parse(line))) counts.set(m.ruleId, (counts.get(m.ruleId) ?? 0) + 1);
  const matched = [...counts.keys()];
  const generated: RuleText[] = matched.flatMap((id, i) => [
    {
      file: `generated/count-${i}.yml`,
      text: `title: C${i}\nid: 00000000-0000-4000-8000-${String(2 * i).padStart(12, '0')}\ncorrelation:\n  type: event_count\n  rules: [${id}]\n  group-by: [Computer]\n  timespan: 5m\n  generate: true\n  condition: { gte: 10 }\n`,
    },
    {
      file: `generated/users-${i}.yml`,
      text: `title: U${i}\nid: 00000000-0000-4000-8000-${String(2 * i + 1).padStart(12, '0')}\ncorrelation:\n  type: value_count\n  rules: [${id}]\n  group-by: [Computer]\n  timespan: 10m\n  generate: true\n  condition: { field: TargetUserName, gte: 5 }\n`,
    },
  ]);
  const withCorrelations = compileRuleTexts([...texts, ...generated]);
  const plain = measure(lines.length, () => {
    for (const line of lines) withCorrelations.detector.match(JSON.parse(line));
  });
  let correlationAlerts = 0;
  const correlated = measure(lines.length, () => {
    const correlator = createCorrelator(withCorrelations.correlations);
    for (const line of lines) {
      const event = JSON.parse(line);
      const matches = withCorrelations.detector.match(event);
      if (matches.length === 0) continue;
      const time = eventTime(event) ?? Number.NaN;
      for (const m of matches) correlationAlerts += correlator.observe({ ruleId: m.ruleId, time, event }).length;
    }
    correlationAlerts += correlator.flush().length;
  });
  let behaviourAlerts = 0;
  const behaviour = measure(lines.length, () => {
    const engine = createBehaviourEngine();
    for (const line of lines) {
      const event = JSON.parse(line);
      withCorrelations.detector.match(event);
      const adapted = fromWindowsEvent(event);
      if (adapted.ok) for (const o of adapted.observations) behaviourAlerts += engine.observe(o).length;
    }
  });
  console.log(
    `Throughput, attack/ logs with ${withCorrelations.correlations.length} correlations on the ${matched.length} rules they match: ` +
      `${plain.perSecond} events per CPU-second without feeding them, ${correlated.perSecond} with ` +
      `(${Math.round(correlationAlerts / (correlated.passes + 1))} correlation alerts per pass); ` +
      `${behaviour.perSecond} with the behavioural detectors instead (${Math.round(behaviourAlerts / (behaviour.passes + 1))} alerts per pass)`,
  );
}

console.log(`One core: ${cpus()[0]?.model ?? 'cpu'}; ${seconds} s per figure`);
throughput(
  'SigmaHQ regression samples (attack-dense Sysmon and Security events)',
  jsonlUnder(join(root, 'sigma', 'regression')),
);
if (existsSync(join(root, 'attack'))) {
  const attack = jsonlUnder(join(root, 'attack'));
  throughput('attack/ logs (Security channel, brute force and spraying)', attack);
  evtxThroughput('attack/ EVTX files', filesUnder(join(root, 'attack'), '.evtx'));
  correlationAndBehaviour(attack);
  const linesOf = (paths: readonly string[]) =>
    paths.flatMap((path) => readFileSync(path, 'utf8').split('\n').filter(Boolean));
  textThroughput(
    'attack/ Apache access logs (Netsparker and w3af scans)',
    linesOf(filesUnder(join(root, 'attack', 'apache-http-logs'), '.txt')),
    parseAccessLogLine,
  );
  textThroughput(
    'attack/ OpenSSH syslog (loghub, brute force)',
    linesOf(filesUnder(join(root, 'attack', 'loghub'), '.log')),
    (line) => parseSyslogLine(line, { year: 2016 }),
  );
}
evtxThroughput('SigmaHQ regression samples, EVTX originals', filesUnder(join(root, 'sigma', 'regression'), '.evtx'));
