/**
 * `vigie guard scan` (prompts through detectors, injection and policy) and `vigie guard discover`
 * (shadow AI in proxy and DNS logs), plus `vigie guard policy` (the default policy, or a check of
 * one). Findings are results, not failures: exit 0 unless the command was misused (2) or an
 * input could not be read (1).
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type Locale, VigieError } from '../core/index.js';
import {
  type Catalogue,
  DEFAULT_POLICY_YAML,
  DiscoveryAggregator,
  type GuardPolicy,
  type GuardResult,
  guardText,
  LOG_FORMATS,
  type LogFormat,
  LogParser,
  mergeCatalogue,
  PolicyError,
  Pseudonymiser,
  parseCatalogueExtension,
  parseDepartmentMap,
  parsePolicy,
  reportToCsv,
} from '../guard/index.js';
import { type CliIo, configFrom, type GlobalOptions } from './context.js';
import { unreadableText } from './files.js';

interface ScanOptions {
  readonly format: 'jsonl' | 'table';
  readonly lang: Locale;
  readonly policy?: string;
  readonly service?: string;
  readonly role?: string;
  readonly department?: string;
  readonly mode: 'prompt' | 'document';
}

interface DiscoverOptions {
  readonly format: 'jsonl' | 'csv' | 'table';
  readonly logFormat: LogFormat;
  readonly catalogue?: string;
  readonly users?: string;
  readonly year?: number;
}

/** Invalid lines named on standard error per file, at most this many (the count is always given). */
const MAX_REPORTED_LINES = 5;

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new VigieError('VIGIE_ERR_NOT_FOUND', `cannot read ${what} ${path}: ${unreadableText(error)}`);
  }
}

function loadPolicy(path: string | undefined): GuardPolicy {
  const text = path ? readText(path, 'policy file') : DEFAULT_POLICY_YAML;
  try {
    return parsePolicy(text);
  } catch (error) {
    if (error instanceof PolicyError) {
      throw new VigieError('VIGIE_ERR_VALIDATION', `${path ?? 'default policy'}: invalid policy: ${error.message}`);
    }
    throw error;
  }
}

/** What a text may hold (terminal escape codes) is shown as harmless marks in a table. */
function printable(text: string): string {
  return text.replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu, '\u2423');
}

function year(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1970 || n > 9999) throw new InvalidArgumentError('must be a year such as 2025');
  return n;
}

interface ScanInput {
  readonly id: string;
  readonly text?: string;
  readonly error?: string;
}

/**
 * JSON lines `{"id","text"}` when the first non-empty line is such an object; otherwise the whole
 * input is one plain text with id "1".
 */
export function scanInputs(input: string): ScanInput[] {
  const lines = input.split('\n');
  const first = lines.find((l) => l.trim().length > 0)?.trim();
  let jsonl = false;
  if (first?.startsWith('{')) {
    try {
      const value = JSON.parse(first) as unknown;
      jsonl = !!value && typeof value === 'object' && typeof (value as { text?: unknown }).text === 'string';
    } catch {
      jsonl = false;
    }
  }
  if (!jsonl) return [{ id: '1', text: input }];
  const out: ScanInput[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      out.push({ id: `line ${i + 1}`, error: 'not valid JSON' });
      return;
    }
    const o = value as { id?: unknown; text?: unknown } | null;
    const id = o && (typeof o.id === 'string' || typeof o.id === 'number') ? String(o.id) : `line ${i + 1}`;
    if (!o || typeof o !== 'object' || typeof o.text !== 'string') out.push({ id, error: 'expected {"id","text"}' });
    else out.push({ id, text: o.text });
  });
  return out;
}

function scanLine(id: string, r: GuardResult) {
  return {
    id,
    action: r.action,
    findings: r.findings.map((f) => ({
      type: f.type,
      start: f.start,
      end: f.end,
      score: f.score,
      action: f.action,
      masked: f.masked,
    })),
    injection: r.injection
      ? { score: r.injection.score, detected: r.injection.detected, kind: r.injection.kind ?? null }
      : { score: 0, detected: false, kind: null },
    reasons: r.reasons,
    // The text as it would be forwarded, when the policy rewrote it (tokens, never clear values).
    ...(r.replacements.length > 0 && r.text !== undefined ? { rewritten: r.text } : {}),
    ...(r.truncated ? { truncated: r.truncated } : {}),
    policyVersion: r.policyVersion,
  };
}

function formatTable(rows: string[][], padded: number): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return `${rows
    .map((r) =>
      r
        .map((c, i) => (i < padded ? c.padEnd(widths[i] ?? 0) : c))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

async function* linesOf(path: string): AsyncGenerator<string> {
  const file = createReadStream(path);
  const rl = createInterface({
    input: path.endsWith('.gz') ? file.pipe(createGunzip()) : file,
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  try {
    for await (const line of rl) yield line;
  } finally {
    rl.close();
    file.destroy();
  }
}

export function registerGuard(program: Command, io: CliIo, onServe?: (stop: () => Promise<void>) => void): Command {
  const guard = program
    .command('guard')
    .description('sensitive data and prompt injection in text sent to AI services; shadow-AI discovery');

  guard
    .command('scan')
    .description(
      'scan a prompt (plain text, one input with id "1") or JSON lines {"id","text"}, and print the policy decision',
    )
    .argument('[file]', 'file to read, or - for standard input', '-')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['jsonl', 'table']).default('table'))
    .addOption(new Option('--lang <lang>', 'language of the reasons in the table').choices(['fr', 'en']).default('en'))
    .option('--policy <file>', 'YAML policy (default: the shipped policy, see `vigie guard policy`)')
    .option('--service <name>', 'destination service, as named in the policy')
    .option('--role <role>', 'role of the sender (for role rules)')
    .option('--department <name>', 'department of the sender (for department rules)')
    .addOption(
      new Option('--mode <mode>', 'prompt typed by a user, or document handed to a model')
        .choices(['prompt', 'document'])
        .default('prompt'),
    )
    .action(async (file: string, options: ScanOptions) => {
      const policy = loadPolicy(options.policy);
      const input = file === '-' ? await io.readStdin() : readText(file, 'input');
      const context = {
        mode: options.mode,
        ...(options.service ? { service: options.service } : {}),
        ...(options.role ? { role: options.role } : {}),
        ...(options.department ? { department: options.department } : {}),
      };
      const rows: string[][] = [['ID', 'ACTION', 'INJECTION', 'FINDINGS', 'MAIN REASON']];
      let bad = 0;
      for (const item of scanInputs(input)) {
        if (item.text === undefined) {
          bad++;
          io.err(`vigie: ${item.id}: ${item.error}\n`);
          if (options.format === 'jsonl') io.out(`${JSON.stringify({ id: item.id, error: item.error })}\n`);
          else rows.push([printable(item.id), 'error', '', '', item.error ?? '']);
          continue;
        }
        // Each input is its own conversation: pseudonym numbering starts again.
        const result = guardText(item.text, { policy, context, pseudonymiser: new Pseudonymiser() });
        if (options.format === 'jsonl') {
          io.out(`${JSON.stringify(scanLine(item.id, result))}\n`);
          continue;
        }
        const counts = new Map<string, number>();
        for (const f of result.findings) counts.set(f.type, (counts.get(f.type) ?? 0) + 1);
        const main = result.reasons[1] ?? result.reasons[0];
        rows.push([
          printable(item.id.slice(0, 40)),
          result.action,
          result.injection ? `${result.injection.score.toFixed(2)}${result.injection.detected ? ' !' : ''}` : '-',
          [...counts].map(([t, n]) => (n > 1 ? `${t}×${n}` : t)).join(' ') || '-',
          main ? printable(main[options.lang]) : '',
        ]);
      }
      if (options.format === 'table') io.out(formatTable(rows, 4));
      if (bad > 0) throw new VigieError('VIGIE_ERR_BAD_JSON', `${bad} input line(s) could not be read`);
    });

  guard
    .command('discover')
    .description(
      'find generative-AI use in proxy and DNS logs (Squid, W3C/ELFF, Zscaler JSON, dnsmasq, BIND, JSON lines)',
    )
    .argument('<logs...>', 'log files (.gz read as gzip)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['jsonl', 'csv', 'table']).default('table'))
    .addOption(new Option('--log-format <format>', 'log format').choices([...LOG_FORMATS]).default('auto'))
    .option('--catalogue <file>', 'YAML or JSON extension of the AI-service catalogue (new services, sanctioned ids)')
    .option('--users <file>', 'user (or client address) to department map: CSV user,department or a JSON object')
    .option('--year <year>', 'year of timestamps written without one (dnsmasq); default: this year', year)
    .action(async (logs: string[], options: DiscoverOptions) => {
      const catalogue: Catalogue = options.catalogue ? loadCatalogue(options.catalogue) : mergeCatalogue();
      let departments: ReadonlyMap<string, string> = new Map();
      if (options.users) {
        const parsed = parseDepartmentMap(readText(options.users, 'users file'));
        for (const p of parsed.problems.slice(0, MAX_REPORTED_LINES)) {
          io.err(`vigie: ${options.users}:${p.line}: ${p.reason}\n`);
        }
        departments = parsed.departments;
      }
      const aggregator = new DiscoveryAggregator(catalogue, (key) => departments.get(key));
      let unreadable = 0;
      for (const path of logs) {
        const parser = new LogParser({ format: options.logFormat, year: options.year ?? new Date().getUTCFullYear() });
        let n = 0;
        let invalid = 0;
        const shown: string[] = [];
        try {
          for await (const line of linesOf(path)) {
            n++;
            const result = parser.line(line);
            if (result.kind === 'record') aggregator.add(result.record);
            else if (result.kind === 'invalid') {
              invalid++;
              if (shown.length < MAX_REPORTED_LINES) shown.push(`line ${n}: ${result.reason}`);
            }
          }
        } catch (error) {
          unreadable++;
          io.err(`vigie: cannot read ${path}: ${unreadableText(error)}\n`);
          continue;
        }
        if (invalid > 0) io.err(`vigie: ${path}: ${invalid} of ${n} line(s) skipped (${shown.join('; ')})\n`);
      }
      const report = aggregator.report();
      if (options.format === 'csv') io.out(reportToCsv(report));
      else if (options.format === 'jsonl') for (const u of report.users) io.out(`${JSON.stringify(u)}\n`);
      else {
        const rows = [['USER', 'DEPARTMENT', 'REQUESTS', 'UNSANCTIONED', 'BYTES OUT', 'LAST SEEN', 'SERVICES']];
        for (const u of report.users) {
          rows.push([
            printable(u.user),
            printable(u.department ?? '-'),
            String(u.requests),
            String(u.unsanctionedRequests),
            String(u.bytesOut),
            u.lastSeen,
            u.services.map((s) => `${s.service}${s.sanctioned ? '' : '*'}`).join(' '),
          ]);
        }
        io.out(formatTable(rows, 6));
        io.out(
          `${report.totals.matched} of ${report.totals.records} requests went to generative-AI services; ` +
            `${report.totals.unsanctionedRequests} to unsanctioned ones (marked *).\n`,
        );
      }
      if (unreadable > 0) throw new VigieError('VIGIE_ERR_NOT_FOUND', `${unreadable} log file(s) could not be read`);
    });

  guard
    .command('proxy')
    .description(
      'start Vigie with the OpenAI-compatible Guard proxy (POST /v1/chat/completions, GET /v1/models) in front of an upstream',
    )
    .requiredOption('--upstream <url>', 'base URL of the OpenAI-compatible service, e.g. https://api.openai.com/v1')
    .option('--service <name>', "the upstream's name in the policy (VIGIE_GUARD_SERVICE, default internal-llm)")
    .addOption(
      new Option(
        '--upstream-auth <style>',
        'how the upstream key is sent: bearer, or api-key for Azure OpenAI (VIGIE_GUARD_UPSTREAM_AUTH)',
      ).choices(['bearer', 'api-key']),
    )
    .option('--timeout <seconds>', 'upstream time-out (VIGIE_GUARD_UPSTREAM_TIMEOUT, default 120)')
    .option('-p, --port <port>', 'TCP port (VIGIE_PORT, default 8080)')
    .option('--host <host>', 'address to listen on (VIGIE_HOST, default 127.0.0.1)')
    .addHelpText(
      'after',
      '\nThe upstream key is read from VIGIE_GUARD_UPSTREAM_KEY (never from the command line). Clients use the base\n' +
        'URL <vigie>/v1 and a Vigie API token with the guard:use scope as their API key.',
    )
    .action(
      async (
        options: {
          upstream: string;
          upstreamAuth?: string;
          service?: string;
          timeout?: string;
          port?: string;
          host?: string;
        },
        command: Command,
      ) => {
        // The flags go through the same validation as the environment variables.
        const merged = await configFrom(
          {
            ...io,
            env: {
              ...io.env,
              VIGIE_GUARD_UPSTREAM_URL: options.upstream,
              ...(options.upstreamAuth !== undefined ? { VIGIE_GUARD_UPSTREAM_AUTH: options.upstreamAuth } : {}),
              ...(options.service !== undefined ? { VIGIE_GUARD_SERVICE: options.service } : {}),
              ...(options.timeout !== undefined ? { VIGIE_GUARD_UPSTREAM_TIMEOUT: options.timeout } : {}),
              ...(options.port !== undefined ? { VIGIE_PORT: options.port } : {}),
              ...(options.host !== undefined ? { VIGIE_HOST: options.host } : {}),
            },
          },
          command.optsWithGlobals<GlobalOptions>(),
        );
        const { serve } = await import('./serve.js');
        const stop = await serve(merged, io, { demo: false });
        io.out(`Guard proxy: ${merged.VIGIE_GUARD_UPSTREAM_URL} as service "${merged.VIGIE_GUARD_SERVICE}"\n`);
        onServe?.(stop);
      },
    );

  guard
    .command('policy')
    .description('print the default policy (commented YAML), or check a policy file and print its version')
    .option('--check <file>', 'policy file to validate')
    .action((options: { check?: string }) => {
      if (!options.check) return io.out(DEFAULT_POLICY_YAML);
      const policy = loadPolicy(options.check);
      io.out(`${options.check}: valid, ${policy.document.rules.length} rule(s), version ${policy.version}\n`);
    });
  return guard;
}

function loadCatalogue(path: string): Catalogue {
  const text = readText(path, 'catalogue file');
  try {
    return parseCatalogueExtension(text);
  } catch (error) {
    throw new VigieError('VIGIE_ERR_VALIDATION', `${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
