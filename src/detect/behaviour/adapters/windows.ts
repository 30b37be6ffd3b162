/**
 * Windows events to observations, from evtx_dump JSON (`Event.System`, `Event.EventData`)
 * or Winlogbeat (`winlog.event_id`, `winlog.event_data`): logons 4624/4625, Kerberos
 * 4768/4771, NTLM 4776, SQL Server audit 33205, and network connections (Sysmon 3, WFP 5156/5157).
 */
import type { AuthAttempt, AuthFailureReason, BehaviourObservation, ConnectionAttempt } from '../observation.js';
import { type Adapted, at, int, isRecord, text, time } from './read.js';

interface WinEvent {
  id: number;
  /** Provider name, lower-case ('' when absent). */
  provider: string;
  time: number | undefined;
  computer: string | undefined;
  data: Record<string, unknown>;
}

function read(event: unknown): WinEvent | undefined {
  const e = at(event, 'Event');
  if (isRecord(e)) {
    const rawId = at(e, 'System', 'EventID');
    const id = int(isRecord(rawId) ? rawId['#text'] : rawId);
    if (id === undefined) return undefined;
    const data = at(e, 'EventData');
    return {
      id,
      provider: (text(at(e, 'System', 'Provider', '#attributes', 'Name')) ?? '').toLowerCase(),
      time: time(at(e, 'System', 'TimeCreated', '#attributes', 'SystemTime')),
      computer: text(at(e, 'System', 'Computer')),
      data: isRecord(data) ? data : {},
    };
  }
  const id = int(at(event, 'winlog', 'event_id'));
  if (id === undefined) return undefined;
  const data = at(event, 'winlog', 'event_data');
  return {
    id,
    provider: (text(at(event, 'winlog', 'provider_name')) ?? '').toLowerCase(),
    time: time(at(event, '@timestamp')),
    computer: text(at(event, 'winlog', 'computer_name')) ?? text(at(event, 'host', 'name')),
    data: isRecord(data) ? data : {},
  };
}

// NTSTATUS (4625 SubStatus / Status, 4776 Status), lower-case hexadecimal.
const NT_REASONS: Readonly<Record<number, AuthFailureReason>> = {
  3221225572: 'unknown_user',
  3221225578: 'bad_password',
  3221226036: 'locked',
  3221225586: 'disabled',
  3221225875: 'expired',
  3221225585: 'expired',
  3221226020: 'expired',
};
// Kerberos result codes (4768 / 4771 Status).
const KERBEROS_REASONS: Readonly<Record<number, AuthFailureReason>> = {
  6: 'unknown_user',
  18: 'locked',
  23: 'expired',
  24: 'bad_password',
};

/** Accounts that are not people typing passwords: machine accounts, anonymous, system. */
function ignoredUser(user: string): boolean {
  const u = user.toLowerCase();
  return (
    u.endsWith('$') || u === 'anonymous logon' || u === 'system' || u === 'local service' || u === 'network service'
  );
}

/** Never throws: unrelated events give no observation, a relevant one without a time is a skip. */
export function fromWindowsEvent(event: unknown): Adapted<BehaviourObservation> {
  const e = read(event);
  if (!e) return { ok: true, observations: [] };
  // Event ids are per provider: 3 is Sysmon's only from Sysmon, 33205 SQL Server's only from MSSQL.
  const relevant =
    [4624, 4625, 4768, 4771, 4776, 5156, 5157].includes(e.id) ||
    (e.id === 3 && e.provider.includes('sysmon')) ||
    (e.id === 33205 && e.provider.startsWith('mssql'));
  if (!relevant) return { ok: true, observations: [] };
  if (e.time === undefined) return { ok: false, reason: `event ${e.id} has no readable time` };
  const d = e.data;
  const auth = (
    user: string | undefined,
    service: string,
    outcome: 'success' | 'failure',
    reason: AuthFailureReason | undefined,
    sourceIp: string | undefined,
  ): Adapted<BehaviourObservation> => {
    if (user === undefined || ignoredUser(user)) return { ok: true, observations: [] };
    const a: AuthAttempt = {
      kind: 'auth',
      time: e.time as number,
      user,
      service,
      outcome,
      ...(sourceIp ? { sourceIp } : {}),
      ...(e.computer ? { host: e.computer } : {}),
      ...(outcome === 'failure' ? { reason: reason ?? 'other' } : {}),
    };
    return { ok: true, observations: [a] };
  };
  switch (e.id) {
    case 4624:
      // Service (5) and batch (4) logons are the system's own, not sign-ins.
      if (int(d.LogonType) === 5 || int(d.LogonType) === 4) return { ok: true, observations: [] };
      return auth(text(d.TargetUserName), 'windows-logon', 'success', undefined, text(d.IpAddress));
    case 4625: {
      const sub = int(d.SubStatus);
      const status = int(d.Status);
      const reason =
        (sub !== undefined ? NT_REASONS[sub] : undefined) ?? (status !== undefined ? NT_REASONS[status] : undefined);
      return auth(text(d.TargetUserName), 'windows-logon', 'failure', reason, text(d.IpAddress));
    }
    case 4768:
    case 4771: {
      const status = int(d.Status);
      if (status === undefined) return { ok: true, observations: [] };
      const service = 'kerberos';
      if (status === 0) return auth(text(d.TargetUserName), service, 'success', undefined, text(d.IpAddress));
      // 0x19 (pre-authentication required) is the normal first round of a Kerberos exchange.
      if (status === 0x19) return { ok: true, observations: [] };
      return auth(text(d.TargetUserName), service, 'failure', KERBEROS_REASONS[status], text(d.IpAddress));
    }
    case 4776: {
      const status = int(d.Status);
      if (status === undefined) return { ok: true, observations: [] };
      const outcome = status === 0 ? 'success' : 'failure';
      return auth(text(d.TargetUserName), 'ntlm', outcome, NT_REASONS[status], undefined);
    }
    case 33205:
      return mssql(e, d);
    case 3:
    case 5156:
    case 5157:
      return connection(e, d);
  }
  return { ok: true, observations: [] };
}

/** SQL Server audit 33205: the record is one `key:value` per line in EventData.Data. */
function mssql(e: WinEvent, d: Record<string, unknown>): Adapted<BehaviourObservation> {
  const raw =
    typeof d.Data === 'string' ? d.Data : Array.isArray(d.Data) ? d.Data.find((x) => typeof x === 'string') : undefined;
  if (typeof raw !== 'string') return { ok: true, observations: [] };
  const fields = new Map<string, string>();
  for (const line of raw.slice(0, 64 * 1024).split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const action = fields.get('action_id');
  if (action !== 'LGIF' && action !== 'LGIS') return { ok: true, observations: [] };
  const user = text(fields.get('server_principal_name'));
  if (user === undefined) return { ok: true, observations: [] };
  const statement = fields.get('statement') ?? '';
  const client = /\[CLIENT: ?([0-9A-Fa-f.:]{2,45})\]/.exec(statement)?.[1];
  const outcome = action === 'LGIS' ? 'success' : 'failure';
  const reason: AuthFailureReason | undefined =
    outcome === 'success'
      ? undefined
      : statement.includes('Password did not match')
        ? 'bad_password'
        : statement.includes('Could not find a login')
          ? 'unknown_user'
          : 'other';
  const a: AuthAttempt = {
    kind: 'auth',
    time: e.time as number,
    user,
    service: 'mssql',
    outcome,
    ...(client ? { sourceIp: client } : {}),
    ...(e.computer ? { host: e.computer } : {}),
    ...(reason ? { reason } : {}),
  };
  return { ok: true, observations: [a] };
}

/** Sysmon 3 (SourceIp, DestinationIp, DestinationPort) and WFP 5156/5157 (SourceAddress, DestAddress, DestPort). */
function connection(e: WinEvent, d: Record<string, unknown>): Adapted<BehaviourObservation> {
  const sysmon = e.id === 3;
  const sourceIp = text(sysmon ? d.SourceIp : d.SourceAddress);
  const destIp = text(sysmon ? d.DestinationIp : d.DestAddress);
  const destPort = int(sysmon ? d.DestinationPort : d.DestPort);
  if (!sourceIp || !destIp || destPort === undefined) return { ok: true, observations: [] };
  // WFP records both directions; only outbound (%%14593) attempts are the host reaching out.
  if (!sysmon && text(d.Direction) !== undefined && text(d.Direction) !== '%%14593')
    return { ok: true, observations: [] };
  const c: ConnectionAttempt = {
    kind: 'connection',
    time: e.time as number,
    sourceIp,
    destIp,
    destPort,
    outcome: e.id === 5157 ? 'failure' : e.id === 5156 ? 'success' : 'unknown',
  };
  return { ok: true, observations: [c] };
}
