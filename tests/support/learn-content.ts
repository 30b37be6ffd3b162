/** Test harness for src/learn: the shipped content under content/learn, read from disk (tests only). */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ContentFile } from '../../src/learn/index.js';

export const CONTENT_DIR = join(import.meta.dirname, '..', '..', 'content', 'learn');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : [],
  );
}

export function shippedFiles(): ContentFile[] {
  return walk(CONTENT_DIR)
    .sort()
    .map((path) => ({
      path: relative(CONTENT_DIR, path),
      text: readFileSync(path, 'utf8'),
      origin: 'shipped' as const,
    }));
}
