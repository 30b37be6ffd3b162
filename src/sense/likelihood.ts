/**
 * The anomaly-likelihood layer: how unusual the recent raw scores are compared with the
 * raw scores this series usually produces. A noisy series that always scores 0.3 is not
 * alarming at 0.3; a quiet one is. Window-bounded cost per point (running sums on rings).
 */

/** Upper-tail probability of the standard normal distribution (Abramowitz–Stegun 7.1.26). */
export function normalTail(z: number): number {
  if (z < 0) return 1 - normalTail(-z);
  const t = 1 / (1 + 0.3275911 * (z / Math.SQRT2));
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return 0.5 * poly * Math.exp(-(z * z) / 2);
}

/** A fixed-size ring keeping the sum and the sum of squares of what it holds. */
export class RingStats {
  private readonly values: Float64Array;
  private next = 0;
  size = 0;
  sum = 0;
  sumSquares = 0;

  constructor(capacity: number) {
    this.values = new Float64Array(capacity);
  }

  push(value: number): void {
    if (this.size === this.values.length) {
      const old = this.values[this.next] ?? 0;
      this.sum -= old;
      this.sumSquares -= old * old;
    } else {
      this.size += 1;
    }
    this.values[this.next] = value;
    this.sum += value;
    this.sumSquares += value * value;
    this.next = this.next + 1 === this.values.length ? 0 : this.next + 1;
  }

  mean(): number {
    return this.size === 0 ? 0 : this.sum / this.size;
  }

  variance(): number {
    if (this.size < 2) return 0;
    const mean = this.mean();
    return Math.max(0, this.sumSquares / this.size - mean * mean);
  }
}

export interface LikelihoodOptions {
  /** How many past raw scores describe "usual" (points). */
  readonly historyPoints: number;
  /** How many recent raw scores are averaged (points). */
  readonly recentPoints: number;
  /** Points before any likelihood is given (the history is too short to mean anything). */
  readonly learningPoints: number;
  /** Floor on the spread of the usual averages: a series whose raw scores never move must still alarm. */
  readonly minSpread?: number;
}

/** Surprise is capped here (tail probability 1e-10), the top of the output scale. */
export const MAX_SURPRISE = 10;

export class AnomalyLikelihood {
  private readonly history: RingStats;
  private readonly recent: RingStats;
  private readonly options: LikelihoodOptions;
  private seen = 0;
  /** Standardised distance of the recent average from the usual averages. */
  z = 0;

  constructor(options: LikelihoodOptions) {
    this.options = options;
    this.history = new RingStats(options.historyPoints);
    this.recent = new RingStats(options.recentPoints);
  }

  /**
   * Feeds one raw score; returns the surprise of the recent raw scores, -log10 of the
   * probability of an average at least this high (0 while learning, at most MAX_SURPRISE).
   * This is Numenta's `log(1.0000000001 - likelihood) / -23.02585` scaled by 10.
   */
  update(raw: number): number {
    this.seen += 1;
    this.recent.push(raw);
    // The history holds recent averages, so that like is compared with like.
    const average = this.recent.mean();
    let surprise = 0;
    if (this.seen > this.options.learningPoints) {
      const mean = this.history.mean();
      const spread = Math.max(Math.sqrt(this.history.variance()), this.options.minSpread ?? 1e-4);
      this.z = (average - mean) / spread;
      surprise = this.z <= 0 ? 0 : Math.min(MAX_SURPRISE, -Math.log10(Math.max(1e-10, normalTail(this.z))));
    }
    this.history.push(average);
    return surprise;
  }
}
