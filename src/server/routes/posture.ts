/** The organisation's posture for the home page, and the findings every module records. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MODULES, ROLES, SEVERITIES } from '../../core/index.js';
import type { Platform } from '../../platform/index.js';
import { chainVerdictSchema, findingSummarySchema, moduleInfoSchema } from '../schemas.js';

const countsOf = <T extends readonly [string, ...string[]]>(keys: T) =>
  z.object(Object.fromEntries(keys.map((k) => [k, z.number().int()])) as Record<T[number], z.ZodNumber>);

export const postureSchema = z.object({
  users: z.object({
    total: z.number().int(),
    byRole: countsOf(ROLES),
    disabled: z.number().int(),
    locked: z.number().int(),
  }),
  tokens: z.object({ active: z.number().int(), expiringSoon: z.number().int() }),
  audit: z.object({ entries: z.number().int(), last24h: z.number().int(), chain: chainVerdictSchema }),
  security: z.object({ failedLogins24h: z.number().int() }),
  findings: z.object({
    total: z.number().int(),
    bySeverity: countsOf(SEVERITIES),
    byModule: z.partialRecord(z.enum(MODULES), z.number().int()),
    recent: z.array(findingSummarySchema),
  }),
  modules: z.array(moduleInfoSchema),
});

export const postureRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.get(
    '/posture',
    {
      config: { access: { permission: 'posture:read' } },
      schema: {
        tags: ['platform'],
        summary: 'Posture of the organisation, from stored data',
        response: { 200: postureSchema },
      },
    },
    async () => {
      const posture = await platform.posture();
      return { ...posture, modules: [...posture.modules] };
    },
  );

  app.get(
    '/findings',
    {
      config: { access: { permission: 'findings:read' } },
      schema: {
        tags: ['findings'],
        summary: 'Recent findings from every module, with their evidence',
        querystring: z.strictObject({
          module: z.enum(MODULES).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: { 200: z.object({ items: z.array(z.record(z.string(), z.unknown())) }) },
      },
    },
    async (request) => ({ items: await platform.store.findings.recent(request.query.limit, request.query.module) }),
  );
};
