/**
 * sshd and sudo messages read into ECS authentication fields. Each pattern is a table row
 * (data), anchored and linear-time; a message that no row knows keeps its generic syslog
 * fields only. `event.action` names what sshd or sudo said; counting login attempts means
 * counting `ssh_login` events (sshd also logs `invalid_user` and PAM lines for the same attempt).
 */
import { type EcsEvent, integer, put } from './event.js';

interface AuthPattern {
  readonly pattern: RegExp;
  readonly action: string;
  readonly category: 'authentication' | 'session' | 'network';
  readonly outcome?: 'success' | 'failure';
  /** Capture group → ECS field (dotted). */
  readonly groups: Readonly<Record<string, string>>;
}

// `\S{1,256}` and `[^ ]` bounded pieces with literal separators: no backtracking blow-up.
const USER = '(?<user>\\S{1,256})';
/** sshd writes user names as sent, spaces included (`invalid user  0101`): lazily up to ` from `. */
const ANY_USER = '(?<user>.{0,256}?)';
const IP = '(?<ip>[0-9A-Fa-f.:%]{2,64})';
const PORT = 'port (?<port>\\d{1,5})';
const STD = { user: 'user.name', ip: 'source.ip', port: 'source.port', method: 'ssh.method' } as const;

export const SSHD_PATTERNS: readonly AuthPattern[] = [
  {
    pattern: new RegExp(`^Accepted (?<method>[\\w/-]{1,64}) for ${USER} from ${IP} ${PORT}`),
    action: 'ssh_login',
    category: 'authentication',
    outcome: 'success',
    groups: STD,
  },
  {
    pattern: new RegExp(
      `^Failed (?<method>[\\w/-]{1,64}) for (?<invalid>invalid user )?${ANY_USER} from ${IP} ${PORT}`,
    ),
    action: 'ssh_login',
    category: 'authentication',
    outcome: 'failure',
    groups: STD,
  },
  {
    pattern: new RegExp(`^Invalid user ${ANY_USER} from ${IP}(?: ${PORT})?$`),
    action: 'invalid_user',
    category: 'authentication',
    outcome: 'failure',
    groups: STD,
  },
  {
    pattern: new RegExp(`^input_userauth_request: invalid user ${USER} \\[preauth\\]`),
    action: 'invalid_user_request',
    category: 'authentication',
    outcome: 'failure',
    groups: STD,
  },
  {
    pattern: new RegExp(`^User ${USER} from ${IP} not allowed because`),
    action: 'user_not_allowed',
    category: 'authentication',
    outcome: 'failure',
    groups: STD,
  },
  {
    pattern: new RegExp(
      `^(?:error: )?maximum authentication attempts exceeded for (?:invalid user )?${USER} from ${IP} ${PORT}`,
    ),
    action: 'max_auth_attempts',
    category: 'authentication',
    outcome: 'failure',
    groups: STD,
  },
  {
    pattern: new RegExp(`^Disconnecting (?:invalid |authenticating )?user ${USER} ${IP} ${PORT}: Too many`),
    action: 'max_auth_attempts',
    category: 'authentication',
    outcome: 'failure',
    groups: STD,
  },
  {
    pattern: /^pam_unix\(sshd:auth\): authentication failure;(?<rest>.{0,2048})$/,
    action: 'pam_auth_failure',
    category: 'authentication',
    outcome: 'failure',
    groups: {},
  },
  {
    pattern: /^pam_unix\(sshd:auth\): check pass; user unknown/,
    action: 'pam_user_unknown',
    category: 'authentication',
    outcome: 'failure',
    groups: {},
  },
  {
    pattern: /^PAM (?<count>\d{1,5}) more authentication failures?;(?<rest>.{0,2048})$/,
    action: 'pam_auth_failure',
    category: 'authentication',
    outcome: 'failure',
    groups: {},
  },
  {
    pattern: new RegExp(`^pam_unix\\(sshd:session\\): session opened for user ${USER}`),
    action: 'session_opened',
    category: 'session',
    outcome: 'success',
    groups: STD,
  },
  {
    pattern: new RegExp(`^pam_unix\\(sshd:session\\): session closed for user ${USER}`),
    action: 'session_closed',
    category: 'session',
    groups: STD,
  },
  {
    pattern: new RegExp(`^Connection closed by (?:(?:invalid|authenticating) user ${USER} )?${IP}(?: ${PORT})?`),
    action: 'connection_closed',
    category: 'network',
    groups: STD,
  },
  {
    pattern: new RegExp(`^Disconnected from (?:(?:(?:invalid|authenticating) )?user ${USER} )?${IP} ${PORT}`),
    action: 'disconnected',
    category: 'network',
    groups: STD,
  },
  {
    pattern: new RegExp(`^(?:error: )?Received disconnect from ${IP}(?: ${PORT})?:`),
    action: 'disconnected',
    category: 'network',
    groups: STD,
  },
  {
    pattern: new RegExp(`^Did not receive identification string from ${IP}`),
    action: 'no_identification',
    category: 'network',
    outcome: 'failure',
    groups: STD,
  },
  {
    pattern: new RegExp(`^Connection from ${IP} ${PORT}`),
    action: 'connection',
    category: 'network',
    groups: STD,
  },
  {
    pattern: new RegExp(`^reverse mapping checking getaddrinfo for \\S{1,256} \\[${IP}\\] failed`),
    action: 'reverse_mapping_failed',
    category: 'network',
    groups: STD,
  },
];

/** `key=value` pairs of a PAM line (`logname= uid=0 … rhost=1.2.3.4  user=root`). */
function pamPairs(text: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const part of text.split(' ')) {
    const eq = part.indexOf('=');
    if (eq > 0) pairs.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return pairs;
}

function isIp(text: string): boolean {
  return /^[0-9A-Fa-f.:]{2,64}$/.test(text) && (text.includes('.') || text.includes(':'));
}

function readSshd(event: EcsEvent, message: string): void {
  for (const row of SSHD_PATTERNS) {
    const m = row.pattern.exec(message);
    if (!m) continue;
    const g = m.groups ?? {};
    put(event, 'event.category', row.category);
    put(event, 'event.action', row.action);
    put(event, 'event.outcome', row.outcome);
    for (const [group, field] of Object.entries(row.groups)) {
      const value = g[group];
      if (value === undefined || value === '') continue;
      put(event, field, field === 'source.port' ? integer(value) : value);
    }
    if (g.invalid !== undefined) put(event, 'ssh.invalid_user', true);
    if (g.rest !== undefined) {
      const pairs = pamPairs(g.rest);
      const host = pairs.get('rhost');
      if (host) put(event, isIp(host) ? 'source.ip' : 'source.domain', host);
      const user = pairs.get('user');
      if (user) put(event, 'user.name', user);
    }
    return;
  }
}

/** `  alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls -l` and its failures. */
const SUDO = /^\s{0,8}(?<user>[^\s:]{1,256}) : (?<rest>.{1,8192})$/;

function readSudo(event: EcsEvent, message: string): void {
  const pam = /^pam_unix\(sudo:(?<kind>auth|session)\): (?<rest>.{0,2048})$/.exec(message);
  if (pam?.groups) {
    const rest = pam.groups.rest as string;
    if (pam.groups.kind === 'auth' && rest.startsWith('authentication failure;')) {
      const pairs = pamPairs(rest);
      put(event, 'event.category', 'authentication');
      put(event, 'event.action', 'sudo_auth_failure');
      put(event, 'event.outcome', 'failure');
      put(event, 'user.name', pairs.get('ruser') || pairs.get('logname') || undefined);
      put(event, 'user.target.name', pairs.get('user') || undefined);
      return;
    }
    const opened = /^session opened for user (?<target>\S{1,256})(?: by (?<user>[^\s(]{1,256}))?/.exec(rest);
    if (opened?.groups) {
      put(event, 'event.category', 'session');
      put(event, 'event.action', 'sudo_session_opened');
      put(event, 'event.outcome', 'success');
      put(event, 'user.target.name', opened.groups.target);
      put(event, 'user.name', opened.groups.user || undefined);
    }
    return;
  }
  const m = SUDO.exec(message);
  if (!m?.groups) return;
  const rest = m.groups.rest as string;
  // COMMAND is last and may itself contain " ; ": everything after it is the command.
  const commandAt = rest.indexOf('COMMAND=');
  const command = commandAt >= 0 ? rest.slice(commandAt + 'COMMAND='.length) : undefined;
  const parts = (commandAt >= 0 ? rest.slice(0, commandAt) : rest).split(' ; ');
  const pairs = new Map<string, string>();
  const notes: string[] = [];
  for (const part of parts) {
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq) : '';
    if (/^[A-Z]{2,10}$/.test(key)) pairs.set(key, part.slice(eq + 1));
    else if (part.trim() !== '') notes.push(part.trim());
  }
  if (command === undefined && !pairs.has('TTY') && !pairs.has('USER')) return;
  put(event, 'event.category', 'process');
  put(event, 'event.action', notes.length > 0 ? 'sudo_refused' : 'sudo_command');
  put(event, 'event.outcome', notes.length > 0 ? 'failure' : 'success');
  if (notes.length > 0) put(event, 'event.reason', notes.join(' ; '));
  put(event, 'user.name', m.groups.user);
  put(event, 'user.target.name', pairs.get('USER'));
  put(event, 'process.working_directory', pairs.get('PWD'));
  put(event, 'process.tty.name', pairs.get('TTY'));
  put(event, 'process.command_line', command);
}

/** Adds authentication fields to a syslog event whose process is sshd or sudo. */
export function readAuthMessage(event: EcsEvent): void {
  const process = event.process as { name?: unknown } | undefined;
  const name = process?.name;
  const raw = event.message;
  if (typeof name !== 'string' || typeof raw !== 'string') return;
  let message = raw;
  // rsyslog folds identical lines: `message repeated 5 times: [ Failed password for …]` stands
  // for five attempts, which brute-force counting must see.
  const repeated = /^message repeated (\d{1,9}) times: \[ ?(.{0,8192})\]$/.exec(message);
  if (repeated) {
    put(event, 'log.syslog.repeat_count', Number(repeated[1]));
    message = repeated[2] as string;
  }
  if (name === 'sshd' || name === 'sshd-session') readSshd(event, message);
  else if (name === 'sudo') readSudo(event, message);
}
