/**
 * Runs of digit groups ("4970 1012 3456 7890", "732 829 320 00074") found in one linear pass;
 * card, SIREN and SIRET detectors then try the group sequences of the right length.
 */
import { isAsciiAlnum, isDigit } from './text.js';

export interface DigitGroup {
  readonly start: number;
  readonly end: number;
}

/** A maximal run of digit groups separated by one separator character each. */
export interface DigitRun {
  readonly groups: readonly DigitGroup[];
}

const SEPARATORS = new Set([32, 46, 45, 0xa0, 0x202f]); // space . - nbsp narrow-nbsp

export function digitRuns(text: string, maxGroups = 24): DigitRun[] {
  const runs: DigitRun[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (!isDigit(c) || (i > 0 && isAsciiAlnum(text.charCodeAt(i - 1)))) {
      i++;
      continue;
    }
    const groups: DigitGroup[] = [];
    let j = i;
    while (j < n && groups.length < maxGroups) {
      const s = j;
      while (j < n && isDigit(text.charCodeAt(j))) j++;
      groups.push({ start: s, end: j });
      if (j + 1 < n && SEPARATORS.has(text.charCodeAt(j)) && isDigit(text.charCodeAt(j + 1))) j++;
      else break;
    }
    // A letter glued to the end spoils the whole run (a reference such as 12345ABC).
    const last = groups[groups.length - 1];
    if (last && !(last.end < n && /[A-Za-z]/.test(text.charAt(last.end)))) runs.push({ groups });
    i = Math.max(j, i + 1);
  }
  return runs;
}

export function digitsOf(text: string, start: number, end: number): string {
  let out = '';
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) out += text[i];
  }
  return out;
}

/**
 * Contiguous group sequences of a run whose digit count is in [min, max], longest first at each
 * starting group; the caller keeps the first that validates.
 */
export function* groupSequences(
  text: string,
  run: DigitRun,
  min: number,
  max: number,
): Generator<{ start: number; end: number; digits: string; startGroup: number; endGroup: number }> {
  const g = run.groups;
  for (let a = 0; a < g.length; a++) {
    const found: { start: number; end: number; digits: string; startGroup: number; endGroup: number }[] = [];
    let count = 0;
    // Digits accumulated group by group: each group is copied once per starting group.
    let acc = '';
    for (let b = a; b < g.length; b++) {
      const group = g[b];
      if (!group) break;
      count += group.end - group.start;
      if (count > max) break;
      acc += text.slice(group.start, group.end);
      const first = g[a];
      if (count >= min && first) {
        found.push({
          start: first.start,
          end: group.end,
          digits: acc,
          startGroup: a,
          endGroup: b,
        });
      }
    }
    for (let k = found.length - 1; k >= 0; k--) {
      const f = found[k];
      if (f) yield f;
    }
  }
}
