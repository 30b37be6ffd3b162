/**
 * Mail: analyse a raw message, the triage queue of reported messages, analysts' verdicts,
 * the organisation's settings, and the model versions learnt from verdicts.
 * Raw messages travel as they are (`message/rfc822` or `application/octet-stream` bodies).
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { VigieError } from '../../core/index.js';
import { DEFAULT_MAIL_LIMITS, mailSettingsSchema, REASON_CATEGORIES, VERDICTS } from '../../mail/index.js';
import { ANALYST_VERDICTS, type Platform } from '../../platform/index.js';
import { actionContext, callerOf } from '../access.js';
import { localizedTextSchema } from '../schemas.js';

const RAW_TYPES = ['message/rfc822', 'application/octet-stream'];

/** Response arrays are read-only: the services hand out immutable data. */
const list = <T extends z.ZodType>(item: T) => z.array(item).readonly();

const reasonSchema = z.object({
  code: z.string(),
  category: z.enum(REASON_CATEGORIES),
  weight: z.number(),
  message: localizedTextSchema,
  data: z.record(z.string(), z.unknown()).optional(),
});

const analysisSchema = z
  .object({
    verdict: z.enum(VERDICTS),
    score: z.number(),
    reasons: list(reasonSchema),
    modelFeatures: list(z.object({ feature: z.string(), weight: z.number() })),
    indicators: z.object({
      urls: list(z.string()),
      domains: list(z.string()),
      ips: list(z.string()),
      attachments: list(z.object({ filename: z.string(), contentType: z.string(), sha256: z.string() })),
    }),
    techniques: list(z.string()),
    summary: z.object({
      subject: z.string(),
      from: z.string(),
      replyTo: list(z.string()),
      size: z.number(),
      links: z.number(),
      attachments: z.number(),
    }),
    modelVersion: z.string(),
    thresholds: z.object({ suspicious: z.number(), phishing: z.number() }),
  })
  .meta({ id: 'MailAnalysis' });

const itemSchema = z
  .object({
    id: z.string(),
    receivedAt: z.string(),
    source: z.string(),
    reporter: z.string().nullable(),
    subject: z.string(),
    from: z.string(),
    size: z.number(),
    verdict: z.string(),
    score: z.number(),
    modelVersion: z.string(),
    findingId: z.string().nullable(),
    analystVerdict: z.enum(ANALYST_VERDICTS).nullable(),
    analystId: z.string().nullable(),
    analystAt: z.string().nullable(),
    analystNote: z.string().nullable(),
    reporterName: z.string().nullable(),
    analystName: z.string().nullable(),
  })
  .meta({ id: 'MailQueueItem' });

const modelInfoSchema = z.object({
  version: z.string(),
  createdAt: z.string().nullable(),
  createdBy: z.string().nullable(),
  parentVersion: z.string().nullable(),
  examples: z.number().int(),
  active: z.boolean(),
  shipped: z.boolean(),
});

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

/** The raw bytes of a message body, or a clear error for anything else (JSON, form data, nothing). */
function rawBody(request: FastifyRequest): Buffer {
  const body = request.body;
  if (!Buffer.isBuffer(body) || body.byteLength === 0) {
    throw new VigieError(
      'VIGIE_ERR_VALIDATION',
      `Send the message itself as the body, with Content-Type ${RAW_TYPES.join(' or ')}.`,
    );
  }
  return body;
}

export const mailRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  const mail = platform.mail;
  // Messages are bytes, not JSON: kept as received, up to the engine's size limit.
  app.addContentTypeParser(
    RAW_TYPES,
    { parseAs: 'buffer', bodyLimit: DEFAULT_MAIL_LIMITS.maxBytes },
    (_request, body, done) => done(null, body),
  );

  app.post(
    '/analyze',
    {
      config: { access: { permission: 'mail:report' } },
      schema: {
        tags: ['mail'],
        summary: 'Analyse a raw message (RFC 5322 bytes) without keeping it',
        response: { 200: analysisSchema },
      },
    },
    async (request) => mail.analyze(rawBody(request)),
  );

  app.post(
    '/reports',
    {
      config: { access: { permission: 'mail:report' } },
      schema: {
        tags: ['mail'],
        summary: 'Report a message to the triage queue (the same bytes twice are one item)',
        response: { 200: z.object({ item: itemSchema, duplicate: z.boolean() }) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      return mail.report(
        rawBody(request),
        { source: caller.via === 'session' ? 'upload' : 'api', reporter: caller.user.id },
        actionContext(request),
      );
    },
  );

  app.get(
    '/reports',
    {
      config: { access: { permission: 'mail:read' } },
      schema: {
        tags: ['mail'],
        summary: 'The triage queue, newest first',
        querystring: z.strictObject({
          verdict: z.enum(VERDICTS).optional(),
          status: z.enum(['open', 'triaged']).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          before: id.optional(),
        }),
        response: {
          200: z.object({
            items: z.array(itemSchema),
            counts: z.array(z.object({ verdict: z.string(), open: z.number().int(), total: z.number().int() })),
          }),
        },
      },
    },
    async (request) => ({ items: await mail.list(request.query), counts: await mail.counts() }),
  );

  app.get(
    '/reports/:id',
    {
      config: { access: { permission: 'mail:read' } },
      schema: {
        tags: ['mail'],
        summary: 'One reported message with its analysis',
        params: z.strictObject({ id }),
        response: { 200: itemSchema.extend({ analysis: analysisSchema }) },
      },
    },
    async (request) => mail.get(request.params.id),
  );

  app.get(
    '/reports/:id/raw',
    {
      config: { access: { permission: 'mail:read' } },
      schema: {
        tags: ['mail'],
        summary: 'The message as received, as a file to download (never rendered)',
        params: z.strictObject({ id }),
      },
    },
    async (request, reply) => {
      const raw = await mail.raw(request.params.id);
      return reply
        .type('message/rfc822')
        .header('content-disposition', `attachment; filename="${request.params.id}.eml"`)
        .header('x-content-type-options', 'nosniff')
        .send(Buffer.from(raw));
    },
  );

  app.put(
    '/reports/:id/verdict',
    {
      config: { access: { permission: 'mail:write' } },
      schema: {
        tags: ['mail'],
        summary: "An analyst's verdict on a reported message (null withdraws it)",
        params: z.strictObject({ id }),
        body: z.strictObject({
          verdict: z.enum(ANALYST_VERDICTS).nullable(),
          note: z.string().trim().max(2000).nullable().optional(),
        }),
        response: { 200: z.object({ item: itemSchema }) },
      },
    },
    async (request) => ({
      item: await mail.setVerdict(
        request.params.id,
        request.body.verdict,
        request.body.note || null,
        actionContext(request),
      ),
    }),
  );

  app.get(
    '/settings',
    {
      config: { access: { permission: 'mail:read' } },
      schema: {
        tags: ['mail'],
        summary: "The organisation's mail settings",
        response: {
          200: z.object({
            settings: mailSettingsSchema,
            updatedAt: z.string().nullable(),
            updatedBy: z.string().nullable(),
          }),
        },
      },
    },
    async () => mail.settings(),
  );

  app.put(
    '/settings',
    {
      config: { access: { permission: 'mail:settings' } },
      schema: {
        tags: ['mail'],
        summary: "Replace the organisation's mail settings (domains, VIP names, brands, allow-lists)",
        body: mailSettingsSchema,
        response: { 200: z.object({ settings: mailSettingsSchema }) },
      },
    },
    async (request) => ({ settings: await mail.updateSettings(request.body, actionContext(request)) }),
  );

  app.get(
    '/models',
    {
      config: { access: { permission: 'mail:read' } },
      schema: {
        tags: ['mail'],
        summary: 'Model versions: the shipped one and those learnt from verdicts; which one is active',
        response: { 200: z.object({ items: z.array(modelInfoSchema) }) },
      },
    },
    async () => ({ items: await mail.models() }),
  );

  app.post(
    '/models/learn',
    {
      config: { access: { permission: 'mail:settings' } },
      schema: {
        tags: ['mail'],
        summary: "Learn a new model version from analysts' verdicts and make it active",
        response: {
          200: z.object({
            model: modelInfoSchema,
            agreementBefore: z.number().int(),
            agreementAfter: z.number().int(),
            changes: list(z.object({ name: z.string(), before: z.number(), after: z.number() })),
          }),
        },
      },
    },
    async (request) => mail.learn(actionContext(request)),
  );

  app.put(
    '/models/active',
    {
      config: { access: { permission: 'mail:settings' } },
      schema: {
        tags: ['mail'],
        summary: 'Make an earlier model version active again (the shipped version undoes all learning)',
        body: z.strictObject({ version: z.string().min(1).max(120) }),
        response: { 200: z.object({ items: z.array(modelInfoSchema) }) },
      },
    },
    async (request) => {
      await mail.activateModel(request.body.version, actionContext(request));
      return { items: await mail.models() };
    },
  );
};
