/**
 * `vigie mail scan PATH...`: the mail engine over files, folders (recursively) and mbox files.
 * Finding phishing is a result, not a failure: the exit code is 0 unless the command was
 * misused (2) or a path could not be read (1).
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { type Locale, VigieError } from '../core/index.js';
import {
  analyzeMail,
  DEFAULT_MAIL_SETTINGS,
  isMbox,
  type MailAnalysis,
  MailInputError,
  type MailSettings,
  parseMailSettings,
  splitMbox,
} from '../mail/index.js';
import type { CliIo } from './context.js';
import { filesUnder, type OnUnreadable, unreadableText } from './files.js';

interface ScanOptions {
  readonly format: 'jsonl' | 'table';
  readonly lang: Locale;
  readonly settings?: string;
}

/** One message to analyse: a file, or the n-th message of an mbox file. */
interface MailSource {
  readonly file: string;
  readonly index?: number;
  readonly bytes: Uint8Array;
}

/** How much of a file is read to decide whether a file met in a folder is a message at all. */
const SNIFF_BYTES = 512;

export function registerMail(program: Command, io: CliIo): Command {
  const mail = program.command('mail').description('phishing analysis of e-mail messages');
  mail
    .command('scan')
    .description(
      'analyse messages (.eml files, folders searched recursively, mbox files) and print a verdict per message',
    )
    .argument('<paths...>', 'files, folders or mbox files')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['jsonl', 'table']).default('table'))
    .addOption(new Option('--lang <lang>', 'language of the reasons in the table').choices(['fr', 'en']).default('en'))
    .option('--settings <file>', 'JSON file with the organisation settings (domains, VIP names, brands, allow-lists)')
    .action(async (paths: string[], options: ScanOptions) => {
      const settings = options.settings ? readSettings(options.settings) : DEFAULT_MAIL_SETTINGS;
      let unreadable = 0;
      const onUnreadable: OnUnreadable = (path, why) => {
        io.err(`vigie: cannot read ${path}: ${why}\n`);
        unreadable++;
      };
      const rows: string[][] = [['FILE', 'VERDICT', 'SCORE', 'MAIN REASON']];
      for (const file of filesUnder(paths, startsLikeMessage, onUnreadable)) {
        for (const source of messagesIn(file, onUnreadable)) {
          const line = await scanOne(source, settings);
          if (options.format === 'jsonl') io.out(`${JSON.stringify(line)}\n`);
          else rows.push(tableRow(source, line, options.lang));
        }
      }
      if (options.format === 'table') io.out(formatTable(rows));
      if (unreadable > 0) throw new VigieError('VIGIE_ERR_NOT_FOUND', `${unreadable} path(s) could not be read`);
    });
  return mail;
}

function readSettings(path: string): MailSettings {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new VigieError('VIGIE_ERR_NOT_FOUND', `cannot read settings file ${path}`);
  }
  try {
    return parseMailSettings(JSON.parse(text));
  } catch (error) {
    const detail = error instanceof Error ? error.message.slice(0, 500) : String(error);
    throw new VigieError('VIGIE_ERR_VALIDATION', `${path}: invalid mail settings: ${detail}`);
  }
}

/** The messages of one file: itself, or each message of an mbox. */
function* messagesIn(file: string, onUnreadable: OnUnreadable): Generator<MailSource> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    onUnreadable(file, unreadableText(error));
    return;
  }
  if (isMbox(bytes)) {
    let index = 0;
    for (const message of splitMbox(bytes)) yield { file, index: index++, bytes: message };
    return;
  }
  yield { file, bytes };
}

/**
 * In a folder, files that do not start like a message (a README, a manifest) are skipped after
 * reading their first bytes only; one that cannot be read is kept, so that reading it reports why.
 */
function startsLikeMessage(path: string): boolean {
  try {
    return looksLikeMessage(head(path));
  } catch {
    return true;
  }
}

function head(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    return buffer.subarray(0, readSync(fd, buffer, 0, SNIFF_BYTES, 0));
  } finally {
    closeSync(fd);
  }
}

/** A message starts with a header line (a field name, a colon), or an mbox `From ` line. */
function looksLikeMessage(bytes: Uint8Array): boolean {
  if (isMbox(bytes)) return true;
  return /^[!-9;-~]{1,76}:/.test(Buffer.from(bytes).toString('latin1'));
}

/** What a message says may hold terminal escape codes: a table shows them as harmless marks. */
function printable(text: string): string {
  return text.replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu, '\u2423');
}

interface ScanLine {
  readonly file: string;
  readonly index?: number;
  readonly verdict?: MailAnalysis['verdict'];
  readonly score?: number;
  readonly reasons?: MailAnalysis['reasons'];
  readonly subject?: string;
  readonly from?: string;
  readonly indicators?: MailAnalysis['indicators'];
  readonly techniques?: MailAnalysis['techniques'];
  readonly modelVersion?: string;
  readonly error?: { readonly code: string; readonly message: string };
}

async function scanOne(source: MailSource, settings: MailSettings): Promise<ScanLine> {
  const where = source.index === undefined ? { file: source.file } : { file: source.file, index: source.index };
  try {
    const analysis = await analyzeMail(source.bytes, {
      settings,
      qrReader: await (await import('../platform/index.js')).loadQrReader(),
    });
    return {
      ...where,
      verdict: analysis.verdict,
      score: analysis.score,
      reasons: analysis.reasons,
      subject: analysis.summary.subject,
      from: analysis.summary.from,
      indicators: analysis.indicators,
      techniques: analysis.techniques,
      modelVersion: analysis.modelVersion,
    };
  } catch (error) {
    if (error instanceof MailInputError) return { ...where, error: { code: error.code, message: error.message } };
    throw error;
  }
}

function tableRow(source: MailSource, line: ScanLine, lang: Locale): string[] {
  const name = printable(source.index === undefined ? source.file : `${source.file}#${source.index}`);
  if (line.error) return [name, 'error', '', line.error.message];
  const top = line.reasons?.find((r) => r.weight > 0 && line.verdict !== 'clean') ?? line.reasons?.[0];
  return [name, line.verdict ?? '', (line.score ?? 0).toFixed(3), top ? printable(top.message[lang]) : ''];
}

function formatTable(rows: string[][]): string {
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return `${rows
    .map((r) =>
      r
        .map((c, i) => (i < 3 ? c.padEnd(widths[i] ?? 0) : c))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}
