/**
 * Detect's share of the demo (`vigie serve --demo`): a tiny Sigma pack and the auth.log of an
 * SSH brute force on root that succeeds, then a root shell through sudo. The lines are real
 * sshd/sudo syntax, so the alerts and the incident come from Detect's own parsing and rules.
 */

export const DEMO_DETECT_PACK = 'Démo Vigie — SSH et sudo';

const SSH_FAILED_ID = '7d0c3f1e-5b0a-4c1e-9a7e-2f6b8d9e0a11';

const RULES: readonly { path: string; text: string }[] = [
  {
    path: 'ssh-failed-password.yml',
    text: `title: SSH failed password
id: ${SSH_FAILED_ID}
status: test
description: A password refused by sshd; many in a row from one address is a brute force.
logsource:
  product: linux
  service: sshd
detection:
  keywords:
    - 'Failed password'
  condition: keywords
level: low
tags:
  - attack.credential_access
  - attack.t1110.001
`,
  },
  {
    path: 'ssh-brute-force.yml',
    text: `title: SSH brute force from one address
id: 7d0c3f1e-5b0a-4c1e-9a7e-2f6b8d9e0a12
status: test
level: high
correlation:
  type: event_count
  rules: [${SSH_FAILED_ID}]
  group-by: [source.ip]
  timespan: 5m
  condition: { gte: 10 }
  generate: true
tags:
  - attack.credential_access
  - attack.t1110.001
`,
  },
  {
    path: 'sudo-root-shell.yml',
    text: `title: Root shell through sudo
id: 7d0c3f1e-5b0a-4c1e-9a7e-2f6b8d9e0a13
status: test
description: sudo run as root to open an interactive shell (bash, sh, su) rather than one command.
logsource:
  product: linux
  service: sudo
detection:
  keywords:
    - 'USER=root ; COMMAND=/bin/bash'
    - 'USER=root ; COMMAND=/bin/sh'
    - 'USER=root ; COMMAND=/bin/su'
    - 'USER=root ; COMMAND=/usr/bin/su'
  condition: keywords
level: medium
tags:
  - attack.privilege_escalation
  - attack.t1548.003
`,
  },
];

export const demoDetectRules = (): { name: string; files: readonly { path: string; text: string }[] } => ({
  name: DEMO_DETECT_PACK,
  files: RULES,
});

const ATTACKER = '203.0.113.45';
const HOST = 'web-prod-01';

/**
 * Twenty RFC 5424 auth lines starting 30 minutes before `now` (ms): 16 refused root passwords in
 * under a minute from one address, the one that works, the session, and `sudo bash`. RFC 5424
 * carries the year and the offset, so the demo reads the same on 31 December.
 */
export function demoAuthLog(now: number): string[] {
  const start = now - 30 * 60_000;
  const at = (ms: number) => new Date(start + ms).toISOString();
  const sshd = (ms: number, pid: number, msg: string) => `<38>1 ${at(ms)} ${HOST} sshd ${pid} - - ${msg}`;
  const lines: string[] = [];
  for (let i = 0; i < 16; i++) {
    const pid = 21000 + i;
    lines.push(sshd(i * 3_000, pid, `Failed password for root from ${ATTACKER} port ${51000 + i * 7} ssh2`));
  }
  lines.push(
    sshd(50_000, 21020, `Accepted password for root from ${ATTACKER} port 51200 ssh2`),
    sshd(50_100, 21020, 'pam_unix(sshd:session): session opened for user root(uid=0) by (uid=0)'),
    `<86>1 ${at(95_000)} ${HOST} sudo - - - deploy : TTY=pts/1 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/systemctl status nginx`,
    `<86>1 ${at(120_000)} ${HOST} sudo - - - root : TTY=pts/0 ; PWD=/root ; USER=root ; COMMAND=/bin/bash`,
  );
  return lines;
}
