/** Sign-in, session and sign-out for the web app (HttpOnly, SameSite=Strict cookie + anti-forgery token). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../platform/index.js';
import { actionContext, callerOf, SESSION_COOKIE } from '../access.js';
import { label, sessionSchema } from '../schemas.js';

export const authRoutes: FastifyPluginAsyncZod<{ platform: Platform; secureCookies: boolean }> = async (
  app,
  { platform, secureCookies },
) => {
  const cookieOptions = { httpOnly: true, sameSite: 'strict' as const, secure: secureCookies, path: '/' };

  app.post(
    '/login',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with a user name and password; sets the session cookie',
        body: z.strictObject({ username: label(128), password: z.string().min(1).max(1024) }),
        response: { 200: sessionSchema },
      },
    },
    async (request, reply) => {
      const { sessionSecret, caller } = await platform.identity.signIn(request.body.username, request.body.password, {
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
        requestId: request.id,
      });
      // A browser-session cookie: the server alone decides expiry (idle and absolute limits).
      reply.setCookie(SESSION_COOKIE, sessionSecret, cookieOptions);
      return { user: caller.user, csrfToken: caller.csrfToken ?? '', permissions: caller.permissions };
    },
  );

  app.get(
    '/session',
    {
      config: { access: { authenticated: true, sessionOnly: true } },
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user, permissions and anti-forgery token',
        response: { 200: sessionSchema },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      return { user: caller.user, csrfToken: caller.csrfToken ?? '', permissions: caller.permissions };
    },
  );

  app.post(
    '/logout',
    {
      config: { access: { authenticated: true, sessionOnly: true } },
      schema: { tags: ['auth'], summary: 'Sign out: ends the session', response: { 204: z.null() } },
    },
    async (request, reply) => {
      const secret = request.cookies[SESSION_COOKIE];
      if (secret) await platform.identity.signOut(secret, actionContext(request));
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return reply.code(204).send(null);
    },
  );
};
