/** API tokens for machines and the CLI: only a hash of the secret is kept. */
import type { Kysely } from 'kysely';
import type { Permission } from '../core/index.js';
import type { ApiTokensTable, Database } from './schema.js';

export interface ApiTokenRecord {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  /** The first characters of the secret, shown to tell tokens apart. */
  readonly prefix: string;
  readonly secretHash: string;
  readonly scopes: Permission[];
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

function toRecord(row: ApiTokensTable): ApiTokenRecord {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    prefix: row.prefix,
    secretHash: row.secret_hash,
    scopes: JSON.parse(row.scopes) as Permission[],
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

export function tokensRepository(db: Kysely<Database>) {
  return {
    async insert(token: ApiTokenRecord): Promise<void> {
      await db
        .insertInto('api_tokens')
        .values({
          id: token.id,
          user_id: token.userId,
          name: token.name,
          prefix: token.prefix,
          secret_hash: token.secretHash,
          scopes: JSON.stringify(token.scopes),
          created_at: token.createdAt,
          expires_at: token.expiresAt,
          last_used_at: token.lastUsedAt,
          revoked_at: token.revokedAt,
        })
        .execute();
    },
    async findById(id: string): Promise<ApiTokenRecord | undefined> {
      const row = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    },
    async list(filter: { userId?: string } = {}): Promise<ApiTokenRecord[]> {
      let query = db.selectFrom('api_tokens').selectAll();
      if (filter.userId) query = query.where('user_id', '=', filter.userId);
      const rows = await query.orderBy('created_at', 'desc').execute();
      return rows.map(toRecord);
    },
    async markUsed(id: string, at: string): Promise<void> {
      await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
    },
    async revoke(id: string, at: string): Promise<boolean> {
      const result = await db
        .updateTable('api_tokens')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async countActive(now: string, expiringBefore?: string): Promise<number> {
      let query = db
        .selectFrom('api_tokens')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now);
      if (expiringBefore) query = query.where('expires_at', '<=', expiringBefore);
      const row = await query.executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
export type TokensRepository = ReturnType<typeof tokensRepository>;
