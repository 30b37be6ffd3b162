import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliHarness as harness } from '../../tests/support/cli.js';
import { runCli } from './index.js';

function csv(lines: string[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'vigie-sense-')), 'readings.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('vigie sense detect', () => {
  it('prints one scored row per input row, in order, and scores a spike above the rest', async () => {
    const rows = Array.from({ length: 600 }, (_, i) => {
      const t = new Date(Date.UTC(2024, 0, 1) + i * 300_000).toISOString().replace('T', ' ').slice(0, 19);
      const value = i === 500 ? 95 : 20 + Math.sin(i / 10) + (i % 7) * 0.1;
      return `${t},${value}`;
    });
    const { io, output } = harness();
    expect(await runCli(['sense', 'detect', csv(['timestamp,value', ...rows])], io)).toBe(0);
    const lines = output.out.trim().split('\n');
    expect(lines[0]).toBe('timestamp,value,anomaly_score');
    expect(lines).toHaveLength(601);
    const scores = lines.slice(1).map((l) => Number(l.split(',')[2]));
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(rows);
    expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);
    const spike = scores[500] ?? 0;
    expect(Math.max(...scores.slice(200, 500))).toBeLessThan(spike);
  });

  it('stops at a bad row with its line number, after printing the rows before it', async () => {
    const { io, output } = harness();
    const code = await runCli(
      ['sense', 'detect', csv(['timestamp,value', '2024-01-01 00:00:00,1', '2024-01-01 00:05:00,oops'])],
      io,
    );
    expect(code).toBe(2);
    expect(output.err).toContain('line 3: value "oops" is not a number');
    expect(output.out.trim().split('\n')).toHaveLength(2);
  });

  it('refuses a missing file, a wrong header and an unknown format clearly', async () => {
    const missing = harness();
    expect(await runCli(['sense', 'detect', '/no/such/file.csv'], missing.io)).toBe(1);
    expect(missing.output.err).toContain('No such file');
    const header = harness();
    expect(await runCli(['sense', 'detect', csv(['time,val', '1,2'])], header.io)).toBe(2);
    expect(header.output.err).toContain('expected a header with the columns timestamp,value');
    const format = harness();
    expect(await runCli(['sense', 'detect', csv(['timestamp,value']), '--format', 'json'], format.io)).not.toBe(0);
    expect(format.output.err).toContain('Allowed choices are csv');
  });
});

describe('vigie sense import', () => {
  it('stores a CSV as a device series, with alerts, and refuses to import it twice', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigie-sense-import-'));
    const rows = Array.from({ length: 700 }, (_, i) => {
      const t = new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
      return `${t},${i === 650 ? 99 : 20 + Math.sin(i / 20) + (i % 5) * 0.03}`;
    });
    const file = csv(['timestamp,value', ...rows]);
    const first = harness();
    const io = { ...first.io, env: { VIGIE_DATA_DIR: dataDir } };
    expect(await runCli(['sense', 'import', file, '--device', 'boiler-1', '--series', 'temperature'], io)).toBe(0);
    expect(first.output.out).toMatch(/^Imported 700 readings into boiler-1\/temperature: [1-9]\d* alerts, 0 rejected/);
    const again = harness();
    expect(
      await runCli(['sense', 'import', file, '-d', 'boiler-1', '-s', 'temperature'], {
        ...again.io,
        env: { VIGIE_DATA_DIR: dataDir },
      }),
    ).toBe(0);
    expect(again.output.out).toContain('Imported 0 readings');
    expect(again.output.out).toContain('700 rejected');
  });
});
