/**
 * NAB scoring of a corpus: one threshold per profile for all series, each series scored at it
 * with its reasons, and the total normalised between the null detector (0) and the perfect one (100).
 */
import { NAB_PROFILES, type NabCostMatrix, type NabProfile } from './profiles.js';
import {
  type LabelledSeries,
  labelNabSeries,
  NAB_MAX_TP_CREDIT,
  NAB_PROBATIONARY_PERCENT,
  type NabIssue,
  type NabSeries,
} from './rows.js';
import { bestThreshold, collectSweepRows } from './sweep.js';

export interface NabScoringOptions {
  /** Cost matrices to score with; NAB's three standard profiles by default. */
  readonly profiles?: readonly NabProfile[];
  /** Share of each series left unscored at its start (NAB: 0.15, at most 750 rows). */
  readonly probationaryPercent?: number;
  /** A fixed threshold per profile name instead of the optimal one (e.g. to check published thresholds). */
  readonly thresholds?: Readonly<Record<string, number>>;
}

/** One window at the profile's threshold: detected when, and what it added to the score. */
export interface NabWindowScore {
  readonly start: number;
  readonly end: number;
  readonly rows: number;
  /** Timestamp of the first scorable row at or above the threshold in the window, null when missed. */
  readonly detectedAt: number | null;
  /** Rows from the window's first row to that detection (0 = detected on its first row). */
  readonly detectedAfterRows: number | null;
  /** tpWeight scaled by how early it was detected, -fnWeight when missed, 0 when it lies entirely in probation. */
  readonly contribution: number;
}

export interface NabSeriesScore {
  readonly name: string;
  readonly rows: number;
  readonly probationRows: number;
  /** Scorable rows at or above the threshold. */
  readonly detections: number;
  /** Windows detected (true positives, counted once per window). */
  readonly truePositives: number;
  /** Windows missed (false negatives). */
  readonly falseNegatives: number;
  /** Detections outside every window (false positives, counted per row). */
  readonly falsePositives: number;
  /** Sum of the false positives' (negative) weights. */
  readonly falsePositiveScore: number;
  readonly rawScore: number;
  readonly windows: readonly NabWindowScore[];
}

export interface NabProfileScore {
  readonly profile: string;
  readonly costs: NabCostMatrix;
  readonly threshold: number;
  /** `optimised`: the sweep's best threshold; `given`: from the options. */
  readonly thresholdSource: 'optimised' | 'given';
  /** Sum of the series' raw scores (as NAB's "Totals" row). */
  readonly rawScore: number;
  /** 100 * (raw - null) / (perfect - null); null when the corpus has no window. */
  readonly normalisedScore: number | null;
  /** Raw score of a detector that never fires: every scorable window missed. */
  readonly nullScore: number;
  /** Raw score of a detector that fires on the first row of every window: tpWeight per window. */
  readonly perfectScore: number;
  readonly truePositives: number;
  readonly falseNegatives: number;
  readonly falsePositives: number;
  readonly series: readonly NabSeriesScore[];
}

export interface NabCorpusScore {
  readonly seriesCount: number;
  readonly rowCount: number;
  readonly windowCount: number;
  readonly profiles: readonly NabProfileScore[];
}

/** Input that cannot be scored; `issues` lists every problem found, each with its series. */
export class NabInputError extends Error {
  readonly issues: readonly NabIssue[];

  constructor(issues: readonly NabIssue[]) {
    const shown = issues
      .slice(0, 5)
      .map((issue) => `${issue.series}: ${issue.message}`)
      .join('; ');
    super(`Cannot score: ${shown}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''}`);
    this.name = 'NabInputError';
    this.issues = issues;
  }
}

/** Labels every series, collecting all problems before giving up. */
export function labelNabCorpus(
  corpus: readonly NabSeries[],
  probationaryPercent: number = NAB_PROBATIONARY_PERCENT,
): LabelledSeries[] {
  const issues: NabIssue[] = [];
  const seen = new Set<string>();
  const labelled: LabelledSeries[] = [];
  for (const series of corpus) {
    if (seen.has(series.name)) issues.push({ series: series.name, message: 'appears twice in the corpus' });
    seen.add(series.name);
    const result = labelNabSeries(series, probationaryPercent);
    if (result.labelled) labelled.push(result.labelled);
    else issues.push(...result.issues);
  }
  if (issues.length > 0) throw new NabInputError(issues);
  return labelled;
}

/** One series at a threshold, in a single pass over its rows. */
export function scoreLabelledSeries(labelled: LabelledSeries, costs: NabCostMatrix, threshold: number): NabSeriesScore {
  const { series, windows, windowOfRow, credit, probationRows } = labelled;
  const firstDetection = new Int32Array(windows.length).fill(-1);
  let detections = 0;
  let falsePositives = 0;
  let falsePositiveScore = 0;
  for (let row = Math.ceil(probationRows); row < series.scores.length; row++) {
    // NaN is never at or above a threshold: a row without a score is not a detection.
    if (!((series.scores[row] as number) >= threshold)) continue;
    detections++;
    const window = windowOfRow[row] as number;
    if (window < 0) {
      falsePositives++;
      falsePositiveScore += (credit[row] as number) * costs.fpWeight;
    } else if (firstDetection[window] === -1) {
      firstDetection[window] = row;
    }
  }
  let truePositives = 0;
  let falseNegatives = 0;
  let windowScore = 0;
  const windowScores = windows.map((window, index): NabWindowScore => {
    const detected = firstDetection[index] as number;
    const scored = window.lastRow >= probationRows;
    let contribution = 0;
    if (detected >= 0) {
      truePositives++;
      contribution = ((credit[detected] as number) * costs.tpWeight) / NAB_MAX_TP_CREDIT;
    } else if (scored) {
      falseNegatives++;
      contribution = -costs.fnWeight;
    }
    windowScore += contribution;
    return {
      start: window.start,
      end: window.end,
      rows: window.lastRow - window.firstRow + 1,
      detectedAt: detected >= 0 ? (series.timestamps[detected] as number) : null,
      detectedAfterRows: detected >= 0 ? detected - window.firstRow : null,
      contribution,
    };
  });
  return {
    name: series.name,
    rows: series.scores.length,
    probationRows,
    detections,
    truePositives,
    falseNegatives,
    falsePositives,
    falsePositiveScore,
    rawScore: falsePositiveScore + windowScore,
    windows: windowScores,
  };
}

/**
 * Scores a corpus the way NAB v1.1 does, for each profile: the threshold is the one that
 * maximises the summed raw score over all series (unless given), then each series is scored
 * at it. Throws NabInputError listing every unusable series.
 */
export function scoreNabCorpus(corpus: readonly NabSeries[], options: NabScoringOptions = {}): NabCorpusScore {
  const profiles = options.profiles ?? NAB_PROFILES;
  const labelled = labelNabCorpus(corpus, options.probationaryPercent);
  const sweepRows = collectSweepRows(labelled);
  const windowCount = sweepRows.windowCount;
  return {
    seriesCount: labelled.length,
    rowCount: labelled.reduce((sum, series) => sum + series.series.scores.length, 0),
    windowCount,
    profiles: profiles.map((profile): NabProfileScore => {
      const { costs } = profile;
      const given = options.thresholds?.[profile.name];
      const threshold = given ?? bestThreshold(sweepRows, costs).threshold;
      const series = labelled.map((one) => scoreLabelledSeries(one, costs, threshold));
      const rawScore = series.reduce((sum, one) => sum + one.rawScore, 0);
      const nullScore = -costs.fnWeight * sweepRows.scoredWindows;
      // As NAB's normalisation: every labelled window counts, even one lost in probation.
      const perfectScore = costs.tpWeight * windowCount;
      return {
        profile: profile.name,
        costs,
        threshold,
        thresholdSource: given === undefined ? 'optimised' : 'given',
        rawScore,
        normalisedScore:
          perfectScore === nullScore ? null : (100 * (rawScore - nullScore)) / (perfectScore - nullScore),
        nullScore,
        perfectScore,
        truePositives: series.reduce((sum, one) => sum + one.truePositives, 0),
        falseNegatives: series.reduce((sum, one) => sum + one.falseNegatives, 0),
        falsePositives: series.reduce((sum, one) => sum + one.falsePositives, 0),
        series,
      };
    }),
  };
}
