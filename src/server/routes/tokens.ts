/** API tokens: everyone manages their own; `tokens:*-all` reach everybody's. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PERMISSIONS, VigieError } from '../../core/index.js';
import type { Platform } from '../../platform/index.js';
import { actionContext, callerOf } from '../access.js';
import { idParamsSchema, label, tokenSchema } from '../schemas.js';

export const tokenRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.get(
    '/',
    {
      config: { access: { authenticated: true, sessionOnly: true } },
      schema: {
        tags: ['tokens'],
        summary: 'List my API tokens, or everyone’s with all=true (needs tokens:read-all)',
        querystring: z.strictObject({ all: z.enum(['true', 'false']).optional() }),
        response: { 200: z.object({ items: z.array(tokenSchema) }) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      if (request.query.all === 'true') {
        if (!caller.permissions.includes('tokens:read-all')) throw new VigieError('VIGIE_ERR_FORBIDDEN');
        return { items: await platform.identity.listTokens() };
      }
      return { items: await platform.identity.listTokens({ userId: caller.user.id }) };
    },
  );

  app.post(
    '/',
    {
      config: { access: { authenticated: true, sessionOnly: true } },
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token for myself; the secret is returned once',
        body: z.strictObject({
          name: label(80),
          scopes: z.array(z.enum(PERMISSIONS)).max(PERMISSIONS.length),
          expiresInDays: z.number().int().min(1).max(365).default(90),
        }),
        response: { 201: z.object({ token: tokenSchema, secret: z.string() }) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const created = await platform.identity.createToken(caller.user.id, request.body, actionContext(request));
      return reply.code(201).send(created);
    },
  );

  app.delete(
    '/:id',
    {
      config: { access: { authenticated: true, sessionOnly: true } },
      schema: { tags: ['tokens'], summary: 'Revoke an API token', params: idParamsSchema, response: { 204: z.null() } },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const token = await platform.identity.getToken(request.params.id);
      // Someone else's token looks the same as a missing one, unless the caller may manage all tokens.
      if (token.userId !== caller.user.id && !caller.permissions.includes('tokens:write-all')) {
        throw new VigieError('VIGIE_ERR_NOT_FOUND', `No API token with id ${request.params.id}`);
      }
      await platform.identity.revokeToken(request.params.id, actionContext(request));
      return reply.code(204).send(null);
    },
  );
};
