/**
 * Hashed text features of the injection model: folded words, word pairs and character
 * 4-grams (which survive inflection, French elision and small misspellings), plus a length
 * bucket. Each feature is hashed (FNV-1a) into a fixed number of buckets, so the model is a
 * flat weight table; the first place each bucket was seen is kept to explain the score.
 */
import { type Normalized, SENTENCE_BREAK } from './normalize.js';

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
  /** The tokens the features were taken from; char-gram origins index into `foldedText(words)`. */
  readonly tokens: Normalized;
}

/** The folded words joined with spaces, with a space at each end: the text the character 4-grams run over. */
export function foldedText(words: readonly string[]): string {
  return ` ${words.filter((w) => w !== SENTENCE_BREAK).join(' ')} `;
}

/**
 * Deduplication without a Set per call: one bit per bucket (32 KB, stays in cache, unlike a
 * stamp per bucket), the bits set by a text cleared again from its own bucket list.
 */
const seenBits = new Uint32Array(BUCKETS >>> 5);

/**
 * Work arrays reused from text to text (grown when a text needs more). The features handed out
 * are views of them, valid until the next call (scoring reads them at once; training copies
 * them): a scan allocates no array of its own, which keeps garbage collection out of its way.
 */
let scratchBuckets = new Int32Array(4096);
let scratchKinds = new Uint8Array(4096);
let scratchAt = new Int32Array(4096);

/** FNV-1a state over `s` continued from `h` (not finalised). */
function fnvRun(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}
function finalise(h: number): number {
  return (h ^ (h >>> 15)) >>> 0;
}

export function hashedFeatures(tokens: Normalized): TextFeatures {
  const words = tokens.words;
  let wordCount = 0;
  let foldedLength = 1;
  for (const w of words)
    if (w !== SENTENCE_BREAK) {
      wordCount++;
      foldedLength += w.length + 1;
    }
  const capacity = words.length * 2 + foldedLength + 1;
  if (scratchBuckets.length < capacity) {
    const size = Math.max(capacity, scratchBuckets.length * 2);
    scratchBuckets = new Int32Array(size);
    scratchKinds = new Uint8Array(size);
    scratchAt = new Int32Array(size);
  }
  const buckets = scratchBuckets;
  const kinds = scratchKinds;
  const at = scratchAt;
  let n = 0;
  const add = (bucket: number, kind: number, position: number) => {
    const bit = 1 << (bucket & 31);
    const word = bucket >>> 5;
    const bits = seenBits[word] ?? 0;
    if ((bits & bit) !== 0) return;
    seenBits[word] = bits | bit;
    buckets[n] = bucket;
    kinds[n] = kind;
    at[n] = position;
    n++;
  };
  // Same hashes as FNV over the strings `word` and `fnv(word) + " " + next`, without building them.
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? SENTENCE_BREAK;
    if (w === SENTENCE_BREAK) continue;
    add(finalise(fnvRun(SEED_WORD, w)) & MASK, WORD, i);
    const next = words[i + 1];
    if (next !== undefined && next !== SENTENCE_BREAK) {
      const first = finalise(fnvRun(SEED_PAIR, w));
      add(finalise(fnvRun(Math.imul(first ^ 32, 0x01000193), next)) & MASK, PAIR, i);
    }
  }
  // Character 4-grams of `foldedText(tokens)`, read straight from the tokens (the joined text is
  // never built): FNV over 4 code units, each unit read once (a sliding window); `position` is
  // where the 4-gram starts in the joined text.
  let c1 = 0;
  let c2 = 0;
  let c3 = 0;
  let seen = 0;
  const feed = (c: number) => {
    if (seen >= 3) {
      const h = Math.imul(
        Math.imul(Math.imul(Math.imul(SEED_CHAR ^ c1, 0x01000193) ^ c2, 0x01000193) ^ c3, 0x01000193) ^ c,
        0x01000193,
      );
      add(finalise(h) & MASK, CHAR, seen - 3);
    }
    c1 = c2;
    c2 = c3;
    c3 = c;
    seen++;
  };
  feed(32);
  let first = true;
  for (const w of words) {
    if (w === SENTENCE_BREAK) continue;
    if (!first) feed(32);
    first = false;
    for (let i = 0; i < w.length; i++) feed(w.charCodeAt(i));
  }
  feed(32);
  add(fnv(SEED_META, `len:${Math.floor(Math.log2(wordCount + 1))}`) & MASK, META, wordCount);
  for (let i = 0; i < n; i++) {
    const b = buckets[i] ?? 0;
    seenBits[b >>> 5] = 0;
  }
  return {
    buckets: buckets.subarray(0, n),
    originKinds: kinds.subarray(0, n),
    originAt: at.subarray(0, n),
    tokens,
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
  const { words, starts, ends } = features.tokens;
  const at = origin.at;
  switch (origin.kind) {
    case 'word': {
      const word = words[at];
      return word !== undefined ? { text: word, span: { start: starts[at] ?? 0, end: ends[at] ?? 0 } } : { text: '' };
    }
    case 'pair': {
      const a = words[at];
      const b = words[at + 1];
      return a !== undefined && b !== undefined
        ? { text: `${a} ${b}`, span: { start: starts[at] ?? 0, end: ends[at + 1] ?? 0 } }
        : { text: '' };
    }
    case 'char':
      return { text: foldedText(words).slice(at, at + 4) };
    case 'meta':
      return { text: `length≈${at} words` };
  }
}
