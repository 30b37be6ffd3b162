/**
 * Identity and access: local accounts, sign-in with lockout, browser sessions and API
 * tokens. Every state change appends to the audit trail in the same transaction.
 */
import {
  type Clock,
  type ErrorCode,
  effectivePermissions,
  type Locale,
  newId,
  type Permission,
  ROLE_PERMISSIONS,
  type Role,
  VigieError,
} from '../core/index.js';
import type { ApiTokenRecord, Repositories, Store, UserRecord } from '../store/index.js';
import { type ActionContext, actorLabel } from './actor.js';
import {
  decoyPasswordHash,
  equalHashes,
  generatePassword,
  hashPassword,
  randomHex,
  randomSecret,
  sha256Hex,
  verifyPassword,
} from './secrets.js';

export interface IdentityPolicy {
  readonly maxFailures: number;
  readonly lockoutMinutes: number;
  /** Failed sign-ins from one address within the lockout window before it is refused outright. */
  readonly ipMaxFailures: number;
  readonly sessionIdleMinutes: number;
  readonly sessionMaxHours: number;
}

export const DEFAULT_IDENTITY_POLICY: IdentityPolicy = {
  maxFailures: 5,
  lockoutMinutes: 15,
  ipMaxFailures: 30,
  sessionIdleMinutes: 8 * 60,
  sessionMaxHours: 72,
};

/** A user as shown to people and the API: never the password hash. */
export interface PublicUser {
  readonly id: string;
  readonly username: string;
  readonly displayName: string | null;
  readonly role: Role;
  readonly department: string | null;
  readonly locale: Locale | null;
  readonly disabled: boolean;
  readonly createdAt: string;
  readonly lastLoginAt: string | null;
  readonly lockedUntil: string | null;
}

export interface PublicToken {
  readonly id: string;
  readonly name: string;
  readonly userId: string;
  readonly username: string;
  readonly prefix: string;
  readonly scopes: Permission[];
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

export interface NewUser {
  readonly username: string;
  readonly displayName?: string | null | undefined;
  readonly role: Role;
  readonly department?: string | null | undefined;
  readonly locale?: Locale | null | undefined;
  /** Generated (and returned once) when absent. */
  readonly password?: string | undefined;
}

export interface UserChanges {
  readonly displayName?: string | null | undefined;
  readonly role?: Role | undefined;
  readonly department?: string | null | undefined;
  readonly locale?: Locale | null | undefined;
  readonly disabled?: boolean | undefined;
}

export interface Caller {
  readonly user: PublicUser;
  readonly permissions: Permission[];
  readonly via: 'session' | 'token';
  /** For sessions: the anti-forgery token every state-changing request must echo. */
  readonly csrfToken?: string | undefined;
  readonly tokenId?: string | undefined;
}

export interface SignIn {
  readonly sessionSecret: string;
  readonly caller: Caller;
  readonly expiresAt: string;
}

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,63}$/;
const TOKEN_PATTERN = /^vgt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export function toPublicUser(user: UserRecord): PublicUser {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    department: user.department,
    locale: user.locale,
    disabled: user.disabled,
    createdAt: user.createdAt,
    lastLoginAt: user.lastLoginAt,
    lockedUntil: user.lockedUntil,
  };
}

function toPublicToken(token: ApiTokenRecord, username: string): PublicToken {
  return {
    id: token.id,
    name: token.name,
    userId: token.userId,
    username,
    prefix: token.prefix,
    scopes: token.scopes,
    createdAt: token.createdAt,
    expiresAt: token.expiresAt,
    lastUsedAt: token.lastUsedAt,
    revokedAt: token.revokedAt,
  };
}

/** Why a chosen password is refused, or null when it is acceptable. */
export function weakPasswordReason(password: string, username: string): string | null {
  const length = [...password].length;
  if (length < 12) return 'must have at least 12 characters';
  if (length > 256) return 'must have at most 256 characters';
  if (password.toLowerCase().includes(username.toLowerCase())) return 'must not contain the user name';
  return null;
}

export function checkPasswordStrength(password: string, username: string): void {
  if (weakPasswordReason(password, username)) throw new VigieError('VIGIE_ERR_WEAK_PASSWORD');
}

function addMinutes(date: Date, minutes: number): string {
  return new Date(date.getTime() + minutes * 60_000).toISOString();
}

function isLocked(user: UserRecord, now: Date): boolean {
  return user.lockedUntil !== null && user.lockedUntil > now.toISOString();
}

export function createIdentity(store: Store, clock: Clock, policy: IdentityPolicy = DEFAULT_IDENTITY_POLICY) {
  const audit = (tx: Repositories, ctx: ActionContext, action: string, target: string | null, details = {}) =>
    tx.audit.append({
      at: clock().toISOString(),
      actor: actorLabel(ctx.actor),
      action,
      target,
      requestId: ctx.requestId,
      details,
    });

  async function requireUser(tx: Repositories, id: string): Promise<UserRecord> {
    const user = await tx.users.findById(id);
    if (!user) throw new VigieError('VIGIE_ERR_NOT_FOUND', `No user with id ${id}`);
    return user;
  }

  /** The last admin able to sign in can be neither demoted nor disabled: nobody could administer Vigie. */
  async function assertOtherActiveAdmin(tx: Repositories, exceptId: string): Promise<void> {
    const admins = (await tx.users.list()).filter((u) => u.role === 'admin' && !u.disabled && u.id !== exceptId);
    if (admins.length === 0) {
      throw new VigieError('VIGIE_ERR_CONFLICT', 'This is the last active administrator.');
    }
  }

  /**
   * Password checks against an account are counted before the password is verified, in
   * one statement, so that parallel guesses each take a number: the one that reaches the
   * limit locks the account, and the ones beyond it are refused unchecked. A correct
   * password resets the count.
   */
  async function checkAccountPassword(user: UserRecord, password: string, ctx: ActionContext, ip: string | null) {
    const now = clock();
    const attempt = await store.users.countFailure(user.id, now.toISOString(), addMinutes(now, -policy.lockoutMinutes));
    if (attempt > policy.maxFailures) {
      await lockAccount(user, ctx, ip, attempt);
      await verifyPassword(await decoyPasswordHash(), password);
      return 'locked' as const;
    }
    if (await verifyPassword(user.passwordHash, password)) {
      await store.users.update(user.id, { failedLogins: 0, updatedAt: now.toISOString() });
      return 'valid' as const;
    }
    if (attempt >= policy.maxFailures) await lockAccount(user, ctx, ip, attempt);
    return 'invalid' as const;
  }

  /** Locks an account for the lockout period, ends its sessions, and audits the lock (once). */
  async function lockAccount(user: UserRecord, ctx: ActionContext, ip: string | null, failures: number) {
    const now = clock();
    await store.transaction(async (tx) => {
      const current = await tx.users.findById(user.id);
      if (!current || isLocked(current, now)) return;
      await tx.users.update(user.id, {
        failedLogins: 0,
        lockedUntil: addMinutes(now, policy.lockoutMinutes),
        updatedAt: now.toISOString(),
      });
      await tx.sessions.deleteForUser(user.id);
      await audit(tx, ctx, 'user.lock', `user:${user.username}`, { failures, minutes: policy.lockoutMinutes, ip });
    });
  }

  function toCaller(user: UserRecord, via: Caller['via'], extra: Partial<Caller> = {}, scopes?: Permission[]): Caller {
    return { user: toPublicUser(user), permissions: effectivePermissions(user.role, scopes), via, ...extra };
  }

  return {
    async createUser(input: NewUser, ctx: ActionContext): Promise<{ user: PublicUser; initialPassword?: string }> {
      const username = input.username.trim().toLowerCase();
      if (!USERNAME_PATTERN.test(username)) {
        throw new VigieError(
          'VIGIE_ERR_VALIDATION',
          'User names use 2–64 lower-case letters, digits, dot, dash or underscore.',
        );
      }
      const generated = input.password === undefined ? generatePassword() : undefined;
      const password = input.password ?? (generated as string);
      // A generated password is ~100 random bits; it may contain a short user name by chance.
      if (generated === undefined) checkPasswordStrength(password, username);
      const passwordHash = await hashPassword(password);
      const now = clock().toISOString();
      const record: UserRecord = {
        id: newId(),
        username,
        displayName: input.displayName?.trim() || null,
        role: input.role,
        department: input.department?.trim() || null,
        locale: input.locale ?? null,
        passwordHash,
        disabled: false,
        failedLogins: 0,
        lockedUntil: null,
        createdAt: now,
        updatedAt: now,
        lastLoginAt: null,
        passwordChangedAt: now,
      };
      await store.transaction(async (tx) => {
        if (await tx.users.findByUsername(username)) {
          throw new VigieError('VIGIE_ERR_CONFLICT', `User ${username} already exists.`);
        }
        await tx.users.insert(record);
        await audit(tx, ctx, 'user.create', `user:${username}`, { role: record.role, department: record.department });
      });
      const user = toPublicUser(record);
      return generated === undefined ? { user } : { user, initialPassword: generated };
    },

    async listUsers(): Promise<PublicUser[]> {
      return (await store.users.list()).map(toPublicUser);
    },

    async getUser(id: string): Promise<PublicUser> {
      return toPublicUser(await requireUser(store, id));
    },

    async findUserByName(username: string): Promise<PublicUser | undefined> {
      const user = await store.users.findByUsername(username.trim().toLowerCase());
      return user && toPublicUser(user);
    },

    async updateUser(id: string, changes: UserChanges, ctx: ActionContext): Promise<PublicUser> {
      return store.transaction(async (tx) => {
        const before = await requireUser(tx, id);
        const demoted = changes.role !== undefined && changes.role !== 'admin' && before.role === 'admin';
        const disabling = changes.disabled === true && !before.disabled;
        const enabling = changes.disabled === false && before.disabled;
        if ((demoted || disabling) && before.role === 'admin') await assertOtherActiveAdmin(tx, id);
        const after = await tx.users.update(id, {
          updatedAt: clock().toISOString(),
          ...(changes.displayName !== undefined ? { displayName: changes.displayName?.trim() || null } : {}),
          ...(changes.department !== undefined ? { department: changes.department?.trim() || null } : {}),
          ...(changes.role !== undefined ? { role: changes.role } : {}),
          ...(changes.locale !== undefined ? { locale: changes.locale } : {}),
          ...(changes.disabled !== undefined ? { disabled: changes.disabled } : {}),
        });
        if (!after) throw new VigieError('VIGIE_ERR_NOT_FOUND');
        // A disabled account or a changed role must not keep sessions opened under the old rights.
        if (changes.disabled === true || (changes.role !== undefined && changes.role !== before.role)) {
          await tx.sessions.deleteForUser(id);
        }
        const changed = Object.fromEntries(
          Object.entries(changes).filter(
            ([k, v]) => v !== undefined && v !== (before as unknown as Record<string, unknown>)[k],
          ),
        );
        const action = disabling ? 'user.disable' : enabling ? 'user.enable' : 'user.update';
        if (Object.keys(changed).length > 0) await audit(tx, ctx, action, `user:${before.username}`, { changed });
        return toPublicUser(after);
      });
    },

    async unlockUser(id: string, ctx: ActionContext): Promise<PublicUser> {
      return store.transaction(async (tx) => {
        const user = await requireUser(tx, id);
        const after = await tx.users.update(id, {
          failedLogins: 0,
          lockedUntil: null,
          updatedAt: clock().toISOString(),
        });
        await audit(tx, ctx, 'user.unlock', `user:${user.username}`);
        return toPublicUser(after ?? user);
      });
    },

    async resetPassword(id: string, ctx: ActionContext): Promise<{ initialPassword: string }> {
      const initialPassword = generatePassword();
      const passwordHash = await hashPassword(initialPassword);
      await store.transaction(async (tx) => {
        const user = await requireUser(tx, id);
        const now = clock().toISOString();
        await tx.users.update(id, {
          passwordHash,
          passwordChangedAt: now,
          failedLogins: 0,
          lockedUntil: null,
          updatedAt: now,
        });
        await tx.sessions.deleteForUser(id);
        await audit(tx, ctx, 'user.password_reset', `user:${user.username}`);
      });
      return { initialPassword };
    },

    /**
     * Changes one's own password. A wrong current password counts toward the lockout (a
     * stolen session must not become a way to guess it); a change ends the user's other sessions.
     */
    async changePassword(
      userId: string,
      current: string,
      next: string,
      ctx: ActionContext,
      keepSessionSecret?: string,
    ): Promise<void> {
      const user = await requireUser(store, userId);
      if (isLocked(user, clock())) throw new VigieError('VIGIE_ERR_BAD_CREDENTIALS');
      const check = await checkAccountPassword(user, current, ctx, null);
      if (check !== 'valid') throw new VigieError('VIGIE_ERR_BAD_CREDENTIALS');
      checkPasswordStrength(next, user.username);
      const passwordHash = await hashPassword(next);
      await store.transaction(async (tx) => {
        const now = clock().toISOString();
        await tx.users.update(userId, { passwordHash, passwordChangedAt: now, updatedAt: now });
        const ended = await tx.sessions.deleteForUserExcept(
          userId,
          keepSessionSecret ? sha256Hex(keepSessionSecret) : null,
        );
        await audit(tx, ctx, 'user.password_change', `user:${user.username}`, { sessionsEnded: ended });
      });
    },

    /**
     * Signs in with a password. Every attempt is written down before the password is
     * checked, so parallel guesses are counted too. An address with too many recent
     * failures gets 429; an account locks after repeated failures. A locked account and an
     * unknown name answer exactly like a wrong password, so that no answer reveals which
     * accounts exist; administrators see locks in the user list and the audit trail.
     */
    async signIn(
      username: string,
      password: string,
      client: { ip: string | null; userAgent: string | null; requestId?: string | undefined },
    ): Promise<SignIn> {
      const now = clock();
      const at = now.toISOString();
      const name = username.trim().toLowerCase().slice(0, 128);
      const windowStart = addMinutes(now, -policy.lockoutMinutes);
      const attempt = await store.loginEvents.record({
        at,
        username: name,
        ip: client.ip,
        success: false,
        reason: 'pending',
      });
      const refuse = async (reason: string, code: ErrorCode = 'VIGIE_ERR_BAD_CREDENTIALS'): Promise<never> => {
        await store.loginEvents.settle(attempt, false, reason);
        const details =
          code === 'VIGIE_ERR_RATE_LIMITED' ? { retryAfterSeconds: policy.lockoutMinutes * 60 } : undefined;
        throw new VigieError(code, undefined, details);
      };

      if (
        client.ip &&
        (await store.loginEvents.countFailures({ since: windowStart, ip: client.ip })) > policy.ipMaxFailures
      ) {
        return refuse('rate_limited', 'VIGIE_ERR_RATE_LIMITED');
      }
      const user = await store.users.findByUsername(name);
      if (!user || isLocked(user, now)) {
        await verifyPassword(await decoyPasswordHash(), password);
        return refuse(user ? 'locked' : 'unknown_user');
      }
      const check = await checkAccountPassword(
        user,
        password,
        { actor: { kind: 'system' }, requestId: client.requestId },
        client.ip,
      );
      if (check !== 'valid') return refuse(check === 'locked' ? 'locked' : 'bad_password');
      if (user.disabled) return refuse('disabled', 'VIGIE_ERR_ACCOUNT_DISABLED');

      const sessionSecret = randomSecret();
      const csrfToken = randomSecret();
      const expiresAt = addMinutes(now, Math.min(policy.sessionIdleMinutes, policy.sessionMaxHours * 60));
      const signedIn = await store.transaction(async (tx) => {
        const updated = await tx.users.update(user.id, {
          failedLogins: 0,
          lockedUntil: null,
          lastLoginAt: at,
          updatedAt: at,
        });
        await tx.sessions.insert({
          idHash: sha256Hex(sessionSecret),
          userId: user.id,
          csrfToken,
          createdAt: at,
          expiresAt,
          lastSeenAt: at,
          ip: client.ip,
          userAgent: client.userAgent?.slice(0, 512) ?? null,
        });
        await tx.loginEvents.settle(attempt, true, 'ok');
        await audit(
          tx,
          { actor: { kind: 'user', id: user.id, username: name }, requestId: client.requestId },
          'auth.login',
          `user:${name}`,
          {
            ip: client.ip,
          },
        );
        return updated ?? user;
      });
      return { sessionSecret, expiresAt, caller: toCaller(signedIn, 'session', { csrfToken }) };
    },

    /** The caller behind a session cookie, sliding its idle expiry; undefined when expired or unknown. */
    async authenticateSession(sessionSecret: string): Promise<Caller | undefined> {
      if (sessionSecret.length > 128) return undefined;
      const now = clock();
      const idHash = sha256Hex(sessionSecret);
      const session = await store.sessions.find(idHash);
      if (!session) return undefined;
      if (session.expiresAt <= now.toISOString()) {
        await store.sessions.delete(idHash);
        return undefined;
      }
      const user = await store.users.findById(session.userId);
      if (!user || user.disabled) return undefined;
      // Write at most once a minute: reads must not turn every request into a write.
      if (now.getTime() - Date.parse(session.lastSeenAt) > 60_000) {
        const hardLimit = Date.parse(session.createdAt) + policy.sessionMaxHours * 3_600_000;
        const idle = now.getTime() + policy.sessionIdleMinutes * 60_000;
        await store.sessions.touch(idHash, now.toISOString(), new Date(Math.min(hardLimit, idle)).toISOString());
      }
      return toCaller(user, 'session', { csrfToken: session.csrfToken });
    },

    async signOut(sessionSecret: string, ctx: ActionContext): Promise<void> {
      const idHash = sha256Hex(sessionSecret);
      await store.transaction(async (tx) => {
        const session = await tx.sessions.find(idHash);
        if (!session) return;
        await tx.sessions.delete(idHash);
        await audit(tx, ctx, 'auth.logout', ctx.actor.kind === 'user' ? `user:${ctx.actor.username}` : null);
      });
    },

    /** Issues an API token; the secret is returned once and only its hash is kept. */
    async createToken(
      ownerId: string,
      input: { name: string; scopes: readonly Permission[]; expiresInDays: number },
      ctx: ActionContext,
    ): Promise<{ token: PublicToken; secret: string }> {
      return store.transaction(async (tx) => {
        const owner = await requireUser(tx, ownerId);
        const allowed = ROLE_PERMISSIONS[owner.role];
        const beyond = input.scopes.filter((s) => !allowed.includes(s));
        if (beyond.length > 0) {
          throw new VigieError('VIGIE_ERR_FORBIDDEN', `Role ${owner.role} cannot grant: ${beyond.join(', ')}`);
        }
        const id = randomHex(8);
        const secretPart = randomSecret(32);
        const secret = `vgt_${id}_${secretPart}`;
        const now = clock();
        const record: ApiTokenRecord = {
          id,
          userId: owner.id,
          name: input.name.trim(),
          prefix: `vgt_${id.slice(0, 8)}`,
          secretHash: sha256Hex(secret),
          scopes: [...new Set(input.scopes)],
          createdAt: now.toISOString(),
          expiresAt: addMinutes(now, input.expiresInDays * 24 * 60),
          lastUsedAt: null,
          revokedAt: null,
        };
        await tx.tokens.insert(record);
        await audit(tx, ctx, 'token.create', `token:${id}`, {
          owner: owner.username,
          name: record.name,
          scopes: record.scopes,
          expiresAt: record.expiresAt,
        });
        return { token: toPublicToken(record, owner.username), secret };
      });
    },

    async listTokens(filter: { userId?: string } = {}): Promise<PublicToken[]> {
      const [tokens, users] = await Promise.all([store.tokens.list(filter), store.users.list()]);
      const names = new Map(users.map((u) => [u.id, u.username]));
      return tokens.map((t) => toPublicToken(t, names.get(t.userId) ?? '?'));
    },

    async getToken(id: string): Promise<PublicToken> {
      const token = await store.tokens.findById(id);
      if (!token) throw new VigieError('VIGIE_ERR_NOT_FOUND', `No API token with id ${id}`);
      const owner = await store.users.findById(token.userId);
      return toPublicToken(token, owner?.username ?? '?');
    },

    async revokeToken(id: string, ctx: ActionContext): Promise<void> {
      await store.transaction(async (tx) => {
        const token = await tx.tokens.findById(id);
        if (!token) throw new VigieError('VIGIE_ERR_NOT_FOUND', `No API token with id ${id}`);
        if (await tx.tokens.revoke(id, clock().toISOString())) {
          await audit(tx, ctx, 'token.revoke', `token:${id}`, { name: token.name });
        }
      });
    },

    /** The caller behind an API token; undefined when malformed, unknown, expired or revoked. */
    async authenticateToken(secret: string): Promise<Caller | undefined> {
      const match = TOKEN_PATTERN.exec(secret);
      if (!match?.[1]) return undefined;
      const token = await store.tokens.findById(match[1]);
      const now = clock().toISOString();
      if (!token || token.revokedAt !== null || token.expiresAt <= now) return undefined;
      if (!equalHashes(token.secretHash, sha256Hex(secret))) return undefined;
      const user = await store.users.findById(token.userId);
      if (!user || user.disabled) return undefined;
      if (token.lastUsedAt === null || Date.parse(now) - Date.parse(token.lastUsedAt) > 60_000) {
        await store.tokens.markUsed(token.id, now);
      }
      return toCaller(user, 'token', { tokenId: token.id }, token.scopes);
    },
  };
}

export type Identity = ReturnType<typeof createIdentity>;
