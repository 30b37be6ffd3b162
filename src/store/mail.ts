/** Mail storage: the triage queue with each message's raw bytes, and the models learnt from it. */
import type { Kysely, Selectable } from 'kysely';
import type { Database, MailMessagesTable, MailModelsTable } from './schema.js';

export interface MailMessageRecord {
  readonly id: string;
  readonly receivedAt: string;
  /** How it arrived: `upload` (web page), `api`, `imap` (reporting mailbox). */
  readonly source: string;
  /** Who reported it: a user id, or the mailbox address for IMAP. */
  readonly reporter: string | null;
  readonly rawSha256: string;
  readonly size: number;
  readonly subject: string;
  readonly fromAddress: string;
  readonly verdict: string;
  readonly score: number;
  /** The engine's analysis as JSON text (reasons, indicators...). */
  readonly analysis: string;
  readonly modelVersion: string;
  readonly findingId: string | null;
  readonly analystVerdict: string | null;
  readonly analystId: string | null;
  readonly analystAt: string | null;
  readonly analystNote: string | null;
}

export interface MailQueueQuery {
  readonly verdict?: string | undefined;
  /** `open`: no analyst verdict yet; `triaged`: with one. */
  readonly status?: 'open' | 'triaged' | undefined;
  readonly limit: number;
  /** Messages received strictly before this one (id), for paging. */
  readonly before?: { readonly receivedAt: string; readonly id: string } | undefined;
}

export interface MailModelRecord {
  readonly version: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly parentVersion: string;
  readonly examples: number;
  readonly model: string;
  readonly active: boolean;
}

const toMessage = (row: Omit<Selectable<MailMessagesTable>, 'raw'>): MailMessageRecord => ({
  id: row.id,
  receivedAt: row.received_at,
  source: row.source,
  reporter: row.reporter,
  rawSha256: row.raw_sha256,
  size: Number(row.size),
  subject: row.subject,
  fromAddress: row.from_address,
  verdict: row.verdict,
  score: Number(row.score),
  analysis: row.analysis,
  modelVersion: row.model_version,
  findingId: row.finding_id,
  analystVerdict: row.analyst_verdict,
  analystId: row.analyst_id,
  analystAt: row.analyst_at,
  analystNote: row.analyst_note,
});

const toModel = (row: Selectable<MailModelsTable>): MailModelRecord => ({
  version: row.version,
  createdAt: row.created_at,
  createdBy: row.created_by,
  parentVersion: row.parent_version,
  examples: Number(row.examples),
  model: row.model,
  active: Number(row.active) === 1,
});

const MESSAGE_COLUMNS = [
  'id',
  'received_at',
  'source',
  'reporter',
  'raw_sha256',
  'size',
  'subject',
  'from_address',
  'verdict',
  'score',
  'analysis',
  'model_version',
  'finding_id',
  'analyst_verdict',
  'analyst_id',
  'analyst_at',
  'analyst_note',
] as const;

export function mailRepository(db: Kysely<Database>) {
  return {
    async insertMessage(message: MailMessageRecord, raw: Uint8Array): Promise<void> {
      await db
        .insertInto('mail_messages')
        .values({
          id: message.id,
          received_at: message.receivedAt,
          source: message.source,
          reporter: message.reporter,
          raw_sha256: message.rawSha256,
          raw: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength),
          size: message.size,
          subject: message.subject,
          from_address: message.fromAddress,
          verdict: message.verdict,
          score: message.score,
          analysis: message.analysis,
          model_version: message.modelVersion,
          finding_id: message.findingId,
          analyst_verdict: message.analystVerdict,
          analyst_id: message.analystId,
          analyst_at: message.analystAt,
          analyst_note: message.analystNote,
        })
        .execute();
    },

    async findBySha256(sha256: string): Promise<MailMessageRecord | undefined> {
      const row = await db
        .selectFrom('mail_messages')
        .select(MESSAGE_COLUMNS)
        .where('raw_sha256', '=', sha256)
        .orderBy('received_at')
        .executeTakeFirst();
      return row ? toMessage(row) : undefined;
    },

    async get(id: string): Promise<MailMessageRecord | undefined> {
      const row = await db.selectFrom('mail_messages').select(MESSAGE_COLUMNS).where('id', '=', id).executeTakeFirst();
      return row ? toMessage(row) : undefined;
    },

    async raw(id: string): Promise<Uint8Array | undefined> {
      const row = await db.selectFrom('mail_messages').select('raw').where('id', '=', id).executeTakeFirst();
      return row ? new Uint8Array(row.raw) : undefined;
    },

    /** Newest first. */
    async list(query: MailQueueQuery): Promise<MailMessageRecord[]> {
      let q = db.selectFrom('mail_messages').select(MESSAGE_COLUMNS);
      if (query.verdict) q = q.where('verdict', '=', query.verdict);
      if (query.status === 'open') q = q.where('analyst_verdict', 'is', null);
      if (query.status === 'triaged') q = q.where('analyst_verdict', 'is not', null);
      const before = query.before;
      if (before) {
        q = q.where((eb) =>
          eb.or([
            eb('received_at', '<', before.receivedAt),
            eb.and([eb('received_at', '=', before.receivedAt), eb('id', '<', before.id)]),
          ]),
        );
      }
      const rows = await q.orderBy('received_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
      return rows.map(toMessage);
    },

    async counts(): Promise<{ verdict: string; open: number; total: number }[]> {
      const rows = await db
        .selectFrom('mail_messages')
        .select((eb) => [
          'verdict',
          eb.fn.countAll<number>().as('total'),
          eb.fn.count<number>('analyst_verdict').as('triaged'),
        ])
        .groupBy('verdict')
        .execute();
      return rows.map((r) => ({
        verdict: r.verdict,
        total: Number(r.total),
        open: Number(r.total) - Number(r.triaged),
      }));
    },

    /** The newest messages' report time and the analyst's verdict time (at most `limit`), newest first. */
    async reportTimes(
      limit: number,
    ): Promise<{ receivedAt: string; analystVerdict: string | null; analystAt: string | null }[]> {
      const rows = await db
        .selectFrom('mail_messages')
        .select(['received_at', 'analyst_verdict', 'analyst_at'])
        .orderBy('received_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        receivedAt: r.received_at,
        analystVerdict: r.analyst_verdict,
        analystAt: r.analyst_at,
      }));
    },

    async setAnalysis(
      id: string,
      analysis: { verdict: string; score: number; analysis: string; modelVersion: string; findingId: string | null },
    ): Promise<void> {
      await db
        .updateTable('mail_messages')
        .set({
          verdict: analysis.verdict,
          score: analysis.score,
          analysis: analysis.analysis,
          model_version: analysis.modelVersion,
          finding_id: analysis.findingId,
        })
        .where('id', '=', id)
        .execute();
    },

    async setAnalystVerdict(
      id: string,
      verdict: { verdict: string | null; analystId: string | null; at: string | null; note: string | null },
    ): Promise<void> {
      await db
        .updateTable('mail_messages')
        .set({
          analyst_verdict: verdict.verdict,
          analyst_id: verdict.analystId,
          analyst_at: verdict.at,
          analyst_note: verdict.note,
        })
        .where('id', '=', id)
        .execute();
    },

    /** The newest messages with an analyst's verdict, with their bytes: what the model learns from. */
    async labelled(limit: number): Promise<{ id: string; verdict: string; raw: Uint8Array }[]> {
      const rows = await db
        .selectFrom('mail_messages')
        .select(['id', 'analyst_verdict', 'raw'])
        .where('analyst_verdict', 'is not', null)
        .orderBy('analyst_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ id: r.id, verdict: r.analyst_verdict ?? '', raw: new Uint8Array(r.raw) }));
    },

    async insertModel(model: MailModelRecord): Promise<void> {
      await db
        .insertInto('mail_models')
        .values({
          version: model.version,
          created_at: model.createdAt,
          created_by: model.createdBy,
          parent_version: model.parentVersion,
          examples: model.examples,
          model: model.model,
          active: model.active ? 1 : 0,
        })
        .execute();
    },

    async models(): Promise<MailModelRecord[]> {
      const rows = await db
        .selectFrom('mail_models')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('version', 'desc')
        .execute();
      return rows.map(toModel);
    },

    async activeModel(): Promise<MailModelRecord | undefined> {
      const row = await db.selectFrom('mail_models').selectAll().where('active', '=', 1).executeTakeFirst();
      return row ? toModel(row) : undefined;
    },

    /** Makes one learnt model the active one, or none (the shipped model) with `null`. */
    async activateModel(version: string | null): Promise<void> {
      await db.updateTable('mail_models').set({ active: 0 }).where('active', '=', 1).execute();
      if (version !== null)
        await db.updateTable('mail_models').set({ active: 1 }).where('version', '=', version).execute();
    },
  };
}

/** Settings of each module as validated JSON documents, one row per module. */
export function moduleSettingsRepository(db: Kysely<Database>) {
  return {
    async get(module: string): Promise<{ value: unknown; updatedAt: string; updatedBy: string } | undefined> {
      const row = await db.selectFrom('module_settings').selectAll().where('module', '=', module).executeTakeFirst();
      return row
        ? { value: JSON.parse(row.value) as unknown, updatedAt: row.updated_at, updatedBy: row.updated_by }
        : undefined;
    },

    async set(module: string, value: unknown, updatedAt: string, updatedBy: string): Promise<void> {
      const values = { value: JSON.stringify(value), updated_at: updatedAt, updated_by: updatedBy };
      await db
        .insertInto('module_settings')
        .values({ module, ...values })
        .onConflict((oc) => oc.column('module').doUpdateSet(values))
        .execute();
    },
  };
}
