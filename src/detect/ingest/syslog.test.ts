import { existsSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSyslogLine } from './index.js';

const Y = { year: 2024 };
const at = (event: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>(
      (node, key) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined),
      event,
    );
const ok = (line: string) => {
  const r = parseSyslogLine(line, Y);
  if (!r.ok) throw new Error(`expected ok: ${r.reason}`);
  // biome-ignore lint/suspicious/noExplicitAny: tests read deep into events they just checked.
  return r.event as Record<string, any>;
};

describe('RFC 3164 syslog', () => {
  it('reads the header and an sshd invalid user', () => {
    const e = ok('Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186');
    expect(e['@timestamp']).toBe('2024-12-10T06:55:46.000Z');
    expect(e.host).toEqual({ hostname: 'LabSZ' });
    expect(e.process).toEqual({ name: 'sshd', pid: 24200 });
    expect(e.message).toBe('Invalid user webmaster from 173.234.31.186');
    expect(e.event).toEqual({
      original: 'Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186',
      category: 'authentication',
      action: 'invalid_user',
      outcome: 'failure',
    });
    expect(e.user).toEqual({ name: 'webmaster' });
    expect(e.source).toEqual({ ip: '173.234.31.186' });
  });

  it('reads priority, a space-padded day, and CR LF endings', () => {
    const e = ok(
      '<38>Mar  1 23:59:59 web01 sshd[7]: Accepted publickey for alice from 2001:db8::1 port 52100 ssh2\r\n',
    );
    expect(e.log.syslog.facility).toEqual({ code: 4, name: 'auth' });
    expect(e.log.syslog.severity).toEqual({ code: 6, name: 'informational' });
    expect(e['@timestamp']).toBe('2024-03-01T23:59:59.000Z');
    expect(e.event).toMatchObject({ action: 'ssh_login', outcome: 'success', category: 'authentication' });
    expect(e.ssh).toEqual({ method: 'publickey' });
    expect(e.source).toEqual({ ip: '2001:db8::1', port: 52100 });
    expect(e.user.name).toBe('alice');
    expect(e.event.original.endsWith('ssh2')).toBe(true);
  });

  it('reads failed passwords, for valid and invalid users', () => {
    const e = ok(
      'Dec 10 06:55:48 LabSZ sshd[24200]: Failed password for invalid user webmaster from 173.234.31.186 port 38926 ssh2',
    );
    expect(e.event).toMatchObject({ action: 'ssh_login', outcome: 'failure' });
    expect(e.source).toEqual({ ip: '173.234.31.186', port: 38926 });
    expect(e.ssh).toEqual({ method: 'password', invalid_user: true });
    const root = ok('Dec 10 07:02:47 LabSZ sshd[24203]: Failed password for root from 5.36.59.76 port 42393 ssh2');
    expect(root.user.name).toBe('root');
    expect(root.ssh.invalid_user).toBeUndefined();
  });

  it('reads folded repeats and user names with spaces', () => {
    const e = ok(
      'Dec 10 07:13:56 LabSZ sshd[24227]: message repeated 5 times: [ Failed password for root from 5.36.59.76 port 42393 ssh2]',
    );
    expect(e.log.syslog.repeat_count).toBe(5);
    expect(e.event).toMatchObject({ action: 'ssh_login', outcome: 'failure' });
    expect(e.message.startsWith('message repeated')).toBe(true);
    const spaced = ok(
      'Dec 10 08:24:35 LabSZ sshd[24361]: Failed password for invalid user  0101 from 5.188.10.180 port 36279 ssh2',
    );
    expect(spaced.user.name).toBe(' 0101');
    expect(spaced.source.port).toBe(36279);
  });

  it('reads PAM failures with their remote host', () => {
    const e = ok(
      'Dec 10 10:55:26 LabSZ sshd[24935]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=183.62.140.253  user=root',
    );
    expect(e.event).toMatchObject({ action: 'pam_auth_failure', outcome: 'failure' });
    expect(e.source.ip).toBe('183.62.140.253');
    expect(e.user.name).toBe('root');
  });

  it('reads sudo commands and refusals', () => {
    const e = ok(
      'Jan  5 10:00:00 host sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/cat /etc/shadow',
    );
    expect(e.user).toEqual({ name: 'alice', target: { name: 'root' } });
    expect(e.process.command_line).toBe('/bin/cat /etc/shadow');
    expect(e.event).toMatchObject({ outcome: 'success', action: 'sudo_command' });
    const refused = ok(
      'Jan  5 10:00:01 host sudo:      bob : user NOT in sudoers ; TTY=pts/1 ; PWD=/tmp ; USER=root ; COMMAND=/bin/sh -c id ; echo x',
    );
    expect(refused.event).toMatchObject({ outcome: 'failure', action: 'sudo_refused', reason: 'user NOT in sudoers' });
    expect(refused.process.command_line).toBe('/bin/sh -c id ; echo x');
    const pam = ok(
      'Jan  5 10:00:02 host sudo: pam_unix(sudo:auth): authentication failure; logname=bob uid=1001 euid=0 tty=/dev/pts/1 ruser=bob rhost=  user=bob',
    );
    expect(pam.event).toMatchObject({ outcome: 'failure', category: 'authentication' });
    expect(pam.user.name).toBe('bob');
  });

  it('reads rsyslog RFC 3339 timestamps and lines without a host', () => {
    const e = ok('2024-05-02T10:11:12.345678+02:00 srv sshd[9]: Connection closed by 10.0.0.5 port 22 [preauth]');
    expect(e['@timestamp']).toBe('2024-05-02T08:11:12.345Z');
    expect(e.host.hostname).toBe('srv');
    const noHost = ok('Dec 10 06:55:46 cron[12]: job done');
    expect(noHost.host).toBeUndefined();
    expect(noHost.process).toEqual({ name: 'cron', pid: 12 });
  });

  it('refuses what is not syslog, with a reason', () => {
    expect(parseSyslogLine('hello world', Y)).toEqual({
      ok: false,
      reason: 'no syslog timestamp (neither "Mmm dd hh:mm:ss" nor RFC 3339)',
    });
    expect(parseSyslogLine('Feb 30 10:00:00 h x: y', Y)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('invalid date'),
    });
    expect(parseSyslogLine('<999>Dec 10 06:55:46 h x: y', Y)).toMatchObject({ ok: false });
    expect(parseSyslogLine('Dec 10 06:55:46 h x: y', { year: 2023 })).toMatchObject({ ok: true });
  });
});

describe('RFC 5424 syslog', () => {
  it('reads the header, structured data with escapes, and the message', () => {
    const line =
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 1234 ID47 [exampleSDID@32473 iut="3" eventSource="Appl\\"ication" eventID="1011"][x@1 a="b\\]c"] \uFEFFAn application event';
    const e = ok(line);
    expect(e['@timestamp']).toBe('2003-10-11T22:14:15.003Z');
    expect(e.host.hostname).toBe('mymachine.example.com');
    expect(e.process).toEqual({ name: 'evntslog', pid: 1234 });
    expect(e.log.syslog).toMatchObject({
      version: 1,
      msgid: 'ID47',
      facility: { code: 20, name: 'local4' },
      severity: { code: 5, name: 'notice' },
      structured_data: {
        'exampleSDID@32473': { iut: '3', eventSource: 'Appl"ication', eventID: '1011' },
        'x@1': { a: 'b]c' },
      },
    });
    expect(e.message).toBe('An application event');
  });

  it('reads nil values and sshd messages', () => {
    const e = ok(
      '<86>1 2024-01-01T00:00:00Z bastion sshd 311 - - Failed password for admin from 192.0.2.7 port 4000 ssh2',
    );
    expect(e.event).toMatchObject({ action: 'ssh_login', outcome: 'failure' });
    expect(e.log.syslog.structured_data).toBeUndefined();
    const nil = ok('<13>1 - - - - - -');
    expect(nil['@timestamp']).toBeUndefined();
    expect(nil.message).toBe('');
  });

  it('refuses broken structured data with a reason', () => {
    expect(parseSyslogLine('<13>1 2024-01-01T00:00:00Z h a - - [id k="v', Y)).toMatchObject({
      ok: false,
      reason: 'unterminated value of k in [id]',
    });
    expect(parseSyslogLine('<13>1 2024-01-01T00:00:00Z h a', Y)).toMatchObject({ ok: false });
  });
});

describe('syslog parser on any input', () => {
  it('never throws and always answers ok or a reason', () => {
    const pieces = fc.constantFrom(
      '<',
      '>',
      '13',
      '1 ',
      'Dec 10 06:55:46 ',
      ' ',
      '[',
      ']',
      '"',
      '\\',
      '=',
      'sshd[1]: ',
      'sudo: ',
      ' : ',
      ' ; ',
      'COMMAND=',
      'from ',
      'port ',
      '1.2.3.4',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          fc.array(pieces).map((p) => p.join('')),
        ),
        (line) => {
          const r = parseSyslogLine(line, Y);
          if (r.ok) expect(typeof r.event).toBe('object');
          else expect(r.reason.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('handles long adversarial lines quickly (linear time)', () => {
    const long = `Dec 10 06:55:46 h sshd[1]: Invalid user ${'a from '.repeat(8000)}`;
    expect(parseSyslogLine(long, Y).ok).toBe(true);
    expect(parseSyslogLine(`<13>1 - - - - - [${'a '.repeat(20000)}`, Y).ok).toBe(false);
    expect(parseSyslogLine('x'.repeat(70_000), Y)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('longer'),
    });
  });
});

const OPENSSH = '/work/shared/data/detect/attack/loghub/OpenSSH/OpenSSH_2k.log';
describe.skipIf(!existsSync(OPENSSH))(
  'real data: loghub OpenSSH_2k.log (skipped when /work/shared/data is absent)',
  () => {
    it('reads every line and finds the failed logins', () => {
      const lines = readFileSync(OPENSSH, 'utf8')
        .split('\n')
        .filter((l) => l !== '');
      const events = lines.map((l) => parseSyslogLine(l, Y));
      expect(events.filter((r) => !r.ok)).toEqual([]);
      const failures = events.filter(
        (r) => r.ok && at(r.event, 'event.action') === 'ssh_login' && at(r.event, 'event.outcome') === 'failure',
      );
      // Same as: grep -cE ': (message repeated [0-9]+ times: \[ )?Failed [a-z]+ for ' OpenSSH_2k.log
      const expected = lines.filter((l) => /: (message repeated \d+ times: \[ )?Failed [a-z]+ for /.test(l));
      expect(expected.length).toBeGreaterThan(500);
      expect(failures.length).toBe(expected.length);
      const folded = failures.filter((r) => r.ok && at(r.event, 'log.syslog.repeat_count') === 5);
      expect(folded.length).toBe(2);
    });
  },
);
