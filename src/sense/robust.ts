/**
 * Streaming robust statistics, constant time and memory per point: a Huber-style location
 * (each point moves it by at most a bounded step) and a scale that tracks the median
 * absolute deviation. One outlier, or one push by an attacker, moves either very little.
 */

const WARM_UP = 8;

export class RobustTracker {
  /** Location estimate (follows the median of what it sees). */
  location = 0;
  /** Scale estimate (follows the median absolute deviation around the location). */
  scale = 0;
  /** Points seen. */
  count = 0;
  private readonly rate: number;
  private readonly warmUp: number[] = [];

  /** `rate` ≈ 1 / memory, in points. */
  constructor(rate: number) {
    this.rate = rate;
  }

  update(value: number): void {
    this.count += 1;
    if (this.count <= WARM_UP) {
      // Too few points for steps: take the exact median and MAD of what was seen.
      this.warmUp.push(value);
      const sorted = [...this.warmUp].sort((a, b) => a - b);
      this.location = median(sorted);
      this.scale = median(sorted.map((v) => Math.abs(v - this.location)).sort((a, b) => a - b));
      if (this.count === WARM_UP) this.warmUp.length = 0;
      return;
    }
    const residual = value - this.location;
    const bound = 1.5 * this.scale;
    const clipped = residual > bound ? bound : residual < -bound ? -bound : residual;
    this.location += this.rate * (bound > 0 ? clipped : residual);
    const deviation = Math.abs(residual);
    if (this.scale === 0) this.scale = this.rate * deviation;
    else this.scale *= deviation > this.scale ? 1 + this.rate : 1 - this.rate;
  }
}

function median(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const mid = n >> 1;
  return n % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
