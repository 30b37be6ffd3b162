/**
 * Scanning from one source: ports and hosts (T1046, T1595) from connection attempts, and
 * web paths (T1595.003) from access logs — many distinct paths with a high share of 4xx.
 * A scanner's user agent is supporting evidence only: it never raises an alert on its own.
 */
import { span } from './alert.js';
import { CappedSet, type DetectorContext, limitsFor, reason, scaled, some } from './context.js';
import { type ConnectionAttempt, normaliseIp, type WebRequest } from './observation.js';
import { EntityTable, type SlidingKeys } from './window.js';

/** Substrings of user agents that well-known scanners send (lower-case; plain `includes`). */
export const SCANNER_AGENTS: readonly string[] = [
  'nikto',
  'sqlmap',
  'nmap',
  'w3af',
  'netsparker',
  'acunetix',
  'dirbuster',
  'gobuster',
  'wfuzz',
  'ffuf',
  'nuclei',
  'zgrab',
  'masscan',
  'openvas',
  'nessus',
  'wpscan',
  'burp',
  'hydra',
  'feroxbuster',
  'arachni',
  'skipfish',
  'zap/',
];

export function scannerAgent(userAgent: string | undefined): string | undefined {
  if (!userAgent) return undefined;
  const lower = userAgent.slice(0, 1024).toLowerCase();
  return SCANNER_AGENTS.find((s) => lower.includes(s));
}

interface PortState {
  ports: SlidingKeys;
  hosts: SlidingKeys;
}

export class PortScanDetector {
  readonly table: EntityTable<PortState>;

  constructor(private readonly ctx: () => DetectorContext) {
    const s = ctx().settings;
    this.table = new EntityTable(s.maxEntities, s.portScan.windowMs + s.cooldownMs);
  }

  observe(c: ConnectionAttempt): void {
    const ctx = this.ctx();
    const { windowMs, minPorts, minHosts } = ctx.settings.portScan;
    const key = normaliseIp(c.sourceIp);
    const state = this.table.touch(key, c.time, () => ({
      ports: ctx.window(),
      hosts: ctx.window(),
    }));
    state.ports.expire(ctx.now - windowMs);
    state.hosts.expire(ctx.now - windowMs);
    state.ports.add(c.time, String(c.destPort));
    // Sweeping many hosts counts only attempts not known to succeed: a busy client reaching
    // many servers successfully on one port is not a scan.
    if (c.outcome !== 'success') state.hosts.add(c.time, normaliseIp(c.destIp));
    const { suppressed, scale } = limitsFor(ctx.settings, 'port_scan', key);
    const needPorts = scaled(minPorts, scale);
    const needHosts = scaled(minHosts, scale);
    const ports = state.ports.distinct;
    const hosts = state.hosts.distinct;
    if (suppressed || (ports < needPorts && hosts < needHosts)) return;
    const vertical = ports >= needPorts;
    const alert = ctx.book.report(key, {
      pattern: 'port_scan',
      severity: 'medium',
      score: 0.6,
      title: { en: `Port scan from ${key}`, fr: `Balayage de ports depuis ${key}` },
      techniques: ['T1046', 'T1595.001'],
      entity: { kind: 'ip', value: key },
      entities: { ips: [key, ...some(state.hosts.counts.keys(), 19)] },
      windowMs,
      observed: vertical ? ports : hosts,
      threshold: vertical ? needPorts : needHosts,
      counts: { attempts: state.ports.total, distinctPorts: ports, distinctHosts: hosts },
      reasons: [
        reason(
          vertical ? 'behaviour.port_scan.ports' : 'behaviour.port_scan.hosts',
          0.7,
          vertical
            ? `${key} tried ${ports} distinct ports within ${span(windowMs)} (threshold ${needPorts}).`
            : `${key} tried ${hosts} distinct hosts without a known success within ${span(windowMs)} (threshold ${needHosts}).`,
          vertical
            ? `${key} a essayé ${ports} ports distincts en ${span(windowMs)} (seuil ${needPorts}).`
            : `${key} a essayé ${hosts} hôtes distincts sans succès connu en ${span(windowMs)} (seuil ${needHosts}).`,
          { ports, hosts, needPorts, needHosts, windowMs, portsSample: some(state.ports.counts.keys(), 20) },
        ),
      ],
      windowStart: state.ports.oldest,
      time: c.time,
    });
    if (alert) ctx.emit(alert);
  }
}

interface WebState {
  paths: SlidingKeys;
  statuses: SlidingKeys; // keyed by status class: '2xx', '4xx'...
  agents: CappedSet;
  scanner?: string;
}

export class WebScanDetector {
  readonly table: EntityTable<WebState>;

  constructor(private readonly ctx: () => DetectorContext) {
    const s = ctx().settings;
    this.table = new EntityTable(s.maxEntities, s.webScan.windowMs + s.cooldownMs);
  }

  observe(r: WebRequest): void {
    const ctx = this.ctx();
    const { windowMs, minPaths, minErrorRatio } = ctx.settings.webScan;
    const key = normaliseIp(r.sourceIp);
    const state = this.table.touch(key, r.time, () => ({
      paths: ctx.window(),
      statuses: ctx.window(),
      agents: new CappedSet(5),
    }));
    state.paths.expire(ctx.now - windowMs);
    state.statuses.expire(ctx.now - windowMs);
    state.paths.add(r.time, r.path.slice(0, 2048));
    state.statuses.add(r.time, `${Math.floor(r.status / 100)}xx`);
    state.agents.add(r.userAgent?.slice(0, 256));
    state.scanner ??= scannerAgent(r.userAgent);
    const { suppressed, scale } = limitsFor(ctx.settings, 'web_scan', key);
    const threshold = scaled(minPaths, scale);
    const paths = state.paths.distinct;
    const requests = state.statuses.total;
    const clientErrors = state.statuses.counts.get('4xx') ?? 0;
    const ratio = requests === 0 ? 0 : clientErrors / requests;
    if (suppressed || paths < threshold || ratio < minErrorRatio) return;
    const reasons = [
      reason(
        'behaviour.web_scan.paths',
        0.6,
        `${key} requested ${paths} distinct paths within ${span(windowMs)} (threshold ${threshold}).`,
        `${key} a demandé ${paths} chemins distincts en ${span(windowMs)} (seuil ${threshold}).`,
        { paths, threshold, windowMs, requests },
      ),
      reason(
        'behaviour.web_scan.client_errors',
        0.3,
        `${Math.round(ratio * 100)} % of its requests ended in a 4xx error (at least ${Math.round(minErrorRatio * 100)} % required): it is guessing paths.`,
        `${Math.round(ratio * 100)} % de ses requêtes ont fini en erreur 4xx (au moins ${Math.round(minErrorRatio * 100)} % requis) : il devine des chemins.`,
        { clientErrors, requests, ratio, minErrorRatio },
      ),
    ];
    if (state.scanner)
      reasons.push(
        reason(
          'behaviour.web_scan.scanner_agent',
          0.2,
          `Its user agent names a known scanner ("${state.scanner}"), supporting evidence only.`,
          `Son agent utilisateur nomme un scanner connu (« ${state.scanner} »), indice complémentaire seulement.`,
          { scanner: state.scanner, userAgents: some(state.agents.values, 5) },
        ),
      );
    const alert = ctx.book.report(key, {
      pattern: 'web_scan',
      severity: 'medium',
      score: state.scanner ? 0.75 : 0.6,
      title: { en: `Web path scan from ${key}`, fr: `Balayage de chemins web depuis ${key}` },
      techniques: ['T1595.003'],
      entity: { kind: 'ip', value: key },
      entities: { ips: [key], hosts: some(r.host ? [r.host] : []) },
      windowMs,
      observed: paths,
      threshold,
      counts: { requests, distinctPaths: paths, clientErrors, scannerAgent: state.scanner ? 1 : 0 },
      reasons,
      windowStart: state.paths.oldest,
      time: r.time,
    });
    if (alert) ctx.emit(alert);
  }
}
