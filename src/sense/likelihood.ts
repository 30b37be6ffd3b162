/**
 * The anomaly-likelihood layer: how unusual the recent raw scores are compared with the
 * raw scores this series usually produces. A noisy series that always scores 0.3 is not
 * alarming at 0.3; a quiet one is. The normal model is checked against what the series
 * actually did: an average reached often lately cannot be rare, whatever the model says.
 * Window-bounded cost per point (running sums on rings, a fixed histogram).
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

  /** Adds a value; returns the one it pushed out when full (undefined otherwise). */
  push(value: number): number | undefined {
    let evicted: number | undefined;
    if (this.size === this.values.length) {
      evicted = this.values[this.next] ?? 0;
      this.sum -= evicted;
      this.sumSquares -= evicted * evicted;
    } else {
      this.size += 1;
    }
    this.values[this.next] = value;
    this.sum += value;
    this.sumSquares += value * value;
    this.next = this.next + 1 === this.values.length ? 0 : this.next + 1;
    return evicted;
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

/**
 * How much rarer (in powers of ten) than its observed frequency the normal model may call an
 * average: 3, i.e. the model's tail is trusted down to a thousandth of the share of recent
 * averages at least as high. With alarms at a surprise of 5 (1e-5), an average must be in
 * the top 1% of the series' recent ones to fire: spikes the series makes every few days are
 * its normal life, not news. Beyond the highest recent average the data say nothing, and the
 * model alone decides.
 */
export const EMPIRICAL_MARGIN = 3;

/** Bins of UnitHistogram: 32 blocks of 32. */
const BLOCK_BITS = 5;
const BLOCK = 1 << BLOCK_BITS;
const BINS = BLOCK * BLOCK;

/**
 * Counts of values in [0,1] over 1024 bins, with a sum per block of 32 bins: adding or removing
 * a value costs two steps, counting the values at or above a point at most 64.
 */
export class UnitHistogram {
  private readonly bins = new Float64Array(BINS);
  private readonly blocks = new Float64Array(BLOCK);
  total = 0;

  add(value: number, weight: number): void {
    const bin = binOf(value);
    const block = bin >> BLOCK_BITS;
    this.bins[bin] = (this.bins[bin] as number) + weight;
    this.blocks[block] = (this.blocks[block] as number) + weight;
    this.total += weight;
  }

  /** How many values lie in the bin of `value` or above. */
  atOrAbove(value: number): number {
    const first = binOf(value);
    const block = first >> BLOCK_BITS;
    let count = 0;
    for (let bin = first; bin < (block + 1) * BLOCK; bin++) count += this.bins[bin] as number;
    for (let next = block + 1; next < BLOCK; next++) count += this.blocks[next] as number;
    return count;
  }
}

function binOf(value: number): number {
  return Math.min(BINS - 1, Math.max(0, Math.floor(value * BINS)));
}

export class AnomalyLikelihood {
  private readonly history: RingStats;
  /** The same history as counts, for the observed frequency of an average. */
  private readonly historyCounts = new UnitHistogram();
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
   * Feeds one raw score (in [0,1]); returns the surprise of the recent raw scores, -log10 of
   * the probability of an average at least this high (0 while learning, at most MAX_SURPRISE).
   * This is Numenta's `log(1.0000000001 - likelihood) / -23.02585` scaled by 10, bounded by
   * the observed frequency of such averages (see EMPIRICAL_MARGIN).
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
      // Only a surprise above the margin can be bounded: count the history just then.
      if (surprise > EMPIRICAL_MARGIN) {
        const reached = this.historyCounts.atOrAbove(average);
        if (reached > 0) {
          const observed = (reached + 1) / (this.historyCounts.total + 1);
          surprise = Math.min(surprise, EMPIRICAL_MARGIN - Math.log10(observed));
        }
      }
    }
    const evicted = this.history.push(average);
    if (evicted !== undefined) this.historyCounts.add(evicted, -1);
    this.historyCounts.add(average, 1);
    return surprise;
  }
}
