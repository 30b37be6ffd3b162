/**
 * What every CLI command needs: where to print, the environment, and the store it opens. The
 * platform and the store (with the server, SQL drivers, MQTT, IMAP and SMTP clients behind them)
 * are loaded by the commands that use them: loading them all made every start take 1.3 s.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Platform, VigieConfig } from '../platform/index.js';

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Record<string, string | undefined>;
  /** Reads all of standard input (for --password-stdin). */
  readonly readStdin: () => Promise<string>;
}

export interface GlobalOptions {
  readonly dataDir?: string;
  readonly databaseUrl?: string;
}

/** The checkout's root, found from this file whether it runs from src/ (tsx) or dist/. */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export async function configFrom(
  io: CliIo,
  globals: GlobalOptions,
  overrides: Partial<VigieConfig> = {},
): Promise<VigieConfig> {
  const { loadConfig } = await import('../platform/index.js');
  return loadConfig(io.env, {
    ...(globals.dataDir ? { VIGIE_DATA_DIR: globals.dataDir } : {}),
    ...(globals.databaseUrl ? { VIGIE_DATABASE_URL: globals.databaseUrl } : {}),
    ...overrides,
  });
}

export function identityPolicyFrom(config: VigieConfig) {
  return {
    maxFailures: config.VIGIE_LOGIN_MAX_FAILURES,
    lockoutMinutes: config.VIGIE_LOGIN_LOCKOUT_MINUTES,
    ipMaxFailures: config.VIGIE_LOGIN_IP_MAX_FAILURES,
    sessionIdleMinutes: config.VIGIE_SESSION_IDLE_MINUTES,
    sessionMaxHours: config.VIGIE_SESSION_MAX_HOURS,
  };
}

/** Opens the store, runs `work` with the platform, and always closes the store. */
export async function withPlatform<T>(config: VigieConfig, work: (platform: Platform) => Promise<T>): Promise<T> {
  const [{ createPlatform }, { openStore }] = await Promise.all([
    import('../platform/index.js'),
    import('../store/index.js'),
  ]);
  const store = await openStore({ url: config.VIGIE_DATABASE_URL, dataDir: config.VIGIE_DATA_DIR });
  try {
    return await work(createPlatform(store, { identityPolicy: identityPolicyFrom(config) }));
  } finally {
    await store.close();
  }
}

/** The audit actor for commands typed on this machine. */
export function cliActor() {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // Containers may run under a uid with no passwd entry.
  }
  return { actor: { kind: 'cli' as const, name } };
}
