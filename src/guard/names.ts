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

/**
 * The words of a text (letters, inner hyphens and apostrophes) as parallel arrays in buffers
 * reused from call to call: an object per word was a ninth of a scan's garbage. Folded forms
 * are cut from the folded text only for the capitalised words that get looked up.
 */
class WordList {
  count = 0;
  starts = new Int32Array(512);
  ends = new Int32Array(512);
  capitalised = new Uint8Array(512);

  /** Fills the list from `text` in one linear pass. */
  read(text: string): void {
    this.count = 0;
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
      this.push(i, j, isCapitalAt(text, i));
      i = j;
    }
  }

  private push(start: number, end: number, capitalised: boolean): void {
    if (this.count === this.starts.length) {
      const size = this.count * 2;
      const starts = new Int32Array(size);
      const ends = new Int32Array(size);
      const caps = new Uint8Array(size);
      starts.set(this.starts);
      ends.set(this.ends);
      caps.set(this.capitalised);
      this.starts = starts;
      this.ends = ends;
      this.capitalised = caps;
    }
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.capitalised[this.count] = capitalised ? 1 : 0;
    this.count++;
  }

  start(k: number): number {
    return this.starts[k] ?? 0;
  }
  end(k: number): number {
    return this.ends[k] ?? 0;
  }
  length(k: number): number {
    return this.end(k) - this.start(k);
  }
  isCapitalised(k: number): boolean {
    return this.capitalised[k] === 1;
  }
  /** The folded form of a capitalised word ('' for the others: only they are ever looked up). */
  folded(k: number, folded: string): string {
    return this.isCapitalised(k) ? folded.slice(this.start(k), this.end(k)) : '';
  }
}
const WORDS = new WordList();

function onlyGap(text: string, a: number, b: number, allowDot: boolean): boolean {
  const gap = text.slice(a, b);
  if (gap.length === 0 || gap.length > 3) return false;
  return allowDot ? /^\s?\.?\s?$/.test(gap) && gap.trim().length <= 1 : /^[ \t]+$/.test(gap);
}

function surnameLike(ws: WordList, k: number, folded: string): boolean {
  if (k >= ws.count || !ws.isCapitalised(k) || ws.length(k) < 2) return false;
  const word = ws.folded(k, folded);
  return !NOT_SURNAMES.has(word) && !TITLE_SET.has(word);
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
    const ws = WORDS;
    ws.read(text);
    context.work.units += ws.count;
    let consumed = -1;
    for (let k = 0; k < ws.count; k++) {
      if (k <= consumed || !ws.isCapitalised(k)) continue;
      const word = ws.folded(k, folded);
      // Title + up to three capitalised words (initials "R ." allowed).
      if (TITLE_SET.has(word)) {
        let last = k;
        let m = k + 1;
        while (m < ws.count && m - k <= 3) {
          if (!onlyGap(text, ws.end(m - 1), ws.start(m), true)) break;
          if (!ws.isCapitalised(m) || NOT_SURNAMES.has(ws.folded(m, folded))) break;
          last = m;
          m++;
        }
        if (last > k) {
          out.push(
            span('pii.person', 'pii.person', ws.start(k), ws.end(last), 0.85, [
              reason('person.title', 'nom précédé d’une civilité', 'name preceded by a courtesy title'),
            ]),
          );
          consumed = last;
          continue;
        }
      }
      // Known first name + capitalised surname(s).
      if (FIRST.has(word)) {
        let last = k;
        let m = k + 1;
        while (m < ws.count && m - k <= 3) {
          if (!onlyGap(text, ws.end(m - 1), ws.start(m), m > k + 1 || ws.length(m) === 1)) break;
          if (!(surnameLike(ws, m, folded) || (ws.isCapitalised(m) && ws.length(m) === 1))) break;
          last = m;
          m++;
        }
        if (last > k && ws.length(last) >= 2) {
          out.push(
            span('pii.person', 'pii.person', ws.start(k), ws.end(last), 0.8, [
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
