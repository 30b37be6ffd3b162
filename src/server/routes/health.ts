/** Liveness and readiness for load balancers and orchestrators, plus public metadata for the sign-in page. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LOCALES } from '../../core/index.js';
import { MODULE_CATALOG, type Platform } from '../../platform/index.js';
import { moduleInfoSchema } from '../schemas.js';

export const healthRoutes: FastifyPluginAsyncZod<{ platform: Platform; version: string }> = async (
  app,
  { platform, version },
) => {
  app.get(
    '/healthz',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['platform'],
        summary: 'Health: 200 when the database answers, 503 otherwise',
        response: { 200: z.object({ status: z.literal('ok'), version: z.string(), database: z.string() }) },
      },
    },
    async () => {
      await platform.store.ping();
      return { status: 'ok' as const, version, database: platform.store.dialect };
    },
  );

  app.get(
    '/api/meta',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['platform'],
        summary: 'Version, languages and modules of this installation',
        response: {
          200: z.object({ version: z.string(), locales: z.array(z.enum(LOCALES)), modules: z.array(moduleInfoSchema) }),
        },
      },
    },
    async () => ({ version, locales: [...LOCALES], modules: [...MODULE_CATALOG] }),
  );
};
