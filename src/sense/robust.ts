/**
 * Streaming robust statistics, constant time and memory per point: a Huber-style location
 * (each point moves it by at most a bounded step) and a scale that tracks the median
 * absolute deviation. One outlier, or one push by an attacker, moves either very little.
 */

const WARM_UP = 8;
/** Shared scratch for the warm-up deviations (no allocation per point). */
const scratch = new Float64Array(WARM_UP);

export class RobustTracker {
  /** Location estimate (follows the median of what it sees). */
  location = 0;
  /** Scale estimate (follows the median absolute deviation around the location). */
  scale = 0;
  /** Points seen. */
  count = 0;
  private readonly rate: number;
  /** The first points, kept sorted, while there are too few for steps. */
  private warmUp: Float64Array | undefined = new Float64Array(WARM_UP);

  /** `rate` ≈ 1 / memory, in points. */
  constructor(rate: number) {
    this.rate = rate;
  }

  update(value: number): void {
    this.count += 1;
    const warm = this.warmUp;
    if (warm !== undefined) {
      // Too few points for steps: take the exact median and MAD of what was seen.
      const n = this.count;
      insertSorted(warm, n - 1, value);
      this.location = medianOf(warm, n);
      for (let i = 0; i < n; i++) insertSorted(scratch, i, Math.abs((warm[i] as number) - this.location));
      this.scale = medianOf(scratch, n);
      if (n === WARM_UP) this.warmUp = undefined;
      return;
    }
    const residual = value - this.location;
    const bound = 1.5 * this.scale;
    const clipped = Math.min(bound, Math.max(-bound, residual));
    this.location += this.rate * (bound > 0 ? clipped : residual);
    const deviation = Math.abs(residual);
    if (this.scale === 0) this.scale = this.rate * deviation;
    else this.scale *= deviation > this.scale ? 1 + this.rate : 1 - this.rate;
  }
}

/** Inserts `value` into the sorted prefix `sorted[0..size)`. */
function insertSorted(sorted: Float64Array, size: number, value: number): void {
  let i = size;
  while (i > 0 && (sorted[i - 1] as number) > value) {
    sorted[i] = sorted[i - 1] as number;
    i -= 1;
  }
  sorted[i] = value;
}

function medianOf(sorted: Float64Array, n: number): number {
  if (n === 0) return 0;
  const mid = n >> 1;
  return n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
