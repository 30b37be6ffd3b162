/**
 * Dates of birth: a date (numeric, or written in French or English) right after a cue such as
 * "né le", "date de naissance", "DOB", "born on".
 */
import { reason, span } from './span.js';
import { fold, isAsciiAlnum, isDigit, isLower, PhraseIndex } from './text.js';
import type { Detector, Span } from './types.js';

const CUES = [
  'ne le',
  'nee le',
  'ne(e) le',
  'nee(e) le',
  'ne en',
  'date de naissance',
  'date naissance',
  'naissance :',
  'naissance:',
  'dob',
  'd.o.b.',
  'date of birth',
  'birth date',
  'birthdate',
  'born on',
  'born',
  'birthday',
  'anniversaire',
];

/** Longest cues first ("born on" before "born"). */
const CUE_INDEX = new PhraseIndex<null>([...CUES].sort((a, b) => b.length - a.length).map((c) => [c, null] as const));

const MONTHS = [
  'janvier',
  'fevrier',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'aout',
  'septembre',
  'octobre',
  'novembre',
  'decembre',
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
  'janv',
  'fevr',
  'avr',
  'juil',
  'sept',
  'oct',
  'nov',
  'dec',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
];

function readNumber(s: string, i: number, max: number): number {
  let j = i;
  while (j < s.length && j - i < max && isDigit(s.charCodeAt(j))) j++;
  return j;
}

/** End offset of a date starting exactly at `i` in the folded text, or undefined. */
function dateAt(f: string, i: number): number | undefined {
  const a = readNumber(f, i, 4);
  if (a > i) {
    const first = f.slice(i, a);
    const sep = f.charAt(a);
    if ('/-.'.includes(sep) && sep !== '') {
      const b = readNumber(f, a + 1, 4);
      if (b > a + 1 && f.charAt(b) === sep) {
        const c = readNumber(f, b + 1, 4);
        const third = f.slice(b + 1, c);
        if (
          (first.length === 4 && third.length >= 1 && third.length <= 2) ||
          (first.length <= 2 && (third.length === 4 || third.length === 2))
        ) {
          return isAsciiAlnum(f.charCodeAt(c)) ? undefined : c;
        }
      }
      return undefined;
    }
    // 12 mars 1985, 1er janvier 1990
    let p = a;
    if (f.startsWith('er', p)) p += 2;
    if (f.charAt(p) !== ' ') return undefined;
    p++;
    for (const m of MONTHS) {
      if (f.startsWith(m, p) && !/[a-z]/.test(f.charAt(p + m.length))) {
        let q = p + m.length;
        if (f.charAt(q) === '.') q++;
        if (f.charAt(q) === ',') q++;
        if (f.charAt(q) !== ' ') return undefined;
        const y = readNumber(f, q + 1, 4);
        return y - (q + 1) === 4 ? y : undefined;
      }
    }
    return undefined;
  }
  // March 12, 1985
  for (const m of MONTHS) {
    if (f.startsWith(m, i) && !/[a-z]/.test(f.charAt(i + m.length))) {
      let q = i + m.length;
      if (f.charAt(q) === '.') q++;
      if (f.charAt(q) !== ' ') return undefined;
      const d = readNumber(f, q + 1, 2);
      if (d === q + 1) return undefined;
      let r = d;
      if (f.startsWith('th', r) || f.startsWith('st', r) || f.startsWith('nd', r) || f.startsWith('rd', r)) r += 2;
      if (f.charAt(r) === ',') r++;
      if (f.charAt(r) !== ' ') return undefined;
      const y = readNumber(f, r + 1, 4);
      return y - (r + 1) === 4 ? y : undefined;
    }
  }
  return undefined;
}

export const birthDateDetector: Detector = {
  id: 'pii.birth_date',
  types: ['pii.birth_date'],
  description: { fr: 'Dates de naissance (en contexte)', en: 'Dates of birth (in context)' },
  detect(text, context) {
    const out: Span[] = [];
    const f = fold(text);
    let lastEnd = -1;
    CUE_INDEX.scan(
      f,
      (at, cue) => {
        if (at > 0 && isAsciiAlnum(f.charCodeAt(at - 1))) return -1;
        const from = at + cue.length;
        context.work.units += 16;
        // Skip a few separators and words such as "le", ":" before the date.
        let i = from;
        const limit = Math.min(f.length, from + 16);
        while (i < limit) {
          const c = f.charCodeAt(i);
          if (isDigit(c) || isLower(c)) {
            const end = dateAt(f, i);
            if (end !== undefined) {
              if (i < lastEnd) return -1;
              out.push(
                span('pii.birth_date', 'pii.birth_date', i, end, 0.9, [
                  reason(
                    'birth.context',
                    'date introduite par une mention de naissance',
                    'date introduced by a birth cue',
                  ),
                ]),
              );
              lastEnd = end;
              return end;
            }
            if (f.startsWith('le ', i) || f.startsWith('on ', i) || f.startsWith('the ', i)) {
              i += f.startsWith('the ', i) ? 4 : 3;
              continue;
            }
            return -1;
          }
          i++;
        }
        return -1;
      },
      isAsciiAlnum,
    );
    return out;
  },
};
