/**
 * The words the statistical model reads. Only what a reader sees (subject, visible text, the
 * display name, link hosts' registrable-domain suffixes) — never headers, line endings or dates,
 * which differ by how a corpus was collected rather than by what a message is. Digits become
 * their shape (`#4` for a 4-digit number) so that no year or order number can be learnt.
 */

import { hashOf, hashStep, PairSet, WordIds } from './word-ids.js';

/** Longest text read for features; phishing says what it wants early. */
const MAX_FEATURE_CHARS = 40_000;
const MIN_WORD = 2;
const MAX_WORD = 24;
const ASCII_ONLY = /^\p{ASCII}*$/u;

/** Lower-case, accents removed: « Vérifiez » and « verifiez » are one word. */
export function foldText(text: string): string {
  // ASCII has nothing to decompose: lower-casing is all the folding it needs.
  if (ASCII_ONLY.test(text)) return text.toLowerCase();
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

export interface FeatureInput {
  readonly subject: string;
  readonly text: string;
  readonly displayName: string;
}

/**
 * The distinct features of a message: `w:word` for words of the body, `s:word` for words of
 * the subject, `n:word` for the display name, `b:w1_w2` for body bigrams. Presence, not
 * counts: a long mailing-list thread should not outweigh a short lure.
 */
export function messageFeatures(input: FeatureInput): Set<string> {
  const features = new Set<string>();
  addWords(features, input.subject, 's:', false);
  addWords(features, input.displayName, 'n:', false);
  addWords(features, input.text.slice(0, MAX_FEATURE_CHARS), 'w:', true);
  return features;
}

/** `#1` … `#9`: a number is its count of digits (9 and more alike). */
const NUMBER_WORDS = Array.from({ length: 10 }, (_, n) => `#${n}`);
const NUMBER_HASHES = NUMBER_WORDS.map(hashOf);
const MIXED_WORD = '#mixed';
const MIXED_HASH = hashOf(MIXED_WORD);

/** The words of the text being read; every call starts it afresh (callers are synchronous). */
const WORDS = new WordIds();

/**
 * Calls `visit` with the number of each word of `raw` in order (`WORDS.words[id]`, folded as
 * the model reads it), whether it is the word's first occurrence, and whether a word came
 * before it in the same sentence (a bigram ends at the word). Words too short or too long are
 * skipped without breaking the sentence; `. ! ?` and line breaks end it.
 */
function forEachWord(raw: string, visit: (id: number, isNew: boolean, linked: boolean) => void): void {
  const text = foldText(raw);
  WORDS.reset();
  let linked = false;
  let start = -1;
  let digits = 0;
  let hash = 0;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 32;
    const isLetter = code >= 97 && code <= 122;
    const isDigit = code >= 48 && code <= 57;
    if (isLetter || isDigit) {
      if (start < 0) {
        start = i;
        digits = 0;
        hash = 0;
      }
      if (isDigit) digits++;
      hash = hashStep(hash, code);
      continue;
    }
    if (start >= 0) {
      const length = i - start;
      let fixed: string | undefined;
      let wordHash = hash;
      let counted = true;
      if (digits === length) {
        fixed = NUMBER_WORDS[Math.min(length, 9)];
        wordHash = NUMBER_HASHES[Math.min(length, 9)] as number;
      } else if (digits === 0) counted = length >= MIN_WORD && length <= MAX_WORD;
      else if (length <= MAX_WORD) {
        fixed = MIXED_WORD;
        wordHash = MIXED_HASH;
      } else counted = false;
      if (counted) {
        const known = WORDS.words.length;
        const id = WORDS.idOf(text, start, i, wordHash, fixed);
        visit(id, id === known, linked);
        linked = true;
      }
      start = -1;
    }
    // Sentence punctuation breaks bigrams; spaces and hyphens do not.
    if (code === 46 || code === 33 || code === 63 || code === 10) linked = false;
  }
}

/** A word's feature and the start of the bigrams it begins, built once per distinct word. */
interface WordForms {
  readonly feature: string;
  readonly bigramStart: string;
}

function addWords(features: Set<string>, raw: string, prefix: string, bigrams: boolean): void {
  // Long texts repeat their words: each distinct word's strings are built once.
  const forms: WordForms[] = [];
  let previous: WordForms | undefined;
  forEachWord(raw, (id, isNew, linked) => {
    const word = WORDS.words[id] as string;
    if (isNew) forms.push({ feature: prefix + word, bigramStart: `b:${word}_` });
    const form = forms[id] as WordForms;
    features.add(form.feature);
    if (bigrams && linked && previous) features.add(previous.bigramStart + word);
    previous = form;
  });
}

/** A model's weights arranged by word, so that a message is scored without building its feature names. */
export interface FeatureIndex {
  readonly subject: ReadonlyMap<string, number>;
  readonly name: ReadonlyMap<string, number>;
  readonly body: ReadonlyMap<string, number>;
  /** First word → second word → weight of the bigram. */
  readonly bigrams: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

export function featureIndex(weights: Readonly<Record<string, number>>): FeatureIndex {
  const subject = new Map<string, number>();
  const name = new Map<string, number>();
  const body = new Map<string, number>();
  const bigrams = new Map<string, Map<string, number>>();
  for (const [feature, weight] of Object.entries(weights)) {
    const rest = feature.slice(2);
    if (feature.startsWith('s:')) subject.set(rest, weight);
    else if (feature.startsWith('n:')) name.set(rest, weight);
    else if (feature.startsWith('w:')) body.set(rest, weight);
    else if (feature.startsWith('b:')) {
      // Words hold no `_` (letters, digits, `#`): the first one splits the pair.
      const split = rest.indexOf('_');
      if (split < 0) continue;
      const first = rest.slice(0, split);
      const next = bigrams.get(first) ?? new Map<string, number>();
      next.set(rest.slice(split + 1), weight);
      bigrams.set(first, next);
    }
  }
  return { subject, name, body, bigrams };
}

/** The body's bigrams, and per word number the weights of the bigrams it begins: reused, as WORDS. */
const PAIRS = new PairSet();
const FOLLOWS: (ReadonlyMap<string, number> | undefined)[] = [];

/** A feature of the message that the model weighs. */
export interface WeightedFeature {
  readonly feature: string;
  readonly weight: number;
}

/**
 * What `messageFeatures` followed by a lookup of each feature in the model gives — how many
 * distinct features the message has, and those the model knows with their weights, in the
 * order the feature set lists them — without building a name for the features the model does
 * not know (most of them: every bigram of a long text).
 */
export function weightedFeatures(
  input: FeatureInput,
  index: FeatureIndex,
): { count: number; known: WeightedFeature[] } {
  const known: WeightedFeature[] = [];
  let count = 0;
  const addSimple = (raw: string, prefix: string, weights: ReadonlyMap<string, number>) => {
    forEachWord(raw, (id, isNew) => {
      if (!isNew) return;
      count++;
      const word = WORDS.words[id] as string;
      const weight = weights.get(word);
      if (weight !== undefined) known.push({ feature: prefix + word, weight });
    });
  };
  addSimple(input.subject, 's:', index.subject);
  addSimple(input.displayName, 'n:', index.name);
  // A bigram is the pair of its words' numbers (fewer than 65,536 words: MAX_FEATURE_CHARS
  // characters hold at most ~20,000 distinct ones, the few characters NFKD expands included).
  PAIRS.reset();
  const follows = FOLLOWS;
  follows.length = 0;
  let previous = -1;
  forEachWord(input.text.slice(0, MAX_FEATURE_CHARS), (id, isNew, linked) => {
    const word = WORDS.words[id] as string;
    if (isNew) {
      follows.push(index.bigrams.get(word));
      count++;
      const weight = index.body.get(word);
      if (weight !== undefined) known.push({ feature: `w:${word}`, weight });
    }
    if (linked && PAIRS.add(previous * 65_536 + id)) {
      count++;
      const weight = follows[previous]?.get(word);
      if (weight !== undefined) known.push({ feature: `b:${WORDS.words[previous]}_${word}`, weight });
    }
    previous = id;
  });
  return { count, known };
}
