/** Findings from every module, in the one shape defined by `core`. */
import type { Kysely } from 'kysely';
import type { Finding, ModuleId, Severity } from '../core/index.js';
import type { Database, FindingsTable } from './schema.js';

/** A findings row as the core Finding (also read by repositories that join findings). */
export function toFinding(row: FindingsTable): Finding {
  return {
    id: row.id,
    module: row.module as ModuleId,
    kind: row.kind,
    severity: row.severity as Severity,
    score: Number(row.score),
    title: JSON.parse(row.title) as Finding['title'],
    evidence: JSON.parse(row.evidence) as Finding['evidence'],
    entities: JSON.parse(row.entities) as Finding['entities'],
    techniques: JSON.parse(row.techniques) as string[],
    observedAt: row.observed_at,
    createdAt: row.created_at,
  };
}

export function findingsRepository(db: Kysely<Database>) {
  return {
    async insert(finding: Finding): Promise<void> {
      await db
        .insertInto('findings')
        .values({
          id: finding.id,
          module: finding.module,
          kind: finding.kind,
          severity: finding.severity,
          score: finding.score,
          title: JSON.stringify(finding.title),
          evidence: JSON.stringify(finding.evidence),
          entities: JSON.stringify(finding.entities),
          techniques: JSON.stringify(finding.techniques),
          observed_at: finding.observedAt,
          created_at: finding.createdAt,
        })
        .execute();
    },
    /** A finding whose subject grew (a longer attack episode): what it says now, same id and creation. */
    async revise(finding: Finding): Promise<void> {
      await db
        .updateTable('findings')
        .set({
          severity: finding.severity,
          score: finding.score,
          title: JSON.stringify(finding.title),
          evidence: JSON.stringify(finding.evidence),
          entities: JSON.stringify(finding.entities),
          techniques: JSON.stringify(finding.techniques),
          observed_at: finding.observedAt,
        })
        .where('id', '=', finding.id)
        .execute();
    },
    async findById(id: string): Promise<Finding | undefined> {
      const row = await db.selectFrom('findings').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toFinding(row);
    },
    async recent(limit: number, module?: ModuleId): Promise<Finding[]> {
      let q = db.selectFrom('findings').selectAll();
      if (module) q = q.where('module', '=', module);
      const rows = await q.orderBy('observed_at', 'desc').limit(limit).execute();
      return rows.map(toFinding);
    },
    /** Counts by module and severity, for the posture page. */
    async summary(): Promise<Array<{ module: ModuleId; severity: Severity; count: number }>> {
      const rows = await db
        .selectFrom('findings')
        .select(['module', 'severity', (eb) => eb.fn.countAll().as('n')])
        .groupBy(['module', 'severity'])
        .execute();
      return rows.map((r) => ({ module: r.module as ModuleId, severity: r.severity as Severity, count: Number(r.n) }));
    },
  };
}
export type FindingsRepository = ReturnType<typeof findingsRepository>;
