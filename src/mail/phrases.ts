/**
 * Accent-folded tokens and a linear-time phrase matcher (Aho–Corasick over word tokens),
 * shared by the intent, attachment and QR signals. Pure and bounded: the caller bounds the
 * input, every step is O(length of input + number of matches).
 *
 * Patterns are written in a small expansion syntax, folded like the text:
 * `(verify|confirm) your [email] account` = alternatives in parentheses, optional part in
 * brackets or a group followed by `?`, `#` for any number. "Vérifiez", "VERIFIEZ" and "verifiez" are the same token.
 */

import { grownTo, hashStep, WordTable } from './word-ids.js';

/** A word token of the folded text and where it came from in the original string. */
export interface Token {
  readonly word: string;
  readonly start: number;
  readonly end: number;
}

/** Token standing for the end of a sentence; no pattern contains it. */
export const SENTENCE_BREAK = '|';
const SPECIAL_FOLDS: Record<string, string> = { œ: 'oe', Œ: 'oe', æ: 'ae', Æ: 'ae', ß: 'ss', ø: 'o', Ø: 'o' };
const foldCache = new Map<number, string>();

/** The lower-case, accent-free, letters-and-digits form of one UTF-16 unit ('' = separator). */
function foldChar(code: number): string {
  if (code < 128) {
    if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57)) return String.fromCharCode(code);
    if (code >= 65 && code <= 90) return String.fromCharCode(code + 32);
    return '';
  }
  const cached = foldCache.get(code);
  if (cached !== undefined) return cached;
  const ch = String.fromCharCode(code);
  let folded =
    SPECIAL_FOLDS[ch] ??
    ch
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase();
  // Keep only letters (any script) and digits: punctuation, symbols and spaces separate words.
  if (!/^[\p{L}\p{N}]+$/u.test(folded)) folded = '';
  if (foldCache.size < 8192) foldCache.set(code, folded);
  return folded;
}

/**
 * The word tokens of a text as parallel arrays: where each token is, and its number in the
 * phrase vocabulary (-1: a word no pattern has). The matcher needs no more, and most words of
 * a text are in no pattern: their folded form is built only when asked for (`word`).
 */
export class Tokens {
  /** Token `i` is `text[starts[i], ends[i])`, for `i < length`. */
  starts: Int32Array;
  ends: Int32Array;
  ids: Int32Array;
  length = 0;
  /** How many words the vocabulary had when `ids` were given (matchers may be built later). */
  vocabularySize = VOCABULARY.size;

  constructor(
    readonly text: string,
    capacity: number,
  ) {
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.ids = new Int32Array(capacity);
  }

  /** The folded word of token `i`: `#` for a number, `|` for the end of a sentence. */
  word(i: number): string {
    const start = this.starts[i] as number;
    const end = this.ends[i] as number;
    if (end - start === 1) {
      const code = this.text.charCodeAt(start);
      if (isSentenceEnd(code)) return SENTENCE_BREAK;
      if (isSymbol(code)) return this.text.charAt(start);
    }
    return foldedWord(this.text, start, end);
  }

  /** Each token as an object, for readers other than the matcher. */
  toArray(): Token[] {
    return Array.from({ length: this.length }, (_, i) => ({
      word: this.word(i),
      start: this.starts[i] as number,
      end: this.ends[i] as number,
    }));
  }

  push(start: number, end: number, id: number): void {
    // Typed arrays grown by doubling: three pushes on plain arrays per token cost a third of
    // the scan.
    if (this.length === this.starts.length) {
      const capacity = Math.max(16, this.length * 2);
      this.starts = grownTo(this.starts, new Int32Array(capacity));
      this.ends = grownTo(this.ends, new Int32Array(capacity));
      this.ids = grownTo(this.ids, new Int32Array(capacity));
    }
    this.starts[this.length] = start;
    this.ends[this.length] = end;
    this.ids[this.length] = id;
    this.length++;
  }

  /** The ids, given again if a matcher has added words to the vocabulary since. */
  currentIds(): Int32Array {
    if (this.vocabularySize !== VOCABULARY.size) {
      for (let i = 0; i < this.length; i++) this.ids[i] = idOfWord(this.word(i));
      this.vocabularySize = VOCABULARY.size;
    }
    return this.ids;
  }
}

/**
 * Splits text into folded word tokens; `maxTokens` bounds the work. Numbers become `#`
 * (so `dans les 24 heures` matches `dans les # heures`); `% $ € £` are tokens of their own;
 * the end of a sentence (`. ! ? ;` before a space) is a `|` token that no phrase crosses.
 */
export function tokenize(text: string, maxTokens = 20_000): readonly Token[] {
  return wordTokens(text, maxTokens).toArray();
}

/** `tokenize` as parallel arrays, with the phrase vocabulary's number of each word. */
export function wordTokens(text: string, maxTokens = 20_000): Tokens {
  // Several signals read the same text (intent, the request to scan a QR code): the last
  // result is kept, so one message is tokenised once.
  if (lastTokens && lastTokens.tokens.text === text && lastTokens.maxTokens === maxTokens) return lastTokens.tokens;
  const tokens = scan(text, maxTokens);
  lastTokens = { maxTokens, tokens };
  return tokens;
}

let lastTokens: { maxTokens: number; tokens: Tokens } | undefined;

function isAsciiWordChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 65 && code <= 90);
}

function isSentenceEnd(code: number): boolean {
  return code === 46 || code === 33 || code === 63 || code === 59 || code === 0x3002;
}

function isSymbol(code: number): boolean {
  return code === 37 || code === 36 || code === 0x20ac || code === 0xa3;
}

/** What `/\s/` matches, by code unit (the test runs once per punctuation mark). */
function isSpace(code: number): boolean {
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** Folded characters of a word read; a longer word is cut (it matches no pattern anyway). */
const MAX_WORD_CHARS = 256;
/** Characters of a word kept in its token. */
const MAX_TOKEN_CHARS = 64;

/** The token's word from its folded characters: `#` for digits only, else cut to 64. */
function tokenWord(folded: string, digitsOnly: boolean): string {
  return digitsOnly ? '#' : folded.length > MAX_TOKEN_CHARS ? folded.slice(0, MAX_TOKEN_CHARS) : folded;
}

/**
 * The word of a token from `text[start, end)`, which holds only word characters: the first
 * MAX_WORD_CHARS folded characters (a ligature's two count as it is added), `#` if all digits.
 */
function foldedWord(text: string, start: number, end: number): string {
  let word = '';
  let digitsOnly = true;
  for (let i = start; i < end && word.length < MAX_WORD_CHARS; i++) {
    const code = text.charCodeAt(i);
    if (code < 128) {
      if (digitsOnly && (code < 48 || code > 57)) digitsOnly = false;
      word += String.fromCharCode(lowerAscii(code));
    } else {
      const folded = foldChar(code);
      if (digitsOnly && !/^[0-9]*$/.test(folded)) digitsOnly = false;
      word += folded;
    }
  }
  return tokenWord(word, digitsOnly);
}

function lowerAscii(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

function scan(text: string, maxTokens: number): Tokens {
  // About one token per eight characters of mail text; the arrays grow if there are more.
  const tokens = new Tokens(text, Math.min(maxTokens + 2, (text.length >> 3) + 16));
  const n = text.length;
  const table = vocabularyTable();
  // A word that is one ASCII run is not built: its folded form is its lower case, found in
  // the vocabulary by a hash taken while the run is read. A word with another letter
  // (accented, ligature, other script) is built as it is read, into `word`.
  let start = -1;
  let runEnd = -1;
  let runHash = 0;
  let built = false;
  let word = '';
  let digitsOnly = true;
  const flush = (end: number) => {
    if (start >= 0) {
      let id: number;
      if (built) id = idOfWord(tokenWord(word, digitsOnly));
      else if (digitsOnly) id = idOfWord('#');
      else id = table.findLowerAscii(text, start, Math.min(runEnd, start + MAX_TOKEN_CHARS), runHash);
      tokens.push(start, end, id);
    }
    start = -1;
    built = false;
    word = '';
    digitsOnly = true;
  };
  for (let i = 0; i < n && tokens.length < maxTokens; i++) {
    const code = text.charCodeAt(i);
    if (isAsciiWordChar(code)) {
      // The whole run of letters and digits at once (it pushes no token, so the token bound
      // is checked as often as before).
      let j = i;
      let letters = false;
      // The hash of the word's lower case (its first MAX_TOKEN_CHARS characters), for the table.
      let hash = 0;
      const hashEnd = i + MAX_TOKEN_CHARS;
      for (let c = code; ; c = text.charCodeAt(j)) {
        if (c >= 65) letters = true;
        if (j < hashEnd) hash = hashStep(hash, c | 0x20);
        if (++j >= n || !isAsciiWordChar(text.charCodeAt(j))) break;
      }
      if (start < 0) {
        start = i;
        runEnd = j;
        runHash = hash;
        digitsOnly = j - i <= MAX_WORD_CHARS ? !letters : isDigits(text, i, i + MAX_WORD_CHARS);
      } else if (word.length < MAX_WORD_CHARS) {
        // A run after another letter: the word is being built.
        const stop = Math.min(j, i + MAX_WORD_CHARS - word.length);
        if (digitsOnly && (stop === j ? letters : !isDigits(text, i, stop))) digitsOnly = false;
        word += text.slice(i, stop).toLowerCase();
      }
      i = j - 1;
      continue;
    }
    if (isSentenceEnd(code) && (i + 1 >= n || isSpace(text.charCodeAt(i + 1)))) {
      // End of a sentence: phrases do not run across it.
      flush(i);
      tokens.push(i, i + 1, idOfWord(SENTENCE_BREAK));
      continue;
    }
    if (isSymbol(code)) {
      flush(i);
      tokens.push(i, i + 1, idOfWord(text.charAt(i)));
      continue;
    }
    const folded = code < 128 ? '' : foldChar(code);
    if (folded === '') {
      flush(i);
      continue;
    }
    if (start < 0) {
      start = i;
      built = true;
    } else if (!built) {
      // The word so far was one ASCII run: from here on it is built.
      word = text.slice(start, Math.min(runEnd, start + MAX_WORD_CHARS)).toLowerCase();
      built = true;
    }
    if (word.length < MAX_WORD_CHARS) {
      if (digitsOnly && !/^[0-9]*$/.test(folded)) digitsOnly = false;
      word += folded;
    }
  }
  if (tokens.length < maxTokens) flush(n);
  return tokens;
}

function isDigits(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** The folded text as one string of words separated by single spaces. */
export function foldText(text: string, maxTokens?: number): string {
  return tokenize(text, maxTokens)
    .filter((t) => t.word !== SENTENCE_BREAK)
    .map((t) => t.word)
    .join(' ');
}

const MAX_EXPANSIONS = 5000;

/** Expands `(a|b) c [d]` into every token sequence it stands for. */
export function expandPattern(pattern: string): string[][] {
  const lexemes = pattern.match(/[()[\]|?]|[^\s()[\]|?]+/g) ?? [];
  let pos = 0;
  // sequence := item* ; item := word | '(' sequence ('|' sequence)* ')' | '[' sequence ']'
  const parseSequence = (): string[][] => {
    let results: string[][] = [[]];
    while (pos < lexemes.length) {
      const lexeme = lexemes[pos] as string;
      if (lexeme === ')' || lexeme === ']' || lexeme === '|') break;
      if (lexeme === '?') throw new Error(`Misplaced ? in phrase pattern: ${pattern}`);
      pos++;
      let options: string[][];
      if (lexeme === '(') {
        options = [];
        for (;;) {
          options.push(...parseSequence());
          const closing = lexemes[pos++];
          if (closing === ')') break;
          if (closing !== '|') throw new Error(`Unclosed group in phrase pattern: ${pattern}`);
        }
      } else if (lexeme === '[') {
        options = [[], ...parseSequence()];
        if (lexemes[pos++] !== ']') throw new Error(`Unclosed option in phrase pattern: ${pattern}`);
      } else {
        options = [lexeme === '#' ? ['#'] : tokenize(lexeme).map((t) => t.word)];
      }
      if (lexemes[pos] === '?') {
        pos++;
        options = [[], ...options];
      }
      const next: string[][] = [];
      for (const head of results) for (const tail of options) next.push([...head, ...tail]);
      if (next.length > MAX_EXPANSIONS) throw new Error(`Phrase pattern expands too much: ${pattern}`);
      results = next;
    }
    return results;
  };
  const expanded = parseSequence();
  if (pos !== lexemes.length) throw new Error(`Unbalanced phrase pattern: ${pattern}`);
  return expanded.filter((seq) => seq.length > 0);
}

/** A phrase found in the text: which pattern, and the original text it covers. */
export interface PhraseMatch {
  readonly pattern: number;
  readonly start: number;
  readonly end: number;
}

/**
 * The words of every matcher's patterns, numbered once for all matchers: several matchers
 * read the same tokens (intent, the request to scan a QR code), and each token's word is then
 * looked up once per message rather than once per matcher. Matchers are built at module load
 * (from fixed pattern lists), so this stays the size of those lists.
 */
const VOCABULARY = new Map<string, number>();
/**
 * Which beginnings (first two characters, hashed) vocabulary words have: most words of a text
 * begin like no pattern word, and this says so without hashing the whole word for the Map.
 */
const VOCABULARY_BEGINNINGS = new Uint8Array(65_536);
function beginningOf(word: string): number {
  return (word.charCodeAt(0) * 257 + (word.length > 1 ? word.charCodeAt(1) : 0)) & 0xffff;
}

/** The vocabulary's words by number, to find a word of the text in place; rebuilt when it grows. */
let vocabularyWords: WordTable | undefined;
function vocabularyTable(): WordTable {
  if (vocabularyWords?.words.length !== VOCABULARY.size) vocabularyWords = new WordTable([...VOCABULARY.keys()]);
  return vocabularyWords;
}

/** The vocabulary number of a folded word, -1 if no pattern has it. */
function idOfWord(word: string): number {
  return VOCABULARY_BEGINNINGS[beginningOf(word)] === 1 ? (VOCABULARY.get(word) ?? -1) : -1;
}

/**
 * Aho–Corasick automaton over word tokens. Build once (module load), run in one pass over
 * the tokens: time linear in the tokens plus the matches reported.
 */
export class PhraseMatcher {
  private readonly children: Map<number, number>[] = [new Map()];
  private readonly fail: number[] = [0];
  /** For each state: [pattern index, length in tokens] of every phrase ending there. */
  private readonly outputs: [number, number][][] = [[]];

  constructor(patterns: readonly string[]) {
    patterns.forEach((pattern, index) => {
      for (const sequence of expandPattern(pattern)) this.insert(sequence, index);
    });
    this.link();
  }

  private insert(sequence: readonly string[], pattern: number): void {
    let state = 0;
    for (const word of sequence) {
      let id = VOCABULARY.get(word);
      if (id === undefined) {
        id = VOCABULARY.size;
        VOCABULARY.set(word, id);
        VOCABULARY_BEGINNINGS[beginningOf(word)] = 1;
      }
      const children = this.children[state] as Map<number, number>;
      let next = children.get(id);
      if (next === undefined) {
        next = this.children.length;
        children.set(id, next);
        this.children.push(new Map());
        this.fail.push(0);
        this.outputs.push([]);
      }
      state = next;
    }
    const out = this.outputs[state] as [number, number][];
    if (!out.some(([p]) => p === pattern)) out.push([pattern, sequence.length]);
  }

  private link(): void {
    const queue: number[] = [];
    for (const child of (this.children[0] as Map<number, number>).values()) queue.push(child);
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head] as number;
      for (const [id, child] of this.children[state] as Map<number, number>) {
        let f = this.fail[state] as number;
        while (f !== 0 && !(this.children[f] as Map<number, number>).has(id)) f = this.fail[f] as number;
        const target = (this.children[f] as Map<number, number>).get(id);
        this.fail[child] = target !== undefined && target !== child ? target : 0;
        const inherited = this.outputs[this.fail[child] as number] as [number, number][];
        const own = this.outputs[child] as [number, number][];
        for (const o of inherited) if (!own.some(([p, l]) => p === o[0] && l === o[1])) own.push(o);
        queue.push(child);
      }
    }
  }

  /** Every phrase occurrence, in text order of their end; at most `maxMatches`. */
  match(tokens: Tokens, maxMatches = 10_000): PhraseMatch[] {
    const matches: PhraseMatch[] = [];
    const { children, fail, outputs } = this;
    const ids = tokens.currentIds();
    const { starts, ends } = tokens;
    let state = 0;
    for (let i = 0; i < tokens.length; i++) {
      const id = ids[i] ?? -1;
      if (id < 0) {
        state = 0;
        continue;
      }
      // Follow failure links until a state has this word (or the root, which may not).
      for (;;) {
        const next = (children[state] as Map<number, number>).get(id);
        if (next !== undefined) {
          state = next;
          break;
        }
        if (state === 0) break;
        state = fail[state] as number;
      }
      const found = outputs[state] as [number, number][];
      for (let k = 0; k < found.length; k++) {
        if (matches.length >= maxMatches) return matches;
        const [pattern, length] = found[k] as [number, number];
        matches.push({ pattern, start: starts[i - length + 1] as number, end: ends[i] as number });
      }
    }
    return matches;
  }
}
