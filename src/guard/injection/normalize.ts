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
const SENTENCE_ENDS = new Set(['.', '!', '?', ';', '\n']);
const MAX_WORD = 64;

const foldCache = new Map<number, string>();

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
  const raw: { word: string; start: number; end: number; confusable: boolean; leet: boolean }[] = [];
  let invisible = 0;
  let tagChars = 0;
  let word = '';
  let start = -1;
  let end = 0;
  let confusable = false;
  let hasLetter = false;
  let hasLeet = false;
  const flush = () => {
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
        folded = /^[0-9]+$/.test(word) ? '#' : word.replace(/[@$]/g, '');
      } else if (word.includes('@') || word.includes('$')) {
        folded = word.replace(/[@$]/g, '');
      }
      if (folded.length > 0) raw.push({ word: folded.slice(0, MAX_WORD), start, end, confusable, leet });
    }
    word = '';
    start = -1;
    confusable = false;
    hasLetter = false;
    hasLeet = false;
  };
  for (let i = 0; i < text.length && raw.length < maxTokens; ) {
    const cp = text.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    const ch = text.charAt(i);
    if (isInvisible(cp)) {
      invisible++;
      i += width;
      continue;
    }
    // Tag characters U+E0020..E007E mirror ASCII and render as nothing: decode them.
    let folded: string;
    if (cp >= 0xe0000 && cp <= 0xe007f) {
      tagChars++;
      folded = foldCodePoint(cp - 0xe0000);
    } else if ((ch === '@' || ch === '$') && word.length > 0) {
      folded = ch;
    } else {
      folded = foldCodePoint(cp);
    }
    if (folded === '') {
      flush();
      if (SENTENCE_ENDS.has(ch) && (ch === '\n' || i + 1 >= text.length || /\s/.test(text.charAt(i + 1)))) {
        const last = raw[raw.length - 1];
        if (last && last.word !== SENTENCE_BREAK)
          raw.push({ word: SENTENCE_BREAK, start: i, end: i + 1, confusable: false, leet: false });
      }
      i += width;
      continue;
    }
    if (start < 0) start = i;
    end = i + width;
    if (cp >= 128 && CONFUSABLES[ch.toLowerCase()] !== undefined) confusable = true;
    for (const c of folded) {
      if (c in LEET) hasLeet = true;
      else if (c < '0' || c > '9') hasLetter = true;
    }
    if (word.length < 256) word += folded;
    i += width;
  }
  if (raw.length < maxTokens) flush();

  // Confusables only count inside words that are otherwise Latin (a Russian text is not obfuscated).
  let confusables = 0;
  let leet = 0;
  for (const t of raw) {
    if (t.leet) leet++;
    if (t.confusable && /^[a-z0-9]+$/.test(t.word) && [...t.word].some(isLatinLetter)) confusables++;
  }

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
    if (t) tokens.push({ word: t.word, start: t.start, end: t.end });
    i++;
  }
  return { tokens, obfuscation: { invisible, tagChars, confusables, leet, spaced } };
}
