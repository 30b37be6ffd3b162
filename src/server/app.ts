/**
 * buildApp(deps): the whole HTTP application, without listening, so that tests drive it
 * with inject(). Each module's routes are one plugin under its own prefix.
 */
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { Platform } from '../platform/index.js';
import { registerAccessControl } from './access.js';
import { errorBody, registerErrorHandling } from './errors.js';
import { registerMetrics } from './metrics.js';
import { auditRoutes } from './routes/audit.js';
import { authRoutes } from './routes/auth.js';
import { detectRoutes } from './routes/detect.js';
import { guardRoutes } from './routes/guard.js';
import { guardProxyRoutes } from './routes/guard-proxy.js';
import { healthRoutes } from './routes/health.js';
import { learnRoutes } from './routes/learn.js';
import { learnPublicRoutes } from './routes/learn-public.js';
import { mailRoutes } from './routes/mail.js';
import { meRoutes } from './routes/me.js';
import { postureRoutes } from './routes/posture.js';
import { senseRoutes } from './routes/sense.js';
import { tokenRoutes } from './routes/tokens.js';
import { userRoutes } from './routes/users.js';
import { errorSchema } from './schemas.js';
import { registerWeb } from './web.js';

export interface AppDeps {
  readonly platform: Platform;
  readonly version: string;
  /** pino options or `false`; tests pass false. */
  readonly logger?: FastifyServerOptions['logger'];
  readonly bodyLimit?: number;
  readonly secureCookies?: boolean;
  readonly trustProxy?: boolean;
  readonly metricsPublic?: boolean;
  /** Folder of the built web app; null serves the API only. */
  readonly webRoot?: string | null;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};
const APP_CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: deps.bodyLimit ?? 1024 * 1024,
    trustProxy: deps.trustProxy ?? false,
    // A caller's own request id is kept (to follow a request across systems) when it is sane.
    genReqId: (request) => {
      const sent = request.headers['x-request-id'];
      return typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : globalThis.crypto.randomUUID();
    },
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
    return503OnClosing: true,
    // Requests the router cannot even read (bad URL encoding, over-long parameters) get the same error shape.
    frameworkErrors: (error, request, reply) => {
      const body = errorBody('VIGIE_ERR_VALIDATION', request as FastifyRequest, error.message);
      (reply as FastifyReply).code(400).type('application/json; charset=utf-8').send(body);
    },
  });
  // JSON only by default: a cross-site form cannot send it without a CORS preflight, and
  // modules that accept other formats (mail, logs) add their own parser in their own scope.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);

  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    if (!request.url.startsWith('/api/docs')) reply.header('content-security-policy', APP_CSP);
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    return payload;
  });

  // Every documented route also documents the error shape, so clients see it in the OpenAPI document.
  app.addHook('onRoute', (route) => {
    const response = route.schema?.response as Record<string, unknown> | undefined;
    if (response && !route.schema?.hide) {
      response['4XX'] ??= errorSchema;
      response['5XX'] ??= errorSchema;
    }
  });

  await app.register(fastifyCookie);
  registerAccessControl(app, deps.platform, { metricsPublic: deps.metricsPublic ?? false });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vigie API',
        version: deps.version,
        description:
          'Vigie: cyber-risk management in the age of generative AI. Authenticate with the session cookie from ' +
          '/api/auth/login (send its csrfToken in the x-csrf-token header on writes) or with an API token ' +
          '(`Authorization: Bearer vgt_...`). Errors: { statusCode, code, error, message }.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'vigie_session' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { config: { access: { public: true } }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  registerMetrics(app);
  const { platform } = deps;
  await app.register(healthRoutes, { platform, version: deps.version });
  await app.register(authRoutes, { prefix: '/api/auth', platform, secureCookies: deps.secureCookies ?? false });
  await app.register(meRoutes, { prefix: '/api/me', platform });
  await app.register(userRoutes, { prefix: '/api/users', platform });
  await app.register(tokenRoutes, { prefix: '/api/tokens', platform });
  await app.register(auditRoutes, { prefix: '/api/audit', platform });
  await app.register(postureRoutes, { prefix: '/api', platform });
  await app.register(senseRoutes, { prefix: '/api/sense', platform });
  await app.register(mailRoutes, { prefix: '/api/mail', platform });
  await app.register(detectRoutes, { prefix: '/api/detect', platform });
  await app.register(learnRoutes, { prefix: '/api/learn', platform });
  await app.register(learnPublicRoutes, { platform });
  await app.register(guardRoutes, { prefix: '/api/guard', platform });
  // OpenAI-compatible: clients are configured with base URL <vigie>/v1 and a Vigie API token.
  await app.register(guardProxyRoutes, { prefix: '/v1', platform });
  await registerWeb(app, deps.webRoot ?? null);
  return app;
}
