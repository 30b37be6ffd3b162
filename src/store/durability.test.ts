// A transaction that returned survives the process being killed right after (SQLite, WAL, synchronous=NORMAL).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from './index.js';

describe('SQLite durability', () => {
  it('keeps what a killed process committed', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vigie-kill-')), 'vigie.db');
    const script = join(import.meta.dirname, '..', '..', 'tests', 'support', 'write-then-die.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', script, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += String(d);
    });
    child.stderr.on('data', (d) => {
      err += String(d);
    });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, s) => resolve(s)));
    expect(err).toBe('');
    expect(out).toBe('written\n');
    expect(signal).toBe('SIGKILL');
    const store = await openStore({ sqliteFile: file });
    try {
      expect((await store.audit.list({ limit: 5 })).map((e) => e.action)).toEqual(['test.before_kill']);
    } finally {
      await store.close();
    }
  }, 30_000);
});
