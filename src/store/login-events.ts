/** Sign-in attempts, successful or not, for rate limiting, lockout and the posture page. */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface LoginEvent {
  readonly at: string;
  readonly username: string;
  readonly ip: string | null;
  readonly success: boolean;
  /** `pending` (being checked), `ok`, `bad_password`, `unknown_user`, `locked`, `disabled`, `rate_limited`. */
  readonly reason: string;
}

export function loginEventsRepository(db: Kysely<Database>) {
  return {
    /** Records an attempt and returns its id, so that its outcome can be settled later. */
    async record(event: LoginEvent): Promise<number> {
      const row = await db
        .insertInto('login_events')
        .values({
          at: event.at,
          username: event.username,
          ip: event.ip,
          success: event.success ? 1 : 0,
          reason: event.reason,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(row.id);
    },
    async settle(id: number, success: boolean, reason: string): Promise<void> {
      await db
        .updateTable('login_events')
        .set({ success: success ? 1 : 0, reason })
        .where('id', '=', id)
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
