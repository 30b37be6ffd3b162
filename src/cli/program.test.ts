import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { cliHarness as harness } from '../../tests/support/cli.js';
import { hashAuditEntry } from '../audit/index.js';
import { runCli } from './index.js';

describe('vigie CLI', () => {
  let dataDir: string;
  const run = async (args: string[], stdin = '') => {
    const { io, output } = harness({ VIGIE_DATA_DIR: dataDir }, stdin);
    const code = await runCli(args, io);
    return { code, ...output };
  };
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'vigie-cli-'));
  });

  it('loads the platform, the store and the server only for the commands that use them', () => {
    // Every `vigie` start loaded them (SQL drivers, MQTT, IMAP, SMTP, Fastify): 1.3 s for `--help`.
    const loaded = (args: string[]) => {
      const root = join(import.meta.dirname, '..', '..');
      const run = spawnSync(
        process.execPath,
        ['--import', 'tsx', '--import', './tests/support/loaded-modules.mjs', 'src/cli/main.ts', ...args],
        { cwd: root, env: { ...process.env, VIGIE_DATA_DIR: dataDir }, encoding: 'utf8' },
      );
      expect(run.status).toBe(0);
      const lines = run.stderr.split('\n').filter((line) => line.startsWith('loaded: '));
      // The hook did see the program's modules.
      expect(lines.some((line) => line.includes('/src/cli/'))).toBe(true);
      return lines.filter((line) => /\/src\/(platform|store|server)\//.test(line));
    };
    const rule = join(dataDir, 'rule.yml');
    writeFileSync(
      rule,
      'title: T\nlogsource: { product: windows }\ndetection:\n  sel: { Image: x }\n  condition: sel\n',
    );
    expect(loaded(['--help'])).toEqual([]);
    expect(loaded(['detect', 'rules', 'check', rule])).toEqual([]);
    expect(loaded(['audit', 'verify']).length).toBeGreaterThan(0);
  }, 60_000);

  it('prints its version', async () => {
    const res = await run(['--version']);
    expect(res).toMatchObject({ code: 0 });
    expect(res.out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each([
    [[]],
    [['serve']],
    [['user']],
    [['user', 'add']],
    [['user', 'list']],
    [['user', 'disable']],
    [['token']],
    [['token', 'create']],
    [['token', 'revoke']],
    [['audit']],
    [['audit', 'verify']],
  ])('has help for %j', async (command) => {
    const res = await run([...command, '--help']);
    expect(res.code).toBe(0);
    expect(res.out).toContain('Usage: vigie');
  });

  it('adds, lists and disables users', async () => {
    const added = await run(['user', 'add', 'Alice', '--role', 'analyst', '--department', 'SOC']);
    expect(added.code).toBe(0);
    expect(added.out).toMatch(/Created alice \(analyst\)\.\nPassword \(shown once\): \S+/);
    const withPassword = await run(['user', 'add', 'bob', '--password-stdin'], 'a long enough password\n');
    expect(withPassword.out).not.toContain('Password');
    const weak = await run(['user', 'add', 'carol', '--password-stdin'], 'short\n');
    expect(weak.code).toBe(2);
    expect(weak.err).toContain('VIGIE_ERR_WEAK_PASSWORD');
    const duplicate = await run(['user', 'add', 'alice']);
    expect(duplicate.code).toBe(1);
    expect(duplicate.err).toContain('VIGIE_ERR_CONFLICT');
    expect((await run(['user', 'disable', 'alice'])).code).toBe(0);
    const list = await run(['user', 'list']);
    expect(list.out).toMatch(/alice\s+analyst\s+SOC\s+disabled\s+never/);
    expect(list.out).toMatch(/bob\s+learner\s+-\s+active/);
    const json = JSON.parse((await run(['user', 'list', '--json'])).out);
    expect(json).toHaveLength(2);
    expect((await run(['user', 'disable', 'nobody'])).err).toContain('No user named nobody');
  });

  it('creates, lists and revokes tokens', async () => {
    await run(['user', 'add', 'ops', '--role', 'admin']);
    const created = await run(['token', 'create', '-u', 'ops', '-n', 'prometheus', '-s', 'metrics:read', '-e', '30']);
    expect(created.code).toBe(0);
    const id = /Token ([0-9a-f]{16})/.exec(created.out)?.[1] ?? '';
    expect(created.out).toMatch(/Secret \(shown once\): vgt_[0-9a-f]{16}_\S{43}/);
    expect((await run(['token', 'list'])).out).toMatch(new RegExp(`${id}\\s+ops\\s+prometheus\\s+metrics:read`));
    expect((await run(['token', 'revoke', id])).code).toBe(0);
    expect((await run(['token', 'list', '-u', 'ops'])).out).toMatch(/revoked/);
    const badScope = await run(['token', 'create', '-u', 'ops', '-n', 'x', '-s', 'everything']);
    expect(badScope.code).not.toBe(0);
    expect(badScope.err).toContain('unknown scope');
  });

  it('verifies the audit trail and names the first tampered entry', async () => {
    for (const name of ['u1', 'u2', 'u3', 'u4']) await run(['user', 'add', name]);
    const ok = await run(['audit', 'verify']);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.out).toContain('Audit trail OK: 4 entries');

    // An intruder with write access to the database file drops the guard and edits history.
    const db = new Database(join(dataDir, 'vigie.db'));
    db.exec('drop trigger audit_log_no_update; drop trigger audit_log_no_delete;');
    db.prepare("update audit_log set actor = 'cli:nobody' where seq = 3").run();
    db.close();
    const broken = await run(['audit', 'verify']);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain('BROKEN at entry #3 (hash_mismatch)');
    const json = JSON.parse((await run(['audit', 'verify', '--json'])).out.split('\n')[0] ?? '');
    expect(json.firstBad).toMatchObject({ seq: 3, reason: 'hash_mismatch' });
  });

  it('detects a rewrite of the whole history with an anchor kept elsewhere', async () => {
    for (const name of ['u1', 'u2', 'u3', 'u4']) await run(['user', 'add', name]);
    const pinned = /Head: (\d+:[0-9a-f]{64})/.exec((await run(['audit', 'verify'])).out)?.[1] ?? '';
    expect(pinned).toMatch(/^4:/);

    // Someone with the database rewrites entry 2 and recomputes every hash after it, and the head.
    const db = new Database(join(dataDir, 'vigie.db'));
    db.exec('drop trigger audit_log_no_update; drop trigger audit_log_no_delete;');
    const rows = db.prepare('select * from audit_log order by seq').all() as Array<Record<string, string | number>>;
    let prev = String(rows[0]?.hash);
    for (const row of rows.slice(1)) {
      const content = {
        seq: Number(row.seq),
        at: String(row.at),
        actor: row.seq === 2 ? 'cli:someone-else' : String(row.actor),
        action: String(row.action),
        target: row.target === null ? null : String(row.target),
        requestId: row.request_id === null ? null : String(row.request_id),
        details: JSON.parse(String(row.details)),
        prevHash: prev,
      };
      prev = hashAuditEntry(content);
      db.prepare('update audit_log set actor = ?, prev_hash = ?, hash = ? where seq = ?').run(
        content.actor,
        content.prevHash,
        prev,
        content.seq,
      );
    }
    db.prepare('update audit_head set hash = ?').run(prev);
    db.close();

    expect((await run(['audit', 'verify'])).code).toBe(0); // the chain alone cannot tell
    const anchored = await run(['audit', 'verify', '--anchor', pinned]);
    expect(anchored.code).toBe(1);
    expect(anchored.out).toContain('BROKEN at entry #4 (anchor_mismatch)');
    expect((await run(['audit', 'verify', '--anchor', 'nonsense'])).err).toContain('expected SEQ:HASH');
  });

  it.each([
    ['deleted', 'delete from audit_log where seq = 2', 3, 'seq_gap'],
    ['truncated', 'delete from audit_log where seq = 4', 4, 'head_mismatch'],
    [
      'inserted',
      "insert into audit_log select 5, at, actor, 'user.create', target, request_id, details, prev_hash, hash from audit_log where seq = 2",
      5,
      'prev_hash_mismatch',
    ],
    [
      'reordered',
      'update audit_log set seq = 99 where seq = 2; update audit_log set seq = 2 where seq = 3; update audit_log set seq = 3 where seq = 99',
      2,
      'prev_hash_mismatch',
    ],
  ])('notices an entry %s behind its back', async (_name, statement, seq, reason) => {
    for (const name of ['u1', 'u2', 'u3', 'u4']) await run(['user', 'add', name]);
    const db = new Database(join(dataDir, 'vigie.db'));
    db.exec('drop trigger audit_log_no_update; drop trigger audit_log_no_delete;');
    db.exec(statement);
    db.close();
    const res = await run(['audit', 'verify', '--json']);
    expect(res.code, res.out + res.err).toBe(1);
    expect(JSON.parse(res.out.split('\n')[0] ?? '').firstBad).toMatchObject({ seq, reason });
  });

  it('refuses bad configuration and unknown commands with a clear message', async () => {
    const { io, output } = harness({ VIGIE_DATA_DIR: dataDir, VIGIE_DATABASE_URL: 'mysql://x' });
    expect(await runCli(['user', 'list'], io)).toBe(2);
    expect(output.err).toContain('VIGIE_DATABASE_URL: must be a postgres:// URL');
    const unknown = await run(['frobnicate']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toContain("unknown command 'frobnicate'");
  });
});

describe('vigie configuration', () => {
  it('names the variable when the first administrator’s password is refused', async () => {
    const { io, output } = harness({
      VIGIE_DATA_DIR: mkdtempSync(join(tmpdir(), 'vigie-cli-')),
      VIGIE_ADMIN_PASSWORD: 'admin-and-more-words',
    });
    expect(await runCli(['user', 'list'], io)).toBe(2);
    expect(output.err).toContain('VIGIE_ADMIN_PASSWORD: must not contain the user name');
  });
});
