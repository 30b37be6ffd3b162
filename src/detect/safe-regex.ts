/**
 * Sigma `re` values run on untrusted log text, so a pattern that can backtrack
 * catastrophically would let one crafted event stall the engine. JavaScript's engine
 * backtracks, so {@link checkRegex} keeps from it, with a reason, the patterns that could:
 * backreferences and lookarounds (not regular, no linear-time guarantee), nested
 * quantifiers (`(a+)+`, `(\w*\s?)*`, the classic catastrophic shape), alternation inside a
 * group repeated without bound (`(a|a)+`, `(\w|\d)+`: branches that overlap backtrack
 * exponentially), two unbounded quantified atoms in a row (`\s*\s*`, `.*.*`) and more than
 * {@link MAX_UNBOUNDED} unbounded quantifiers in all (`.*a.*b.*c.*d` is polynomial of that
 * degree). As a last bound, a regular expression only ever sees the first
 * {@link MAX_REGEX_INPUT} characters of a field value.
 *
 * Sigma regular expressions follow PCRE/Python syntax; the few spellings JavaScript reads
 * differently are translated: leading inline flags `(?i)`, `(?s)`, `(?m)` become RegExp flags,
 * `(?P<name>` becomes `(?<name>`, `\A` becomes `^` and `\Z`, `\z` become `$` (outside
 * multiline mode), `[]...]` becomes `[\]...]`. Those JavaScript would silently read as
 * something else are refused: `\h`, `\x{...}` and POSIX classes such as `[[:alpha:]]`.
 *
 * {@link compileSigmaRegex} is what rules use: JavaScript's engine for the patterns accepted
 * here with at most one unbounded quantifier, on values of at most 1,024 characters (it is fast
 * there, and its worst case small), the linear-time matcher of linear-regex.ts for everything
 * else, and the linear matcher's reason when it cannot take a pattern.
 */
import { compileLinearRegex } from './linear-regex.js';

/** A regular expression is run on at most this many leading characters of a value (64 KiB). */
export const MAX_REGEX_INPUT = 65_536;

/** At most this many unbounded quantifiers (`*`, `+`, `{n,}`) in one pattern. */
export const MAX_UNBOUNDED = 3;

export type SafeRegex =
  | {
      readonly ok: true;
      readonly source: string;
      readonly flags: string;
      /** Unbounded quantifiers in the pattern: its backtracking is polynomial of this degree plus one. */
      readonly unbounded: number;
    }
  | { readonly ok: false; readonly reason: string };

function isQuantifierAt(
  source: string,
  i: number,
): { length: number; repeats: boolean; unbounded: boolean } | undefined {
  const c = source[i];
  if (c === '*' || c === '+') return { length: 1, repeats: true, unbounded: true };
  if (c === '?') return { length: 1, repeats: false, unbounded: false };
  if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
    if (!m) return undefined;
    const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Number.POSITIVE_INFINITY : Number(m[3]);
    return { length: m[0].length, repeats: max > 1, unbounded: max === Number.POSITIVE_INFINITY };
  }
  return undefined;
}

interface Group {
  /** Something inside repeats. */
  repeats: boolean;
  /** An alternation `|` inside (at any depth). */
  alternation: boolean;
  /** The atom before the group, if it ended with an unbounded quantifier. */
  afterUnbounded: string | null;
}

/** Characters tried to tell whether two one-character atoms can match the same character. */
const PROBES = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).concat([
  '\u0100',
  '\u017f',
  '\u2013',
  '\u2028',
  '\u212a',
  '\u3000',
  '\ufeff',
  '\uffff',
]);

/**
 * Whether two one-character atoms (`a`, `\s`, `[a-z]`, `.`) can match a same character; an
 * empty text (a group, or anything not understood) is assumed to overlap with everything.
 */
function overlaps(a: string, b: string, flags: string): boolean {
  if (a === '' || b === '') return true;
  try {
    const ra = new RegExp(`^(?:${a})$`, flags);
    const rb = new RegExp(`^(?:${b})$`, flags);
    return PROBES.some((c) => ra.test(c) && rb.test(c));
  } catch {
    return true;
  }
}

/** The length of the escape at `i` (`\d`, `\x41`, `\u0041`, `\cA`). */
function escapeLength(source: string, i: number): number {
  const next = source[i + 1];
  if (next === 'x' && /^[0-9a-fA-F]{2}/.test(source.slice(i + 2))) return 4;
  if (next === 'u' && /^[0-9a-fA-F]{4}/.test(source.slice(i + 2))) return 6;
  if (next === 'c' && /^[a-zA-Z]/.test(source.slice(i + 2))) return 3;
  return 2;
}

/** Checks (and translates) a Sigma regular expression; `flags` are those of the modifiers. */
export function checkRegex(pattern: string, flags: string): SafeRegex {
  let source = pattern;
  let allFlags = flags;
  const inline = /^\(\?([imsx]+)\)/.exec(source);
  if (inline?.[1]) {
    if (inline[1].includes('x')) return { ok: false, reason: 'the verbose flag (?x) is not supported' };
    allFlags += inline[1];
    source = source.slice(inline[0].length);
  }
  source = source.replace(/\(\?P</g, '(?<');
  if (/\(\?P[=>]/.test(source)) return { ok: false, reason: 'named backreferences are not linear-time' };
  const multiline = allFlags.includes('m');
  const groups: Group[] = [];
  let inClass = false;
  let out = '';
  let unbounded = 0;
  // Did the previous atom end with an unbounded quantifier, and did the one before the current?
  // The previous atom, when it ended with an unbounded quantifier ('' for a group), and the
  // one before the current atom; the current atom's text ('' for a group).
  let lastUnbounded: string | null = null;
  let beforeAtom: string | null = null;
  let currentAtom = '';
  let classStart = 0;
  const simpleFlags = [...allFlags].filter((f) => f === 'i' || f === 's').join('');
  const startAtom = (text: string) => {
    beforeAtom = lastUnbounded;
    lastUnbounded = null;
    currentAtom = text;
  };
  const tooMany = {
    ok: false,
    reason: `more than ${MAX_UNBOUNDED} unbounded quantifiers can backtrack polynomially`,
  } as const;
  const adjacent = { ok: false, reason: 'adjacent unbounded quantifiers can backtrack polynomially' } as const;
  for (let i = 0; i < source.length; i++) {
    const c = source[i] ?? '';
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (next === 'h') return { ok: false, reason: '\\h (horizontal space) is not supported' };
      if (next === 'x' && source[i + 2] === '{') return { ok: false, reason: '\\x{...} escapes are not supported' };
      if (!inClass) {
        if (/[1-9]/.test(next) || next === 'k') return { ok: false, reason: 'backreferences are not linear-time' };
        startAtom(source.slice(i, i + escapeLength(source, i)));
        if (next === 'A' || next === 'Z' || next === 'z') {
          if (multiline) return { ok: false, reason: `\\${next} is not supported in multiline mode` };
          out += next === 'A' ? '^' : '$';
          i++;
          continue;
        }
      }
      out += c + next;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') {
        inClass = false;
        currentAtom = source.slice(classStart, i + 1);
      }
      out += c;
      continue;
    }
    if (c === '[') {
      if (/^\[\^?\[:\^?[a-z]+:\]/.test(source.slice(i)))
        return { ok: false, reason: 'POSIX character classes such as [[:alpha:]] are not supported' };
      startAtom('');
      classStart = i;
      inClass = true;
      out += c;
      if (source[i + 1] === '^') {
        out += '^';
        i++;
      }
      // A `]` first in a class is a literal in PCRE; JavaScript would read `[]` as an empty class.
      if (source[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(') {
      if (
        source.startsWith('(?=', i) ||
        source.startsWith('(?!', i) ||
        source.startsWith('(?<=', i) ||
        source.startsWith('(?<!', i)
      )
        return { ok: false, reason: 'lookarounds are not linear-time' };
      if (/^\(\?[a-zA-Z-]+[:)]/.test(source.slice(i)) && !source.startsWith('(?<', i))
        return { ok: false, reason: 'inline flags inside the pattern are not supported' };
      startAtom('');
      // The group's contents follow the atom before it: `a*(a*)` is adjacent too.
      groups.push({ repeats: false, alternation: false, afterUnbounded: beforeAtom });
      lastUnbounded = beforeAtom;
      out += c;
      if (source[i + 1] === '?') {
        out += '?';
        i++;
      }
      continue;
    }
    if (c === '|') {
      const group = groups[groups.length - 1];
      if (group) group.alternation = true;
      lastUnbounded = null;
      out += c;
      continue;
    }
    if (c === ')') {
      const group = groups.pop() ?? { repeats: false, alternation: false, afterUnbounded: null };
      const quantifier = isQuantifierAt(source, i + 1);
      if (quantifier?.repeats && group.repeats)
        return { ok: false, reason: 'nested quantifiers can backtrack exponentially' };
      if (quantifier?.unbounded && group.alternation)
        return { ok: false, reason: 'alternation inside a repeated group can backtrack exponentially' };
      const parent = groups[groups.length - 1];
      if (parent) {
        if (group.repeats || quantifier) parent.repeats = true;
        if (group.alternation) parent.alternation = true;
      }
      out += c;
      if (quantifier?.unbounded) {
        if (++unbounded > MAX_UNBOUNDED) return tooMany;
        if (group.afterUnbounded !== null) return adjacent;
        lastUnbounded = '';
      }
      if (quantifier) {
        out += source.slice(i + 1, i + 1 + quantifier.length);
        i += quantifier.length;
        if (source[i + 1] === '?' || source[i + 1] === '+') out += source[++i];
      }
      continue;
    }
    const quantifier = isQuantifierAt(source, i);
    if (quantifier) {
      const parent = groups[groups.length - 1];
      if (parent) parent.repeats = true;
      if (quantifier.unbounded) {
        if (++unbounded > MAX_UNBOUNDED) return tooMany;
        if (beforeAtom !== null && overlaps(beforeAtom, currentAtom, simpleFlags)) return adjacent;
        lastUnbounded = currentAtom;
      }
      out += source.slice(i, i + quantifier.length);
      i += quantifier.length - 1;
      // A lazy or possessive marker after a quantifier is not a quantifier of its own.
      if (source[i + 1] === '?' || source[i + 1] === '+') out += source[++i];
      continue;
    }
    if (c === '^' || c === '$') lastUnbounded = null;
    else startAtom(c === '.' ? '' : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
    out += c;
  }
  source = out;
  const unique = [...new Set(allFlags)].join('');
  try {
    new RegExp(source, unique);
  } catch (error) {
    return { ok: false, reason: `invalid regular expression: ${(error as Error).message}` };
  }
  return { ok: true, source, flags: unique, unbounded };
}

/**
 * JavaScript's engine is used only for patterns with at most one unbounded quantifier, and only
 * on values of at most this many characters; everything else goes to the linear-time matcher.
 * The patterns {@link checkRegex} accepts cannot backtrack exponentially, but each unbounded
 * quantifier adds a degree of polynomial backtracking: one (`a.*b`) costs at most ~0.5 M steps
 * on 1,024 characters, three (`a.*b.*c.*d`) took 8 s on 1,024 characters.
 */
export const JAVASCRIPT_MAX_INPUT = 1024;

/** `.{n,}`, `(.){n,}`, `(?:.){n,}`: a run of at least n characters (the "abnormally long" rules). */
const LONG_RUN = /^(?:\.|\(\.\)|\(\?:\.\))\{(\d{1,6}),\}$/;

/**
 * A run of `n` characters other than line terminators (any characters with the `s` flag), in
 * one pass: the backtracking engine tries every start (quadratic below n) and the automaton
 * holds n states, where a counter is enough.
 */
function longRunTest(n: number, dotAll: boolean): (text: string) => boolean {
  if (n === 0) return () => true;
  if (dotAll) return (text) => text.length >= n;
  return (text) => {
    let run = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) run = 0;
      else if (++run >= n) return true;
    }
    return false;
  };
}

export type SigmaRegex =
  | {
      readonly ok: true;
      readonly test: (text: string) => boolean;
      readonly engine: 'javascript' | 'linear';
      /** A literal every match contains, as written ('' when none is known). */
      readonly literal: string;
      /** A printable ASCII lower-case literal that every match, lower-cased, contains ('' when none is known): for prefiltering. */
      readonly lowerLiteral: string;
      /** Printable ASCII lower-case literals one of which every match, lower-cased, contains (none when none is known). */
      readonly lowerAlternatives: readonly string[];
    }
  | { readonly ok: false; readonly reason: string; readonly invalid: boolean };

/**
 * A Sigma `re` value as a test on a text (a search, as `RegExp.test`): JavaScript's engine when
 * {@link checkRegex} accepts the pattern, it has at most one unbounded quantifier and the value
 * is at most {@link JAVASCRIPT_MAX_INPUT} characters, else the linear-time matcher (a run of n
 * characters, `.{n,}`, by a counter); refused with the linear matcher's reason (a real limit:
 * backreferences, lookarounds, size) when it cannot take the pattern.
 */
export function compileSigmaRegex(pattern: string, flags: string): SigmaRegex {
  const run = LONG_RUN.exec(pattern);
  if (run)
    return {
      ok: true,
      test: longRunTest(Number(run[1]), flags.includes('s')),
      engine: 'linear',
      literal: '',
      lowerLiteral: '',
      lowerAlternatives: [],
    };
  const checked = checkRegex(pattern, flags);
  const linear = compileLinearRegex(pattern, flags);
  const literal = linear.ok ? linear.regex.literal : '';
  // Nothing runs on JavaScript's engine alone: what the linear-time matcher refuses is refused.
  if (!linear.ok) return { ok: false, reason: linear.reason, invalid: linear.invalid };
  const { regex } = linear;
  const { lowerLiteral, lowerAlternatives, shortest } = regex;
  if (checked.ok && checked.unbounded <= 1) {
    const fast = new RegExp(checked.source, checked.flags);
    return {
      ok: true,
      // Too short to hold a match: no search (the linear matcher checks so itself).
      test: (text) =>
        text.length <= JAVASCRIPT_MAX_INPUT ? text.length >= shortest && fast.test(text) : regex.test(text),
      engine: 'javascript',
      literal,
      lowerLiteral,
      lowerAlternatives,
    };
  }
  return { ok: true, test: (text) => regex.test(text), engine: 'linear', literal, lowerLiteral, lowerAlternatives };
}
