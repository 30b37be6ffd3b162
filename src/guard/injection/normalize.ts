/**
 * Normalisation for the injection detector: one linear pass that turns the text into folded
 * word tokens (lower case, no accents, NFKC, look-alike letters mapped to Latin, invisible
 * characters dropped, light leetspeak undone, s p a c e d letters joined), each token keeping
 * its offsets in the original text, and counts of the obfuscations undone on the way.
 * Simple obfuscations must not evade the rules, and their presence is itself a signal.
 */

export interface Token {
  /** Folded form; `|` marks the end of a sentence (no phrase crosses it). */
  readonly word: string;
  readonly start: number;
  readonly end: number;
}

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

export interface Normalized {
  readonly tokens: readonly Token[];
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

/**
 * Tokenises and folds `text` in one pass; `maxTokens` bounds the work. Numbers become `#`
 * unless they sit inside a word with letters (then they are read as leetspeak).
 */
export function normalize(text: string, maxTokens = 50_000): Normalized {
  const raw: Token[] = [];
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
      const piece = text.slice(pending, Math.min(to, pending + 256 - word.length));
      word += pendingUpper ? piece.toLowerCase() : piece;
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
        raw.push({ word: kept, start, end });
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
  for (let i = 0; i < text.length && raw.length < maxTokens; ) {
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
        const last = raw[raw.length - 1];
        if (last && last.word !== SENTENCE_BREAK) raw.push({ word: SENTENCE_BREAK, start: i, end: i + 1 });
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
  if (raw.length < maxTokens) flush(text.length);

  // Join runs of ≥ 4 one-letter tokens: "i g n o r e" → "ignore".
  const tokens: Token[] = [];
  let spaced = 0;
  for (let i = 0; i < raw.length; ) {
    let j = i;
    while (j < raw.length && (raw[j]?.word.length ?? 0) === 1 && isLatinLetter(raw[j]?.word ?? '')) j++;
    if (j - i >= 4) {
      spaced++;
      tokens.push({
        word: raw
          .slice(i, j)
          .map((t) => t.word)
          .join('')
          .slice(0, MAX_WORD),
        start: raw[i]?.start ?? 0,
        end: raw[j - 1]?.end ?? 0,
      });
      i = j;
      continue;
    }
    const t = raw[i];
    if (t) tokens.push(t);
    i++;
  }
  return { tokens, obfuscation: { invisible, tagChars, confusables, leet: leetWords, spaced } };
}
