/**
 * Character-level helpers shared by the hand-written scanners: character classes, word
 * boundaries, accent folding that keeps offsets, entropy and placeholder checks.
 */

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
export function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}
export function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}
export function isAsciiLetter(c: number): boolean {
  return isUpper(c) || isLower(c);
}
export function isAsciiAlnum(c: number): boolean {
  return isDigit(c) || isAsciiLetter(c);
}
export function isHex(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

const LETTER = /\p{L}/u;
/** 0 = not computed yet, 1 = letter, 2 = not a letter: one regex test per code unit per process. */
const letterTable = new Uint8Array(65536);
/** Any Unicode letter (accented letters included), for one UTF-16 unit. */
export function isLetter(c: number): boolean {
  if (c < 128) return isAsciiLetter(c);
  let v = letterTable[c] ?? 2;
  if (v === 0) {
    v = LETTER.test(String.fromCharCode(c)) ? 1 : 2;
    letterTable[c] = v;
  }
  return v === 1;
}
/** Letter, digit or underscore: what makes a "word" for boundary checks. */
export function isWordChar(c: number): boolean {
  return c === 95 || isDigit(c) || isLetter(c);
}

/** True when the unit at `i` is a capital letter (it has a lower case and is not one). */
export function isCapitalAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128) return c >= 65 && c <= 90;
  const ch = text.charAt(i);
  return ch === ch.toUpperCase() && ch !== ch.toLowerCase();
}

/** True when the character at `i` (may be out of range) is not a word character. */
export function boundaryAt(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return true;
  return !isWordChar(text.charCodeAt(i));
}

const foldCache = new Map<number, string>();
const NON_ASCII = /[\u0080-\uffff]/;
/** The last text folded and its result: every detector of one scan folds the same text. */
let lastFoldInput = '';
let lastFoldOutput = '';

function foldUnit(c: number): string {
  let f = foldCache.get(c);
  if (f === undefined) {
    const base = String.fromCharCode(c).normalize('NFD').charAt(0).toLowerCase();
    f = base.length === 1 ? base : String.fromCharCode(c);
    foldCache.set(c, f);
  }
  return f;
}

/**
 * Lowercases and strips accents one UTF-16 unit at a time, so offsets in the folded text
 * are offsets in the original (`É` → `e`, `œ` stays one unit).
 */
export function fold(text: string): string {
  if (text === lastFoldInput) return lastFoldOutput;
  let out: string;
  // ASCII text (the common case) folds with one native call; lowercasing ASCII keeps offsets.
  if (!NON_ASCII.test(text)) out = text.toLowerCase();
  else {
    const parts: string[] = [];
    let runStart = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 128) continue;
      if (i > runStart) parts.push(text.slice(runStart, i).toLowerCase());
      parts.push(foldUnit(c));
      runStart = i + 1;
    }
    if (runStart < text.length) parts.push(text.slice(runStart).toLowerCase());
    out = parts.join('');
  }
  lastFoldInput = text;
  lastFoldOutput = out;
  return out;
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Share of the most frequent character. */
export function dominantShare(value: string): number {
  if (value.length === 0) return 1;
  const counts = new Map<string, number>();
  let max = 0;
  for (const ch of value) {
    const n = (counts.get(ch) ?? 0) + 1;
    counts.set(ch, n);
    if (n > max) max = n;
  }
  return max / value.length;
}

const PLACEHOLDER_WORDS = [
  'example',
  'sample',
  'dummy',
  'placeholder',
  'changeme',
  'change_me',
  'change-me',
  'your_',
  'your-',
  'yourkey',
  'your key',
  'redacted',
  'xxxx',
  '****',
  '....',
  'fake',
  'notreal',
  'not_real',
  'not_a_real',
  'not-a-real',
  'not a real',
  'insert',
  'replace',
  'todo',
  '<',
  '>',
  '${',
  '{{',
  '%(',
];

/**
 * Documentation-style stand-ins that are not real secrets: `xxx`, `<your-key>`, `${VAR}`,
 * `EXAMPLE`, `changeme`, one character repeated.
 */
export function looksLikePlaceholder(value: string): boolean {
  const lower = value.toLowerCase();
  for (const w of PLACEHOLDER_WORDS) if (lower.includes(w)) return true;
  if (value.length >= 6 && dominantShare(value) >= 0.8) return true;
  return false;
}

/** Passwords that only ever appear in documentation and templates. */
const PLACEHOLDER_PASSWORDS = new Set([
  'password',
  'passwd',
  'pass',
  'pwd',
  'mypassword',
  'yourpassword',
  'secret',
  'mysecret',
  'changeme',
  'motdepasse',
  'mot_de_passe',
  'admin',
  'root',
  'test',
  'guest',
  'user',
  'username',
  'none',
  'null',
  'true',
  'false',
  'required',
  'optional',
  'string',
  'empty',
  'hidden',
]);
export function isPlaceholderPassword(value: string): boolean {
  return PLACEHOLDER_PASSWORDS.has(value.toLowerCase()) || looksLikePlaceholder(value);
}

/** Start offsets of the lines of `text` (line i spans lineStarts[i] .. next start - 1). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function pairKey(a: number, b: number): number {
  return ((a & 0xff) << 8) | (b & 0xff);
}

/**
 * Many fixed phrases found in one pass over a text: phrases are bucketed by their first two
 * UTF-16 units, so each position costs one map look-up plus the few phrases of its bucket.
 * Replaces one `indexOf` pass per phrase (cost grows with the list) and stays linear in the text.
 */
export class PhraseIndex<T> {
  private readonly buckets = new Map<number, { readonly phrase: string; readonly value: T }[]>();
  private readonly single = new Map<number, { readonly phrase: string; readonly value: T }[]>();
  /** 1 for UTF-16 units that start some phrase: most positions are rejected by one array read. */
  private readonly starts = new Uint8Array(65536);
  /**
   * 1 for the (low bytes of the) first two units of some phrase: a position whose pair is absent
   * skips the map look-up (exact for ASCII pairs, a superset otherwise).
   */
  private readonly pairs = new Uint8Array(65536);

  /** Phrases listed first win at a given position. Empty phrases are ignored. */
  constructor(entries: readonly (readonly [string, T])[]) {
    for (const [phrase, value] of entries) {
      if (phrase.length === 0) continue;
      this.starts[phrase.charCodeAt(0)] = 1;
      if (phrase.length > 1) this.pairs[pairKey(phrase.charCodeAt(0), phrase.charCodeAt(1))] = 1;
      const map = phrase.length === 1 ? this.single : this.buckets;
      const key = phrase.length === 1 ? phrase.charCodeAt(0) : phrase.charCodeAt(0) * 65536 + phrase.charCodeAt(1);
      const list = map.get(key) ?? [];
      list.push({ phrase, value });
      map.set(key, list);
    }
  }

  /**
   * Calls `visit` for each phrase occurrence in `hay` from left to right (at one position, in
   * list order until `visit` accepts one). `visit` returns the offset to resume from when it
   * accepts the match, or -1 to try the next phrase / position.
   *
   * `rejectAfter`, when given, is the caller's own start-boundary test (it must refuse at least
   * the ASCII letters: word starts only): positions whose previous unit it refuses are skipped
   * before any look-up, and only the positions not preceded by an ASCII letter are visited at
   * all (listed once per text and shared by every detector that scans the same text).
   */
  scan(
    hay: string,
    visit: (at: number, phrase: string, value: T) => number,
    rejectAfter?: (previous: number) => boolean,
  ): void {
    const n = hay.length;
    if (rejectAfter === undefined) {
      let i = 0;
      while (i < n) {
        const c = hay.charCodeAt(i);
        if (this.starts[c] !== 1) {
          i++;
          continue;
        }
        const resume = this.tryAt(hay, i, c, visit);
        i = resume > i ? resume : i + 1;
      }
      return;
    }
    const positions = wordStarts(hay);
    let from = 0;
    for (let k = 0; k < positions.length; k++) {
      const i = positions[k] ?? 0;
      if (i < from) continue;
      const c = hay.charCodeAt(i);
      if (this.starts[c] !== 1 || (i > 0 && rejectAfter(hay.charCodeAt(i - 1)))) continue;
      const resume = this.tryAt(hay, i, c, visit);
      if (resume > i) from = resume;
    }
  }

  /** The phrases at `i` (first unit `c`), in list order until one is accepted; -1 if none. */
  private tryAt(hay: string, i: number, c: number, visit: (at: number, phrase: string, value: T) => number): number {
    let list: readonly { readonly phrase: string; readonly value: T }[] | undefined;
    if (i + 1 < hay.length) {
      const d = hay.charCodeAt(i + 1);
      if (this.pairs[pairKey(c, d)] === 1) list = this.buckets.get(c * 65536 + d);
    }
    let resume = -1;
    if (list)
      for (const e of list) {
        if (!hay.startsWith(e.phrase, i)) continue;
        resume = visit(i, e.phrase, e.value);
        if (resume >= 0) break;
      }
    if (resume < 0 && this.single.size > 0) {
      const one = this.single.get(c);
      if (one)
        for (const e of one) {
          resume = visit(i, e.phrase, e.value);
          if (resume >= 0) break;
        }
    }
    return resume;
  }
}

/** The last two texts' word-start positions: detectors scan the text and its folded form. */
const wordStartMemo: { text: string; positions: Int32Array }[] = [];

/** Reused work array; only the exact-size copy is kept per text. */
let wordStartScratch = new Int32Array(4096);

/** Offsets not preceded by an ASCII letter (0 included), in order: where a phrase may start a word. */
export function wordStarts(text: string): Int32Array {
  for (const m of wordStartMemo) if (m.text === text) return m.positions;
  if (wordStartScratch.length < text.length)
    wordStartScratch = new Int32Array(Math.max(text.length, wordStartScratch.length * 2));
  const all = wordStartScratch;
  let count = 0;
  let previousLetter = false;
  for (let i = 0; i < text.length; i++) {
    if (!previousLetter) all[count++] = i;
    const c = text.charCodeAt(i);
    previousLetter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  }
  const positions = all.slice(0, count);
  wordStartMemo.unshift({ text, positions });
  if (wordStartMemo.length > 2) wordStartMemo.pop();
  return positions;
}
