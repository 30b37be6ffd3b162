/**
 * Literal prefiltering, for throughput. Most rules can only match if some field contains
 * some literal text (`Image|endswith: '\whoami.exe'` needs "\whoami.exe" at the end of Image).
 * Each rule gets such a hint: up to four groups of field/literal alternatives, each literal
 * anywhere or where its value's pattern puts it (the whole value, its start, its end), every
 * group needing one hit (`Image` ends with "\cmd.exe" and `CommandLine` has one of "/c del",
 * "/c copy"), or none when it cannot be told (`not`, `re`, `exists`). And vetoes, the converse:
 * literals any one of which makes the rule false (`not filter` where the filter is found). For
 * each pool of rules one gram scanner (grams.ts) per field finds, in one pass over each of the
 * event's values, which literals occur, over the fields the event may have (`FieldPicker`);
 * only the rules whose every group has a hit and none of whose vetoes is found, and those
 * without a hint and not vetoed, are evaluated. Hints are necessary conditions and vetoes
 * sufficient ones: they narrow to the rules that could match, never drop one that would.
 */
import { type ConditionNode, identifiersMatching } from './condition.js';
import { type EventView, FieldPicker } from './fields.js';
import { belowDel, folded, GramScanner, gateFor, type Place } from './grams.js';

/**
 * Where in a value a literal must stand: the whole value, its start or its end; anywhere when
 * not said.
 */
export type Anchor = 'whole' | 'start' | 'end';
/** A lower-case literal, and where a value must hold it. */
export interface HintLiteral {
  readonly literal: string;
  readonly anchor?: Anchor;
}
/** A literal of a field ('' for keywords: any value of the event). */
export type FieldLiteral = HintLiteral & { readonly field: string };
/** Field / lower-case literal alternatives: one of them must occur. */
export type HintGroup = ReadonlyArray<FieldLiteral>;
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

/** Whether a group has a keyword literal: a hit may be in any value of the event. */
function needsKeywords(group: HintGroup): boolean {
  return group.some((h) => h.field === '');
}

/**
 * Groups with an empty literal always hold: they are dropped; no group left means no hint. The
 * most selective groups on fields are kept, then the most selective keyword groups: a pool
 * uses these only if it scans every value of its events anyway (see `Prefilter`).
 */
function normalise(groups: readonly HintGroup[]): Hint {
  const kept = groups.filter((g) => g.length > 0 && g.every((h) => h.literal !== ''));
  if (kept.length === 0) return undefined;
  return cheapestGroups(kept);
}

/** The `MAX_GROUPS` most selective groups on fields, then the `MAX_GROUPS` most selective keyword groups. */
function cheapestGroups(groups: HintGroup[]): HintGroup[] {
  const cheapest = (list: HintGroup[]) => list.sort((a, b) => cost(a) - cost(b)).slice(0, MAX_GROUPS);
  return [...cheapest(groups.filter((g) => !needsKeywords(g))), ...cheapest(groups.filter(needsKeywords))];
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
    unions = cheapestGroups(next);
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

/**
 * Sufficient conditions, the converse of hints: any one of the `sure` literals standing where
 * said in its field makes a test true, any one of the `veto` literals makes it false. A
 * selection `Image|endswith: '.exe'` is sure when an Image value ends with `.exe`, and `not`
 * turns that into a veto: `Execution Of Non-Existing File` need not be evaluated on an event
 * whose Image holds a backslash.
 */
export interface Facts {
  readonly sure: readonly FieldLiteral[];
  readonly veto: readonly FieldLiteral[];
}

export const NO_FACTS: Facts = { sure: [], veto: [] };

/** All must hold: one veto of any part makes it false; a sure literal of one part only if it is the only part. */
export function allFacts(parts: readonly Facts[]): Facts {
  if (parts.length === 1) return parts[0] as Facts;
  return { sure: [], veto: parts.flatMap((p) => p.veto) };
}

/** One must hold: one sure literal of any part makes it true; a veto of one part only if it is the only part. */
export function anyFacts(parts: readonly Facts[]): Facts {
  if (parts.length === 1) return parts[0] as Facts;
  return { sure: parts.flatMap((p) => p.sure), veto: [] };
}

export function conditionFacts(node: ConditionNode, facts: ReadonlyMap<string, Facts>): Facts {
  switch (node.kind) {
    case 'ref':
      return facts.get(node.name) ?? NO_FACTS;
    case 'not': {
      const inner = conditionFacts(node.operand, facts);
      return { sure: inner.veto, veto: inner.sure };
    }
    case 'and':
      return allFacts(node.operands.map((o) => conditionFacts(o, facts)));
    case 'or':
      return anyFacts(node.operands.map((o) => conditionFacts(o, facts)));
    case 'of': {
      const parts = identifiersMatching(node.pattern, [...facts.keys()]).map((n) => facts.get(n) ?? NO_FACTS);
      if (node.count === 'all') return allFacts(parts);
      // `2 of` and up: no one literal tells.
      return node.count === 1 ? anyFacts(parts) : NO_FACTS;
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
 * One field's scanner, and for each of its literal ids the codes of what a hit says: an entry's
 * first group is satisfied (the entry's index), or an entry is vetoed (`vetoCode`), in
 * `codes[from[id]..from[id + 1]]` (flat, so that a hit reads no scattered arrays).
 */
interface FieldScan {
  readonly field: string;
  readonly scanner: GramScanner;
  readonly from: Int32Array;
  readonly codes: Int32Array;
  readonly seen: Uint32Array;
}

/** What the scanner searches of a literal: its end (see `MAX_PREFILTER_LITERAL`), folded. */
const searchedText = (literal: string): string =>
  folded(literal.length > MAX_PREFILTER_LITERAL ? literal.slice(-MAX_PREFILTER_LITERAL) : literal);

/** Codes of vetoes are below zero, those of groups not. */
const vetoCode = (index: number): number => -1 - index;

/**
 * Whether the scanner finding the literal means that the value holds it, lower-cased, where
 * said: below DEL (the scanner folds other characters into one), searched whole.
 */
function foundExactly({ field, literal }: FieldLiteral): boolean {
  return field !== '' && literal !== '' && literal.length <= MAX_PREFILTER_LITERAL && belowDel(literal);
}

/** The first `count` entries sorted in place, ascending: an insertion sort, as candidates are few (`sort` with a comparator cost more). */
function sortSmall(list: number[], count: number): void {
  if (count > 64) {
    const sorted = list.slice(0, count).sort((a, b) => a - b);
    for (let i = 0; i < count; i++) list[i] = sorted[i] as number;
    return;
  }
  for (let i = 1; i < count; i++) {
    const value = list[i] as number;
    let j = i - 1;
    while (j >= 0 && (list[j] as number) > value) {
      list[j + 1] = list[j] as number;
      j--;
    }
    list[j + 1] = value;
  }
}

/** One literal of a field as searched, where it must stand, and the codes its hits give. */
interface Searched {
  readonly text: string;
  readonly place: Place;
  readonly codes: number[];
  /** Hint groups that hold it. */
  uses: number;
  /** Its index in `Prefilter.seen`. */
  slot: number;
}

/**
 * Where the last `searched` characters of a literal of `length` must stand in a value: from
 * the start when the literal starts it (at `length - searched`), up to the end when it ends it.
 */
function placeOf(anchor: Anchor | undefined, length: number, searched: number): Place {
  const start = anchor === 'start' || anchor === 'whole' ? length - searched : -1;
  return { start, atEnd: anchor === 'end' || anchor === 'whole' };
}

/**
 * A pool of tests with hints and vetoes: which of them are worth evaluating on an event. A test
 * is left out when a group of its hint has no hit, or when one of its vetoes is found (vetoes
 * that the scanner would find inexactly are not used). The hits of each test's first group (the
 * one whose literals fewest other groups hold: `\cmd.exe`, which 120 rules ask for, is no rare
 * sight in events either) are counted as the fields are scanned; its other groups are looked
 * up afterwards, in the literals found, for the few tests whose first group had a hit.
 */
export class Prefilter {
  /** Per field tested by some hint or veto (keywords apart): its scanner. */
  private readonly fields: FieldScan[] = [];
  private readonly picker: FieldPicker;
  /** Keyword literals, searched in every value of the event. */
  private readonly keywords: FieldScan | undefined;
  private readonly always: number[] = [];
  /**
   * The other groups of entry `e`: groups `groupsFrom[e]` to `groupsFrom[e + 1]`, group `g` the
   * literals `literalsFrom[g]` to `literalsFrom[g + 1]`, literal `l` found when
   * `seen[literalSlot[l]]` is the event's mark.
   */
  private readonly groupsFrom: Int32Array;
  private readonly literalsFrom: Int32Array;
  private readonly literalSlot: Int32Array;
  /** Per literal of every field: the mark of the last event it was found in (each field's scanner has its part). */
  private readonly seen: Uint32Array;
  private readonly entryStamp: Uint32Array;
  private readonly vetoStamp: Uint32Array;
  /** Entries vetoed on the event at hand. */
  private vetoed = 0;
  /** Entries with other groups whose first group had a hit on the event at hand (the first `pendingCount`). */
  private readonly pending: number[] = [];
  private pendingCount = 0;
  /**
   * The entries `select` chose, in its first entries (as many as it said). These arrays are
   * written over, never emptied: an emptied array drops its storage, and refilling it allocated
   * anew at every event.
   */
  readonly selected: number[] = [];
  private selectedCount = 0;
  /** Literal ids the scanners found on the event at hand (the first `foundCount`): room for each literal once. */
  private readonly found: Int32Array;
  private foundCount = 0;
  private generation = 0;

  constructor(hints: readonly Hint[], vetoes: ReadonlyArray<readonly FieldLiteral[]> = []) {
    this.entryStamp = new Uint32Array(hints.length);
    this.vetoStamp = new Uint32Array(hints.length);
    const byField = new Map<string, Map<string, Searched>>();
    const searchedOf = ({ field, literal, anchor }: FieldLiteral): Searched => {
      const literals = byField.get(field) ?? new Map<string, Searched>();
      byField.set(field, literals);
      const text = searchedText(literal);
      // Keywords are searched in values one by one, anywhere.
      const place = placeOf(field === '' ? undefined : anchor, literal.length, text.length);
      const key = `${place.start},${place.atEnd}\u0000${text}`;
      let searched = literals.get(key);
      if (!searched) {
        searched = { text, place, codes: [], uses: 0, slot: -1 };
        literals.set(key, searched);
      }
      return searched;
    };
    // A keyword group makes every value of every event be scanned. A rule with groups on fields
    // too uses its keyword groups only in a pool whose keyword rules have every value scanned in
    // full anyway (their literals have no small gate, see grams.ts): then they cost little, and
    // the rule is evaluated on a keyword hit only. Sigma's web rules pair keyword lists with
    // `cs-method: GET`, which nearly every request has; Windows pools keep their Mimikatz gate.
    const keywordOnly = (hint: Hint) => hint !== undefined && hint.length > 0 && hint.every(needsKeywords);
    const keywordTexts = hints
      .filter(keywordOnly)
      .flatMap((hint) => (hint ?? []).flat().flatMap((l) => (l.field === '' ? [searchedText(l.literal)] : [])));
    const scannedInFull = keywordTexts.length > 0 && gateFor(keywordTexts) === undefined;
    const groups = hints.map((hint) =>
      (hint ?? [])
        .filter((group) => scannedInFull || keywordOnly(hint) || !needsKeywords(group))
        .map((group) => [...new Set(group.map(searchedOf))]),
    );
    for (const entry of groups) for (const group of entry) for (const searched of group) searched.uses++;
    const others = groups.map((entry, index) => {
      if (entry.length === 0) {
        this.always.push(index);
        return [];
      }
      let first = 0;
      let least = Number.POSITIVE_INFINITY;
      entry.forEach((group, g) => {
        const uses = group.reduce((n, searched) => n + searched.uses, 0);
        if (uses < least) {
          least = uses;
          first = g;
        }
      });
      for (const searched of entry[first] as Searched[]) searched.codes.push(index);
      return entry.filter((_, g) => g !== first);
    });
    vetoes.forEach((list, index) => {
      if (index >= hints.length) return;
      for (const literal of list) {
        if (!foundExactly(literal)) continue;
        const { codes } = searchedOf(literal);
        if (!codes.includes(vetoCode(index))) codes.push(vetoCode(index));
      }
    });
    let keywords: FieldScan | undefined;
    let slots = 0;
    for (const literals of byField.values()) slots += literals.size;
    this.seen = new Uint32Array(slots);
    this.found = new Int32Array(slots);
    slots = 0;
    for (const [field, literals] of byField) {
      const searched = [...literals.values()];
      const from = new Int32Array(searched.length + 1);
      searched.forEach((literal, id) => {
        literal.slot = slots + id;
        from[id + 1] = (from[id] as number) + literal.codes.length;
      });
      const scan: FieldScan = {
        field,
        scanner: new GramScanner(
          searched.map((l) => l.text),
          searched.map((l) => l.place),
        ),
        from,
        codes: new Int32Array(searched.flatMap((l) => l.codes)),
        // The field's part of the pool's marks: the other groups are looked up in one array.
        seen: this.seen.subarray(slots, slots + searched.length),
      };
      slots += searched.length;
      if (field === '') keywords = scan;
      else this.fields.push(scan);
    }
    this.keywords = keywords;
    this.picker = new FieldPicker(this.fields.map((f) => f.field));
    const otherGroups = others.flat();
    this.groupsFrom = new Int32Array(hints.length + 1);
    others.forEach((list, e) => {
      this.groupsFrom[e + 1] = (this.groupsFrom[e] as number) + list.length;
    });
    this.literalsFrom = new Int32Array(otherGroups.length + 1);
    otherGroups.forEach((group, g) => {
      this.literalsFrom[g + 1] = (this.literalsFrom[g] as number) + group.length;
    });
    this.literalSlot = new Int32Array(otherGroups.flatMap((group) => group.map((l) => l.slot)));
  }

  /** Indexes (in increasing order) of the entries that may match this event (a new array: see `select`). */
  candidates(view: EventView): number[] {
    return this.selected.slice(0, this.select(view));
  }

  /**
   * Writes the indexes of the entries that may match this event, in increasing order, into the
   * first entries of `selected`; returns their number.
   */
  select(view: EventView): number {
    this.generation = (this.generation + 1) >>> 0;
    if (this.generation === 0) {
      // Wrapped after 2^32 events: a stamp left from the last cycle would read as "seen now".
      this.generation = 1;
      this.entryStamp.fill(0);
      this.vetoStamp.fill(0);
      this.seen.fill(0);
    }
    this.vetoed = 0;
    this.pendingCount = 0;
    this.foundCount = 0;
    const { always, selected } = this;
    for (let i = 0; i < always.length; i++) selected[i] = always[i] as number;
    this.selectedCount = always.length;
    // Only the fields the event may have: reading the others would find nothing to scan.
    const { picker } = this;
    const picked = picker.pick(view);
    for (let p = 0; p < picked; p++) {
      const scan = this.fields[picker.picked[p] as number] as FieldScan;
      // As they are: the scanners match lower-cased literals in lower case (grams.ts).
      const text = picker.texts[p];
      if (text !== undefined) this.scan(scan, text);
      else this.scan(scan, view.field(scan.field).strings);
    }
    if (this.keywords) this.scan(this.keywords, view.allValues().strings);
    const { pending, pendingCount, vetoStamp, generation } = this;
    let count = this.selectedCount;
    for (let p = 0; p < pendingCount; p++) {
      const index = pending[p] as number;
      if (vetoStamp[index] !== generation && this.othersHit(index)) selected[count++] = index;
    }
    if (this.vetoed > 0) {
      let kept = 0;
      for (let i = 0; i < count; i++) {
        const index = selected[i] as number;
        if (vetoStamp[index] !== generation) selected[kept++] = index;
      }
      count = kept;
    }
    sortSmall(selected, count);
    return count;
  }

  /** Whether every other group of entry `index` has a hit on the event at hand. */
  private othersHit(index: number): boolean {
    const { groupsFrom, literalsFrom, literalSlot, seen, generation } = this;
    const last = groupsFrom[index + 1] as number;
    for (let g = groupsFrom[index] as number; g < last; g++) {
      const end = literalsFrom[g + 1] as number;
      let hit = false;
      for (let l = literalsFrom[g] as number; l < end && !hit; l++) hit = seen[literalSlot[l] as number] === generation;
      if (!hit) return false;
    }
    return true;
  }

  /** Scans one field's values (or one value); entries whose first group has its first hit go to `selected` or `pending`. */
  private scan({ scanner, from, codes, seen }: FieldScan, texts: string | readonly string[]): void {
    if (texts.length === 0) return;
    const { entryStamp, vetoStamp, groupsFrom, pending, selected, generation, found } = this;
    const start = this.foundCount;
    let end = start;
    if (typeof texts === 'string') end = scanner.collect(texts, seen, generation, found, end);
    else for (let t = 0; t < texts.length; t++) end = scanner.collect(texts[t] as string, seen, generation, found, end);
    this.foundCount = end;
    for (let n = start; n < end; n++) {
      const id = found[n] as number;
      const last = from[id + 1] as number;
      for (let c = from[id] as number; c < last; c++) {
        const code = codes[c] as number;
        if (code < 0) {
          const index = -1 - code;
          if (vetoStamp[index] !== generation) {
            vetoStamp[index] = generation;
            this.vetoed++;
          }
        } else if (entryStamp[code] !== generation) {
          entryStamp[code] = generation;
          if (groupsFrom[code] === groupsFrom[code + 1]) selected[this.selectedCount++] = code;
          else pending[this.pendingCount++] = code;
        }
      }
    }
  }
}
