/** The audit trail, read-only: browse it and verify its hash chain. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../platform/index.js';
import { auditEntrySchema, chainVerdictSchema, label } from '../schemas.js';

export const auditRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.get(
    '/',
    {
      config: { access: { permission: 'audit:read' } },
      schema: {
        tags: ['audit'],
        summary: 'Audit entries, newest first; page with `before`',
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(500).default(50),
          before: z.coerce.number().int().min(1).optional(),
          actor: label(200).optional(),
          action: label(100).optional(),
        }),
        response: { 200: z.object({ items: z.array(auditEntrySchema), nextBefore: z.number().int().nullable() }) },
      },
    },
    async (request) => platform.auditTrail.list(request.query),
  );

  app.get(
    '/verify',
    {
      config: { access: { permission: 'audit:read' } },
      schema: {
        tags: ['audit'],
        summary: 'Verify the hash chain; names the first broken entry',
        response: { 200: chainVerdictSchema },
      },
    },
    async () => platform.auditTrail.verify(),
  );
};
