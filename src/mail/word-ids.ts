/**
 * Numbers for the distinct words of one text, and a set of word pairs, without a string or a
 * Map entry per occurrence: the model reads every word and bigram of up to 40,000 characters,
 * most of them repeats. A word is found by a hash of its characters, computed while the text
 * is scanned, and compared in place; only a new word is cut out of the text. Tables are reused
 * from text to text (synchronous callers) and emptied by a generation stamp, not by clearing.
 */

/**
 * The hash's multiplier: odd, drawn once per process. With a fixed one anybody can compute
 * thousands of words of one hash (a review did, for 31), and a subject made of them turned each
 * lookup into a walk over all the others (2 s for a 250 KB subject). Words that collide
 * whatever the multiplier must be far longer than the 24 letters a word may have: unknown, it
 * cannot be aimed at. Numbers are given in order of first occurrence: results never depend on it.
 */
const MULTIPLIER = ((globalThis.crypto.getRandomValues(new Uint32Array(1))[0] ?? 0) | 1) >>> 0;

/** Multiplicative hash of one more character (what the scanner accumulates). */
export function hashStep(hash: number, code: number): number {
  return (Math.imul(hash, MULTIPLIER) + code) | 0;
}

export function hashOf(word: string): number {
  let hash = 0;
  for (let i = 0; i < word.length; i++) hash = hashStep(hash, word.charCodeAt(i));
  return hash;
}

/** Spreads a hash over a table of `2^(32 - shift)` slots (Fibonacci hashing: the product's top bits). */
function slotOf(hash: number, shift: number): number {
  return Math.imul(hash, 0x9e3779b1) >>> shift;
}

/** The shift that selects a slot of a power-of-two `capacity`. */
function shiftFor(capacity: number): number {
  return Math.clz32(capacity) + 1;
}

/** Open-addressing slots whose stamps say which are used in the current generation. */
class Stamped {
  protected stamps: Uint32Array;
  protected shift: number;
  protected generation = 1;

  constructor(capacity: number) {
    this.stamps = new Uint32Array(capacity);
    this.shift = shiftFor(capacity);
  }

  protected nextGeneration(): void {
    // After 2^32 - 1 texts the stamps start again from zero: an old stamp must never read as current.
    if (this.generation === 0xffffffff) {
      this.stamps.fill(0);
      this.generation = 0;
    }
    this.generation++;
  }
}

/**
 * The distinct words of one text, numbered in order of first occurrence. A word is kept as the
 * place of its first occurrence (or as the fixed word standing for it), not as a string: most
 * words of a text are never asked for by name.
 */
export class WordIds extends Stamped {
  #text = '';
  #size = 0;
  #ids: Int32Array;
  #hashes: Int32Array;
  #starts: Int32Array;
  #ends: Int32Array;
  /** The fixed word standing for each word, where one does (numbers, mixed tokens). */
  #fixed: (string | undefined)[] = [];

  constructor(capacity = 1024) {
    super(capacity);
    this.#ids = new Int32Array(capacity);
    // Words reach half the slots plus one before the slots grow (see #add): one entry a slot is room enough.
    this.#hashes = new Int32Array(capacity);
    this.#starts = new Int32Array(capacity);
    this.#ends = new Int32Array(capacity);
  }

  /** Starts a new text: no word is known. */
  reset(text: string): void {
    this.#text = text;
    this.#size = 0;
    this.nextGeneration();
  }

  /** Distinct words read since `reset`. */
  get size(): number {
    return this.#size;
  }

  /** The word numbered `id`: the fixed word given for it, or its characters in the text. */
  word(id: number): string {
    return this.#fixed[id] ?? this.#text.slice(this.#starts[id], this.#ends[id]);
  }

  /**
   * The number of the word `fixed`, or else of `text[start, end)`, whose characters hash to
   * `hash`; a word not seen since `reset` gets the next number (then `size - 1`).
   */
  idOf(start: number, end: number, hash: number, fixed: string | undefined): number {
    const mask = this.stamps.length - 1;
    for (let slot = slotOf(hash, this.shift); ; slot = (slot + 1) & mask) {
      if (this.stamps[slot] !== this.generation) return this.#add(slot, start, end, hash, fixed);
      const id = this.#ids[slot] as number;
      if (this.#hashes[id] === hash && this.#same(id, start, end, fixed)) return id;
    }
  }

  #same(id: number, start: number, end: number, fixed: string | undefined): boolean {
    const known = this.#fixed[id];
    if (fixed !== undefined || known !== undefined) return known === fixed;
    const knownStart = this.#starts[id] as number;
    if ((this.#ends[id] as number) - knownStart !== end - start) return false;
    const text = this.#text;
    for (let i = 0; i < end - start; i++) {
      if (text.charCodeAt(knownStart + i) !== text.charCodeAt(start + i)) return false;
    }
    return true;
  }

  #add(slot: number, start: number, end: number, hash: number, fixed: string | undefined): number {
    const id = this.#size++;
    this.#hashes[id] = hash;
    this.#starts[id] = start;
    this.#ends[id] = end;
    this.#fixed[id] = fixed;
    this.stamps[slot] = this.generation;
    this.#ids[slot] = id;
    // At most half full, so that probes stay short.
    if (this.#size * 2 > this.stamps.length) this.#grow();
    return id;
  }

  #grow(): void {
    const capacity = this.stamps.length * 2;
    this.stamps = new Uint32Array(capacity);
    this.#ids = new Int32Array(capacity);
    this.#hashes = grownTo(this.#hashes, new Int32Array(capacity));
    this.#starts = grownTo(this.#starts, new Int32Array(capacity));
    this.#ends = grownTo(this.#ends, new Int32Array(capacity));
    this.shift = shiftFor(capacity);
    this.generation = 1;
    const mask = capacity - 1;
    for (let id = 0; id < this.#size; id++) {
      let slot = slotOf(this.#hashes[id] as number, this.shift);
      while (this.stamps[slot] === this.generation) slot = (slot + 1) & mask;
      this.stamps[slot] = this.generation;
      this.#ids[slot] = id;
    }
  }
}

/** `grown`, a longer typed array of the same kind, holding `old`'s values first. */
export function grownTo<T extends Int32Array | Uint8Array | Float64Array>(old: T, grown: T): T {
  grown.set(old);
  return grown;
}

function sameWord(word: string, text: string, start: number, end: number, fixed: string | undefined): boolean {
  if (fixed !== undefined) return word === fixed;
  if (word.length !== end - start) return false;
  for (let i = 0; i < word.length; i++) if (word.charCodeAt(i) !== text.charCodeAt(start + i)) return false;
  return true;
}

/** Whether `word` is the lower case of `text[start, end)`, which holds ASCII letters and digits. */
function sameLowerAscii(word: string, text: string, start: number, end: number): boolean {
  if (word.length !== end - start) return false;
  for (let i = 0; i < word.length; i++) if (word.charCodeAt(i) !== (text.charCodeAt(start + i) | 0x20)) return false;
  return true;
}

/** A set of unsigned 32-bit keys (two word numbers below 65,536), emptied by `reset`. */
export class PairSet extends Stamped {
  #keys: Uint32Array;
  #size = 0;

  constructor(capacity = 1024) {
    super(capacity);
    this.#keys = new Uint32Array(capacity);
  }

  reset(): void {
    this.#size = 0;
    this.nextGeneration();
  }

  /** Adds `key`; true when it was not in the set. */
  add(key: number): boolean {
    const mask = this.stamps.length - 1;
    for (let slot = slotOf(key, this.shift); ; slot = (slot + 1) & mask) {
      if (this.stamps[slot] !== this.generation) {
        this.stamps[slot] = this.generation;
        this.#keys[slot] = key;
        if (++this.#size * 2 > this.stamps.length) this.#grow();
        return true;
      }
      if (this.#keys[slot] === key) return false;
    }
  }

  #grow(): void {
    const oldKeys = this.#keys;
    const oldStamps = this.stamps;
    const oldGeneration = this.generation;
    const capacity = oldStamps.length * 2;
    this.stamps = new Uint32Array(capacity);
    this.#keys = new Uint32Array(capacity);
    this.shift = shiftFor(capacity);
    this.generation = 1;
    const mask = capacity - 1;
    for (let i = 0; i < oldStamps.length; i++) {
      if (oldStamps[i] !== oldGeneration) continue;
      const key = oldKeys[i] as number;
      let slot = slotOf(key, this.shift);
      while (this.stamps[slot] === this.generation) slot = (slot + 1) & mask;
      this.stamps[slot] = this.generation;
      this.#keys[slot] = key;
    }
  }
}

/**
 * A fixed list of words (a model's vocabulary), found by the same hash as `WordIds` without
 * cutting the word out of the text: a word's index in the list, or -1.
 */
export class WordTable {
  readonly words: readonly string[];
  readonly #slots: Int32Array;
  readonly #hashes: Int32Array;
  readonly #shift: number;

  constructor(words: readonly string[]) {
    this.words = words;
    // At most half full, so that probes stay short.
    let capacity = 16;
    while (capacity < words.length * 2) capacity *= 2;
    this.#slots = new Int32Array(capacity).fill(-1);
    this.#hashes = new Int32Array(words.length);
    this.#shift = shiftFor(capacity);
    const mask = capacity - 1;
    words.forEach((word, index) => {
      const hash = hashOf(word);
      this.#hashes[index] = hash;
      let slot = slotOf(hash, this.#shift);
      while ((this.#slots[slot] as number) >= 0) slot = (slot + 1) & mask;
      this.#slots[slot] = index;
    });
  }

  /**
   * The index of the lower case of `text[start, end)`, ASCII letters and digits, whose lower-cased
   * characters hash to `hash`: a word found as written, without building its lower case.
   */
  findLowerAscii(text: string, start: number, end: number, hash: number): number {
    const mask = this.#slots.length - 1;
    for (let slot = slotOf(hash, this.#shift); ; slot = (slot + 1) & mask) {
      const index = this.#slots[slot] as number;
      if (index < 0) return -1;
      if (this.#hashes[index] === hash && sameLowerAscii(this.words[index] as string, text, start, end)) return index;
    }
  }

  /** The index of the word `fixed`, or else of `text[start, end)`, whose characters hash to `hash`. */
  find(text: string, start: number, end: number, hash: number, fixed: string | undefined): number {
    const mask = this.#slots.length - 1;
    for (let slot = slotOf(hash, this.#shift); ; slot = (slot + 1) & mask) {
      const index = this.#slots[slot] as number;
      if (index < 0) return -1;
      if (this.#hashes[index] === hash && sameWord(this.words[index] as string, text, start, end, fixed)) return index;
    }
  }
}

/**
 * Weights of fixed pairs of word numbers (a model's bigrams), found by open addressing on
 * typed arrays: a `Map` keyed by a number computed from the pair was the model's hottest line.
 */
export class PairTable {
  readonly size: number;
  readonly #firsts: Int32Array;
  readonly #seconds: Int32Array;
  readonly #weights: Float64Array;
  readonly #shift: number;

  constructor(pairs: readonly (readonly [first: number, second: number, weight: number])[]) {
    // At most half full, so that probes stay short; first = -1 marks an empty slot.
    let capacity = 16;
    while (capacity < pairs.length * 2) capacity *= 2;
    this.#firsts = new Int32Array(capacity).fill(-1);
    this.#seconds = new Int32Array(capacity);
    this.#weights = new Float64Array(capacity);
    this.#shift = shiftFor(capacity);
    const mask = capacity - 1;
    let size = 0;
    for (const [first, second, weight] of pairs) {
      let slot = slotOf(pairHash(first, second), this.#shift);
      while (this.#firsts[slot] !== -1 && !(this.#firsts[slot] === first && this.#seconds[slot] === second)) {
        slot = (slot + 1) & mask;
      }
      if (this.#firsts[slot] === -1) size++;
      // A pair listed twice keeps its last weight, as a Map would.
      this.#firsts[slot] = first;
      this.#seconds[slot] = second;
      this.#weights[slot] = weight;
    }
    this.size = size;
  }

  /** The weight of the pair, `undefined` if it has none. */
  get(first: number, second: number): number | undefined {
    const mask = this.#firsts.length - 1;
    for (let slot = slotOf(pairHash(first, second), this.#shift); ; slot = (slot + 1) & mask) {
      const found = this.#firsts[slot] as number;
      if (found === -1) return undefined;
      if (found === first && this.#seconds[slot] === second) return this.#weights[slot];
    }
  }
}

function pairHash(first: number, second: number): number {
  return (Math.imul(first, 0x85ebca6b) + second) | 0;
}
