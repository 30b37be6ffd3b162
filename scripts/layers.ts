/**
 * The layer rules of ARCHITECTURE.md as data: which module may import which, and which
 * outside packages each may use. `check-imports.ts` enforces them in `npm test`.
 * Do not relax these rules to make a change pass: move the code to the right layer.
 */

/** Pure libraries that any engine may use. */
const PURE_LIBRARIES = ['zod'];

export interface LayerRule {
  /** Modules of src/ this one may import (through their index.ts). */
  readonly modules: readonly string[];
  /** Packages it may import; `node:` built-ins are listed one by one. */
  readonly packages: readonly string[];
}

export const LAYERS: Record<string, LayerRule> = {
  // The shared vocabulary: nothing but pure libraries.
  core: { modules: [], packages: PURE_LIBRARIES },
  // Engines: pure, environment-free (no I/O, no HTTP, no SQL, no logger).
  audit: { modules: ['core'], packages: [...PURE_LIBRARIES, 'node:crypto'] },
  sense: { modules: ['core'], packages: PURE_LIBRARIES },
  mail: {
    modules: ['core'],
    packages: [
      ...PURE_LIBRARIES,
      'postal-mime',
      'htmlparser2',
      'tldts',
      'fflate',
      'zxing-wasm/reader',
      'node:crypto',
      'node:zlib',
    ],
  },
  detect: { modules: ['core'], packages: [...PURE_LIBRARIES, 'yaml', '@ts-evtx/core'] },
  guard: { modules: ['core'], packages: [...PURE_LIBRARIES, 'yaml', 'libphonenumber-js', 'node:crypto'] },
  learn: { modules: ['core'], packages: [...PURE_LIBRARIES, 'yaml', 'htmlparser2', 'node:crypto'] },
  // Outer ring.
  store: {
    modules: ['core', 'audit'],
    packages: ['kysely', 'better-sqlite3', 'pg', 'node:fs', 'node:path'],
  },
  platform: {
    modules: ['core', 'audit', 'sense', 'mail', 'detect', 'guard', 'learn', 'store'],
    packages: [
      ...PURE_LIBRARIES,
      'argon2',
      'mqtt',
      'imapflow',
      'nodemailer',
      'node:crypto',
      'node:fs',
      'node:module',
      'node:path',
      'node:dgram',
      'node:net',
    ],
  },
  server: {
    modules: ['core', 'audit', 'sense', 'mail', 'detect', 'guard', 'learn', 'platform'],
    packages: [
      ...PURE_LIBRARIES,
      'fastify',
      'fastify-type-provider-zod',
      '@fastify/cookie',
      '@fastify/static',
      '@fastify/swagger',
      '@fastify/swagger-ui',
      'prom-client',
      'node:fs',
      'node:path',
      'node:http',
    ],
  },
  cli: {
    modules: ['core', 'audit', 'sense', 'mail', 'detect', 'guard', 'learn', 'platform', 'store', 'server'],
    packages: [
      'commander',
      'node:fs',
      'node:fs/promises',
      'node:os',
      'node:path',
      'node:url',
      'node:readline',
      'node:zlib',
      'node:stream',
      'node:stream/consumers',
    ],
  },
};

/** The web app (web/src) may use the shared vocabulary only, plus its own UI libraries. */
export const WEB_RULE: LayerRule = {
  modules: ['core'],
  packages: ['react', 'react-dom', 'react-dom/client', 'react/jsx-runtime', 'i18next', 'react-i18next', 'echarts'],
};
