/** @module server — the HTTP API and web app over the platform services. */
export type { Access } from './access.js';
export { CSRF_HEADER, SESSION_COOKIE } from './access.js';
export type { AppDeps } from './app.js';
export { buildApp } from './app.js';
