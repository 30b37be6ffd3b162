/** Building spans and their bilingual reasons. */
import type { Span, SpanReason } from './types.js';

export function reason(code: string, fr: string, en: string): SpanReason {
  return { code, fr, en };
}

export function span(
  detector: string,
  type: string,
  start: number,
  end: number,
  score: number,
  reasons: readonly SpanReason[],
): Span {
  return { type, start, end, score: Math.max(0, Math.min(1, score)), detector, reasons };
}

/** True when one of `words` (already folded) occurs in the `width` characters of `folded` before `at`. */
export function contextBefore(folded: string, at: number, width: number, words: readonly string[]): boolean {
  const window = folded.slice(Math.max(0, at - width), at);
  for (const w of words) if (window.includes(w)) return true;
  return false;
}
