// `vigie detect rules check` and `vigie detect run` on rule and log files in a temporary folder.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliHarness } from '../../tests/support/cli.js';
import { runCli } from './program.js';

const RULE = `title: Whoami run
id: 0b0b0b0b-0000-4000-8000-000000000001
level: medium
tags: [attack.discovery, attack.t1033]
logsource:
  category: process_creation
  product: windows
detection:
  selection:
    Image|endswith: '\\whoami.exe'
  condition: selection
`;

const BROKEN = `title: Broken
id: 0b0b0b0b-0000-4000-8000-000000000002
logsource:
  product: windows
detection:
  selection:
    Image|sometimes: x
  condition: selection
`;

const event = (image: string, eventId = 1) => ({
  Event: {
    System: {
      EventID: eventId,
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } },
    },
    EventData: { Image: image },
  },
});

async function cli(args: string[]) {
  const { io, output } = cliHarness();
  const code = await runCli(['detect', ...args], io);
  return { code, ...output, lines: output.out.trim().split('\n').filter(Boolean) };
}

describe('vigie detect', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-detect-'));
    mkdirSync(join(dir, 'good'));
    mkdirSync(join(dir, 'mixed'));
    mkdirSync(join(dir, 'logs'));
    writeFileSync(join(dir, 'good', 'whoami.yml'), RULE);
    writeFileSync(join(dir, 'good', 'README.md'), 'not a rule');
    writeFileSync(join(dir, 'mixed', 'whoami.yml'), RULE);
    writeFileSync(join(dir, 'mixed', 'broken.yml'), BROKEN);
    const lines = [
      event('C:\\Windows\\System32\\whoami.exe'),
      event('C:\\Windows\\notepad.exe'),
      event('C:\\Windows\\System32\\whoami.exe', 13),
    ];
    writeFileSync(join(dir, 'logs', 'sysmon.jsonl'), `${lines.map((e) => JSON.stringify(e)).join('\n')}\n`);
    writeFileSync(join(dir, 'bad.jsonl'), `${JSON.stringify(event('C:\\whoami.exe'))}\nnot json\n[1]\n`);
  });

  it('rules check: exit 0 when every rule compiles', async () => {
    const result = await cli(['rules', 'check', join(dir, 'good')]);
    expect(result.code).toBe(0);
    expect(result.out).toBe('1 rules compile, 0 do not.\n');
  });

  it('rules check: lists the rules that do not compile with file, line and reason, exit 1', async () => {
    const result = await cli(['rules', 'check', join(dir, 'mixed')]);
    expect(result.code).toBe(1);
    expect(result.lines[0]).toBe(
      `${join(dir, 'mixed', 'broken.yml')}:7  invalid  0b0b0b0b-0000-4000-8000-000000000002  unknown modifier: sometimes`,
    );
    expect(result.lines[1]).toBe('1 rules compile, 1 do not.');
  });

  it('run --format jsonl: one JSON object per alert with the rule, the source and the event', async () => {
    const result = await cli(['run', '--rules', join(dir, 'good'), '--logs', join(dir, 'logs'), '--format', 'jsonl']);
    expect(result.code).toBe(0);
    expect(result.err).toBe('');
    expect(result.lines.map((l) => JSON.parse(l))).toEqual([
      {
        rule_id: '0b0b0b0b-0000-4000-8000-000000000001',
        rule_title: 'Whoami run',
        level: 'medium',
        tags: ['attack.discovery', 'attack.t1033'],
        attack: { techniques: ['T1033'], tactics: [{ id: 'TA0007', name: 'Discovery' }] },
        source: { file: join(dir, 'logs', 'sysmon.jsonl'), index: 0, line: 1 },
        event: event('C:\\Windows\\System32\\whoami.exe'),
      },
    ]);
  });

  it('run: a readable table by default, rules that do not compile named on stderr', async () => {
    const result = await cli(['run', '--rules', join(dir, 'mixed'), '--logs', join(dir, 'logs', 'sysmon.jsonl')]);
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/1 rule\(s\) do not compile/);
    expect(result.lines[0]).toMatch(/^LEVEL\s+SOURCE\s+RULE$/);
    expect(result.lines[1]).toMatch(
      /^medium\s+.*sysmon\.jsonl#0\s+Whoami run \(0b0b0b0b-0000-4000-8000-000000000001\)$/,
    );
    expect(result.lines[2]).toBe('1 alert(s) from 3 event(s) in 1 file(s), 1 rules.');
  });

  it('run: lines that are not JSON events are reported and make the exit code 1', async () => {
    const result = await cli([
      'run',
      '--rules',
      join(dir, 'good'),
      '--logs',
      join(dir, 'bad.jsonl'),
      '--format',
      'jsonl',
    ]);
    expect(result.code).toBe(1);
    expect(result.lines).toHaveLength(1);
    expect(result.err).toContain('bad.jsonl:2: not a JSON event');
    expect(result.err).toContain('bad.jsonl:3: not a JSON event (not a JSON object)');
    expect(result.err).toContain('2 line(s) were not JSON events and were not checked [VIGIE_ERR_BAD_JSON]');
  });

  it('run: a missing path is an error', async () => {
    const result = await cli(['run', '--rules', join(dir, 'nope'), '--logs', join(dir, 'logs')]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('No such file or folder');
  });
});
