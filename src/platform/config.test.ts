// The README's configuration table is the operator's reference: every variable the server reads is in it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from './config.js';

describe('configuration', () => {
  it('documents every variable in the README', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const documented = new Set([...readme.matchAll(/^\| `(VIGIE_[A-Z0-9_]+)`/gm)].map((m) => m[1]));
    const missing = Object.keys(configSchema.shape).filter((name) => !documented.has(name));
    expect(missing).toEqual([]);
  });
});
