import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG } from './index.js';

describe('error catalog', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const documented = new Map(
    [...doc.matchAll(/^\| `(VIGIE_ERR_[A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1] as string, Number(m[2])]),
  );

  it('documents every code with its HTTP status, and nothing that does not exist', () => {
    const catalog = Object.entries(ERROR_CATALOG).map(([code, entry]) => [code, entry.status]);
    expect([...documented.entries()].sort()).toEqual(catalog.sort());
  });

  it('has a French and an English message for every code', () => {
    for (const [code, entry] of Object.entries(ERROR_CATALOG)) {
      expect(entry.message.fr.length, code).toBeGreaterThan(3);
      expect(entry.message.en.length, code).toBeGreaterThan(3);
      expect(entry.message.fr, code).not.toBe(entry.message.en);
    }
  });
});
