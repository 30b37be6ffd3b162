/**
 * Detect: log batches in, the alert queue with verdicts (which adjust behavioural thresholds,
 * undoably), incidents and their workflow, Sigma rules (folder and imported packs, per-rule
 * switches, compile failures), and the behavioural settings.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SEVERITIES, VigieError } from '../../core/index.js';
import { BEHAVIOUR_PATTERNS, behaviourSettingsSchema, DETECT_LINE_FORMATS } from '../../detect/index.js';
import {
  DETECT_ALERT_KINDS,
  DETECT_SOURCE_PATTERN,
  DETECT_VERDICTS,
  INCIDENT_RESOLUTIONS,
  INCIDENT_STATUSES,
  MAX_LINE_LENGTH,
  MAX_RULE_FILE_BYTES,
  type Platform,
} from '../../platform/index.js';
import { actionContext } from '../access.js';
import { label, localizedTextSchema } from '../schemas.js';

/** A batch's body at most: about 10,000 syslog lines of typical length, or fewer larger records. */
export const DETECT_INGEST_BODY_LIMIT = 8 * 1024 * 1024;
/** A rule pack's body at most (the whole SigmaHQ tree is about 15 MB of YAML). */
const RULES_BODY_LIMIT = 32 * 1024 * 1024;

/** Response arrays are read-only: the services hand out immutable data. */
const list = <T extends z.ZodType>(item: T) => z.array(item).readonly();

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);
/** Sigma ids are UUIDs in practice, but any short printable id is allowed by the specification. */
const ruleId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/);

const entitiesSchema = z.object({
  users: list(z.string()).optional(),
  hosts: list(z.string()).optional(),
  ips: list(z.string()).optional(),
  domains: list(z.string()).optional(),
  devices: list(z.string()).optional(),
});

const attackSchema = z.object({
  techniques: list(z.object({ id: z.string(), name: z.string().nullable() })),
  tactics: list(z.object({ id: z.string(), name: z.string() })),
});

const evidenceSchema = z.object({
  code: z.string(),
  weight: z.number(),
  message: localizedTextSchema,
  data: z.record(z.string(), z.unknown()).optional(),
});

const alertSchema = z
  .object({
    id: z.string(),
    kind: z.enum(DETECT_ALERT_KINDS),
    ruleId: z.string(),
    title: localizedTextSchema,
    level: z.string().nullable(),
    severity: z.enum(SEVERITIES),
    score: z.number(),
    attack: attackSchema,
    entities: entitiesSchema,
    eventIds: list(z.string()),
    reasons: list(evidenceSchema),
    details: z.record(z.string(), z.unknown()),
    source: z.string(),
    firstTime: z.string(),
    lastTime: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    status: z.enum(['open', 'triaged']),
    verdict: z.enum(DETECT_VERDICTS).nullable(),
    verdictBy: z.string().nullable(),
    verdictAt: z.string().nullable(),
    verdictNote: z.string().nullable(),
    incidentId: z.string(),
    findingId: z.string().nullable(),
  })
  .meta({ id: 'DetectAlert' });

const eventSchema = z
  .object({
    id: z.string(),
    receivedAt: z.string(),
    eventTime: z.string(),
    source: z.string(),
    format: z.string(),
    original: z.unknown(),
    event: z.unknown(),
  })
  .meta({ id: 'DetectEvent' });

const incidentSchema = z
  .object({
    id: z.string(),
    title: localizedTextSchema,
    entity: z.object({ kind: z.string(), value: z.string() }),
    firstTime: z.string(),
    lastTime: z.string(),
    severity: z.enum(SEVERITIES),
    status: z.enum(INCIDENT_STATUSES),
    resolution: z.enum(INCIDENT_RESOLUTIONS).nullable(),
    assignee: z.string().nullable(),
    alertCount: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    findingId: z.string().nullable(),
  })
  .meta({ id: 'DetectIncident' });

const problemSchema = z.object({
  origin: z.string(),
  originName: z.string(),
  file: z.string(),
  line: z.number().int(),
  rule: z.string().nullable(),
  reason: z.string(),
  kind: z.string(),
});

const packSchema = z.object({
  id: z.string(),
  name: z.string(),
  importedAt: z.string(),
  importedBy: z.string(),
  files: z.number().int(),
});

const overrideSchema = z
  .object({
    pattern: z.string(),
    entity: z.object({ kind: z.string(), value: z.string() }),
    scale: z.number(),
    suppress: z.boolean(),
  })
  .nullable();

const changeSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.string(),
    alertId: z.string().nullable(),
    verdict: z.string(),
    pattern: z.string(),
    entity: z.object({ kind: z.string(), value: z.string() }),
    before: overrideSchema,
    after: overrideSchema,
    description: localizedTextSchema,
    undoneAt: z.string().nullable(),
    undoneBy: z.string().nullable(),
  })
  .meta({ id: 'DetectThresholdChange' });

const problemListSchema = list(z.object({ index: z.number().int(), reason: z.string() }));

const isoDate = z
  .string()
  .max(40)
  .refine((v) => Number.isFinite(Date.parse(v)), 'must be an ISO-8601 date');

const note = z
  .string()
  .trim()
  .max(4000)
  .refine((v) => !v.includes('\u0000'), 'must not contain NUL characters');

export const detectRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  const detect = platform.detect;

  app.post(
    '/ingest',
    {
      bodyLimit: DETECT_INGEST_BODY_LIMIT,
      config: { access: { permission: 'detect:ingest' } },
      schema: {
        tags: ['detect'],
        summary:
          'Send a batch of log records (JSON objects) or lines (syslog, access log, CEF, JSON); answered once stored',
        body: z
          .strictObject({
            records: z.array(z.unknown()).optional(),
            lines: z.array(z.string().max(MAX_LINE_LENGTH)).optional(),
            format: z.enum(DETECT_LINE_FORMATS).optional(),
            source: z.string().regex(DETECT_SOURCE_PATTERN).optional(),
          })
          .refine((b) => (b.records === undefined) !== (b.lines === undefined), {
            message: 'send either records or lines',
          })
          .refine((b) => b.records === undefined || b.format === undefined, {
            message: 'format applies to lines only',
          }),
        response: {
          200: z.object({
            batchId: z.string(),
            received: z.number().int(),
            accepted: z.number().int(),
            rejected: problemListSchema,
            behaviourSkipped: problemListSchema,
            /** Events older than the engines' windows: stored and matched by rules, not counted. */
            late: z.object({ correlation: z.number().int(), behaviour: z.number().int() }),
            alerts: z.object({ created: z.number().int(), updated: z.number().int() }),
            incidents: list(z.string()),
          }),
        },
      },
    },
    async (request) => {
      const body = request.body;
      const count = (body.records ?? body.lines ?? []).length;
      if (count > detect.maxBatch)
        throw new VigieError('VIGIE_ERR_BODY_TOO_LARGE', `A batch holds at most ${detect.maxBatch} records or lines.`);
      return detect.ingest(
        {
          records: body.records,
          lines: body.lines,
          format: body.format,
          source: body.source ?? 'api',
        },
        actionContext(request),
      );
    },
  );

  app.get(
    '/alerts',
    {
      config: { access: { permission: 'detect:read' } },
      schema: {
        tags: ['detect'],
        summary: 'The alert queue, newest first (by the time of each alert’s latest event)',
        querystring: z.strictObject({
          status: z.enum(['open', 'triaged']).optional(),
          severity: z.enum(SEVERITIES).optional(),
          kind: z.enum(DETECT_ALERT_KINDS).optional(),
          since: isoDate.optional(),
          incident: id.optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          before: id.optional(),
        }),
        response: { 200: z.object({ items: list(alertSchema), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => {
      const { incident, ...rest } = request.query;
      return detect.listAlerts({ ...rest, incidentId: incident });
    },
  );

  app.get(
    '/alerts/:id',
    {
      config: { access: { permission: 'detect:read' } },
      schema: {
        tags: ['detect'],
        summary: 'One alert with its reasons and the events it was raised on',
        params: z.strictObject({ id }),
        response: { 200: alertSchema.extend({ events: list(eventSchema) }) },
      },
    },
    async (request) => detect.getAlert(request.params.id),
  );

  app.post(
    '/alerts/:id/verdict',
    {
      config: { access: { permission: 'detect:write' } },
      schema: {
        tags: ['detect'],
        summary:
          "An analyst's verdict on an alert; on a behavioural alert it adjusts that entity's thresholds (undoable)",
        params: z.strictObject({ id }),
        body: z.strictObject({
          verdict: z.enum(DETECT_VERDICTS),
          note: note.nullable().optional(),
          /** False positive on a behavioural alert: silence the entity instead of raising its threshold. */
          suppress: z.boolean().optional(),
        }),
        response: { 200: z.object({ alert: alertSchema, change: changeSchema.nullable() }) },
      },
    },
    async (request) =>
      detect.setVerdict(
        request.params.id,
        { verdict: request.body.verdict, note: request.body.note || null, suppress: request.body.suppress },
        actionContext(request),
      ),
  );

  app.get(
    '/incidents',
    {
      config: { access: { permission: 'detect:read' } },
      schema: {
        tags: ['detect'],
        summary: 'Incidents, most recent activity first',
        querystring: z.strictObject({
          status: z.enum(INCIDENT_STATUSES).optional(),
          severity: z.enum(SEVERITIES).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          before: id.optional(),
        }),
        response: { 200: z.object({ items: list(incidentSchema), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => detect.listIncidents(request.query),
  );

  app.get(
    '/incidents/:id',
    {
      config: { access: { permission: 'detect:read' } },
      schema: {
        tags: ['detect'],
        summary: 'One incident: timeline of alerts with their events, entities, ATT&CK, notes',
        params: z.strictObject({ id }),
        response: {
          200: incidentSchema.extend({
            timeline: list(alertSchema.extend({ events: list(eventSchema) })),
            entities: entitiesSchema,
            attack: attackSchema,
            notes: list(z.object({ id: z.string(), at: z.string(), author: z.string(), text: z.string() })),
          }),
        },
      },
    },
    async (request) => detect.getIncident(request.params.id),
  );

  app.post(
    '/incidents/:id/status',
    {
      config: { access: { permission: 'detect:write' } },
      schema: {
        tags: ['detect'],
        summary: 'Move an incident: new → investigating → resolved (with a resolution); assign it; add a note',
        params: z.strictObject({ id }),
        body: z.strictObject({
          status: z.enum(INCIDENT_STATUSES),
          expected: z
            .enum(INCIDENT_STATUSES)
            .optional()
            .describe('the status the client saw; 409 if the incident has moved since'),
          resolution: z.enum(INCIDENT_RESOLUTIONS).nullable().optional(),
          assignee: label(120).nullable().optional(),
          note: note.optional(),
        }),
        response: { 200: z.object({ incident: incidentSchema }) },
      },
    },
    async (request) => ({
      incident: await detect.setIncidentStatus(
        request.params.id,
        { ...request.body, note: request.body.note || null },
        actionContext(request),
      ),
    }),
  );

  app.get(
    '/rules',
    {
      config: { access: { permission: 'detect:read' } },
      schema: {
        tags: ['detect'],
        summary: 'Rules in force (folder and imported packs) with their switch, and the rules that failed to compile',
        response: {
          200: z.object({
            rules: list(
              z.object({
                id: z.string(),
                kind: z.enum(['rule', 'correlation']),
                title: z.string(),
                level: z.string().nullable(),
                status: z.string().nullable(),
                origin: z.string(),
                originName: z.string(),
                file: z.string(),
                line: z.number().int(),
                enabled: z.boolean(),
                attack: attackSchema,
              }),
            ),
            problems: list(problemSchema),
            packs: list(packSchema),
            rulesDir: z.string().nullable(),
          }),
        },
      },
    },
    async () => detect.rules(),
  );

  app.post(
    '/rules/import',
    {
      bodyLimit: RULES_BODY_LIMIT,
      config: { access: { permission: 'detect:settings' } },
      schema: {
        tags: ['detect'],
        summary: 'Import a pack of Sigma rule files (YAML text); failures are listed with file, line and reason',
        body: z.strictObject({
          name: label(120),
          files: z
            .array(
              z.strictObject({
                path: label(300).regex(/^[^\\]*$/, 'use / in paths'),
                text: z.string().max(MAX_RULE_FILE_BYTES),
              }),
            )
            .min(1)
            .max(10_000),
        }),
        response: {
          200: z.object({ pack: packSchema, rules: z.number().int(), problems: list(problemSchema) }),
        },
      },
    },
    async (request) => detect.importRules(request.body, actionContext(request)),
  );

  app.post(
    '/rules/:id/enabled',
    {
      config: { access: { permission: 'detect:settings' } },
      schema: {
        tags: ['detect'],
        summary: 'Enable or disable one rule (or correlation) by its id',
        params: z.strictObject({ id: ruleId }),
        body: z.strictObject({ enabled: z.boolean() }),
        response: { 200: z.object({ id: z.string(), enabled: z.boolean() }) },
      },
    },
    async (request) => detect.setRuleEnabled(request.params.id, request.body.enabled, actionContext(request)),
  );

  app.get(
    '/behaviour/settings',
    {
      config: { access: { permission: 'detect:read' } },
      schema: {
        tags: ['detect'],
        summary: 'Thresholds of the behavioural detectors, with per-entity overrides',
        response: {
          200: z.object({
            settings: behaviourSettingsSchema,
            patterns: list(z.enum(BEHAVIOUR_PATTERNS)),
            updatedAt: z.string().nullable(),
            updatedBy: z.string().nullable(),
          }),
        },
      },
    },
    async () => ({ ...(await detect.behaviourSettings()), patterns: [...BEHAVIOUR_PATTERNS] }),
  );

  app.put(
    '/behaviour/settings',
    {
      config: { access: { permission: 'detect:settings' } },
      schema: {
        tags: ['detect'],
        summary: 'Replace the behavioural thresholds (missing fields take their defaults)',
        body: behaviourSettingsSchema,
        response: { 200: z.object({ settings: behaviourSettingsSchema }) },
      },
    },
    async (request) => ({ settings: await detect.updateBehaviourSettings(request.body, actionContext(request)) }),
  );

  app.get(
    '/behaviour/changes',
    {
      config: { access: { permission: 'detect:read' } },
      schema: {
        tags: ['detect'],
        summary: "Threshold changes made by analysts' verdicts, newest first",
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.object({ items: list(changeSchema) }) },
      },
    },
    async (request) => ({ items: await detect.behaviourChanges(request.query.limit) }),
  );

  app.post(
    '/behaviour/changes/:id/undo',
    {
      config: { access: { permission: 'detect:settings' } },
      schema: {
        tags: ['detect'],
        summary: 'Undo a threshold change (refused while a later change of the same entity stands)',
        params: z.strictObject({ id }),
        response: { 200: z.object({ change: changeSchema }) },
      },
    },
    async (request) => ({ change: await detect.undoBehaviourChange(request.params.id, actionContext(request)) }),
  );
};
