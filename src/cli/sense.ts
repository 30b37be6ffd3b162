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

export async function detectFile(path: string, io: CliIo): Promise<void> {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new VigieError('VIGIE_ERR_NOT_FOUND', `No such file: ${path}`);
  }
  const detector = createSenseDetector();
  const lines = createInterface({
    input: createReadStream(path, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let columns: { timestamp: number; value: number } | undefined;
  let lineNumber = 0;
  let buffer: string[] = [];
  try {
    for await (const line of lines) {
      lineNumber += 1;
      if (!columns) {
        columns = parseReadingsHeader(line);
        buffer.push('timestamp,value,anomaly_score');
        continue;
      }
      if (line.trim() === '') continue;
      const reading = parseReadingLine(line, lineNumber, columns);
      const score = detector.push(reading.timestampMs, reading.value);
      const fields = line.split(',');
      // The input's own timestamp and value text, so the output lines up with the input.
      buffer.push(`${fields[columns.timestamp]?.trim()},${fields[columns.value]?.trim()},${formatScore(score)}`);
      if (buffer.length >= 4096) {
        io.out(`${buffer.join('\n')}\n`);
        buffer = [];
      }
    }
  } catch (error) {
    if (buffer.length > 0) io.out(`${buffer.join('\n')}\n`);
    if (error instanceof ReadingParseError) throw new VigieError('VIGIE_ERR_VALIDATION', `${path}: ${error.message}`);
    throw error;
  }
  if (!columns) throw new VigieError('VIGIE_ERR_VALIDATION', `${path}: empty file, expected a header timestamp,value`);
  if (buffer.length > 0) io.out(`${buffer.join('\n')}\n`);
}

/** Imports a CSV of readings into the store, scored as if they had arrived live. */
export async function importFile(path: string, device: string, series: string, io: CliIo, globals: GlobalOptions) {
  if (!existsSync(path) || !statSync(path).isFile())
    throw new VigieError('VIGIE_ERR_NOT_FOUND', `No such file: ${path}`);
  await withPlatform(configFrom(io, globals), async (platform) => {
    await platform.sense.restore();
    const lines = createInterface({
      input: createReadStream(path, { encoding: 'utf8' }),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    let columns: { timestamp: number; value: number } | undefined;
    let lineNumber = 0;
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
      for await (const line of lines) {
        lineNumber += 1;
        if (!columns) {
          columns = parseReadingsHeader(line);
          continue;
        }
        if (line.trim() === '') continue;
        const reading = parseReadingLine(line, lineNumber, columns);
        batch.push({ device, series, ...reading });
        if (batch.length >= 5000) await flush();
      }
    } catch (error) {
      if (error instanceof ReadingParseError) {
        await flush();
        throw new VigieError(
          'VIGIE_ERR_VALIDATION',
          `${path}: ${error.message} (${totals.accepted} readings before it were imported)`,
        );
      }
      throw error;
    }
    await flush();
    io.out(
      `Imported ${totals.accepted} readings into ${device}/${series}: ${totals.alerts} alerts, ${totals.rejected} rejected (older than the series' last reading).\n`,
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
