/** Reading and verifying the audit trail (appending happens inside each service's transaction). */
import { type AuditRecord, type ChainHead, type ChainVerdict, createChainVerifier } from '../audit/index.js';
import type { Clock } from '../core/index.js';
import type { AuditQuery, Store } from '../store/index.js';

/** How long the home page may show a verdict before walking the chain again. */
const RECENT_VERDICT_MS = 60_000;

export function createAuditTrail(store: Store, clock: Clock) {
  let recent: { verdict: ChainVerdict; at: number } | undefined;

  const trail = {
    async list(query: AuditQuery): Promise<{ items: AuditRecord[]; nextBefore: number | null }> {
      const items = await store.audit.list({ ...query, limit: query.limit + 1 });
      const page = items.slice(0, query.limit);
      const last = page.at(-1);
      return { items: page, nextBefore: items.length > query.limit && last ? last.seq : null };
    },

    /** Walks the whole chain in order and names the first entry that breaks it (or an anchor). */
    async verify(anchors: readonly ChainHead[] = []): Promise<ChainVerdict> {
      // The head is read after the entries: an append commits its entry and the head together,
      // so the head is never behind what was read, and entries past it were not written by Vigie.
      // When appends land during the walk, the walk goes on to catch up with them.
      const verifier = createChainVerifier(anchors);
      let lastSeq = Number.NEGATIVE_INFINITY;
      for (let round = 0; ; round++) {
        let caughtUp = true;
        for await (const record of store.audit.scan(lastSeq)) {
          verifier.push(record);
          lastSeq = record.seq;
          caughtUp = false;
        }
        const head = await store.audit.head();
        // Stop when nothing new arrived (a truncated tail stays short) or the head is reached.
        if (!head || head.seq <= lastSeq || (round > 0 && caughtUp) || round >= 10) {
          const verdict = verifier.finish(head);
          recent = { verdict, at: clock().getTime() };
          return verdict;
        }
      }
    },

    /**
     * A verdict at most a minute old: the walk costs ~7 µs an entry, too much for every
     * page view of a large trail. `verify()` and `vigie audit verify` always walk it all.
     */
    async recentVerdict(): Promise<ChainVerdict> {
      if (recent && clock().getTime() - recent.at < RECENT_VERDICT_MS) return recent.verdict;
      return trail.verify();
    },
  };
  return trail;
}
export type AuditTrail = ReturnType<typeof createAuditTrail>;
