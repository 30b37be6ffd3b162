import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AuditRecord, GENESIS_HASH, hashAuditEntry, verifyChain } from './index.js';

function chain(n: number): AuditRecord[] {
  const records: AuditRecord[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const content = {
      seq,
      at: `2026-01-01T00:00:${String(seq % 60).padStart(2, '0')}.000Z`,
      actor: `user:u${seq % 3}`,
      action: 'user.update',
      target: `user:t${seq}`,
      requestId: `r${seq}`,
      details: { n: seq, nested: { b: 1, a: [1, 2] } },
      prevHash: prev,
    };
    const record = { ...content, hash: hashAuditEntry(content) };
    records.push(record);
    prev = record.hash;
  }
  return records;
}

const headOf = (records: AuditRecord[]) => {
  const last = records.at(-1);
  return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
};

describe('audit hash chain', () => {
  it('accepts an intact chain, empty or not', () => {
    expect(verifyChain([], { seq: 0, hash: GENESIS_HASH })).toMatchObject({ ok: true, checked: 0, firstBad: null });
    const records = chain(20);
    expect(verifyChain(records, headOf(records))).toMatchObject({ ok: true, checked: 20 });
  });

  it('names an edited entry', () => {
    const records = chain(10);
    const head = headOf(records);
    records[4] = { ...(records[4] as AuditRecord), actor: 'user:mallory' };
    expect(verifyChain(records, head).firstBad).toMatchObject({ seq: 5, reason: 'hash_mismatch' });
  });

  it('names the entry after a deleted one', () => {
    const records = chain(10);
    const head = headOf(records);
    records.splice(3, 1);
    expect(verifyChain(records, head).firstBad).toMatchObject({ seq: 5, reason: 'seq_gap' });
  });

  it('names an inserted entry, even one renumbered to fit', () => {
    const records = chain(10);
    const head = headOf(records);
    const forged = { ...(records[2] as AuditRecord), action: 'user.create' };
    records.splice(3, 0, forged);
    expect(verifyChain(records, head).firstBad).toMatchObject({ seq: 3, reason: 'seq_not_increasing' });
    // A forger who renumbers everything after the insertion still breaks the links.
    const renumbered = chain(10).map((r) => (r.seq >= 4 ? { ...r, seq: r.seq + 1 } : r));
    renumbered.splice(3, 0, { ...(records[2] as AuditRecord), seq: 4 });
    expect(verifyChain(renumbered).firstBad).toMatchObject({ seq: 4, reason: 'prev_hash_mismatch' });
  });

  it('names the first of two swapped entries', () => {
    const records = chain(10);
    const swapped = [...records];
    const a = records[5] as AuditRecord;
    const b = records[6] as AuditRecord;
    swapped[5] = { ...b, seq: a.seq };
    swapped[6] = { ...a, seq: b.seq };
    expect(verifyChain(swapped, headOf(records)).firstBad).toMatchObject({ seq: 6, reason: 'prev_hash_mismatch' });
  });

  it('checks pinned anchors: a rewritten or missing pinned entry is named', () => {
    const records = chain(6);
    const pinned = { seq: 4, hash: (records[3] as AuditRecord).hash };
    expect(verifyChain(records, headOf(records), [pinned]).ok).toBe(true);
    expect(verifyChain(records, headOf(records), [{ seq: 4, hash: 'f'.repeat(64) }]).firstBad).toMatchObject({
      seq: 4,
      reason: 'anchor_mismatch',
    });
    expect(verifyChain(records.slice(0, 3), null, [pinned]).firstBad).toMatchObject({
      seq: 4,
      reason: 'anchor_missing',
    });
  });

  it('names an entry slipped in before the first one', () => {
    const records = chain(3);
    const forged = { ...(records[0] as AuditRecord), seq: 0 };
    expect(verifyChain([forged, ...records], headOf(records)).firstBad).toMatchObject({
      seq: 0,
      reason: 'seq_not_increasing',
    });
  });

  it('notices entries removed at the end through the head', () => {
    const records = chain(10);
    const head = headOf(records);
    expect(verifyChain(records.slice(0, 8), head).firstBad).toMatchObject({ seq: 9, reason: 'head_mismatch' });
  });

  it('detects any single-field edit anywhere (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.nat(),
        fc.constantFrom('actor', 'action', 'target', 'at', 'requestId'),
        fc.string({ minLength: 1, maxLength: 20 }),
        (n, pick, field, value) => {
          const records = chain(n);
          const head = headOf(records);
          const index = pick % n;
          const original = records[index] as AuditRecord;
          if ((original as unknown as Record<string, unknown>)[field] === value) return;
          records[index] = { ...original, [field]: value };
          const verdict = verifyChain(records, head);
          expect(verdict.ok).toBe(false);
          expect(verdict.firstBad?.seq).toBe(index + 1);
        },
      ),
      { numRuns: 200 },
    );
  });
});
