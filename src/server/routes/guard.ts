/**
 * Guard: scan a text for other tools, the policy (versions, validation with lines, activation
 * and rollback), decisions and the dashboard, the AI-service catalogue, and shadow-AI discovery
 * from uploaded proxy or DNS logs (report and CSV). The OpenAI-compatible proxy is its own
 * plugin (guard-proxy.ts): it answers in OpenAI's error shape.
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { VigieError } from '../../core/index.js';
import { GUARD_ACTIONS, LOG_FORMATS, SERVICE_CATEGORIES } from '../../guard/index.js';
import type { GuardCaller, Platform } from '../../platform/index.js';
import { actionContext, callerOf } from '../access.js';

/** Logs are uploaded as they are: a proxy's day is easily tens of megabytes. */
const LOG_BODY_LIMIT = 64 * 1024 * 1024;
const LOG_TYPES = ['text/plain', 'application/octet-stream', 'text/csv', 'application/x-ndjson'];
/** A text to scan at most (the engine scans a bounded prefix and says so). */
const MAX_SCAN_CHARS = 1_000_000;

const list = <T extends z.ZodType>(item: T) => z.array(item).readonly();

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);
const serviceId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lowercase letters, digits, - and _');
const serviceName = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits, . _ -');

const reasonSchema = z.object({ code: z.string(), fr: z.string(), en: z.string() });
const storedFindingSchema = z.object({ type: z.string(), action: z.string(), masked: z.string(), score: z.number() });

const decisionSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    source: z.string(),
    direction: z.string(),
    userId: z.string().nullable(),
    username: z.string().nullable(),
    role: z.string().nullable(),
    department: z.string().nullable(),
    service: z.string(),
    serviceClass: z.string(),
    model: z.string().nullable(),
    action: z.string(),
    findings: list(storedFindingSchema),
    reasons: list(reasonSchema),
    injectionScore: z.number().nullable(),
    injectionDetected: z.boolean(),
    policyVersion: z.string(),
    findingId: z.string().nullable(),
  })
  .meta({ id: 'GuardDecision' });

const countsSchema = z.object({
  key: z.string(),
  total: z.number(),
  allow: z.number(),
  warn: z.number(),
  pseudonymise: z.number(),
  redact: z.number(),
  block: z.number(),
});

const dashboardSchema = z
  .object({
    since: z.string(),
    days: z.number(),
    totals: countsSchema,
    byType: list(countsSchema),
    byDepartment: list(countsSchema),
    byService: list(countsSchema),
    trend: list(countsSchema),
    latest: list(decisionSchema),
  })
  .meta({ id: 'GuardDashboard' });

const scanResultSchema = z
  .object({
    action: z.enum(GUARD_ACTIONS),
    serviceClass: z.string(),
    service: z.string(),
    policyVersion: z.string(),
    findings: list(
      z.object({
        type: z.string(),
        start: z.number(),
        end: z.number(),
        score: z.number(),
        action: z.enum(GUARD_ACTIONS),
        masked: z.string(),
        detector: z.string(),
      }),
    ),
    injection: z.object({ score: z.number(), detected: z.boolean(), kind: z.string().nullable() }),
    reasons: list(reasonSchema),
    rewritten: z.string().nullable(),
    replacements: list(z.object({ type: z.string(), action: z.string(), replacement: z.string() })),
    decisionId: z.string().nullable(),
  })
  .meta({ id: 'GuardScanResult' });

const policySchema = z
  .object({
    id: z.string(),
    version: z.string(),
    yaml: z.string(),
    note: z.string().nullable(),
    author: z.string().nullable(),
    createdAt: z.string().nullable(),
    active: z.boolean(),
    shipped: z.boolean(),
    rules: z.number().int(),
  })
  .meta({ id: 'GuardPolicyVersion' });

const problemSchema = z.object({ line: z.number().int(), path: z.string(), message: z.string() });

const policyCheckSchema = z.object({
  valid: z.boolean(),
  version: z.string().nullable(),
  rules: z.number().int(),
  problems: list(problemSchema),
});

const catalogueEntrySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    vendor: z.string(),
    region: z.string(),
    category: z.enum(SERVICE_CATEGORIES),
    sanctioned: z.boolean(),
    suffixes: list(z.string()),
    full: list(z.string()),
    shipped: z.boolean(),
    custom: z.boolean(),
  })
  .meta({ id: 'GuardCatalogueService' });

const domainList = z.array(z.string().min(1).max(253)).max(1000);
const catalogueBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  vendor: z.string().trim().min(1).max(200).optional(),
  region: z.string().trim().min(2).max(40).optional(),
  category: z.enum(SERVICE_CATEGORIES).optional(),
  sanctioned: z.boolean().optional(),
  suffixes: domainList.optional(),
  full: domainList.optional(),
});

const serviceUsageSchema = z.object({
  service: z.string(),
  name: z.string(),
  vendor: z.string(),
  region: z.string(),
  sanctioned: z.boolean(),
  requests: z.number(),
  blockedRequests: z.number(),
  bytesOut: z.number(),
  bytesIn: z.number(),
  firstSeen: z.string(),
  lastSeen: z.string(),
});

const discoverySummarySchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  filename: z.string(),
  format: z.string(),
  lines: z.number(),
  records: z.number(),
  matched: z.number(),
  invalid: z.number(),
  unsanctioned: z.number(),
  problems: list(z.object({ line: z.number(), reason: z.string() })),
});

const discoverySchema = discoverySummarySchema
  .extend({
    report: z.object({
      users: list(
        z.object({
          user: z.string(),
          kind: z.enum(['user', 'ip']),
          department: z.string().optional(),
          requests: z.number(),
          bytesOut: z.number(),
          firstSeen: z.string(),
          lastSeen: z.string(),
          unsanctionedRequests: z.number(),
          unsanctionedServices: list(z.string()),
          services: list(serviceUsageSchema),
        }),
      ),
      departments: list(
        z.object({
          department: z.string(),
          users: z.number(),
          requests: z.number(),
          bytesOut: z.number(),
          firstSeen: z.string(),
          lastSeen: z.string(),
          unsanctionedRequests: z.number(),
          services: list(serviceUsageSchema),
        }),
      ),
      services: list(serviceUsageSchema),
      totals: z.object({ records: z.number(), matched: z.number(), unsanctionedRequests: z.number() }),
    }),
  })
  .meta({ id: 'GuardDiscoveryReport' });

export function guardCallerOf(request: FastifyRequest): GuardCaller {
  const { user } = callerOf(request);
  return { userId: user.id, username: user.username, role: user.role, department: user.department };
}

/** A log file's text from a raw body, or a clear error for anything else (JSON, nothing). */
function logText(request: FastifyRequest): string {
  const body = request.body;
  if (!Buffer.isBuffer(body) || body.byteLength === 0) {
    throw new VigieError(
      'VIGIE_ERR_VALIDATION',
      `Send the log file itself as the body, with Content-Type ${LOG_TYPES.join(' or ')}.`,
    );
  }
  return body.toString('utf8');
}

export const guardRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  const guard = platform.guard;
  app.addContentTypeParser(LOG_TYPES, { parseAs: 'buffer', bodyLimit: LOG_BODY_LIMIT }, (_request, body, done) =>
    done(null, body),
  );

  app.post(
    '/scan',
    {
      config: { access: { permission: 'guard:use' } },
      schema: {
        tags: ['guard'],
        summary: 'Scan a text with the active policy (findings masked, reasons in French and English)',
        body: z.strictObject({
          text: z.string().max(MAX_SCAN_CHARS),
          mode: z.enum(['prompt', 'document']).optional(),
          service: serviceName.optional(),
        }),
        response: { 200: scanResultSchema },
      },
    },
    async (request) =>
      guard.scan(request.body.text, { mode: request.body.mode, service: request.body.service }, guardCallerOf(request)),
  );

  app.get(
    '/dashboard',
    {
      config: { access: { permission: 'guard:read' } },
      schema: {
        tags: ['guard'],
        summary: 'Decisions counted by action, finding type, department, service and day; the latest ones',
        querystring: z.strictObject({ days: z.coerce.number().int().min(1).max(366).default(30) }),
        response: { 200: dashboardSchema },
      },
    },
    async (request) => guard.dashboard(request.query.days),
  );

  app.get(
    '/decisions',
    {
      config: { access: { permission: 'guard:read' } },
      schema: {
        tags: ['guard'],
        summary: 'Decisions, newest first (masked values only)',
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          before: id.optional(),
          action: z.enum(GUARD_ACTIONS).optional(),
        }),
        response: { 200: list(decisionSchema) },
      },
    },
    async (request) => guard.decisions(request.query),
  );

  app.get(
    '/policy',
    {
      config: { access: { permission: 'guard:read' } },
      schema: { tags: ['guard'], summary: 'The active policy (YAML)', response: { 200: policySchema } },
    },
    async () => guard.activePolicy(),
  );

  app.get(
    '/policy/versions',
    {
      config: { access: { permission: 'guard:read' } },
      schema: {
        tags: ['guard'],
        summary: 'Every version of the policy, newest first, then the shipped one',
        response: { 200: list(policySchema) },
      },
    },
    async () => guard.policyVersions(),
  );

  app.post(
    '/policy/check',
    {
      config: { access: { permission: 'guard:settings' } },
      schema: {
        tags: ['guard'],
        summary: 'Validate a policy without saving it (problems with their YAML line)',
        body: z.strictObject({ yaml: z.string().max(1_000_000) }),
        response: { 200: policyCheckSchema },
      },
    },
    async (request) => guard.checkPolicy(request.body.yaml),
  );

  app.put(
    '/policy',
    {
      config: { access: { permission: 'guard:settings' } },
      schema: {
        tags: ['guard'],
        summary: 'Save a new version of the policy and make it active (400 with details.problems when invalid)',
        body: z.strictObject({
          yaml: z.string().max(1_000_000),
          note: z.string().trim().max(500).nullable().optional(),
        }),
        response: { 200: policySchema },
      },
    },
    async (request) => guard.savePolicy(request.body.yaml, request.body.note || null, actionContext(request)),
  );

  app.post(
    '/policy/versions/:id/activate',
    {
      config: { access: { permission: 'guard:settings' } },
      schema: {
        tags: ['guard'],
        summary: 'Make an earlier version active again (rollback); `shipped` is the policy Vigie ships with',
        params: z.strictObject({ id }),
        response: { 200: policySchema },
      },
    },
    async (request) => guard.activatePolicy(request.params.id, actionContext(request)),
  );

  app.get(
    '/catalogue',
    {
      config: { access: { permission: 'guard:read' } },
      schema: {
        tags: ['guard'],
        summary: 'The generative-AI services known to discovery (shipped, and added or changed here)',
        response: { 200: list(catalogueEntrySchema) },
      },
    },
    async () => guard.catalogue(),
  );

  app.put(
    '/catalogue/:id',
    {
      config: { access: { permission: 'guard:settings' } },
      schema: {
        tags: ['guard'],
        summary: 'Add a service, or change a shipped one (domains given are added to its own)',
        params: z.strictObject({ id: serviceId }),
        body: catalogueBodySchema,
        response: { 200: catalogueEntrySchema },
      },
    },
    async (request) => guard.setCatalogueService(request.params.id, request.body, actionContext(request)),
  );

  app.delete(
    '/catalogue/:id',
    {
      config: { access: { permission: 'guard:settings' } },
      schema: {
        tags: ['guard'],
        summary: "Remove the organisation's entry (a changed shipped service is as shipped again)",
        params: z.strictObject({ id: serviceId }),
      },
    },
    async (request, reply) => {
      await guard.removeCatalogueService(request.params.id, actionContext(request));
      return reply.code(204).send();
    },
  );

  app.post(
    '/discovery',
    {
      config: { access: { permission: 'guard:settings' } },
      schema: {
        tags: ['guard'],
        summary: 'Import a proxy or DNS log (the file as the body) and store its shadow-AI report',
        querystring: z.strictObject({
          filename: z
            .string()
            .trim()
            .min(1)
            .max(200)
            .regex(/^[^\p{Cc}]*$/u)
            .default('upload.log'),
          format: z.enum(LOG_FORMATS).default('auto'),
          year: z.coerce.number().int().min(1970).max(9999).optional(),
        }),
        response: { 200: discoverySchema },
      },
    },
    async (request) =>
      guard.importDiscovery(
        logText(request),
        { filename: request.query.filename, format: request.query.format, year: request.query.year },
        actionContext(request),
      ),
  );

  app.get(
    '/discovery',
    {
      config: { access: { permission: 'guard:read' } },
      schema: {
        tags: ['guard'],
        summary: 'Imported discovery reports, newest first',
        response: { 200: list(discoverySummarySchema) },
      },
    },
    async () => guard.discoveries(),
  );

  app.get(
    '/discovery/:id',
    {
      config: { access: { permission: 'guard:read' } },
      schema: {
        tags: ['guard'],
        summary: 'One discovery report: per user and department, services, requests, bytes, first and last seen',
        params: z.strictObject({ id }),
        response: { 200: discoverySchema },
      },
    },
    async (request) => guard.discovery(request.params.id),
  );

  app.get(
    '/discovery/:id/csv',
    {
      config: { access: { permission: 'guard:read' } },
      schema: {
        tags: ['guard'],
        summary: 'One discovery report as CSV (one row per user and service)',
        params: z.strictObject({ id }),
      },
    },
    async (request, reply) => {
      const csv = await guard.discoveryCsv(request.params.id);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="shadow-ai-${request.params.id}.csv"`)
        .send(csv);
    },
  );
};
