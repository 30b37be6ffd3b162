/**
 * Learn API under /api/learn: the learner's own path, quizzes and points (`learn:self`), the
 * programme dashboard and campaign results (`learn:read`), and groups, campaigns, content and
 * the knowledge base (`learn:manage`). The public tracking and landing pages live in
 * learn-public.ts, outside /api.
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { negotiateLocale, VigieError } from '../../core/index.js';
import type { Learner, Platform } from '../../platform/index.js';
import { actionContext, callerOf } from '../access.js';
import { idParamsSchema, label, localizedTextSchema } from '../schemas.js';

const text = localizedTextSchema;
const moduleId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/);
const questionId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

const answerSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('choices'), ids: z.array(z.string().max(16)).max(8) }),
  z.strictObject({ kind: z.literal('boolean'), value: z.boolean() }),
  z.strictObject({ kind: z.literal('text'), value: z.string().max(200) }),
]);

const questionSchema = z.object({
  moduleId: z.string(),
  id: z.string(),
  kind: z.enum(['single', 'multiple', 'true-false', 'cloze']),
  difficulty: z.number().int(),
  prompt: text,
  choices: z.array(z.object({ id: z.string(), fr: z.string(), en: z.string() })).optional(),
  text: text.optional(),
  why: z.enum(['review', 'level', 'fill']).optional(),
});

const ratesSchema = z.object({
  targets: z.number(),
  sent: z.number(),
  opened: z.number(),
  clicked: z.number(),
  submitted: z.number(),
  reported: z.number(),
  botClicks: z.number(),
  clickRate: z.number(),
  submissionRate: z.number(),
  reportRate: z.number(),
  medianSecondsToClick: z.number().nullable(),
  medianSecondsToReport: z.number().nullable(),
  repeatClickers: z.number(),
  resilienceRatio: z.number().nullable(),
});
const departmentRatesSchema = ratesSchema.extend({ department: z.string() });

const scheduleSchema = z.strictObject({
  start: z.iso.datetime({ offset: true }),
  end: z.iso.datetime({ offset: true }),
  window: z
    .strictObject({
      days: z.array(z.number().int().min(1).max(7)).min(1).max(7).optional(),
      startHour: z.number().int().min(0).max(23).optional(),
      endHour: z.number().int().min(1).max(24).optional(),
      utcOffsetMinutes: z.number().int().min(-840).max(840).optional(),
    })
    .optional(),
  perMinute: z.number().int().min(1).max(10_000).optional(),
});

const campaignSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    groupId: z.string(),
    status: z.string(),
    templates: z.array(z.string()).readonly(),
    departments: z.array(z.string()).readonly(),
    schedule: z.unknown(),
    sender: z.object({ address: z.string(), name: z.string().optional() }),
    profileId: z.string(),
    reportLink: z.boolean(),
    createdAt: z.string(),
    createdBy: z.string(),
    launchedAt: z.string().nullable(),
    unscheduled: z.array(z.object({ email: z.string(), reason: z.string() })).readonly(),
    sends: z.record(z.string(), z.number()),
  })
  .meta({ id: 'LearnCampaign' });

const groupSchema = z.object({
  id: z.string(),
  name: z.string(),
  targets: z.number(),
  createdAt: z.string(),
  createdBy: z.string(),
});

const leaderboardEntrySchema = z.object({
  rank: z.number(),
  name: text,
  team: z.string().optional(),
  points: z.number(),
  members: z.number(),
  pointsPerMember: z.number(),
});

const contentProblemSchema = z.object({
  file: z.string(),
  line: z.number(),
  reason: z.string(),
  level: z.enum(['error', 'warning']),
});

const problemsSchema = z.array(z.object({ line: z.number(), reason: z.string() })).readonly();

const EMAIL = /^[^\s@<>"(),;:]{1,64}@[A-Za-z0-9.-]{1,253}$/;

function learnerOf(request: FastifyRequest): Learner {
  const { user } = callerOf(request);
  return { id: user.id, department: user.department, locale: user.locale };
}

export const learnRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  const learn = platform.learn;
  const self = { access: { permission: 'learn:self' as const } };
  const read = { access: { permission: 'learn:read' as const } };
  const manage = { access: { permission: 'learn:manage' as const } };
  const tags = ['learn'];

  // Learner ---------------------------------------------------------------------------------
  app.get(
    '/me',
    {
      config: self,
      schema: {
        tags,
        summary: 'My learning page: path and progress, next step, assignments, points, badges, team rank',
        response: { 200: z.record(z.string(), z.unknown()) },
      },
    },
    async (request) => learn.me(learnerOf(request)),
  );

  app.get(
    '/modules',
    {
      config: self,
      schema: {
        tags,
        summary: 'Every module of the content (shipped and organisation)',
        response: {
          200: z.array(
            z.object({
              id: z.string(),
              topic: z.string(),
              minutes: z.number(),
              micro: z.boolean(),
              title: text,
              summary: text,
              origin: z.string(),
              version: z.string(),
              questions: z.number(),
            }),
          ),
        },
      },
    },
    async () => learn.modules(),
  );

  app.get(
    '/modules/:id',
    {
      config: self,
      schema: {
        tags,
        summary: 'One module with its lessons (Markdown, FR and EN)',
        params: z.strictObject({ id: moduleId }),
        response: {
          200: z.object({
            id: z.string(),
            topic: z.string(),
            minutes: z.number(),
            micro: z.boolean(),
            title: text,
            summary: text,
            version: z.string(),
            lessons: z.array(z.object({ id: z.string(), title: text, body: text })),
            questions: z.number(),
          }),
        },
      },
    },
    async (request) => learn.module(request.params.id),
  );

  app.post(
    '/quiz',
    {
      config: self,
      schema: {
        tags,
        summary: 'Builds my next adaptive quiz (reviews due first, then questions at my level)',
        body: z.strictObject({ moduleId: moduleId.optional(), size: z.number().int().min(1).max(20).optional() }),
        response: { 200: z.object({ questions: z.array(questionSchema) }) },
      },
    },
    async (request) => ({ questions: await learn.quiz(learnerOf(request), request.body) }),
  );

  app.post(
    '/answers',
    {
      config: self,
      schema: {
        tags,
        summary: 'Answers one question: graded, explained, scheduled for review when missed',
        description:
          'A fill-in-the-blank is graded in `locale`, the language the question was shown in (default: the account’s).',
        body: z.strictObject({ moduleId, questionId, answer: answerSchema, locale: z.enum(['fr', 'en']).optional() }),
        response: {
          200: z.object({
            correct: z.boolean(),
            score: z.number(),
            explanation: text,
            expected: z.unknown(),
            nextReview: z.string().nullable(),
          }),
        },
      },
    },
    async (request) => learn.answer(learnerOf(request), request.body),
  );

  app.post(
    '/modules/:id/complete',
    {
      config: self,
      schema: {
        tags,
        summary: 'Ends a module: scored from my answers since my last attempt (pass mark 80 %)',
        params: z.strictObject({ id: moduleId }),
        response: {
          200: z.object({
            moduleId: z.string(),
            version: z.string(),
            score: z.number(),
            passed: z.boolean(),
            at: z.string(),
          }),
        },
      },
    },
    async (request) => learn.complete(learnerOf(request), request.params.id),
  );

  app.get(
    '/leaderboard',
    {
      config: self,
      schema: {
        tags,
        summary: 'Team leaderboard (pseudonymous when configured; teams under 3 active members left out)',
        response: { 200: z.array(leaderboardEntrySchema) },
      },
    },
    async () => learn.leaderboard(),
  );

  app.post(
    '/report',
    {
      config: self,
      schema: {
        tags,
        summary: 'Reports a simulation by its token (the X-Vigie-Simulation header): the report button',
        body: z.strictObject({ token: z.string().min(1).max(100) }),
        response: { 200: z.object({ simulation: z.boolean() }) },
      },
    },
    async (request) => {
      const visit = await learn.track(request.body.token, { type: 'reported', via: 'api' });
      return { simulation: visit !== undefined };
    },
  );

  // Programme dashboard and results -------------------------------------------------------------
  app.get(
    '/programme',
    {
      config: read,
      schema: {
        tags,
        summary:
          'Programme metrics: rates over all campaigns, per department and per campaign; training; knowledge; security team reflexes (Detect, Mail)',
        response: {
          200: z.object({
            overall: ratesSchema,
            departments: z.array(departmentRatesSchema).readonly(),
            campaigns: z.array(
              ratesSchema.extend({ id: z.string(), name: z.string(), launchedAt: z.string(), status: z.string() }),
            ),
            training: z.object({
              learners: z.number(),
              completion: z.number(),
              byDepartment: z.array(z.object({ department: z.string(), learners: z.number(), completion: z.number() })),
              estimatedMinutes: z.number(),
              timeSpent: z.object({
                seconds: z.number(),
                lessonSeconds: z.number(),
                quizSeconds: z.number(),
                learners: z.number(),
                medianSecondsPerLearner: z.number().nullable(),
                byDepartment: z.array(z.object({ department: z.string(), seconds: z.number(), learners: z.number() })),
              }),
            }),
            knowledge: z.array(z.object({ topic: z.string(), learners: z.number(), score: z.number() })),
            reflexes: z.object({
              detect: z.object({
                incidents: z.number(),
                open: z.number(),
                medianSecondsToInvestigate: z.number().nullable(),
                p90SecondsToInvestigate: z.number().nullable(),
                medianSecondsToResolve: z.number().nullable(),
                p90SecondsToResolve: z.number().nullable(),
                limited: z.boolean(),
              }),
              mail: z.object({
                reports: z.number(),
                judged: z.number(),
                judgedShare: z.number().nullable(),
                medianSecondsToVerdict: z.number().nullable(),
                limited: z.boolean(),
              }),
            }),
          }),
        },
      },
    },
    async () => learn.programme(),
  );

  app.get(
    '/content',
    {
      config: read,
      schema: {
        tags,
        summary: 'Loaded content: version, modules, paths, templates, landing pages and load problems',
        response: { 200: z.record(z.string(), z.unknown()) },
      },
    },
    async () => learn.contentSummary(),
  );

  app.get(
    '/groups',
    { config: read, schema: { tags, summary: 'Target groups', response: { 200: z.array(groupSchema) } } },
    async () => learn.groups(),
  );

  app.get(
    '/groups/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'One target group with its members',
        params: idParamsSchema,
        response: {
          200: groupSchema.extend({
            members: z.array(
              z.object({
                email: z.string(),
                firstName: z.string(),
                lastName: z.string(),
                department: z.string(),
                role: z.string(),
                locale: z.string(),
                userId: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => learn.group(request.params.id),
  );

  app.get(
    '/campaigns',
    { config: read, schema: { tags, summary: 'Campaigns, newest first', response: { 200: z.array(campaignSchema) } } },
    async () => learn.campaigns(),
  );

  app.get(
    '/campaigns/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'One campaign with its results overall and per department',
        params: idParamsSchema,
        response: {
          200: campaignSchema.extend({
            results: z.object({ overall: ratesSchema, departments: z.array(departmentRatesSchema).readonly() }),
          }),
        },
      },
    },
    async (request) => learn.campaign(request.params.id),
  );

  app.get(
    '/campaigns/:id/clicks',
    {
      config: read,
      schema: {
        tags,
        summary: 'Every click with its human / bot classification and reasons',
        params: idParamsSchema,
        response: { 200: z.array(z.record(z.string(), z.unknown())) },
      },
    },
    async (request) => learn.clicks(request.params.id),
  );

  app.get(
    '/campaigns/:id/results.csv',
    {
      config: read,
      schema: {
        tags,
        summary: 'Results as CSV: per department (summary) or one line per target (outcomes)',
        params: idParamsSchema,
        querystring: z.strictObject({ kind: z.enum(['summary', 'outcomes']).default('summary') }),
      },
    },
    async (request, reply) => {
      const locale = negotiateLocale(request.headers['accept-language']);
      const csv = await learn.resultsCsv(request.params.id, request.query.kind, locale);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="campaign-${request.params.id}-${request.query.kind}.csv"`)
        .send(csv);
    },
  );

  app.get(
    '/kb',
    {
      config: read,
      schema: {
        tags,
        summary: 'Knowledge-base documents and how many questions each gave',
        response: {
          200: z.array(
            z.object({
              id: z.string(),
              title: z.string(),
              format: z.string(),
              locale: z.string(),
              digest: z.string(),
              questions: z.number(),
              createdAt: z.string(),
              createdBy: z.string(),
            }),
          ),
        },
      },
    },
    async () => learn.kbDocuments(),
  );

  // Management --------------------------------------------------------------------------------
  app.post(
    '/groups',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Imports a target group from CSV (e-mail, first/last name, department, role, language)',
        body: z.strictObject({ name: label(200), csv: z.string().min(1).max(5_000_000) }),
        response: { 200: z.object({ group: groupSchema, matchedAccounts: z.number(), problems: problemsSchema }) },
      },
    },
    async (request) => learn.importGroup(request.body.name, request.body.csv, actionContext(request)),
  );

  app.post(
    '/campaigns',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Creates a draft campaign: templates, group, departments, schedule, throttle, sending profile, sender',
        body: z.strictObject({
          name: label(200),
          groupId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
          templates: z.array(moduleId).min(1).max(20),
          departments: z.array(label(100)).max(200).optional(),
          schedule: scheduleSchema,
          sender: z.strictObject({ address: z.string().max(320).regex(EMAIL), name: label(200).optional() }).optional(),
          profileId: z
            .string()
            .regex(/^[A-Za-z0-9_-]{1,64}$/)
            .optional(),
          reportLink: z.boolean().optional(),
        }),
        response: { 200: campaignSchema },
      },
    },
    async (request) => learn.createCampaign(request.body, actionContext(request)),
  );

  for (const action of ['launch', 'pause', 'resume', 'cancel'] as const) {
    app.post(
      `/campaigns/:id/${action}`,
      {
        config: manage,
        schema: {
          tags,
          summary: {
            launch: 'Plans the sends of a draft campaign and starts sending',
            pause: 'Pauses sending (tracking goes on)',
            resume: 'Resumes a paused campaign',
            cancel: 'Cancels the sends not yet made',
          }[action],
          params: idParamsSchema,
          response: { 200: campaignSchema },
        },
      },
      async (request) => learn[action](request.params.id, actionContext(request)),
    );
  }

  app.post(
    '/content',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Adds or replaces an organisation content file (YAML module, paths, template or landing page)',
        body: z.strictObject({
          path: z.string().regex(/^[A-Za-z0-9._/-]{1,200}\.yaml$/),
          text: z
            .string()
            .min(1)
            .max(512 * 1024),
        }),
        response: {
          200: z.object({
            path: z.string(),
            digest: z.string(),
            version: z.string(),
            problems: z.array(contentProblemSchema).readonly(),
          }),
        },
      },
    },
    async (request) => learn.addContent(request.body.path, request.body.text, actionContext(request)),
  );

  app.post(
    '/kb',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Imports a policy (Markdown, HTML or text) and generates quiz questions from it',
        body: z.strictObject({
          title: label(200),
          format: z.enum(['markdown', 'html', 'text']),
          locale: z.enum(['fr', 'en']),
          text: z.string().min(1).max(2_000_000),
        }),
        response: {
          200: z.object({
            id: z.string(),
            title: z.string(),
            questions: z.number(),
            paragraphs: z.number(),
            skipped: z.record(z.string(), z.number()),
            sample: z.array(z.unknown()).readonly(),
          }),
        },
      },
    },
    async (request) => {
      if (request.body.text.includes('\u0000'))
        throw new VigieError('VIGIE_ERR_VALIDATION', 'Text holds NUL characters');
      return learn.addKbDocument(request.body, actionContext(request));
    },
  );

  // Sending profiles --------------------------------------------------------------------------------
  const headerSchema = z.strictObject({ name: z.string().min(1).max(64), value: z.string().max(900) });
  const profileBody = z.strictObject({
    name: label(200),
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65535),
    tls: z.enum(['starttls', 'tls', 'none']),
    username: z.string().max(320).nullable().optional(),
    /** Write-only: a string sets it, null clears it, absent keeps it. */
    password: z.string().max(1024).nullable().optional(),
    fromAddress: z.string().max(320).regex(EMAIL),
    fromName: z.string().max(200).nullable().optional(),
    headers: z.array(headerSchema).max(20).optional(),
  });
  const profileSchema = z
    .object({
      id: z.string(),
      name: z.string(),
      builtIn: z.boolean(),
      configured: z.boolean(),
      host: z.string(),
      port: z.number(),
      tls: z.enum(['starttls', 'tls', 'none']),
      username: z.string().nullable(),
      password: z.enum(['set', 'none']),
      passwordStorage: z.enum(['encrypted', 'plain', 'none']),
      fromAddress: z.string(),
      fromName: z.string().nullable(),
      headers: z.array(z.object({ name: z.string(), value: z.string() })).readonly(),
      createdAt: z.string().nullable(),
      createdBy: z.string().nullable(),
      updatedAt: z.string().nullable(),
    })
    .meta({ id: 'LearnSendingProfile' });

  app.get(
    '/profiles',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Sending profiles: the built-in one (VIGIE_LEARN_SMTP_URL) and the stored ones; passwords never shown',
        response: { 200: z.array(profileSchema) },
      },
    },
    async () => learn.profiles(),
  );

  app.post(
    '/profiles',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Creates a sending profile (SMTP host, port, TLS mode, account, From address, headers)',
        body: profileBody,
        response: { 200: profileSchema },
      },
    },
    async (request) => learn.createProfile(request.body, actionContext(request)),
  );

  app.put(
    '/profiles/:id',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Changes a sending profile; the password is kept when left out',
        params: idParamsSchema,
        body: profileBody,
        response: { 200: profileSchema },
      },
    },
    async (request) => learn.updateProfile(request.params.id, request.body, actionContext(request)),
  );

  app.delete(
    '/profiles/:id',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Deletes a sending profile no unfinished campaign uses',
        params: idParamsSchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await learn.deleteProfile(request.params.id, actionContext(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/profiles/:id/test',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Sends a test e-mail with a profile: connects, signs in, sends; a failure says where and why',
        params: idParamsSchema,
        body: z.strictObject({ to: z.string().max(320).regex(EMAIL) }),
        response: {
          200: z.object({
            ok: z.boolean(),
            stage: z.enum(['settings', 'verify', 'send']),
            messageId: z.string().nullable(),
            problem: z.string().nullable(),
          }),
        },
      },
    },
    async (request) => learn.testProfile(request.params.id, request.body.to, actionContext(request)),
  );

  // Organisation templates and landing pages ---------------------------------------------------------
  const customProblemSchema = z.object({ path: z.string(), fr: z.string(), en: z.string() });
  const customItemSchema = z.object({
    id: z.string(),
    kind: z.enum(['template', 'landing']),
    name: z.string(),
    createdAt: z.string(),
    createdBy: z.string(),
    updatedAt: z.string(),
    data: z.record(z.string(), z.unknown()),
  });
  // The engine validates the content (placeholders, sanitising): here only its size is bounded.
  const customBody = z.record(z.string(), z.unknown()).refine((v) => JSON.stringify(v).length <= 1_200_000, {
    message: 'too large',
  });

  for (const kind of ['template', 'landing'] as const) {
    const base = kind === 'template' ? '/templates' : '/landings';
    app.get(
      base,
      {
        config: read,
        schema: {
          tags,
          summary: `The organisation's own ${kind === 'template' ? 'simulation templates' : 'landing pages'}`,
          response: { 200: z.array(customItemSchema) },
        },
      },
      async () => learn.customItems(kind),
    );
    app.post(
      base,
      {
        config: manage,
        schema: {
          tags,
          summary:
            kind === 'template'
              ? 'Creates a template: subject, HTML and text bodies (FR/EN), placeholders checked, {{link}} required'
              : 'Creates a landing page: HTML with a form, sanitised; typed values are never kept',
          body: customBody,
          response: { 200: customItemSchema },
        },
      },
      async (request) => learn.createCustom(kind, request.body, actionContext(request)),
    );
    app.put(
      `${base}/:id`,
      {
        config: manage,
        schema: {
          tags,
          summary: `Changes an organisation ${kind === 'template' ? 'template' : 'landing page'}`,
          params: idParamsSchema,
          body: customBody,
          response: { 200: customItemSchema },
        },
      },
      async (request) => learn.updateCustom(kind, request.params.id, request.body, actionContext(request)),
    );
    app.delete(
      `${base}/:id`,
      {
        config: manage,
        schema: {
          tags,
          summary: `Deletes an organisation ${kind === 'template' ? 'template' : 'landing page'} (past campaigns keep it)`,
          params: idParamsSchema,
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        await learn.deleteCustom(kind, request.params.id, actionContext(request));
        return reply.code(204).send(null);
      },
    );
  }

  app.post(
    '/custom/preview',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Validates and renders a draft template or landing page with sample values, without saving it',
        body: z.strictObject({
          kind: z.enum(['template', 'landing']),
          locale: z.enum(['fr', 'en']),
          data: customBody,
        }),
        response: {
          200: z.object({
            ok: z.boolean(),
            problems: z.array(customProblemSchema).readonly(),
            html: z.string().optional(),
            text: z.string().optional(),
            subject: z.string().optional(),
            senderName: z.string().optional(),
            fields: z
              .array(z.object({ name: z.string(), type: z.string() }))
              .readonly()
              .optional(),
          }),
        },
      },
    },
    async (request) => learn.previewCustom(request.body.kind, request.body.data, request.body.locale),
  );

  app.post(
    '/templates/import',
    {
      config: manage,
      schema: {
        tags,
        summary:
          'Turns a raw e-mail (.eml) into a template draft (not saved), optionally pointing its links at {{link}}',
        body: z.strictObject({
          raw: z.string().min(1).max(5_000_000),
          linksToTracked: z.boolean().default(true),
        }),
        response: {
          200: z.object({ draft: z.record(z.string(), z.unknown()), fromAddress: z.string().nullable() }),
        },
      },
    },
    async (request) => learn.importEmail(request.body.raw, request.body.linksToTracked),
  );

  // Time spent ----------------------------------------------------------------------------------------
  app.post(
    '/time',
    {
      config: self,
      schema: {
        tags,
        summary: 'Heartbeat from my module page: seconds spent on its lessons or quiz (capped by the server)',
        body: z.strictObject({
          moduleId,
          kind: z.enum(['lesson', 'quiz']),
          seconds: z.number().int().min(1).max(600),
        }),
        response: { 200: z.object({ credited: z.number() }) },
      },
    },
    async (request) => learn.recordTime(learnerOf(request), request.body),
  );
};
