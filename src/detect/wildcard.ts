/**
 * Sigma string values: `*` (any run of characters) and `?` (one character) are wildcards,
 * a backslash escapes `*`, `?` and itself, and any other backslash is a plain character: so
 * `C:\Windows\cmd.exe` keeps its backslashes, `a\*` is a literal star and `C:\Temp\\*` is
 * "C:\Temp\" then anything (as pySigma reads them).
 * Matching runs without regular
 * expressions: a glob matcher whose cost is bounded by value length × pattern length; so that
 * one long event cannot cost seconds, the glob matcher (patterns other than equal, prefix,
 * suffix and substring, which are linear) only reads the first {@link MAX_GLOB_INPUT}
 * characters of a value.
 */

/** The general glob matcher reads at most this many leading characters of a value (64 KiB). */
export const MAX_GLOB_INPUT = 65_536;

export const ANY = 0;
export const ONE = 1;
/** A Sigma string: literal text pieces and wildcards, in order. */
export type Pattern = ReadonlyArray<string | typeof ANY | typeof ONE>;

/** Splits a Sigma string into literal pieces and wildcards, honouring escapes. */
export function parsePattern(text: string): Pattern {
  const parts: Array<string | typeof ANY | typeof ONE> = [];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      const next = text[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        literal += next;
        i++;
      } else literal += c;
    } else if (c === '*' || c === '?') {
      if (literal !== '') parts.push(literal);
      literal = '';
      // Consecutive `*` mean the same as one.
      if (c === '?' || parts[parts.length - 1] !== ANY) parts.push(c === '*' ? ANY : ONE);
    } else literal += c;
  }
  if (literal !== '') parts.push(literal);
  return parts;
}

/** A pattern of literal text only (no wildcard). */
export function literalPattern(text: string): Pattern {
  return text === '' ? [] : [text];
}

export function hasWildcards(pattern: Pattern): boolean {
  return pattern.some((p) => typeof p !== 'string');
}

/** The text of a pattern without wildcards; `undefined` when it has some. */
export function patternText(pattern: Pattern): string | undefined {
  return hasWildcards(pattern) ? undefined : pattern.join('');
}

export function mapLiterals(pattern: Pattern, f: (text: string) => string): Pattern {
  return pattern.map((p) => (typeof p === 'string' ? f(p) : p));
}

/** Glob match over characters (`*`, `?`), the classic two-pointer with one backtrack point. */
function globMatch(value: string, pattern: string, wild: readonly boolean[]): boolean {
  let v = 0;
  let p = 0;
  let starP = -1;
  let starV = 0;
  while (v < value.length) {
    if (p < pattern.length && wild[p] && pattern[p] === '*') {
      starP = p++;
      starV = v;
    } else if (p < pattern.length && (value[v] === pattern[p] || (wild[p] && pattern[p] === '?'))) {
      v++;
      p++;
    } else if (starP >= 0) {
      p = starP + 1;
      v = ++starV;
    } else return false;
  }
  while (p < pattern.length && wild[p] && pattern[p] === '*') p++;
  return p === pattern.length;
}

/**
 * A test for one pattern against a value already in the right case (the caller lower-cases
 * both sides for case-insensitive matching). The common shapes (equal, prefix, suffix,
 * substring) use the string methods directly.
 */
export function patternTest(pattern: Pattern): (value: string) => boolean {
  const first = pattern[0];
  const last = pattern[pattern.length - 1];
  if (pattern.length === 0) return (v) => v === '';
  if (pattern.length === 1) {
    if (typeof first === 'string') return (v) => v === first;
    if (first === ANY) return () => true;
  }
  if (pattern.length === 2 && first === ANY && typeof last === 'string') return (v) => v.endsWith(last);
  if (pattern.length === 2 && last === ANY && typeof first === 'string') return (v) => v.startsWith(first);
  const middle = pattern[1];
  if (pattern.length === 3 && first === ANY && last === ANY && typeof middle === 'string')
    return (v) => v.includes(middle);
  let text = '';
  const wild: boolean[] = [];
  for (const part of pattern) {
    if (typeof part === 'string') {
      text += part;
      for (let i = 0; i < part.length; i++) wild.push(false);
    } else {
      text += part === ANY ? '*' : '?';
      wild.push(true);
    }
  }
  // The longest literal piece must appear somewhere: a cheap filter before the glob.
  const pieces = pattern.filter((p): p is string => typeof p === 'string');
  const longest = pieces.reduce((a, b) => (b.length > a.length ? b : a), '');
  return (v) =>
    (longest === '' || v.includes(longest)) &&
    globMatch(v.length > MAX_GLOB_INPUT ? v.slice(0, MAX_GLOB_INPUT) : v, text, wild);
}
