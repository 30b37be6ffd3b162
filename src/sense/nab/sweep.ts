/**
 * The corpus-wide threshold sweep (NAB's `Sweeper.calcScoreByThreshold` and optimizer): every
 * distinct anomaly score is a candidate threshold, scored in one pass over the rows sorted by score.
 */
import type { NabCostMatrix } from './profiles.js';
import { type LabelledSeries, NAB_MAX_TP_CREDIT } from './rows.js';

/** The scorable rows of a whole corpus (probation left out), ready to sweep under any profile. */
export interface SweepRows {
  /** Anomaly score of each scorable row; rows scored NaN are left out, as never detected. */
  readonly scores: Float64Array;
  /** Corpus-wide window id of each row, -1 outside windows. */
  readonly windowIds: Int32Array;
  readonly credits: Float64Array;
  /** Row indexes by descending score. */
  readonly order: Uint32Array;
  /** Windows with at least one scorable row: only they count as missed when not detected (as in NAB). */
  readonly scoredWindows: number;
  readonly windowCount: number;
}

export interface ThresholdScore {
  readonly threshold: number;
  readonly score: number;
}

/** Kahan–Neumaier running sum: hundreds of thousands of small updates without drift. */
class RunningSum {
  private sum = 0;
  private compensation = 0;

  constructor(start = 0) {
    this.sum = start;
  }

  add(value: number): void {
    const total = this.sum + value;
    this.compensation += Math.abs(this.sum) >= Math.abs(value) ? this.sum - total + value : value - total + this.sum;
    this.sum = total;
  }

  get value(): number {
    return this.sum + this.compensation;
  }
}

export function collectSweepRows(corpus: readonly LabelledSeries[]): SweepRows {
  let size = 0;
  let windowCount = 0;
  let scoredWindows = 0;
  for (const labelled of corpus) {
    const { scores } = labelled.series;
    for (let row = Math.ceil(labelled.probationRows); row < scores.length; row++) {
      if (!Number.isNaN(scores[row])) size++;
    }
    windowCount += labelled.windows.length;
    scoredWindows += labelled.windows.filter((window) => window.lastRow >= labelled.probationRows).length;
  }
  const scores = new Float64Array(size);
  const windowIds = new Int32Array(size);
  const credits = new Float64Array(size);
  let at = 0;
  let firstWindowId = 0;
  for (const labelled of corpus) {
    const seriesScores = labelled.series.scores;
    for (let row = Math.ceil(labelled.probationRows); row < seriesScores.length; row++) {
      const score = seriesScores[row] as number;
      if (Number.isNaN(score)) continue;
      const window = labelled.windowOfRow[row] as number;
      scores[at] = score;
      windowIds[at] = window < 0 ? -1 : firstWindowId + window;
      credits[at] = labelled.credit[row] as number;
      at++;
    }
    firstWindowId += labelled.windows.length;
  }
  const order = new Uint32Array(size);
  for (let i = 0; i < size; i++) order[i] = i;
  order.sort((a, b) => (scores[b] as number) - (scores[a] as number));
  return { scores, windowIds, credits, order, scoredWindows, windowCount };
}

/**
 * The threshold that maximises the corpus score under `costs`. Lowering the threshold past a
 * score detects every row with that score at once; the score of a threshold counts all rows
 * scored at or above it. The first candidate is "no detection at all" (NAB's 1.1, or above the
 * highest score when scores exceed 1). Ties keep the highest threshold, as NAB's stable sort does.
 */
export function bestThreshold(rows: SweepRows, costs: NabCostMatrix): ThresholdScore {
  const { scores, windowIds, credits, order } = rows;
  const tpFactor = costs.tpWeight / NAB_MAX_TP_CREDIT;
  // Best credit so far of each window, starting as a miss.
  const windowPart = new Float64Array(rows.windowCount).fill(-costs.fnWeight);
  const windowTotal = new RunningSum(-costs.fnWeight * rows.scoredWindows);
  const falsePositiveTotal = new RunningSum();
  const highest = order.length > 0 ? (scores[order[0] as number] as number) : 0;
  let best: ThresholdScore = { threshold: highest < 1.1 ? 1.1 : highest + 1, score: windowTotal.value };
  let i = 0;
  while (i < order.length) {
    const threshold = scores[order[i] as number] as number;
    for (; i < order.length; i++) {
      const row = order[i] as number;
      if (scores[row] !== threshold) break;
      const window = windowIds[row] as number;
      if (window < 0) {
        falsePositiveTotal.add((credits[row] as number) * costs.fpWeight);
        continue;
      }
      const credit = (credits[row] as number) * tpFactor;
      const previous = windowPart[window] as number;
      if (credit > previous) {
        windowPart[window] = credit;
        windowTotal.add(credit - previous);
      }
    }
    const score = windowTotal.value + falsePositiveTotal.value;
    if (score > best.score) best = { threshold, score };
  }
  return best;
}
