/** Administration of local accounts. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LOCALES, ROLES } from '../../core/index.js';
import { type Platform, USERNAME_PATTERN } from '../../platform/index.js';
import { actionContext } from '../access.js';
import { idParamsSchema, label, userSchema } from '../schemas.js';

export const userRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  const userResponse = { 200: z.object({ user: userSchema }) };

  app.get(
    '/',
    {
      config: { access: { permission: 'users:read' } },
      schema: {
        tags: ['users'],
        summary: 'List accounts',
        response: { 200: z.object({ items: z.array(userSchema) }) },
      },
    },
    async () => ({ items: await platform.identity.listUsers() }),
  );

  app.post(
    '/',
    {
      config: { access: { permission: 'users:write' } },
      schema: {
        tags: ['users'],
        summary: 'Create an account; without a password one is generated and returned once',
        body: z.strictObject({
          username: z.string().trim().toLowerCase().regex(USERNAME_PATTERN),
          displayName: label(128).nullable().optional(),
          role: z.enum(ROLES),
          department: label(128).nullable().optional(),
          locale: z.enum(LOCALES).nullable().optional(),
          password: z.string().min(1).max(1024).optional(),
        }),
        response: { 201: z.object({ user: userSchema, initialPassword: z.string().optional() }) },
      },
    },
    async (request, reply) => {
      const created = await platform.identity.createUser(request.body, actionContext(request));
      return reply.code(201).send(created);
    },
  );

  app.patch(
    '/:id',
    {
      config: { access: { permission: 'users:write' } },
      schema: {
        tags: ['users'],
        summary: 'Change an account: name, role, department, language, disabled',
        params: idParamsSchema,
        body: z.strictObject({
          displayName: label(128).nullable().optional(),
          role: z.enum(ROLES).optional(),
          department: label(128).nullable().optional(),
          locale: z.enum(LOCALES).nullable().optional(),
          disabled: z.boolean().optional(),
        }),
        response: userResponse,
      },
    },
    async (request) => ({
      user: await platform.identity.updateUser(request.params.id, request.body, actionContext(request)),
    }),
  );

  app.post(
    '/:id/unlock',
    {
      config: { access: { permission: 'users:write' } },
      schema: { tags: ['users'], summary: 'Lift a sign-in lockout', params: idParamsSchema, response: userResponse },
    },
    async (request) => ({ user: await platform.identity.unlockUser(request.params.id, actionContext(request)) }),
  );

  app.post(
    '/:id/reset-password',
    {
      config: { access: { permission: 'users:write' } },
      schema: {
        tags: ['users'],
        summary: 'Replace the password with a generated one, returned once; ends the user’s sessions',
        params: idParamsSchema,
        response: { 200: z.object({ initialPassword: z.string() }) },
      },
    },
    async (request) => platform.identity.resetPassword(request.params.id, actionContext(request)),
  );
};
