/**
 * The normalised observations the behavioural detectors read. Adapters (./adapters) derive
 * them from Windows events and from ECS-style events; detectors never see raw logs.
 */

/** Why an authentication failed, as far as the log says; `unknown_user` feeds enumeration. */
export const AUTH_FAILURE_REASONS = ['bad_password', 'unknown_user', 'locked', 'disabled', 'expired', 'other'] as const;
export type AuthFailureReason = (typeof AUTH_FAILURE_REASONS)[number];

/** One attempt to authenticate (Windows logon, Kerberos, NTLM, SQL Server login, sshd...). */
export interface AuthAttempt {
  readonly kind: 'auth';
  /** Milliseconds since the epoch, from the event itself (never from a clock). */
  readonly time: number;
  /** Account name as written in the log; detectors compare it normalised (`normaliseUser`). */
  readonly user: string;
  readonly sourceIp?: string;
  /** The host that recorded the attempt. */
  readonly host?: string;
  /** `windows-logon`, `kerberos`, `ntlm`, `mssql`, `sshd`... */
  readonly service: string;
  readonly outcome: 'success' | 'failure';
  readonly reason?: AuthFailureReason;
}

/** One HTTP request from an access log. */
export interface WebRequest {
  readonly kind: 'web';
  readonly time: number;
  readonly sourceIp: string;
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly status: number;
  readonly userAgent?: string;
  readonly host?: string;
}

/** One attempt to open a connection (firewall, Sysmon network event, flow log). */
export interface ConnectionAttempt {
  readonly kind: 'connection';
  readonly time: number;
  readonly sourceIp: string;
  readonly destIp: string;
  readonly destPort: number;
  readonly outcome: 'success' | 'failure' | 'unknown';
}

export type BehaviourObservation = AuthAttempt | WebRequest | ConnectionAttempt;

/**
 * The account behind `DOMAIN\user`, `user@domain` and `User`: lower-case, without the domain,
 * so that `admmig@offsec.lan` failing then `admmig` succeeding is one account.
 */
export function normaliseUser(user: string): string {
  let name = user.trim();
  const slash = name.lastIndexOf('\\');
  if (slash >= 0) name = name.slice(slash + 1);
  const at = name.indexOf('@');
  if (at > 0) name = name.slice(0, at);
  return name.toLowerCase();
}

/** `::ffff:10.0.0.1` (IPv4 mapped in IPv6, as Windows writes it) is `10.0.0.1`. */
export function normaliseIp(ip: string): string {
  const lower = ip.trim().toLowerCase();
  return lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice(7) : lower;
}
