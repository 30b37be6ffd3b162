/**
 * Where each row of a series stands for NAB (its `Sweeper.calcSweepScore`): in which label
 * window, how early in it or how far past the previous one, and whether it is probationary.
 */

/** A labelled anomaly window: every row whose timestamp lies in [start, end] (ms, UTC) is a "true" row. */
export interface NabWindow {
  readonly start: number;
  readonly end: number;
}

/** One series to score: timestamps (ms, UTC) and the detector's scores, row for row, and its windows. */
export interface NabSeries {
  readonly name: string;
  readonly timestamps: ArrayLike<number>;
  readonly scores: ArrayLike<number>;
  readonly windows: readonly NabWindow[];
}

/** Something wrong with an input series; `row` and `window` are 0-based indexes. */
export interface NabIssue {
  readonly series: string;
  readonly message: string;
  readonly row?: number;
  readonly window?: number;
}

/** A window once placed on the rows of its series. */
export interface NabWindowRows extends NabWindow {
  readonly firstRow: number;
  readonly lastRow: number;
}

export interface LabelledSeries {
  readonly series: NabSeries;
  /** Rows before this index are NAB's probationary period: never scored. */
  readonly probationRows: number;
  readonly windows: readonly NabWindowRows[];
  /** The window (index in `windows`) each row falls in, -1 outside every window. */
  readonly windowOfRow: Int32Array;
  /**
   * NAB's unweighted credit of a detection on each row: inside a window, the scaled sigmoid
   * of its position (earlier is worth more); outside, the scaled sigmoid of the distance past
   * the previous window's end (negative), or -1 before the first window.
   */
  readonly credit: Float64Array;
}

/**
 * NAB's `scaledSigmoid`: about 0.987 at -1 (a window's first row), 0 at a window's end,
 * towards -1 after it, and exactly -1 beyond 3 window lengths.
 */
export function scaledSigmoid(relativePosition: number): number {
  if (relativePosition > 3) return -1;
  return 2 / (1 + Math.exp(5 * relativePosition)) - 1;
}

/** The credit of a detection on a window's first row; NAB divides by it so that this detection is worth tpWeight. */
export const NAB_MAX_TP_CREDIT = scaledSigmoid(-1);

/** The default share of each series NAB leaves to detectors to learn in. */
export const NAB_PROBATIONARY_PERCENT = 0.15;

/** NAB's probationary period: `min(floor(percent * rows), percent * 5000)`, i.e. at most 750 rows by default. */
export function probationaryLength(rows: number, percent: number = NAB_PROBATIONARY_PERCENT): number {
  return Math.min(Math.floor(percent * rows), percent * 5000);
}

function checkShape(series: NabSeries): NabIssue[] {
  const issues: NabIssue[] = [];
  const name = series.name;
  const { timestamps, scores, windows } = series;
  if (timestamps.length !== scores.length) {
    issues.push({ series: name, message: `${scores.length} scores for ${timestamps.length} rows` });
  }
  for (let row = 0; row < timestamps.length; row++) {
    if (!Number.isFinite(timestamps[row])) {
      issues.push({ series: name, row, message: `row ${row + 1} has no valid timestamp` });
      break;
    }
  }
  windows.forEach((window, index) => {
    if (!Number.isFinite(window.start) || !Number.isFinite(window.end) || window.start > window.end) {
      issues.push({ series: name, window: index, message: `window ${index + 1} does not have a start before its end` });
    }
    const previous = windows[index - 1];
    if (previous && window.start <= previous.end) {
      issues.push({
        series: name,
        window: index,
        message: `window ${index + 1} starts before window ${index} ends (windows must be in order, without overlap)`,
      });
    }
  });
  return issues;
}

/**
 * Places the windows on the rows. Like NAB, a window begins at the first row at or after its
 * start and ends at the first row stamped with its end (so a duplicated end timestamp does not
 * stretch it), or at the last row still inside it when no row carries the exact end.
 */
function placeWindows(series: NabSeries): { windows: NabWindowRows[]; issues: NabIssue[] } {
  const { timestamps } = series;
  const count = timestamps.length;
  const at = (row: number) => timestamps[row] as number;
  const windows: NabWindowRows[] = [];
  const issues: NabIssue[] = [];
  let cursor = 0;
  series.windows.forEach((window, index) => {
    let first = cursor;
    while (first < count && at(first) < window.start) first++;
    if (first >= count || at(first) > window.end) {
      issues.push({ series: series.name, window: index, message: `window ${index + 1} covers no row of the series` });
      return;
    }
    let last = first;
    while (at(last) !== window.end && last + 1 < count && at(last + 1) <= window.end) last++;
    windows.push({ start: window.start, end: window.end, firstRow: first, lastRow: last });
    cursor = last + 1;
  });
  return { windows, issues };
}

/** Labels the rows of one series, or lists what prevents it. */
export function labelNabSeries(
  series: NabSeries,
  probationaryPercent: number = NAB_PROBATIONARY_PERCENT,
): { labelled: LabelledSeries; issues: [] } | { labelled: undefined; issues: NabIssue[] } {
  const shapeIssues = checkShape(series);
  if (shapeIssues.length > 0) return { labelled: undefined, issues: shapeIssues };
  const { windows, issues } = placeWindows(series);
  if (issues.length > 0) return { labelled: undefined, issues };

  const count = series.timestamps.length;
  const windowOfRow = new Int32Array(count).fill(-1);
  const credit = new Float64Array(count);
  let previousLast = -1;
  let previousWidth = 0;
  let next = 0;
  for (let row = 0; row < count; row++) {
    const window = windows[next];
    if (window && row >= window.firstRow) {
      const width = window.lastRow - window.firstRow + 1;
      windowOfRow[row] = next;
      credit[row] = scaledSigmoid(-(window.lastRow - row + 1) / width);
      if (row === window.lastRow) {
        previousLast = row;
        previousWidth = width;
        next++;
      }
    } else if (previousLast < 0 || previousWidth === 1) {
      // No window yet: as far as can be. NAB divides by zero after a one-row window; treat it as far too.
      credit[row] = -1;
    } else {
      credit[row] = scaledSigmoid((row - previousLast) / (previousWidth - 1));
    }
  }
  return {
    labelled: {
      series,
      probationRows: probationaryLength(count, probationaryPercent),
      windows,
      windowOfRow,
      credit,
    },
    issues: [],
  };
}
