/**
 * Guard storage: policy versions (one active, history kept), decisions with their masked
 * findings and one row per finding type (dashboards group in SQL, portable to both databases),
 * the admin's catalogue additions, and shadow-AI discovery reports. No clear value of a finding
 * ever reaches these tables: the platform hands in masked values only.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database } from './schema.js';

export interface GuardPoliciesTable {
  id: string;
  version: string;
  yaml: string;
  note: string | null;
  author: string;
  created_at: string;
  active: number;
}

export interface GuardDecisionsTable {
  id: string;
  at: string;
  source: string;
  direction: string;
  user_id: string | null;
  username: string | null;
  role: string | null;
  department: string | null;
  service: string;
  service_class: string;
  model: string | null;
  action: string;
  finding_count: number;
  findings: string;
  reasons: string;
  injection_score: number | null;
  injection_detected: number;
  policy_version: string;
  finding_id: string | null;
}

export interface GuardDecisionTypesTable {
  decision_id: string;
  at: string;
  type: string;
  action: string;
  count: number;
}

export interface GuardCatalogueTable {
  id: string;
  definition: string;
  updated_at: string;
  updated_by: string;
}

export interface GuardDiscoveryReportsTable {
  id: string;
  created_at: string;
  created_by: string;
  filename: string;
  format: string;
  lines: number;
  records: number;
  matched: number;
  invalid: number;
  unsanctioned: number;
  problems: string;
  report: string;
}

export interface GuardTables {
  guard_policies: GuardPoliciesTable;
  guard_decisions: GuardDecisionsTable;
  guard_decision_types: GuardDecisionTypesTable;
  guard_catalogue: GuardCatalogueTable;
  guard_discovery_reports: GuardDiscoveryReportsTable;
}

export interface GuardPolicyRecord {
  readonly id: string;
  /** `sha256:<hex>` digest of the validated document. */
  readonly version: string;
  readonly yaml: string;
  readonly note: string | null;
  readonly author: string;
  readonly createdAt: string;
  readonly active: boolean;
}

/** One masked finding of a decision: what was found, never the value itself. */
export interface GuardStoredFinding {
  readonly type: string;
  readonly action: string;
  readonly masked: string;
  readonly score: number;
}

export interface GuardStoredReason {
  readonly code: string;
  readonly fr: string;
  readonly en: string;
}

export interface GuardDecisionRecord {
  readonly id: string;
  readonly at: string;
  readonly source: string;
  readonly direction: string;
  readonly userId: string | null;
  readonly username: string | null;
  readonly role: string | null;
  readonly department: string | null;
  readonly service: string;
  readonly serviceClass: string;
  readonly model: string | null;
  readonly action: string;
  readonly findings: readonly GuardStoredFinding[];
  readonly reasons: readonly GuardStoredReason[];
  readonly injectionScore: number | null;
  readonly injectionDetected: boolean;
  readonly policyVersion: string;
  readonly findingId: string | null;
}

export interface GuardCatalogueRecord {
  readonly id: string;
  readonly definition: unknown;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export interface GuardDiscoveryRecord {
  readonly id: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly filename: string;
  readonly format: string;
  readonly lines: number;
  readonly records: number;
  readonly matched: number;
  readonly invalid: number;
  readonly unsanctioned: number;
  readonly problems: readonly { readonly line: number; readonly reason: string }[];
}

/** A count grouped by one key and the action taken. */
export interface GuardCountRow {
  readonly key: string;
  readonly action: string;
  readonly count: number;
}

/** Text from outside, made storable on both databases (PostgreSQL refuses NUL in text). */
function clean(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}
const cleanOrNull = (value: string | null) => (value === null ? null : clean(value));

const toPolicy = (row: Selectable<GuardPoliciesTable>): GuardPolicyRecord => ({
  id: row.id,
  version: row.version,
  yaml: row.yaml,
  note: row.note,
  author: row.author,
  createdAt: row.created_at,
  active: Number(row.active) === 1,
});

const toDecision = (row: Selectable<GuardDecisionsTable>): GuardDecisionRecord => ({
  id: row.id,
  at: row.at,
  source: row.source,
  direction: row.direction,
  userId: row.user_id,
  username: row.username,
  role: row.role,
  department: row.department,
  service: row.service,
  serviceClass: row.service_class,
  model: row.model,
  action: row.action,
  findings: JSON.parse(row.findings) as GuardStoredFinding[],
  reasons: JSON.parse(row.reasons) as GuardStoredReason[],
  injectionScore: row.injection_score === null ? null : Number(row.injection_score),
  injectionDetected: Number(row.injection_detected) === 1,
  policyVersion: row.policy_version,
  findingId: row.finding_id,
});

const toDiscovery = (row: Omit<Selectable<GuardDiscoveryReportsTable>, 'report'>): GuardDiscoveryRecord => ({
  id: row.id,
  createdAt: row.created_at,
  createdBy: row.created_by,
  filename: row.filename,
  format: row.format,
  lines: Number(row.lines),
  records: Number(row.records),
  matched: Number(row.matched),
  invalid: Number(row.invalid),
  unsanctioned: Number(row.unsanctioned),
  problems: JSON.parse(row.problems) as GuardDiscoveryRecord['problems'],
});

const counted = (rows: { key: string | null; action: string; n: unknown }[]): GuardCountRow[] =>
  rows.map((r) => ({ key: r.key ?? '', action: r.action, count: Number(r.n) }));

export function guardRepository(db: Kysely<Database>) {
  return {
    async insertPolicy(policy: GuardPolicyRecord): Promise<void> {
      await db
        .insertInto('guard_policies')
        .values({
          id: policy.id,
          version: policy.version,
          yaml: clean(policy.yaml),
          note: cleanOrNull(policy.note),
          author: policy.author,
          created_at: policy.createdAt,
          active: policy.active ? 1 : 0,
        })
        .execute();
    },

    /** Newest first. */
    async policies(limit: number): Promise<GuardPolicyRecord[]> {
      const rows = await db
        .selectFrom('guard_policies')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toPolicy);
    },

    async policy(id: string): Promise<GuardPolicyRecord | undefined> {
      const row = await db.selectFrom('guard_policies').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toPolicy(row) : undefined;
    },

    async activePolicy(): Promise<GuardPolicyRecord | undefined> {
      const row = await db.selectFrom('guard_policies').selectAll().where('active', '=', 1).executeTakeFirst();
      return row ? toPolicy(row) : undefined;
    },

    /** Makes one stored version active, or none (the shipped policy) with `null`. */
    async activatePolicy(id: string | null): Promise<void> {
      await db.updateTable('guard_policies').set({ active: 0 }).where('active', '=', 1).execute();
      if (id !== null) await db.updateTable('guard_policies').set({ active: 1 }).where('id', '=', id).execute();
    },

    async insertDecision(decision: GuardDecisionRecord): Promise<void> {
      await db
        .insertInto('guard_decisions')
        .values({
          id: decision.id,
          at: decision.at,
          source: decision.source,
          direction: decision.direction,
          user_id: decision.userId,
          username: cleanOrNull(decision.username),
          role: decision.role,
          department: cleanOrNull(decision.department),
          service: clean(decision.service),
          service_class: decision.serviceClass,
          model: cleanOrNull(decision.model),
          action: decision.action,
          finding_count: decision.findings.length,
          findings: JSON.stringify(decision.findings),
          reasons: JSON.stringify(decision.reasons),
          injection_score: decision.injectionScore,
          injection_detected: decision.injectionDetected ? 1 : 0,
          policy_version: decision.policyVersion,
          finding_id: decision.findingId,
        })
        .execute();
      const perType = new Map<string, { type: string; action: string; count: number }>();
      for (const f of decision.findings) {
        const key = `${f.type}\u0000${f.action}`;
        const row = perType.get(key);
        if (row) row.count++;
        else perType.set(key, { type: f.type, action: f.action, count: 1 });
      }
      if (decision.injectionDetected) {
        perType.set('injection', { type: 'injection', action: decision.action, count: 1 });
      }
      if (perType.size > 0) {
        await db
          .insertInto('guard_decision_types')
          .values([...perType.values()].map((r) => ({ decision_id: decision.id, at: decision.at, ...r })))
          .execute();
      }
    },

    /** Newest first; `before` pages on (at, id). */
    async decisions(query: {
      limit: number;
      before?: { at: string; id: string } | undefined;
      action?: string | undefined;
    }): Promise<GuardDecisionRecord[]> {
      let q = db.selectFrom('guard_decisions').selectAll();
      if (query.action) q = q.where('action', '=', query.action);
      const before = query.before;
      if (before) {
        q = q.where((eb) =>
          eb.or([eb('at', '<', before.at), eb.and([eb('at', '=', before.at), eb('id', '<', before.id)])]),
        );
      }
      const rows = await q.orderBy('at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
      return rows.map(toDecision);
    },

    async decision(id: string): Promise<GuardDecisionRecord | undefined> {
      const row = await db.selectFrom('guard_decisions').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toDecision(row) : undefined;
    },

    /** Decisions since `since`, grouped by action and by department, service, day; findings by type. */
    async dashboard(since: string): Promise<{
      byAction: GuardCountRow[];
      byDepartment: GuardCountRow[];
      byService: GuardCountRow[];
      byDay: GuardCountRow[];
      byType: GuardCountRow[];
    }> {
      const base = db.selectFrom('guard_decisions').where('at', '>=', since);
      const [byAction, byDepartment, byService, byDay, byType] = await Promise.all([
        base
          .select((eb) => [sql<string>`'all'`.as('key'), 'action', eb.fn.countAll().as('n')])
          .groupBy('action')
          .execute(),
        base
          .select((eb) => ['department as key', 'action', eb.fn.countAll().as('n')])
          .groupBy(['department', 'action'])
          .execute(),
        base
          .select((eb) => ['service as key', 'action', eb.fn.countAll().as('n')])
          .groupBy(['service', 'action'])
          .execute(),
        base
          .select((eb) => [sql<string>`substr(at, 1, 10)`.as('key'), 'action', eb.fn.countAll().as('n')])
          .groupBy([sql`substr(at, 1, 10)`, 'action'])
          .execute(),
        db
          .selectFrom('guard_decision_types')
          .where('at', '>=', since)
          .select((eb) => ['type as key', 'action', eb.fn.sum<number>('count').as('n')])
          .groupBy(['type', 'action'])
          .execute(),
      ]);
      return {
        byAction: counted(byAction),
        byDepartment: counted(byDepartment),
        byService: counted(byService),
        byDay: counted(byDay),
        byType: counted(byType),
      };
    },

    async catalogue(): Promise<GuardCatalogueRecord[]> {
      const rows = await db.selectFrom('guard_catalogue').selectAll().orderBy('id').execute();
      return rows.map((r) => ({
        id: r.id,
        definition: JSON.parse(r.definition) as unknown,
        updatedAt: r.updated_at,
        updatedBy: r.updated_by,
      }));
    },

    async setCatalogueEntry(entry: GuardCatalogueRecord): Promise<void> {
      const values = {
        definition: JSON.stringify(entry.definition),
        updated_at: entry.updatedAt,
        updated_by: entry.updatedBy,
      };
      await db
        .insertInto('guard_catalogue')
        .values({ id: entry.id, ...values })
        .onConflict((oc) => oc.column('id').doUpdateSet(values))
        .execute();
    },

    async deleteCatalogueEntry(id: string): Promise<boolean> {
      const result = await db.deleteFrom('guard_catalogue').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async insertDiscovery(record: GuardDiscoveryRecord, report: unknown): Promise<void> {
      await db
        .insertInto('guard_discovery_reports')
        .values({
          id: record.id,
          created_at: record.createdAt,
          created_by: record.createdBy,
          filename: clean(record.filename),
          format: record.format,
          lines: record.lines,
          records: record.records,
          matched: record.matched,
          invalid: record.invalid,
          unsanctioned: record.unsanctioned,
          problems: JSON.stringify(record.problems),
          report: JSON.stringify(report),
        })
        .execute();
    },

    /** Newest first, without the reports themselves. */
    async discoveries(limit: number): Promise<GuardDiscoveryRecord[]> {
      const rows = await db
        .selectFrom('guard_discovery_reports')
        .select([
          'id',
          'created_at',
          'created_by',
          'filename',
          'format',
          'lines',
          'records',
          'matched',
          'invalid',
          'unsanctioned',
          'problems',
        ])
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toDiscovery);
    },

    async discovery(id: string): Promise<{ record: GuardDiscoveryRecord; report: unknown } | undefined> {
      const row = await db.selectFrom('guard_discovery_reports').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? { record: toDiscovery(row), report: JSON.parse(row.report) as unknown } : undefined;
    },
  };
}
