/** NAB's label file (`labels/combined_windows.json`: series → list of [start, end] timestamps) to windows. */
import { z } from 'zod';
import type { NabIssue, NabWindow } from './rows.js';
import { NabInputError } from './score.js';
import { parseNabTimestamp } from './timestamp.js';

const labelsFileSchema = z.record(z.string().min(1), z.array(z.tuple([z.string(), z.string()])));

/**
 * Reads NAB's windows, one list per series name (the data file's path relative to the data
 * folder, e.g. `realKnownCause/nyc_taxi.csv`). Throws NabInputError listing every bad window,
 * or the ZodError of a file that does not have this shape at all.
 */
export function parseNabLabels(json: unknown): Map<string, NabWindow[]> {
  const parsed = labelsFileSchema.parse(json);
  const issues: NabIssue[] = [];
  const windows = new Map<string, NabWindow[]>();
  for (const [series, pairs] of Object.entries(parsed)) {
    windows.set(
      series,
      pairs.map(([startText, endText], window) => {
        const start = parseNabTimestamp(startText);
        const end = parseNabTimestamp(endText);
        if (start === undefined || end === undefined) {
          const bad = start === undefined ? startText : endText;
          issues.push({ series, window, message: `window ${window + 1}: "${bad}" is not a timestamp` });
        }
        return { start: start ?? Number.NaN, end: end ?? Number.NaN };
      }),
    );
  }
  if (issues.length > 0) throw new NabInputError(issues);
  return windows;
}
