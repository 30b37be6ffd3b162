/**
 * Person names, French and English: a courtesy title followed by capitalised words ("Mme Lowe",
 * "Dr Price", "M. Peter Maxwell"), a known first name followed by a capitalised surname
 * ("Jean Dupont", "Jean DUPONT"), or the line after a closing formula ("Cordialement,\nJean Dupont").
 */
import { FIRST_NAMES, NOT_SURNAMES, SIGN_OFFS, TITLES } from './names-data.js';
import { reason, span } from './span.js';
import { fold, isCapitalAt, isLetter, PhraseIndex } from './text.js';
import type { Detector, Span } from './types.js';

const FIRST = new Set(FIRST_NAMES);
const TITLE_SET = new Set(TITLES);
/** Longest formulas first: "best regards" before "best". */
const SIGN_OFF_INDEX = new PhraseIndex<null>(
  [...SIGN_OFFS].sort((a, b) => b.length - a.length).map((f) => [f, null] as const),
);
/** What may follow a closing formula on its line: blanks, comma, full stop, exclamation mark. */
const TRAILING_PUNCT = new Set([32, 9, 13, 44, 46, 33]);
/** A closing formula opens its line (after blanks at most): anything else before it rules it out. */
function notBlankOrNewline(c: number): boolean {
  return c !== 32 && c !== 9 && c !== 10;
}

interface Word {
  readonly start: number;
  readonly end: number;
  /** Folded form, for capitalised words only ('' otherwise: only they are ever looked up). */
  readonly folded: string;
  readonly capitalised: boolean;
}

/** Words (letters, inner hyphens and apostrophes) in one linear pass. */
function words(text: string, folded: string): Word[] {
  const out: Word[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (!isLetter(c)) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (isLetter(d) || ((d === 45 || d === 39) && j + 1 < n && isLetter(text.charCodeAt(j + 1)))) j++;
      else break;
    }
    const capitalised = isCapitalAt(text, i);
    out.push({ start: i, end: j, folded: capitalised ? folded.slice(i, j) : '', capitalised });
    i = j;
  }
  return out;
}

function onlyGap(text: string, a: number, b: number, allowDot: boolean): boolean {
  const gap = text.slice(a, b);
  if (gap.length === 0 || gap.length > 3) return false;
  return allowDot ? /^\s?\.?\s?$/.test(gap) && gap.trim().length <= 1 : /^[ \t]+$/.test(gap);
}

function surnameLike(w: Word | undefined): boolean {
  return (
    w !== undefined && w.capitalised && w.end - w.start >= 2 && !NOT_SURNAMES.has(w.folded) && !TITLE_SET.has(w.folded)
  );
}

export const personDetector: Detector = {
  id: 'pii.person',
  types: ['pii.person'],
  description: {
    fr: 'Noms de personnes (prénoms connus, civilités, signatures)',
    en: 'Person names (known first names, titles, signatures)',
  },
  detect(text, context) {
    const out: Span[] = [];
    const folded = fold(text);
    const ws = words(text, folded);
    context.work.units += ws.length;
    let consumed = -1;
    for (let k = 0; k < ws.length; k++) {
      if (k <= consumed) continue;
      const w = ws[k];
      if (!w) continue;
      // Title + up to three capitalised words (initials "R ." allowed).
      if (w.capitalised && TITLE_SET.has(w.folded)) {
        let last = k;
        let m = k + 1;
        while (m < ws.length && m - k <= 3) {
          const prev = ws[m - 1];
          const cur = ws[m];
          if (!prev || !cur || !onlyGap(text, prev.end, cur.start, true)) break;
          if (!cur.capitalised || NOT_SURNAMES.has(cur.folded)) break;
          last = m;
          m++;
        }
        const lastWord = ws[last];
        if (last > k && lastWord) {
          out.push(
            span('pii.person', 'pii.person', w.start, lastWord.end, 0.85, [
              reason('person.title', 'nom précédé d’une civilité', 'name preceded by a courtesy title'),
            ]),
          );
          consumed = last;
          continue;
        }
      }
      // Known first name + capitalised surname(s).
      if (w.capitalised && FIRST.has(w.folded)) {
        let last = k;
        let m = k + 1;
        while (m < ws.length && m - k <= 3) {
          const prev = ws[m - 1];
          const cur = ws[m];
          if (!prev || !cur || !onlyGap(text, prev.end, cur.start, m > k + 1 || cur.end - cur.start === 1)) break;
          if (!(surnameLike(cur) || (cur.capitalised && cur.end - cur.start === 1))) break;
          last = m;
          m++;
        }
        const lastWord = ws[last];
        if (last > k && lastWord && lastWord.end - lastWord.start >= 2) {
          out.push(
            span('pii.person', 'pii.person', w.start, lastWord.end, 0.8, [
              reason('person.first_name', 'prénom courant suivi d’un nom', 'common first name followed by a surname'),
            ]),
          );
          consumed = last;
        }
      }
    }
    // Signature blocks: the line after a closing formula, made of 2–4 capitalised words.
    // Every look-around below is bounded (blanks before, punctuation after, a 60-character
    // line), so a text made of closing formulas stays linear.
    SIGN_OFF_INDEX.scan(
      folded,
      (at, formula) => {
        let b = at;
        while (b > 0 && (folded.charCodeAt(b - 1) === 32 || folded.charCodeAt(b - 1) === 9)) b--;
        if (b > 0 && folded.charCodeAt(b - 1) !== 10) return -1;
        let eol = at + formula.length;
        while (eol < folded.length && eol - at < 80 && TRAILING_PUNCT.has(folded.charCodeAt(eol))) eol++;
        if (folded.charCodeAt(eol) !== 10) return -1;
        let s = eol + 1;
        while (s < text.length && (text[s] === ' ' || text[s] === '\n' || text[s] === '\r') && s - eol < 4) s++;
        let e = s;
        while (e < text.length && e - s <= 61 && text.charCodeAt(e) !== 10) e++;
        context.work.units += e - b;
        const line = text.slice(s, e).trimEnd();
        if (line.length < 3 || line.length > 60) return -1;
        const parts = line.split(/\s+/);
        if (parts.length < 2 || parts.length > 4 || !parts.every((p) => /^\p{Lu}[\p{L}'’-]*\.?$/u.test(p))) return -1;
        out.push(
          span('pii.person', 'pii.person', s, s + line.length, 0.85, [
            reason('person.signature', 'signature après une formule de politesse', 'signature after a closing formula'),
          ]),
        );
        return s + line.length;
      },
      notBlankOrNewline,
    );
    return out;
  },
};
