/**
 * Shadow-AI report: log records matched against the catalogue, aggregated per user (or client
 * address when the log names no one) and per department — services, requests, bytes sent,
 * first and last seen, unsanctioned use — and its CSV export (RFC 4180, safe to open in a
 * spreadsheet: cells that would start a formula are neutralised).
 */
import type { Catalogue, CatalogueService } from './catalogue.js';
import type { LogRecord } from './parsers.js';

export interface ServiceUsage {
  readonly service: string;
  readonly name: string;
  readonly vendor: string;
  readonly region: string;
  readonly sanctioned: boolean;
  readonly requests: number;
  readonly blockedRequests: number;
  readonly bytesOut: number;
  readonly bytesIn: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
}

export interface UserUsage {
  /** The user as logged, or the client address (`kind: 'ip'`) for DNS logs and anonymous proxies. */
  readonly user: string;
  readonly kind: 'user' | 'ip';
  readonly department?: string;
  readonly requests: number;
  readonly bytesOut: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly unsanctionedRequests: number;
  readonly unsanctionedServices: readonly string[];
  readonly services: readonly ServiceUsage[];
}

export interface DepartmentUsage {
  readonly department: string;
  readonly users: number;
  readonly requests: number;
  readonly bytesOut: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly unsanctionedRequests: number;
  readonly services: readonly ServiceUsage[];
}

export interface DiscoveryReport {
  readonly users: readonly UserUsage[];
  readonly departments: readonly DepartmentUsage[];
  readonly services: readonly ServiceUsage[];
  readonly totals: {
    readonly records: number;
    readonly matched: number;
    readonly unsanctionedRequests: number;
  };
}

/** Department of a user or client address; the record's own department is the fallback. */
export type DepartmentOf = (key: string) => string | undefined;

const NO_DEPARTMENT = '(none)';

interface Acc {
  requests: number;
  blockedRequests: number;
  bytesOut: number;
  bytesIn: number;
  firstSeen: string;
  lastSeen: string;
}

function newAcc(time: string): Acc {
  return { requests: 0, blockedRequests: 0, bytesOut: 0, bytesIn: 0, firstSeen: time, lastSeen: time };
}

function addTo(acc: Acc, r: LogRecord): void {
  acc.requests++;
  if (r.action && /block|denied|deny|drop/i.test(r.action)) acc.blockedRequests++;
  acc.bytesOut += r.bytesOut ?? 0;
  acc.bytesIn += r.bytesIn ?? 0;
  if (r.time < acc.firstSeen) acc.firstSeen = r.time;
  if (r.time > acc.lastSeen) acc.lastSeen = r.time;
}

function usage(service: CatalogueService, acc: Acc): ServiceUsage {
  return {
    service: service.id,
    name: service.name,
    vendor: service.vendor,
    region: service.region,
    sanctioned: service.sanctioned,
    ...acc,
  };
}

/** ISO 8601 times in UTC compare as strings. */
function earliest(times: readonly string[]): string {
  let best = times[0] ?? '';
  for (const t of times) if (t < best) best = t;
  return best;
}

function latest(times: readonly string[]): string {
  let best = times[0] ?? '';
  for (const t of times) if (t > best) best = t;
  return best;
}

function byRequests<T extends { requests: number }>(a: T, b: T): number {
  return b.requests - a.requests;
}

/**
 * Streaming aggregation: `add` each record (memory grows with users × services, not with the
 * log), then `report`.
 */
export class DiscoveryAggregator {
  readonly #users = new Map<string, { kind: 'user' | 'ip'; department?: string; services: Map<string, Acc> }>();
  #records = 0;
  #matched = 0;

  constructor(
    private readonly catalogue: Catalogue,
    private readonly departmentOf: DepartmentOf = () => undefined,
  ) {}

  /** Returns the matched service, if the record's host is a generative-AI service. */
  add(record: LogRecord): CatalogueService | undefined {
    this.#records++;
    const service = this.catalogue.match(record.host);
    if (!service) return undefined;
    this.#matched++;
    const key = record.user ?? record.clientIp ?? '(unknown)';
    let entry = this.#users.get(key);
    if (!entry) {
      const department = this.departmentOf(key) ?? (record.clientIp ? this.departmentOf(record.clientIp) : undefined);
      entry = {
        kind: record.user ? 'user' : 'ip',
        services: new Map(),
        ...((department ?? record.department) ? { department: department ?? record.department } : {}),
      };
      this.#users.set(key, entry);
    }
    let acc = entry.services.get(service.id);
    if (!acc) {
      acc = newAcc(record.time);
      entry.services.set(service.id, acc);
    }
    addTo(acc, record);
    return service;
  }

  report(): DiscoveryReport {
    const services = new Map(this.catalogue.services.map((s) => [s.id, s]));
    const users: UserUsage[] = [];
    const departments = new Map<string, { users: number; services: Map<string, Acc> }>();
    const global = new Map<string, Acc>();
    let unsanctionedTotal = 0;
    const merge = (into: Map<string, Acc>, id: string, acc: Acc) => {
      const t = into.get(id);
      if (!t) into.set(id, { ...acc });
      else {
        t.requests += acc.requests;
        t.blockedRequests += acc.blockedRequests;
        t.bytesOut += acc.bytesOut;
        t.bytesIn += acc.bytesIn;
        if (acc.firstSeen < t.firstSeen) t.firstSeen = acc.firstSeen;
        if (acc.lastSeen > t.lastSeen) t.lastSeen = acc.lastSeen;
      }
    };
    for (const [user, entry] of this.#users) {
      const list: ServiceUsage[] = [];
      for (const [id, acc] of entry.services) {
        const s = services.get(id);
        if (s) list.push(usage(s, acc));
      }
      list.sort(byRequests);
      const unsanctioned = list.filter((s) => !s.sanctioned);
      const unsanctionedRequests = unsanctioned.reduce((n, s) => n + s.requests, 0);
      unsanctionedTotal += unsanctionedRequests;
      users.push({
        user,
        kind: entry.kind,
        ...(entry.department ? { department: entry.department } : {}),
        requests: list.reduce((n, s) => n + s.requests, 0),
        bytesOut: list.reduce((n, s) => n + s.bytesOut, 0),
        firstSeen: earliest(list.map((s) => s.firstSeen)),
        lastSeen: latest(list.map((s) => s.lastSeen)),
        unsanctionedRequests,
        unsanctionedServices: unsanctioned.map((s) => s.service),
        services: list,
      });
      const dept = entry.department ?? NO_DEPARTMENT;
      let d = departments.get(dept);
      if (!d) {
        d = { users: 0, services: new Map() };
        departments.set(dept, d);
      }
      d.users++;
      for (const [id, acc] of entry.services) {
        merge(d.services, id, acc);
        merge(global, id, acc);
      }
    }
    const toUsage = (m: Map<string, Acc>) =>
      [...m]
        .flatMap(([id, acc]) => {
          const s = services.get(id);
          return s ? [usage(s, acc)] : [];
        })
        .sort(byRequests);
    const departmentList: DepartmentUsage[] = [...departments].map(([department, d]) => {
      const list = toUsage(d.services);
      return {
        department,
        users: d.users,
        requests: list.reduce((n, s) => n + s.requests, 0),
        bytesOut: list.reduce((n, s) => n + s.bytesOut, 0),
        firstSeen: earliest(list.map((s) => s.firstSeen)),
        lastSeen: latest(list.map((s) => s.lastSeen)),
        unsanctionedRequests: list.filter((s) => !s.sanctioned).reduce((n, s) => n + s.requests, 0),
        services: list,
      };
    });
    return {
      users: users.sort((a, b) => b.unsanctionedRequests - a.unsanctionedRequests || byRequests(a, b)),
      departments: departmentList.sort(byRequests),
      services: toUsage(global),
      totals: { records: this.#records, matched: this.#matched, unsanctionedRequests: unsanctionedTotal },
    };
  }
}

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote, CR or LF; quotes doubled. A text
 * starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'` so a spreadsheet shows it
 * instead of running it (OWASP CSV injection). Numbers are written as numbers.
 */
export function csvCell(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const CSV_HEADER = [
  'user',
  'kind',
  'department',
  'service',
  'service_name',
  'vendor',
  'region',
  'sanctioned',
  'requests',
  'blocked_requests',
  'bytes_out',
  'bytes_in',
  'first_seen',
  'last_seen',
] as const;

/** One row per user and service, CRLF line ends, header first. */
export function reportToCsv(report: DiscoveryReport): string {
  const lines = [CSV_HEADER.join(',')];
  for (const u of report.users) {
    for (const s of u.services) {
      lines.push(
        [
          u.user,
          u.kind,
          u.department ?? '',
          s.service,
          s.name,
          s.vendor,
          s.region,
          s.sanctioned,
          s.requests,
          s.blockedRequests,
          s.bytesOut,
          s.bytesIn,
          s.firstSeen,
          s.lastSeen,
        ]
          .map(csvCell)
          .join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
