/**
 * Accent-folded tokens and a linear-time phrase matcher (Aho–Corasick over word tokens),
 * shared by the intent, attachment and QR signals. Pure and bounded: the caller bounds the
 * input, every step is O(length of input + number of matches).
 *
 * Patterns are written in a small expansion syntax, folded like the text:
 * `(verify|confirm) your [email] account` = alternatives in parentheses, optional part in
 * brackets or a group followed by `?`, `#` for any number. "Vérifiez", "VERIFIEZ" and "verifiez" are the same token.
 */

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
 * Splits text into folded word tokens; `maxTokens` bounds the work. Numbers become `#`
 * (so `dans les 24 heures` matches `dans les # heures`); `% $ € £` are tokens of their own;
 * the end of a sentence (`. ! ? ;` before a space) is a `|` token that no phrase crosses.
 */
export function tokenize(text: string, maxTokens = 20_000): readonly Token[] {
  // Several signals read the same text (intent, the request to scan a QR code): the last
  // result is kept, so one message is tokenised once.
  if (lastTokenized && lastTokenized.text === text && lastTokenized.maxTokens === maxTokens)
    return lastTokenized.tokens;
  const tokens = tokenizeNow(text, maxTokens);
  lastTokenized = { text, maxTokens, tokens };
  return tokens;
}

let lastTokenized: { text: string; maxTokens: number; tokens: readonly Token[] } | undefined;

function isAsciiWordChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 65 && code <= 90);
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

const MAX_WORD_CHARS = 256;

function tokenizeNow(text: string, maxTokens: number): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let word = '';
  let digitsOnly = true;
  let start = -1;
  const flush = (end: number) => {
    if (word.length > 0) {
      tokens.push({ word: digitsOnly ? '#' : word.length > 64 ? word.slice(0, 64) : word, start, end });
      word = '';
    }
    digitsOnly = true;
    start = -1;
  };
  for (let i = 0; i < n && tokens.length < maxTokens; i++) {
    const code = text.charCodeAt(i);
    if (isAsciiWordChar(code)) {
      // ASCII fast path: the whole run of letters and digits at once (it pushes no token, so
      // the token bound is checked as often as before).
      let j = i;
      let letters = false;
      let upper = false;
      for (let c = code; ; c = text.charCodeAt(j)) {
        if (c >= 65) {
          letters = true;
          if (c <= 90) upper = true;
        }
        if (++j >= n || !isAsciiWordChar(text.charCodeAt(j))) break;
      }
      if (start < 0) start = i;
      if (word.length < MAX_WORD_CHARS) {
        const stop = Math.min(j, i + MAX_WORD_CHARS - word.length);
        const run = text.slice(i, stop);
        if (digitsOnly && (stop === j ? letters : !/^[0-9]*$/.test(run))) digitsOnly = false;
        word += upper ? run.toLowerCase() : run;
      }
      i = j - 1;
      continue;
    }
    if (
      (code === 46 || code === 33 || code === 63 || code === 59 || code === 0x3002) &&
      (i + 1 >= n || isSpace(text.charCodeAt(i + 1)))
    ) {
      // End of a sentence: phrases do not run across it.
      flush(i);
      tokens.push({ word: SENTENCE_BREAK, start: i, end: i + 1 });
      continue;
    }
    if (code === 37 || code === 36 || code === 0x20ac || code === 0xa3) {
      flush(i);
      tokens.push({ word: text.charAt(i), start: i, end: i + 1 });
      continue;
    }
    const folded = code < 128 ? '' : foldChar(code);
    if (folded === '') {
      flush(i);
      continue;
    }
    if (start < 0) start = i;
    if (word.length < MAX_WORD_CHARS) {
      if (digitsOnly && !/^[0-9]*$/.test(folded)) digitsOnly = false;
      word += folded;
    }
  }
  if (tokens.length < maxTokens) flush(n);
  return tokens;
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

/**
 * The vocabulary numbers of the last tokens matched (-1: a word no pattern has), in a buffer
 * reused from message to message (matching is synchronous).
 */
let idBuffer = new Int32Array(1024);
let idsFor: { tokens: readonly Token[]; vocabularySize: number } | undefined;

function idsOf(tokens: readonly Token[]): Int32Array {
  if (idsFor && idsFor.tokens === tokens && idsFor.vocabularySize === VOCABULARY.size) return idBuffer;
  if (idBuffer.length < tokens.length) idBuffer = new Int32Array(Math.max(tokens.length, idBuffer.length * 2));
  for (let i = 0; i < tokens.length; i++) {
    const word = (tokens[i] as Token).word;
    idBuffer[i] = VOCABULARY_BEGINNINGS[beginningOf(word)] === 1 ? (VOCABULARY.get(word) ?? -1) : -1;
  }
  idsFor = { tokens, vocabularySize: VOCABULARY.size };
  return idBuffer;
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
  match(tokens: readonly Token[], maxMatches = 10_000): PhraseMatch[] {
    const matches: PhraseMatch[] = [];
    const { children, fail, outputs } = this;
    const ids = idsOf(tokens);
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
        const first = tokens[i - length + 1] as Token;
        matches.push({ pattern, start: first.start, end: (tokens[i] as Token).end });
      }
    }
    return matches;
  }

  /** Indexes of the patterns that occur at least once. */
  patternsIn(text: string): Set<number> {
    return new Set(this.match(tokenize(text)).map((m) => m.pattern));
  }
}
