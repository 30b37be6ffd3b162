/**
 * Confidentiality markings (French and English) and per-organisation dictionaries.
 * A marking scores by where and how it is written: alone on a header or footer line, in
 * capitals, after "Classification:", in brackets. The same word in running prose
 * ("a confidential conversation") stays below the reporting threshold.
 */
import { reason, span } from './span.js';
import { fold, isWordChar, lineStarts, PhraseIndex } from './text.js';
import type { Detector, Span } from './types.js';

interface Marking {
  readonly phrase: string;
  readonly type: 'marking.confidential' | 'marking.restricted' | 'marking.internal';
  /** Short codes (C2, C3, SECRET) only count in a marking position. */
  readonly strict?: boolean;
  readonly caseSensitive?: boolean;
}

const MARKINGS: readonly Marking[] = [
  { phrase: 'strictement confidentiel', type: 'marking.confidential' },
  { phrase: 'strictly confidential', type: 'marking.confidential' },
  { phrase: 'confidentiel defense', type: 'marking.confidential' },
  { phrase: 'tres secret', type: 'marking.confidential', strict: true },
  { phrase: 'secret defense', type: 'marking.confidential' },
  { phrase: 'confidentiel', type: 'marking.confidential' },
  { phrase: 'confidentielle', type: 'marking.confidential' },
  { phrase: 'confidential', type: 'marking.confidential' },
  { phrase: 'tlp:red', type: 'marking.confidential' },
  { phrase: 'tlp: red', type: 'marking.confidential' },
  { phrase: 'SECRET', type: 'marking.confidential', strict: true, caseSensitive: true },
  { phrase: 'C3', type: 'marking.confidential', strict: true, caseSensitive: true },
  { phrase: 'C4', type: 'marking.confidential', strict: true, caseSensitive: true },
  { phrase: 'diffusion restreinte', type: 'marking.restricted' },
  { phrase: 'diffusion limitee', type: 'marking.restricted' },
  { phrase: 'ne pas diffuser', type: 'marking.restricted' },
  { phrase: 'do not distribute', type: 'marking.restricted' },
  { phrase: 'restricted', type: 'marking.restricted' },
  { phrase: 'tlp:amber', type: 'marking.restricted' },
  { phrase: 'tlp: amber', type: 'marking.restricted' },
  { phrase: 'usage interne', type: 'marking.internal' },
  { phrase: 'interne uniquement', type: 'marking.internal' },
  { phrase: 'internal only', type: 'marking.internal' },
  { phrase: 'internal use only', type: 'marking.internal' },
  { phrase: 'for internal use', type: 'marking.internal' },
  { phrase: 'C2', type: 'marking.internal', strict: true, caseSensitive: true },
];

const FOLDED_INDEX = new PhraseIndex<number>(
  MARKINGS.flatMap((m, rank) => (m.caseSensitive ? [] : [[m.phrase, rank] as const])),
);
const CASED_INDEX = new PhraseIndex<number>(
  MARKINGS.flatMap((m, rank) => (m.caseSensitive ? [[m.phrase, rank] as const] : [])),
);

const LABELS = ['classification', 'niveau', 'sensibilite', 'marquage', 'marking', 'diffusion', 'label', 'tlp'];

export const markingDetector: Detector = {
  id: 'marking',
  types: ['marking.confidential', 'marking.restricted', 'marking.internal'],
  description: { fr: 'Mentions de confidentialité', en: 'Confidentiality markings' },
  detect(text, context) {
    const out: Span[] = [];
    const f = fold(text);
    // Candidates from both passes (folded phrases, case-sensitive codes), then left to right,
    // earlier-listed phrase first, no overlap: one pass each, no quadratic "taken" list.
    const candidates: { at: number; end: number; rank: number; m: Marking }[] = [];
    const collect = (at: number, phrase: string, rank: number): number => {
      const m = MARKINGS[rank];
      if (!m) return -1;
      const end = at + phrase.length;
      if (at > 0 && isWordChar(text.charCodeAt(at - 1))) return -1;
      if (end < text.length && isWordChar(text.charCodeAt(end))) return -1;
      candidates.push({ at, end, rank, m });
      return end;
    };
    // Folding keeps letters letters and the rest the rest, so the boundary test holds on `f` too.
    FOLDED_INDEX.scan(f, collect, isWordChar);
    CASED_INDEX.scan(text, collect, isWordChar);
    candidates.sort((a, b) => a.at - b.at || a.rank - b.rank);
    context.work.units += candidates.length;
    let takenEnd = 0;
    const starts = candidates.length > 0 ? lineStarts(text) : [];
    let li = 0;
    for (const { at, end, m } of candidates) {
      if (at < takenEnd) continue;
      {
        // Lines found by a moving pointer, long lines never copied (a line over 200 characters is
        // prose, never a marking line): linear however many candidates.
        while (li + 1 < starts.length && (starts[li + 1] ?? 0) <= at) li++;
        const lineStart = starts[li] ?? 0;
        const lineEnd = li + 1 < starts.length ? (starts[li + 1] ?? 1) - 1 : text.length;
        const line =
          lineEnd - lineStart <= 200 ? text.slice(lineStart, lineEnd).trim() : text.slice(at, end).padEnd(200);
        const before = f.slice(Math.max(lineStart, at - 24), at);
        const written = text.slice(at, end);
        const caps = written === written.toUpperCase() && /[A-Z]/.test(written);
        const alone = line.length <= m.phrase.length + 12;
        const labelled = LABELS.some((l) => before.includes(l)) && /[:=\-–]\s*["'«[(]?\s*$/.test(before);
        const bracketed = /[[(«*_]\s*$/.test(text.slice(Math.max(lineStart, at - 3), at));
        const headerLine =
          line.length <= 60 && (lineStart === 0 || lineEnd === text.length || line === line.toUpperCase());
        let score = m.strict ? 0.1 : 0.35;
        if (alone) score += 0.3;
        if (caps) score += 0.2;
        if (labelled) score += 0.4;
        if (bracketed) score += 0.15;
        if (headerLine) score += 0.1;
        // "C2"/"SECRET" count only when set apart as a marking.
        if (m.strict && !(alone || labelled || bracketed)) continue;
        score = Math.min(0.98, score);
        const why: string[] = [];
        if (alone) why.push('seule sur sa ligne|alone on its line');
        if (caps) why.push('en capitales|in capitals');
        if (labelled) why.push('après un libellé de classification|after a classification label');
        if (bracketed) why.push('entre crochets ou mise en forme|bracketed or emphasised');
        const fr = why.map((w) => w.split('|')[0]).join(', ');
        const en = why.map((w) => w.split('|')[1]).join(', ');
        out.push(
          span('marking', m.type, at, end, score, [
            reason(
              'marking.phrase',
              `mention de confidentialité « ${written} »${fr ? ` (${fr})` : ''}`,
              `confidentiality marking "${written}"${en ? ` (${en})` : ''}`,
            ),
          ]),
        );
        takenEnd = end;
      }
    }
    return out;
  },
};

export const dictionaryDetector: Detector = {
  id: 'dictionary',
  types: ['dictionary.*'],
  description: {
    fr: 'Dictionnaires de l’organisation (noms de projets, clients)',
    en: 'Organisation dictionaries (project code names, clients)',
  },
  detect(text, context) {
    const out: Span[] = [];
    if (context.dictionaries.length === 0) return out;
    const f = fold(text);
    for (const dict of context.dictionaries) {
      for (const term of dict.terms) {
        const t = fold(term.trim());
        if (t.length === 0) continue;
        let from = 0;
        for (;;) {
          const at = f.indexOf(t, from);
          if (at < 0) break;
          from = at + 1;
          const end = at + t.length;
          if ((at > 0 && isWordChar(f.charCodeAt(at - 1))) || (end < f.length && isWordChar(f.charCodeAt(end))))
            continue;
          out.push(
            span('dictionary', `dictionary.${dict.name}`, at, end, 0.9, [
              reason(
                'dictionary.term',
                `terme du dictionnaire « ${dict.name} »`,
                `term from the "${dict.name}" dictionary`,
              ),
            ]),
          );
          from = end;
        }
      }
    }
    return out;
  },
};
