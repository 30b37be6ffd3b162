/**
 * The audit trail's storage: appends link each entry to the previous one through the
 * chain head, inside one transaction, so concurrent appends still form a single chain.
 */
import { type Kysely, sql } from 'kysely';
import { type AuditRecord, type ChainHead, hashAuditEntry } from '../audit/index.js';
import type { AuditLogTable, Database } from './schema.js';

export interface AuditAppend {
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target?: string | null | undefined;
  readonly requestId?: string | null | undefined;
  readonly details?: Record<string, unknown> | undefined;
}

export interface AuditQuery {
  readonly limit: number;
  /** Only entries with a smaller sequence number (paging backwards from the newest). */
  readonly before?: number | undefined;
  readonly actor?: string | undefined;
  readonly action?: string | undefined;
}

function toRecord(row: AuditLogTable): AuditRecord {
  return {
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    requestId: row.request_id,
    details: JSON.parse(row.details) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export function auditRepository(db: Kysely<Database>) {
  async function appendIn(trx: Kysely<Database>, entry: AuditAppend): Promise<AuditRecord> {
    // Updating the head row first takes its lock (PostgreSQL) or the write lock (SQLite):
    // appends are serialised and each one gets the next number and the previous hash.
    const head = await trx
      .updateTable('audit_head')
      .set({ seq: sql`seq + 1` })
      .where('id', '=', 1)
      .returning(['seq', 'hash'])
      .executeTakeFirstOrThrow();
    const content = {
      seq: Number(head.seq),
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      target: entry.target ?? null,
      requestId: entry.requestId ?? null,
      details: entry.details ?? {},
      prevHash: head.hash,
    };
    const record: AuditRecord = { ...content, hash: hashAuditEntry(content) };
    await trx
      .insertInto('audit_log')
      .values({
        seq: record.seq,
        at: record.at,
        actor: record.actor,
        action: record.action,
        target: record.target,
        request_id: record.requestId,
        details: JSON.stringify(record.details),
        prev_hash: record.prevHash,
        hash: record.hash,
      })
      .execute();
    await trx.updateTable('audit_head').set({ hash: record.hash }).where('id', '=', 1).execute();
    return record;
  }

  return {
    async append(entry: AuditAppend): Promise<AuditRecord> {
      if (db.isTransaction) return appendIn(db, entry);
      return db.transaction().execute((trx) => appendIn(trx, entry));
    },

    async list(query: AuditQuery): Promise<AuditRecord[]> {
      let q = db.selectFrom('audit_log').selectAll();
      if (query.before !== undefined) q = q.where('seq', '<', query.before);
      if (query.actor) q = q.where('actor', '=', query.actor);
      if (query.action) q = q.where('action', '=', query.action);
      const rows = await q.orderBy('seq', 'desc').limit(query.limit).execute();
      return rows.map(toRecord);
    },

    /** Every entry in ascending order, page by page, for verification in constant memory. */
    async *scan(afterSeq = Number.NEGATIVE_INFINITY, pageSize = 1000): AsyncGenerator<AuditRecord> {
      let after = afterSeq;
      for (;;) {
        let q = db.selectFrom('audit_log').selectAll();
        if (after !== Number.NEGATIVE_INFINITY) q = q.where('seq', '>', after);
        const rows = await q.orderBy('seq', 'asc').limit(pageSize).execute();
        for (const row of rows) yield toRecord(row);
        const last = rows.at(-1);
        if (!last || rows.length < pageSize) return;
        after = Number(last.seq);
      }
    },

    async head(): Promise<ChainHead | null> {
      const row = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
      return row ? { seq: Number(row.seq), hash: row.hash } : null;
    },

    async count(since?: string): Promise<number> {
      let q = db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n'));
      if (since) q = q.where('at', '>=', since);
      const row = await q.executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
export type AuditRepository = ReturnType<typeof auditRepository>;
