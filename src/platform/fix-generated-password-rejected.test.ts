/**
 * Regression: a generated password that happened to contain a short user name (e.g. "u2")
 * was rejected as weak, so `vigie user add u2` failed about once in a hundred runs.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { openStore } from '../store/index.js';
import { createPlatform } from './index.js';

vi.mock('./secrets.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('./secrets.js')>();
  return { ...original, generatePassword: () => 'ab2cd-u2xyz-PQRST-23456' };
});

describe('generated passwords', () => {
  it('are accepted even when they contain the user name', async () => {
    const store = await openStore({ sqliteFile: join(mkdtempSync(join(tmpdir(), 'vigie-')), 'v.db') });
    try {
      const { identity } = createPlatform(store);
      const created = await identity.createUser({ username: 'u2', role: 'learner' }, { actor: { kind: 'system' } });
      expect(created.initialPassword).toBe('ab2cd-u2xyz-PQRST-23456');
      const reset = await identity.resetPassword(created.user.id, { actor: { kind: 'system' } });
      expect(reset.initialPassword).toBe('ab2cd-u2xyz-PQRST-23456');
    } finally {
      await store.close();
    }
  });
});
