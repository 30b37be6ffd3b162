/** The signed-in user's own account: profile, language and password. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LOCALES } from '../../core/index.js';
import type { Platform } from '../../platform/index.js';
import { actionContext, callerOf, SESSION_COOKIE } from '../access.js';
import { label, userSchema } from '../schemas.js';

export const meRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.patch(
    '/',
    {
      config: { access: { authenticated: true, sessionOnly: true } },
      schema: {
        tags: ['account'],
        summary: 'Change my display name or language',
        body: z.strictObject({
          displayName: label(128).nullable().optional(),
          locale: z.enum(LOCALES).nullable().optional(),
        }),
        response: { 200: z.object({ user: userSchema }) },
      },
    },
    async (request) => {
      const user = await platform.identity.updateUser(callerOf(request).user.id, request.body, actionContext(request));
      return { user };
    },
  );

  app.put(
    '/password',
    {
      config: { access: { authenticated: true, sessionOnly: true } },
      schema: {
        tags: ['account'],
        summary: 'Change my password (12 characters at least)',
        body: z.strictObject({
          currentPassword: z.string().min(1).max(1024),
          newPassword: z.string().min(1).max(1024),
        }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const { currentPassword, newPassword } = request.body;
      await platform.identity.changePassword(
        callerOf(request).user.id,
        currentPassword,
        newPassword,
        actionContext(request),
        request.cookies[SESSION_COOKIE],
      );
      return reply.code(204).send(null);
    },
  );
};
