import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAccessLogLine, parseSyslogLine } from '../../ingest/index.js';
import { fromEcsEvent } from './ecs.js';
import { fromWindowsEvent } from './windows.js';

/** An evtx_dump record, as the attack samples hold them. */
function evtx(
  id: number | { '#attributes': object; '#text': number },
  data: object,
  provider = 'Microsoft-Windows-Security-Auditing',
) {
  return {
    Event: {
      System: {
        Provider: { '#attributes': { Name: provider } },
        EventID: id,
        TimeCreated: { '#attributes': { SystemTime: '2021-12-02T14:48:15.983Z' } },
        Computer: 'rootdc1.offsec.lan',
      },
      EventData: data,
    },
  };
}
const T = Date.parse('2021-12-02T14:48:15.983Z');

describe('fromWindowsEvent', () => {
  it('4625 with its sub-status as the reason, and 4624 successes (service logons left out)', () => {
    const failed = fromWindowsEvent(
      evtx(4625, {
        TargetUserName: 'Administrator',
        Status: '0xc000006d',
        SubStatus: '0xc0000064',
        IpAddress: '192.168.198.149',
        LogonType: 3,
      }),
    );
    expect(failed).toEqual({
      ok: true,
      observations: [
        {
          kind: 'auth',
          time: T,
          user: 'Administrator',
          service: 'windows-logon',
          outcome: 'failure',
          reason: 'unknown_user',
          sourceIp: '192.168.198.149',
          host: 'rootdc1.offsec.lan',
        },
      ],
    });
    const noIp = fromWindowsEvent(evtx(4625, { TargetUserName: 'Admin', SubStatus: '0xc000006a', IpAddress: '-' }));
    expect(noIp.ok && noIp.observations[0]).toMatchObject({ reason: 'bad_password' });
    expect(noIp.ok && 'sourceIp' in (noIp.observations[0] ?? {})).toBe(false);
    expect(fromWindowsEvent(evtx(4624, { TargetUserName: 'admmig', LogonType: 8 }))).toMatchObject({
      observations: [{ outcome: 'success' }],
    });
    expect(fromWindowsEvent(evtx(4624, { TargetUserName: 'sshd_1', LogonType: 5 }))).toEqual({
      ok: true,
      observations: [],
    });
    expect(fromWindowsEvent(evtx(4624, { TargetUserName: 'FS01$', LogonType: 3 }))).toEqual({
      ok: true,
      observations: [],
    });
  });

  it('Kerberos 4768/4771 and NTLM 4776 statuses', () => {
    const unknown = fromWindowsEvent(
      evtx(4768, { TargetUserName: 'test1', Status: '0x6', IpAddress: '::ffff:10.23.123.11' }),
    );
    expect(unknown).toMatchObject({
      observations: [
        { service: 'kerberos', outcome: 'failure', reason: 'unknown_user', sourceIp: '::ffff:10.23.123.11' },
      ],
    });
    expect(fromWindowsEvent(evtx(4768, { TargetUserName: 'a', Status: '0x0' }))).toMatchObject({
      observations: [{ outcome: 'success' }],
    });
    expect(fromWindowsEvent(evtx(4771, { TargetUserName: 'a', Status: '0x18' }))).toMatchObject({
      observations: [{ reason: 'bad_password' }],
    });
    expect(fromWindowsEvent(evtx(4771, { TargetUserName: 'a', Status: '0x19' }))).toEqual({
      ok: true,
      observations: [],
    });
    expect(fromWindowsEvent(evtx(4776, { TargetUserName: 'NOUSER', Status: '0xc0000064' }))).toMatchObject({
      observations: [{ service: 'ntlm', reason: 'unknown_user' }],
    });
  });

  it('SQL Server 33205 login failures, with the client address from the statement', () => {
    const data =
      "action_id:LGIF\n    succeeded:false\n    server_principal_name:sa\n    statement:Login failed for user 'sa'. Reason: Password did not match that for the login provided. [CLIENT: 10.23.23.9]\n";
    const got = fromWindowsEvent(
      evtx({ '#attributes': { Qualifiers: '16384' }, '#text': 33205 }, { Data: data }, 'MSSQL$RADAR'),
    );
    expect(got).toMatchObject({
      observations: [
        { user: 'sa', service: 'mssql', outcome: 'failure', reason: 'bad_password', sourceIp: '10.23.23.9' },
      ],
    });
    // 33205 from another provider is not SQL Server's.
    expect(fromWindowsEvent(evtx(33205, { Data: data }, 'Other'))).toEqual({ ok: true, observations: [] });
  });

  it('Winlogbeat form, and a relevant event without a time is a reported skip', () => {
    const beat = {
      '@timestamp': '2021-12-02T14:48:15.983Z',
      winlog: {
        event_id: '4625',
        computer_name: 'ws1',
        event_data: { TargetUserName: 'bob', SubStatus: '0xc000006a', IpAddress: '10.0.0.8' },
      },
    };
    expect(fromWindowsEvent(beat)).toMatchObject({
      observations: [{ user: 'bob', host: 'ws1', sourceIp: '10.0.0.8', time: T }],
    });
    expect(fromWindowsEvent({ winlog: { event_id: 4625, event_data: { TargetUserName: 'bob' } } })).toEqual({
      ok: false,
      reason: 'event 4625 has no readable time',
    });
    expect(fromWindowsEvent(evtx(4688, {}))).toEqual({ ok: true, observations: [] });
  });

  it('Sysmon 3 network connections, only from Sysmon', () => {
    const data = { SourceIp: '10.0.0.1', DestinationIp: '10.0.0.2', DestinationPort: 445 };
    expect(fromWindowsEvent(evtx(3, data, 'Microsoft-Windows-Sysmon'))).toMatchObject({
      observations: [{ kind: 'connection', destPort: 445 }],
    });
    expect(fromWindowsEvent(evtx(3, data))).toEqual({ ok: true, observations: [] });
  });
});

describe('fromEcsEvent on the ingest parsers', () => {
  const ssh = (message: string) => {
    const parsed = parseSyslogLine(`Dec 10 06:55:46 LabSZ sshd[24200]: ${message}`, { year: 2015 });
    if (!parsed.ok) throw new Error(parsed.reason);
    return fromEcsEvent(parsed.event);
  };

  it('counts one sshd attempt once: "Failed password" lines, not the PAM and "Invalid user" lines', () => {
    expect(ssh('Failed password for invalid user webmaster from 173.234.31.186 port 38926 ssh2')).toMatchObject({
      observations: [
        {
          kind: 'auth',
          user: 'webmaster',
          sourceIp: '173.234.31.186',
          outcome: 'failure',
          reason: 'unknown_user',
          service: 'sshd',
          host: 'LabSZ',
        },
      ],
    });
    expect(ssh('Failed password for root from 183.62.140.253 port 38926 ssh2')).toMatchObject({
      observations: [{ reason: 'bad_password' }],
    });
    expect(ssh('Invalid user webmaster from 173.234.31.186')).toEqual({ ok: true, observations: [] });
    expect(
      ssh('pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=173.234.31.186'),
    ).toEqual({ ok: true, observations: [] });
    expect(ssh('Accepted password for fztu from 119.137.62.142 port 49116 ssh2')).toMatchObject({
      observations: [{ outcome: 'success', user: 'fztu' }],
    });
  });

  it('access-log lines become web requests', () => {
    const parsed = parseAccessLogLine(
      '192.168.4.163 - - [22/Dec/2016:22:32:31 +0300] "GET /x.php?id=1 HTTP/1.1" 404 3279 "-" "w3af.org"',
    );
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(fromEcsEvent(parsed.event)).toEqual({
      ok: true,
      observations: [
        {
          kind: 'web',
          time: Date.parse('2016-12-22T19:32:31Z'),
          sourceIp: '192.168.4.163',
          method: 'GET',
          path: '/x.php',
          status: 404,
          userAgent: 'w3af.org',
        },
      ],
    });
  });

  it('ECS network events become connection attempts; no time is a reported skip', () => {
    const event = {
      '@timestamp': '2024-01-01T00:00:00Z',
      event: { category: ['network'], outcome: 'failure' },
      source: { ip: '10.0.0.1' },
      destination: { ip: '10.0.0.2', port: 22 },
    };
    expect(fromEcsEvent(event)).toMatchObject({
      observations: [{ kind: 'connection', destPort: 22, outcome: 'failure' }],
    });
    expect(fromEcsEvent({ event: { category: 'web' } })).toMatchObject({ ok: false });
  });
});

describe('adapters never throw', () => {
  const shaped = fc.record({
    Event: fc.record({
      System: fc.record({
        EventID: fc.oneof(fc.constantFrom(4624, 4625, 4768, 4771, 4776, 33205, 3, 5156), fc.anything()),
        TimeCreated: fc.record({
          '#attributes': fc.record({
            SystemTime: fc.oneof(
              fc.string(),
              fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
            ),
          }),
        }),
        Provider: fc.anything(),
      }),
      EventData: fc.oneof(
        fc.dictionary(
          fc.constantFrom(
            'TargetUserName',
            'Status',
            'SubStatus',
            'IpAddress',
            'LogonType',
            'Data',
            'SourceIp',
            'DestinationPort',
            '__proto__',
          ),
          fc.anything(),
        ),
        fc.anything(),
      ),
    }),
  });
  const ecs = fc.record({
    '@timestamp': fc.oneof(fc.string(), fc.constant('2024-01-01T00:00:00Z'), fc.anything()),
    event: fc.record({
      category: fc.oneof(fc.constantFrom('authentication', 'web', 'network'), fc.anything()),
      outcome: fc.anything(),
      action: fc.anything(),
    }),
    user: fc.anything(),
    source: fc.oneof(fc.record({ ip: fc.anything() }), fc.anything()),
    http: fc.anything(),
    url: fc.anything(),
    destination: fc.anything(),
    process: fc.anything(),
  });

  it('on arbitrary values and on arbitrary shapes close to the real ones', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.jsonValue(), shaped, ecs), (value) => {
        for (const adapt of [fromWindowsEvent, fromEcsEvent]) {
          const got = adapt(value);
          if (got.ok) for (const o of got.observations) expect(Number.isFinite(o.time)).toBe(true);
          else expect(got.reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
