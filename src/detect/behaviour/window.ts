/**
 * Bounded streaming state: a sliding window of keyed occurrences (total, per-key counts,
 * distinct keys) and a table of per-entity state that forgets idle entities and evicts the
 * least recently seen beyond a cap, counting what it dropped.
 */

/** Occurrences within a sliding time window, each with a key (account, path, port...). */
export class SlidingKeys {
  private times: number[] = [];
  private keys: string[] = [];
  private head = 0;
  readonly counts = new Map<string, number>();
  /**
   * `dropped` counts, across every window sharing it, the occurrences dropped because a
   * window held `cap` already (the engine reports it as `truncated`).
   */
  constructor(
    private readonly cap: number,
    private readonly dropped: { truncated: number } = { truncated: 0 },
  ) {}

  get total(): number {
    return this.times.length - this.head;
  }

  get distinct(): number {
    return this.counts.size;
  }

  /** Time of the oldest occurrence still in the window (NaN when empty). */
  get oldest(): number {
    return this.head < this.times.length ? (this.times[this.head] as number) : Number.NaN;
  }

  add(time: number, key: string): void {
    if (this.total >= this.cap) {
      this.dropOldest();
      this.dropped.truncated++;
    }
    this.times.push(time);
    this.keys.push(key);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Forgets occurrences older than `from` (times are assumed roughly in order; see the engine). */
  expire(from: number): void {
    while (this.head < this.times.length && (this.times[this.head] as number) < from) this.dropOldest();
    // Compact now and then so the arrays do not grow without bound.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.keys = this.keys.slice(this.head);
      this.head = 0;
    }
  }

  /** Highest count of one key. */
  maxPerKey(): number {
    let max = 0;
    for (const n of this.counts.values()) if (n > max) max = n;
    return max;
  }

  /** The keys seen most, most frequent first (for explanations; bounded by `limit`). */
  top(limit: number): Array<{ key: string; count: number }> {
    return [...this.counts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, limit)
      .map(([key, count]) => ({ key, count }));
  }

  private dropOldest(): void {
    const key = this.keys[this.head] as string;
    this.head++;
    const n = (this.counts.get(key) ?? 1) - 1;
    if (n <= 0) this.counts.delete(key);
    else this.counts.set(key, n);
  }
}

/**
 * Per-entity state. Map order is least recently touched first, so idle entities are swept
 * from the front, and the cap evicts the front too.
 */
export class EntityTable<V> {
  private readonly map = new Map<string, { value: V; last: number }>();
  evicted = 0;
  expired = 0;

  constructor(
    private readonly cap: number,
    private readonly idleMs: number,
  ) {}

  get size(): number {
    return this.map.size;
  }

  peek(key: string): V | undefined {
    return this.map.get(key)?.value;
  }

  /** The entity's state, created when absent; marks it seen at `time`. */
  touch(key: string, time: number, create: () => V): V {
    const entry = this.map.get(key);
    if (entry) {
      this.map.delete(key);
      entry.last = Math.max(entry.last, time);
      this.map.set(key, entry);
      return entry.value;
    }
    if (this.map.size >= this.cap) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
      this.evicted++;
    }
    const value = create();
    this.map.set(key, { value, last: time });
    return value;
  }

  /** Replaces (or adds) the entity's state. */
  set(key: string, time: number, value: V): void {
    const entry = this.touch(key, time, () => value);
    if (entry !== value) {
      const slot = this.map.get(key);
      if (slot) slot.value = value;
    }
  }

  /** Forgets entities not seen since `now - idleMs`. */
  sweep(now: number): void {
    for (const [key, entry] of this.map) {
      if (entry.last >= now - this.idleMs) break;
      this.map.delete(key);
      this.expired++;
    }
  }

  *values(): IterableIterator<V> {
    for (const entry of this.map.values()) yield entry.value;
  }
}
