/**
 * The words the statistical model reads. Only what a reader sees (subject, visible text, the
 * display name, link hosts' registrable-domain suffixes) — never headers, line endings or dates,
 * which differ by how a corpus was collected rather than by what a message is. Digits become
 * their shape (`#4` for a 4-digit number) so that no year or order number can be learnt.
 */

import { hashOf, hashStep, PairSet, PairTable, WordIds, WordTable } from './word-ids.js';

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
/** Per word number of the text being read, its index in the vocabulary given to forEachWord. */
let VOCABULARY_INDEXES = new Int32Array(1024);

/**
 * Calls `visit` with the number of each word of `raw` in order (`WORDS.word(id)`, folded as
 * the model reads it), whether it is the word's first occurrence, and whether a word came
 * before it in the same sentence (a bigram ends at the word). Words too short or too long are
 * skipped without breaking the sentence; `. ! ?` and line breaks end it. With a `vocabulary`,
 * `visit` is also given the word's index in it (-1: not in it), found once per distinct word.
 */
function forEachWord(
  raw: string,
  visit: (id: number, isNew: boolean, linked: boolean, known: number) => void,
  vocabulary?: WordTable,
): void {
  const text = foldText(raw);
  WORDS.reset(text);
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
        const size = WORDS.size;
        const id = WORDS.idOf(start, i, wordHash, fixed);
        const isNew = id === size;
        let known = -1;
        if (vocabulary) {
          if (isNew) {
            if (id >= VOCABULARY_INDEXES.length) {
              const grown = new Int32Array(VOCABULARY_INDEXES.length * 2);
              grown.set(VOCABULARY_INDEXES);
              VOCABULARY_INDEXES = grown;
            }
            known = vocabulary.find(text, start, i, wordHash, fixed);
            VOCABULARY_INDEXES[id] = known;
          } else known = VOCABULARY_INDEXES[id] as number;
        }
        visit(id, isNew, linked, known);
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
    const word = WORDS.word(id);
    if (isNew) forms.push({ feature: prefix + word, bigramStart: `b:${word}_` });
    const form = forms[id] as WordForms;
    features.add(form.feature);
    if (bigrams && linked && previous) features.add(previous.bigramStart + word);
    previous = form;
  });
}

/**
 * A model's weights arranged by word, so that a message is scored without building its feature
 * names: every word the model weighs is numbered once, and a bigram is a pair of numbers.
 */
export interface FeatureIndex {
  readonly vocabulary: WordTable;
  /** Weight by vocabulary index, NaN where the model has none. */
  readonly subject: Float64Array;
  readonly name: Float64Array;
  readonly body: Float64Array;
  /** Whether the word begins a bigram the model weighs, by vocabulary index. */
  readonly beginsBigram: Uint8Array;
  /** Bigram weight by the vocabulary indexes of its two words. */
  readonly bigrams: PairTable;
}

export function featureIndex(weights: Readonly<Record<string, number>>): FeatureIndex {
  const words = new Map<string, number>();
  const numberOf = (word: string): number => {
    let index = words.get(word);
    if (index === undefined) {
      index = words.size;
      words.set(word, index);
    }
    return index;
  };
  const simple: [Map<number, number>, Map<number, number>, Map<number, number>] = [new Map(), new Map(), new Map()];
  const pairs: [number, number, number][] = [];
  for (const [feature, weight] of Object.entries(weights)) {
    const rest = feature.slice(2);
    const kind = ['s:', 'n:', 'w:'].indexOf(feature.slice(0, 2));
    if (kind >= 0) simple[kind]?.set(numberOf(rest), weight);
    else if (feature.startsWith('b:')) {
      // Words hold no `_` (letters, digits, `#`): the first one splits the pair.
      const split = rest.indexOf('_');
      if (split >= 0) pairs.push([numberOf(rest.slice(0, split)), numberOf(rest.slice(split + 1)), weight]);
    }
  }
  const size = words.size;
  const byIndex = (weightOf: ReadonlyMap<number, number>) => {
    const array = new Float64Array(size).fill(Number.NaN);
    for (const [index, weight] of weightOf) array[index] = weight;
    return array;
  };
  const beginsBigram = new Uint8Array(size);
  for (const [first] of pairs) beginsBigram[first] = 1;
  const bigrams = new PairTable(pairs);
  const [subject, name, body] = simple.map(byIndex) as [Float64Array, Float64Array, Float64Array];
  return { vocabulary: new WordTable([...words.keys()]), subject, name, body, beginsBigram, bigrams };
}

/** The body's bigrams: reused, as WORDS. */
const PAIRS = new PairSet();

/**
 * The features of a message that the model weighs, in the order the feature set lists them: their
 * weights, and their names built only when asked (a verdict names a dozen of hundreds).
 */
export interface KnownFeatures {
  /** Distinct features of the message, known to the model or not. */
  readonly count: number;
  readonly weights: readonly number[];
  nameOf(index: number): string;
}

/** Prefixes of the features by kind, as `KNOWN_REFERENCES` numbers them. */
const FEATURE_PREFIXES = ['s:', 'n:', 'w:', 'b:'] as const;
const BIGRAM = 3;

/**
 * What `messageFeatures` followed by a lookup of each feature in the model gives — how many
 * distinct features the message has, and those the model knows with their weights, in the
 * order the feature set lists them — without building a name for the features the model does
 * not know (most of them: every bigram of a long text).
 */
export function weightedFeatures(input: FeatureInput, index: FeatureIndex): KnownFeatures {
  const weights: number[] = [];
  // Per known feature, three numbers: its kind (FEATURE_PREFIXES) and its word's vocabulary
  // index, or its two words' for a bigram.
  const references: number[] = [];
  const words = index.vocabulary.words;
  let count = 0;
  const addSimple = (raw: string, kind: number, weightsByWord: Float64Array) => {
    forEachWord(
      raw,
      (_id, isNew, _linked, word) => {
        if (!isNew) return;
        count++;
        const weight = word >= 0 ? (weightsByWord[word] as number) : Number.NaN;
        if (!Number.isNaN(weight)) {
          weights.push(weight);
          references.push(kind, word, -1);
        }
      },
      index.vocabulary,
    );
  };
  addSimple(input.subject, 0, index.subject);
  addSimple(input.displayName, 1, index.name);
  // A bigram of the text is the pair of its words' numbers (fewer than 65,536 words:
  // MAX_FEATURE_CHARS characters hold at most ~20,000 distinct ones, the few characters NFKD
  // expands included); one the model weighs is the pair of their vocabulary indexes.
  PAIRS.reset();
  let previous = -1;
  let previousWord = -1;
  forEachWord(
    input.text.slice(0, MAX_FEATURE_CHARS),
    (id, isNew, linked, word) => {
      if (isNew) {
        count++;
        const weight = word >= 0 ? (index.body[word] as number) : Number.NaN;
        if (!Number.isNaN(weight)) {
          weights.push(weight);
          references.push(2, word, -1);
        }
      }
      if (linked && PAIRS.add(previous * 65_536 + id)) {
        count++;
        if (previousWord >= 0 && word >= 0 && index.beginsBigram[previousWord] === 1) {
          const weight = index.bigrams.get(previousWord, word);
          if (weight !== undefined) {
            weights.push(weight);
            references.push(BIGRAM, previousWord, word);
          }
        }
      }
      previous = id;
      previousWord = word;
    },
    index.vocabulary,
  );
  return {
    count,
    weights,
    nameOf: (known) => {
      const kind = references[known * 3] as number;
      const first = words[references[known * 3 + 1] as number] as string;
      const prefix = FEATURE_PREFIXES[kind as 0 | 1 | 2 | 3];
      return kind === BIGRAM ? `${prefix}${first}_${words[references[known * 3 + 2] as number]}` : prefix + first;
    },
  };
}
