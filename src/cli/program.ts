/**
 * The `vigie` command: one sub-command per concern, help on each. Commands that change
 * data open the same store as the server and write to the same audit trail.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { ChainHead } from '../audit/index.js';
import { isRole, PERMISSIONS, type Permission, ROLES, VigieError } from '../core/index.js';
import { type CliIo, cliActor, configFrom, type GlobalOptions, packageVersion, withPlatform } from './context.js';
import { registerDetect } from './detect.js';
import { registerGuard } from './guard.js';
import { registerLearn } from './learn.js';
import { registerMail } from './mail.js';
import { registerSense } from './sense.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

function permission(value: string, previous: Permission[] = []): Permission[] {
  if (!(PERMISSIONS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`unknown scope; one of: ${PERMISSIONS.join(', ')}`);
  }
  return [...previous, value as Permission];
}

function anchor(value: string, previous: ChainHead[] = []): ChainHead[] {
  const match = /^(\d{1,12}):([0-9a-f]{64})$/.exec(value.trim());
  if (!match?.[1] || !match[2]) throw new InvalidArgumentError('expected SEQ:HASH as printed by `vigie audit verify`');
  return [...previous, { seq: Number(match[1]), hash: match[2] }];
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return `${rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

export function buildProgram(io: CliIo, onServe?: (stop: () => Promise<void>) => void): Command {
  const program = new Command('vigie')
    .description('Vigie: cyber-risk management in the age of generative AI (self-hosted).')
    .version(packageVersion(), '-v, --version')
    .option('--data-dir <dir>', 'data directory for the embedded SQLite database (VIGIE_DATA_DIR)')
    .option('--database-url <url>', 'postgres://... to use PostgreSQL instead (VIGIE_DATABASE_URL)')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride()
    .showHelpAfterError();
  const globals = () => program.opts<GlobalOptions>();

  program
    .command('serve')
    .description('start the web app and API')
    .option('-p, --port <port>', 'TCP port (VIGIE_PORT, default 8080)')
    .option('--host <host>', 'address to listen on (VIGIE_HOST, default 127.0.0.1)')
    .option('--demo', 'load a demo team (one account per role) on start')
    .action(async (options: { port?: string; host?: string; demo?: boolean }) => {
      const config = await configFrom(io, globals());
      const merged = {
        ...config,
        ...(options.port !== undefined ? { VIGIE_PORT: Number(options.port) } : {}),
        ...(options.host !== undefined ? { VIGIE_HOST: options.host } : {}),
      };
      if (!Number.isInteger(merged.VIGIE_PORT) || merged.VIGIE_PORT < 0 || merged.VIGIE_PORT > 65535) {
        throw new VigieError('VIGIE_ERR_CONFIG', `Invalid port: ${options.port}`);
      }
      const { serve } = await import('./serve.js');
      const stop = await serve(merged, io, { demo: options.demo ?? false });
      onServe?.(stop);
    });

  const user = program.command('user').description('manage local accounts');
  user
    .command('add <username>')
    .description('create an account; prints a generated password unless --password-stdin is given')
    .addOption(new Option('-r, --role <role>', 'role').choices(ROLES).default('learner'))
    .option('--display-name <name>', 'full name shown in the interface')
    .option('--department <department>', 'department (used by policies and reports)')
    .option('--password-stdin', 'read the password from standard input')
    .action(
      async (
        username: string,
        options: { role: string; displayName?: string; department?: string; passwordStdin?: boolean },
      ) => {
        if (!isRole(options.role)) throw new InvalidArgumentError(`role must be one of ${ROLES.join(', ')}`);
        const password = options.passwordStdin ? (await io.readStdin()).replace(/\r?\n$/, '') : undefined;
        if (password !== undefined) (await import('../platform/index.js')).checkPasswordStrength(password, username);
        await withPlatform(await configFrom(io, globals()), async (platform) => {
          const created = await platform.identity.createUser(
            {
              username,
              role: options.role as (typeof ROLES)[number],
              displayName: options.displayName,
              department: options.department,
              password,
            },
            cliActor(),
          );
          io.out(`Created ${created.user.username} (${created.user.role}).\n`);
          if (created.initialPassword) io.out(`Password (shown once): ${created.initialPassword}\n`);
        });
      },
    );
  user
    .command('list')
    .description('list accounts')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withPlatform(await configFrom(io, globals()), async (platform) => {
        const users = await platform.identity.listUsers();
        if (options.json) return io.out(`${JSON.stringify(users, null, 2)}\n`);
        const now = new Date().toISOString();
        io.out(
          table([
            ['USERNAME', 'ROLE', 'DEPARTMENT', 'STATUS', 'LAST LOGIN'],
            ...users.map((u) => [
              u.username,
              u.role,
              u.department ?? '-',
              u.disabled ? 'disabled' : u.lockedUntil && u.lockedUntil > now ? 'locked' : 'active',
              u.lastLoginAt ?? 'never',
            ]),
          ]),
        );
      });
    });
  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    user
      .command(`${name} <username>`)
      .description(disabled ? 'disable an account and end its sessions' : 'enable a disabled account')
      .action(async (username: string) => {
        await withPlatform(await configFrom(io, globals()), async (platform) => {
          const found = await platform.identity.findUserByName(username);
          if (!found) throw new VigieError('VIGIE_ERR_NOT_FOUND', `No user named ${username}`);
          await platform.identity.updateUser(found.id, { disabled }, cliActor());
          io.out(`${disabled ? 'Disabled' : 'Enabled'} ${found.username}.\n`);
        });
      });
  }

  const token = program.command('token').description('manage API tokens for machines and scripts');
  token
    .command('create')
    .description('create an API token for a user; the secret is printed once')
    .requiredOption('-u, --user <username>', 'owner of the token')
    .requiredOption('-n, --name <name>', 'what the token is for')
    .option(
      '-s, --scope <permission>',
      `a permission the token carries (repeatable): ${PERMISSIONS.join(', ')}`,
      permission,
    )
    .option('-e, --expires <days>', 'days until it expires (1–365)', positiveInt, 90)
    .action(async (options: { user: string; name: string; scope?: Permission[]; expires: number }) => {
      if (options.expires > 365) throw new InvalidArgumentError('--expires is at most 365 days');
      await withPlatform(await configFrom(io, globals()), async (platform) => {
        const owner = await platform.identity.findUserByName(options.user);
        if (!owner) throw new VigieError('VIGIE_ERR_NOT_FOUND', `No user named ${options.user}`);
        const { token: created, secret } = await platform.identity.createToken(
          owner.id,
          { name: options.name, scopes: options.scope ?? [], expiresInDays: options.expires },
          cliActor(),
        );
        io.out(
          `Token ${created.id} for ${owner.username}, expires ${created.expiresAt}, scopes: ${created.scopes.join(' ') || '(none)'}\n`,
        );
        io.out(`Secret (shown once): ${secret}\n`);
      });
    });
  token
    .command('list')
    .description('list API tokens')
    .option('-u, --user <username>', 'only this user’s tokens')
    .action(async (options: { user?: string }) => {
      await withPlatform(await configFrom(io, globals()), async (platform) => {
        const owner = options.user ? await platform.identity.findUserByName(options.user) : undefined;
        if (options.user && !owner) throw new VigieError('VIGIE_ERR_NOT_FOUND', `No user named ${options.user}`);
        const tokens = await platform.identity.listTokens(owner ? { userId: owner.id } : {});
        io.out(
          table([
            ['ID', 'OWNER', 'NAME', 'SCOPES', 'EXPIRES', 'STATUS'],
            ...tokens.map((t) => [
              t.id,
              t.username,
              t.name,
              t.scopes.join(' ') || '-',
              t.expiresAt,
              t.revokedAt ? 'revoked' : 'active',
            ]),
          ]),
        );
      });
    });
  token
    .command('revoke <id>')
    .description('revoke an API token at once')
    .action(async (id: string) => {
      await withPlatform(await configFrom(io, globals()), async (platform) => {
        await platform.identity.revokeToken(id, cliActor());
        io.out(`Revoked token ${id}.\n`);
      });
    });

  registerSense(program, io);
  registerMail(program, io);
  registerDetect(program, io);
  registerGuard(program, io);
  registerLearn(program, io);

  const audit = program.command('audit').description('the tamper-evident audit trail');
  audit
    .command('verify')
    .description('check the hash chain; exit code 1 and the first bad entry when it is broken')
    .option('--json', 'print the verdict as JSON')
    .option(
      '-a, --anchor <seq:hash>',
      'an entry pinned earlier from this command’s output (repeatable): detects a rewrite of the whole trail',
      anchor,
    )
    .action(async (options: { json?: boolean; anchor?: ChainHead[] }) => {
      await withPlatform(await configFrom(io, globals()), async (platform) => {
        const verdict = await platform.auditTrail.verify(options.anchor ?? []);
        if (options.json) io.out(`${JSON.stringify(verdict)}\n`);
        else if (verdict.ok) {
          io.out(`Audit trail OK: ${verdict.checked} entries, chain intact.\n`);
          if (verdict.head && verdict.head.seq > 0) {
            io.out(
              `Head: ${verdict.head.seq}:${verdict.head.hash}\n` +
                'Keep this line away from this machine and pass it back with --anchor to detect a rewritten history.\n',
            );
          }
        } else if (verdict.firstBad) {
          io.out(
            `Audit trail BROKEN at entry #${verdict.firstBad.seq} (${verdict.firstBad.reason}): ${verdict.firstBad.message.en}\n` +
              `${verdict.checked} entries checked.\n`,
          );
        }
        if (!verdict.ok) throw new CommanderError(1, 'vigie.audit.broken', 'audit trail broken');
      });
    });

  return program;
}

/** Runs the CLI; resolves to the process exit code. Never throws. */
export async function runCli(
  argv: string[],
  io: CliIo,
  onServe?: (stop: () => Promise<void>) => void,
): Promise<number> {
  const program = buildProgram(io, onServe);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : error.exitCode || 1;
    }
    if (error instanceof VigieError) {
      io.err(`vigie: ${error.message} [${error.code}]\n`);
      // 2: the command was given something unusable (as for usage errors); 1: it failed.
      const usage = ['VIGIE_ERR_CONFIG', 'VIGIE_ERR_VALIDATION', 'VIGIE_ERR_WEAK_PASSWORD'];
      return usage.includes(error.code) ? 2 : 1;
    }
    io.err(`vigie: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}
