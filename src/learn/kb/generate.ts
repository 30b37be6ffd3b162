/**
 * Deterministic question generation from the organisation's knowledge base. A key sentence
 * loses one term — a number with its unit, a role, a term the author marked or an acronym —
 * and the distractors are other terms of the same kind: numbers of the same unit near the
 * right one, other roles, other defined terms of the corpus. Sentences that would make poor
 * questions (too short, too long, questions themselves, links, ambiguous blanks) are skipped
 * and counted. Every question names its source paragraph: document, index and hash.
 */
import type { Question } from '../content/schema.js';
import { sha256 } from '../digest.js';
import { hash32, seededRandom, shuffle } from '../random.js';
import { documentParagraphs, type KbDocument, type Paragraph } from './text.js';

export type TermKind = 'number' | 'role' | 'term';

export interface GeneratedQuestion {
  /** `g` + 15 hex digits of a hash of the source and the answer: stable across runs. */
  readonly id: string;
  readonly kind: 'single' | 'cloze';
  readonly locale: 'fr' | 'en';
  readonly prompt: string;
  /** The source sentence with the answer replaced by `___`. */
  readonly stem: string;
  readonly answer: string;
  readonly choices?: readonly { readonly id: string; readonly text: string; readonly correct: boolean }[];
  readonly termKind: TermKind;
  readonly explanation: string;
  readonly source: {
    readonly documentId: string;
    readonly documentTitle: string;
    readonly paragraphIndex: number;
    readonly paragraphHash: string;
    readonly sentenceIndex: number;
    readonly heading?: string;
  };
}

export type SkipReason =
  | 'too-short'
  | 'too-long'
  | 'question-or-heading'
  | 'link-or-address'
  | 'not-prose'
  | 'duplicate'
  | 'no-term'
  | 'ambiguous'
  | 'repeated-answer';

export interface GenerationResult {
  readonly questions: GeneratedQuestion[];
  readonly paragraphs: number;
  readonly sentences: number;
  readonly skipped: Readonly<Record<SkipReason, number>>;
  /** Documents longer than the reading limit: their end was not used. */
  readonly truncated: readonly string[];
}

export interface GenerationOptions {
  /** Varies distractor and choice order; same seed and corpus → same questions. */
  readonly seed?: string;
  readonly maxQuestions?: number;
  /** Distractors per multiple-choice question (3 by default). */
  readonly distractors?: number;
}

const UNITS: Record<string, string> = {
  '%': 'percent',
  '€': 'euro',
  euro: 'euro',
  euros: 'euro',
  eur: 'euro',
  jour: 'day',
  jours: 'day',
  day: 'day',
  days: 'day',
  heure: 'hour',
  heures: 'hour',
  h: 'hour',
  hour: 'hour',
  hours: 'hour',
  minute: 'minute',
  minutes: 'minute',
  min: 'minute',
  seconde: 'second',
  secondes: 'second',
  second: 'second',
  seconds: 'second',
  semaine: 'week',
  semaines: 'week',
  week: 'week',
  weeks: 'week',
  mois: 'month',
  month: 'month',
  months: 'month',
  an: 'year',
  ans: 'year',
  année: 'year',
  années: 'year',
  year: 'year',
  years: 'year',
  caractère: 'character',
  caractères: 'character',
  character: 'character',
  characters: 'character',
  chars: 'character',
  fois: 'times',
  times: 'times',
  tentative: 'attempt',
  tentatives: 'attempt',
  attempt: 'attempt',
  attempts: 'attempt',
  essais: 'attempt',
};

export const ROLES: Readonly<Record<'fr' | 'en', readonly string[]>> = {
  fr: [
    'RSSI',
    'DPO',
    'DSI',
    'délégué à la protection des données',
    'responsable hiérarchique',
    'manager',
    'équipe sécurité',
    'support informatique',
    'service informatique',
    'ressources humaines',
    'direction financière',
    'comptabilité',
    'service juridique',
    'direction générale',
  ],
  en: [
    'CISO',
    'DPO',
    'CIO',
    'data protection officer',
    'line manager',
    'manager',
    'security team',
    'IT service desk',
    'help desk',
    'HR department',
    'finance department',
    'accounts payable',
    'legal department',
    'executive board',
  ],
};

/** The same answer is asked at most this often per document and per corpus. */
const MAX_ANSWER_PER_DOCUMENT = 1;
const MAX_ANSWER_IN_CORPUS = 3;

const ABBREVIATIONS = new Set([
  'e.g',
  'i.e',
  'etc',
  'cf',
  'p',
  'art',
  'no',
  'n°',
  'm',
  'mme',
  'mr',
  'mrs',
  'dr',
  'vs',
  'ex',
]);

/** Splits a paragraph into sentences at . ! ? followed by a space and a capital or digit. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch !== '.' && ch !== '!' && ch !== '?') continue;
    const next = text[i + 1];
    const after = text[i + 2];
    if (next !== undefined && next !== ' ') continue;
    if (next === ' ' && after !== undefined && !/[\p{Lu}\d«"“]/u.test(after)) continue;
    if (ch === '.') {
      const word = /([\p{L}.°]{1,5})$/u.exec(text.slice(Math.max(start, i - 5), i))?.[1]?.toLowerCase() ?? '';
      if (ABBREVIATIONS.has(word)) continue;
    }
    const sentence = text.slice(start, i + 1).trim();
    if (sentence) out.push(sentence);
    start = i + 1;
  }
  const tail = text.slice(start).trim();
  if (tail) out.push(tail);
  return out;
}

interface Candidate {
  readonly kind: TermKind;
  readonly text: string;
  /** For numbers: the value and its canonical unit. */
  readonly value?: number;
  readonly unit?: string;
  readonly start: number;
}

const isWordChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);

function occurrences(haystack: string, needle: string): number[] {
  const out: number[] = [];
  const h = haystack.toLowerCase();
  const n = needle.toLowerCase();
  if (!n) return out;
  for (let i = h.indexOf(n); i >= 0; i = h.indexOf(n, i + 1)) {
    if (!isWordChar(haystack[i - 1]) && !isWordChar(haystack[i + n.length])) out.push(i);
  }
  return out;
}

// Linear: digits, an optional bounded decimal part, optional space, a bounded word or symbol.
const NUMBER = /(\d{1,6}(?:[.,]\d{1,3})?)[ \u00a0\u202f]?(%|€|[\p{L}]{1,15})?/gu;

function numberCandidates(sentence: string): Candidate[] {
  const out: Candidate[] = [];
  for (const m of sentence.matchAll(NUMBER)) {
    const start = m.index ?? 0;
    const before = sentence[start - 1];
    if (isWordChar(before) || before === '.' || before === ',' || before === '/' || before === '-') continue;
    const unitWord = m[2];
    const unit = unitWord ? UNITS[unitWord.toLowerCase()] : undefined;
    if (!unit) continue;
    const value = Number((m[1] ?? '').replace(',', '.'));
    if (!Number.isFinite(value) || value <= 0) continue;
    out.push({ kind: 'number', text: m[0].trim(), value, unit, start });
  }
  return out;
}

function phraseCandidates(sentence: string, phrases: readonly string[], kind: TermKind): Candidate[] {
  const out: Candidate[] = [];
  for (const phrase of phrases) {
    for (const start of occurrences(sentence, phrase)) {
      out.push({ kind, text: sentence.slice(start, start + phrase.length), start });
    }
  }
  // Longest first, so "security team" wins over "team" at the same place.
  return out.sort((a, b) => b.text.length - a.text.length || a.start - b.start);
}

const ACRONYM = /\b[A-Z][A-Z0-9]{1,5}\b/g;

function termCandidates(sentence: string, marked: readonly string[], roles: readonly string[]): Candidate[] {
  const roleSet = new Set(roles.map((r) => r.toLowerCase()));
  const acronyms = [...new Set([...sentence.matchAll(ACRONYM)].map((m) => m[0]))].filter(
    (a) => !roleSet.has(a.toLowerCase()) && /[A-Z]{2}/.test(a),
  );
  const terms = [...new Set(marked.filter((t) => t.length >= 2 && t.length <= 60 && !roleSet.has(t.toLowerCase())))];
  return [...phraseCandidates(sentence, terms, 'term'), ...phraseCandidates(sentence, acronyms, 'term')];
}

function formatNumber(value: number, like: string, unitText: string): string {
  const decimal = like.includes(',') ? ',' : '.';
  const digits = Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100).replace('.', decimal);
  const space = /^\d[\d.,]*[ \u00a0\u202f]/.test(like) ? (like.match(/[ \u00a0\u202f]/)?.[0] ?? ' ') : '';
  return `${digits}${space}${unitText}`;
}

/** Rounds a generated value the way a policy would write it. */
function nice(x: number): number {
  if (x >= 100) return Math.round(x / 10) * 10;
  if (x >= 20) return Math.round(x / 5) * 5;
  if (x >= 1) return Math.round(x);
  return Math.round(x * 10) / 10;
}

/** Distinct values per unit in the corpus: the pool stays small however long the corpus is. */
type NumberPool = Map<string, Set<number>>;

function numberDistractors(c: Candidate, corpus: NumberPool, sentence: string, count: number): string[] {
  const value = c.value ?? 0;
  const unitText = c.text.replace(/^[\d.,]+[ \u00a0\u202f]?/, '');
  const distance = (v: number) => Math.abs(Math.log(v / value));
  const seen = new Set<number>([value]);
  const inSentence = new Set(numberCandidates(sentence).map((n) => n.value));
  const picks: number[] = [];
  const fromCorpus = [...(corpus.get(c.unit ?? '') ?? [])].sort((a, b) => distance(a) - distance(b) || a - b);
  const generated = [0.5, 2, 1.5, 0.75, 3, 0.25, 4]
    .map((f) => nice(value * f))
    .sort((a, b) => distance(a) - distance(b) || a - b);
  for (const v of [...fromCorpus, ...generated]) {
    if (picks.length >= count) break;
    if (v <= 0 || seen.has(v) || inSentence.has(v)) continue;
    if (c.unit === 'percent' && v > 100) continue;
    // "1 hours", "1,5 heures": keep distractors grammatical when the unit is written in the plural.
    if (v < 2 && value >= 2 && /s$/.test(unitText)) continue;
    seen.add(v);
    picks.push(v);
  }
  return picks.map((v) => formatNumber(v, c.text, unitText));
}

function termDistractors(
  c: Candidate,
  pool: readonly string[],
  sentence: string,
  count: number,
  seed: string,
): string[] {
  const lower = sentence.toLowerCase();
  const answer = c.text.toLowerCase();
  const options = [...new Set(pool)]
    .filter((t) => t.toLowerCase() !== answer && !lower.includes(t.toLowerCase()))
    // Same "shape" reads as plausible: acronyms against acronyms, phrases against phrases.
    .filter(
      (t) =>
        c.kind === 'role' || (/^[A-Z0-9]{2,6}$/.test(c.text) ? /^[A-Z0-9]{2,6}$/.test(t) : !/^[A-Z0-9]{2,6}$/.test(t)),
    )
    .sort((a, b) => hash32(`${seed}|${answer}|${a}`) - hash32(`${seed}|${answer}|${b}`) || (a < b ? -1 : 1));
  const out: string[] = [];
  const seen = new Set<string>();
  for (const t of options) {
    if (out.length >= count) break;
    if (seen.has(t.toLowerCase())) continue;
    seen.add(t.toLowerCase());
    out.push(t);
  }
  return out;
}

function sentenceProblem(sentence: string): SkipReason | undefined {
  const words = sentence.split(/\s+/).filter(Boolean);
  if (words.length < 6) return 'too-short';
  if (words.length > 40) return 'too-long';
  if (/[?:]$/.test(sentence)) return 'question-or-heading';
  if (/:\/\/|www\.|@[\p{L}\d-]/u.test(sentence)) return 'link-or-address';
  if (sentence.includes('___')) return 'not-prose';
  const nonSpace = sentence.replace(/\s/g, '');
  const letters = nonSpace.match(/\p{L}/gu)?.length ?? 0;
  if (letters / Math.max(1, nonSpace.length) < 0.6) return 'not-prose';
  return undefined;
}

const PROMPT = {
  fr: (title: string) => `D’après «\u00a0${title}\u00a0», complétez la phrase.`,
  en: (title: string) => `According to "${title}", complete the sentence.`,
};

const EXPLAIN = {
  fr: (sentence: string, title: string, heading?: string) =>
    `${sentence} (Source\u00a0: ${title}${heading ? `, section «\u00a0${heading}\u00a0»` : ''}.)`,
  en: (sentence: string, title: string, heading?: string) =>
    `${sentence} (Source: ${title}${heading ? `, section "${heading}"` : ''}.)`,
};

/**
 * Generates questions from knowledge-base documents. Deterministic: the same documents,
 * options and seed give the same questions in the same order. Never throws on any text.
 */
export function generateQuestions(documents: readonly KbDocument[], options: GenerationOptions = {}): GenerationResult {
  const seed = options.seed ?? 'vigie';
  const max = Math.max(0, options.maxQuestions ?? 200);
  const wanted = Math.max(1, Math.min(5, options.distractors ?? 3));
  const skipped: Record<SkipReason, number> = {
    'too-short': 0,
    'too-long': 0,
    'question-or-heading': 0,
    'link-or-address': 0,
    'not-prose': 0,
    duplicate: 0,
    'no-term': 0,
    ambiguous: 0,
    'repeated-answer': 0,
  };
  // The same answer over and over ("système d'___" → IA) teaches nothing after the first time.
  const answersPerDocument = new Map<string, number>();
  const answersInCorpus = new Map<string, number>();
  const truncated: string[] = [];
  const docs = [...documents].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  interface Unit {
    doc: KbDocument;
    paragraph: Paragraph;
    sentenceIndex: number;
    sentence: string;
  }
  const units: Unit[] = [];
  let paragraphs = 0;
  for (const doc of docs) {
    const split = documentParagraphs(doc);
    if (split.truncated) truncated.push(doc.id);
    paragraphs += split.paragraphs.length;
    for (const paragraph of split.paragraphs) {
      splitSentences(paragraph.text).forEach((sentence, sentenceIndex) => {
        units.push({ doc, paragraph, sentenceIndex, sentence });
      });
    }
  }
  // Corpus-wide pools per locale: the distractors come from the organisation's own words.
  const emptyPool = () => ({ numbers: new Map() as NumberPool, roles: new Set<string>(), terms: new Set<string>() });
  const pools = { fr: emptyPool(), en: emptyPool() };
  for (const u of units) {
    const pool = pools[u.doc.locale];
    for (const n of numberCandidates(u.sentence)) {
      const values = pool.numbers.get(n.unit ?? '') ?? new Set<number>();
      if (n.value !== undefined && values.size < 1000) values.add(n.value);
      pool.numbers.set(n.unit ?? '', values);
    }
    for (const r of phraseCandidates(u.sentence, ROLES[u.doc.locale], 'role')) pool.roles.add(r.text);
    for (const t of termCandidates(u.sentence, u.paragraph.marked, ROLES[u.doc.locale])) {
      if (pool.terms.size < 5000) pool.terms.add(t.text);
    }
  }
  const questions: GeneratedQuestion[] = [];
  const seenSentences = new Set<string>();
  for (const u of units) {
    if (questions.length >= max) break;
    const problem = sentenceProblem(u.sentence);
    if (problem) {
      skipped[problem]++;
      continue;
    }
    const norm = u.sentence.toLowerCase().replace(/\s+/g, ' ');
    if (seenSentences.has(norm)) {
      skipped.duplicate++;
      continue;
    }
    seenSentences.add(norm);
    const locale = u.doc.locale;
    const pool = pools[locale];
    const roleList = [...new Set([...pool.roles, ...ROLES[locale]])].sort();
    const candidates = [
      ...numberCandidates(u.sentence),
      ...phraseCandidates(u.sentence, ROLES[locale], 'role'),
      ...termCandidates(u.sentence, u.paragraph.marked, ROLES[locale]),
    ];
    if (candidates.length === 0) {
      skipped['no-term']++;
      continue;
    }
    let made: { c: Candidate; distractors: string[] } | undefined;
    let fallback: Candidate | undefined;
    let ambiguous = false;
    let repeated = false;
    for (const c of candidates) {
      const answerKey = `${locale}|${c.text.toLowerCase()}`;
      if (
        (answersPerDocument.get(`${u.doc.id}|${answerKey}`) ?? 0) >= MAX_ANSWER_PER_DOCUMENT ||
        (answersInCorpus.get(answerKey) ?? 0) >= MAX_ANSWER_IN_CORPUS
      ) {
        repeated = true;
        continue;
      }
      // The blank must be unambiguous: the answer appears once, and is not most of the sentence.
      if (occurrences(u.sentence, c.text).length !== 1 || c.text.length > u.sentence.length / 2) {
        ambiguous = true;
        continue;
      }
      const distractors =
        c.kind === 'number'
          ? numberDistractors(c, pool.numbers, u.sentence, wanted)
          : termDistractors(c, c.kind === 'role' ? roleList : [...pool.terms].sort(), u.sentence, wanted, seed);
      if (distractors.length >= wanted) {
        made = { c, distractors };
        break;
      }
      fallback ??= c;
    }
    const chosen = made?.c ?? fallback;
    if (!chosen) {
      skipped[ambiguous ? 'ambiguous' : repeated ? 'repeated-answer' : 'no-term']++;
      continue;
    }
    const answerKey = `${locale}|${chosen.text.toLowerCase()}`;
    answersPerDocument.set(`${u.doc.id}|${answerKey}`, (answersPerDocument.get(`${u.doc.id}|${answerKey}`) ?? 0) + 1);
    answersInCorpus.set(answerKey, (answersInCorpus.get(answerKey) ?? 0) + 1);
    const stem = `${u.sentence.slice(0, chosen.start)}___${u.sentence.slice(chosen.start + chosen.text.length)}`;
    const id = `g${sha256(`${u.doc.id}|${u.paragraph.hash}|${u.sentenceIndex}|${chosen.text}`, 15)}`;
    const source = {
      documentId: u.doc.id,
      documentTitle: u.doc.title,
      paragraphIndex: u.paragraph.index,
      paragraphHash: u.paragraph.hash,
      sentenceIndex: u.sentenceIndex,
      ...(u.paragraph.heading ? { heading: u.paragraph.heading } : {}),
    };
    const common = {
      id,
      locale,
      prompt: PROMPT[locale](u.doc.title),
      stem,
      answer: chosen.text,
      termKind: chosen.kind,
      explanation: EXPLAIN[locale](u.sentence, u.doc.title, u.paragraph.heading),
      source,
    };
    if (made) {
      const texts = shuffle([chosen.text, ...made.distractors], seededRandom(`${seed}|${id}`));
      questions.push({
        ...common,
        kind: 'single',
        choices: texts.map((text, i) => ({ id: String.fromCharCode(97 + i), text, correct: text === chosen.text })),
      });
    } else {
      questions.push({ ...common, kind: 'cloze' });
    }
  }
  return { questions, paragraphs, sentences: units.length, skipped, truncated };
}

/**
 * A generated question in the shipped content's shape, so the adaptive quiz can serve it.
 * Organisation policies exist in one language: both locales carry the same text.
 */
export function asQuestion(g: GeneratedQuestion): Question {
  const both = (s: string) => ({ fr: s, en: s });
  const prompt = both(`${g.prompt}\n\n${g.stem}`);
  const explanation = both(g.explanation);
  if (g.kind === 'single' && g.choices) {
    return {
      id: g.id,
      kind: 'single',
      difficulty: g.termKind === 'number' ? 2 : 1,
      prompt,
      explanation,
      choices: g.choices.map((c) => ({ id: c.id, fr: c.text, en: c.text, correct: c.correct })),
    };
  }
  return {
    id: g.id,
    kind: 'cloze',
    difficulty: 3,
    prompt: both(g.prompt),
    explanation,
    text: both(g.stem),
    accept: { fr: [g.answer], en: [g.answer] },
  };
}
