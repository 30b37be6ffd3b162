/**
 * Attacker-controlled text (file names, display names, domains, URLs) quoted in a reason's
 * message: control characters (C0, DEL, C1) and bidirectional controls are removed, so that a
 * name cannot rewrite a terminal line (`\x1b[2K`), break a log, or reverse what the analyst
 * reads (`facture\u202Eexe.pdf`).
 */

/** C0 controls (tabs and line breaks too), DEL, C1 controls, bidi embeddings/overrides/isolates and marks. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g;

/** `text` without control and bidi characters, cut to `max` characters (with `...`). */
export function safeText(text: string, max = Number.POSITIVE_INFINITY): string {
  const clean = text.replace(UNSAFE, '');
  return clean.length > max ? `${clean.slice(0, Math.max(0, max - 3))}...` : clean;
}

/** True when `text` holds characters that `safeText` removes. */
export function hasUnsafeText(text: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(text);
  UNSAFE.lastIndex = 0;
  return found;
}

/** `text` with control and bidi characters written as `\u{…}` escapes: safe to keep in `data`. */
export function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
}
