/** Reading and verifying the audit trail (appending happens inside each service's transaction). */
import { type AuditRecord, type ChainVerdict, createChainVerifier } from '../audit/index.js';
import type { AuditQuery, Store } from '../store/index.js';

export function createAuditTrail(store: Store) {
  return {
    async list(query: AuditQuery): Promise<{ items: AuditRecord[]; nextBefore: number | null }> {
      const items = await store.audit.list({ ...query, limit: query.limit + 1 });
      const page = items.slice(0, query.limit);
      const last = page.at(-1);
      return { items: page, nextBefore: items.length > query.limit && last ? last.seq : null };
    },

    /** Walks the whole chain in order and names the first entry that breaks it. */
    async verify(): Promise<ChainVerdict> {
      // Read the head first: entries appended during the walk then extend past it, which is fine.
      const head = await store.audit.head();
      const verifier = createChainVerifier();
      for await (const record of store.audit.scan()) {
        if (head && record.seq > head.seq) break;
        verifier.push(record);
      }
      return verifier.finish(head);
    },
  };
}
export type AuditTrail = ReturnType<typeof createAuditTrail>;
