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
  | 'head_mismatch' // the log ends before (or after) the remembered head: truncated or appended outside Vigie
  | 'anchor_mismatch' // this entry differs from the hash pinned outside the database: history was rewritten
  | 'anchor_missing'; // an entry pinned outside the database is gone

export interface ChainVerdict {
  readonly ok: boolean;
  readonly checked: number;
  /** The last entry as the database remembers it; pin it elsewhere to detect a rewrite of history. */
  readonly head: ChainHead | null;
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
  anchor_mismatch: {
    en: 'This entry differs from the hash pinned outside the database: the history was rewritten.',
    fr: "Cette entrée diffère de l'empreinte conservée hors de la base : l'historique a été réécrit.",
  },
  anchor_missing: {
    en: 'An entry pinned outside the database no longer exists.',
    fr: "Une entrée dont l'empreinte est conservée hors de la base n'existe plus.",
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
 *
 * The chain alone cannot resist someone who rewrites the whole table and its head with
 * recomputed hashes. Anchors close that gap: (seq, hash) pairs kept outside the database
 * (printed by `vigie audit verify`, stored by a scheduler or another system) that the
 * entries must still match.
 */
export function createChainVerifier(anchors: readonly ChainHead[] = []) {
  const pinned = new Map(anchors.map((a) => [a.seq, a.hash]));
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
      const pinnedHash = pinned.get(record.seq);
      const reason =
        breakOf(record, expectedSeq, expectedPrev) ??
        (pinnedHash !== undefined && pinnedHash !== record.hash ? 'anchor_mismatch' : null);
      if (reason) {
        fail(record.seq, reason);
        return;
      }
      expectedSeq = record.seq + 1;
      expectedPrev = record.hash;
    },
    finish(head: ChainHead | null): ChainVerdict {
      const lastSeq = expectedSeq - 1;
      if (!firstBad && head) {
        if (head.seq !== lastSeq || head.hash !== expectedPrev) fail(Math.min(head.seq, lastSeq) + 1, 'head_mismatch');
      }
      const missing = [...pinned.keys()].filter((seq) => seq > lastSeq).sort((a, b) => a - b)[0];
      if (!firstBad && missing !== undefined) fail(missing, 'anchor_missing');
      return { ok: firstBad === null, checked, head, firstBad };
    },
  };
}

export function verifyChain(
  records: Iterable<AuditRecord>,
  head: ChainHead | null = null,
  anchors: readonly ChainHead[] = [],
): ChainVerdict {
  const verifier = createChainVerifier(anchors);
  for (const record of records) verifier.push(record);
  return verifier.finish(head);
}
