/**
 * The audit trail's hash chain: each entry's hash covers its content and the previous
 * entry's hash, so editing, deleting, inserting or reordering any entry breaks the chain
 * at a place the verifier names. Pure: records in, verdict out.
 */
import { createHash } from 'node:crypto';
import type { LocalizedText } from '../core/index.js';
import { canonicalJson } from './canonical-json.js';

/** The hash that the first entry points back to. */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntryContent {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string | null;
  readonly requestId: string | null;
  readonly details: Record<string, unknown>;
  readonly prevHash: string;
}

export interface AuditRecord extends AuditEntryContent {
  readonly hash: string;
}

/** The last link as remembered apart from the log, so that truncating the tail is seen too. */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

export function hashAuditEntry(entry: AuditEntryContent): string {
  const material = canonicalJson([
    entry.seq,
    entry.at,
    entry.actor,
    entry.action,
    entry.target,
    entry.requestId,
    entry.details,
    entry.prevHash,
  ]);
  return createHash('sha256').update(material, 'utf8').digest('hex');
}

export type ChainBreak =
  | 'seq_gap' // an entry is missing before this one: deleted
  | 'seq_not_increasing' // a sequence number repeats or goes back: inserted or reordered
  | 'prev_hash_mismatch' // this entry does not follow the previous one: inserted, deleted or reordered
  | 'hash_mismatch' // this entry's content no longer matches its hash: edited
  | 'head_mismatch'; // the log ends before (or after) the remembered head: truncated or appended outside Vigie

export interface ChainVerdict {
  readonly ok: boolean;
  readonly checked: number;
  readonly firstBad: { readonly seq: number; readonly reason: ChainBreak; readonly message: LocalizedText } | null;
}

const BREAK_MESSAGES: Record<ChainBreak, LocalizedText> = {
  seq_gap: {
    en: 'An entry is missing before this one (deleted).',
    fr: 'Une entrée manque avant celle-ci (suppression).',
  },
  seq_not_increasing: {
    en: 'Sequence number repeats or goes back (inserted or reordered entry).',
    fr: 'Numéro de séquence répété ou en recul (entrée insérée ou réordonnée).',
  },
  prev_hash_mismatch: {
    en: 'This entry does not follow the previous one (inserted, deleted or reordered).',
    fr: 'Cette entrée ne suit pas la précédente (insertion, suppression ou réordonnancement).',
  },
  hash_mismatch: {
    en: 'The content of this entry was changed after it was written (edited).',
    fr: 'Le contenu de cette entrée a été modifié après écriture (altération).',
  },
  head_mismatch: {
    en: 'The log does not end where it should (entries removed at the end, or added outside Vigie).',
    fr: 'Le journal ne se termine pas où il le devrait (entrées supprimées en fin, ou ajoutées hors de Vigie).',
  },
};

/** Why this record does not continue the chain, if it does not. */
function breakOf(record: AuditRecord, expectedSeq: number, expectedPrev: string): ChainBreak | null {
  if (record.seq < expectedSeq) return 'seq_not_increasing';
  if (record.seq > expectedSeq) return 'seq_gap';
  if (record.prevHash !== expectedPrev) return 'prev_hash_mismatch';
  if (hashAuditEntry(record) !== record.hash) return 'hash_mismatch';
  return null;
}

/**
 * Verifies a chain fed in storage order (ascending seq), one record at a time, so that
 * a log of any length is checked in constant memory.
 */
export function createChainVerifier() {
  let expectedSeq = 1;
  let expectedPrev = GENESIS_HASH;
  let checked = 0;
  let firstBad: ChainVerdict['firstBad'] = null;

  const fail = (seq: number, reason: ChainBreak) => {
    firstBad ??= { seq, reason, message: BREAK_MESSAGES[reason] };
  };

  return {
    push(record: AuditRecord): void {
      if (firstBad) return;
      checked += 1;
      const reason = breakOf(record, expectedSeq, expectedPrev);
      if (reason) {
        fail(record.seq, reason);
        return;
      }
      expectedSeq = record.seq + 1;
      expectedPrev = record.hash;
    },
    finish(head: ChainHead | null): ChainVerdict {
      if (!firstBad && head) {
        const lastSeq = expectedSeq - 1;
        if (head.seq !== lastSeq || head.hash !== expectedPrev) fail(Math.min(head.seq, lastSeq) + 1, 'head_mismatch');
      }
      return { ok: firstBad === null, checked, firstBad };
    },
  };
}

export function verifyChain(records: Iterable<AuditRecord>, head: ChainHead | null = null): ChainVerdict {
  const verifier = createChainVerifier();
  for (const record of records) verifier.push(record);
  return verifier.finish(head);
}
