/**
 * `vigie sense ...`: run the streaming detector over a CSV file, row by row, as it would
 * run on live telemetry; and score detectors the way the NAB benchmark does.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { VigieError } from '../core/index.js';
import { createSenseDetector, parseReadingLine, parseReadingsHeader, ReadingParseError } from '../sense/index.js';
import { type CliIo, configFrom, type GlobalOptions, withPlatform } from './context.js';
import { registerSenseNab } from './sense-nab.js';

/** Scores are printed with six decimals: enough to order them, short enough to read. */
function formatScore(score: number): string {
  return String(Math.round(score * 1e6) / 1e6);
}

/** One data row of a readings CSV: the reading, and its own text to echo back. */
interface CsvReading {
  readonly timestampMs: number;
  readonly value: number;
  readonly timestampText: string;
  readonly valueText: string;
}

/**
 * Streams the readings of a `timestamp,value` CSV, line by line (files of any size), with
 * errors that name the file and the line.
 */
async function* csvReadings(path: string): AsyncGenerator<CsvReading> {
  if (!existsSync(path) || !statSync(path).isFile())
    throw new VigieError('VIGIE_ERR_NOT_FOUND', `No such file: ${path}`);
  const lines = createInterface({
    input: createReadStream(path, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let columns: { timestamp: number; value: number } | undefined;
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber += 1;
      if (!columns) {
        columns = parseReadingsHeader(line);
        continue;
      }
      if (line.trim() === '') continue;
      const reading = parseReadingLine(line, lineNumber, columns);
      const fields = line.split(',');
      yield {
        ...reading,
        timestampText: fields[columns.timestamp]?.trim() ?? '',
        valueText: fields[columns.value]?.trim() ?? '',
      };
    }
  } catch (error) {
    if (error instanceof ReadingParseError) throw new VigieError('VIGIE_ERR_VALIDATION', `${path}: ${error.message}`);
    throw error;
  }
  if (!columns) throw new VigieError('VIGIE_ERR_VALIDATION', `${path}: empty file, expected a header timestamp,value`);
}

export async function detectFile(path: string, io: CliIo): Promise<void> {
  const detector = createSenseDetector();
  let buffer: string[] = [];
  const write = () => {
    if (buffer.length > 0) io.out(`${buffer.join('\n')}\n`);
    buffer = [];
  };
  let headerWritten = false;
  try {
    for await (const row of csvReadings(path)) {
      if (!headerWritten) {
        buffer.push('timestamp,value,anomaly_score');
        headerWritten = true;
      }
      const score = detector.push(row.timestampMs, row.value);
      // The input's own timestamp and value text, so the output lines up with the input.
      buffer.push(`${row.timestampText},${row.valueText},${formatScore(score)}`);
      if (buffer.length >= 4096) write();
    }
    if (!headerWritten) buffer.push('timestamp,value,anomaly_score');
  } finally {
    // Rows scored before a bad line are printed, then the error.
    write();
  }
}

/** Imports a CSV of readings into the store, scored as if they had arrived live. */
export async function importFile(path: string, device: string, series: string, io: CliIo, globals: GlobalOptions) {
  await withPlatform(await configFrom(io, globals), async (platform) => {
    await platform.sense.restore();
    let batch: Array<{ device: string; series: string; timestampMs: number; value: number }> = [];
    const totals = { accepted: 0, rejected: 0, alerts: 0 };
    const flush = async () => {
      const result = await platform.sense.ingest(batch);
      totals.accepted += result.accepted;
      totals.rejected += result.rejected.length;
      totals.alerts += result.alerts;
      batch = [];
    };
    try {
      for await (const row of csvReadings(path)) {
        batch.push({ device, series, timestampMs: row.timestampMs, value: row.value });
        if (batch.length >= 5000) await flush();
      }
    } catch (error) {
      await flush();
      if (error instanceof VigieError && error.code === 'VIGIE_ERR_VALIDATION') {
        throw new VigieError(
          'VIGIE_ERR_VALIDATION',
          `${error.message} (${totals.accepted} readings before it were imported)`,
        );
      }
      throw error;
    }
    await flush();
    io.out(
      `Imported ${totals.accepted} readings into ${device}/${series}: ${totals.alerts} alerts, ${totals.rejected} rejected (older than the series' last reading, or out of bounds).\n`,
    );
  });
}

export function registerSense(program: Command, io: CliIo): Command {
  const sense = program.command('sense').description('IoT and industrial sensor supervision');
  sense
    .command('detect <file>')
    .description('score each reading of a CSV (header timestamp,value) as the streaming detector sees it')
    .addOption(new Option('-f, --format <format>', 'input format').choices(['csv']).default('csv'))
    .action(async (file: string, options: { format: string }) => {
      if (options.format !== 'csv') throw new InvalidArgumentError('only csv is supported');
      await detectFile(file, io);
    });
  sense
    .command('import <file>')
    .description('import a CSV of readings (header timestamp,value) into a device series, scored as if live')
    .requiredOption('-d, --device <name>', 'device the readings come from')
    .requiredOption('-s, --series <name>', 'what the readings measure (e.g. temperature)')
    .action(async (file: string, options: { device: string; series: string }) => {
      await importFile(file, options.device, options.series, io, program.opts<GlobalOptions>());
    });
  registerSenseNab(sense, io);
  return sense;
}
