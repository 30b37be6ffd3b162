/**
 * Which of many literals occur in a text, with hot data small enough to stay in cache. The
 * Aho-Corasick table over SigmaHQ's 9,500 process-creation command-line literals took 13 MB
 * (17 MB for the pool): each event walked rows no other event had left in cache. Here every
 * literal is reduced to one short gram: the whole literal when it has 1-3 characters, else
 * its anchor, the 4 characters of it that fewest other literals share (a gram common among
 * literals is common in events too). A text is scanned once, its last 4 characters packed in
 * an int; bitmaps of the grams' hashes (at most 16 KB) rule out nearly every position, and
 * only where a gram may be some literal's are its literals looked up and checked in place,
 * in flat typed arrays (no scattered objects to miss in cache).
 *
 * Matching folds DEL and every character outside ASCII into one: a literal holding `é` is
 * found where the text has any such character there. That finds a superset of the plain
 * occurrences (those of literals below DEL exactly), which a prefilter may do, keeps
 * characters to 7 bits, and is needed: lower case is not one character at a time (`BΣ`
 * lower-cased is `bς`, its `Σ` alone `σ`), so a rule's lower-cased literal need not be a
 * plain substring of the lower-cased value it matches.
 *
 * ASCII letters are matched in lower case: a text is scanned as it is, and the scanner finds
 * what it would find in the text lower-cased (the prefilter need not make a lower-cased copy of
 * every value it reads). Only two characters lower-case to ASCII, `İ` (to `i` and a combining
 * dot, two characters) and the Kelvin sign (to `k`): a text holding either is scanned
 * lower-cased instead.
 */

/** ASCII characters below DEL as matched: letters in lower case, the others as themselves. */
const LOWER = Uint8Array.from({ length: 127 }, (_, c) => (c >= 65 && c <= 90 ? c + 32 : c));

/** A text character as matched: ASCII below DEL in lower case, DEL and anything else as 127. */
const code = (c: number): number => (c < 127 ? (LOWER[c] as number) : 127);

/**
 * Whether every character of the text is below DEL: the scanner reads those exactly (ASCII
 * letters in either case as the same), so that it finds such a literal exactly where a text,
 * lower-cased, holds it.
 */
export function belowDel(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 127) return false;
  return true;
}

/** The characters whose lower case is (or holds) ASCII: see above. */
const lowersToAscii = (c: number): boolean => c === 0x130 || c === 0x212a;

/**
 * The text as the scanner reads it: DEL and every character outside ASCII as DEL. Literals
 * alike once folded are one literal to the scanner: give it each once (SigmaHQ has 2,000
 * command-line literals of 15 Unicode spaces, or Cyrillic, all alike once folded).
 */
export function folded(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 127) continue;
    out += `${text.slice(from, i)}\x7f`;
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

/** Grams of this many characters anchor the longer literals. */
const ANCHOR = 4;

/**
 * When every literal has at least this many characters, only the 4-grams ending every
 * `shortest - 3` characters are looked up, each in a table of every 4-gram of every literal:
 * an occurrence spans `shortest - 3` consecutive 4-gram ends, one of them looked up. (Hashes
 * are 110 characters of an event's 420 scanned, and the literals searched in them all 20.)
 */
const SAMPLED_FROM = 12;

/** Per gram this many bitmap bits: a position passes a bitmap by chance 1 time in 16. */
const BITS_PER_GRAM = 16;

/** Odd multipliers spreading keys over the bitmaps and over the gram tables. */
const BITMAP_MULTIPLIER = 0x27d4eb2f | 0;
const SLOT_MULTIPLIER = 0x9e3779b1 | 0;

/**
 * Per literal in `entries`: its id, the offset of its gram's last character, where its characters
 * start, its length, where in a text it must start (-1: anywhere), and its first character (as
 * `code` reads it) times two plus 1 if it must end the text: most candidates differ from the text
 * at the first character, told there without reading `chars`, a cache miss away.
 */
const ENTRY = 6;

/**
 * Where a literal must stand in a text to be found: starting at `start` (-1: anywhere), and
 * ending the text when `atEnd`. (`endswith: '\cmd.exe'` holds for a value that ends with it,
 * not one that merely holds it.)
 */
export interface Place {
  readonly start: number;
  readonly atEnd: boolean;
}

const ANYWHERE: Place = { start: -1, atEnd: false };

/** The last number of a literal's entry (see `ENTRY`). */
const firstAndEnd = (literal: string, place: Place): number =>
  (code(literal.charCodeAt(0)) << 1) | (place.atEnd ? 1 : 0);

/** The packed gram of `text` ending at `end` (inclusive), `length` characters, 8 bits each. */
function packed(text: string, end: number, length: number): number {
  let g = 0;
  for (let i = end - length + 1; i <= end; i++) g = (g << 8) | code(text.charCodeAt(i));
  return g;
}

/**
 * `singleBits` entries: the bit of a one-character literal (one of `SINGLE_BITS`), or `SEVERAL`
 * for a character that is more than one (the same given twice, or placed: each id then found
 * through the tables, where places are checked) or past the bits.
 */
const SINGLE_BITS = 31;
const SEVERAL = 1 << 31;

/** Pairs of characters below DEL: the `shortPairs` table's size, in bits. */
const PAIRS = 1 << 14;

/** The last two characters of a packed gram (or of a short key) as one number below `PAIRS`. */
const pairOf = (gram: number): number => ((gram >>> 1) & 0x3f80) | (gram & 0x7f);

/** Key of a short literal's whole gram: apart from other lengths' (a 3-gram fills 24 bits). */
const shortKey = (gram: number, length: number): number => gram | (length << 24);

/**
 * Grams to ranges of `entries`, open addressing in one Int32Array of (key, start, end) triples:
 * one cache line read per probe (packed 4-grams reach 2^31, past V8's small integers: a Map of
 * them hashed heap numbers). A slot with `end` 0 is free.
 */
function gramTable(ranges: ReadonlyMap<number, { start: number; end: number }>): { slots: Int32Array; shift: number } {
  let bits = 1;
  while (1 << bits < ranges.size * 2) bits++;
  const slots = new Int32Array(3 << bits);
  const shift = 32 - bits;
  for (const [key, { start, end }] of ranges) {
    let slot = Math.imul(key, SLOT_MULTIPLIER) >>> shift;
    while (slots[slot * 3 + 2] !== 0) slot = (slot + 1) & ((1 << bits) - 1);
    slots[slot * 3] = key;
    slots[slot * 3 + 1] = start;
    slots[slot * 3 + 2] = end;
  }
  return { slots, shift };
}

/** A gate of at most `GATE_GRAMS` grams of `GATE_MIN` to `GATE_MAX` characters, for at most `GATE_LITERALS` literals, or none. */
const GATE_GRAMS = 4;
const GATE_MIN = 2;
const GATE_MAX = 4;
const GATE_LITERALS = 64;

/**
 * A native search that a text must pass to hold any of the literals, when a few printable ASCII
 * grams cover them all (every literal holds one): the 20 Mimikatz keywords, searched in every
 * value of every Windows event, all hold `::`, `kiwi` or `mimi`, and most values hold none, which
 * `RegExp.test` tells faster than a scan. Case-insensitive, as the scanner: an ASCII gram in a
 * text lower-cased stands there in some case, unless the text holds one of the two characters
 * that lower-case to ASCII (see above), which the gate lets through. Chosen greedily, the gram
 * covering most literals first, the longest among those.
 */
export function gateFor(patterns: readonly string[]): RegExp | undefined {
  // Many literals have no small cover, and looking for one would cost more than it saves.
  if (patterns.length === 0 || patterns.length > GATE_LITERALS) return undefined;
  let left = patterns.map((p) => folded(p).replace(/[A-Z]/g, (c) => c.toLowerCase()));
  const chosen: string[] = [];
  while (left.length > 0) {
    if (chosen.length === GATE_GRAMS) return undefined;
    const covers = new Map<string, number>();
    for (const p of left) {
      const grams = new Set<string>();
      for (let n = GATE_MIN; n <= GATE_MAX; n++)
        for (let at = 0; at + n <= p.length; at++) {
          const gram = p.slice(at, at + n);
          if (/^[\x20-\x7e]+$/.test(gram)) grams.add(gram);
        }
      for (const gram of grams) covers.set(gram, (covers.get(gram) ?? 0) + 1);
    }
    let best: string | undefined;
    let most = 0;
    for (const [gram, n] of covers)
      if (n > most || (n === most && best !== undefined && gram.length > best.length)) {
        best = gram;
        most = n;
      }
    // A literal too short for any gram: no gate.
    if (best === undefined) return undefined;
    const gram = best;
    chosen.push(gram);
    left = left.filter((p) => !p.includes(gram));
  }
  const escaped = chosen.map((g) => g.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'));
  return new RegExp(`${escaped.join('|')}|[\u0130\u212a]`, 'i');
}

export class GramScanner {
  /**
   * Bitmaps of the hashes of the anchors, and of the 2- and 3-character literals: sized to the
   * literals (there is a scanner per field of each pool: tables must stay small to stay in
   * cache). Grams that share a bit are told apart by the exact lookup behind it.
   */
  private readonly bitmap: Int32Array;
  private readonly bitmapShift: number;
  private readonly shortBitmap: Int32Array;
  private readonly shortBitmapShift: number;
  private readonly hasShort: boolean;
  private readonly hasLong: boolean;
  /**
   * One bit per pair of characters (as `code` reads them) that ends some 2- or 3-character
   * literal: where the last two characters are no such pair, neither bitmap of the short
   * literals is read (one read of a 2 KB table instead of hashing twice).
   */
  private readonly shortPairs = new Int32Array(PAIRS / 32);
  /**
   * By character code: the bit of the one-character literal that it is (its id in `singleIds` at
   * that bit's place), `SEVERAL`, or 0; and whether any is. One-character literals (`:`, `-`)
   * occur in most command lines, many times: a text's characters are or-ed into one word of
   * bits, without a branch that the text decides, and the bits set read once at the end.
   */
  private readonly singleBits = new Int32Array(128);
  private readonly singleIds: number[] = [];
  private readonly hasSingle: boolean;
  /** Short literals by their whole gram (`shortKey`), long ones by their anchor. */
  private readonly shortSlots: Int32Array;
  private readonly shortShift: number;
  private readonly longSlots: Int32Array;
  private readonly longShift: number;
  /** `ENTRY` numbers per literal, grouped by gram; the literals' characters, as `code` reads them. */
  private readonly entries: Int32Array;
  private readonly chars: Uint8Array;
  /** A text this does not match holds none of the literals (see `gateFor`); undefined when no small one exists. */
  private readonly gate: RegExp | undefined;
  /**
   * With literals all `SAMPLED_FROM` characters or longer: the distance between the positions
   * looked up (see `SAMPLED_FROM`), and each literal under every 4-gram it holds (with that
   * gram's end); 0 and empty otherwise.
   */
  private readonly step: number;
  private readonly sampledSlots: Int32Array;
  private readonly sampledShift: number;
  private readonly sampledBitmap: Int32Array;
  private readonly sampledBitmapShift: number;

  /** Literal `i` is found only where `places[i]` says (anywhere when not given). */
  constructor(
    readonly patterns: readonly string[],
    places: readonly Place[] = [],
  ) {
    const placeOf = (id: number): Place => places[id] ?? ANYWHERE;
    const placed = (id: number): boolean => placeOf(id).start >= 0 || placeOf(id).atEnd;
    // The shortest non-empty literal (empty ones are never found); none: no sampling.
    const shortest = patterns.reduce((n, p) => (p.length > 0 && p.length < n ? p.length : n), Number.POSITIVE_INFINITY);
    this.step = shortest !== Number.POSITIVE_INFINITY && shortest >= SAMPLED_FROM ? shortest - ANCHOR + 1 : 0;
    // How many literals share each 4-gram, to pick the rarest as each literal's anchor (sampled ones have none).
    const shared = new Map<number, number>();
    if (this.step === 0)
      for (const p of patterns) {
        const grams = new Set<number>();
        for (let end = ANCHOR - 1; end < p.length; end++) grams.add(packed(p, end, ANCHOR));
        for (const g of grams) shared.set(g, (shared.get(g) ?? 0) + 1);
      }
    // Literal ids by short key, and by anchor (with the anchor's end).
    const short = new Map<number, number[]>();
    const long = new Map<number, number[]>();
    const anchorEnd = new Int32Array(patterns.length);
    const addTo = (map: Map<number, number[]>, key: number, id: number) => {
      const list = map.get(key);
      if (list) list.push(id);
      else map.set(key, [id]);
    };
    patterns.forEach((p, id) => {
      // Sampled literals are in a table of their own (below).
      if (p.length === 0 || this.step > 0) return;
      if (p.length < ANCHOR) {
        const key = shortKey(packed(p, p.length - 1, p.length), p.length);
        addTo(short, key, id);
        anchorEnd[id] = p.length - 1;
        // A placed one found through the tables, where its place is checked.
        if (p.length === 1) {
          const k = key & 0x7f;
          if (this.singleBits[k] === 0 && !placed(id) && this.singleIds.length < SINGLE_BITS) {
            this.singleBits[k] = 1 << this.singleIds.length;
            this.singleIds.push(id);
          } else if (this.singleBits[k] !== SEVERAL) {
            // The first one given, if it had a bit, is now found through the tables as well.
            const bit = this.singleBits[k] as number;
            if (bit !== 0) this.singleIds[31 - Math.clz32(bit)] = -1;
            this.singleBits[k] = SEVERAL;
          }
        }
        return;
      }
      // The rarest gram; among equals the last (the end of a path or command tells most).
      let best = ANCHOR - 1;
      let bestShared = Number.POSITIVE_INFINITY;
      for (let end = ANCHOR - 1; end < p.length; end++) {
        const n = shared.get(packed(p, end, ANCHOR)) as number;
        if (n <= bestShared) {
          best = end;
          bestShared = n;
        }
      }
      const anchor = packed(p, best, ANCHOR);
      addTo(long, anchor, id);
      anchorEnd[id] = best;
    });
    this.hasSingle = this.singleBits.some((bits) => bits !== 0);
    // Entries grouped by gram, each group's range in the tables.
    const entries: number[] = [];
    const chars: number[] = [];
    const ranges = (groups: Map<number, number[]>) => {
      const out = new Map<number, { start: number; end: number }>();
      for (const [key, ids] of groups) {
        const start = entries.length;
        for (const id of ids) {
          const p = patterns[id] as string;
          entries.push(
            id,
            anchorEnd[id] as number,
            chars.length,
            p.length,
            placeOf(id).start,
            firstAndEnd(p, placeOf(id)),
          );
          for (let i = 0; i < p.length; i++) chars.push(code(p.charCodeAt(i)));
        }
        out.set(key, { start, end: entries.length });
      }
      return out;
    };
    const shortTable = gramTable(ranges(short));
    const longTable = gramTable(ranges(long));
    this.shortSlots = shortTable.slots;
    this.shortShift = shortTable.shift;
    this.longSlots = longTable.slots;
    this.longShift = longTable.shift;
    // Sampled: each literal's characters once, an entry per 4-gram position.
    const sampled = new Map<number, { start: number; end: number }>();
    if (this.step > 0) {
      const at = new Map<number, Array<{ id: number; end: number; from: number }>>();
      patterns.forEach((p, id) => {
        const from = chars.length;
        for (let i = 0; i < p.length; i++) chars.push(code(p.charCodeAt(i)));
        for (let end = ANCHOR - 1; end < p.length; end++) {
          const gram = packed(p, end, ANCHOR);
          const list = at.get(gram) ?? [];
          list.push({ id, end, from });
          at.set(gram, list);
        }
      });
      for (const [gram, list] of at) {
        const start = entries.length;
        for (const { id, end, from } of list)
          entries.push(
            id,
            end,
            from,
            (patterns[id] as string).length,
            placeOf(id).start,
            firstAndEnd(patterns[id] as string, placeOf(id)),
          );
        sampled.set(gram, { start, end: entries.length });
      }
    }
    const sampledTable = gramTable(sampled);
    this.sampledSlots = sampledTable.slots;
    this.sampledShift = sampledTable.shift;
    this.entries = new Int32Array(entries);
    this.chars = new Uint8Array(chars);
    const shortKeys = [...short.keys()].filter((key) => key >>> 24 > 1);
    this.hasShort = shortKeys.length > 0;
    this.hasLong = long.size > 0;
    for (const key of shortKeys) {
      const pair = pairOf(key);
      this.shortPairs[pair >>> 5] = (this.shortPairs[pair >>> 5] as number) | (1 << (pair & 31));
    }
    this.gate = gateFor(patterns);
    const bitmap = (keys: readonly number[]) => {
      let bits = 10;
      while (1 << bits < keys.length * BITS_PER_GRAM && bits < 24) bits++;
      const table = new Int32Array(1 << (bits - 5));
      for (const key of keys) {
        const h = Math.imul(key, BITMAP_MULTIPLIER) >>> (32 - bits);
        table[h >>> 5] = (table[h >>> 5] as number) | (1 << (h & 31));
      }
      return { table, shift: 32 - bits };
    };
    const shortBits = bitmap(shortKeys);
    this.shortBitmap = shortBits.table;
    this.shortBitmapShift = shortBits.shift;
    const longBits = bitmap([...long.keys()]);
    this.bitmap = longBits.table;
    this.bitmapShift = longBits.shift;
    const sampledBits = bitmap([...sampled.keys()]);
    this.sampledBitmap = sampledBits.table;
    this.sampledBitmapShift = sampledBits.shift;
  }
  /**
   * Writes into `out` from `count` on the id of each literal that occurs in the text lower-cased
   * (where its place says) and whose `seen` slot is not yet `mark` (then sets it): each literal
   * once per mark, so `out` needs room for every literal once per mark. Returns the new count.
   */
  collect(text: string, seen: Uint32Array, mark: number, out: Int32Array, count: number): number {
    if (this.gate !== undefined && !this.gate.test(text)) return count;
    if (this.step > 0) return this.collectSampled(text, seen, mark, out, count);
    const { bitmap, bitmapShift, shortBitmap, shortBitmapShift, singleBits, hasSingle, hasShort, hasLong, shortPairs } =
      this;
    const before = count;
    let g = 0;
    let n = count;
    if (!hasSingle && !hasShort) {
      // Only 4-grams to look up, as in most fields: the loop below without its other tables.
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c >= 127 && lowersToAscii(c)) return this.collectLowerCased(text, seen, mark, out, before, n);
        g = (g << 8) | code(c);
        const h = Math.imul(g, BITMAP_MULTIPLIER) >>> bitmapShift;
        if ((bitmap[h >>> 5] as number) & (1 << (h & 31)))
          n = this.found(this.longSlots, this.longShift, g, text, i, seen, mark, out, n);
      }
      return n;
    }
    // The bits of the one-character literals met (see `singleBits`).
    let singles = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 127 && lowersToAscii(c)) return this.collectLowerCased(text, seen, mark, out, before, n);
      const k = code(c);
      g = (g << 8) | k;
      if (hasSingle) {
        const bits = singleBits[k] as number;
        singles |= bits;
        if (bits === SEVERAL)
          n = this.found(this.shortSlots, this.shortShift, shortKey(k, 1), text, i, seen, mark, out, n);
      }
      // Nearly every position misses the bitmaps: a few reads of tables of a few KB, no branch taken.
      if (hasLong) {
        const h = Math.imul(g, BITMAP_MULTIPLIER) >>> bitmapShift;
        if ((bitmap[h >>> 5] as number) & (1 << (h & 31)))
          n = this.found(this.longSlots, this.longShift, g, text, i, seen, mark, out, n);
      }
      const pair = pairOf(g);
      if (hasShort && ((shortPairs[pair >>> 5] as number) & (1 << (pair & 31))) !== 0) {
        const three = shortKey(g & 0xffffff, 3);
        const h3 = Math.imul(three, BITMAP_MULTIPLIER) >>> shortBitmapShift;
        if ((shortBitmap[h3 >>> 5] as number) & (1 << (h3 & 31)))
          n = this.found(this.shortSlots, this.shortShift, three, text, i, seen, mark, out, n);
        const two = shortKey(g & 0xffff, 2);
        const h2 = Math.imul(two, BITMAP_MULTIPLIER) >>> shortBitmapShift;
        if ((shortBitmap[h2 >>> 5] as number) & (1 << (h2 & 31)))
          n = this.found(this.shortSlots, this.shortShift, two, text, i, seen, mark, out, n);
      }
    }
    // The one-character literals met, each once (`SEVERAL`'s bit set none of theirs).
    for (let bits = singles & ~SEVERAL; bits !== 0; bits &= bits - 1) {
      const id = this.singleIds[31 - Math.clz32(bits & -bits)] as number;
      if (seen[id] !== mark) {
        seen[id] = mark;
        out[n++] = id;
      }
    }
    return n;
  }

  /** Positions shift once lower-cased: what this pass found (from `before` to `count`) is undone, the lower case scanned. */
  private collectLowerCased(
    text: string,
    seen: Uint32Array,
    mark: number,
    out: Int32Array,
    before: number,
    count: number,
  ): number {
    for (let n = before; n < count; n++) seen[out[n] as number] = mark === 0 ? 1 : 0;
    return this.collect(text.toLowerCase(), seen, mark, out, before);
  }

  /** `collect` when the literals are long (see `SAMPLED_FROM`): the 4-grams at every `step`-th position only. */
  private collectSampled(text: string, seen: Uint32Array, mark: number, out: Int32Array, count: number): number {
    const { step, sampledBitmap, sampledBitmapShift } = this;
    // Lower-cased first where positions would shift (see above); the shortest literal is `step + 3` long.
    const read = text.indexOf('\u0130') >= 0 || text.indexOf('\u212a') >= 0 ? text.toLowerCase() : text;
    let n = count;
    // `step - 1` is past the first gram's end: `step` is at least `SAMPLED_FROM - 3`.
    for (let i = step - 1; i < read.length; i += step) {
      const g = packed(read, i, ANCHOR);
      const h = Math.imul(g, BITMAP_MULTIPLIER) >>> sampledBitmapShift;
      if ((sampledBitmap[h >>> 5] as number) & (1 << (h & 31)))
        n = this.found(this.sampledSlots, this.sampledShift, g, read, i, seen, mark, out, n);
    }
    return n;
  }

  /** The literals of gram `key` (if it is one) that end their gram at `end`, checked in place; returns the new count. */
  private found(
    slots: Int32Array,
    shift: number,
    key: number,
    text: string,
    end: number,
    seen: Uint32Array,
    mark: number,
    out: Int32Array,
    count: number,
  ): number {
    const size = slots.length / 3;
    let slot = Math.imul(key, SLOT_MULTIPLIER) >>> shift;
    while (slots[slot * 3] !== key || slots[slot * 3 + 2] === 0) {
      if (slots[slot * 3 + 2] === 0) return count;
      slot = (slot + 1) & (size - 1);
    }
    let n = count;
    const { entries, chars } = this;
    const last = slots[slot * 3 + 2] as number;
    for (let e = slots[slot * 3 + 1] as number; e < last; e += ENTRY) {
      const id = entries[e] as number;
      if (seen[id] === mark) continue;
      const start = end - (entries[e + 1] as number);
      const from = entries[e + 2] as number;
      const length = entries[e + 3] as number;
      if (start < 0 || start + length > text.length) continue;
      const at = entries[e + 4] as number;
      const tail = entries[e + 5] as number;
      if ((at >= 0 && start !== at) || ((tail & 1) === 1 && start + length !== text.length)) continue;
      if (code(text.charCodeAt(start)) !== tail >> 1) continue;
      let q = 1;
      while (q < length && code(text.charCodeAt(start + q)) === chars[from + q]) q++;
      if (q === length) {
        seen[id] = mark;
        out[n++] = id;
      }
    }
    return n;
  }
}
