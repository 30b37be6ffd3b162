/** Sign-in attempts, successful or not, for rate limiting, lockout and the posture page. */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface LoginEvent {
  readonly at: string;
  readonly username: string;
  readonly ip: string | null;
  readonly success: boolean;
  /** `ok`, `bad_password`, `unknown_user`, `locked`, `disabled`. */
  readonly reason: string;
}

export function loginEventsRepository(db: Kysely<Database>) {
  return {
    async record(event: LoginEvent): Promise<void> {
      await db
        .insertInto('login_events')
        .values({
          at: event.at,
          username: event.username,
          ip: event.ip,
          success: event.success ? 1 : 0,
          reason: event.reason,
        })
        .execute();
    },
    async countFailures(filter: { since: string; ip?: string | undefined }): Promise<number> {
      let q = db
        .selectFrom('login_events')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('success', '=', 0)
        .where('at', '>=', filter.since);
      if (filter.ip) q = q.where('ip', '=', filter.ip);
      const row = await q.executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async prune(before: string): Promise<void> {
      await db.deleteFrom('login_events').where('at', '<', before).execute();
    },
  };
}
export type LoginEventsRepository = ReturnType<typeof loginEventsRepository>;
