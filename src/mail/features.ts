/**
 * The words the statistical model reads. Only what a reader sees (subject, visible text, the
 * display name, link hosts' registrable-domain suffixes) — never headers, line endings or dates,
 * which differ by how a corpus was collected rather than by what a message is. Digits become
 * their shape (`#4` for a 4-digit number) so that no year or order number can be learnt.
 */

import { grownTo, hashOf, hashStep, PairSet, PairTable, WordIds, WordTable } from './word-ids.js';

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
/** Per word number of the text being read, its index in the vocabulary given to readWords. */
let VOCABULARY_INDEXES = new Int32Array(1024);

/**
 * The words of a text in order, as `readWords` leaves them: parallel arrays kept from text to
 * text (read them before the next call). Each word is its number (`WORDS.word(id)`, folded as the
 * model reads it), its index in the vocabulary given (-1: not in it), whether it is the word's
 * first occurrence, and whether a word came before it in the same sentence (a bigram ends at it).
 */
class WordSequence {
  length = 0;
  ids = new Int32Array(1024);
  known = new Int32Array(1024);
  /** FIRST and LINKED bits. */
  flags = new Uint8Array(1024);

  push(id: number, known: number, first: boolean, linked: boolean): void {
    if (this.length === this.ids.length) {
      const capacity = this.length * 2;
      this.ids = grownTo(this.ids, new Int32Array(capacity));
      this.known = grownTo(this.known, new Int32Array(capacity));
      this.flags = grownTo(this.flags, new Uint8Array(capacity));
    }
    this.ids[this.length] = id;
    this.known[this.length] = known;
    this.flags[this.length] = (first ? FIRST : 0) | (linked ? LINKED : 0);
    this.length++;
  }
}

const FIRST = 1;
const LINKED = 2;

const SEQUENCE = new WordSequence();

/**
 * Reads the words of `raw` into SEQUENCE (see there). Words too short or too long are skipped
 * without breaking the sentence; `. ! ?` and line breaks end it. With a `vocabulary`, each
 * word's index in it is found once per distinct word (-1 without one).
 */
function readWords(raw: string, vocabulary?: WordTable): WordSequence {
  const text = foldText(raw);
  WORDS.reset(text);
  SEQUENCE.length = 0;
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
              VOCABULARY_INDEXES = grownTo(VOCABULARY_INDEXES, new Int32Array(VOCABULARY_INDEXES.length * 2));
            }
            known = vocabulary.find(text, start, i, wordHash, fixed);
            VOCABULARY_INDEXES[id] = known;
          } else known = VOCABULARY_INDEXES[id] as number;
        }
        SEQUENCE.push(id, known, isNew, linked);
        linked = true;
      }
      start = -1;
    }
    // Sentence punctuation breaks bigrams; spaces and hyphens do not.
    if (code === 46 || code === 33 || code === 63 || code === 10) linked = false;
  }
  return SEQUENCE;
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
  const words = readWords(raw);
  for (let k = 0; k < words.length; k++) {
    const id = words.ids[k] as number;
    const flags = words.flags[k] as number;
    const word = WORDS.word(id);
    if (flags & FIRST) forms.push({ feature: prefix + word, bigramStart: `b:${word}_` });
    const form = forms[id] as WordForms;
    features.add(form.feature);
    if (bigrams && flags & LINKED && previous) features.add(previous.bigramStart + word);
    previous = form;
  }
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
  /** The known features' weights are `weights[0, length)`. */
  readonly length: number;
  readonly weights: ArrayLike<number>;
  nameOf(index: number): string;
}

/** Prefixes of the features by kind, as `KnownList` numbers them. */
const FEATURE_PREFIXES = ['s:', 'n:', 'w:', 'b:'] as const;
const SUBJECT = 0;
const NAME = 1;
const BODY = 2;
const BIGRAM = 3;

/**
 * The known features of the message being scored, kept from message to message (scoring is
 * synchronous and reads them at once): per feature its weight, its kind (FEATURE_PREFIXES) and
 * its word's vocabulary index, or its two words' for a bigram.
 */
class KnownList implements KnownFeatures {
  count = 0;
  length = 0;
  weights = new Float64Array(256);
  #references = new Int32Array(768);
  #words: readonly string[] = [];

  reset(words: readonly string[]): void {
    this.count = 0;
    this.length = 0;
    this.#words = words;
  }

  push(weight: number, kind: number, first: number, second: number): void {
    if (this.length === this.weights.length) {
      this.weights = grownTo(this.weights, new Float64Array(this.length * 2));
      this.#references = grownTo(this.#references, new Int32Array(this.length * 6));
    }
    this.weights[this.length] = weight;
    this.#references[this.length * 3] = kind;
    this.#references[this.length * 3 + 1] = first;
    this.#references[this.length * 3 + 2] = second;
    this.length++;
  }

  nameOf(known: number): string {
    const kind = this.#references[known * 3] as number;
    const first = this.#words[this.#references[known * 3 + 1] as number] as string;
    const prefix = FEATURE_PREFIXES[kind as typeof SUBJECT | typeof NAME | typeof BODY | typeof BIGRAM];
    if (kind !== BIGRAM) return prefix + first;
    return `${prefix}${first}_${this.#words[this.#references[known * 3 + 2] as number]}`;
  }
}

const KNOWN = new KnownList();

/**
 * What `messageFeatures` followed by a lookup of each feature in the model gives — how many
 * distinct features the message has, and those the model knows with their weights, in the
 * order the feature set lists them — without building a name for the features the model does
 * not know (most of them: every bigram of a long text). Read the answer before the next call:
 * its arrays are reused.
 */
export function weightedFeatures(input: FeatureInput, index: FeatureIndex): KnownFeatures {
  const known = KNOWN;
  known.reset(index.vocabulary.words);
  const addSimple = (raw: string, kind: number, weightsByWord: Float64Array) => {
    const words = readWords(raw, index.vocabulary);
    for (let k = 0; k < words.length; k++) {
      if (!((words.flags[k] as number) & FIRST)) continue;
      known.count++;
      const word = words.known[k] as number;
      const weight = word >= 0 ? (weightsByWord[word] as number) : Number.NaN;
      if (!Number.isNaN(weight)) known.push(weight, kind, word, -1);
    }
  };
  addSimple(input.subject, SUBJECT, index.subject);
  addSimple(input.displayName, NAME, index.name);
  // A bigram of the text is the pair of its words' numbers (fewer than 65,536 words:
  // MAX_FEATURE_CHARS characters hold at most ~20,000 distinct ones, the few characters NFKD
  // expands included); one the model weighs is the pair of their vocabulary indexes.
  PAIRS.reset();
  let previous = -1;
  let previousWord = -1;
  const words = readWords(input.text.slice(0, MAX_FEATURE_CHARS), index.vocabulary);
  for (let k = 0; k < words.length; k++) {
    const id = words.ids[k] as number;
    const flags = words.flags[k] as number;
    const word = words.known[k] as number;
    if (flags & FIRST) {
      known.count++;
      const weight = word >= 0 ? (index.body[word] as number) : Number.NaN;
      if (!Number.isNaN(weight)) known.push(weight, BODY, word, -1);
    }
    if (flags & LINKED && PAIRS.add(previous * 65_536 + id)) {
      known.count++;
      if (previousWord >= 0 && word >= 0 && index.beginsBigram[previousWord] === 1) {
        const weight = index.bigrams.get(previousWord, word);
        if (weight !== undefined) known.push(weight, BIGRAM, previousWord, word);
      }
    }
    previous = id;
    previousWord = word;
  }
  return known;
}
