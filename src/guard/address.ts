/**
 * Postal addresses: French ("12 bis rue de la Paix, 75002 Paris": number, street type, name,
 * then optionally postcode and city) and English ("14 Crown Street", "1668 Glyn St").
 */
import { reason, span } from './span.js';
import { fold, isCapitalAt, isDigit, isLetter } from './text.js';
import type { Detector, Span } from './types.js';

const FR_STREET_TYPES = new Set([
  'rue',
  'avenue',
  'av',
  'boulevard',
  'bd',
  'bld',
  'place',
  'pl',
  'chemin',
  'ch',
  'allee',
  'allees',
  'impasse',
  'imp',
  'quai',
  'route',
  'rte',
  'cours',
  'square',
  'passage',
  'voie',
  'faubourg',
  'fg',
  'cite',
  'residence',
  'parvis',
  'promenade',
  'sentier',
  'hameau',
  'lieu-dit',
  'rond-point',
  'esplanade',
  'villa',
  'mail',
  'traverse',
  'montee',
]);
const EN_STREET_TYPES = new Set([
  'street',
  'st',
  'avenue',
  'ave',
  'road',
  'rd',
  'lane',
  'ln',
  'drive',
  'dr',
  'boulevard',
  'blvd',
  'court',
  'ct',
  'way',
  'place',
  'pl',
  'square',
  'sq',
  'terrace',
  'close',
  'crescent',
  'highway',
  'hwy',
  'parkway',
  'pkwy',
]);
const LINKS = new Set([
  'de',
  'du',
  'des',
  'la',
  'le',
  'les',
  'l',
  'd',
  'aux',
  'au',
  'en',
  'sur',
  'saint',
  'sainte',
  'st',
  'ste',
]);

interface Tok {
  readonly start: number;
  readonly end: number;
  readonly f: string;
  readonly cap: boolean;
  readonly num: boolean;
}

function tokens(text: string, f: string, from: number, max: number): Tok[] {
  const out: Tok[] = [];
  let i = from;
  while (i < text.length && out.length < max) {
    const c = text.charCodeAt(i);
    if (c === 10 && out.length > 0 && text.charCodeAt(i + 1) === 10) break;
    if (isDigit(c) || isLetter(c)) {
      let j = i;
      const num = isDigit(c);
      while (j < text.length && (num ? isDigit(text.charCodeAt(j)) : isLetter(text.charCodeAt(j)) || text[j] === '-'))
        j++;
      out.push({ start: i, end: j, f: f.slice(i, j), cap: !num && isCapitalAt(text, i), num });
      i = j;
    } else if (c === 46 || c === 44 || c === 32 || c === 10 || c === 39 || c === 0x2019 || c === 9) i++;
    else break;
  }
  return out;
}

export const addressDetector: Detector = {
  id: 'pii.address',
  types: ['pii.address'],
  description: { fr: 'Adresses postales', en: 'Postal addresses' },
  detect(text, context) {
    const out: Span[] = [];
    const f = fold(text);
    const n = text.length;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (!isDigit(c) || (i > 0 && (isDigit(text.charCodeAt(i - 1)) || isLetter(text.charCodeAt(i - 1))))) {
        i++;
        continue;
      }
      // Cheap gate before tokenising: at most 5 digits, then spaces or a comma and a letter.
      let d = i;
      while (d < n && d - i <= 5 && isDigit(text.charCodeAt(d))) d++;
      if (d - i > 5) {
        i = d;
        continue;
      }
      let l = d;
      while (l < n && l - d < 3 && (text.charCodeAt(l) === 32 || text.charCodeAt(l) === 44)) l++;
      if (l === d || !isLetter(text.charCodeAt(l))) {
        i = d;
        continue;
      }
      const toks = tokens(text, f, i, 14);
      context.work.units += toks.length;
      const number = toks[0];
      if (!number?.num || number.end - number.start > 5) {
        i++;
        continue;
      }
      let k = 1;
      const suffix = toks[k];
      if (suffix && ['bis', 'ter', 'b', 'a'].includes(suffix.f)) k++;
      const type = toks[k];
      let end = -1;
      let fr = false;
      if (type && FR_STREET_TYPES.has(type.f)) {
        // French: type then name words (links allowed), at least one capitalised word.
        let m = k + 1;
        let lastCap = -1;
        while (m < toks.length && m - k <= 6) {
          const t = toks[m];
          if (!t || t.num) break;
          if (t.cap) lastCap = m;
          else if (!LINKS.has(t.f)) break;
          m++;
        }
        const last = toks[lastCap];
        if (lastCap > k && last) {
          end = last.end;
          fr = true;
          // Optional postcode + city.
          const pc = toks[lastCap + 1];
          const city = toks[lastCap + 2];
          if (pc?.num && pc.end - pc.start === 5 && city?.cap) {
            let e = city.end;
            let q = lastCap + 3;
            while (q < toks.length && q - lastCap <= 5) {
              const t = toks[q];
              const prevTok = toks[q - 1];
              if (!t || !(t.cap || t.f === 'cedex') || (prevTok && text.slice(prevTok.end, t.start).includes('\n')))
                break;
              e = t.end;
              q++;
            }
            end = e;
          }
        }
      } else {
        // English: 1–3 capitalised words, then the street type.
        let m = k;
        while (m < toks.length && m - k < 3 && toks[m]?.cap && !EN_STREET_TYPES.has(toks[m]?.f ?? '')) m++;
        const st = toks[m];
        if (m > k && st && EN_STREET_TYPES.has(st.f) && st.cap) end = st.end;
      }
      if (end > 0) {
        out.push(
          span('pii.address', 'pii.address', i, end, fr ? 0.85 : 0.75, [
            reason(
              'address.street',
              'numéro, type de voie et nom de voie',
              'street number, street type and street name',
            ),
          ]),
        );
        i = end;
      } else i = number.end;
    }
    return out;
  },
};
