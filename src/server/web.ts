/** Serves the built web app (web/dist) from the same process, with the single-page fallback. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { errorBody } from './errors.js';

const NOT_BUILT_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Vigie</title></head>
<body><main><h1>Vigie</h1><p>The web app has not been built. Run <code>npm run build</code>, then restart.</p>
<p lang="fr">L'application web n'a pas été construite. Lancez <code>npm run build</code>, puis redémarrez.</p>
<p><a href="/api/docs">API documentation</a></p></main></body></html>`;

export async function registerWeb(app: FastifyInstance, webRoot: string | null) {
  const built = webRoot !== null && existsSync(join(webRoot, 'index.html'));
  if (built) {
    // wildcard: files are looked up per request, so a rebuilt app is served without a restart.
    await app.register(fastifyStatic, { root: webRoot, prefix: '/', wildcard: true, index: ['index.html'] });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const isApi = path.startsWith('/api/') || path === '/api' || path === '/metrics' || path === '/healthz';
    // A missing asset is a 404, not the app: a stale page must fail visibly.
    const isAsset = path.startsWith('/assets/');
    if (!isApi && !isAsset && (request.method === 'GET' || request.method === 'HEAD')) {
      // Client-side routes: every unknown page path gets the app, which routes itself.
      if (built) return reply.type('text/html; charset=utf-8').sendFile('index.html');
      return reply.type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
    }
    const body = errorBody('VIGIE_ERR_NOT_FOUND', request, `No route ${request.method} ${path}`);
    return reply.code(404).send(body);
  });
}
