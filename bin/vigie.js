#!/usr/bin/env node
// The `vigie` command from a checkout: runs the compiled CLI (npm run build makes it).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('vigie: not built yet. Run `npm ci && npm run build` in the checkout first.\n');
  process.exit(1);
}
await import(entry.href);
