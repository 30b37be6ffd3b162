/**
 * Literal prefiltering, for throughput. Most rules can only match if some field contains
 * some literal text (`Image|endswith: '\whoami.exe'` needs "\whoami.exe" in Image). Each
 * rule gets such a hint: up to four groups of field/literal alternatives, every group needing
 * one hit (`Image` has "\cmd.exe" and `CommandLine` has one of "/c del", "/c copy"), or none
 * when it cannot be told (`not`, `re`, `exists`). For each pool of rules one gram scanner
 * (grams.ts) per field finds, in one pass over each of the event's values, which literals
 * occur, over the fields the event may have (`FieldPicker`); only the rules whose every group
 * has a hit, and those without a hint, are evaluated. Hints are necessary conditions: they
 * narrow to the rules that could match, never drop one that would.
 */
import { type ConditionNode, identifiersMatching } from './condition.js';
import { type EventView, FieldPicker } from './fields.js';
import { folded, GramScanner } from './grams.js';

/** Field / lower-case literal alternatives: one of them must occur. */
export type HintGroup = ReadonlyArray<{ readonly field: string; readonly literal: string }>;
/** Groups that must all be satisfied; `undefined` when nothing can be required. */
export type Hint = readonly HintGroup[] | undefined;

/** More groups cost more bookkeeping per hit than they save beyond this. */
const MAX_GROUPS = 4;

/**
 * Lower is better: many or short literals are more often present. Length counts up to the part
 * the scanner searches: `\appdata\local\packages\kalilinux` is rarer than `:\users\`, which
 * a cap at 8 characters priced alike (and kept, as the first of equals, in WSL Kali's hint).
 */
function cost(group: HintGroup): number {
  let total = 0;
  for (const { literal } of group) total += 1 / Math.min(literal.length, MAX_PREFILTER_LITERAL) ** 2;
  return total;
}

/** A hint of one group. */
export function groupHint(group: HintGroup): Hint {
  return normalise([group]);
}

/** Groups with an empty literal always hold: they are dropped; no group left means no hint. */
function normalise(groups: readonly HintGroup[]): Hint {
  let kept = groups.filter((g) => g.length > 0 && g.every((h) => h.literal !== ''));
  if (kept.length === 0) return undefined;
  // Keyword groups make every event's whole text be read and scanned: only when nothing else is known.
  const onFields = kept.filter((g) => g.every((h) => h.field !== ''));
  if (onFields.length > 0) kept = onFields;
  return kept.sort((a, b) => cost(a) - cost(b)).slice(0, MAX_GROUPS);
}

/** All must hold: every requirement of every part holds (the most selective are kept). */
export function allHint(hints: readonly Hint[]): Hint {
  return normalise(hints.flatMap((h) => h ?? []));
}

/**
 * One must hold: (A1 and A2) or (B1 and B2) implies (A1 or B1), (A1 or B2), (A2 or B1) and
 * (A2 or B2), each a necessary group by itself; the most selective of these unions are kept,
 * so that a rule whose parts each need a rare literal is not evaluated on a common one of the
 * first part's (`Image` has "\windows\" and `CommandLine` ".exe\..\"). None if a part has none.
 */
export function anyHint(hints: readonly Hint[]): Hint {
  let unions: HintGroup[] = [[]];
  for (const hint of hints) {
    if (!hint || hint.length === 0) return undefined;
    const next: HintGroup[] = [];
    for (const union of unions) for (const group of hint) next.push([...union, ...group]);
    // Any subset of the unions is still necessary: the cheapest few go on to the next part.
    unions = next.length > MAX_GROUPS ? next.sort((a, b) => cost(a) - cost(b)).slice(0, MAX_GROUPS) : next;
  }
  return normalise(unions);
}

export function conditionHint(node: ConditionNode, hints: ReadonlyMap<string, Hint>): Hint {
  switch (node.kind) {
    case 'ref':
      return hints.get(node.name);
    case 'not':
      return undefined;
    case 'and':
      return allHint(node.operands.map((o) => conditionHint(o, hints)));
    case 'or':
      return anyHint(node.operands.map((o) => conditionHint(o, hints)));
    case 'of': {
      const names = identifiersMatching(node.pattern, [...hints.keys()]);
      const parts = names.map((n) => hints.get(n));
      return node.count === 'all' ? allHint(parts) : anyHint(parts);
    }
  }
}

export interface AutomatonOptions {
  /**
   * Every character outside ASCII read as one and the same character. The automaton then finds
   * a superset of the occurrences (never fewer), in a table as narrow as ASCII: right for the
   * prefilter, whose hits are only necessary conditions, wrong for an exact test.
   */
  readonly foldNonAscii?: boolean;
}

/**
 * Aho-Corasick over UTF-16 code units, compiled to a full transition table: characters
 * that occur in some pattern get a column, every other character leads back to the root, so
 * a scan costs one table read per character. (Rows only for shallow states, with failure
 * links below, measured slower on SigmaHQ's literals: scans go deep in Windows paths.) A
 * table entry is the next state's row offset, negated (less one) when that state ends a
 * pattern, so that the scan reads one array per character, not two.
 */
export class Automaton {
  private readonly width: number;
  private readonly delta: Int32Array;
  /** Pattern ids ending at each state, by state number. */
  private readonly out: Array<readonly number[] | undefined>;
  private readonly ascii = new Int32Array(128);
  private readonly other = new Map<number, number>();
  /** The column of every non-ASCII character when folding, or -1. */
  private readonly folded: number;

  constructor(patterns: readonly string[], options: AutomatonOptions = {}) {
    // Column per distinct character; 0 is "no pattern has it".
    let columns = 1;
    let folded = -1;
    for (const pattern of patterns) {
      for (let i = 0; i < pattern.length; i++) {
        const c = pattern.charCodeAt(i);
        if (c >= 128 && options.foldNonAscii) {
          if (folded < 0) folded = columns++;
        } else if (c < 128 ? this.ascii[c] === 0 : !this.other.has(c)) {
          if (c < 128) this.ascii[c] = columns++;
          else this.other.set(c, columns++);
        }
      }
    }
    // Folding with no non-ASCII pattern character: every non-ASCII character is column 0.
    this.folded = options.foldNonAscii ? Math.max(folded, 0) : -1;
    this.width = columns;
    const children: Array<Map<number, number>> = [new Map()];
    const outs: number[][] = [[]];
    patterns.forEach((pattern, id) => {
      let state = 0;
      for (let i = 0; i < pattern.length; i++) {
        const k = this.column(pattern.charCodeAt(i));
        let to = children[state]?.get(k);
        if (to === undefined) {
          to = children.length;
          children.push(new Map());
          outs.push([]);
          children[state]?.set(k, to);
        }
        state = to;
      }
      outs[state]?.push(id);
    });
    const delta = new Int32Array(children.length * columns);
    const fail = new Int32Array(children.length);
    // Breadth-first: each state's row is its children over its failure state's row.
    const queue: number[] = [];
    for (const [k, to] of children[0] ?? []) {
      delta[k] = to;
      queue.push(to);
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head] as number;
      const f = fail[state] as number;
      outs[state]?.push(...(outs[f] ?? []));
      delta.copyWithin(state * columns, f * columns, f * columns + columns);
      for (const [k, to] of children[state] ?? []) {
        fail[to] = delta[f * columns + k] as number;
        delta[state * columns + k] = to;
        queue.push(to);
      }
    }
    // State numbers to row offsets, flagged when the state ends a pattern.
    for (let i = 0; i < delta.length; i++) {
      const to = delta[i] as number;
      delta[i] = (outs[to]?.length ?? 0) > 0 ? -(to * columns) - 1 : to * columns;
    }
    this.delta = delta;
    this.out = outs.map((o) => (o.length > 0 ? o : undefined));
  }

  private column(c: number): number {
    if (c < 128) return this.ascii[c] as number;
    return this.folded >= 0 ? this.folded : (this.other.get(c) ?? 0);
  }

  /** Whether any pattern occurs in the text. */
  any(text: string): boolean {
    const { delta, ascii, other, folded } = this;
    let row = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const k = c < 128 ? (ascii[c] as number) : folded >= 0 ? folded : (other.get(c) ?? 0);
      row = delta[row + k] as number;
      if (row < 0) return true;
    }
    return false;
  }

  /** Calls `found` with the id of every pattern occurrence (repeats included). */
  scan(text: string, found: (id: number) => void): void {
    const { delta, width, out, ascii, other, folded } = this;
    let row = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const k = c < 128 ? (ascii[c] as number) : folded >= 0 ? folded : (other.get(c) ?? 0);
      row = delta[row + k] as number;
      if (row < 0) {
        row = -row - 1;
        const hits = out[row / width] as readonly number[];
        for (const id of hits) found(id);
      }
    }
  }

  /**
   * Appends to `ids` the id of each pattern that occurs in the text and whose `seen` slot is not
   * yet `mark` (then sets it): each pattern once per mark, without a callback per occurrence.
   */
  collect(text: string, seen: Uint32Array, mark: number, ids: number[]): void {
    const { delta, width, out, ascii, other, folded } = this;
    let row = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const k = c < 128 ? (ascii[c] as number) : folded >= 0 ? folded : (other.get(c) ?? 0);
      row = delta[row + k] as number;
      if (row < 0) {
        row = -row - 1;
        const hits = out[row / width] as readonly number[];
        for (let h = 0; h < hits.length; h++) {
          const id = hits[h] as number;
          if (seen[id] !== mark) {
            seen[id] = mark;
            ids.push(id);
          }
        }
      }
    }
  }
}

/**
 * The prefilter searches at most this many characters of each literal (its end: the end of a
 * path or a command is the telling part). A value holding the literal holds its end, so no
 * rule is lost. (Aho-Corasick tables needed it to stay below hundreds of MB; the gram scanner
 * keeps it to bound each check in place.)
 */
export const MAX_PREFILTER_LITERAL = 20;

/**
 * One field's scanner, and for each of its literal ids the (entry, group) codes it satisfies:
 * `codes[from[id]..from[id + 1]]` (flat, so that a hit reads no scattered arrays).
 */
interface FieldScan {
  readonly field: string;
  readonly scanner: GramScanner;
  readonly from: Int32Array;
  readonly codes: Int32Array;
  readonly seen: Uint32Array;
}

/** Hits kept in `Prefilter.ids` before it is emptied. */
const IDS_KEPT = 1024;

/** Sorted in place, ascending: an insertion sort, as candidates are few (`sort` with a comparator cost more). */
function sortSmall(list: number[]): number[] {
  if (list.length > 64) return list.sort((a, b) => a - b);
  for (let i = 1; i < list.length; i++) {
    const value = list[i] as number;
    let j = i - 1;
    while (j >= 0 && (list[j] as number) > value) {
      list[j + 1] = list[j] as number;
      j--;
    }
    list[j + 1] = value;
  }
  return list;
}

/** A pool of tests with hints: which of them are worth evaluating on an event. */
export class Prefilter {
  /** Per field tested by some hint (keywords apart): its scanner. */
  private readonly fields: FieldScan[] = [];
  private readonly picker: FieldPicker;
  /** Keyword literals, searched in every value of the event. */
  private readonly keywords: FieldScan | undefined;
  private readonly always: number[] = [];
  private readonly need: Uint8Array;
  private readonly count: Uint8Array;
  private readonly entryStamp: Uint32Array;
  private readonly groupStamp: Uint32Array;
  private readonly ids: number[] = [];
  private generation = 0;

  constructor(hints: readonly Hint[]) {
    this.need = new Uint8Array(hints.length);
    this.count = new Uint8Array(hints.length);
    this.entryStamp = new Uint32Array(hints.length);
    this.groupStamp = new Uint32Array(hints.length * MAX_GROUPS);
    const byField = new Map<string, Map<string, number[]>>();
    hints.forEach((hint, index) => {
      if (!hint || hint.length === 0) {
        this.always.push(index);
        return;
      }
      this.need[index] = hint.length;
      hint.forEach((group, g) => {
        const code = index * MAX_GROUPS + g;
        for (const { field, literal } of group) {
          const literals = byField.get(field) ?? new Map<string, number[]>();
          byField.set(field, literals);
          const searched = folded(
            literal.length > MAX_PREFILTER_LITERAL ? literal.slice(-MAX_PREFILTER_LITERAL) : literal,
          );
          const targets = literals.get(searched) ?? [];
          if (!targets.includes(code)) targets.push(code);
          literals.set(searched, targets);
        }
      });
    });
    let keywords: FieldScan | undefined;
    for (const [field, literals] of byField) {
      const targets = [...literals.values()];
      const from = new Int32Array(targets.length + 1);
      targets.forEach((codes, id) => {
        from[id + 1] = (from[id] as number) + codes.length;
      });
      const scan: FieldScan = {
        field,
        scanner: new GramScanner([...literals.keys()]),
        from,
        codes: new Int32Array(targets.flat()),
        seen: new Uint32Array(literals.size),
      };
      if (field === '') keywords = scan;
      else this.fields.push(scan);
    }
    this.keywords = keywords;
    this.picker = new FieldPicker(this.fields.map((f) => f.field));
  }

  /** Indexes (in increasing order) of the entries that may match this event. */
  candidates(view: EventView): number[] {
    this.generation = (this.generation + 1) >>> 0;
    if (this.generation === 0) {
      // Wrapped after 2^32 events: a stamp left from the last cycle would read as "seen now".
      this.generation = 1;
      this.entryStamp.fill(0);
      this.groupStamp.fill(0);
      for (const scan of this.fields) scan.seen.fill(0);
      this.keywords?.seen.fill(0);
    }
    const hits = this.always.slice();
    // Only the fields the event may have: reading the others would find nothing to scan.
    const picked = this.picker.pick(view);
    const { texts } = this.picker;
    for (let p = 0; p < picked.length; p++) {
      const scan = this.fields[picked[p] as number] as FieldScan;
      // As they are: the scanners match lower-cased literals in lower case (grams.ts).
      const text = texts[p];
      if (text !== undefined) this.scan(scan, text, hits);
      else this.scan(scan, view.field(scan.field).strings, hits);
    }
    if (this.keywords) this.scan(this.keywords, view.allValues().strings, hits);
    return sortSmall(hits);
  }

  /** Scans one field's values (or one value); entries whose every group is now satisfied go to `hits`. */
  private scan({ scanner, from, codes, seen }: FieldScan, texts: string | readonly string[], hits: number[]): void {
    if (texts.length === 0) return;
    const { need, count, entryStamp, groupStamp, generation, ids } = this;
    // The list grows from field to field, emptied only when long: setting an array's length is a
    // call into the runtime (40 ns, as long as scanning a short value takes) and there are ~20
    // fields to scan per event.
    if (ids.length > IDS_KEPT) ids.length = 0;
    const start = ids.length;
    if (typeof texts === 'string') scanner.collect(texts, seen, generation, ids);
    else for (let t = 0; t < texts.length; t++) scanner.collect(texts[t] as string, seen, generation, ids);
    for (let n = start; n < ids.length; n++) {
      const id = ids[n] as number;
      const last = from[id + 1] as number;
      for (let c = from[id] as number; c < last; c++) {
        const code = codes[c] as number;
        if (groupStamp[code] === generation) continue;
        groupStamp[code] = generation;
        const index = (code / MAX_GROUPS) | 0;
        if (entryStamp[index] !== generation) {
          entryStamp[index] = generation;
          count[index] = 0;
        }
        count[index] = (count[index] as number) + 1;
        if (count[index] === need[index]) hits.push(index);
      }
    }
  }
}
