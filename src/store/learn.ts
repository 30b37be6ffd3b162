/**
 * Learn storage: learners' quiz state, signals and assignments, organisation content, the
 * knowledge base and its generated questions, target groups, campaigns, sends, tracking events
 * and game events. Tracking tokens are looked up by their SHA-256 digest only.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.js';

export interface LearnTables {
  learn_learners: { user_id: string; state: string; updated_at: string };
  learn_signals: { id: string; user_id: string; type: string; at: string; data: string };
  learn_assignments: {
    id: string;
    user_id: string;
    module_id: string;
    topic: string;
    priority: number;
    signal: string;
    reason: string;
    assigned_at: string;
  };
  learn_content: {
    id: string;
    path: string;
    text: string;
    digest: string;
    created_at: string;
    created_by: string;
    active: number;
  };
  learn_kb_docs: {
    id: string;
    title: string;
    format: string;
    locale: string;
    text: string;
    digest: string;
    questions: number;
    created_at: string;
    created_by: string;
  };
  learn_kb_questions: { id: string; doc_id: string; question: string };
  learn_groups: { id: string; name: string; targets: number; created_at: string; created_by: string };
  learn_targets: {
    group_id: string;
    email: string;
    first_name: string;
    last_name: string;
    department: string;
    role: string;
    locale: string;
    user_id: string | null;
  };
  learn_campaigns: {
    id: string;
    name: string;
    group_id: string;
    definition: string;
    sender: string;
    report_link: number;
    status: string;
    seed: string;
    unscheduled: string;
    created_at: string;
    created_by: string;
    updated_at: string;
    launched_at: string | null;
    /** Added by 0007: the sending profile (null: the configuration's profile). */
    profile_id: string | null;
  };
  learn_sends: {
    id: string;
    campaign_id: string;
    email: string;
    first_name: string;
    last_name: string;
    department: string;
    role: string;
    locale: string;
    user_id: string | null;
    template_id: string;
    scheduled_at: string;
    status: string;
    token_hash: string | null;
    attempts: number;
    sent_at: string | null;
    error: string | null;
    message_id: string | null;
  };
  learn_events: {
    id: string;
    campaign_id: string;
    send_id: string;
    email: string;
    type: string;
    at: string;
    ip: string | null;
    user_agent: string | null;
    method: string | null;
    link_id: string | null;
    via: string | null;
    verdict: string | null;
    bot_score: number | null;
    reasons: string | null;
    fields: string | null;
  };
  learn_game_events: { id: string; user_id: string; team: string; type: string; at: string; data: string };
  learn_profiles: {
    id: string;
    name: string;
    host: string;
    port: number;
    tls: string;
    username: string | null;
    password: string | null;
    from_address: string;
    from_name: string | null;
    headers: string;
    created_at: string;
    created_by: string;
    updated_at: string;
    deleted_at: string | null;
  };
  learn_custom: {
    id: string;
    kind: string;
    name: string;
    data: string;
    created_at: string;
    created_by: string;
    updated_at: string;
    deleted_at: string | null;
  };
  learn_time: {
    user_id: string;
    day: string;
    module_id: string;
    kind: string;
    seconds: number;
    last_at: string;
  };
}

/** A sending profile; `password` is the stored form (encrypted or marked plain), never the API's. */
export interface LearnProfileRecord {
  readonly id: string;
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly tls: 'starttls' | 'tls' | 'none';
  readonly username: string | null;
  readonly password: string | null;
  readonly fromAddress: string;
  readonly fromName: string | null;
  readonly headers: readonly { readonly name: string; readonly value: string }[];
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  readonly deletedAt: string | null;
}

/** An organisation template or landing page: `data` is the engine's validated JSON. */
export interface LearnCustomRecord {
  readonly id: string;
  readonly kind: 'template' | 'landing';
  readonly name: string;
  readonly data: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  readonly deletedAt: string | null;
}

/** Seconds a learner spent on one module's lessons or quiz on one day. */
export interface LearnTimeRecord {
  readonly userId: string;
  readonly day: string;
  readonly moduleId: string;
  readonly kind: 'lesson' | 'quiz';
  readonly seconds: number;
  readonly lastAt: string;
}

export interface LearnTargetRecord {
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly department: string;
  readonly role: string;
  readonly locale: 'fr' | 'en';
  readonly userId: string | null;
}

export interface LearnGroupRecord {
  readonly id: string;
  readonly name: string;
  readonly targets: number;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface LearnCampaignRecord {
  readonly id: string;
  readonly name: string;
  readonly groupId: string;
  /** The engine's campaign as JSON text. */
  readonly definition: string;
  readonly sender: { readonly address: string; readonly name?: string | undefined };
  readonly reportLink: boolean;
  readonly status: string;
  readonly seed: string;
  readonly unscheduled: readonly { readonly email: string; readonly reason: string }[];
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  readonly launchedAt: string | null;
  /** The sending profile (null: the configuration's, VIGIE_LEARN_SMTP_URL). */
  readonly profileId?: string | null;
}

export type LearnSendStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'interrupted' | 'cancelled';

export interface LearnSendRecord extends Omit<LearnTargetRecord, 'userId'> {
  readonly id: string;
  readonly campaignId: string;
  readonly userId: string | null;
  readonly templateId: string;
  readonly scheduledAt: string;
  readonly status: LearnSendStatus;
  readonly tokenHash: string | null;
  readonly attempts: number;
  readonly sentAt: string | null;
  readonly error: string | null;
  readonly messageId: string | null;
}

export interface LearnEventRecord {
  readonly id: string;
  readonly campaignId: string;
  readonly sendId: string;
  readonly email: string;
  readonly type: string;
  readonly at: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly method: string | null;
  readonly linkId: string | null;
  readonly via: string | null;
  readonly verdict: string | null;
  readonly botScore: number | null;
  /** JSON text of the classifier's reasons, for clicks. */
  readonly reasons: string | null;
  /** Names of the filled fields, for submissions. */
  readonly fields: readonly string[] | null;
}

export interface LearnAssignmentRecord {
  readonly id: string;
  readonly userId: string;
  readonly moduleId: string;
  readonly topic: string;
  readonly priority: number;
  readonly signal: string;
  readonly reason: { readonly fr: string; readonly en: string };
  readonly assignedAt: string;
}

export interface LearnGameEventRecord {
  readonly id: string;
  readonly userId: string;
  readonly team: string;
  readonly type: string;
  readonly at: string;
  readonly data: Record<string, unknown>;
}

export interface LearnContentRecord {
  readonly id: string;
  readonly path: string;
  readonly text: string;
  readonly digest: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly active: boolean;
}

export interface LearnKbDocRecord {
  readonly id: string;
  readonly title: string;
  readonly format: string;
  readonly locale: string;
  readonly digest: string;
  readonly questions: number;
  readonly createdAt: string;
  readonly createdBy: string;
}

/** Text from outside, made storable on both databases (PostgreSQL refuses NUL in text). */
const clean = (value: string): string => (value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value);
const cleanOrNull = (value: string | null | undefined) => (value == null ? null : clean(value));

const toSend = (r: Selectable<LearnTables['learn_sends']>): LearnSendRecord => ({
  id: r.id,
  campaignId: r.campaign_id,
  email: r.email,
  firstName: r.first_name,
  lastName: r.last_name,
  department: r.department,
  role: r.role,
  locale: r.locale === 'fr' ? 'fr' : 'en',
  userId: r.user_id,
  templateId: r.template_id,
  scheduledAt: r.scheduled_at,
  status: r.status as LearnSendStatus,
  tokenHash: r.token_hash,
  attempts: Number(r.attempts),
  sentAt: r.sent_at,
  error: r.error,
  messageId: r.message_id,
});

const toEvent = (r: Selectable<LearnTables['learn_events']>): LearnEventRecord => ({
  id: r.id,
  campaignId: r.campaign_id,
  sendId: r.send_id,
  email: r.email,
  type: r.type,
  at: r.at,
  ip: r.ip,
  userAgent: r.user_agent,
  method: r.method,
  linkId: r.link_id,
  via: r.via,
  verdict: r.verdict,
  botScore: r.bot_score === null ? null : Number(r.bot_score),
  reasons: r.reasons,
  fields: r.fields === null ? null : (JSON.parse(r.fields) as string[]),
});

const toCampaign = (r: Selectable<LearnTables['learn_campaigns']>): LearnCampaignRecord => ({
  id: r.id,
  name: r.name,
  groupId: r.group_id,
  definition: r.definition,
  sender: JSON.parse(r.sender) as LearnCampaignRecord['sender'],
  reportLink: Number(r.report_link) === 1,
  status: r.status,
  seed: r.seed,
  unscheduled: JSON.parse(r.unscheduled) as LearnCampaignRecord['unscheduled'],
  createdAt: r.created_at,
  createdBy: r.created_by,
  updatedAt: r.updated_at,
  launchedAt: r.launched_at,
  profileId: r.profile_id ?? null,
});

const toProfile = (r: Selectable<LearnTables['learn_profiles']>): LearnProfileRecord => ({
  id: r.id,
  name: r.name,
  host: r.host,
  port: Number(r.port),
  tls: r.tls === 'tls' || r.tls === 'none' ? r.tls : 'starttls',
  username: r.username,
  password: r.password,
  fromAddress: r.from_address,
  fromName: r.from_name,
  headers: JSON.parse(r.headers) as LearnProfileRecord['headers'],
  createdAt: r.created_at,
  createdBy: r.created_by,
  updatedAt: r.updated_at,
  deletedAt: r.deleted_at,
});

const toCustom = (r: Selectable<LearnTables['learn_custom']>): LearnCustomRecord => ({
  id: r.id,
  kind: r.kind === 'landing' ? 'landing' : 'template',
  name: r.name,
  data: r.data,
  createdAt: r.created_at,
  createdBy: r.created_by,
  updatedAt: r.updated_at,
  deletedAt: r.deleted_at,
});

const toGroup = (r: Selectable<LearnTables['learn_groups']>): LearnGroupRecord => ({
  id: r.id,
  name: r.name,
  targets: Number(r.targets),
  createdAt: r.created_at,
  createdBy: r.created_by,
});

export function learnRepository(db: Kysely<Database>) {
  return {
    // Learners --------------------------------------------------------------------------------
    async learnerState(userId: string): Promise<string | undefined> {
      const row = await db
        .selectFrom('learn_learners')
        .select('state')
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row?.state;
    },
    async learnerStates(): Promise<{ userId: string; state: string }[]> {
      const rows = await db.selectFrom('learn_learners').select(['user_id', 'state']).execute();
      return rows.map((r) => ({ userId: r.user_id, state: r.state }));
    },
    async saveLearnerState(userId: string, state: string, at: string): Promise<void> {
      await db
        .insertInto('learn_learners')
        .values({ user_id: userId, state, updated_at: at })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ state, updated_at: at }))
        .execute();
    },

    // Signals and assignments ---------------------------------------------------------------
    async insertSignal(s: { id: string; userId: string; type: string; at: string; data: unknown }): Promise<void> {
      await db
        .insertInto('learn_signals')
        .values({ id: s.id, user_id: s.userId, type: s.type, at: s.at, data: JSON.stringify(s.data) })
        .execute();
    },
    async signals(userId: string): Promise<unknown[]> {
      const rows = await db
        .selectFrom('learn_signals')
        .select('data')
        .where('user_id', '=', userId)
        .orderBy('at')
        .limit(1000)
        .execute();
      return rows.map((r) => JSON.parse(r.data) as unknown);
    },
    async insertAssignment(a: LearnAssignmentRecord): Promise<void> {
      await db
        .insertInto('learn_assignments')
        .values({
          id: a.id,
          user_id: a.userId,
          module_id: a.moduleId,
          topic: a.topic,
          priority: a.priority,
          signal: a.signal,
          reason: JSON.stringify(a.reason),
          assigned_at: a.assignedAt,
        })
        .onConflict((oc) => oc.columns(['user_id', 'module_id', 'assigned_at']).doNothing())
        .execute();
    },
    async assignments(userId?: string): Promise<LearnAssignmentRecord[]> {
      let q = db.selectFrom('learn_assignments').selectAll();
      if (userId !== undefined) q = q.where('user_id', '=', userId);
      const rows = await q.orderBy('assigned_at').execute();
      return rows.map((r) => ({
        id: r.id,
        userId: r.user_id,
        moduleId: r.module_id,
        topic: r.topic,
        priority: Number(r.priority),
        signal: r.signal,
        reason: JSON.parse(r.reason) as { fr: string; en: string },
        assignedAt: r.assigned_at,
      }));
    },

    // Organisation content ------------------------------------------------------------------
    async insertContent(c: LearnContentRecord): Promise<void> {
      await db.updateTable('learn_content').set({ active: 0 }).where('path', '=', c.path).execute();
      await db
        .insertInto('learn_content')
        .values({
          id: c.id,
          path: clean(c.path),
          text: clean(c.text),
          digest: c.digest,
          created_at: c.createdAt,
          created_by: c.createdBy,
          active: c.active ? 1 : 0,
        })
        .execute();
    },
    async deactivateContent(path: string): Promise<number> {
      const r = await db
        .updateTable('learn_content')
        .set({ active: 0 })
        .where('path', '=', path)
        .where('active', '=', 1)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
    async activeContent(): Promise<LearnContentRecord[]> {
      const rows = await db.selectFrom('learn_content').selectAll().where('active', '=', 1).orderBy('path').execute();
      return rows.map((r) => ({
        id: r.id,
        path: r.path,
        text: r.text,
        digest: r.digest,
        createdAt: r.created_at,
        createdBy: r.created_by,
        active: true,
      }));
    },

    // Knowledge base ------------------------------------------------------------------------
    async insertKbDoc(d: LearnKbDocRecord & { text: string }, questions: { id: string; json: string }[]) {
      await db
        .insertInto('learn_kb_docs')
        .values({
          id: d.id,
          title: clean(d.title),
          format: d.format,
          locale: d.locale,
          text: clean(d.text),
          digest: d.digest,
          questions: d.questions,
          created_at: d.createdAt,
          created_by: d.createdBy,
        })
        .execute();
      for (const q of questions) {
        await db
          .insertInto('learn_kb_questions')
          .values({ id: `${d.id}:${q.id}`, doc_id: d.id, question: clean(q.json) })
          .execute();
      }
    },
    async kbDocs(): Promise<LearnKbDocRecord[]> {
      const rows = await db
        .selectFrom('learn_kb_docs')
        .select(['id', 'title', 'format', 'locale', 'digest', 'questions', 'created_at', 'created_by'])
        .orderBy('created_at')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        title: r.title,
        format: r.format,
        locale: r.locale,
        digest: r.digest,
        questions: Number(r.questions),
        createdAt: r.created_at,
        createdBy: r.created_by,
      }));
    },
    async kbQuestions(): Promise<string[]> {
      const rows = await db.selectFrom('learn_kb_questions').select('question').orderBy('id').limit(5000).execute();
      return rows.map((r) => r.question);
    },

    // Groups --------------------------------------------------------------------------------
    async insertGroup(g: LearnGroupRecord, targets: readonly LearnTargetRecord[]): Promise<void> {
      await db
        .insertInto('learn_groups')
        .values({
          id: g.id,
          name: clean(g.name),
          targets: g.targets,
          created_at: g.createdAt,
          created_by: g.createdBy,
        })
        .execute();
      for (const t of targets) {
        await db
          .insertInto('learn_targets')
          .values({
            group_id: g.id,
            email: clean(t.email),
            first_name: clean(t.firstName),
            last_name: clean(t.lastName),
            department: clean(t.department),
            role: clean(t.role),
            locale: t.locale,
            user_id: t.userId,
          })
          .execute();
      }
    },
    async groups(): Promise<LearnGroupRecord[]> {
      return (await db.selectFrom('learn_groups').selectAll().orderBy('created_at').execute()).map(toGroup);
    },
    async group(id: string): Promise<LearnGroupRecord | undefined> {
      const row = await db.selectFrom('learn_groups').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toGroup(row) : undefined;
    },
    async targets(groupId: string): Promise<LearnTargetRecord[]> {
      const rows = await db
        .selectFrom('learn_targets')
        .selectAll()
        .where('group_id', '=', groupId)
        .orderBy('email')
        .execute();
      return rows.map((r) => ({
        email: r.email,
        firstName: r.first_name,
        lastName: r.last_name,
        department: r.department,
        role: r.role,
        locale: r.locale === 'fr' ? 'fr' : 'en',
        userId: r.user_id,
      }));
    },

    // Campaigns -----------------------------------------------------------------------------
    async insertCampaign(c: LearnCampaignRecord): Promise<void> {
      await db
        .insertInto('learn_campaigns')
        .values({
          id: c.id,
          name: clean(c.name),
          group_id: c.groupId,
          definition: clean(c.definition),
          sender: clean(JSON.stringify(c.sender)),
          report_link: c.reportLink ? 1 : 0,
          status: c.status,
          seed: c.seed,
          unscheduled: JSON.stringify(c.unscheduled),
          created_at: c.createdAt,
          created_by: c.createdBy,
          updated_at: c.updatedAt,
          launched_at: c.launchedAt,
          profile_id: c.profileId ?? null,
        })
        .execute();
    },
    async updateCampaign(
      id: string,
      change: {
        status: string;
        updatedAt: string;
        launchedAt?: string;
        unscheduled?: LearnCampaignRecord['unscheduled'];
      },
      /** Only when the campaign is in one of these statuses (compare-and-set: two launches cannot both win). */
      from?: readonly string[],
    ): Promise<boolean> {
      let q = db
        .updateTable('learn_campaigns')
        .set({
          status: change.status,
          updated_at: change.updatedAt,
          ...(change.launchedAt ? { launched_at: change.launchedAt } : {}),
          ...(change.unscheduled ? { unscheduled: JSON.stringify(change.unscheduled) } : {}),
        })
        .where('id', '=', id);
      if (from) q = q.where('status', 'in', [...from]);
      const r = await q.executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async campaign(id: string): Promise<LearnCampaignRecord | undefined> {
      const row = await db.selectFrom('learn_campaigns').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toCampaign(row) : undefined;
    },
    async campaigns(status?: string): Promise<LearnCampaignRecord[]> {
      let q = db.selectFrom('learn_campaigns').selectAll();
      if (status) q = q.where('status', '=', status);
      return (await q.orderBy('created_at', 'desc').execute()).map(toCampaign);
    },

    // Sends ---------------------------------------------------------------------------------
    async insertSends(sends: readonly LearnSendRecord[]): Promise<void> {
      for (const s of sends) {
        await db
          .insertInto('learn_sends')
          .values({
            id: s.id,
            campaign_id: s.campaignId,
            email: s.email,
            first_name: s.firstName,
            last_name: s.lastName,
            department: s.department,
            role: s.role,
            locale: s.locale,
            user_id: s.userId,
            template_id: s.templateId,
            scheduled_at: s.scheduledAt,
            status: s.status,
            token_hash: s.tokenHash,
            attempts: s.attempts,
            sent_at: s.sentAt,
            error: s.error,
            message_id: s.messageId,
          })
          .execute();
      }
    },
    async sends(campaignId: string): Promise<LearnSendRecord[]> {
      const rows = await db
        .selectFrom('learn_sends')
        .selectAll()
        .where('campaign_id', '=', campaignId)
        .orderBy('scheduled_at')
        .orderBy('id')
        .execute();
      return rows.map(toSend);
    },
    async dueSends(campaignId: string, now: string, limit: number): Promise<LearnSendRecord[]> {
      const rows = await db
        .selectFrom('learn_sends')
        .selectAll()
        .where('campaign_id', '=', campaignId)
        .where('status', '=', 'pending')
        .where('scheduled_at', '<=', now)
        .orderBy('scheduled_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toSend);
    },
    /** Sends of a campaign that left `pending` at or after `since` (throttling counts them). */
    async startedSince(campaignId: string, since: string): Promise<number> {
      const row = await db
        .selectFrom('learn_sends')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('campaign_id', '=', campaignId)
        .where('status', 'in', ['sending', 'sent', 'failed', 'interrupted'])
        .where('sent_at', '>=', since)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    /** Claims a pending send: only one caller wins (the status moves only from `pending`). */
    async claimSend(id: string, tokenHash: string, at: string): Promise<boolean> {
      const r = await db
        .updateTable('learn_sends')
        .set((eb) => ({ status: 'sending', token_hash: tokenHash, sent_at: at, attempts: eb('attempts', '+', 1) }))
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async finishSend(
      id: string,
      change: { status: LearnSendStatus; at: string; error?: string | null; messageId?: string | null },
    ): Promise<void> {
      await db
        .updateTable('learn_sends')
        .set({
          status: change.status,
          sent_at: change.at,
          error: cleanOrNull(change.error),
          message_id: cleanOrNull(change.messageId),
        })
        .where('id', '=', id)
        .execute();
    },
    /** Sends left in `sending` by a crash: marked `interrupted`, never retried silently. */
    async interruptSending(at: string): Promise<string[]> {
      const rows = await db.selectFrom('learn_sends').select('id').where('status', '=', 'sending').execute();
      if (rows.length === 0) return [];
      await db
        .updateTable('learn_sends')
        .set({ status: 'interrupted', error: `interrupted at ${at}: delivery unknown, not retried` })
        .where('status', '=', 'sending')
        .execute();
      return rows.map((r) => r.id);
    },
    async cancelPending(campaignId: string): Promise<number> {
      const r = await db
        .updateTable('learn_sends')
        .set({ status: 'cancelled' })
        .where('campaign_id', '=', campaignId)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
    /**
     * Takes the send's row lock for the rest of the transaction (a no-op write: PostgreSQL holds
     * the row until commit, SQLite holds the whole database), so a check-then-insert on its
     * events cannot interleave with another one. Works the same on both dialects, unlike
     * `SELECT … FOR UPDATE`, which SQLite does not know. False when the send does not exist.
     */
    async lockSend(id: string): Promise<boolean> {
      const r = await db
        .updateTable('learn_sends')
        .set((eb) => ({ attempts: eb.ref('attempts') }))
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async sendByTokenHash(hash: string): Promise<LearnSendRecord | undefined> {
      const row = await db.selectFrom('learn_sends').selectAll().where('token_hash', '=', hash).executeTakeFirst();
      return row ? toSend(row) : undefined;
    },
    async pendingCount(campaignId: string): Promise<number> {
      const row = await db
        .selectFrom('learn_sends')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('campaign_id', '=', campaignId)
        .where('status', 'in', ['pending', 'sending'])
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    // Tracking events -----------------------------------------------------------------------
    async insertEvent(e: LearnEventRecord): Promise<void> {
      await db
        .insertInto('learn_events')
        .values({
          id: e.id,
          campaign_id: e.campaignId,
          send_id: e.sendId,
          email: e.email,
          type: e.type,
          at: e.at,
          ip: cleanOrNull(e.ip),
          user_agent: cleanOrNull(e.userAgent),
          method: e.method,
          link_id: cleanOrNull(e.linkId),
          via: e.via,
          verdict: e.verdict,
          bot_score: e.botScore,
          reasons: e.reasons,
          fields: e.fields === null ? null : JSON.stringify(e.fields),
        })
        .execute();
    },
    async eventsOfSend(sendId: string): Promise<LearnEventRecord[]> {
      const rows = await db
        .selectFrom('learn_events')
        .selectAll()
        .where('send_id', '=', sendId)
        .orderBy('at')
        .execute();
      return rows.map(toEvent);
    },
    async events(campaignId?: string, limit = 200_000): Promise<LearnEventRecord[]> {
      let q = db.selectFrom('learn_events').selectAll();
      if (campaignId) q = q.where('campaign_id', '=', campaignId);
      return (await q.orderBy('at').orderBy('id').limit(limit).execute()).map(toEvent);
    },

    // Game events ---------------------------------------------------------------------------
    async insertGameEvent(e: LearnGameEventRecord): Promise<void> {
      await db
        .insertInto('learn_game_events')
        .values({
          id: e.id,
          user_id: e.userId,
          team: clean(e.team),
          type: e.type,
          at: e.at,
          data: JSON.stringify(e.data),
        })
        .execute();
    },
    /**
     * Game events grouped by team, learner, type and data with their count: what team
     * leaderboards need, without sending every event of the organisation back. Identical events
     * (the same kind of right answer, say) collapse into one row.
     */
    async gameEventGroups(): Promise<(Omit<LearnGameEventRecord, 'id' | 'at'> & { count: number })[]> {
      const rows = await db
        .selectFrom('learn_game_events')
        .select((eb) => ['team', 'user_id', 'type', 'data', eb.fn.countAll<number>().as('n')])
        .groupBy(['team', 'user_id', 'type', 'data'])
        .execute();
      return rows.map((r) => ({
        userId: r.user_id,
        team: r.team,
        type: r.type,
        data: JSON.parse(r.data) as Record<string, unknown>,
        count: Number(r.n),
      }));
    },
    async gameEvents(query: { userId?: string; since?: string; limit?: number } = {}): Promise<LearnGameEventRecord[]> {
      let q = db.selectFrom('learn_game_events').selectAll();
      if (query.userId) q = q.where('user_id', '=', query.userId);
      if (query.since) q = q.where('at', '>=', query.since);
      const rows = await q
        .orderBy('at')
        .limit(query.limit ?? 100_000)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        userId: r.user_id,
        team: r.team,
        type: r.type,
        at: r.at,
        data: JSON.parse(r.data) as Record<string, unknown>,
      }));
    },

    // Sending profiles ----------------------------------------------------------------------
    async insertProfile(p: LearnProfileRecord): Promise<void> {
      await db
        .insertInto('learn_profiles')
        .values({
          id: p.id,
          name: clean(p.name),
          host: clean(p.host),
          port: p.port,
          tls: p.tls,
          username: cleanOrNull(p.username),
          password: cleanOrNull(p.password),
          from_address: clean(p.fromAddress),
          from_name: cleanOrNull(p.fromName),
          headers: clean(JSON.stringify(p.headers)),
          created_at: p.createdAt,
          created_by: p.createdBy,
          updated_at: p.updatedAt,
          deleted_at: p.deletedAt,
        })
        .execute();
    },
    async updateProfile(
      id: string,
      change: Partial<Omit<LearnProfileRecord, 'id' | 'createdAt' | 'createdBy'>>,
    ): Promise<boolean> {
      const r = await db
        .updateTable('learn_profiles')
        .set({
          ...(change.name !== undefined ? { name: clean(change.name) } : {}),
          ...(change.host !== undefined ? { host: clean(change.host) } : {}),
          ...(change.port !== undefined ? { port: change.port } : {}),
          ...(change.tls !== undefined ? { tls: change.tls } : {}),
          ...(change.username !== undefined ? { username: cleanOrNull(change.username) } : {}),
          ...(change.password !== undefined ? { password: cleanOrNull(change.password) } : {}),
          ...(change.fromAddress !== undefined ? { from_address: clean(change.fromAddress) } : {}),
          ...(change.fromName !== undefined ? { from_name: cleanOrNull(change.fromName) } : {}),
          ...(change.headers !== undefined ? { headers: clean(JSON.stringify(change.headers)) } : {}),
          ...(change.updatedAt !== undefined ? { updated_at: change.updatedAt } : {}),
          ...(change.deletedAt !== undefined ? { deleted_at: change.deletedAt } : {}),
        })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    /** Deleted profiles too when `withDeleted` (a campaign may still name one). */
    async profile(id: string, withDeleted = false): Promise<LearnProfileRecord | undefined> {
      let q = db.selectFrom('learn_profiles').selectAll().where('id', '=', id);
      if (!withDeleted) q = q.where('deleted_at', 'is', null);
      const row = await q.executeTakeFirst();
      return row ? toProfile(row) : undefined;
    },
    async profiles(): Promise<LearnProfileRecord[]> {
      const rows = await db
        .selectFrom('learn_profiles')
        .selectAll()
        .where('deleted_at', 'is', null)
        .orderBy('name')
        .execute();
      return rows.map(toProfile);
    },
    /** Campaigns not finished that send with a profile (a profile in use cannot be deleted). */
    async campaignsUsingProfile(id: string): Promise<string[]> {
      const rows = await db
        .selectFrom('learn_campaigns')
        .select('id')
        .where('profile_id', '=', id)
        .where('status', 'in', ['draft', 'running', 'paused'])
        .execute();
      return rows.map((r) => r.id);
    },

    // Organisation templates and landing pages ------------------------------------------------
    async insertCustom(c: LearnCustomRecord): Promise<void> {
      await db
        .insertInto('learn_custom')
        .values({
          id: c.id,
          kind: c.kind,
          name: clean(c.name),
          data: clean(c.data),
          created_at: c.createdAt,
          created_by: c.createdBy,
          updated_at: c.updatedAt,
          deleted_at: c.deletedAt,
        })
        .execute();
    },
    async updateCustom(
      id: string,
      change: { name?: string; data?: string; updatedAt: string; deletedAt?: string },
    ): Promise<boolean> {
      const r = await db
        .updateTable('learn_custom')
        .set({
          updated_at: change.updatedAt,
          ...(change.name !== undefined ? { name: clean(change.name) } : {}),
          ...(change.data !== undefined ? { data: clean(change.data) } : {}),
          ...(change.deletedAt !== undefined ? { deleted_at: change.deletedAt } : {}),
        })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    /** Every organisation template and landing page, deleted ones included (flagged). */
    async customItems(): Promise<LearnCustomRecord[]> {
      const rows = await db.selectFrom('learn_custom').selectAll().orderBy('name').execute();
      return rows.map(toCustom);
    },

    // Time spent ------------------------------------------------------------------------------
    /** When the learner's last heartbeat was credited (any module), for the plausibility cap. */
    async lastTimeAt(userId: string): Promise<string | undefined> {
      const row = await db
        .selectFrom('learn_time')
        .select((eb) => eb.fn.max('last_at').as('last'))
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return (row?.last as string | null | undefined) ?? undefined;
    },
    async secondsOnDay(userId: string, day: string): Promise<number> {
      const row = await db
        .selectFrom('learn_time')
        .select((eb) => eb.fn.sum<number>('seconds').as('s'))
        .where('user_id', '=', userId)
        .where('day', '=', day)
        .executeTakeFirst();
      return Number(row?.s ?? 0);
    },
    async addTime(t: LearnTimeRecord): Promise<void> {
      await db
        .insertInto('learn_time')
        .values({
          user_id: t.userId,
          day: t.day,
          module_id: t.moduleId,
          kind: t.kind,
          seconds: t.seconds,
          last_at: t.lastAt,
        })
        .onConflict((oc) =>
          oc
            .columns(['user_id', 'day', 'module_id', 'kind'])
            .doUpdateSet((eb) => ({ seconds: eb('learn_time.seconds', '+', t.seconds), last_at: t.lastAt })),
        )
        .execute();
    },
    /** Seconds per learner, module and kind (one learner's, or everyone's). */
    async timeTotals(userId?: string): Promise<{ userId: string; moduleId: string; kind: string; seconds: number }[]> {
      let q = db
        .selectFrom('learn_time')
        .select((eb) => ['user_id', 'module_id', 'kind', eb.fn.sum<number>('seconds').as('s')])
        .groupBy(['user_id', 'module_id', 'kind']);
      if (userId !== undefined) q = q.where('user_id', '=', userId);
      const rows = await q.execute();
      return rows.map((r) => ({ userId: r.user_id, moduleId: r.module_id, kind: r.kind, seconds: Number(r.s) }));
    },
  };
}
