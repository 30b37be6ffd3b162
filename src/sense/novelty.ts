/**
 * Novelty of values and of value transitions: how rarely the current value bucket (and the
 * step from the previous bucket to it) was seen lately. Buckets span the range seen so far;
 * counts decay so that the memory is bounded. Constant cost per point.
 */

export class BucketNovelty {
  private readonly counts: Float64Array;
  private readonly pairs: Float64Array;
  private readonly rowTotals: Float64Array;
  private total = 0;
  /** Weight of the next observation: grows instead of decaying every count (renormalised when large). */
  private weight = 1;
  private readonly growth: number;
  private previous = -1;
  /** Novelty of the last value bucket and of the last transition, in [0,1]. */
  valueNovelty = 0;
  transitionNovelty = 0;

  constructor(
    private readonly buckets: number,
    memory: number,
  ) {
    this.counts = new Float64Array(buckets);
    this.pairs = new Float64Array(buckets * buckets);
    this.rowTotals = new Float64Array(buckets);
    this.growth = 1 / (1 - 1 / memory);
  }

  /** `position` is the value's place in the range seen so far, in [0,1]. */
  update(position: number): void {
    const n = this.buckets;
    const b = Math.min(n - 1, Math.max(0, Math.floor(position * n)));
    const logN = Math.log(n);
    // Additive smoothing: an empty bucket is surprising, not infinitely so.
    const alpha = this.weight;
    const p = ((this.counts[b] ?? 0) + alpha) / (this.total + alpha * n);
    this.valueNovelty = Math.min(1, Math.max(0, -Math.log(p) / logN / 2));
    const prev = this.previous;
    if (prev >= 0) {
      const row = this.rowTotals[prev] ?? 0;
      const q = ((this.pairs[prev * n + b] ?? 0) + alpha) / (row + alpha * n);
      this.transitionNovelty = Math.min(1, Math.max(0, -Math.log(q) / logN / 2));
      this.pairs[prev * n + b] = (this.pairs[prev * n + b] ?? 0) + this.weight;
      this.rowTotals[prev] = row + this.weight;
    }
    this.counts[b] = (this.counts[b] ?? 0) + this.weight;
    this.total += this.weight;
    this.previous = b;
    this.weight *= this.growth;
    if (this.weight > 1e100) this.rescale();
  }

  private rescale(): void {
    const k = 1 / this.weight;
    for (let i = 0; i < this.counts.length; i++) this.counts[i] = (this.counts[i] ?? 0) * k;
    for (let i = 0; i < this.rowTotals.length; i++) this.rowTotals[i] = (this.rowTotals[i] ?? 0) * k;
    for (let i = 0; i < this.pairs.length; i++) this.pairs[i] = (this.pairs[i] ?? 0) * k;
    this.total *= k;
    this.weight = 1;
  }
}
