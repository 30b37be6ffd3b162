/** Local accounts: identity, role, password hash and lockout state. */
import { type Kysely, sql } from 'kysely';
import type { Locale, Role } from '../core/index.js';
import type { Database, UsersTable } from './schema.js';

export interface UserRecord {
  readonly id: string;
  readonly username: string;
  readonly displayName: string | null;
  readonly role: Role;
  readonly department: string | null;
  readonly locale: Locale | null;
  readonly passwordHash: string;
  readonly disabled: boolean;
  readonly failedLogins: number;
  readonly lockedUntil: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lastLoginAt: string | null;
  readonly passwordChangedAt: string;
}

export type UserPatch = Partial<
  Pick<
    UserRecord,
    | 'displayName'
    | 'role'
    | 'department'
    | 'locale'
    | 'passwordHash'
    | 'disabled'
    | 'failedLogins'
    | 'lockedUntil'
    | 'lastLoginAt'
    | 'passwordChangedAt'
  >
> & { readonly updatedAt: string };

function toRecord(row: UsersTable): UserRecord {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role as Role,
    department: row.department,
    locale: row.locale as Locale | null,
    passwordHash: row.password_hash,
    disabled: row.disabled === 1,
    failedLogins: row.failed_logins,
    lockedUntil: row.locked_until,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLoginAt: row.last_login_at,
    passwordChangedAt: row.password_changed_at,
  };
}

export function usersRepository(db: Kysely<Database>) {
  return {
    async insert(user: UserRecord): Promise<void> {
      await db
        .insertInto('users')
        .values({
          id: user.id,
          username: user.username,
          display_name: user.displayName,
          role: user.role,
          department: user.department,
          locale: user.locale,
          password_hash: user.passwordHash,
          disabled: user.disabled ? 1 : 0,
          failed_logins: user.failedLogins,
          locked_until: user.lockedUntil,
          created_at: user.createdAt,
          updated_at: user.updatedAt,
          last_login_at: user.lastLoginAt,
          password_changed_at: user.passwordChangedAt,
        })
        .execute();
    },

    async findById(id: string): Promise<UserRecord | undefined> {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    },

    async findByUsername(username: string): Promise<UserRecord | undefined> {
      const row = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
      return row && toRecord(row);
    },

    async list(): Promise<UserRecord[]> {
      const rows = await db.selectFrom('users').selectAll().orderBy('username').execute();
      return rows.map(toRecord);
    },

    async count(): Promise<number> {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /**
     * Counts one failed sign-in in a single statement, so that parallel attempts each get
     * their own number; failures older than `windowStart` are forgotten first.
     */
    async countFailure(id: string, at: string, windowStart: string): Promise<number> {
      const row = await db
        .updateTable('users')
        .set({
          failed_logins: sql<number>`case when last_failed_at is null or last_failed_at < ${windowStart} then 1 else failed_logins + 1 end`,
          last_failed_at: at,
        })
        .where('id', '=', id)
        .returning('failed_logins')
        .executeTakeFirst();
      return Number(row?.failed_logins ?? 0);
    },

    async update(id: string, patch: UserPatch): Promise<UserRecord | undefined> {
      const values: Partial<UsersTable> = { updated_at: patch.updatedAt };
      if (patch.displayName !== undefined) values.display_name = patch.displayName;
      if (patch.role !== undefined) values.role = patch.role;
      if (patch.department !== undefined) values.department = patch.department;
      if (patch.locale !== undefined) values.locale = patch.locale;
      if (patch.passwordHash !== undefined) values.password_hash = patch.passwordHash;
      if (patch.disabled !== undefined) values.disabled = patch.disabled ? 1 : 0;
      if (patch.failedLogins !== undefined) values.failed_logins = patch.failedLogins;
      if (patch.lockedUntil !== undefined) values.locked_until = patch.lockedUntil;
      if (patch.lastLoginAt !== undefined) values.last_login_at = patch.lastLoginAt;
      if (patch.passwordChangedAt !== undefined) values.password_changed_at = patch.passwordChangedAt;
      await db.updateTable('users').set(values).where('id', '=', id).execute();
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    },
  };
}
export type UsersRepository = ReturnType<typeof usersRepository>;
