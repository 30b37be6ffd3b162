import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkAll, checkFile } from './check-imports.js';
import { LAYERS } from './layers.js';

const src = resolve('src');
const rule = (name: string) => {
  const found = LAYERS[name];
  if (!found) throw new Error(name);
  return found;
};

describe('import rules', () => {
  it('hold for the whole code base', () => {
    expect(checkAll()).toEqual([]);
  });

  it('refuse an engine that reaches for I/O, HTTP or SQL', () => {
    const file = join(src, 'audit', 'x.ts');
    const text = "import { readFileSync } from 'node:fs';\nimport Fastify from 'fastify';\nimport pg from 'pg';\n";
    expect(checkFile(file, 'audit', rule('audit'), text)).toEqual([
      'src/audit/x.ts: audit may not import package node:fs',
      'src/audit/x.ts: audit may not import package fastify',
      'src/audit/x.ts: audit may not import package pg',
    ]);
  });

  it('refuse an inner layer importing an outer one, and deep imports into another module', () => {
    const file = join(src, 'store', 'x.ts');
    const text = "import { buildApp } from '../server/index.js';\nimport { x } from '../core/errors.js';\n";
    expect(checkFile(file, 'store', rule('store'), text)).toEqual([
      'src/store/x.ts: store may not import server (../server/index.js)',
      'src/store/x.ts: imports ../core/errors.js; other modules are reached through their index.ts only',
    ]);
  });

  it('allow imports inside a module and of allowed modules through index', () => {
    const file = join(src, 'platform', 'x.ts');
    const text =
      "import { a } from './identity.js';\nimport type { Store } from '../store/index.js';\nimport argon2 from 'argon2';\n";
    expect(checkFile(file, 'platform', rule('platform'), text)).toEqual([]);
  });
});
