/**
 * Detect storage: ingested events as received, alerts, incidents and their notes, rule packs,
 * per-rule switches, compile failures, and the history of threshold changes. Structured values
 * are JSON text; text that comes from logs is stored with NUL characters replaced, since
 * PostgreSQL text cannot hold them (JSON text escapes them already).
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database } from './schema.js';

export interface DetectEventsTable {
  id: string;
  batch_id: string;
  position: number;
  received_at: string;
  event_time: string;
  source: string;
  format: string;
  original: string;
  event: string;
}

export interface DetectAlertsTable {
  id: string;
  episode: string | null;
  kind: string;
  rule_id: string;
  title: string;
  level: string | null;
  severity: string;
  score: number;
  attack: string;
  entities: string;
  event_ids: string;
  reasons: string;
  details: string;
  source: string;
  first_time: string;
  last_time: string;
  created_at: string;
  updated_at: string;
  verdict: string | null;
  verdict_by: string | null;
  verdict_at: string | null;
  verdict_note: string | null;
  incident_id: string;
  finding_id: string | null;
}

export interface DetectIncidentsTable {
  id: string;
  entity_kind: string;
  entity_value: string;
  entity_key: string;
  first_time: string;
  last_time: string;
  severity: string;
  status: string;
  resolution: string | null;
  assignee: string | null;
  alert_count: number;
  created_at: string;
  updated_at: string;
  finding_id: string | null;
}

export interface DetectIncidentNotesTable {
  id: string;
  incident_id: string;
  at: string;
  author: string;
  text: string;
}

export interface DetectRulePacksTable {
  id: string;
  name: string;
  imported_at: string;
  imported_by: string;
  files: number;
}

export interface DetectRuleFilesTable {
  id: string;
  pack_id: string;
  path: string;
  text: string;
}

export interface DetectRuleStateTable {
  rule_id: string;
  enabled: number;
  updated_at: string;
  updated_by: string;
}

export interface DetectRuleProblemsTable {
  id: string;
  origin: string;
  file: string;
  line: number;
  rule: string | null;
  reason: string;
  kind: string;
}

export interface DetectThresholdChangesTable {
  id: string;
  at: string;
  actor: string;
  alert_id: string | null;
  verdict: string;
  pattern: string;
  entity_kind: string;
  entity_value: string;
  before: string;
  after: string;
  description: string;
  undone_at: string | null;
  undone_by: string | null;
}

export interface DetectTables {
  detect_events: DetectEventsTable;
  detect_alerts: DetectAlertsTable;
  detect_incidents: DetectIncidentsTable;
  detect_incident_notes: DetectIncidentNotesTable;
  detect_rule_packs: DetectRulePacksTable;
  detect_rule_files: DetectRuleFilesTable;
  detect_rule_state: DetectRuleStateTable;
  detect_rule_problems: DetectRuleProblemsTable;
  detect_threshold_changes: DetectThresholdChangesTable;
}

/** Text from outside, made storable on both databases (PostgreSQL refuses NUL in text). */
function clean(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}
const cleanOrNull = (value: string | null) => (value === null ? null : clean(value));

export interface DetectEventRecord {
  readonly id: string;
  readonly batchId: string;
  readonly position: number;
  readonly receivedAt: string;
  readonly eventTime: string;
  readonly source: string;
  readonly format: string;
  /** JSON text of what was received (a line as a JSON string, a record as an object). */
  readonly original: string;
  /** JSON text of the normalised event. */
  readonly event: string;
}

export interface DetectAlertRecord {
  readonly id: string;
  readonly episode: string | null;
  /** `rule`, `correlation` or `behaviour`. */
  readonly kind: string;
  /** The Sigma rule or correlation id, or the behavioural pattern. */
  readonly ruleId: string;
  readonly title: string;
  readonly level: string | null;
  readonly severity: string;
  readonly score: number;
  readonly attack: string;
  readonly entities: string;
  readonly eventIds: string;
  readonly reasons: string;
  readonly details: string;
  readonly source: string;
  readonly firstTime: string;
  readonly lastTime: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly verdict: string | null;
  readonly verdictBy: string | null;
  readonly verdictAt: string | null;
  readonly verdictNote: string | null;
  readonly incidentId: string;
  readonly findingId: string | null;
}

export interface DetectIncidentRecord {
  readonly id: string;
  readonly entityKind: string;
  readonly entityValue: string;
  readonly entityKey: string;
  readonly firstTime: string;
  readonly lastTime: string;
  readonly severity: string;
  readonly status: string;
  readonly resolution: string | null;
  readonly assignee: string | null;
  readonly alertCount: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly findingId: string | null;
}

export interface DetectNoteRecord {
  readonly id: string;
  readonly incidentId: string;
  readonly at: string;
  readonly author: string;
  readonly text: string;
}

export interface DetectRulePackRecord {
  readonly id: string;
  readonly name: string;
  readonly importedAt: string;
  readonly importedBy: string;
  readonly files: number;
}

export interface DetectRuleProblemRecord {
  readonly origin: string;
  readonly file: string;
  readonly line: number;
  readonly rule: string | null;
  readonly reason: string;
  readonly kind: string;
}

export interface DetectThresholdChangeRecord {
  readonly id: string;
  readonly at: string;
  readonly actor: string;
  readonly alertId: string | null;
  readonly verdict: string;
  readonly pattern: string;
  readonly entityKind: string;
  readonly entityValue: string;
  /** JSON text of the override before and after (`null` for none). */
  readonly before: string;
  readonly after: string;
  readonly description: string;
  readonly undoneAt: string | null;
  readonly undoneBy: string | null;
}

export interface DetectAlertQuery {
  readonly status?: 'open' | 'triaged' | undefined;
  readonly severity?: string | undefined;
  readonly kind?: string | undefined;
  /** Alerts whose last event is at or after this time. */
  readonly since?: string | undefined;
  readonly incidentId?: string | undefined;
  readonly limit: number;
  readonly before?: { readonly lastTime: string; readonly id: string } | undefined;
}

export interface DetectIncidentQuery {
  readonly status?: string | undefined;
  readonly severity?: string | undefined;
  readonly limit: number;
  readonly before?: { readonly lastTime: string; readonly id: string } | undefined;
}

const toEvent = (row: Selectable<DetectEventsTable>): DetectEventRecord => ({
  id: row.id,
  batchId: row.batch_id,
  position: Number(row.position),
  receivedAt: row.received_at,
  eventTime: row.event_time,
  source: row.source,
  format: row.format,
  original: row.original,
  event: row.event,
});

const toAlert = (row: Selectable<DetectAlertsTable>): DetectAlertRecord => ({
  id: row.id,
  episode: row.episode,
  kind: row.kind,
  ruleId: row.rule_id,
  title: row.title,
  level: row.level,
  severity: row.severity,
  score: Number(row.score),
  attack: row.attack,
  entities: row.entities,
  eventIds: row.event_ids,
  reasons: row.reasons,
  details: row.details,
  source: row.source,
  firstTime: row.first_time,
  lastTime: row.last_time,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  verdict: row.verdict,
  verdictBy: row.verdict_by,
  verdictAt: row.verdict_at,
  verdictNote: row.verdict_note,
  incidentId: row.incident_id,
  findingId: row.finding_id,
});

const alertRow = (a: DetectAlertRecord): DetectAlertsTable => ({
  id: a.id,
  episode: cleanOrNull(a.episode),
  kind: a.kind,
  rule_id: clean(a.ruleId),
  title: a.title,
  level: cleanOrNull(a.level),
  severity: a.severity,
  score: a.score,
  attack: a.attack,
  entities: a.entities,
  event_ids: a.eventIds,
  reasons: a.reasons,
  details: a.details,
  source: clean(a.source),
  first_time: a.firstTime,
  last_time: a.lastTime,
  created_at: a.createdAt,
  updated_at: a.updatedAt,
  verdict: a.verdict,
  verdict_by: a.verdictBy,
  verdict_at: a.verdictAt,
  verdict_note: cleanOrNull(a.verdictNote),
  incident_id: a.incidentId,
  finding_id: a.findingId,
});

const toIncident = (row: Selectable<DetectIncidentsTable>): DetectIncidentRecord => ({
  id: row.id,
  entityKind: row.entity_kind,
  entityValue: row.entity_value,
  entityKey: row.entity_key,
  firstTime: row.first_time,
  lastTime: row.last_time,
  severity: row.severity,
  status: row.status,
  resolution: row.resolution,
  assignee: row.assignee,
  alertCount: Number(row.alert_count),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  findingId: row.finding_id,
});

const incidentRow = (i: DetectIncidentRecord): DetectIncidentsTable => ({
  id: i.id,
  entity_kind: i.entityKind,
  entity_value: clean(i.entityValue),
  entity_key: clean(i.entityKey),
  first_time: i.firstTime,
  last_time: i.lastTime,
  severity: i.severity,
  status: i.status,
  resolution: i.resolution,
  assignee: cleanOrNull(i.assignee),
  alert_count: i.alertCount,
  created_at: i.createdAt,
  updated_at: i.updatedAt,
  finding_id: i.findingId,
});

const toChange = (row: Selectable<DetectThresholdChangesTable>): DetectThresholdChangeRecord => ({
  id: row.id,
  at: row.at,
  actor: row.actor,
  alertId: row.alert_id,
  verdict: row.verdict,
  pattern: row.pattern,
  entityKind: row.entity_kind,
  entityValue: row.entity_value,
  before: row.before,
  after: row.after,
  description: row.description,
  undoneAt: row.undone_at,
  undoneBy: row.undone_by,
});

/** Rows per insert statement: keeps each under the drivers' parameter limits. */
const CHUNK = 200;

export function detectRepository(db: Kysely<Database>) {
  return {
    async insertEvents(events: readonly DetectEventRecord[]): Promise<void> {
      for (let i = 0; i < events.length; i += CHUNK) {
        await db
          .insertInto('detect_events')
          .values(
            events.slice(i, i + CHUNK).map((e) => ({
              id: e.id,
              batch_id: e.batchId,
              position: e.position,
              received_at: e.receivedAt,
              event_time: e.eventTime,
              source: clean(e.source),
              format: e.format,
              original: e.original,
              event: e.event,
            })),
          )
          .execute();
      }
    },

    async eventsByIds(ids: readonly string[]): Promise<DetectEventRecord[]> {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('detect_events')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute();
      const order = new Map(ids.map((id, i) => [id, i]));
      return rows.map(toEvent).sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
    },

    /** Events received at or after `since`, in arrival order, a page at a time (replay at start). */
    async eventsReceivedSince(
      since: string,
      limit: number,
      after?: { receivedAt: string; batchId: string; position: number },
    ): Promise<DetectEventRecord[]> {
      let q = db.selectFrom('detect_events').selectAll().where('received_at', '>=', since);
      if (after) {
        q = q.where((eb) =>
          eb.or([
            eb('received_at', '>', after.receivedAt),
            eb.and([eb('received_at', '=', after.receivedAt), eb('batch_id', '>', after.batchId)]),
            eb.and([
              eb('received_at', '=', after.receivedAt),
              eb('batch_id', '=', after.batchId),
              eb('position', '>', after.position),
            ]),
          ]),
        );
      }
      const rows = await q.orderBy('received_at').orderBy('batch_id').orderBy('position').limit(limit).execute();
      return rows.map(toEvent);
    },

    async countEvents(): Promise<number> {
      const row = await db
        .selectFrom('detect_events')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Retention: drops events received before `before`; alerts keep their own copy of what they say. */
    async pruneEvents(before: string): Promise<number> {
      const result = await db.deleteFrom('detect_events').where('received_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async insertAlert(alert: DetectAlertRecord): Promise<void> {
      await db.insertInto('detect_alerts').values(alertRow(alert)).execute();
    },

    /**
     * A behavioural episode that grew: its evidence and time span, never the analyst's status
     * or verdict (which a concurrent request may be setting).
     */
    async growAlert(
      id: string,
      grown: Pick<
        DetectAlertRecord,
        'severity' | 'score' | 'title' | 'entities' | 'eventIds' | 'reasons' | 'details' | 'lastTime' | 'updatedAt'
      >,
    ): Promise<void> {
      await db
        .updateTable('detect_alerts')
        .set({
          severity: grown.severity,
          score: grown.score,
          title: grown.title,
          entities: grown.entities,
          event_ids: grown.eventIds,
          reasons: grown.reasons,
          details: grown.details,
          last_time: grown.lastTime,
          updated_at: grown.updatedAt,
        })
        .where('id', '=', id)
        .execute();
    },

    async updateAlert(alert: DetectAlertRecord): Promise<void> {
      const { id, ...rest } = alertRow(alert);
      await db.updateTable('detect_alerts').set(rest).where('id', '=', id).execute();
    },

    async getAlert(id: string): Promise<DetectAlertRecord | undefined> {
      const row = await db.selectFrom('detect_alerts').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toAlert(row) : undefined;
    },

    async alertByEpisode(episode: string): Promise<DetectAlertRecord | undefined> {
      const row = await db
        .selectFrom('detect_alerts')
        .selectAll()
        .where('episode', '=', clean(episode))
        .executeTakeFirst();
      return row ? toAlert(row) : undefined;
    },

    /**
     * Newest first, by the time of their latest event (the time a queue shows): alerts raised by
     * one batch share their creation time, and ordering by it listed them in no telling order.
     */
    async listAlerts(query: DetectAlertQuery): Promise<DetectAlertRecord[]> {
      let q = db.selectFrom('detect_alerts').selectAll();
      if (query.status === 'open') q = q.where('verdict', 'is', null);
      if (query.status === 'triaged') q = q.where('verdict', 'is not', null);
      if (query.severity) q = q.where('severity', '=', query.severity);
      if (query.kind) q = q.where('kind', '=', query.kind);
      if (query.since) q = q.where('last_time', '>=', query.since);
      if (query.incidentId) q = q.where('incident_id', '=', query.incidentId);
      const before = query.before;
      if (before) {
        q = q.where((eb) =>
          eb.or([
            eb('last_time', '<', before.lastTime),
            eb.and([eb('last_time', '=', before.lastTime), eb('id', '<', before.id)]),
          ]),
        );
      }
      const rows = await q.orderBy('last_time', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
      return rows.map(toAlert);
    },

    /** An incident's alerts, in time order (its timeline). */
    async alertsOfIncident(incidentId: string, limit: number): Promise<DetectAlertRecord[]> {
      const rows = await db
        .selectFrom('detect_alerts')
        .selectAll()
        .where('incident_id', '=', incidentId)
        .orderBy('first_time')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toAlert);
    },

    async insertIncident(incident: DetectIncidentRecord): Promise<void> {
      await db.insertInto('detect_incidents').values(incidentRow(incident)).execute();
    },

    /**
     * A new alert on an incident: its time span widens, its severity rises, its count grows —
     * computed in the statement, so that concurrent ingests add up and never touch the
     * analyst's workflow columns (status, resolution, assignee).
     */
    async addIncidentActivity(
      id: string,
      activity: { firstTime: string; lastTime: string; severity: string; alerts: number; at: string },
    ): Promise<void> {
      const rank = (value: unknown) =>
        sql`(case ${value} when 'critical' then 4 when 'high' then 3 when 'medium' then 2 when 'low' then 1 else 0 end)`;
      await db
        .updateTable('detect_incidents')
        .set({
          first_time: sql`case when first_time > ${activity.firstTime} then ${activity.firstTime} else first_time end`,
          last_time: sql`case when last_time < ${activity.lastTime} then ${activity.lastTime} else last_time end`,
          severity: sql`case when ${rank(sql.ref('severity'))} < ${rank(activity.severity)} then ${activity.severity} else severity end`,
          alert_count: sql`alert_count + ${activity.alerts}`,
          updated_at: activity.at,
        })
        .where('id', '=', id)
        .execute();
    },

    /**
     * The analyst's workflow step, applied only if the incident is still in the status the
     * analyst saw (`from`): false when someone else moved it meanwhile.
     */
    async setIncidentWorkflow(
      id: string,
      from: string,
      /** `assignee` undefined: left as it is (someone else may have just changed it). */
      step: { status: string; resolution: string | null; assignee?: string | null | undefined; at: string },
    ): Promise<boolean> {
      const result = await db
        .updateTable('detect_incidents')
        .set({
          status: step.status,
          resolution: step.resolution,
          ...(step.assignee !== undefined ? { assignee: cleanOrNull(step.assignee) } : {}),
          updated_at: step.at,
        })
        .where('id', '=', id)
        .where('status', '=', from)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async getIncident(id: string): Promise<DetectIncidentRecord | undefined> {
      const row = await db.selectFrom('detect_incidents').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toIncident(row) : undefined;
    },

    /** Unresolved incidents about one of these entities whose last alert is at or after `since`. */
    async openIncidentsFor(keys: readonly string[], since: string): Promise<DetectIncidentRecord[]> {
      if (keys.length === 0) return [];
      const rows = await db
        .selectFrom('detect_incidents')
        .selectAll()
        .where('entity_key', 'in', keys.map(clean))
        .where('status', '!=', 'resolved')
        .where('last_time', '>=', since)
        .orderBy('last_time', 'desc')
        .execute();
      return rows.map(toIncident);
    },

    /** Most recent activity first. */
    async listIncidents(query: DetectIncidentQuery): Promise<DetectIncidentRecord[]> {
      let q = db.selectFrom('detect_incidents').selectAll();
      if (query.status) q = q.where('status', '=', query.status);
      if (query.severity) q = q.where('severity', '=', query.severity);
      const before = query.before;
      if (before) {
        q = q.where((eb) =>
          eb.or([
            eb('last_time', '<', before.lastTime),
            eb.and([eb('last_time', '=', before.lastTime), eb('id', '<', before.id)]),
          ]),
        );
      }
      const rows = await q.orderBy('last_time', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
      return rows.map(toIncident);
    },

    /** The newest incidents' creation time and status (at most `limit`), newest first. */
    async incidentTimes(limit: number): Promise<{ id: string; createdAt: string; status: string }[]> {
      const rows = await db
        .selectFrom('detect_incidents')
        .select(['id', 'created_at', 'status'])
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ id: r.id, createdAt: r.created_at, status: r.status }));
    },

    /**
     * Incidents' workflow steps as the audit trail holds them (action `detect.incident.status`),
     * made at or after `since`, oldest first, at most `limit`.
     */
    async incidentSteps(
      since: string,
      limit: number,
    ): Promise<{ incidentId: string; at: string; to: string | null }[]> {
      const rows = await db
        .selectFrom('audit_log')
        .select(['target', 'at', 'details'])
        .where('action', '=', 'detect.incident.status')
        .where('at', '>=', since)
        .orderBy('at')
        .orderBy('seq')
        .limit(limit)
        .execute();
      const steps: { incidentId: string; at: string; to: string | null }[] = [];
      for (const r of rows) {
        if (r.target === null) continue;
        let to: unknown = null;
        try {
          to = (JSON.parse(r.details) as { to?: unknown }).to;
        } catch {
          to = null;
        }
        steps.push({ incidentId: r.target, at: r.at, to: typeof to === 'string' ? to : null });
      }
      return steps;
    },

    async addNote(note: DetectNoteRecord): Promise<void> {
      await db
        .insertInto('detect_incident_notes')
        .values({
          id: note.id,
          incident_id: note.incidentId,
          at: note.at,
          author: clean(note.author),
          text: clean(note.text),
        })
        .execute();
    },

    async notes(incidentId: string): Promise<DetectNoteRecord[]> {
      const rows = await db
        .selectFrom('detect_incident_notes')
        .selectAll()
        .where('incident_id', '=', incidentId)
        .orderBy('at')
        .orderBy('id')
        .execute();
      return rows.map((r) => ({ id: r.id, incidentId: r.incident_id, at: r.at, author: r.author, text: r.text }));
    },

    async insertPack(pack: DetectRulePackRecord, files: readonly { id: string; path: string; text: string }[]) {
      await db
        .insertInto('detect_rule_packs')
        .values({
          id: pack.id,
          name: clean(pack.name),
          imported_at: pack.importedAt,
          imported_by: clean(pack.importedBy),
          files: pack.files,
        })
        .execute();
      for (let i = 0; i < files.length; i += CHUNK) {
        await db
          .insertInto('detect_rule_files')
          .values(
            files
              .slice(i, i + CHUNK)
              .map((f) => ({ id: f.id, pack_id: pack.id, path: clean(f.path), text: clean(f.text) })),
          )
          .execute();
      }
    },

    async packs(): Promise<DetectRulePackRecord[]> {
      const rows = await db.selectFrom('detect_rule_packs').selectAll().orderBy('imported_at').orderBy('id').execute();
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        importedAt: r.imported_at,
        importedBy: r.imported_by,
        files: Number(r.files),
      }));
    },

    async packFiles(): Promise<{ packId: string; path: string; text: string }[]> {
      const rows = await db
        .selectFrom('detect_rule_files')
        .select(['pack_id', 'path', 'text'])
        .orderBy('pack_id')
        .orderBy('path')
        .orderBy('id')
        .execute();
      return rows.map((r) => ({ packId: r.pack_id, path: r.path, text: r.text }));
    },

    async ruleStates(): Promise<Map<string, boolean>> {
      const rows = await db.selectFrom('detect_rule_state').select(['rule_id', 'enabled']).execute();
      return new Map(rows.map((r) => [r.rule_id, Number(r.enabled) === 1]));
    },

    async setRuleEnabled(ruleId: string, enabled: boolean, at: string, by: string): Promise<void> {
      const values = { enabled: enabled ? 1 : 0, updated_at: at, updated_by: clean(by) };
      await db
        .insertInto('detect_rule_state')
        .values({ rule_id: clean(ruleId), ...values })
        .onConflict((oc) => oc.column('rule_id').doUpdateSet(values))
        .execute();
    },

    async replaceProblems(problems: readonly (DetectRuleProblemRecord & { id: string })[]): Promise<void> {
      await db.deleteFrom('detect_rule_problems').execute();
      for (let i = 0; i < problems.length; i += CHUNK) {
        await db
          .insertInto('detect_rule_problems')
          .values(
            problems.slice(i, i + CHUNK).map((p) => ({
              id: p.id,
              origin: clean(p.origin),
              file: clean(p.file),
              line: p.line,
              rule: cleanOrNull(p.rule),
              reason: clean(p.reason),
              kind: p.kind,
            })),
          )
          .execute();
      }
    },

    async problems(): Promise<DetectRuleProblemRecord[]> {
      const rows = await db
        .selectFrom('detect_rule_problems')
        .select(['origin', 'file', 'line', 'rule', 'reason', 'kind'])
        .orderBy('origin')
        .orderBy('file')
        .orderBy('line')
        .execute();
      return rows.map((r) => ({ ...r, line: Number(r.line) }));
    },

    async insertChange(change: DetectThresholdChangeRecord): Promise<void> {
      await db
        .insertInto('detect_threshold_changes')
        .values({
          id: change.id,
          at: change.at,
          actor: clean(change.actor),
          alert_id: change.alertId,
          verdict: change.verdict,
          pattern: change.pattern,
          entity_kind: change.entityKind,
          entity_value: clean(change.entityValue),
          before: change.before,
          after: change.after,
          description: change.description,
          undone_at: change.undoneAt,
          undone_by: change.undoneBy,
        })
        .execute();
    },

    async getChange(id: string): Promise<DetectThresholdChangeRecord | undefined> {
      const row = await db.selectFrom('detect_threshold_changes').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toChange(row) : undefined;
    },

    /** Newest first. */
    async changes(limit: number): Promise<DetectThresholdChangeRecord[]> {
      const rows = await db
        .selectFrom('detect_threshold_changes')
        .selectAll()
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toChange);
    },

    async markChangeUndone(id: string, at: string, by: string): Promise<void> {
      await db
        .updateTable('detect_threshold_changes')
        .set({ undone_at: at, undone_by: clean(by) })
        .where('id', '=', id)
        .execute();
    },
  };
}
export type DetectRepository = ReturnType<typeof detectRepository>;
