/**
 * Access control for every route: each /api route declares who may call it, and the
 * server refuses to start if one does not. Callers authenticate by session cookie (with
 * an anti-forgery header on writes) or by API token.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Permission, VigieError } from '../core/index.js';
import type { Caller, Platform } from '../platform/index.js';

/** Who may call a route. */
export type Access =
  /** Anyone, signed in or not (health, sign-in, public metadata). */
  | { readonly public: true }
  /** Any signed-in caller; `sessionOnly` refuses API tokens (managing one's own credentials). */
  | { readonly authenticated: true; readonly sessionOnly?: boolean }
  /** Callers whose role (narrowed by token scopes) has this permission. */
  | { readonly permission: Permission };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    caller: Caller | undefined;
  }
  interface FastifyInstance {
    /** Every route with its declared access, for the route-walking access test and docs. */
    routeCatalog: RouteEntry[];
  }
}

export interface RouteEntry {
  readonly method: string;
  readonly url: string;
  readonly access: Access | undefined;
}

export const SESSION_COOKIE = 'vigie_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Routes outside /api that serve documentation or the web app's files are public by nature. */
function needsDeclaredAccess(url: string): boolean {
  return (url.startsWith('/api/') && !url.startsWith('/api/docs')) || url === '/metrics' || url === '/healthz';
}

export function routeAccess(request: FastifyRequest): Access | undefined {
  return request.routeOptions.config.access;
}

export function registerAccessControl(app: FastifyInstance, platform: Platform, options: { metricsPublic: boolean }) {
  app.decorateRequest('caller', undefined);
  const catalog: RouteEntry[] = [];
  app.decorate('routeCatalog', catalog);

  app.addHook('onRoute', (route) => {
    const declared = (route.config as { access?: Access } | undefined)?.access;
    if (!declared && needsDeclaredAccess(route.url)) {
      throw new Error(`Route ${route.method} ${route.url} declares no access policy`);
    }
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') catalog.push({ method, url: route.url, access: declared });
    }
  });

  app.addHook('onRequest', async (request) => {
    let access = routeAccess(request);
    if (request.url === '/metrics' && options.metricsPublic) access = { public: true };
    if (!access) return; // static files and unknown routes (404)

    if ('public' in access) {
      // A public route answers whoever calls it: a stale or foreign Authorization header is ignored.
      request.caller = await identify(request, platform).catch(() => undefined);
      return;
    }
    request.caller = await identify(request, platform);
    const caller = request.caller;
    if (!caller) throw new VigieError('VIGIE_ERR_UNAUTHENTICATED');
    if (caller.via === 'session' && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || sent !== caller.csrfToken) throw new VigieError('VIGIE_ERR_CSRF');
    }
    if ('authenticated' in access) {
      if (access.sessionOnly && caller.via !== 'session') {
        throw new VigieError('VIGIE_ERR_FORBIDDEN', 'This action needs a signed-in session, not an API token.');
      }
      return;
    }
    if (!caller.permissions.includes(access.permission)) {
      throw new VigieError('VIGIE_ERR_FORBIDDEN', `Missing permission ${access.permission}.`);
    }
  });
}

async function identify(request: FastifyRequest, platform: Platform): Promise<Caller | undefined> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer (\S{1,200})$/.exec(authorization);
    const caller = match?.[1] ? await platform.identity.authenticateToken(match[1]) : undefined;
    if (!caller) throw new VigieError('VIGIE_ERR_TOKEN_INVALID');
    return caller;
  }
  const session = request.cookies[SESSION_COOKIE];
  return session ? platform.identity.authenticateSession(session) : undefined;
}

/** The signed-in caller of a route that requires one (access control has already run). */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new VigieError('VIGIE_ERR_UNAUTHENTICATED');
  return request.caller;
}

/** The audit context of a request: who, and which request. */
export function actionContext(request: FastifyRequest) {
  const caller = callerOf(request);
  return {
    actor: { kind: 'user' as const, id: caller.user.id, username: caller.user.username },
    requestId: request.id,
  };
}
