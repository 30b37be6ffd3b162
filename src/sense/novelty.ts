/**
 * Novelty of a value: how rarely its bucket of the range seen so far was visited lately.
 * Counts decay so that the memory is bounded; constant cost per point.
 */

export class BucketNovelty {
  private readonly counts: Float64Array;
  private total = 0;
  /** Weight of the next observation: it grows instead of every count decaying (renormalised when large). */
  private weight = 1;
  private readonly growth: number;
  private readonly logBuckets: number;

  constructor(buckets: number, memory: number) {
    this.counts = new Float64Array(buckets);
    this.growth = 1 / (1 - 1 / memory);
    this.logBuckets = Math.log(buckets);
  }

  /**
   * Feeds a value's place in the range seen so far (0 = lowest, 1 = highest); returns its
   * novelty in [0,1]: 0 for a well-trodden bucket, 1 for one visited ~never.
   */
  update(position: number): number {
    const n = this.counts.length;
    const bucket = position >= 1 ? n - 1 : position <= 0 ? 0 : Math.floor(position * n);
    // Additive smoothing: an empty bucket is surprising, not infinitely so.
    const p = ((this.counts[bucket] as number) + this.weight) / (this.total + this.weight * n);
    const novelty = -Math.log(p) / this.logBuckets / 2;
    this.counts[bucket] = (this.counts[bucket] as number) + this.weight;
    this.total += this.weight;
    this.weight *= this.growth;
    if (this.weight > 1e100) this.rescale();
    return Math.min(1, Math.max(0, novelty));
  }

  private rescale(): void {
    const k = 1 / this.weight;
    for (let i = 0; i < this.counts.length; i++) this.counts[i] = (this.counts[i] as number) * k;
    this.total *= k;
    this.weight = 1;
  }
}
