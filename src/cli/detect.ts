/**
 * `vigie detect ...`: the Sigma engine over files. `rules check` lists the rules that do not
 * compile (exit 1 if any); `run` reads JSON-lines logs and prints one alert per rule match.
 * An alert is a result, not a failure: `run` exits 0 unless it was misused (2) or something
 * could not be read or decoded (1), which is always reported, never skipped in silence.
 */
import { closeSync, createReadStream, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { type Command, CommanderError, Option } from 'commander';
import { VigieError } from '../core/index.js';
import {
  compileRuleTexts,
  type IngestItem,
  type IngestRecord,
  ingestFile,
  ingestLineStream,
  isEvtx,
  MAX_EVENT_DEPTH,
  type RuleProblem,
  type RuleSet,
  type RuleText,
} from '../detect/index.js';
import type { CliIo } from './context.js';
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

/**
 * Every record of one log file, whatever its format (ingest/ in the detect module decides):
 * an EVTX file is read whole (its decoder needs the bytes), text files stream line by line.
 * RFC 3164 syslog lines carry no year: the file's modification year is used.
 */
async function* logRecords(file: string, onBad: (where: string, why: string) => void): AsyncGenerator<IngestRecord> {
  const year = statSync(file).mtime.getUTCFullYear();
  const options = { year, maxDepth: MAX_EVENT_DEPTH, jsonOnly: /\.(jsonl|ndjson)$/i.test(file) };
  const head = Buffer.alloc(8);
  const fd = openSync(file, 'r');
  let headLength: number;
  try {
    headLength = readSync(fd, head, 0, 8, 0);
  } finally {
    closeSync(fd);
  }
  let items: AsyncIterable<IngestItem> | Iterable<IngestItem>;
  if (isEvtx(head.subarray(0, headLength)) || /\.evtx$/i.test(file)) {
    items = ingestFile(file, readFileSync(file), options);
  } else {
    const lines = createInterface({
      input: createReadStream(file, { encoding: 'utf8' }),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    items = ingestLineStream(lines, options);
  }
  for await (const item of items) {
    if (item.ok) yield item;
    else onBad(item.line !== undefined ? `${item.line}` : `record ${item.record ?? '?'}`, item.reason);
  }
}

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
    .command('run')
    .description(
      'run Sigma rules over logs (JSON lines, EVTX, syslog, Apache/Nginx access logs, CEF) and print one alert per match',
    )
    .requiredOption('-r, --rules <paths...>', 'rule files or folders (.yml, .yaml)')
    .requiredOption(
      '-l, --logs <paths...>',
      'log files or folders (.jsonl .ndjson .json .evtx .log .txt .cef; format found from the content)',
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'jsonl']).default('table'))
    .action(async (options: { rules: string[]; logs: string[]; format: 'table' | 'jsonl' }) => {
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
      let bad = 0;
      let events = 0;
      let alerts = 0;
      // Rules disabled on an event: named once each, the run goes on without them.
      let problemsShown = set.detector.problems.length;
      const showNewProblems = () => {
        const problems = set.detector.problems;
        for (; problemsShown < problems.length; problemsShown++) {
          const problem = problems[problemsShown];
          if (problem) io.err(`vigie: rule disabled: ${problemLine(problem)}\n`);
        }
      };
      if (options.format === 'table') io.out(`${'LEVEL'.padEnd(13)}  ${'SOURCE'.padEnd(30)}  RULE\n`);
      for (const file of logs) {
        let badHere = 0;
        const onBad = (where: string, why: string) => {
          bad += 1;
          badHere += 1;
          // The first few are named; the count covers them all.
          if (badHere <= 5) io.err(`vigie: ${file}:${where}: not a readable event (${why})\n`);
        };
        let output: string[] = [];
        try {
          for await (const record of logRecords(file, onBad)) {
            events += 1;
            for (const match of set.detector.match(record.event)) {
              alerts += 1;
              if (options.format === 'jsonl') {
                output.push(
                  JSON.stringify({
                    rule_id: match.ruleId,
                    rule_title: match.ruleTitle,
                    level: match.level ?? null,
                    tags: match.tags,
                    attack: match.attack,
                    source: {
                      file,
                      index: record.index,
                      format: record.format,
                      ...(record.line !== undefined ? { line: record.line } : { record: record.record }),
                    },
                    event: record.event,
                  }),
                );
              } else {
                const source = `${file}#${record.index}`;
                output.push(
                  `${(match.level ?? '-').padEnd(13)}  ${source.padEnd(30)}  ${match.ruleTitle} (${match.ruleId})`,
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
        if (badHere > 5) io.err(`vigie: ${file}: ${badHere} record(s) in all could not be read\n`);
      }
      if (options.format === 'table')
        io.out(`${alerts} alert(s) from ${events} event(s) in ${logs.length} file(s), ${set.compiled.length} rules.\n`);
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
