/**
 * One `field|modifier|...: value(s)` entry of a detection, compiled to a test on an event.
 * Modifiers of Sigma 2.x: value transforms (base64, base64offset, utf16le/utf16be/utf16/wide,
 * windash, expand) applied in the order written, then the comparison (equality with wildcards,
 * contains/startswith/endswith, re, cidr, lt/lte/gt/gte, exists, fieldref), then `all`, `cased`
 * and `neq`. Matching is case-insensitive unless `cased` is given or the value was encoded
 * (base64 text is case-sensitive by nature).
 */
import { cidrTest } from './cidr.js';
import { type EventView, type FieldRead, fieldReader } from './fields.js';
import { belowDel, GramScanner } from './grams.js';
import {
  allHint,
  anyHint,
  type Facts,
  type FieldLiteral,
  groupHint,
  type Hint,
  type HintLiteral,
  NO_FACTS,
} from './prefilter.js';
import { RuleCompileError } from './rule.js';
import { compileSigmaRegex, MAX_REGEX_INPUT } from './safe-regex.js';
import { ANY, literalPattern, mapLiterals, type Pattern, parsePattern, patternTest, patternText } from './wildcard.js';

export type EventTest = (view: EventView) => boolean;

export interface CompileOptions {
  /** Values for `expand` placeholders (`%Domains%` → its list); without one, `expand` is unsupported. */
  readonly placeholders?: Readonly<Record<string, readonly string[]>>;
}

/** Options of one rule's compilation: a budget shared by all its values (see `MAX_RULE_PATTERNS`). */
export interface EntryOptions extends CompileOptions {
  readonly budget?: { patterns: number };
}

const TRANSFORMS = new Set(['base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide', 'windash', 'expand']);
const PLACEMENTS = new Set(['contains', 'startswith', 'endswith']);
const COMPARISONS = new Set(['re', 'cidr', 'lt', 'lte', 'gt', 'gte', 'exists', 'fieldref']);
const FLAGS = new Set(['all', 'cased', 'neq', 'i', 'm', 's']);

/** At most this many variants from windash or expand per value, to keep compiled rules small. */
const MAX_VARIANTS = 4096;

/** At most this many compiled patterns (values × their variants) in one rule, or it is refused. */
export const MAX_RULE_PATTERNS = 20_000;

/** A value on its way through the transforms: its pattern, and whether it is now bytes. */
interface Variant {
  readonly pattern: Pattern;
  /** Encoded (utf16, base64): compared case-sensitively, and base64 reads it as bytes. */
  readonly binary: boolean;
}

function utf8Binary(text: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) out += String.fromCharCode(byte);
  return out;
}

function utf16(text: string, bigEndian: boolean): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const low = String.fromCharCode(code & 0xff);
    const high = String.fromCharCode(code >> 8);
    out += bigEndian ? high + low : low + high;
  }
  return out;
}

/** The three base64 renderings of `bytes` at any offset in a longer text, as Sigma defines them. */
function base64Offsets(bytes: string): string[] {
  const starts = [0, 2, 3];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const encoded = btoa(' '.repeat(i) + bytes);
    const endCut = [0, 3, 2][(bytes.length + i) % 3] ?? 0;
    out.push(encoded.slice(starts[i], encoded.length - endCut));
  }
  return out;
}

/** Windows accepts these characters where a `-` or `/` starts a command-line flag. */
const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];

function windashVariants(literal: string): string[] {
  const positions: number[] = [];
  const re = /\B[-/]\b/g;
  for (let m = re.exec(literal); m; m = re.exec(literal)) positions.push(m.index);
  let variants = [literal];
  for (const at of positions) {
    variants = variants.flatMap((v) => DASHES.map((d) => v.slice(0, at) + d + v.slice(at + 1)));
    if (variants.length > MAX_VARIANTS)
      throw new RuleCompileError('windash makes too many variants', '', 'unsupported');
  }
  return variants;
}

/** Every pattern obtained by replacing each literal piece with each of its variants. */
function expandLiterals(pattern: Pattern, f: (literal: string) => string[]): Pattern[] {
  let out: Array<Array<string | typeof ANY | 1>> = [[]];
  for (const part of pattern) {
    const options = typeof part === 'string' ? f(part) : [part];
    out = out.flatMap((prefix) => options.map((o) => [...prefix, o]));
    if (out.length > MAX_VARIANTS) throw new RuleCompileError('too many value variants', '', 'unsupported');
  }
  return out;
}

function applyTransform(name: string, variant: Variant, options: CompileOptions, path: string): Variant[] {
  const { pattern } = variant;
  switch (name) {
    case 'utf16le':
    case 'wide':
      return [{ pattern: mapLiterals(pattern, (t) => utf16(t, false)), binary: true }];
    case 'utf16be':
      return [{ pattern: mapLiterals(pattern, (t) => utf16(t, true)), binary: true }];
    case 'utf16':
      return [{ pattern: mapLiterals(pattern, (t) => `\xff\xfe${utf16(t, false)}`), binary: true }];
    case 'base64':
    case 'base64offset': {
      const text = patternText(pattern);
      if (text === undefined) throw new RuleCompileError(`${name} cannot encode a value with wildcards`, path);
      const bytes = variant.binary ? text : utf8Binary(text);
      const encoded = name === 'base64' ? [btoa(bytes)] : base64Offsets(bytes);
      return encoded.map((e) => ({ pattern: literalPattern(e), binary: true }));
    }
    case 'windash':
      return expandLiterals(pattern, windashVariants).map((p) => ({ pattern: p, binary: variant.binary }));
    case 'expand':
      return expandLiterals(pattern, (literal) => {
        const pieces = literal.split(/(%[A-Za-z0-9_]+%)/);
        let texts = [''];
        for (const piece of pieces) {
          const name = /^%([A-Za-z0-9_]+)%$/.exec(piece)?.[1];
          let values: readonly string[] = [piece];
          if (name !== undefined) {
            const given = options.placeholders?.[name];
            if (!given)
              throw new RuleCompileError(`expand: no value given for placeholder %${name}%`, path, 'unsupported');
            values = given;
          }
          texts = texts.flatMap((t) => values.map((v) => t + v));
        }
        return texts;
      }).map((p) => ({ pattern: p, binary: variant.binary }));
    default:
      throw new RuleCompileError(`unknown modifier: ${name}`, path);
  }
}

const STAR: Pattern = [ANY];
const NONE: Pattern = [];

function place(pattern: Pattern, placement: string | undefined): Pattern {
  const before = pattern[0] === ANY ? NONE : STAR;
  const after = pattern[pattern.length - 1] === ANY || pattern.length === 0 ? NONE : STAR;
  if (placement === 'contains') return [...before, ...pattern, ...(pattern.length === 0 ? NONE : after)];
  if (placement === 'startswith') return [...pattern, ...(pattern.length === 0 ? STAR : after)];
  if (placement === 'endswith') return [...before, ...pattern];
  return pattern;
}

/** A test on one field read from the event. */
type ReadTest = (read: FieldRead, view: EventView) => boolean;

function scalarText(value: unknown, path: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new RuleCompileError(`expected a text or number value, got ${JSON.stringify(value)}`, path);
}

function numberValue(value: unknown, path: string): number {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  if (!Number.isFinite(n))
    throw new RuleCompileError(`numeric comparison needs a number, got ${JSON.stringify(value)}`, path);
  return n;
}

/** Tests for one value (any of its variants may match). */
function valueTest(raw: unknown, modifiers: readonly string[], options: EntryOptions, path: string): ReadTest {
  const has = (m: string) => modifiers.includes(m);
  const comparison = modifiers.find((m) => COMPARISONS.has(m));
  if (raw === null) {
    if (comparison !== undefined || modifiers.some((m) => TRANSFORMS.has(m) || PLACEMENTS.has(m)))
      throw new RuleCompileError('null cannot be combined with modifiers', path);
    return (read) => !read.present || read.isNull;
  }
  switch (comparison) {
    case 'exists': {
      if (typeof raw !== 'boolean') throw new RuleCompileError('exists needs true or false', path);
      return (read) => read.present === raw;
    }
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte': {
      const bound = numberValue(raw, path);
      const ok =
        comparison === 'lt'
          ? (n: number) => n < bound
          : comparison === 'lte'
            ? (n: number) => n <= bound
            : comparison === 'gt'
              ? (n: number) => n > bound
              : (n: number) => n >= bound;
      const compared = (s: string) => s.trim() !== '' && ok(Number(s));
      return (read) => someOf(read.strings, compared);
    }
    case 're': {
      const flags = (has('i') ? 'i' : '') + (has('m') ? 'm' : '') + (has('s') ? 's' : '');
      // JavaScript's engine when the pattern cannot backtrack badly, else the linear-time matcher.
      const regex = compileSigmaRegex(scalarText(raw, path), flags);
      if (!regex.ok) throw new RuleCompileError(`re: ${regex.reason}`, path, regex.invalid ? 'invalid' : 'unsupported');
      const { test } = regex;
      // Only the first MAX_REGEX_INPUT characters of a value are searched (see safe-regex.ts).
      const search = (s: string) => test(s.length > MAX_REGEX_INPUT ? s.slice(0, MAX_REGEX_INPUT) : s);
      const readTest: ReadTest = (read) => someOf(read.strings, search);
      // For the prefilter: a literal every match contains, lower-cased (`(?i)` patterns have one too),
      // else a few short ones one of which every match contains (`\.[ "']`: `. `, `."`, `.'`).
      if (regex.lowerLiteral.length >= 3) LITERALS.set(readTest, [{ literal: regex.lowerLiteral }]);
      else if (regex.lowerAlternatives.length > 0)
        LITERALS.set(
          readTest,
          regex.lowerAlternatives.map((literal) => ({ literal })),
        );
      return readTest;
    }
    case 'cidr': {
      const test = cidrTest(scalarText(raw, path));
      if (!test) throw new RuleCompileError(`cidr: not an address range: ${JSON.stringify(raw)}`, path);
      return (read) => someOf(read.strings, test);
    }
    case 'fieldref': {
      const other = scalarText(raw, path);
      const placement = modifiers.find((m) => PLACEMENTS.has(m));
      const cased = has('cased');
      const readOther = fieldReader(other);
      const some =
        placement === 'contains'
          ? someIncludes
          : placement === 'startswith'
            ? someStartsWith
            : placement === 'endswith'
              ? someEndsWith
              : someEquals;
      return (read, view) => {
        const ref = readOther(view);
        if (cased) return some(read.strings, ref.strings);
        // Equality on lower case: most pairs (Image and ParentImage) differ in length already.
        if (some === someEquals && !mayEqualLowered(read.strings, ref.strings)) return false;
        return some(read.lower, ref.lower);
      };
    }
    default:
      break;
  }
  let variants: Variant[] = [{ pattern: parsePattern(scalarText(raw, path)), binary: false }];
  for (const m of modifiers) {
    if (TRANSFORMS.has(m)) {
      variants = variants.flatMap((v) => applyTransform(m, v, options, path));
      if (variants.length > MAX_VARIANTS) throw new RuleCompileError('too many value variants', path, 'unsupported');
    }
  }
  if (options.budget) {
    options.budget.patterns += variants.length;
    if (options.budget.patterns > MAX_RULE_PATTERNS)
      throw new RuleCompileError(
        `the rule compiles to more than ${MAX_RULE_PATTERNS} patterns (values and their variants)`,
        path,
        'unsupported',
      );
  }
  const placement = modifiers.find((m) => PLACEMENTS.has(m));
  const cased = has('cased') || variants.some((v) => v.binary);
  const tests = variants.map((v) => {
    const placed = place(v.pattern, placement);
    return patternTest(cased ? placed : mapLiterals(placed, (t) => t.toLowerCase()));
  });
  const any =
    tests.length === 1 && tests[0]
      ? tests[0]
      : (s: string) => {
          for (let i = 0; i < tests.length; i++) if ((tests[i] as (value: string) => boolean)(s)) return true;
          return false;
        };
  const test: ReadTest = cased ? (read) => someOf(read.strings, any) : (read) => someOf(read.lower, any);
  // For the prefilter: the longest literal piece of each variant, which a match must contain;
  // and the variants that are one literal piece, which a value holding it (as placed) matches.
  const placedVariants = variants.map((v) => place(v.pattern, placement));
  LITERALS.set(test, placedVariants.map(hintLiteral));
  if (!cased) SURE.set(test, placedVariants.filter(isOnePiece).map(hintLiteral));
  if (!cased) {
    const pieces = variants.map((v) => place(v.pattern, placement));
    const lower = (p: Pattern, at: number) => String(p[at]).toLowerCase();
    // Empty pieces (a placeholder expanded to '') stay with the per-value tests: every value
    // contains and ends with '', which neither the substring search nor the suffix index says.
    if (placement === 'contains' && pieces.every((p) => p.length === 3 && typeof p[1] === 'string' && p[1] !== ''))
      CONTAINS.set(
        test,
        pieces.map((p) => lower(p, 1)),
      );
    if (placement === undefined && pieces.every((p) => p.length === 1 && typeof p[0] === 'string'))
      EQUALS.set(
        test,
        pieces.map((p) => lower(p, 0)),
      );
    if (
      placement === 'endswith' &&
      pieces.every((p) => p.length === 2 && p[0] === ANY && typeof p[1] === 'string' && p[1] !== '')
    )
      SUFFIXES.set(
        test,
        pieces.map((p) => lower(p, 1)),
      );
    if (
      placement === 'startswith' &&
      pieces.every((p) => p.length === 2 && p[1] === ANY && typeof p[0] === 'string' && p[0] !== '')
    )
      PREFIXES.set(
        test,
        pieces.map((p) => lower(p, 0)),
      );
  }
  return test;
}

/** Case-insensitive values that are the whole of a value's test (equality), when that is all it is. */
const EQUALS = new WeakMap<ReadTest, readonly string[]>();

/** Case-insensitive suffixes that are the whole of a value's test (`endswith`), when that is all it is. */
const SUFFIXES = new WeakMap<ReadTest, readonly string[]>();

/** From this many suffixes on, looking up a value's end beats an `endsWith` per suffix. */
const SUFFIX_INDEX_FROM = 8;

/**
 * Whether a value ends with one of many non-empty suffixes: the suffixes by their last `n`
 * characters (`n` the shortest one's length), so a value is checked against those sharing its
 * end only (`Image|endswith` lists of 50 programs, nearly all ending in `.exe`).
 */
function suffixTest(suffixes: readonly string[]): (value: string) => boolean {
  const n = Math.min(...suffixes.map((x) => x.length));
  const byEnd = new Map<string, string[]>();
  for (const x of new Set(suffixes)) {
    const end = x.slice(-n);
    const list = byEnd.get(end);
    if (list) list.push(x);
    else byEnd.set(end, [x]);
  }
  return (value) => {
    if (value.length < n) return false;
    const list = byEnd.get(value.slice(-n));
    if (list === undefined) return false;
    for (let i = 0; i < list.length; i++) if (value.endsWith(list[i] as string)) return true;
    return false;
  };
}

/** Case-insensitive prefixes that are the whole of a value's test (`startswith`), when that is all it is. */
const PREFIXES = new WeakMap<ReadTest, readonly string[]>();

/** Whether some value passes `test`: a loop, where `some` with an arrow made an object at every call. */
function someOf(values: readonly string[], test: (value: string) => boolean): boolean {
  for (let i = 0; i < values.length; i++) if (test(values[i] as string)) return true;
  return false;
}

/** Whether some value holds, starts with, ends with or is one of `texts`: loops without a closure per text. */
function someIncludes(values: readonly string[], texts: readonly string[]): boolean {
  for (let i = 0; i < values.length; i++)
    for (let t = 0; t < texts.length; t++) if ((values[i] as string).includes(texts[t] as string)) return true;
  return false;
}
function someStartsWith(values: readonly string[], texts: readonly string[]): boolean {
  for (let i = 0; i < values.length; i++)
    for (let t = 0; t < texts.length; t++) if ((values[i] as string).startsWith(texts[t] as string)) return true;
  return false;
}
function someEndsWith(values: readonly string[], texts: readonly string[]): boolean {
  for (let i = 0; i < values.length; i++)
    for (let t = 0; t < texts.length; t++) if ((values[i] as string).endsWith(texts[t] as string)) return true;
  return false;
}
function someEquals(values: readonly string[], texts: readonly string[]): boolean {
  for (let i = 0; i < values.length; i++)
    for (let t = 0; t < texts.length; t++) if (values[i] === texts[t]) return true;
  return false;
}

/**
 * Whether some value and some other text may be equal once both are lower-cased: lower case
 * keeps a text's length, but for `İ` (U+0130, the one character whose lower case is two), so
 * texts of other lengths are told apart without lower-casing either.
 */
function mayEqualLowered(values: readonly string[], others: readonly string[]): boolean {
  for (let i = 0; i < values.length; i++)
    for (let j = 0; j < others.length; j++) {
      const value = values[i] as string;
      const other = others[j] as string;
      if (value.length === other.length || value.includes('\u0130') || other.includes('\u0130')) return true;
    }
  return false;
}

/** Case-insensitive substrings that are the whole of a value's test, when that is all it is. */
const CONTAINS = new WeakMap<ReadTest, readonly string[]>();

/**
 * Whether a lower-case text holds one of many lower-case substrings, in one pass of the gram
 * scanner (grams.ts), in tables of a few KB: an Aho-Corasick table took MB for some rules (4 MB
 * for 300 registry paths), read cold at every evaluation. The scanner finds exactly those below
 * DEL in a lower-case text; a substring with other characters it finds wherever the text holds it
 * and maybe more (it reads them all as one), so that one is looked up again as it is.
 */
function substringSearch(substrings: readonly string[]): (text: string) => boolean {
  // Built on first use: most rules never see an event of their log source in a given run, and
  // building every list's tables was a fifth of compiling the SigmaHQ tree.
  let scanner: GramScanner | undefined;
  const exact = substrings.map(belowDel);
  const seen = new Uint32Array(substrings.length);
  const found = new Int32Array(substrings.length);
  let mark = 0;
  return (text) => {
    scanner ??= new GramScanner(substrings);
    mark = (mark + 1) >>> 0;
    if (mark === 0) {
      // Wrapped after 2^32 texts: a mark left from the last cycle would read as "found now".
      seen.fill(0);
      mark = 1;
    }
    const count = scanner.collect(text, seen, mark, found, 0);
    for (let i = 0; i < count; i++) {
      const id = found[i] as number;
      if (exact[id] || text.includes(substrings[id] as string)) return true;
    }
    return false;
  };
}

/** From this many substrings on, one scan beats a search per substring. */
const SUBSTRING_SEARCH_FROM = 8;

/**
 * Literals any one of which, standing where said, makes a value's test true: set by `valueTest`
 * for case-insensitive tests, from the variants that are one literal piece, placed.
 */
const SURE = new WeakMap<ReadTest, readonly HintLiteral[]>();

/** A placed pattern that is one non-empty literal piece: `x`, `*x`, `x*` or `*x*`. */
function isOnePiece(pattern: Pattern): boolean {
  const pieces = pattern.filter((part) => part !== ANY);
  return pieces.length === 1 && typeof pieces[0] === 'string' && pieces[0] !== '';
}

/** Literals a value's test needs (one of them), set by `valueTest` when it can tell. */
const LITERALS = new WeakMap<ReadTest, readonly HintLiteral[]>();

/**
 * The longest literal piece of a placed pattern, lower-cased, and where a matching value holds
 * it: the whole value, its start or its end when the piece is the pattern's first or last part.
 */
function hintLiteral(pattern: Pattern): HintLiteral {
  let at = -1;
  let best = '';
  pattern.forEach((part, i) => {
    if (typeof part === 'string' && part.length > best.length) {
      best = part;
      at = i;
    }
  });
  const literal = best.toLowerCase();
  if (at < 0) return { literal };
  if (pattern.length === 1) return { literal, anchor: 'whole' };
  if (at === pattern.length - 1) return { literal, anchor: 'end' };
  if (at === 0) return { literal, anchor: 'start' };
  return { literal };
}

/**
 * One test for a list of values (any of them, or all with `all`): lists of plain values (a set),
 * of suffixes (by their ends) or of substrings (one scan: `substringSearch`) when long; fewer plain values,
 * substrings, prefixes or suffixes compared in a loop, not through a test per item.
 */
function combine(tests: readonly ReadTest[], all: boolean): ReadTest {
  const single = tests.length === 1 || !all;
  const plain = (info: WeakMap<ReadTest, readonly string[]>) => {
    const lists = single ? tests.map((t) => info.get(t)) : [];
    return lists.length > 0 && lists.every((l) => l !== undefined) ? (lists.flat() as string[]) : undefined;
  };
  const included = plain(CONTAINS);
  if (included && included.length >= SUBSTRING_SEARCH_FROM) {
    const held = substringSearch(included);
    return (read) => someOf(read.lower, held);
  }
  const equal = plain(EQUALS);
  if (equal && tests.length > 1) {
    const equalTo = new Set(equal);
    const held = (s: string) => equalTo.has(s);
    return (read) => someOf(read.lower, held);
  }
  const ended = plain(SUFFIXES);
  if (ended && ended.length >= SUFFIX_INDEX_FROM) {
    const suffixed = suffixTest(ended);
    return (read) => someOf(read.lower, suffixed);
  }
  if (included) return (read) => someIncludes(read.lower, included);
  const started = plain(PREFIXES);
  if (started) return (read) => someStartsWith(read.lower, started);
  if (ended) return (read) => someEndsWith(read.lower, ended);
  if (equal) return (read) => someEquals(read.lower, equal);
  if (tests.length === 1 && tests[0]) return tests[0];
  if (all)
    return (read, view) => {
      for (let i = 0; i < tests.length; i++) if (!(tests[i] as ReadTest)(read, view)) return false;
      return true;
    };
  return (read, view) => {
    for (let i = 0; i < tests.length; i++) if ((tests[i] as ReadTest)(read, view)) return true;
    return false;
  };
}

/** Splits `Field|mod1|mod2` into its field (empty for keywords) and modifiers, checked. */
export function parseFieldKey(key: string, path: string): { field: string; modifiers: string[] } {
  const [field = '', ...modifiers] = key.split('|');
  for (const m of modifiers) {
    if (!TRANSFORMS.has(m) && !PLACEMENTS.has(m) && !COMPARISONS.has(m) && !FLAGS.has(m))
      throw new RuleCompileError(`unknown modifier: ${m}`, path);
  }
  const comparisons = modifiers.filter((m) => COMPARISONS.has(m));
  if (comparisons.length > 1)
    throw new RuleCompileError(`modifiers ${comparisons.join(' and ')} cannot be combined`, path);
  if (modifiers.filter((m) => PLACEMENTS.has(m)).length > 1)
    throw new RuleCompileError('only one of contains, startswith, endswith may be given', path);
  if (modifiers.some((m) => m === 'i' || m === 'm' || m === 's') && !modifiers.includes('re'))
    throw new RuleCompileError('flags i, m, s apply to re only', path);
  return { field, modifiers };
}

/** A whole entry: its values (a list means any of them, or all with `all`), on its field. */
export function compileEntry(
  key: string,
  value: unknown,
  options: EntryOptions,
  path: string,
): { test: EventTest; hint: Hint; facts: Facts } {
  const parsed = parseFieldKey(key, path);
  const { field } = parsed;
  // A keyword is searched anywhere in the event's text, as full-text search does.
  const modifiers =
    field === '' && !parsed.modifiers.some((m) => PLACEMENTS.has(m) || COMPARISONS.has(m))
      ? [...parsed.modifiers, 'contains']
      : parsed.modifiers;
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0) throw new RuleCompileError('empty list of values', path);
  const tests = values.map((v, i) => {
    if (typeof v === 'object' && v !== null)
      throw new RuleCompileError('a value must be text, a number, a boolean or null', `${path}/${i}`);
    try {
      return valueTest(v, modifiers, options, Array.isArray(value) ? `${path}/${i}` : path);
    } catch (error) {
      if (error instanceof RuleCompileError && error.path === '')
        throw new RuleCompileError(error.message, path, error.kind);
      throw error;
    }
  });
  const all = modifiers.includes('all');
  const neq = modifiers.includes('neq');
  const combined = combine(tests, all);
  const test: ReadTest = neq ? (read, view) => read.present && !combined(read, view) : combined;
  const hints: Hint[] = tests.map((t) => {
    const literals = LITERALS.get(t);
    return literals ? groupHint(literals.map((l) => ({ field, ...l }))) : undefined;
  });
  const hint = neq ? undefined : all ? allHint(hints) : anyHint(hints);
  if (field === '') return { test: (view) => test(view.allValues(), view), hint, facts: NO_FACTS };
  // One value's sure literal makes the list true, unless all must hold; `neq` turns it false.
  const sure: FieldLiteral[] =
    all && tests.length > 1 ? [] : tests.flatMap((t) => (SURE.get(t) ?? []).map((l) => ({ field, ...l })));
  const facts: Facts = neq ? { sure: [], veto: sure } : { sure, veto: [] };
  const read = fieldReader(field);
  return { test: (view) => test(read(view), view), hint, facts };
}
