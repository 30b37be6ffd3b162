// Vite build and dev-server configuration for the Vigie web app (root = web/, output = web/dist).
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // Keep every asset a file: the server may send a strict CSP that forbids data: URLs.
    assetsInlineLimit: 0,
    rolldownOptions: {
      // The shared core declares zod schemas at module level; the web app uses none of them, and saying the
      // core has no side effects lets the bundler drop those modules (and zod) instead of shipping them.
      treeshake: { moduleSideEffects: [{ test: /[\\/]src[\\/]core[\\/]/, sideEffects: false }] },
    },
  },
  server: {
    // The app imports the shared vocabulary from ../src/core, outside web/.
    fs: { allow: [repoRoot] },
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
