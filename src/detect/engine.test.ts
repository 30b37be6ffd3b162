// The engine on a small Windows fixture (evtx_dump JSON): field mapping, log sources, index, ATT&CK.
import { describe, expect, it } from 'vitest';
import { compileRuleTexts } from './index.js';

function windowsEvent(channel: string, provider: string, eventId: number, data: Record<string, unknown>) {
  return {
    Event: {
      '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
      System: {
        Provider: { '#attributes': { Name: provider } },
        EventID: eventId,
        Channel: channel,
        Computer: 'ws01',
        Security: { '#attributes': { UserID: 'S-1-5-18' } },
      },
      EventData: data,
    },
  };
}

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';
const processCreation = windowsEvent(SYSMON, 'Microsoft-Windows-Sysmon', 1, {
  Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
  CommandLine: 'powershell.exe -enc SQBFAFgA',
  ParentImage: 'C:\\Windows\\explorer.exe',
  ProcessId: 4242,
});
const registrySet = windowsEvent(SYSMON, 'Microsoft-Windows-Sysmon', 13, {
  Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
  TargetObject: 'HKU\\S-1-5-21\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\evil',
});
const explicitLogon = windowsEvent('Security', 'Microsoft-Windows-Security-Auditing', 4648, {
  TargetUserName: 'admin',
  ProcessName: 'C:\\Users\\bob\\tool.exe',
});

const rule = (id: string, logsource: string, detection: string, extra = '') =>
  `title: Rule ${id}\nid: ${id}\nlevel: high\n${extra}logsource:\n${logsource}\ndetection:\n${detection}\n`;

const RULES = [
  rule(
    'ps-enc',
    '  category: process_creation\n  product: windows',
    "  selection:\n    Image|endswith: '\\powershell.exe'\n    CommandLine|contains|windash: ' -enc '\n  condition: selection",
    'tags: [attack.execution, attack.t1059.001, attack.defense-evasion, attack.t1027]\n',
  ),
  rule(
    'ps-any',
    '  category: registry_set\n  product: windows',
    "  selection:\n    Image|endswith: '\\powershell.exe'\n  condition: selection",
  ),
  rule(
    'logon',
    '  service: security\n  product: windows',
    '  selection:\n    EventID: 4648\n    TargetUserName: admin\n  condition: selection',
  ),
  rule(
    'provider',
    '  product: windows',
    '  selection:\n    Provider_Name: Microsoft-Windows-Sysmon\n    EventID: 1\n    Computer: WS01\n  condition: selection',
  ),
  rule('linux', '  product: linux\n  service: auth', '  keywords: [powershell]\n  condition: keywords'),
  rule('web', '  category: webserver', '  keywords: [powershell]\n  condition: keywords'),
];

describe('the Sigma engine on Windows events', () => {
  const { detector, problems } = compileRuleTexts(RULES.map((text, i) => ({ file: `r${i}.yml`, text })));

  it('compiles the fixture rules', () => {
    expect(problems).toEqual([]);
    expect(detector.ruleCount).toBe(RULES.length);
  });

  it('applies each rule to the events of its log source only', () => {
    expect(detector.match(processCreation).map((m) => m.ruleId)).toEqual(['ps-enc', 'provider']);
    expect(detector.match(registrySet).map((m) => m.ruleId)).toEqual(['ps-any']);
    expect(detector.match(explicitLogon).map((m) => m.ruleId)).toEqual(['logon']);
  });

  it('carries the rule and its ATT&CK mapping', () => {
    const [match] = detector.match(processCreation);
    expect(match).toMatchObject({
      ruleId: 'ps-enc',
      ruleTitle: 'Rule ps-enc',
      level: 'high',
      ruleFile: 'r0.yml',
      attack: {
        techniques: ['T1059.001', 'T1027'],
        tactics: [
          { id: 'TA0002', name: 'Execution' },
          { id: 'TA0005', name: 'Defense Evasion' },
        ],
      },
    });
  });

  it('reads Security 4688 process creations with the Sysmon field names, and UserData fields', () => {
    const security = windowsEvent('Security', 'Microsoft-Windows-Security-Auditing', 4688, {
      NewProcessName: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      CommandLine: 'powershell -enc AAAA',
    });
    expect(detector.match(security).map((m) => m.ruleId)).toEqual(['ps-enc']);
    const userData = {
      Event: {
        System: {
          EventID: 1102,
          Channel: 'Security',
          Provider: { '#attributes': { Name: 'Microsoft-Windows-Eventlog' } },
        },
        UserData: { LogFileCleared: { SubjectUserName: 'admin' } },
      },
    };
    const cleared = rule(
      'cleared',
      '  service: security\n  product: windows',
      '  selection:\n    EventID: 1102\n    SubjectUserName: admin\n  condition: selection',
    );
    expect(compileRuleTexts([{ file: 'c.yml', text: cleared }]).detector.match(userData)).toHaveLength(1);
  });

  it('runs every rule on its detection alone when an event does not say where it comes from', () => {
    const flat = { Image: 'C:\\x\\powershell.exe', CommandLine: 'powershell /enc abc', message: 'powershell' };
    expect(detector.match(flat).map((m) => m.ruleId)).toEqual(['ps-enc', 'ps-any', 'linux', 'web']);
  });

  it('places events whose channels and ids the rules never name, beyond the sources it remembers', () => {
    const set = compileRuleTexts([
      {
        file: 'any-id.yml',
        text: 'title: Any id\nid: any-id\nlogsource: { product: windows, service: security }\ndetection:\n  sel:\n    TargetUserName: admin\n  condition: sel\n',
      },
      {
        file: 'failed.yml',
        text: 'title: Failed\nid: failed\nlogsource: { product: windows, service: security }\ndetection:\n  sel:\n    EventID: 4625\n    TargetUserName: admin\n  condition: sel\n',
      },
    ]);
    expect(set.problems).toEqual([]);
    const ids = (event: object) => set.detector.match(event).map((m) => m.ruleId);
    // 6,000 spellings of event ids (the engine remembers the pool of 4,096 sources by name).
    for (let i = 0; i < 6000; i++)
      expect(ids({ Channel: i % 3 ? 'Security' : 'SECURITY', EventID: `0${i}`, TargetUserName: 'admin' })).toEqual([
        'any-id',
      ]);
    expect(ids({ Channel: 'Security', EventID: 4625, TargetUserName: 'admin' })).toEqual(['any-id', 'failed']);
    expect(ids({ Channel: 'security', EventID: '4625', TargetUserName: 'admin' })).toEqual(['any-id', 'failed']);
  });
});
