// `vigie detect rules check` and `vigie detect run` on rule and log files in a temporary folder.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
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
        attack: {
          techniques: ['T1033'],
          named: [{ id: 'T1033', name: 'System Owner/User Discovery' }],
          tactics: [{ id: 'TA0007', name: 'Discovery' }],
        },
        source: { file: join(dir, 'logs', 'sysmon.jsonl'), index: 0, format: 'evtx-json', line: 1 },
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
    expect(result.err).toContain('bad.jsonl:2: not a readable event (json:');
    expect(result.err).toContain('bad.jsonl:3: not a readable event (json: not a JSON object)');
    expect(result.err).toContain('2 record(s) could not be read or decoded and were not checked [VIGIE_ERR_BAD_JSON]');
  });

  it('run: a missing path is an error', async () => {
    const result = await cli(['run', '--rules', join(dir, 'nope'), '--logs', join(dir, 'logs')]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('No such file or folder');
  });

  it('run: a rule field named after an Object property does not stop the run', async () => {
    const folder = join(dir, 'proto');
    mkdirSync(folder);
    writeFileSync(join(folder, 'whoami.yml'), RULE);
    for (const name of ['constructor', 'toString', '__proto__'])
      writeFileSync(
        join(folder, `${name}.yml`),
        `title: ${name}\nlogsource:\n  product: windows\n  category: ${name}\ntags: [attack.${name}]\ndetection:\n  s:\n    ${name}: x\n  condition: s\n`,
      );
    const result = await cli(['run', '--rules', folder, '--logs', join(dir, 'logs', 'sysmon.jsonl')]);
    expect(result.code).toBe(0);
    expect(result.lines.at(-1)).toBe('1 alert(s) from 3 event(s) in 1 file(s), 4 rules.');
  });

  it('run: an event nested too deep is reported like a bad record; the others are checked', async () => {
    const depth = 20_000;
    const deep = `{"Event":{"System":{"Channel":"x"},"EventData":{"Image":${'['.repeat(depth)}1${']'.repeat(depth)}}}}`;
    const file = join(dir, 'deep.jsonl');
    writeFileSync(file, `${deep}\n${JSON.stringify(event('C:\\Windows\\System32\\whoami.exe'))}\n`);
    const result = await cli(['run', '--rules', join(dir, 'good'), '--logs', file]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('deep.jsonl:1: not a readable event (json: nested deeper than 64 levels)');
    expect(result.lines.at(-1)).toBe('1 alert(s) from 1 event(s) in 1 file(s), 1 rules.');
  });

  it('run: links inside folders are not followed, unreadable paths are reported and the rest runs', async () => {
    const rulesDir = join(dir, 'linked-rules');
    const logsDir = join(dir, 'linked-logs');
    mkdirSync(rulesDir);
    mkdirSync(logsDir);
    writeFileSync(join(rulesDir, 'whoami.yml'), RULE);
    symlinkSync('..', join(rulesDir, 'loop'));
    symlinkSync('..', join(logsDir, 'loop'));
    symlinkSync(join(dir, 'logs', 'sysmon.jsonl'), join(logsDir, 'linked.jsonl'));
    writeFileSync(join(logsDir, 'own.jsonl'), `${JSON.stringify(event('C:\\x\\whoami.exe'))}\n`);
    const ok = await cli(['run', '--rules', rulesDir, '--logs', logsDir]);
    expect(ok.code).toBe(0);
    expect(ok.lines.at(-1)).toBe('1 alert(s) from 1 event(s) in 1 file(s), 1 rules.');

    symlinkSync(join(dir, 'nowhere.jsonl'), join(dir, 'dangling.jsonl'));
    const partly = await cli(['run', '--rules', rulesDir, '--logs', join(dir, 'dangling.jsonl'), logsDir]);
    expect(partly.code).toBe(1);
    expect(partly.err).toContain('dangling.jsonl: No such file or folder');
    expect(partly.err).toContain('1 file(s) or folder(s) could not be read');
    expect(partly.lines.at(-1)).toBe('1 alert(s) from 1 event(s) in 1 file(s), 1 rules.');
  });

  it('rules check: an unreadable path is a rule problem; the other rules are checked', async () => {
    const result = await cli(['rules', 'check', join(dir, 'missing.yml'), join(dir, 'good')]);
    expect(result.code).toBe(1);
    expect(result.lines[0]).toMatch(/missing\.yml:1 {2}invalid {2}- {2}cannot read: No such file or folder$/);
    expect(result.lines.at(-1)).toBe('1 rules compile, 1 do not.');
  });
});
