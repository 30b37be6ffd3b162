/**
 * `vigie sense nab`: NAB scoring of given scores or of Vigie's detector on a NAB-like corpus,
 * and its loaders (data CSVs, labels and profiles JSON, score TSVs, optionally gzipped).
 */
import { closeSync, createReadStream, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { type Command, CommanderError } from 'commander';
import { VigieError } from '../core/index.js';
import {
  createSenseDetector,
  NAB_PROFILES,
  type NabCorpusScore,
  NabInputError,
  type NabProfile,
  type NabProfileScore,
  type NabSeries,
  type NabWindow,
  parseNabLabels,
  parseNabProfiles,
  parseNabTimestamp,
  scoreNabCorpus,
} from '../sense/index.js';
import type { CliIo } from './context.js';

/** One data file of the corpus: its rows' timestamps (ms, UTC) and values. */
export interface NabDataFile {
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

function notFound(what: string, path: string, error?: unknown): VigieError {
  const reason = error instanceof Error && 'code' in error && error.code !== 'ENOENT' ? ` (${error.code})` : '';
  return new VigieError('VIGIE_ERR_NOT_FOUND', `Cannot read ${what} ${path}${reason}`);
}

function unusable(message: string): VigieError {
  return new VigieError('VIGIE_ERR_VALIDATION', message);
}

function readText(what: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw notFound(what, path, error);
  }
}

function readJson(what: string, path: string): unknown {
  const text = readText(what, path);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw unusable(`${what} ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function zodMessage(error: unknown): string {
  if (error && typeof error === 'object' && 'issues' in error && Array.isArray(error.issues)) {
    return error.issues
      .slice(0, 3)
      .map(
        (issue: { path?: unknown[]; message?: string }) =>
          `${(issue.path ?? []).join('.') || '(top)'}: ${issue.message}`,
      )
      .join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}

/** NAB's `labels/combined_windows.json`: series name → windows. */
export function loadNabLabels(path: string): Map<string, NabWindow[]> {
  const json = readJson('labels file', path);
  try {
    return parseNabLabels(json);
  } catch (error) {
    if (error instanceof NabInputError) throw unusable(`labels file ${path}: ${error.message}`);
    throw unusable(`labels file ${path} is not NAB's {"series.csv": [["start", "end"], ...]}: ${zodMessage(error)}`);
  }
}

/** Profiles in the shape of NAB's `config/profiles.json`. */
export function loadNabProfiles(path: string): NabProfile[] {
  const json = readJson('profiles file', path);
  try {
    return parseNabProfiles(json);
  } catch (error) {
    throw unusable(`profiles file ${path} is not NAB's {"name": {"CostMatrix": {...}}}: ${zodMessage(error)}`);
  }
}

/** A CSV with a header naming `timestamp` and `value` columns (NAB's data files). */
export function parseNabDataCsv(text: string, where: string): NabDataFile {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((name) => name.trim().replace(/^"|"$/g, ''));
  const timeColumn = header.indexOf('timestamp');
  const valueColumn = header.indexOf('value');
  if (timeColumn < 0 || valueColumn < 0) throw unusable(`${where}:1: the header must name timestamp and value columns`);
  while (lines.length > 1 && lines[lines.length - 1]?.trim() === '') lines.pop();
  const count = lines.length - 1;
  const timestamps = new Float64Array(count);
  const values = new Float64Array(count);
  for (let row = 0; row < count; row++) {
    const cells = (lines[row + 1] ?? '').split(',');
    const timestamp = parseNabTimestamp(cells[timeColumn] ?? '');
    if (timestamp === undefined) {
      throw unusable(`${where}:${row + 2}: "${cells[timeColumn] ?? ''}" is not a YYYY-MM-DD HH:MM:SS timestamp`);
    }
    const valueText = (cells[valueColumn] ?? '').trim();
    const value = valueText === '' ? Number.NaN : Number(valueText);
    if (Number.isNaN(value) && valueText.toLowerCase() !== 'nan') {
      throw unusable(`${where}:${row + 2}: "${valueText}" is not a number`);
    }
    timestamps[row] = timestamp;
    values[row] = value;
  }
  return { timestamps, values };
}

export function loadNabDataFile(dataDir: string, name: string): NabDataFile {
  const path = join(dataDir, name);
  return parseNabDataCsv(readText('data file', path), path);
}

function isGzip(path: string): boolean {
  const magic = Buffer.alloc(2);
  const fd = openSync(path, 'r');
  try {
    return readSync(fd, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** A score cell: a number, or `nan` (a row the detector did not score); undefined when neither. */
function parseScore(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'nan') return Number.NaN;
  const score = trimmed === '' ? Number.NaN : Number(trimmed);
  return Number.isNaN(score) ? undefined : score;
}

/**
 * Scores as TSV lines `file<TAB>anomaly_score` (an optional header first), each file's rows in
 * data order; gzipped or not. Streamed: a corpus of millions of rows never sits as text in memory.
 */
export async function loadNabScores(path: string): Promise<Map<string, number[]>> {
  let gzip: boolean;
  try {
    if (!statSync(path).isFile()) throw notFound('scores file', path);
    gzip = isGzip(path);
  } catch (error) {
    throw error instanceof VigieError ? error : notFound('scores file', path, error);
  }
  const file = createReadStream(path);
  const lines = createInterface({
    input: gzip ? file.pipe(createGunzip()) : file,
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  const scores = new Map<string, number[]>();
  let lineNumber = 0;
  let current: number[] | undefined;
  let currentName = '';
  try {
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === '') continue;
      const tab = line.indexOf('\t');
      const score = tab < 0 ? undefined : parseScore(line.slice(tab + 1));
      if (score === undefined) {
        if (lineNumber === 1 && tab >= 0) continue; // a header, such as file<TAB>anomaly_score
        throw unusable(`${path}:${lineNumber}: expected "file<TAB>anomaly_score", got "${line.slice(0, 80)}"`);
      }
      const name = line.slice(0, tab);
      if (name !== currentName || current === undefined) {
        currentName = name;
        current = scores.get(name) ?? [];
        scores.set(name, current);
      }
      current.push(score);
    }
  } catch (error) {
    if (error instanceof VigieError) throw error;
    throw unusable(`${path}:${lineNumber + 1}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    file.destroy();
  }
  return scores;
}

function csvFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return csvFilesUnder(path);
    return entry.name.endsWith('.csv') ? [path] : [];
  });
}

/** Vigie's own detector, fed one row at a time as a stream would be. */
function detectorScores(data: NabDataFile): Float64Array {
  const detector = createSenseDetector();
  const scores = new Float64Array(data.values.length);
  for (let row = 0; row < scores.length; row++) {
    scores[row] = detector.push(data.timestamps[row] as number, data.values[row] as number);
  }
  return scores;
}

interface NabOptions {
  readonly data: string;
  readonly labels: string;
  readonly scores?: string;
  readonly profiles?: string;
  readonly json?: boolean;
}

/** Reads the corpus, pairs every labelled series with its scores, and checks that they line up. */
async function loadCorpus(options: NabOptions, io: CliIo): Promise<NabSeries[]> {
  let isDir = false;
  try {
    isDir = statSync(options.data).isDirectory();
  } catch {
    // Reported below.
  }
  if (!isDir) throw new VigieError('VIGIE_ERR_NOT_FOUND', `Data folder ${options.data} not found`);
  const labels = loadNabLabels(options.labels);
  if (labels.size === 0) throw unusable(`labels file ${options.labels} names no series`);

  const dataFiles = new Set(
    csvFilesUnder(options.data).map((path) => relative(options.data, path).split(sep).join('/')),
  );
  const missing = [...labels.keys()].filter((name) => !dataFiles.has(name));
  if (missing.length > 0) {
    throw new VigieError(
      'VIGIE_ERR_NOT_FOUND',
      `${missing.length} series of the labels have no data file under ${options.data}: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}`,
    );
  }
  const unlabelled = [...dataFiles].filter((name) => !labels.has(name)).length;
  if (unlabelled > 0) io.err(`note: ${unlabelled} data file(s) have no labels and are not scored\n`);

  const given = options.scores === undefined ? undefined : await loadNabScores(options.scores);
  if (given) {
    const absent = [...labels.keys()].filter((name) => !given.has(name));
    if (absent.length > 0) {
      throw unusable(
        `${absent.length} series of the labels have no scores in ${options.scores}: ${absent.slice(0, 5).join(', ')}${absent.length > 5 ? ', ...' : ''}`,
      );
    }
    const extra = [...given.keys()].filter((name) => !labels.has(name)).length;
    if (extra > 0) io.err(`note: scores for ${extra} series without labels are ignored\n`);
  }

  const mismatches: string[] = [];
  const corpus = [...labels].map(([name, windows]): NabSeries => {
    const data = loadNabDataFile(options.data, name);
    const scores = given ? (given.get(name) ?? []) : detectorScores(data);
    if (scores.length !== data.timestamps.length) {
      mismatches.push(`${name}: ${scores.length} scores for ${data.timestamps.length} data rows`);
    }
    return { name, timestamps: data.timestamps, scores, windows };
  });
  if (mismatches.length > 0) {
    throw unusable(
      `${options.scores} does not have one score per data row: ${mismatches.slice(0, 5).join('; ')}${mismatches.length > 5 ? `; and ${mismatches.length - 5} more` : ''}`,
    );
  }
  return corpus;
}

function format(value: number | null, digits: number): string {
  return value === null ? '-' : value.toFixed(digits);
}

function table(results: readonly NabProfileScore[]): string {
  const rows = [
    ['PROFILE', 'THRESHOLD', 'RAW SCORE', 'NORMALISED', 'TP', 'FN', 'FP'],
    ...results.map((r) => [
      r.profile,
      String(Number(r.threshold.toPrecision(8))),
      format(r.rawScore, 3),
      format(r.normalisedScore, 2),
      String(r.truePositives),
      String(r.falseNegatives),
      String(r.falsePositives),
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return `${rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

/** Adds `nab` to the `sense` command. Usage errors exit with 2, unreadable files with 1. */
export function registerSenseNab(sense: Command, io: CliIo): Command {
  const nab = sense
    .command('nab')
    .description(
      'score anomaly scores the way the Numenta Anomaly Benchmark does (one threshold per profile for the whole corpus); ' +
        "without --scores, Vigie's detector scores each series, row by row",
    )
    .requiredOption('--data <dir>', "NAB's data/ folder: one CSV (timestamp,value) per series")
    .requiredOption('--labels <file>', "the windows, as NAB's labels/combined_windows.json")
    .option('--scores <file>', 'TSV (optionally .gz) of file<TAB>anomaly_score, each series in data order')
    .option('--profiles <file>', "cost profiles as NAB's config/profiles.json (default: NAB's three)")
    .option('--json', 'print JSON')
    .action(async (options: NabOptions) => {
      const profiles = options.profiles === undefined ? NAB_PROFILES : loadNabProfiles(options.profiles);
      const corpus = await loadCorpus(options, io);
      let result: NabCorpusScore;
      try {
        result = scoreNabCorpus(corpus, { profiles });
      } catch (error) {
        if (error instanceof NabInputError) throw unusable(error.message);
        throw error;
      }
      if (options.json) {
        // The table's numbers with their context; per-series details stay out of the output.
        const summary = { ...result, profiles: result.profiles.map(({ series: _series, ...profile }) => profile) };
        io.out(`${JSON.stringify(summary, null, 2)}\n`);
      } else {
        io.out(table(result.profiles));
      }
    });
  // Commander ends every parse error with exit code 1; for this command a usage error is 2.
  nab.exitOverride((error) => {
    if (error.exitCode === 0 || error.code === 'commander.executeSubCommandAsync') throw error;
    throw new CommanderError(2, error.code, error.message);
  });
  return nab;
}
