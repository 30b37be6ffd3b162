/**
 * A linear-time matcher for Sigma `re` values that JavaScript's backtracking engine could not run
 * safely (see safe-regex.ts). The pattern is parsed into a Thompson NFA (bounded repetitions
 * unrolled, at most {@link MAX_NFA_STATES} states) and searched by a lazy DFA built while
 * reading the text: a cached DFA state costs one table lookup per UTF-16 code unit, a new one
 * O(pattern size) to build; the cache holds at most {@link MAX_DFA_STATES} states and is emptied
 * when full, so a search costs O(text length × pattern size) whatever the pattern and text.
 *
 * Syntax: the PCRE subset Sigma rules use, read as JavaScript (without the `u` flag) reads it:
 * literals and escapes (`\x41`, `\x{41}`, `\u0041`, `\t\n\r\f\v\0`, `\cA`, `\.`), classes with
 * ranges, negation and escapes (a `]` first in a class is a literal, as in PCRE), `\d\w\s\D\W\S`,
 * `.`, `^ $` (lines with `m`), `\A \z \Z`, `\b \B`, groups (capturing, `(?:`, `(?<n>`, `(?P<n>`, all
 * plain groups), `(?#comments)`, alternation, greedy and lazy quantifiers (the same yes/no answer),
 * leading inline flags `(?ims)` and scoped ones `(?i:...)`. Case-insensitive matching is
 * JavaScript's (two code units match when their one-unit upper cases are equal). Refused at
 * compile time with a reason: backreferences, lookarounds, atomic groups, possessive quantifiers,
 * recursion, `\p{...}`, POSIX classes, PCRE-only escapes, and patterns beyond the size limits.
 * A search is unanchored unless the pattern anchors it.
 */

/** At most this many NFA states for one pattern (bounded repetitions are unrolled). */
export const MAX_NFA_STATES = 4000;
/** Groups may nest at most this deep (the parser and the compiler recurse on them). */
export const MAX_GROUP_DEPTH = 100;
/** A counted repetition `{n,m}` may not count beyond this. */
export const MAX_REPEAT = 1000;
/** At most this many DFA states cached per pattern; the cache is emptied when it is full. */
export const MAX_DFA_STATES = 512;
/** At most this many cached transitions on non-ASCII code units per pattern, likewise. */
const MAX_WIDE_TRANSITIONS = 16_384;

// Character sets: sorted, disjoint, merged [lo, hi, lo, hi, ...] ranges of UTF-16 code units.

interface CharSet {
  readonly ranges: readonly number[];
  readonly negated: boolean;
  /** Case-insensitive (the `i` flag where the set was written). */
  readonly fold: boolean;
}

function normalize(pairs: readonly number[]): number[] {
  const items: Array<[number, number]> = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) items.push([pairs[i] ?? 0, pairs[i + 1] ?? 0]);
  items.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of items) {
    const last = out.length - 1;
    if (last > 0 && lo <= (out[last] ?? 0) + 1) out[last] = Math.max(out[last] ?? 0, hi);
    else out.push(lo, hi);
  }
  return out;
}

function complement(ranges: readonly number[]): number[] {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i + 1 < ranges.length; i += 2) {
    const lo = ranges[i] ?? 0;
    if (lo > next) out.push(next, lo - 1);
    next = (ranges[i + 1] ?? 0) + 1;
  }
  if (next <= 0xffff) out.push(next, 0xffff);
  return out;
}

function inRanges(ranges: readonly number[], c: number): boolean {
  let lo = 0;
  let hi = (ranges.length >> 1) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (c < (ranges[2 * mid] ?? 0)) hi = mid - 1;
    else if (c > (ranges[2 * mid + 1] ?? 0)) lo = mid + 1;
    else return true;
  }
  return false;
}

const DIGIT = [0x30, 0x39];
const WORD = [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a];
/** JavaScript's `\s`: WhiteSpace and LineTerminator. */
const SPACE = normalize([
  0x09, 0x0d, 0x20, 0x20, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f,
  0x3000, 0x3000, 0xfeff, 0xfeff,
]);
const LINE_TERMINATORS = [0x0a, 0x0a, 0x0d, 0x0d, 0x2028, 0x2029];
const CLASS_ESCAPES: Readonly<Record<string, readonly number[]>> = {
  d: DIGIT,
  D: complement(DIGIT),
  w: WORD,
  W: complement(WORD),
  s: SPACE,
  S: complement(SPACE),
};

/** JavaScript's Canonicalize for `i` without `u`, and the code units sharing each canonical value. */
let folding: { readonly canon: Uint16Array; readonly classes: ReadonlyMap<number, readonly number[]> } | undefined;

function foldTables(): NonNullable<typeof folding> {
  if (folding) return folding;
  const canon = new Uint16Array(0x10000);
  for (let c = 0; c <= 0xffff; c++) {
    const upper = String.fromCharCode(c).toUpperCase();
    const u = upper.length === 1 ? upper.charCodeAt(0) : c;
    canon[c] = c >= 128 && u < 128 ? c : u;
  }
  const classes = new Map<number, number[]>();
  for (let c = 0; c <= 0xffff; c++) {
    const k = canon[c] ?? c;
    if (k === c) continue;
    let members = classes.get(k);
    if (!members) {
      members = canon[k] === k ? [k] : [];
      classes.set(k, members);
    }
    members.push(c);
  }
  folding = { canon, classes };
  return folding;
}

function setMatches(set: CharSet, c: number): boolean {
  let found = inRanges(set.ranges, c);
  if (!found && set.fold) {
    const tables = foldTables();
    const members = tables.classes.get(tables.canon[c] ?? c);
    if (members) found = members.some((m) => m !== c && inRanges(set.ranges, m));
  }
  return found !== set.negated;
}

// Assertions, and the context they read: the code unit before and after the position.

const INPUT_START = 0;
const LINE_START = 1;
const INPUT_END = 2;
const LINE_END = 3;
const WORD_BOUNDARY = 4;
const NOT_WORD_BOUNDARY = 5;

/** Start or end of the text, a line terminator, a word character, anything else. */
const EDGE = 0;
const LINE = 1;
const WORDY = 2;
const OTHER = 3;

const ASCII_CONTEXT = Uint8Array.from({ length: 128 }, (_, c) =>
  c === 10 || c === 13 ? LINE : inRanges(WORD, c) ? WORDY : OTHER,
);

function contextOf(c: number): number {
  if (c < 128) return ASCII_CONTEXT[c] ?? OTHER;
  return c === 0x2028 || c === 0x2029 ? LINE : OTHER;
}

function holds(assertion: number, before: number, after: number): boolean {
  switch (assertion) {
    case INPUT_START:
      return before === EDGE;
    case LINE_START:
      return before === EDGE || before === LINE;
    case INPUT_END:
      return after === EDGE;
    case LINE_END:
      return after === EDGE || after === LINE;
    case WORD_BOUNDARY:
      return (before === WORDY) !== (after === WORDY);
    default:
      return (before === WORDY) === (after === WORDY);
  }
}

// Parsing.

type Node =
  | { readonly type: 'set'; readonly set: CharSet }
  | { readonly type: 'seq'; readonly items: readonly Node[] }
  | { readonly type: 'alt'; readonly items: readonly Node[] }
  | { readonly type: 'repeat'; readonly node: Node; readonly min: number; readonly max: number }
  | { readonly type: 'assert'; readonly assertion: number };

interface Flags {
  readonly i: boolean;
  readonly m: boolean;
  readonly s: boolean;
}

/** A pattern this matcher cannot take: `invalid` (a syntax error) or `unsupported` (a real limit). */
class PatternError extends Error {
  constructor(
    message: string,
    readonly invalid = false,
  ) {
    super(message);
  }
}

const unsupported = (what: string) => new PatternError(what);
const invalid = (what: string) => new PatternError(what, true);

const BACKREFERENCES = 'backreferences are not supported (no linear-time matcher can run them)';

function applyFlags(flags: Flags, on: string, off: string): Flags {
  const next = { ...flags };
  for (const [letters, value] of [
    [on, true],
    [off, false],
  ] as const) {
    for (const f of letters) {
      if (f === 'i' || f === 'm' || f === 's') next[f] = value;
      else if (f === 'x') throw unsupported('the verbose flag (?x) is not supported');
      else throw unsupported(`the inline flag (?${f}) is not supported`);
    }
  }
  return next;
}

const QUANTIFIER = /^\{(\d+)(?:(,)(\d*))?\}/;

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly src: string) {}

  parse(flags: Flags): Node {
    let current = flags;
    // Leading inline flags apply to the whole pattern: (?i), (?s), (?im), (?i)(?s).
    for (let m = /^\(\?([imsxnUJ]*)(?:-([imsxnUJ]*))?\)/.exec(this.src); m; ) {
      if ((m[1] ?? '') === '' && (m[2] ?? '') === '') throw invalid('empty inline flags (?)');
      current = applyFlags(current, m[1] ?? '', m[2] ?? '');
      this.i += m[0].length;
      m = /^\(\?([imsxnUJ]*)(?:-([imsxnUJ]*))?\)/.exec(this.src.slice(this.i));
    }
    const node = this.alternation(current);
    if (this.i < this.src.length) throw invalid('unmatched )');
    return node;
  }

  private alternation(flags: Flags): Node {
    const items = [this.sequence(flags)];
    while (this.src[this.i] === '|') {
      this.i++;
      items.push(this.sequence(flags));
    }
    return items.length === 1 && items[0] ? items[0] : { type: 'alt', items };
  }

  private sequence(flags: Flags): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const atom = this.atom(flags);
      if (atom) items.push(this.quantified(atom));
    }
    return items.length === 1 && items[0] ? items[0] : { type: 'seq', items };
  }

  /** The quantifier at the cursor, if any, consumed. */
  private quantifier(): { min: number; max: number } | undefined {
    const c = this.src[this.i];
    if (c === '*' || c === '+' || c === '?') {
      this.i++;
      return { min: c === '+' ? 1 : 0, max: c === '?' ? 1 : Number.POSITIVE_INFINITY };
    }
    if (c !== '{') return undefined;
    const m = QUANTIFIER.exec(this.src.slice(this.i, this.i + 40));
    if (!m) return undefined;
    this.i += m[0].length;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Number.POSITIVE_INFINITY : Number(m[3]);
    if (min > max) throw invalid('numbers out of order in {} quantifier');
    if (min > MAX_REPEAT || (max !== Number.POSITIVE_INFINITY && max > MAX_REPEAT))
      throw unsupported(`a counted repetition above ${MAX_REPEAT} is not supported`);
    return { min, max };
  }

  private quantified(atom: Node): Node {
    const q = this.quantifier();
    if (!q) return atom;
    if (atom.type === 'assert') throw invalid('nothing to repeat');
    // A lazy quantifier gives the same yes/no answer as the greedy one.
    if (this.src[this.i] === '?') this.i++;
    else if (this.src[this.i] === '+') throw unsupported('possessive quantifiers are not supported');
    const at = this.i;
    if (this.quantifier()) {
      this.i = at;
      throw invalid('nothing to repeat');
    }
    return { type: 'repeat', node: atom, min: q.min, max: q.max };
  }

  private literal(code: number, flags: Flags): Node {
    if (flags.i) foldTables();
    return { type: 'set', set: { ranges: [code, code], negated: false, fold: flags.i } };
  }

  private atom(flags: Flags): Node | undefined {
    const c = this.src[this.i] ?? '';
    switch (c) {
      case '(':
        return this.group(flags);
      case '[':
        return this.charClass(flags);
      case '.':
        this.i++;
        return {
          type: 'set',
          set: { ranges: flags.s ? [0, 0xffff] : complement(LINE_TERMINATORS), negated: false, fold: false },
        };
      case '^':
        this.i++;
        return { type: 'assert', assertion: flags.m ? LINE_START : INPUT_START };
      case '$':
        this.i++;
        return { type: 'assert', assertion: flags.m ? LINE_END : INPUT_END };
      case '\\':
        return this.escape(flags);
      case '*':
      case '+':
      case '?':
        throw invalid('nothing to repeat');
      case '{':
        if (QUANTIFIER.test(this.src.slice(this.i, this.i + 40))) throw invalid('nothing to repeat');
        break;
      default:
        break;
    }
    this.i++;
    return this.literal(c.charCodeAt(0), flags);
  }

  private group(flags: Flags): Node | undefined {
    const rest = this.src.slice(this.i, this.i + 300);
    let inner = flags;
    if (rest.startsWith('(?')) {
      if (rest.startsWith('(?=') || rest.startsWith('(?!') || rest.startsWith('(?<=') || rest.startsWith('(?<!'))
        throw unsupported('lookahead and lookbehind assertions are not supported');
      if (rest.startsWith('(?>')) throw unsupported('atomic groups (?>...) are not supported');
      if (rest.startsWith('(?P=')) throw unsupported(BACKREFERENCES);
      if (/^\(\?(?:P>|R|&|[+-]?\d)/.test(rest)) throw unsupported('recursion and subroutine calls are not supported');
      if (rest.startsWith('(?|')) throw unsupported('branch reset groups (?|...) are not supported');
      if (rest.startsWith('(?#')) {
        const end = this.src.indexOf(')', this.i);
        if (end < 0) throw invalid('missing ) after comment');
        this.i = end + 1;
        return undefined;
      }
      const named = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
      const scoped = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])/.exec(rest);
      if (named) this.i += named[0].length;
      else if (scoped) {
        if (scoped[3] === ')')
          throw unsupported('inline flags are supported only at the start of the pattern, or scoped as (?i:...)');
        inner = applyFlags(flags, scoped[1] ?? '', scoped[2] ?? '');
        this.i += scoped[0].length;
      } else throw invalid(`unknown group syntax ${rest.slice(0, 4)}`);
    } else this.i++;
    if (++this.depth > MAX_GROUP_DEPTH)
      throw unsupported(`groups nested more than ${MAX_GROUP_DEPTH} deep are not supported`);
    const node = this.alternation(inner);
    this.depth--;
    if (this.src[this.i] !== ')') throw invalid('missing )');
    this.i++;
    // Wrapped, so that a group holding only an assertion, `(^)*`, may be repeated.
    return { type: 'seq', items: [node] };
  }

  /** A code unit written as an escape (the cursor after the backslash and letter). */
  private escapedCode(letter: string, inClass: boolean): number {
    const hex = (digits: string) => (/^[0-9a-fA-F]+$/.test(digits) ? Number.parseInt(digits, 16) : -1);
    switch (letter) {
      case 't':
        return 9;
      case 'n':
        return 10;
      case 'r':
        return 13;
      case 'f':
        return 12;
      case 'v':
        return 11;
      case 'b':
        if (inClass) return 8;
        break;
      case '0':
        if (/[0-9]/.test(this.src[this.i] ?? '')) throw unsupported('octal escapes are not supported');
        return 0;
      case 'x': {
        if (this.src[this.i] === '{') {
          const end = this.src.indexOf('}', this.i);
          const value = end < 0 ? -1 : hex(this.src.slice(this.i + 1, end));
          if (value < 0) throw invalid('malformed \\x{...} escape');
          if (value > 0xffff) throw unsupported('code points above U+FFFF in \\x{...} are not supported');
          this.i = end + 1;
          return value;
        }
        const value = hex(this.src.slice(this.i, this.i + 2));
        if (value < 0 || this.i + 2 > this.src.length) throw invalid('malformed \\x escape');
        this.i += 2;
        return value;
      }
      case 'u': {
        if (this.src[this.i] === '{') throw unsupported('\\u{...} escapes are not supported');
        const value = hex(this.src.slice(this.i, this.i + 4));
        if (value < 0 || this.i + 4 > this.src.length) throw invalid('malformed \\u escape');
        this.i += 4;
        return value;
      }
      case 'c': {
        const next = this.src[this.i] ?? '';
        if (!/[a-zA-Z]/.test(next)) throw invalid('malformed \\c escape');
        this.i++;
        return next.charCodeAt(0) % 32;
      }
      case 'k':
        throw unsupported(BACKREFERENCES);
      case 'p':
      case 'P':
        throw unsupported('Unicode property classes \\p{...} are not supported');
      default:
        break;
    }
    if (/[1-9]/.test(letter)) throw unsupported(inClass ? 'octal escapes are not supported' : BACKREFERENCES);
    if (/[a-zA-Z0-9]/.test(letter)) throw unsupported(`the escape \\${letter} is not supported`);
    return letter.charCodeAt(0);
  }

  private escape(flags: Flags): Node {
    const letter = this.src[this.i + 1];
    if (letter === undefined) throw invalid('\\ at end of pattern');
    this.i += 2;
    const ranges = CLASS_ESCAPES[letter];
    if (ranges) return { type: 'set', set: { ranges, negated: false, fold: false } };
    if (letter === 'b') return { type: 'assert', assertion: WORD_BOUNDARY };
    if (letter === 'B') return { type: 'assert', assertion: NOT_WORD_BOUNDARY };
    if (letter === 'A') return { type: 'assert', assertion: INPUT_START };
    if (letter === 'z' || letter === 'Z') return { type: 'assert', assertion: INPUT_END };
    return this.literal(this.escapedCode(letter, false), flags);
  }

  /** One member of a class: a code unit, or the ranges of a class escape. */
  private classAtom(): number | readonly number[] {
    const c = this.src[this.i] ?? '';
    if (c !== '\\') {
      this.i++;
      return c.charCodeAt(0);
    }
    const letter = this.src[this.i + 1];
    if (letter === undefined) throw invalid('\\ at end of pattern');
    this.i += 2;
    return CLASS_ESCAPES[letter] ?? this.escapedCode(letter, true);
  }

  private charClass(flags: Flags): Node {
    this.i++;
    let negated = false;
    if (this.src[this.i] === '^') {
      negated = true;
      this.i++;
    }
    const pairs: number[] = [];
    const add = (member: number | readonly number[]) => {
      if (typeof member === 'number') pairs.push(member, member);
      else pairs.push(...member);
    };
    for (let first = true; ; first = false) {
      if (this.i >= this.src.length) throw invalid('missing ] at the end of a character class');
      if (this.src[this.i] === ']' && !first) {
        this.i++;
        break;
      }
      if (/^\[[:.=]\^?[a-zA-Z]+[:.=]\]/.test(this.src.slice(this.i, this.i + 20)))
        throw unsupported('POSIX character classes such as [[:alpha:]] are not supported');
      const low = this.classAtom();
      if (this.src[this.i] === '-' && this.i + 1 < this.src.length && this.src[this.i + 1] !== ']') {
        this.i++;
        const high = this.classAtom();
        if (typeof low === 'number' && typeof high === 'number') {
          if (low > high) throw invalid('range out of order in character class');
          pairs.push(low, high);
        } else {
          // As JavaScript and PCRE read [\d-x]: the three members, the dash a literal.
          add(low);
          add(0x2d);
          add(high);
        }
      } else add(low);
    }
    // The case tables are built once, when a pattern needs them, not while matching.
    if (flags.i) foldTables();
    return { type: 'set', set: { ranges: normalize(pairs), negated, fold: flags.i } };
  }
}

/** Whether every match must start at the start of the text. */
function anchoredAtStart(node: Node): boolean {
  switch (node.type) {
    case 'assert':
      return node.assertion === INPUT_START;
    case 'seq':
      return node.items[0] !== undefined && anchoredAtStart(node.items[0]);
    case 'alt':
      return node.items.every(anchoredAtStart);
    case 'repeat':
      return node.min > 0 && anchoredAtStart(node.node);
    default:
      return false;
  }
}

/**
 * The longest literal every match contains (consecutive one-code-unit sets, outside alternations
 * and optional parts), so that a text without it is answered by one `includes`.
 */
function requiredLiteral(node: Node): string {
  return longestRun(node, (set) => {
    const [lo, hi] = set.ranges;
    if (lo === undefined || lo !== hi || set.ranges.length !== 2 || set.negated) return undefined;
    const caseless = !set.fold || !foldTables().classes.has(foldTables().canon[lo] ?? lo);
    return caseless ? String.fromCharCode(lo) : undefined;
  });
}

/**
 * The longest lower-case literal that the lower case of every match contains: as
 * {@link requiredLiteral}, and a set matching `w` and `W` (the `i` flag) counts as `w`. Only
 * printable ASCII, and only sets whose every member lower-cases to that one character (the
 * Kelvin sign to `k`), so that a text lower-cased holds it wherever the pattern matches: for
 * the prefilter, where `(?i)...werfaultsecure\.exe` would otherwise have no literal at all.
 */
function requiredLowerLiteral(node: Node): string {
  return longestRun(node, (set) => {
    const [lo, hi] = set.ranges;
    if (lo === undefined || lo !== hi || set.ranges.length !== 2 || set.negated) return undefined;
    const lower = String.fromCharCode(lo).toLowerCase();
    if (lower.length !== 1 || lower < ' ' || lower > '~') return undefined;
    const tables = foldTables();
    const members = set.fold ? (tables.classes.get(tables.canon[lo] ?? lo) ?? [lo]) : [lo];
    return members.every((m) => String.fromCharCode(m).toLowerCase() === lower) ? lower : undefined;
  });
}

/** At most this many literals in {@link requiredLowerAlternatives}' answer. */
const MAX_ALTERNATIVES = 8;

/**
 * The lower cases of the members of a set, when each is one printable ASCII character (as in
 * {@link requiredLowerLiteral}) and there are at most {@link MAX_ALTERNATIVES} of them.
 */
function lowerMembers(set: CharSet): string[] | undefined {
  if (set.negated) return undefined;
  const codes: number[] = [];
  for (let i = 0; i + 1 < set.ranges.length; i += 2) {
    const lo = set.ranges[i] as number;
    const hi = set.ranges[i + 1] as number;
    if (codes.length + hi - lo + 1 > MAX_ALTERNATIVES) return undefined;
    for (let c = lo; c <= hi; c++) codes.push(c);
  }
  const tables = set.fold ? foldTables() : undefined;
  const lowers = new Set<string>();
  for (const c of codes)
    for (const m of tables ? (tables.classes.get(tables.canon[c] ?? c) ?? [c]) : [c]) {
      const lower = String.fromCharCode(m).toLowerCase();
      if (lower.length !== 1 || lower < ' ' || lower > '~') return undefined;
      lowers.add(lower);
    }
  return lowers.size > 0 && lowers.size <= MAX_ALTERNATIVES ? [...lowers] : undefined;
}

/** The prefilter's measure (prefilter.ts, lengths up to the 20 characters it searches): fewer and longer literals are rarer in texts. */
function alternativesCost(literals: readonly string[]): number {
  let total = 0;
  for (const literal of literals) total += 1 / Math.min(literal.length, 20) ** 2;
  return total;
}

/**
 * Lower-case literals one of which the lower case of every match contains: runs of consecutive
 * required sets as in {@link requiredLowerLiteral}, but a set of a few characters (`[ "']`)
 * stands for each of them, so that `\.[ "']` gives `. `, `."` and `.'`; of the runs, the one
 * the prefilter finds rarest. Empty when none is known.
 */
function requiredLowerAlternatives(node: Node): string[] {
  let best: string[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length > 0 && (best.length === 0 || alternativesCost(run) < alternativesCost(best))) best = run;
    run = [];
  };
  const append = (chars: readonly string[]) => {
    if (run.length === 0) run = [''];
    if (run.length * chars.length > MAX_ALTERNATIVES) {
      flush();
      run = [''];
    }
    run = run.flatMap((prefix) => chars.map((c) => prefix + c));
  };
  const visit = (n: Node) => {
    if (n.type === 'seq') {
      for (const item of n.items) visit(item);
      return;
    }
    if (n.type === 'repeat' && n.min === 1 && n.max === 1) {
      visit(n.node);
      return;
    }
    const chars = n.type === 'set' ? lowerMembers(n.set) : undefined;
    if (chars !== undefined) {
      append(chars);
      return;
    }
    const repeated = n.type === 'repeat' && n.min >= 1 && n.node.type === 'set' ? lowerMembers(n.node.set) : undefined;
    if (repeated !== undefined) {
      // The run reaches into the first repetition; the last repetition starts the next run.
      append(repeated);
      flush();
      append(repeated);
      return;
    }
    flush();
    if (n.type === 'repeat' && n.min >= 1) {
      const inner = requiredLowerAlternatives(n.node);
      if (inner.length > 0 && (best.length === 0 || alternativesCost(inner) < alternativesCost(best))) best = inner;
    }
  };
  visit(node);
  flush();
  return best;
}

/**
 * The fewest characters (UTF-16 code units, as both engines read them) any match spans: a
 * shorter text cannot match, which is told before any search (`\s[a-fA-F0-9]{64}\s[a-fA-F0-9]{16}`
 * needs 82, more than most command lines hold).
 */
function shortestMatch(node: Node): number {
  switch (node.type) {
    case 'set':
      return 1;
    case 'assert':
      return 0;
    case 'seq':
      return node.items.reduce((n, item) => n + shortestMatch(item), 0);
    case 'alt':
      return node.items.length === 0 ? 0 : Math.min(...node.items.map(shortestMatch));
    case 'repeat':
      return node.min === 0 ? 0 : node.min * shortestMatch(node.node);
  }
}

/** The longest run of consecutive required sets that `char` reads as one character each. */
function longestRun(node: Node, char: (set: CharSet) => string | undefined): string {
  let best = '';
  let run = '';
  const flush = () => {
    if (run.length > best.length) best = run;
    run = '';
  };
  const visit = (n: Node) => {
    if (n.type === 'seq') {
      for (const item of n.items) visit(item);
      return;
    }
    if (n.type === 'set') {
      const c = char(n.set);
      if (c !== undefined) {
        run += c;
        return;
      }
    }
    flush();
    if (n.type === 'repeat' && n.min >= 1) {
      const inner = longestRun(n.node, char);
      if (inner.length > best.length) best = inner;
    }
  };
  visit(node);
  flush();
  return best;
}

// The NFA: state kinds, and its construction from the pattern, back to front.

const CHAR = 0;
const SPLIT = 1;
const ASSERT = 2;
const MATCH = 3;

class Nfa {
  readonly op: number[] = [];
  readonly out: number[] = [];
  readonly alt: number[] = [];
  /** The set's index for CHAR, the assertion for ASSERT. */
  readonly arg: number[] = [];
  readonly sets: CharSet[] = [];
  private readonly setIndex = new Map<CharSet, number>();
  hasAssertions = false;

  add(op: number, out: number, alt: number, arg: number): number {
    if (this.op.length >= MAX_NFA_STATES)
      throw unsupported(
        `the pattern needs more than ${MAX_NFA_STATES} automaton states (counted repetitions unrolled)`,
      );
    this.op.push(op);
    this.out.push(out);
    this.alt.push(alt);
    this.arg.push(arg);
    return this.op.length - 1;
  }

  /** The start of `node`'s states, which continue to `next`. */
  emit(node: Node, next: number): number {
    switch (node.type) {
      case 'set': {
        let index = this.setIndex.get(node.set);
        if (index === undefined) {
          index = this.sets.length;
          this.sets.push(node.set);
          this.setIndex.set(node.set, index);
        }
        return this.add(CHAR, next, -1, index);
      }
      case 'assert':
        this.hasAssertions = true;
        return this.add(ASSERT, next, -1, node.assertion);
      case 'seq': {
        let start = next;
        for (let k = node.items.length - 1; k >= 0; k--) {
          const item = node.items[k];
          if (item) start = this.emit(item, start);
        }
        return start;
      }
      case 'alt': {
        const starts = node.items.map((item) => this.emit(item, next));
        let start = starts[starts.length - 1] ?? next;
        for (let k = starts.length - 2; k >= 0; k--) start = this.add(SPLIT, starts[k] ?? next, start, 0);
        return start;
      }
      case 'repeat': {
        let start = next;
        if (node.max === Number.POSITIVE_INFINITY) {
          const loop = this.add(SPLIT, -1, next, 0);
          this.out[loop] = this.emit(node.node, loop);
          start = loop;
        } else {
          // x{0,k}: (x(x(...)?)?)?, each optional copy going on to the next one or out.
          for (let k = node.min; k < node.max; k++) start = this.add(SPLIT, this.emit(node.node, start), next, 0);
        }
        for (let k = 0; k < node.min; k++) start = this.emit(node.node, start);
        return start;
      }
    }
  }
}

// The lazy DFA.

/** A DFA state: the NFA states (CHAR and pending ASSERT) alive after some text, and the context before. */
interface DState {
  readonly context: number;
  readonly states: Int32Array;
  readonly pending: boolean;
  /** Transitions on ASCII code units: the next state, `null` for a match, `undefined` when not yet known. */
  readonly ascii: Array<DState | null | undefined>;
  wide: Map<number, DState | null> | undefined;
  /** Whether the text may end here for a match, once known. */
  atEnd: boolean | undefined;
}

/** A compiled pattern; `test` tells whether it matches somewhere in a text. */
export class LinearRegex {
  private readonly op: Int32Array;
  private readonly out: Int32Array;
  private readonly alt: Int32Array;
  private readonly arg: Int32Array;
  private readonly sets: readonly CharSet[];
  private readonly marks: Int32Array;
  private generation = 0;
  private readonly stack: number[] = [];
  private readonly cache = new Map<string, DState>();
  private wideCount = 0;
  private start: DState | undefined;
  /** The start's closure, added at every position for an unanchored search (empty when anchored). */
  private readonly restart: Int32Array;
  private readonly startStates: Int32Array;
  private readonly alwaysMatches: boolean;
  private readonly dead: DState;
  /** Whether any assertion needs the context; without one, every state has context 0. */
  private readonly contextual: boolean;
  /** NFA states, for limits and reports. */
  readonly size: number;
  /** A literal every match contains ('' when there is none). */
  readonly literal: string;
  /** A lower-case literal that every match, lower-cased, contains ('' when there is none). */
  readonly lowerLiteral: string;
  /** Lower-case literals one of which every match, lower-cased, contains (none when none is known). */
  readonly lowerAlternatives: readonly string[];
  /** The fewest characters a match spans: no shorter text matches. */
  readonly shortest: number;

  /** @internal Use {@link compileLinearRegex}. */
  constructor(
    nfa: Nfa,
    startState: number,
    anchored: boolean,
    literal: string,
    lowerLiteral = '',
    lowerAlternatives: readonly string[] = [],
    shortest = 0,
  ) {
    this.literal = literal;
    this.shortest = shortest;
    this.lowerLiteral = lowerLiteral;
    this.lowerAlternatives = lowerAlternatives;
    this.op = Int32Array.from(nfa.op);
    this.out = Int32Array.from(nfa.out);
    this.alt = Int32Array.from(nfa.alt);
    this.arg = Int32Array.from(nfa.arg);
    this.sets = nfa.sets;
    this.size = nfa.op.length;
    this.marks = new Int32Array(this.size);
    this.contextual = nfa.hasAssertions;
    const list: number[] = [];
    this.generation++;
    this.alwaysMatches = this.closure(startState, list, -1, -1);
    this.startStates = Int32Array.from(this.sorted(list));
    this.restart = anchored ? new Int32Array(0) : this.startStates;
    this.dead = this.newState(0, new Int32Array(0));
  }

  private newState(context: number, states: Int32Array): DState {
    let pending = false;
    for (const s of states) if (this.op[s] === ASSERT) pending = true;
    return { context, states, pending, ascii: new Array(128), wide: undefined, atEnd: undefined };
  }

  /**
   * Adds to `list` the CHAR states (and, without a context, the ASSERT states) reachable from `s`
   * through splits (and through assertions that hold between `before` and `after`); true when
   * the match state is reached. States already marked in this generation are skipped.
   */
  private closure(s: number, list: number[], before: number, after: number): boolean {
    const { op, out, alt, arg, marks, stack, generation } = this;
    let matched = false;
    stack.push(s);
    while (stack.length > 0) {
      const t = stack.pop() ?? 0;
      if (marks[t] === generation) continue;
      marks[t] = generation;
      switch (op[t]) {
        case CHAR:
          list.push(t);
          break;
        case SPLIT:
          stack.push(alt[t] ?? 0, out[t] ?? 0);
          break;
        case ASSERT:
          if (before < 0) list.push(t);
          else if (holds(arg[t] ?? 0, before, after)) stack.push(out[t] ?? 0);
          break;
        default:
          matched = true;
      }
    }
    return matched;
  }

  /**
   * `list` in increasing order, in O(NFA size) at worst: a long list is read back from the marks
   * of this generation (every CHAR or ASSERT state marked in a generation was added to its list).
   */
  private sorted(list: number[]): number[] {
    if (list.length <= 64) return list.sort((a, b) => a - b);
    const { op, marks, generation } = this;
    const out: number[] = [];
    for (let s = 0; s < this.size; s++)
      if (marks[s] === generation && (op[s] === CHAR || op[s] === ASSERT)) out.push(s);
    return out;
  }

  private intern(context: number, list: number[]): DState {
    // State numbers stay below MAX_NFA_STATES, so one code unit each.
    const key = String.fromCharCode(context, ...list);
    const known = this.cache.get(key);
    if (known) return known;
    if (this.cache.size >= MAX_DFA_STATES) this.flush();
    const state = this.newState(context, Int32Array.from(list));
    this.cache.set(key, state);
    return state;
  }

  private flush(): void {
    this.cache.clear();
    this.wideCount = 0;
    this.start = undefined;
  }

  private startState(): DState {
    this.start ??= this.intern(0, [...this.startStates]);
    return this.start;
  }

  /** The state after `from` reads `c`, or null when a match ends at `c`. */
  private step(from: DState, c: number): DState | null {
    const after = contextOf(c);
    let alive: ArrayLike<number> = from.states;
    if (from.pending) {
      // Settle the assertions pending before `c`, now that the code unit after is known.
      const list: number[] = [];
      this.generation++;
      let matched = false;
      for (const s of from.states) matched = this.closure(s, list, from.context, after) || matched;
      if (matched) return this.remember(from, c, null);
      alive = list;
    }
    const { op, out, arg, sets, marks } = this;
    const list: number[] = [];
    this.generation++;
    for (let k = 0; k < alive.length; k++) {
      const s = alive[k] ?? 0;
      if (op[s] !== CHAR) continue;
      const set = sets[arg[s] ?? 0];
      if (set && setMatches(set, c) && this.closure(out[s] ?? 0, list, -1, -1)) return this.remember(from, c, null);
    }
    for (const s of this.restart) {
      if (marks[s] !== this.generation) {
        marks[s] = this.generation;
        list.push(s);
      }
    }
    const next = list.length === 0 ? this.dead : this.intern(this.contextual ? after : 0, this.sorted(list));
    return this.remember(from, c, next);
  }

  private remember(from: DState, c: number, next: DState | null): DState | null {
    if (c < 128) from.ascii[c] = next;
    else {
      if (this.wideCount >= MAX_WIDE_TRANSITIONS) this.flush();
      from.wide ??= new Map();
      from.wide.set(c, next);
      this.wideCount++;
    }
    return next;
  }

  private endsHere(state: DState): boolean {
    if (state.atEnd === undefined) {
      let matched = false;
      if (state.pending) {
        this.generation++;
        const list: number[] = [];
        for (const s of state.states) matched = this.closure(s, list, state.context, EDGE) || matched;
      }
      state.atEnd = matched;
    }
    return state.atEnd;
  }

  /** Whether the pattern matches somewhere in `text`. */
  test(text: string): boolean {
    if (this.alwaysMatches) return true;
    if (text.length < this.shortest) return false;
    if (this.literal !== '' && !text.includes(this.literal)) return false;
    const dead = this.dead;
    let state = this.startState();
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let next = c < 128 ? state.ascii[c] : state.wide?.get(c);
      if (next === undefined) next = this.step(state, c);
      if (next === null) return true;
      if (next === dead) return false;
      state = next;
    }
    return this.endsHere(state);
  }
}

export type LinearCompiled =
  | { readonly ok: true; readonly regex: LinearRegex }
  | { readonly ok: false; readonly reason: string; readonly invalid: boolean };

/** Compiles a Sigma regular expression with flags among `i`, `m`, `s`; refused with a reason otherwise. */
export function compileLinearRegex(pattern: string, flags = ''): LinearCompiled {
  try {
    const unknown = [...flags].find((f) => f !== 'i' && f !== 'm' && f !== 's');
    if (unknown !== undefined) throw unsupported(`the flag ${unknown} is not supported`);
    const node = new Parser(pattern).parse({ i: flags.includes('i'), m: flags.includes('m'), s: flags.includes('s') });
    const nfa = new Nfa();
    const start = nfa.emit(node, nfa.add(MATCH, -1, -1, 0));
    return {
      ok: true,
      regex: new LinearRegex(
        nfa,
        start,
        anchoredAtStart(node),
        requiredLiteral(node),
        requiredLowerLiteral(node),
        requiredLowerAlternatives(node),
        shortestMatch(node),
      ),
    };
  } catch (error) {
    if (!(error instanceof PatternError)) throw error;
    return {
      ok: false,
      reason: error.invalid ? `invalid regular expression: ${error.message}` : error.message,
      invalid: error.invalid,
    };
  }
}

/** Whether `pattern` matches somewhere in `text`; throws when the pattern is refused. */
export function linearMatch(pattern: string, text: string, flags = ''): boolean {
  const compiled = compileLinearRegex(pattern, flags);
  if (!compiled.ok) throw new Error(compiled.reason);
  return compiled.regex.test(text);
}
