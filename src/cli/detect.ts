/**
 * `vigie detect ...`: the Sigma engine over files. `rules check` lists the rules that do not
 * compile (exit 1 if any); `run` reads logs and prints one alert per rule match (`kind:
 * "sigma"`), per correlation that fires (`kind: "correlation"`) and per behavioural alert
 * (`kind: "behaviour"`, on unless `--no-behaviour`). Records are processed in file order,
 * files in the order given: correlation and behavioural windows slide on each event's own time
 * and assume roughly time-ordered input (an event older than its window is counted as late and
 * reported, not correlated). An alert is a result, not a failure: `run` exits 0 unless it was
 * misused (2) or something could not be read or decoded (1), which is always reported, never
 * skipped in silence.
 */
import { closeSync, createReadStream, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { type Command, CommanderError, Option } from 'commander';
import { VigieError } from '../core/index.js';
import {
  type BehaviourAlert,
  type BehaviourEngine,
  type BehaviourSettings,
  type CorrelationAlert,
  type Correlator,
  compileRuleTexts,
  createBehaviourEngine,
  createCorrelator,
  DETECT_LINE_FORMATS,
  type DetectLineFormat,
  type DetectMatch,
  eventTime,
  fromEcsEvent,
  fromWindowsEvent,
  type IngestItem,
  type IngestRecord,
  ingestFile,
  ingestLineStream,
  isEvtx,
  MAX_EVENT_DEPTH,
  type RuleProblem,
  type RuleSet,
  type RuleText,
  startsJsonDocuments,
} from '../detect/index.js';
import { type CliIo, cliActor, configFrom, type GlobalOptions, identityPolicyFrom } from './context.js';
import { filesUnder, type OnUnreadable, unreadableText } from './files.js';

const isRuleFile = (name: string) => /\.ya?ml$/i.test(name);
// In folders: JSON lines, EVTX, and text logs (syslog, access logs, CEF). A `.json` file is
// read as JSON lines too; a pretty-printed document gives reported bad lines, not silence.
const isLogFile = (name: string) => /\.(jsonl|ndjson|json|evtx|log|txt|cef)$/i.test(name);

/** The rules under the paths; a file or folder that cannot be read is a rule problem of its own. */
function loadRuleSet(paths: readonly string[]): { set: RuleSet; unreadable: RuleProblem[] } {
  const unreadable: RuleProblem[] = [];
  const onUnreadable: OnUnreadable = (file, why) =>
    unreadable.push({ file, line: 1, rule: undefined, reason: `cannot read: ${why}`, kind: 'invalid' });
  const texts: RuleText[] = [];
  for (const file of filesUnder(paths, isRuleFile, onUnreadable)) {
    try {
      texts.push({ file, text: readFileSync(file, 'utf8') });
    } catch (error) {
      onUnreadable(file, unreadableText(error));
    }
  }
  return { set: compileRuleTexts(texts), unreadable };
}

function problemLine(problem: RuleProblem): string {
  return `${problem.file}:${problem.line}  ${problem.kind}  ${problem.rule ?? '-'}  ${problem.reason}`;
}

/** How much of a file is read to tell its kind: EVTX's magic, or a text's first line. */
const HEAD_BYTES = 64 * 1024;

/**
 * What a log file holds, from one read of its first bytes: EVTX (by its magic, or its name when
 * too short to tell), JSON documents spread over lines (`startsJsonDocuments` on its first
 * non-blank line), or text lines.
 */
function fileKind(file: string): 'evtx' | 'json-documents' | 'lines' {
  const head = Buffer.alloc(HEAD_BYTES);
  const fd = openSync(file, 'r');
  let bytes: Buffer;
  try {
    bytes = head.subarray(0, readSync(fd, head, 0, HEAD_BYTES, 0));
  } finally {
    closeSync(fd);
  }
  if (isEvtx(bytes) || /\.evtx$/i.test(file)) return 'evtx';
  const first = bytes
    .toString('utf8')
    .split('\n')
    .find((line) => line.trim() !== '');
  return first !== undefined && startsJsonDocuments(first) ? 'json-documents' : 'lines';
}

/** A text file's lines as they stream (CR LF line ends read as one). */
function textLines(file: string): AsyncIterable<string> {
  return createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
}

/**
 * Every record of one log file, whatever its format (ingest/ in the detect module decides):
 * an EVTX file is read whole (its decoder needs the bytes), text files stream line by line.
 * RFC 3164 syslog lines carry no year: the file's modification year is used.
 */
async function* logRecords(file: string, onBad: (where: string, why: string) => void): AsyncGenerator<IngestRecord> {
  const year = statSync(file).mtime.getUTCFullYear();
  const options = { year, maxDepth: MAX_EVENT_DEPTH, jsonOnly: /\.(jsonl|ndjson)$/i.test(file) };
  let items: AsyncIterable<IngestItem> | Iterable<IngestItem>;
  if (fileKind(file) === 'evtx') {
    items = ingestFile(file, readFileSync(file), options);
  } else {
    items = ingestLineStream(textLines(file), options);
  }
  for await (const item of items) {
    if (item.ok) yield item;
    else onBad(item.line !== undefined ? `${item.line}` : `record ${item.record ?? '?'}`, item.reason);
  }
}

/** Where a record came from, as every alert names it. */
function sourceOf(file: string, record: IngestRecord) {
  return {
    file,
    index: record.index,
    format: record.format,
    ...(record.line !== undefined ? { line: record.line } : { record: record.record }),
  };
}

/** Bad records named per file; past them, one line says how many there were in all. */
const NAMED_BAD_RECORDS = 5;

/**
 * The bad records of one file, reported: the first few each by its line (a binary file read as
 * text would otherwise print one line per line of it), then their number.
 */
function badRecordsOf(io: CliIo, file: string): { report(line: string): void; finish(): void } {
  let count = 0;
  return {
    report(line) {
      count += 1;
      if (count <= NAMED_BAD_RECORDS) io.err(line);
    },
    finish() {
      if (count > NAMED_BAD_RECORDS) io.err(`vigie: ${file}: ${count} record(s) in all could not be read\n`);
    },
  };
}

/** `file#index`, the reference a correlation keeps of each contributing record. */
const refOf = (file: string, index: number) => `${file}#${index}`;

/** A contributor's reference back to `{file, index}` (the file may itself hold `#`). */
function contributorSource(ref: string | undefined): { file: string; index: number } | undefined {
  if (ref === undefined) return undefined;
  const at = ref.lastIndexOf('#');
  const index = Number(ref.slice(at + 1));
  return at > 0 && Number.isInteger(index) ? { file: ref.slice(0, at), index } : undefined;
}

const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);

/**
 * An alert's JSON line: its fields, then `event`, the record's event as JSON made once per record
 * (`eventJson`), however many alerts the record raises. The same text as `JSON.stringify` of the
 * whole, whose keys keep their order.
 */
function alertLine(fields: Readonly<Record<string, unknown>>, eventJson: string): string {
  return `${JSON.stringify(fields).slice(0, -1)},"event":${eventJson}}`;
}

function sigmaJson(match: DetectMatch, file: string, record: IngestRecord, eventJson: string): string {
  return alertLine(
    {
      kind: 'sigma',
      rule_id: match.ruleId,
      rule_title: match.ruleTitle,
      level: match.level ?? null,
      tags: match.tags,
      attack: match.attack,
      source: sourceOf(file, record),
    },
    eventJson,
  );
}

function correlationJson(alert: CorrelationAlert): string {
  return JSON.stringify({
    kind: 'correlation',
    rule_id: alert.correlationId,
    rule_title: alert.correlationTitle,
    level: alert.level ?? null,
    tags: alert.tags,
    type: alert.type,
    value: alert.value,
    condition: alert.condition,
    window: { start: iso(alert.windowStart), end: iso(alert.windowEnd) },
    rules: alert.rules,
    // The most recent contributing records (at most 20), and how many there were in all.
    contributor_count: alert.contributorCount,
    source: alert.contributors.map((c) => ({
      ...(contributorSource(c.ref) ?? { ref: c.ref ?? null }),
      rule_id: c.ruleId,
      time: iso(c.time),
    })),
    event: alert.group,
  });
}

function behaviourJson(alert: BehaviourAlert, file: string, record: IngestRecord, eventJson: string): string {
  return alertLine(
    {
      kind: 'behaviour',
      rule_id: `behaviour.${alert.pattern}`,
      rule_title: alert.title.en,
      level: alert.severity,
      id: alert.id,
      status: alert.status,
      pattern: alert.pattern,
      entity: alert.entity,
      entities: alert.entities,
      observed: alert.observed,
      threshold: alert.threshold,
      counts: alert.counts,
      ...(alert.baseline ? { baseline: alert.baseline } : {}),
      window_ms: alert.windowMs,
      first_time: iso(alert.firstTime),
      last_time: iso(alert.lastTime),
      techniques: alert.techniques,
      reasons: alert.reasons,
      // The record that opened or worsened the alert.
      source: sourceOf(file, record),
    },
    eventJson,
  );
}

const groupText = (group: Readonly<Record<string, string>>) =>
  Object.entries(group)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

function tableLine(level: string, source: string, rule: string): string {
  return `${level.padEnd(13)}  ${source.padEnd(30)}  ${rule}`;
}

function correlationRow(alert: CorrelationAlert): string {
  const last = alert.contributors[alert.contributors.length - 1];
  const where = last?.ref ?? '-';
  const group = groupText(alert.group);
  return tableLine(
    alert.level ?? '-',
    where,
    `[correlation] ${alert.correlationTitle} (${alert.correlationId}) ${alert.type}=${alert.value}` +
      `${group ? ` ${group}` : ''}, ${alert.contributorCount} record(s)`,
  );
}

function behaviourRow(alert: BehaviourAlert, file: string, record: IngestRecord): string {
  return tableLine(
    alert.severity,
    refOf(file, record.index),
    `[behaviour] ${alert.title.en} (${alert.status}) ${alert.entity.kind}=${alert.entity.value} ` +
      `${alert.observed}/${alert.threshold} in ${Math.round(alert.windowMs / 1000)}s`,
  );
}

/** The longest window of the behavioural detectors: how far back an event may arrive and still count. */
function longestBehaviourWindow(settings: BehaviourSettings): number {
  return Math.max(
    settings.bruteForce.windowMs,
    settings.passwordSpray.windowMs,
    settings.credentialStuffing.windowMs,
    settings.userEnumeration.windowMs,
    settings.portScan.windowMs,
    settings.webScan.windowMs,
    settings.requestBurst.bucketMs,
  );
}

/** Windows events go to the Windows adapter, everything else (syslog, access logs, CEF, ECS) to the ECS one. */
const WINDOWS_FORMATS = new Set(['evtx', 'evtx-json', 'winlogbeat']);

export function registerDetect(program: Command, io: CliIo): Command {
  const detect = program.command('detect').description('detection over logs: Sigma rules');
  const rules = detect.command('rules').description('Sigma rule files');
  rules
    .command('check <paths...>')
    .description('compile every rule under the given files and folders; list those that do not compile, and why')
    .action((paths: string[]) => {
      const { set, unreadable } = loadRuleSet(paths);
      const problems = [...unreadable, ...set.problems];
      for (const problem of problems) io.out(`${problemLine(problem)}\n`);
      io.out(`${set.compiled.length} rules compile, ${problems.length} do not.\n`);
      if (problems.length > 0)
        throw new CommanderError(1, 'vigie.detect.rulesDoNotCompile', 'some rules do not compile');
    });
  detect
    .command('import <paths...>')
    .description(
      "store log files in Vigie's database and run the platform's detection on them (the rules of " +
        'VIGIE_DETECT_RULES_DIR and of imported packs), as if they had been sent to the server; audited',
    )
    .addOption(
      new Option('-f, --log-format <format>', 'format of text lines').choices([...DETECT_LINE_FORMATS]).default('auto'),
    )
    .option('--year <year>', 'year of RFC 3164 syslog time stamps, which carry none (default: this year)')
    .action(async (paths: string[], options: { logFormat: DetectLineFormat; year?: string }) => {
      const globals = program.opts<GlobalOptions>();
      const config = await configFrom(io, globals);
      const year = options.year === undefined ? undefined : Number(options.year);
      if (year !== undefined && !(Number.isInteger(year) && year >= 1970 && year <= 9999))
        throw new VigieError('VIGIE_ERR_VALIDATION', `--year must be a year, not "${options.year}".`);
      let failures = 0;
      const files = filesUnder(paths, isLogFile, (path, why) => {
        failures += 1;
        io.err(`vigie: cannot read ${path}: ${why}\n`);
      });
      const [{ createPlatform }, { openStore }] = await Promise.all([
        import('../platform/index.js'),
        import('../store/index.js'),
      ]);
      const store = await openStore({ url: config.VIGIE_DATABASE_URL, dataDir: config.VIGIE_DATA_DIR });
      try {
        const platform = createPlatform(store, {
          identityPolicy: identityPolicyFrom(config),
          detect: { rulesDir: config.VIGIE_DETECT_RULES_DIR, replayMinutes: config.VIGIE_DETECT_REPLAY_MINUTES },
        });
        await platform.detect.restore();
        for (const file of files) {
          const badRecords = badRecordsOf(io, file);
          let accepted = 0;
          let created = 0;
          // Matches and events the engines found older than their windows (the platform's watermark
          // is the newest event it has seen): said, or an import of old logs looks merely quiet.
          let lateCorrelation = 0;
          let lateBehaviour = 0;
          const incidents = new Set<string>();
          // Batches are sent as they fill, so a log of any size is read once, in bounded memory.
          let storing = false;
          const send = async (batch: { records?: unknown[]; lines?: string[] }, first: number) => {
            storing = true;
            const result = await platform.detect.ingest(
              { ...batch, format: options.logFormat, source: `file:${basename(file)}`, year },
              cliActor(),
            );
            accepted += result.accepted;
            created += result.alerts.created;
            lateCorrelation += result.late.correlation;
            lateBehaviour += result.late.behaviour;
            for (const id of result.incidents) incidents.add(id);
            for (const problem of result.rejected) {
              failures += 1;
              const at = first + problem.index + 1;
              badRecords.report(`vigie: ${file}:${batch.lines ? at : `record ${at}`}: ${problem.reason}\n`);
            }
            storing = false;
          };
          try {
            const kind = fileKind(file);
            const evtx = kind === 'evtx';
            const documents =
              kind === 'json-documents' && (options.logFormat === 'auto' || options.logFormat === 'json');
            if (evtx || documents) {
              // Read here and sent as records: EVTX needs the file's bytes, and the server takes a
              // line as one record, not a JSON document spread over lines.
              const readOptions = { year: year ?? new Date().getUTCFullYear(), maxDepth: MAX_EVENT_DEPTH };
              const items = evtx
                ? ingestFile(file, readFileSync(file), readOptions)
                : ingestLineStream(textLines(file), readOptions);
              let records: unknown[] = [];
              let sent = 0;
              for await (const item of items) {
                if (!item.ok) {
                  failures += 1;
                  const where = item.line !== undefined ? `:${item.line}` : `: record ${item.record ?? '?'}`;
                  badRecords.report(`vigie: ${file}${where}: ${item.reason}\n`);
                  continue;
                }
                records.push(item.event);
                if (records.length === platform.detect.maxBatch) {
                  await send({ records }, sent);
                  sent += records.length;
                  records = [];
                }
              }
              if (records.length > 0) await send({ records }, sent);
            } else {
              // Text goes as lines, parsed by the service.
              let lines: string[] = [];
              let sent = 0;
              for await (const line of textLines(file)) {
                lines.push(line);
                if (lines.length === platform.detect.maxBatch) {
                  await send({ lines }, sent);
                  sent += lines.length;
                  lines = [];
                }
              }
              if (lines.length > 0) await send({ lines }, sent);
            }
          } catch (error) {
            // A store failure ends the import; a file that cannot be read is reported and skipped.
            if (storing || error instanceof VigieError) throw error;
            failures += 1;
            badRecords.finish();
            io.err(`vigie: cannot read ${file}: ${unreadableText(error)}\n`);
            continue;
          }
          badRecords.finish();
          io.out(`${file}: ${accepted} event(s) stored, ${created} alert(s), ${incidents.size} incident(s)\n`);
          if (lateBehaviour > 0)
            io.err(
              `vigie: ${file}: ${lateBehaviour} observation(s) older than the behavioural windows (behind the newest event the platform has seen) were not counted by the behavioural detectors\n`,
            );
          if (lateCorrelation > 0)
            io.err(
              `vigie: ${file}: ${lateCorrelation} rule match(es) older than their correlation window were not correlated\n`,
            );
        }
      } finally {
        await store.close();
      }
      if (failures > 0)
        throw new CommanderError(1, 'vigie.detect.importIncomplete', `${failures} record(s) or file(s) not imported`);
    });
  detect
    .command('run')
    .description(
      'run Sigma rules, their correlations and the behavioural detectors over logs (JSON lines, EVTX, syslog, ' +
        'Apache/Nginx access logs, CEF) and print one alert per match; records are read in file order and ' +
        'correlation windows assume roughly time-ordered input',
    )
    .requiredOption('-r, --rules <paths...>', 'rule files or folders (.yml, .yaml)')
    .requiredOption(
      '-l, --logs <paths...>',
      'log files or folders (.jsonl .ndjson .json .evtx .log .txt .cef; format found from the content)',
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'jsonl']).default('table'))
    .option(
      '--no-behaviour',
      'do not run the behavioural detectors (brute force, spraying, stuffing, scans, bursts; on by default)',
    )
    .action(async (options: { rules: string[]; logs: string[]; format: 'table' | 'jsonl'; behaviour: boolean }) => {
      const { set, unreadable } = loadRuleSet(options.rules);
      for (const problem of unreadable) io.err(`vigie: ${problem.file}: ${problem.reason}\n`);
      if (set.problems.length > 0)
        io.err(
          `vigie: ${set.problems.length} rule(s) do not compile and are left out (see \`vigie detect rules check\`)\n`,
        );
      if (set.compiled.length === 0)
        throw unreadable.length > 0
          ? new VigieError(
              'VIGIE_ERR_NOT_FOUND',
              `No rule to run: ${unreadable.length} rule path(s) could not be read.`,
            )
          : new VigieError('VIGIE_ERR_VALIDATION', 'No rule to run.');
      // Inputs that could not be read or decoded: reported as they come, and the exit code is 1.
      let unreadableInputs = unreadable.length;
      const logs = filesUnder(options.logs, isLogFile, (path, why) => {
        unreadableInputs += 1;
        io.err(`vigie: cannot read ${path}: ${why}\n`);
      });
      let correlator: Correlator | undefined =
        set.correlations.length > 0 ? createCorrelator(set.correlations) : undefined;
      let behaviour: BehaviourEngine | undefined = options.behaviour ? createBehaviourEngine() : undefined;
      // Windows slide on event time across files, in the order given. A file that starts
      // further back than a window (older logs after newer ones) would see its groups expire
      // at once: the engine concerned is closed (its last alerts printed) and started afresh.
      const correlationSpan = Math.max(0, ...set.correlations.map((c) => c.correlation.timespanMs));
      const behaviourSpan = behaviour ? longestBehaviourWindow(behaviour.settings) : 0;
      let newest = Number.NEGATIVE_INFINITY;
      let lateCorrelations = 0;
      let badTimeCorrelations = 0;
      let lateBehaviour = 0;
      let restarts = 0;
      let bad = 0;
      let events = 0;
      let alerts = 0;
      let hidden = 0;
      let correlationAlerts = 0;
      let behaviourAlerts = 0;
      // Events a behavioural detector wanted but could not read (no time, say): counted, reported at the end.
      let behaviourSkipped = 0;
      let output: string[] = [];
      const jsonl = options.format === 'jsonl';
      const emitCorrelations = (list: readonly CorrelationAlert[]) => {
        for (const alert of list) {
          correlationAlerts += 1;
          output.push(jsonl ? correlationJson(alert) : correlationRow(alert));
        }
      };
      // Rules disabled on an event: named once each, the run goes on without them.
      let problemsShown = set.detector.problems.length;
      const showNewProblems = () => {
        const problems = set.detector.problems;
        for (; problemsShown < problems.length; problemsShown++) {
          const problem = problems[problemsShown];
          if (problem) io.err(`vigie: rule disabled: ${problemLine(problem)}\n`);
        }
      };
      if (!jsonl) io.out(`${tableLine('LEVEL', 'SOURCE', 'RULE')}\n`);
      for (const file of logs) {
        const badRecords = badRecordsOf(io, file);
        const onBad = (where: string, why: string) => {
          bad += 1;
          badRecords.report(`vigie: ${file}:${where}: not a readable event (${why})\n`);
        };
        let firstTimed = true;
        try {
          for await (const record of logRecords(file, onBad)) {
            events += 1;
            const time = correlator || behaviour ? (eventTime(record.event) ?? Number.NaN) : Number.NaN;
            if (firstTimed && Number.isFinite(time)) {
              firstTimed = false;
              const restarted: string[] = [];
              if (correlator && time < newest - correlationSpan) {
                emitCorrelations(correlator.flush());
                lateCorrelations += correlator.stats.late;
                badTimeCorrelations += correlator.stats.badTime;
                correlator = createCorrelator(set.correlations);
                restarted.push('correlation');
              }
              if (behaviour && time < newest - behaviourSpan) {
                lateBehaviour += behaviour.stats().late;
                behaviour = createBehaviourEngine(behaviour.settings);
                restarted.push('behavioural');
              }
              // The first few are named; the count covers them all.
              if (restarted.length > 0 && ++restarts <= 5)
                io.err(
                  `vigie: ${file} starts at ${iso(time)}, before the ${iso(newest)} already read: ` +
                    `${restarted.join(' and ')} windows started afresh\n`,
                );
            }
            if (time > newest) newest = time;
            const matches = set.detector.match(record.event);
            // The event's JSON, made at its first alert and shared by the others.
            let eventText: string | undefined;
            const eventJson = (): string => {
              if (eventText === undefined) eventText = JSON.stringify(record.event);
              return eventText;
            };
            for (const match of matches) {
              if (correlator) {
                emitCorrelations(
                  correlator.observe({
                    ruleId: match.ruleId,
                    time,
                    event: record.event,
                    ref: refOf(file, record.index),
                  }),
                );
                // A rule a correlation uses without `generate: true` speaks only through it.
                if (!correlator.keepsOwnAlerts(match.ruleId)) {
                  hidden += 1;
                  continue;
                }
              }
              alerts += 1;
              output.push(
                jsonl
                  ? sigmaJson(match, file, record, eventJson())
                  : tableLine(match.level ?? '-', refOf(file, record.index), `${match.ruleTitle} (${match.ruleId})`),
              );
            }
            if (behaviour) {
              const adapted = WINDOWS_FORMATS.has(record.format)
                ? fromWindowsEvent(record.event)
                : fromEcsEvent(record.event);
              if (!adapted.ok) behaviourSkipped += 1;
              else
                for (const observation of adapted.observations)
                  for (const alert of behaviour.observe(observation)) {
                    behaviourAlerts += 1;
                    output.push(
                      jsonl ? behaviourJson(alert, file, record, eventJson()) : behaviourRow(alert, file, record),
                    );
                  }
            }
            showNewProblems();
            if (output.length >= 1024) {
              io.out(`${output.join('\n')}\n`);
              output = [];
            }
          }
        } catch (error) {
          // A file that cannot be read (or stops being readable) is reported; the others still run.
          unreadableInputs += 1;
          io.err(`vigie: cannot read ${file}: ${unreadableText(error)}\n`);
        }
        if (output.length > 0) io.out(`${output.join('\n')}\n`);
        output = [];
        badRecords.finish();
      }
      // End of input: windows still open are closed (conditions checked at close fire now).
      if (correlator) {
        emitCorrelations(correlator.flush());
        if (output.length > 0) io.out(`${output.join('\n')}\n`);
        const badTime = badTimeCorrelations + correlator.stats.badTime;
        const late = lateCorrelations + correlator.stats.late;
        if (badTime > 0)
          io.err(`vigie: ${badTime} rule match(es) without a readable event time could not be correlated\n`);
        if (late > 0) io.err(`vigie: ${late} rule match(es) older than their correlation window were not correlated\n`);
      }
      if (restarts > 5) io.err(`vigie: ${restarts} file(s) in all went back in time and restarted windows\n`);
      if (behaviour) {
        const stats = behaviour.stats();
        if (behaviourSkipped > 0)
          io.err(`vigie: ${behaviourSkipped} event(s) could not be read by the behavioural detectors (no time)\n`);
        if (stats.late + lateBehaviour > 0)
          io.err(`vigie: ${stats.late + lateBehaviour} event(s) older than the behavioural windows were not counted\n`);
      }
      if (!jsonl) {
        const more = [
          correlationAlerts > 0 ? `${correlationAlerts} correlation alert(s)` : '',
          behaviourAlerts > 0 ? `${behaviourAlerts} behavioural alert(s)` : '',
          hidden > 0 ? `${hidden} rule match(es) shown only through their correlations` : '',
        ].filter(Boolean);
        io.out(
          `${alerts} alert(s) from ${events} event(s) in ${logs.length} file(s), ${set.compiled.length} rules` +
            `${more.length > 0 ? `; ${more.join(', ')}` : ''}.\n`,
        );
      }
      if (bad > 0)
        throw new VigieError(
          'VIGIE_ERR_BAD_JSON',
          `${bad} record(s) could not be read or decoded and were not checked` +
            (unreadableInputs > 0 ? `; ${unreadableInputs} file(s) or folder(s) could not be read` : ''),
        );
      if (unreadableInputs > 0)
        throw new VigieError(
          'VIGIE_ERR_NOT_FOUND',
          `${unreadableInputs} file(s) or folder(s) could not be read and were not checked`,
        );
    });
  return detect;
}
