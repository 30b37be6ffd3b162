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
import { Automaton, allHint, anyHint, groupHint, type Hint } from './prefilter.js';
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
      return (read) => read.strings.some((s) => s.trim() !== '' && ok(Number(s)));
    }
    case 're': {
      const flags = (has('i') ? 'i' : '') + (has('m') ? 'm' : '') + (has('s') ? 's' : '');
      // JavaScript's engine when the pattern cannot backtrack badly, else the linear-time matcher.
      const regex = compileSigmaRegex(scalarText(raw, path), flags);
      if (!regex.ok) throw new RuleCompileError(`re: ${regex.reason}`, path, regex.invalid ? 'invalid' : 'unsupported');
      const { test } = regex;
      // Only the first MAX_REGEX_INPUT characters of a value are searched (see safe-regex.ts).
      const readTest: ReadTest = (read) =>
        read.strings.some((s) => test(s.length > MAX_REGEX_INPUT ? s.slice(0, MAX_REGEX_INPUT) : s));
      // For the prefilter: a literal every match contains, lower-cased (`(?i)` patterns have one too),
      // else a few short ones one of which every match contains (`\.[ "']`: `. `, `."`, `.'`).
      if (regex.lowerLiteral.length >= 3) LITERALS.set(readTest, [regex.lowerLiteral]);
      else if (regex.lowerAlternatives.length > 0) LITERALS.set(readTest, regex.lowerAlternatives);
      return readTest;
    }
    case 'cidr': {
      const test = cidrTest(scalarText(raw, path));
      if (!test) throw new RuleCompileError(`cidr: not an address range: ${JSON.stringify(raw)}`, path);
      return (read) => read.strings.some(test);
    }
    case 'fieldref': {
      const other = scalarText(raw, path);
      const placement = modifiers.find((m) => PLACEMENTS.has(m));
      const cased = has('cased');
      return (read, view) => {
        const ref = view.field(other);
        const mine = cased ? read.strings : read.lower;
        const theirs = cased ? ref.strings : ref.lower;
        return mine.some((a) =>
          theirs.some((b) =>
            placement === 'contains'
              ? a.includes(b)
              : placement === 'startswith'
                ? a.startsWith(b)
                : placement === 'endswith'
                  ? a.endsWith(b)
                  : a === b,
          ),
        );
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
  const any = tests.length === 1 && tests[0] ? tests[0] : (s: string) => tests.some((t) => t(s));
  const test: ReadTest = cased ? (read) => read.strings.some(any) : (read) => read.lower.some(any);
  // For the prefilter: the longest literal piece of each variant, which a match must contain.
  LITERALS.set(
    test,
    variants.map((v) => longestLiteral(place(v.pattern, placement)).toLowerCase()),
  );
  if (!cased) {
    const pieces = variants.map((v) => place(v.pattern, placement));
    const lower = (p: Pattern, at: number) => String(p[at]).toLowerCase();
    // Empty pieces (a placeholder expanded to '') stay with the per-value tests: every value
    // contains and ends with '', which neither the automaton nor the suffix index says.
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

/** Case-insensitive substrings that are the whole of a value's test, when that is all it is. */
const CONTAINS = new WeakMap<ReadTest, readonly string[]>();

/** From this many substrings on, one automaton pass beats a search per substring. */
const AUTOMATON_FROM = 8;

/** Literals a value's test needs (one of them), set by `valueTest` when it can tell. */
const LITERALS = new WeakMap<ReadTest, readonly string[]>();

function longestLiteral(pattern: Pattern): string {
  let best = '';
  for (const part of pattern) if (typeof part === 'string' && part.length > best.length) best = part;
  return best;
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
): { test: EventTest; hint: Hint } {
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
  const substrings = tests.map((t) => CONTAINS.get(t));
  const automaton =
    !all && substrings.every((s) => s !== undefined) && substrings.flat().length >= AUTOMATON_FROM
      ? new Automaton(substrings.flat() as string[])
      : undefined;
  const equals = all ? [] : tests.map((t) => EQUALS.get(t));
  const equalTo =
    equals.length > 1 && equals.every((e) => e !== undefined) ? new Set(equals.flat() as string[]) : undefined;
  const suffixes = all ? [] : tests.map((t) => SUFFIXES.get(t));
  const suffixed =
    suffixes.every((e) => e !== undefined) && suffixes.flat().length >= SUFFIX_INDEX_FROM
      ? suffixTest(suffixes.flat() as string[])
      : undefined;
  // Lists of plain values (a set), of suffixes (by their ends) or of substrings (an automaton): one test, not one per item.
  const combined: ReadTest = automaton
    ? (read) => read.lower.some((s) => automaton.any(s))
    : equalTo
      ? (read) => read.lower.some((s) => equalTo.has(s))
      : suffixed
        ? (read) => read.lower.some(suffixed)
        : tests.length === 1 && tests[0]
          ? tests[0]
          : all
            ? (read, view) => tests.every((t) => t(read, view))
            : (read, view) => tests.some((t) => t(read, view));
  const neq = modifiers.includes('neq');
  const test: ReadTest = neq ? (read, view) => read.present && !combined(read, view) : combined;
  const hints: Hint[] = tests.map((t) => {
    const literals = LITERALS.get(t);
    return literals ? groupHint(literals.map((literal) => ({ field, literal }))) : undefined;
  });
  const hint = neq ? undefined : all ? allHint(hints) : anyHint(hints);
  if (field === '') return { test: (view) => test(view.allValues(), view), hint };
  const read = fieldReader(field);
  return { test: (view) => test(read(view), view), hint };
}
