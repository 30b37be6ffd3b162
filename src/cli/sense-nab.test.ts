// `vigie sense nab` on a tiny NAB-like corpus in a temporary folder: output, formats and every error path.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Command, CommanderError } from 'commander';
import { beforeEach, describe, expect, it } from 'vitest';
import { VigieError } from '../core/index.js';
import type { CliIo } from './context.js';
import { registerSenseNab } from './sense-nab.js';

const stamp = (minute: number) =>
  new Date(Date.UTC(2015, 0, 1, 0, minute)).toISOString().slice(0, 19).replace('T', ' ');

/** Runs `vigie sense nab ...` and maps failures to exit codes as runCli does. */
async function run(args: string[]) {
  const output = { out: '', err: '' };
  const io: CliIo = {
    out: (text) => {
      output.out += text;
    },
    err: (text) => {
      output.err += text;
    },
    env: {},
    readStdin: async () => '',
  };
  const program = new Command('vigie').exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  registerSenseNab(program.command('sense'), io);
  let code = 0;
  try {
    await program.parseAsync(['sense', 'nab', ...args], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) code = error.code === 'commander.helpDisplayed' ? 0 : error.exitCode || 1;
    else if (error instanceof VigieError) {
      io.err(`vigie: ${error.message} [${error.code}]\n`);
      code = ['VIGIE_ERR_CONFIG', 'VIGIE_ERR_VALIDATION'].includes(error.code) ? 2 : 1;
    } else throw error;
  }
  return { code, ...output };
}

describe('vigie sense nab', () => {
  let dir: string;
  let data: string;
  let labels: string;
  let scores: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-nab-'));
    data = join(dir, 'data');
    mkdirSync(join(data, 'machines'), { recursive: true });
    // Two series: 40 rows with a window on rows 10..19, and 30 rows without a window.
    const csv = (rows: number) =>
      ['timestamp,value', ...Array.from({ length: rows }, (_, row) => `${stamp(row)},${row % 7}`)].join('\n');
    writeFileSync(join(data, 'machines', 'pump.csv'), `${csv(40)}\n`);
    writeFileSync(join(data, 'machines', 'fan.csv'), csv(30));
    labels = join(dir, 'labels.json');
    writeFileSync(
      labels,
      JSON.stringify({
        'machines/pump.csv': [[`${stamp(10)}.000000`, `${stamp(19)}.000000`]],
        'machines/fan.csv': [],
      }),
    );
    // A detector that fires on the first row of the window and nowhere else: a perfect score.
    const rows = [
      'file\tanomaly_score',
      ...Array.from({ length: 30 }, () => 'machines/fan.csv\t0.1'),
      ...Array.from({ length: 40 }, (_, row) => `machines/pump.csv\t${row === 10 ? 0.9 : 0.1}`),
    ];
    scores = join(dir, 'scores.tsv');
    writeFileSync(scores, `${rows.join('\n')}\n`);
  });

  it('prints one line per NAB profile', async () => {
    const res = await run(['--data', data, '--labels', labels, '--scores', scores]);
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    const lines = res.out.trim().split('\n');
    expect(lines[0]).toMatch(/^PROFILE\s+THRESHOLD\s+RAW SCORE\s+NORMALISED\s+TP\s+FN\s+FP$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/))).toEqual([
      ['standard', '0.9', '1.000', '100.00', '1', '0', '0'],
      ['reward_low_FP_rate', '0.9', '1.000', '100.00', '1', '0', '0'],
      ['reward_low_FN_rate', '0.9', '1.000', '100.00', '1', '0', '0'],
    ]);
  });

  it('prints the same as JSON, reads gzipped scores and custom profiles', async () => {
    const gz = join(dir, 'scores.tsv.gz');
    const late = `file\tanomaly_score\n${Array.from({ length: 30 }, () => 'machines/fan.csv\t0').join('\n')}\n${Array.from(
      { length: 40 },
      (_, row) => `machines/pump.csv\t${row === 15 ? 1 : 0}`,
    ).join('\n')}\n`;
    writeFileSync(gz, gzipSync(late));
    const profiles = join(dir, 'profiles.json');
    writeFileSync(
      profiles,
      JSON.stringify({ strict: { CostMatrix: { tpWeight: 2, fnWeight: 1, fpWeight: 0.5, tnWeight: 1 } } }),
    );
    const res = await run(['--data', data, '--labels', labels, '--scores', gz, '--profiles', profiles, '--json']);
    expect(res.code).toBe(0);
    const parsed = JSON.parse(res.out) as { seriesCount: number; profiles: Record<string, unknown>[] };
    expect(parsed).toMatchObject({ seriesCount: 2, rowCount: 70, windowCount: 1 });
    expect(parsed.profiles).toHaveLength(1);
    // Detected halfway through the window: 2 * scaledSigmoid(-0.5) / scaledSigmoid(-1).
    const expectedRaw = (2 * (2 / (1 + Math.exp(-2.5)) - 1)) / (2 / (1 + Math.exp(-5)) - 1);
    expect(parsed.profiles[0]).toMatchObject({ profile: 'strict', threshold: 1, truePositives: 1, falsePositives: 0 });
    expect(parsed.profiles[0]?.rawScore).toBeCloseTo(expectedRaw, 12);
    expect(parsed.profiles[0]?.normalisedScore).toBeCloseTo((100 * (expectedRaw + 1)) / 3, 10);
  });

  it('has help, and exits with 2 on usage errors', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: vigie sense nab [options]');
    const noLabels = await run(['--data', data]);
    expect(noLabels.code).toBe(2);
    expect(noLabels.err).toContain("required option '--labels <file>' not specified");
    expect((await run(['--data', data, '--labels', labels, '--bogus'])).code).toBe(2);
  });

  it('exits with 1 when a folder or a data file is missing', async () => {
    const noFolder = await run(['--data', join(dir, 'nowhere'), '--labels', labels, '--scores', scores]);
    expect(noFolder.code).toBe(1);
    expect(noFolder.err).toMatch(/Data folder .*nowhere not found \[VIGIE_ERR_NOT_FOUND\]/);
    const noLabelsFile = await run(['--data', data, '--labels', join(dir, 'none.json'), '--scores', scores]);
    expect(noLabelsFile.code).toBe(1);
    expect(noLabelsFile.err).toContain('Cannot read labels file');
    const noScores = await run(['--data', data, '--labels', labels, '--scores', join(dir, 'none.tsv')]);
    expect(noScores.code).toBe(1);
    expect(noScores.err).toContain('Cannot read scores file');
    writeFileSync(labels, JSON.stringify({ 'machines/pump.csv': [], 'machines/valve.csv': [] }));
    const noData = await run(['--data', data, '--labels', labels, '--scores', scores]);
    expect(noData.code).toBe(1);
    expect(noData.err).toContain('1 series of the labels have no data file under');
    expect(noData.err).toContain('machines/valve.csv');
  });

  it('exits with 2 when the scores or labels do not fit the data', async () => {
    writeFileSync(scores, 'machines/fan.csv\t0.1\nmachines/pump.csv\t0.2\n');
    const short = await run(['--data', data, '--labels', labels, '--scores', scores]);
    expect(short.code).toBe(2);
    expect(short.err).toContain('does not have one score per data row');
    expect(short.err).toContain(
      'machines/pump.csv: 1 scores for 40 data rows; machines/fan.csv: 1 scores for 30 data rows',
    );
    writeFileSync(scores, 'file\tanomaly_score\nmachines/fan.csv\tlots\n');
    const garbled = await run(['--data', data, '--labels', labels, '--scores', scores]);
    expect(garbled.code).toBe(2);
    expect(garbled.err).toContain(':2: expected "file<TAB>anomaly_score"');
    writeFileSync(labels, JSON.stringify({ 'machines/pump.csv': [['2015-01-01 00:10:00', 'later']] }));
    const badLabels = await run(['--data', data, '--labels', labels, '--scores', scores]);
    expect(badLabels.code).toBe(2);
    expect(badLabels.err).toContain('"later" is not a timestamp');
    writeFileSync(labels, '{');
    expect((await run(['--data', data, '--labels', labels, '--scores', scores])).err).toContain('is not valid JSON');
  });
});
