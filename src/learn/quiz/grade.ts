/**
 * Grading one answer to one question. Cloze answers are compared without case, accents,
 * punctuation or extra spaces, so "Prétexte " and "pretexte" both count.
 */
import type { Locale } from '../../core/index.js';
import type { Question } from '../content/schema.js';

/** What a learner answered: choice ids, a boolean, or the text typed into the blank. */
export type Answer =
  | { readonly kind: 'choices'; readonly ids: readonly string[] }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'text'; readonly value: string };

export interface Grade {
  readonly correct: boolean;
  /** Share of the answer that was right, in [0, 1]: partial credit for multiple choice. */
  readonly score: number;
}

/** Lowercase, accents removed, punctuation turned to spaces, spaces collapsed. */
export function normaliseAnswer(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[’']/g, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function gradeAnswer(question: Question, answer: Answer, locale: Locale): Grade {
  switch (question.kind) {
    case 'single': {
      if (answer.kind !== 'choices' || answer.ids.length !== 1) return { correct: false, score: 0 };
      const right = question.choices.find((c) => c.correct)?.id;
      const ok = answer.ids[0] === right;
      return { correct: ok, score: ok ? 1 : 0 };
    }
    case 'multiple': {
      if (answer.kind !== 'choices') return { correct: false, score: 0 };
      const picked = new Set(answer.ids);
      // Each choice is a yes/no decision: the score is the share of decisions made right.
      const right = question.choices.filter((c) => c.correct === picked.has(c.id)).length;
      const unknown = [...picked].some((id) => !question.choices.some((c) => c.id === id));
      const score = unknown ? 0 : right / question.choices.length;
      return { correct: score === 1, score };
    }
    case 'true-false': {
      const ok = answer.kind === 'boolean' && answer.value === question.answer;
      return { correct: ok, score: ok ? 1 : 0 };
    }
    case 'cloze': {
      if (answer.kind !== 'text') return { correct: false, score: 0 };
      const typed = normaliseAnswer(answer.value);
      const ok = typed.length > 0 && question.accept[locale].some((a) => normaliseAnswer(a) === typed);
      return { correct: ok, score: ok ? 1 : 0 };
    }
  }
}
