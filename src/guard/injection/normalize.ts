/**
 * Normalisation for the injection detector: one linear pass that turns the text into folded
 * word tokens (lower case, no accents, NFKC, look-alike letters mapped to Latin, invisible
 * characters dropped, light leetspeak undone, s p a c e d letters joined), each token keeping
 * its offsets in the original text, and counts of the obfuscations undone on the way.
 * Simple obfuscations must not evade the rules, and their presence is itself a signal.
 */

export interface Obfuscation {
  /** Zero-width and other invisible format characters removed. */
  readonly invisible: number;
  /** Unicode "tag" characters decoded to ASCII (hidden-text smuggling). */
  readonly tagChars: number;
  /** Letters from other scripts that look Latin (Cyrillic "а" in "ignоre"), inside Latin words. */
  readonly confusables: number;
  /** Words written with digits for letters ("1gn0re"). */
  readonly leet: number;
  /** Runs of single letters joined back into a word ("i g n o r e"). */
  readonly spaced: number;
}

/**
 * The tokens as parallel arrays (an object per token was a sixth of a scan's garbage): token i
 * is `words[i]`, found at `starts[i]`..`ends[i]` in the original text. The offsets are views of
 * buffers the next `normalize` call reuses: read them before normalising another text.
 */
export interface Normalized {
  /** Folded forms; `|` marks the end of a sentence (no phrase crosses it). */
  readonly words: readonly string[];
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly obfuscation: Obfuscation;
}

export const SENTENCE_BREAK = '|';

/** Look-alike letters (Cyrillic, Greek) that attackers swap into Latin words. */
const CONFUSABLES: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ɡ: 'g',
  ı: 'i',
  α: 'a',
  β: 'b',
  ε: 'e',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ω: 'w',
};
const SPECIAL_FOLDS: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss', ø: 'o', ł: 'l', đ: 'd' };
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };
const LEET_TARGETS = new Set(
  'ignore ignorez oublie forget disregard previous prior instructions instruction prompt system jailbreak password bypass hack hacker reveal secret rules override developer mode consignes regles unfiltered uncensored dan evil kill bomb weapon drugs malware exploit'.split(
    ' ',
  ),
);
const MAX_WORD = 64;

const foldCache = new Map<number, string>();

/** ASCII classes for the fast path: separator, letter, digit, `@`/`$` (leetspeak inside a word). */
const SEPARATOR = 0;
const LETTER = 1;
const DIGIT = 2;
const SIGN = 3;
const ASCII_KIND = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) ASCII_KIND[c] = LETTER;
  else if (c >= 48 && c <= 57) ASCII_KIND[c] = DIGIT;
  else if (c === 64 || c === 36) ASCII_KIND[c] = SIGN;
  else ASCII_KIND[c] = SEPARATOR;
}
/** Digits that LEET reads as letters (0 1 3 4 5 7), indexed by digit. */
const LEET_DIGIT = Uint8Array.from('0123456789', (d) => (d in LEET ? 1 : 0));
const WHITESPACE = /\s/;
function isSpaceAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return WHITESPACE.test(text.charAt(i));
}

/** Zero-width, bidi controls, soft hyphen, variation selectors: invisible, dropped. */
function isInvisible(cp: number): boolean {
  return (
    cp === 0xad ||
    cp === 0x34f ||
    cp === 0x180e ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x2064) ||
    (cp >= 0x2066 && cp <= 0x206f) ||
    cp === 0xfeff ||
    (cp >= 0xfe00 && cp <= 0xfe0f)
  );
}

/** Folded letters/digits of one code point; '' = separator; `confusable` when mapped from look-alike. */
function foldCodePoint(cp: number): string {
  if (cp < 128) {
    if ((cp >= 97 && cp <= 122) || (cp >= 48 && cp <= 57)) return String.fromCharCode(cp);
    if (cp >= 65 && cp <= 90) return String.fromCharCode(cp + 32);
    return '';
  }
  // CJK ideographs and Hangul syllables: letters with no case or accent; skip the costly path.
  if ((cp >= 0x3400 && cp <= 0x9fff) || (cp >= 0xac00 && cp <= 0xd7a3)) return String.fromCodePoint(cp);
  const cached = foldCache.get(cp);
  if (cached !== undefined) return cached;
  const ch = String.fromCodePoint(cp);
  const lower = ch.toLowerCase();
  let folded =
    CONFUSABLES[lower] ??
    SPECIAL_FOLDS[lower] ??
    ch
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase();
  if (!/^[\p{L}\p{N}]+$/u.test(folded)) folded = '';
  if (foldCache.size < 65_536) foldCache.set(cp, folded);
  return folded;
}

function isLatinLetter(ch: string): boolean {
  return ch >= 'a' && ch <= 'z';
}

/** A run of 4 or more one-letter Latin tokens ("i g n o r e"), which the join below undoes. */
function hasSpacedRun(words: readonly string[]): boolean {
  let run = 0;
  for (const w of words) {
    if (w.length === 1 && isLatinLetter(w)) {
      if (++run >= 4) return true;
    } else run = 0;
  }
  return false;
}

/**
 * Interned folded words: the same few thousand words recur from prompt to prompt, and a new
 * string per token is most of what a scan allocates (garbage collection then lands inside
 * calls). Slots are found by a hash of the folded characters and checked character by
 * character, so a collision only costs a fresh string. Bounded: 4,096 slots, words ≤ 24 characters.
 */
const INTERN_SLOTS = 4096;
const INTERN_MAX = 24;
const interned: (string | undefined)[] = new Array(INTERN_SLOTS).fill(undefined);

/** `text[from, to)` lower-cased (plain ASCII letters, digits, `@`, `$` only), from the intern table when there. */
function internedAscii(text: string, from: number, to: number): string {
  const length = to - from;
  if (length > INTERN_MAX) return text.slice(from, to).toLowerCase();
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ (text.charCodeAt(i) | 32), 0x01000193);
  const slot = (h ^ (h >>> 13)) & (INTERN_SLOTS - 1);
  const known = interned[slot];
  if (known !== undefined && known.length === length) {
    let same = true;
    for (let i = 0; i < length; i++) {
      let c = text.charCodeAt(from + i);
      if (c >= 65 && c <= 90) c += 32;
      if (c !== known.charCodeAt(i)) {
        same = false;
        break;
      }
    }
    if (same) return known;
  }
  // A copy of its own, code by code: a slice (or its lower case, when already lower case) may
  // be a view that keeps the whole input alive, and the table outlives the request.
  const codes = INTERN_CODES[length] as number[];
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(from + i);
    codes[i] = c >= 65 && c <= 90 ? c + 32 : c;
  }
  // `apply` on a reused array of the right length: no iterator, no array per string.
  const fresh = String.fromCharCode.apply(null, codes);
  interned[slot] = fresh;
  return fresh;
}
/** One reused argument array per word length (index = length). */
const INTERN_CODES: number[][] = Array.from({ length: INTERN_MAX + 1 }, (_, n) => new Array<number>(n).fill(0));

/** Word and offset buffers reused from call to call (grown when a text needs more). */
const scratchWords: string[] = [];
/** Slots of `scratchWords` that may still hold a word. */
let scratchWordsUsed = 0;
let scratchStarts = new Int32Array(1024);
let scratchEnds = new Int32Array(1024);
function pushOffsets(at: number, start: number, end: number): void {
  if (at >= scratchStarts.length) {
    const starts = new Int32Array(scratchStarts.length * 2);
    const ends = new Int32Array(scratchStarts.length * 2);
    starts.set(scratchStarts);
    ends.set(scratchEnds);
    scratchStarts = starts;
    scratchEnds = ends;
  }
  scratchStarts[at] = start;
  scratchEnds[at] = end;
}

/**
 * Tokenises and folds `text` in one pass; `maxTokens` bounds the work. Numbers become `#`
 * unless they sit inside a word with letters (then they are read as leetspeak).
 */
export function normalize(text: string, maxTokens = 50_000): Normalized {
  // Words go to a reused buffer first and leave as one exact-size copy (no growth garbage).
  const buffer = scratchWords;
  let count = 0;
  // Obfuscation counts, taken as each word is pushed (no second pass, no flags per token).
  let leetWords = 0;
  let confusables = 0;
  let invisible = 0;
  let tagChars = 0;
  let word = '';
  let start = -1;
  let end = 0;
  let confusable = false;
  let hasLetter = false;
  let hasLeet = false;
  /** `@` or `$` seen in the word (only the ASCII path appends them). */
  let hasSign = false;
  /**
   * Start of the current word's stretch of plain ASCII letters, digits, `@` and `$` not yet
   * copied into `word` (-1 = none): such a stretch folds with one slice and one native
   * lowercasing instead of one string concatenation per character.
   */
  let pending = -1;
  /** An upper-case ASCII letter in the pending stretch (most words have none: no lowercasing). */
  let pendingUpper = false;
  const materialise = (to: number) => {
    if (pending < 0) return;
    if (word.length < 256) {
      const stop = Math.min(to, pending + 256 - word.length);
      // A whole word of plain ASCII (the common case): the interned copy, no new string.
      const piece = word.length === 0 ? internedAscii(text, pending, stop) : text.slice(pending, stop);
      word += pendingUpper && word.length > 0 ? piece.toLowerCase() : piece;
    }
    pending = -1;
    pendingUpper = false;
  };
  const flush = (at: number) => {
    materialise(at);
    if (word.length > 0) {
      let folded = word;
      let leet = false;
      // Trailing digits are versions and model numbers ("gpt4", "mp3"), not leetspeak.
      if (hasLetter && hasLeet && !/^[a-z]+[0-9]+$/.test(word)) {
        // "1gn0re", "p@ssw0rd": digits and @ $ inside a word are read as letters.
        let out = '';
        for (const c of word) out += LEET[c] ?? c;
        // Counted as obfuscation only for the words attacks disguise ("1gn0re"), not "1st" or "b2b".
        leet = out !== word && LEET_TARGETS.has(out);
        folded = out;
      } else if (!hasLetter) {
        folded = !hasSign || /^[0-9]+$/.test(word) ? '#' : word.replace(/[@$]/g, '');
      } else if (hasSign) {
        folded = word.replace(/[@$]/g, '');
      }
      if (folded.length > 0) {
        const kept = folded.length > MAX_WORD ? folded.slice(0, MAX_WORD) : folded;
        pushOffsets(count, start, end);
        buffer[count++] = kept;
        if (leet) leetWords++;
        // Confusables only count inside words that are otherwise Latin (a Russian text is not obfuscated).
        if (confusable && /^[a-z0-9]+$/.test(kept) && [...kept].some(isLatinLetter)) confusables++;
      }
    }
    word = '';
    start = -1;
    confusable = false;
    hasLetter = false;
    hasLeet = false;
    hasSign = false;
  };
  for (let i = 0; i < text.length && count < maxTokens; ) {
    const unit = text.charCodeAt(i);
    if (unit < 128) {
      // ASCII fast path (same outcome as the general path below, without strings per character).
      const kind = ASCII_KIND[unit] ?? 0;
      if (kind === LETTER || kind === DIGIT || (kind === SIGN && start >= 0)) {
        if (start < 0) start = i;
        end = i + 1;
        if (kind === LETTER) {
          hasLetter = true;
          if (unit < 97) pendingUpper = true;
        } else if (kind === SIGN) {
          hasLeet = true;
          hasSign = true;
        } else if (LEET_DIGIT[unit - 48] === 1) hasLeet = true;
        if (pending < 0) pending = i;
        i++;
        continue;
      }
      flush(i);
      if (
        (unit === 10 || unit === 46 || unit === 33 || unit === 63 || unit === 59) &&
        (unit === 10 || i + 1 >= text.length || isSpaceAt(text, i + 1))
      ) {
        if (count > 0 && buffer[count - 1] !== SENTENCE_BREAK) {
          pushOffsets(count, i, i + 1);
          buffer[count++] = SENTENCE_BREAK;
        }
      }
      i++;
      continue;
    }
    const cp = text.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    const ch = text.charAt(i);
    if (isInvisible(cp)) {
      materialise(i);
      invisible++;
      i += width;
      continue;
    }
    // Tag characters U+E0020..E007E mirror ASCII and render as nothing: decode them.
    let folded: string;
    if (cp >= 0xe0000 && cp <= 0xe007f) {
      tagChars++;
      folded = foldCodePoint(cp - 0xe0000);
    } else {
      folded = foldCodePoint(cp);
    }
    if (folded === '') {
      flush(i);
      i += width;
      continue;
    }
    materialise(i);
    if (start < 0) start = i;
    end = i + width;
    if (CONFUSABLES[ch.toLowerCase()] !== undefined) confusable = true;
    for (const c of folded) {
      if (c in LEET) hasLeet = true;
      else if (c < '0' || c > '9') hasLetter = true;
    }
    if (word.length < 256) word += folded;
    i += width;
  }
  if (count < maxTokens) flush(text.length);
  const raw = buffer.slice(0, count);
  // The buffer's tail must not keep the words of an earlier, longer text alive.
  if (scratchWordsUsed > count) buffer.fill('', count, scratchWordsUsed);
  scratchWordsUsed = count;

  const obfuscation = { invisible, tagChars, confusables, leet: leetWords, spaced: 0 };
  if (!hasSpacedRun(raw)) {
    return {
      words: raw,
      starts: scratchStarts.subarray(0, raw.length),
      ends: scratchEnds.subarray(0, raw.length),
      obfuscation,
    };
  }
  // Join runs of ≥ 4 one-letter tokens: "i g n o r e" → "ignore" (rare: fresh arrays).
  const words: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < raw.length; ) {
    let j = i;
    while (j < raw.length && (raw[j]?.length ?? 0) === 1 && isLatinLetter(raw[j] ?? '')) j++;
    if (j - i >= 4) {
      obfuscation.spaced++;
      words.push(raw.slice(i, j).join('').slice(0, MAX_WORD));
      starts.push(scratchStarts[i] ?? 0);
      ends.push(scratchEnds[j - 1] ?? 0);
      i = j;
      continue;
    }
    words.push(raw[i] ?? '');
    starts.push(scratchStarts[i] ?? 0);
    ends.push(scratchEnds[i] ?? 0);
    i++;
  }
  return { words, starts: Int32Array.from(starts), ends: Int32Array.from(ends), obfuscation };
}
