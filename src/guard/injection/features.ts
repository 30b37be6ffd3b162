/**
 * Hashed text features of the injection model: folded words, word pairs and character
 * 4-grams (which survive inflection, French elision and small misspellings), plus a length
 * bucket. Each feature is hashed (FNV-1a) into a fixed number of buckets, so the model is a
 * flat weight table; the first place each bucket was seen is kept to explain the score.
 */
import { SENTENCE_BREAK, type Token } from './normalize.js';

export const HASH_BITS = 18;
export const BUCKETS = 1 << HASH_BITS;
const MASK = BUCKETS - 1;

const SEED_WORD = 0x811c9dc5;
const SEED_PAIR = 0x01000193;
const SEED_CHAR = 0x2545f491;
const SEED_META = 0x9e3779b9;

function fnv(seed: number, s: string, from = 0, to = s.length): number {
  let h = seed >>> 0;
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h ^ (h >>> 15)) >>> 0;
}

/** Where a bucket came from: a word (n=1), a pair (n=2) starting at token `at`, or 4 characters. */
export interface FeatureOrigin {
  readonly kind: 'word' | 'pair' | 'char' | 'meta';
  readonly at: number;
}

const KINDS = ['word', 'pair', 'char', 'meta'] as const;
const WORD = 0;
const PAIR = 1;
const CHAR = 2;
const META = 3;

export interface TextFeatures {
  /** Distinct buckets present, in order of first appearance. */
  readonly buckets: Int32Array;
  /** Origin of each bucket (same order as `buckets`): kind index and position, packed. */
  readonly originKinds: Uint8Array;
  readonly originAt: Int32Array;
  /** Folded words joined with spaces; char-gram origins index into it. */
  readonly folded: string;
  readonly words: readonly Token[];
}

// Deduplication without a Set per call: a stamp per bucket, bumped once per text.
const stamps = new Uint32Array(BUCKETS);
let generation = 0;

export function hashedFeatures(tokens: readonly Token[]): TextFeatures {
  generation = (generation + 1) >>> 0;
  if (generation === 0) {
    stamps.fill(0);
    generation = 1;
  }
  const stamp = generation;
  let wordCount = 0;
  for (const t of tokens) if (t.word !== SENTENCE_BREAK) wordCount++;
  const folded = ` ${tokens
    .filter((t) => t.word !== SENTENCE_BREAK)
    .map((t) => t.word)
    .join(' ')} `;
  const capacity = tokens.length * 2 + folded.length + 1;
  const buckets = new Int32Array(capacity);
  const kinds = new Uint8Array(capacity);
  const at = new Int32Array(capacity);
  let n = 0;
  const add = (bucket: number, kind: number, position: number) => {
    if (stamps[bucket] === stamp) return;
    stamps[bucket] = stamp;
    buckets[n] = bucket;
    kinds[n] = kind;
    at[n] = position;
    n++;
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.word === SENTENCE_BREAK) continue;
    const h = fnv(SEED_WORD, t.word);
    add(h & MASK, WORD, i);
    const next = tokens[i + 1];
    if (next && next.word !== SENTENCE_BREAK) add(fnv(fnv(SEED_PAIR, t.word), ` ${next.word}`) & MASK, PAIR, i);
  }
  for (let i = 0; i + 4 <= folded.length; i++) add(fnv(SEED_CHAR, folded, i, i + 4) & MASK, CHAR, i);
  add(fnv(SEED_META, `len:${Math.floor(Math.log2(wordCount + 1))}`) & MASK, META, wordCount);
  return {
    buckets: buckets.slice(0, n),
    originKinds: kinds.slice(0, n),
    originAt: at.slice(0, n),
    folded,
    words: tokens,
  };
}

/** The origin of the i-th bucket of a text. */
export function originOf(features: TextFeatures, index: number): FeatureOrigin | undefined {
  const kind = KINDS[features.originKinds[index] ?? -1];
  return kind === undefined ? undefined : { kind, at: features.originAt[index] ?? 0 };
}

/** Presence features are scaled by 1/√n so that long texts do not win on volume alone. */
export function featureScale(count: number): number {
  return 1 / Math.sqrt(Math.max(1, count));
}

/** The human-readable form of a feature, and its span in the original text when known. */
export function describeOrigin(
  features: TextFeatures,
  origin: FeatureOrigin,
): { text: string; span?: { start: number; end: number } } {
  const tokens = features.words;
  switch (origin.kind) {
    case 'word': {
      const t = tokens[origin.at];
      return t ? { text: t.word, span: { start: t.start, end: t.end } } : { text: '' };
    }
    case 'pair': {
      const a = tokens[origin.at];
      const b = tokens[origin.at + 1];
      return a && b ? { text: `${a.word} ${b.word}`, span: { start: a.start, end: b.end } } : { text: '' };
    }
    case 'char':
      return { text: features.folded.slice(origin.at, origin.at + 4) };
    case 'meta':
      return { text: `length≈${origin.at} words` };
  }
}
