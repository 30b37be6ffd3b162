/** The organisation's posture, computed from stored data only: never an invented number. */

import type { ChainVerdict } from '../audit/index.js';
import { type Clock, type Finding, type ModuleId, ROLES, type Role, SEVERITIES, type Severity } from '../core/index.js';
import type { Store } from '../store/index.js';
import type { AuditTrail } from './audit-trail.js';
import { MODULE_CATALOG, type ModuleInfo } from './modules.js';

export interface Posture {
  readonly users: { total: number; byRole: Record<Role, number>; disabled: number; locked: number };
  readonly tokens: { active: number; expiringSoon: number };
  readonly audit: { entries: number; last24h: number; chain: ChainVerdict };
  readonly security: { failedLogins24h: number };
  readonly findings: {
    total: number;
    bySeverity: Record<Severity, number>;
    byModule: Partial<Record<ModuleId, number>>;
    recent: Array<Pick<Finding, 'id' | 'module' | 'kind' | 'severity' | 'score' | 'title' | 'observedAt'>>;
  };
  readonly modules: readonly ModuleInfo[];
}

export async function computePosture(store: Store, auditTrail: AuditTrail, clock: Clock): Promise<Posture> {
  const now = clock();
  const nowIso = now.toISOString();
  const dayAgo = new Date(now.getTime() - 86_400_000).toISOString();
  const weekAhead = new Date(now.getTime() + 7 * 86_400_000).toISOString();
  const [users, activeTokens, expiringSoon, entries, last24h, chain, failedLogins24h, summary, recent] =
    await Promise.all([
      store.users.list(),
      store.tokens.countActive(nowIso),
      store.tokens.countActive(nowIso, weekAhead),
      store.audit.count(),
      store.audit.count(dayAgo),
      auditTrail.recentVerdict(),
      store.loginEvents.countFailures({ since: dayAgo }),
      store.findings.summary(),
      store.findings.recent(10),
    ]);
  const byRole = Object.fromEntries(ROLES.map((r) => [r, users.filter((u) => u.role === r).length])) as Record<
    Role,
    number
  >;
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byModule: Partial<Record<ModuleId, number>> = {};
  for (const row of summary) {
    bySeverity[row.severity] += row.count;
    byModule[row.module] = (byModule[row.module] ?? 0) + row.count;
  }
  return {
    users: {
      total: users.length,
      byRole,
      disabled: users.filter((u) => u.disabled).length,
      locked: users.filter((u) => u.lockedUntil !== null && u.lockedUntil > nowIso).length,
    },
    tokens: { active: activeTokens, expiringSoon },
    audit: { entries, last24h, chain },
    security: { failedLogins24h },
    findings: {
      total: summary.reduce((sum, row) => sum + row.count, 0),
      bySeverity,
      byModule,
      recent: recent.map(({ id, module, kind, severity, score, title, observedAt }) => ({
        id,
        module,
        kind,
        severity,
        score,
        title,
        observedAt,
      })),
    },
    modules: MODULE_CATALOG,
  };
}
