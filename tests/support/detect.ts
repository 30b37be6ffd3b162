/** Log lines and rules that Detect's tests share: sshd failures at a chosen time, and a Sigma rule for them. */

export const SSH_RULE_ID = '5f2b1c3e-0d3c-4a8e-9a53-1d1f5a9b7c01';

export const SSH_RULE = `title: SSH failed password
id: ${SSH_RULE_ID}
status: test
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
`;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An RFC 3164 sshd failure at `ms` (UTC). */
export function sshFailure(ms: number, user = 'root', ip = '203.0.113.7', host = 'web01'): string {
  const d = new Date(ms);
  const day = String(d.getUTCDate()).padStart(2, ' ');
  const time = d.toISOString().slice(11, 19);
  return `<38>${MONTHS[d.getUTCMonth()]} ${day} ${time} ${host} sshd[4242]: Failed password for ${user} from ${ip} port ${40000 + (ms % 1000)} ssh2`;
}

/** The same at RFC 5424. */
export function sshFailure5424(ms: number, user = 'root', ip = '203.0.113.7', host = 'web01'): string {
  return `<38>1 ${new Date(ms).toISOString()} ${host} sshd 4242 - - Failed password for ${user} from ${ip} port ${40000 + (ms % 1000)} ssh2`;
}
