/**
 * Pasted source code: lines are scored by code signals (statement endings, braces, keywords,
 * operators, indentation); runs of mostly code-like lines, and fenced ``` blocks, become spans.
 */
import { reason, span } from './span.js';
import { isLetter } from './text.js';
import type { Detector, Span } from './types.js';

const KEYWORDS =
  /\b(?:function|const|let|var|return|import|export|from|def|class|public|private|protected|static|void|int|string|bool|elif|lambda|async|await|try|catch|except|finally|throw|new|package|func|fn|impl|struct|enum|interface|select|insert|update|delete|where|join|echo|fi|done|then|#include|#define|require|module|namespace|using|yield|println|printf|console\.log|self|this)\b/i;

/** ASCII symbols typical of code, as a table: one array read per character. */
const SYMBOL = new Uint8Array(128);
for (const ch of '{}()[];=<>&|+*/\\$#@_') SYMBOL[ch.charCodeAt(0)] = 1;

/** Space-separated words of three or more letters (apostrophes and commas allowed): prose. */
function proseWords(t: string): number {
  let count = 0;
  let len = 0;
  let ok = true;
  for (let i = 0; i <= t.length; i++) {
    const c = i < t.length ? t.charCodeAt(i) : 32;
    if (c === 32) {
      if (ok && len >= 3) count++;
      len = 0;
      ok = true;
    } else {
      len++;
      if (ok && !(isLetter(c) || c === 39 || c === 0x2019 || c === 44)) ok = false;
    }
  }
  return count;
}

/** The +1 signals read by regular expressions, cheapest first (the keyword list is the costliest). */
const SIGNALS: readonly RegExp[] = [
  /^(?:\/\/|#|\/\*|\*|--)\s/,
  /[=!<>]=|=>|->|&&|\|\||::|\+\+|\+=/,
  /\w\([^()\n]{0,80}\)/,
  KEYWORDS,
];

/**
 * A line's code score, only ever compared with 0 (not prose) and 2 (code-like): the cheap
 * character checks come first, and a regular-expression signal is read only while it can still
 * move the line across one of those two marks (most prose lines never reach the keyword list).
 */
function lineScore(line: string): number {
  const t = line.trim();
  if (t.length === 0) return -1;
  let s = 0;
  const last = t.charCodeAt(t.length - 1);
  const first = t.charCodeAt(0);
  // ; { } at the end, or } ] ) at the start.
  if (last === 59 || last === 123 || last === 125 || first === 125 || first === 93 || first === 41) s += 2;
  const c0 = line.charCodeAt(0);
  if (c0 === 9 || (isBlank(c0) && isBlank(line.charCodeAt(1)))) s += 1;
  let symbols = 0;
  let braces = false;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c < 128 && SYMBOL[c] === 1) symbols++;
    if (c === 59 || c === 123 || c === 125) braces = true;
  }
  if (symbols / t.length > 0.08) s += 1;
  // Prose: sentences ending with a period and mostly words.
  if ((last === 46 || last === 63 || last === 33) && !braces && proseWords(t) >= 3) s -= 2;
  for (let k = 0; k < SIGNALS.length; k++) {
    const left = SIGNALS.length - k;
    if (s >= 2 || s + left < 0 || (s >= 0 && s + left < 2)) break;
    if (SIGNALS[k]?.test(t)) s += 1;
  }
  return s;
}

/** `\s` for the indentation test: blanks and the other Unicode spaces. */
function isBlank(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

export const sourceCodeDetector: Detector = {
  id: 'code.source',
  types: ['code.source'],
  container: true,
  description: { fr: 'Code source collé', en: 'Pasted source code' },
  detect(text, context) {
    const out: Span[] = [];
    const lines: { start: number; end: number; score: number }[] = [];
    let s = 0;
    for (let i = 0; i <= text.length; i++) {
      if (i === text.length || text.charCodeAt(i) === 10) {
        const line = text.slice(s, i);
        lines.push({ start: s, end: i, score: line.length > 1000 ? 0 : lineScore(line) });
        s = i + 1;
      }
    }
    context.work.units += lines.length;
    let k = 0;
    while (k < lines.length) {
      const line = lines[k];
      if (!line) break;
      const trimmed = text.slice(line.start, line.end).trim();
      if (trimmed.startsWith('```')) {
        let m = k + 1;
        while (
          m < lines.length &&
          !text
            .slice(lines[m]?.start ?? 0, lines[m]?.end ?? 0)
            .trim()
            .startsWith('```')
        )
          m++;
        const inner = lines.slice(k + 1, m).filter((l) => l.score >= 0);
        const codeLike = inner.filter((l) => l.score >= 2).length;
        const last = lines[Math.min(m, lines.length - 1)];
        if (inner.length > 0 && last) {
          out.push(
            span('code.source', 'code.source', line.start, last.end, codeLike / inner.length >= 0.3 ? 0.9 : 0.6, [
              reason('code.fenced', 'bloc de code délimité par ```', 'code block fenced with ```'),
            ]),
          );
        }
        k = m + 1;
        continue;
      }
      if (line.score < 2) {
        k++;
        continue;
      }
      // Grow a block of code-like lines, tolerating blank and weak lines inside it.
      let m = k;
      let code = 0;
      let total = 0;
      let lastCode = k;
      while (m < lines.length) {
        const l = lines[m];
        if (!l) break;
        if (l.score >= 2) {
          code++;
          total++;
          lastCode = m;
        } else if (l.score >= 0) {
          total++;
          if (m - lastCode > 2) break;
        } else if (m - lastCode > 2) break;
        m++;
      }
      const first = lines[k];
      const end = lines[lastCode];
      if (code >= 3 && first && end && code / Math.max(1, total) >= 0.6) {
        const score = Math.min(0.95, 0.5 + code * 0.05);
        out.push(
          span('code.source', 'code.source', first.start, end.end, score, [
            reason(
              'code.density',
              `${code} lignes de code (ponctuation, mots-clés, indentation)`,
              `${code} lines of code (punctuation, keywords, indentation)`,
            ),
          ]),
        );
      }
      k = lastCode + 1;
    }
    return out;
  },
};
