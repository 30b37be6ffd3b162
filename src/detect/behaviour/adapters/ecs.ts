/**
 * ECS-style nested events (those of `detect/ingest`: syslog sshd/sudo, access logs, or any
 * ECS source) to observations. Contract read: `@timestamp`, `event.category`, `event.outcome`,
 * `event.action`, `user.name`, `source.ip`, `host.hostname`, `process.name`,
 * `http.request.method`, `url.path`, `http.response.status_code`, `user_agent.original`,
 * `destination.ip`, `destination.port`.
 */
import type { AuthAttempt, BehaviourObservation, ConnectionAttempt, WebRequest } from '../observation.js';
import { type Adapted, at, int, text, time } from './read.js';

/** `event.category` is a string or an array of strings in ECS. */
function hasCategory(event: unknown, category: string): boolean {
  const c = at(event, 'event', 'category');
  return c === category || (Array.isArray(c) && c.includes(category));
}

/**
 * sshd logs one attempt several times (`Invalid user`, PAM lines, `Failed password`); the
 * ingest parser names the one line per attempt `ssh_login`, so only those count for sshd.
 */
function countsAsAttempt(event: unknown): boolean {
  const process = text(at(event, 'process', 'name'))?.toLowerCase();
  if (process !== 'sshd') return true;
  return at(event, 'event', 'action') === 'ssh_login';
}

/** Never throws: events of no interest give no observation; a relevant one without a time is a skip. */
export function fromEcsEvent(event: unknown): Adapted<BehaviourObservation> {
  const auth = hasCategory(event, 'authentication');
  const web = hasCategory(event, 'web') || at(event, 'http', 'response', 'status_code') !== undefined;
  const network = hasCategory(event, 'network') && at(event, 'destination', 'port') !== undefined;
  if (!auth && !web && !network) return { ok: true, observations: [] };
  const when = time(at(event, '@timestamp'));
  if (when === undefined) return { ok: false, reason: 'event without a readable @timestamp' };
  const host = text(at(event, 'host', 'hostname')) ?? text(at(event, 'host', 'name'));
  const sourceIp = text(at(event, 'source', 'ip'));
  if (auth) {
    const outcome = at(event, 'event', 'outcome');
    const user = text(at(event, 'user', 'name'));
    if ((outcome !== 'success' && outcome !== 'failure') || user === undefined || !countsAsAttempt(event))
      return { ok: true, observations: [] };
    const invalid = at(event, 'ssh', 'invalid_user') === true;
    const a: AuthAttempt = {
      kind: 'auth',
      time: when,
      user,
      service: text(at(event, 'process', 'name'))?.toLowerCase() ?? text(at(event, 'event', 'dataset')) ?? 'unknown',
      outcome,
      ...(sourceIp ? { sourceIp } : {}),
      ...(host ? { host } : {}),
      ...(outcome === 'failure' ? { reason: invalid ? 'unknown_user' : 'bad_password' } : {}),
    };
    return { ok: true, observations: [a] };
  }
  if (web) {
    const status = int(at(event, 'http', 'response', 'status_code'));
    const path = text(at(event, 'url', 'path')) ?? text(at(event, 'url', 'original'))?.split('?')[0];
    if (sourceIp === undefined || status === undefined || path === undefined) return { ok: true, observations: [] };
    const agent = text(at(event, 'user_agent', 'original'));
    const r: WebRequest = {
      kind: 'web',
      time: when,
      sourceIp,
      method: text(at(event, 'http', 'request', 'method')) ?? '-',
      path,
      status,
      ...(agent ? { userAgent: agent } : {}),
      ...(host ? { host } : {}),
    };
    return { ok: true, observations: [r] };
  }
  const destIp = text(at(event, 'destination', 'ip'));
  const destPort = int(at(event, 'destination', 'port'));
  if (sourceIp === undefined || destIp === undefined || destPort === undefined) return { ok: true, observations: [] };
  const outcome = at(event, 'event', 'outcome');
  const c: ConnectionAttempt = {
    kind: 'connection',
    time: when,
    sourceIp,
    destIp,
    destPort,
    outcome: outcome === 'success' || outcome === 'failure' ? outcome : 'unknown',
  };
  return { ok: true, observations: [c] };
}
