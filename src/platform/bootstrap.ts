/**
 * First run: when no account exists, create the administrator, with the password from
 * VIGIE_ADMIN_PASSWORD or a generated one that is returned once to be printed.
 */
import type { Identity } from './identity.js';

export interface BootstrapResult {
  readonly created: boolean;
  readonly username: string;
  /** Only when Vigie generated it: print it once, it is stored nowhere in clear. */
  readonly generatedPassword?: string;
}

export async function bootstrapAdmin(
  identity: Identity,
  userCount: number,
  options: { username: string; password?: string | undefined },
): Promise<BootstrapResult> {
  if (userCount > 0) return { created: false, username: options.username };
  const { initialPassword } = await identity.createUser(
    {
      username: options.username,
      displayName: 'Administrator',
      role: 'admin',
      ...(options.password ? { password: options.password } : {}),
    },
    { actor: { kind: 'system' } },
  );
  return initialPassword
    ? { created: true, username: options.username, generatedPassword: initialPassword }
    : { created: true, username: options.username };
}
