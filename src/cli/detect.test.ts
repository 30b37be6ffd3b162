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
        kind: 'sigma',
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
    expect(result.err).toContain('bad.jsonl:3: not a readable event (json: array element 1: not a JSON object)');
    expect(result.err).toContain('2 record(s) could not be read or decoded and were not checked [VIGIE_ERR_BAD_JSON]');
  });

  it('run: pretty-printed JSON (evtx_dump output, an array of events) gives the alerts of its JSON lines', async () => {
    const events = [
      event('C:\\Windows\\System32\\whoami.exe'),
      event('C:\\Windows\\notepad.exe'),
      event('C:\\whoami.exe'),
    ];
    mkdirSync(join(dir, 'pretty'), { recursive: true });
    const dump = events.map((e, i) => `Record ${i + 1}\n${JSON.stringify(e, null, 2)}`).join('\n');
    writeFileSync(join(dir, 'pretty', 'dump.json'), `${dump}\n`);
    writeFileSync(join(dir, 'pretty', 'array.json'), `${JSON.stringify(events, null, 2)}\n`);
    const result = await cli(['run', '--rules', join(dir, 'good'), '--logs', join(dir, 'pretty'), '--format', 'jsonl']);
    expect(result.code).toBe(0);
    expect(result.err).toBe('');
    const alerts = result.lines.map((l) => JSON.parse(l));
    // Each alert names the record by its index and its first line.
    const height = JSON.stringify(events[0], null, 2).split('\n').length;
    expect(alerts.map((a) => [a.source.file.replace(/.*[\\/]/, ''), a.source.index, a.source.line])).toEqual([
      ['array.json', 0, 2],
      ['array.json', 2, 2 + 2 * height],
      ['dump.json', 0, 2],
      ['dump.json', 2, 2 + 2 * (height + 1)],
    ]);
    expect(alerts[0].event).toEqual(events[0]);
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

  describe('correlations and behavioural detectors', () => {
    const correlationRule = (generate: boolean) => `title: Whoami again and again
id: 0b0b0b0b-0000-4000-8000-0000000000c1
level: high
correlation:
  type: event_count
  rules:
    - 0b0b0b0b-0000-4000-8000-000000000001
  group-by:
    - Computer
  timespan: 10m
  generate: ${generate}
  condition:
    gte: 2
`;
    const timed = (image: string, minute: number, computer = 'ws1') => {
      const e = event(image);
      return {
        Event: {
          ...e.Event,
          System: {
            ...e.Event.System,
            Computer: computer,
            TimeCreated: { '#attributes': { SystemTime: `2024-05-01T10:${String(minute).padStart(2, '0')}:00.000Z` } },
          },
        },
      };
    };
    const logon = (second: number, user = 'alice', status = '0xc000006a') => ({
      Event: {
        System: {
          EventID: 4625,
          Channel: 'Security',
          Computer: 'dc1',
          Provider: { '#attributes': { Name: 'Microsoft-Windows-Security-Auditing' } },
          TimeCreated: { '#attributes': { SystemTime: `2024-05-01T10:00:${String(second).padStart(2, '0')}.000Z` } },
        },
        EventData: { TargetUserName: user, IpAddress: '203.0.113.7', LogonType: 3, Status: status, SubStatus: status },
      },
    });
    let folder: string;
    beforeAll(() => {
      folder = join(dir, 'correlated');
      for (const sub of ['hidden', 'kept', 'logs']) mkdirSync(join(folder, sub), { recursive: true });
      for (const [sub, generate] of [
        ['hidden', false],
        ['kept', true],
      ] as const) {
        writeFileSync(join(folder, sub, 'whoami.yml'), RULE);
        writeFileSync(join(folder, sub, 'again.yml'), correlationRule(generate));
      }
      const whoami = 'C:\\Windows\\System32\\whoami.exe';
      // Two on ws1 within ten minutes (an alert), one on ws2 (none), one on ws1 an hour later (none).
      const lines = [timed(whoami, 0), timed(whoami, 3), timed(whoami, 4, 'ws2'), timed(whoami, 59)];
      writeFileSync(join(folder, 'logs', 'sysmon.jsonl'), `${lines.map((e) => JSON.stringify(e)).join('\n')}\n`);
      const logons = Array.from({ length: 8 }, (_, i) => logon(i * 5));
      writeFileSync(join(folder, 'logons.jsonl'), `${logons.map((e) => JSON.stringify(e)).join('\n')}\n`);
    });

    it('prints a correlation alert with its group, contributing records and kind, and hides the rule it uses', async () => {
      const result = await cli([
        'run',
        '--rules',
        join(folder, 'hidden'),
        '--logs',
        join(folder, 'logs'),
        '--format',
        'jsonl',
      ]);
      expect(result.code).toBe(0);
      const alerts = result.lines.map((l) => JSON.parse(l));
      const file = join(folder, 'logs', 'sysmon.jsonl');
      expect(alerts).toEqual([
        expect.objectContaining({
          kind: 'correlation',
          rule_id: '0b0b0b0b-0000-4000-8000-0000000000c1',
          rule_title: 'Whoami again and again',
          level: 'high',
          type: 'event_count',
          value: 2,
          event: { Computer: 'ws1' },
          contributor_count: 2,
          window: { start: '2024-05-01T10:00:00.000Z', end: '2024-05-01T10:03:00.000Z' },
          source: [
            { file, index: 0, rule_id: '0b0b0b0b-0000-4000-8000-000000000001', time: '2024-05-01T10:00:00.000Z' },
            { file, index: 1, rule_id: '0b0b0b0b-0000-4000-8000-000000000001', time: '2024-05-01T10:03:00.000Z' },
          ],
        }),
      ]);
    });

    it('keeps the base rule’s alerts when the correlation says generate, and shows every kind in the table', async () => {
      const json = await cli(['run', '--rules', join(folder, 'kept'), '--logs', join(folder, 'logs'), '-f', 'jsonl']);
      const kinds = json.lines.map((l) => JSON.parse(l).kind);
      expect(kinds.filter((k) => k === 'sigma')).toHaveLength(4);
      expect(kinds.filter((k) => k === 'correlation')).toHaveLength(1);
      const table = await cli(['run', '--rules', join(folder, 'hidden'), '--logs', join(folder, 'logs')]);
      expect(
        table.lines.some((l) => /^high\s+.*sysmon\.jsonl#1\s+\[correlation\] Whoami again and again/.test(l)),
      ).toBe(true);
      expect(table.lines.at(-1)).toBe(
        '0 alert(s) from 4 event(s) in 1 file(s), 1 rules; 1 correlation alert(s), 4 rule match(es) shown only through their correlations.',
      );
    });

    it('reports rule matches without a readable time instead of correlating them in silence', async () => {
      const result = await cli(['run', '--rules', join(folder, 'hidden'), '--logs', join(dir, 'logs', 'sysmon.jsonl')]);
      expect(result.code).toBe(0);
      expect(result.err).toContain('1 rule match(es) without a readable event time could not be correlated');
    });

    it('starts the windows afresh when a later file goes back in time (regression: its groups expired at once)', async () => {
      const order = join(folder, 'order');
      mkdirSync(order);
      const whoami = 'C:\\Windows\\System32\\whoami.exe';
      const older = (minute: number) => {
        const e = timed(whoami, minute, 'ws9');
        e.Event.System.TimeCreated['#attributes'].SystemTime = `2023-01-01T08:0${minute}:00.000Z`;
        return e;
      };
      writeFileSync(
        join(order, '1-new.jsonl'),
        `${[timed(whoami, 0), timed(whoami, 1)].map((e) => JSON.stringify(e)).join('\n')}\n`,
      );
      writeFileSync(join(order, '2-old.jsonl'), `${[older(0), older(2)].map((e) => JSON.stringify(e)).join('\n')}\n`);
      const result = await cli(['run', '--rules', join(folder, 'hidden'), '--logs', order, '-f', 'jsonl']);
      expect(result.code).toBe(0);
      expect(result.lines.map((l) => JSON.parse(l).event)).toEqual([{ Computer: 'ws1' }, { Computer: 'ws9' }]);
      expect(result.err).toContain(
        '2-old.jsonl starts at 2023-01-01T08:00:00.000Z, before the 2024-05-01T10:01:00.000Z already read',
      );
    });

    it('runs the behavioural detectors by default, and not with --no-behaviour', async () => {
      const logs = join(folder, 'logons.jsonl');
      const on = await cli(['run', '--rules', join(dir, 'good'), '--logs', logs, '--format', 'jsonl']);
      expect(on.code).toBe(0);
      const alerts = on.lines.map((l) => JSON.parse(l));
      expect(alerts.length).toBeGreaterThan(0);
      const brute = alerts.find((a) => a.pattern === 'brute_force');
      expect(brute).toMatchObject({
        kind: 'behaviour',
        rule_id: 'behaviour.brute_force',
        status: 'opened',
        entity: { value: expect.stringContaining('alice') },
        threshold: 5,
        window_ms: 300_000,
        source: { file: logs, format: 'evtx-json' },
      });
      expect(brute.observed).toBeGreaterThanOrEqual(5);
      expect(brute.reasons.length).toBeGreaterThan(0);
      expect(brute.level).toMatch(/^(info|low|medium|high|critical)$/);
      const off = await cli(['run', '--rules', join(dir, 'good'), '--logs', logs, '--no-behaviour', '-f', 'jsonl']);
      expect(off.code).toBe(0);
      expect(off.lines).toEqual([]);
      const table = await cli(['run', '--rules', join(dir, 'good'), '--logs', logs]);
      expect(table.lines.some((l) => /logons\.jsonl#\d+\s+\[behaviour\] .*\(opened\)/.test(l))).toBe(true);
    });
  });

  it('imports a log larger than one batch into the store, numbering rejected lines across batches', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigie-detect-import-'));
    const log = join(dataDir, 'auth.log');
    // 12,000 failed SSH logons (more than one 10,000-line batch), then one line no format reads.
    const lines = Array.from({ length: 12_000 }, (_, i) => {
      const second = String(i % 60).padStart(2, '0');
      const minute = String(Math.floor(i / 60) % 60).padStart(2, '0');
      return `Mar  3 10:${minute}:${second} web1 sshd[${1000 + i}]: Failed password for root from 203.0.113.7 port ${40000 + (i % 20000)} ssh2`;
    });
    writeFileSync(log, `${lines.join('\n')}\n\u0000\u0001 not a log line\n`);
    const { io, output } = cliHarness({ VIGIE_DATA_DIR: dataDir });
    const code = await runCli(['detect', 'import', log, '--year', '2026'], io);
    expect(code).toBe(1);
    expect(output.out).toMatch(/auth\.log: 12000 event\(s\) stored, [1-9]\d* alert\(s\), [1-9]\d* incident\(s\)/);
    expect(output.err).toContain(`${log}:12001:`);
  }, 60_000);

  it('says how many events of an older log the behavioural detectors could not count', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigie-detect-import-'));
    const failed = (day: string, i: number) =>
      `Mar ${day} 10:00:${String(i).padStart(2, '0')} web1 sshd[${1000 + i}]: Failed password for root from 203.0.113.7 port ${40000 + i} ssh2`;
    const recent = join(dataDir, 'recent.log');
    const older = join(dataDir, 'older.log');
    writeFileSync(recent, `${failed(' 9', 0)}\n`);
    // A day earlier: behind every behavioural window of the newest event the platform has seen.
    writeFileSync(older, `${Array.from({ length: 3 }, (_, i) => failed(' 8', i)).join('\n')}\n`);
    const { io, output } = cliHarness({ VIGIE_DATA_DIR: dataDir });
    expect(await runCli(['detect', 'import', recent, older, '--year', '2026'], io)).toBe(0);
    expect(output.out).toContain('older.log: 3 event(s) stored');
    expect(output.err).toContain(
      `vigie: ${older}: 3 observation(s) older than the behavioural windows (behind the newest event the platform has seen) were not counted by the behavioural detectors`,
    );
    expect(output.err).not.toContain(`vigie: ${recent}:`);
  }, 60_000);

  it('imports a file of no log format naming its first bad lines only, then how many in all', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigie-detect-import-'));
    const log = join(dataDir, 'notes.log');
    writeFileSync(log, `${Array.from({ length: 40 }, (_, i) => `note ${i}: nothing a log format reads`).join('\n')}\n`);
    const { io, output } = cliHarness({ VIGIE_DATA_DIR: dataDir });
    const code = await runCli(['detect', 'import', log], io);
    expect(code).toBe(1);
    expect(output.out).toContain('notes.log: 0 event(s) stored');
    const named = output.err.split('\n').filter((line) => line.startsWith(`vigie: ${log}:`) && /:\d+: /.test(line));
    expect(named).toHaveLength(5);
    expect(output.err).toContain(`vigie: ${log}: 40 record(s) in all could not be read`);
  }, 60_000);

  it('imports pretty-printed JSON as records, reporting what is not an event by its line', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigie-detect-import-'));
    const log = join(dataDir, 'events.json');
    const events = [event('C:\\Windows\\System32\\whoami.exe'), event('C:\\Windows\\notepad.exe')];
    const pretty = JSON.stringify(events, null, 2).split('\n');
    // A number among the events, on its own line before the closing bracket.
    writeFileSync(log, `${[...pretty.slice(0, -1), '  ,42', ']'].join('\n')}\n`);
    const { io, output } = cliHarness({ VIGIE_DATA_DIR: dataDir });
    const code = await runCli(['detect', 'import', log], io);
    expect(code).toBe(1);
    expect(output.out).toMatch(/events\.json: 2 event\(s\) stored/);
    expect(output.err).toContain(`${log}:${pretty.length}: json: an array element that is not a JSON object: "42"`);
  }, 60_000);
});
