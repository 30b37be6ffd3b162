import { describe, expect, it } from 'vitest';
import { shippedFiles } from '../../../tests/support/learn-content.js';
import { loadContent } from '../content/load.js';
import type { Question } from '../content/schema.js';
import type { Assignment } from '../recommend.js';
import {
  abilityOf,
  buildQuiz,
  completeModule,
  EMPTY_LEARNER,
  knowledgeByTopic,
  type LearnerState,
  pathProgress,
  recordAnswer,
  targetDifficulty,
} from './adaptive.js';
import { gradeAnswer, normaliseAnswer } from './grade.js';
import { nextStep } from './next.js';
import { dueReviews, scheduleReview } from './spaced.js';

const content = loadContent(shippedFiles());
const byId = (id: string) => {
  const m = content.modules.find((x) => x.id === id);
  if (!m) throw new Error(id);
  return m;
};
const question = (moduleId: string, id: string): Question => {
  const q = byId(moduleId).questions.find((x) => x.id === id);
  if (!q) throw new Error(id);
  return q;
};
const T0 = new Date('2026-03-02T09:00:00Z');
const day = (n: number) => new Date(T0.getTime() + n * 86_400_000);

describe('gradeAnswer', () => {
  it('grades single, true/false, multiple (partial credit) and cloze (accent- and case-insensitive)', () => {
    expect(gradeAnswer(question('deepfakes', 'boss-calls'), { kind: 'choices', ids: ['b'] }, 'fr').correct).toBe(true);
    expect(gradeAnswer(question('deepfakes', 'boss-calls'), { kind: 'choices', ids: ['a'] }, 'fr').correct).toBe(false);
    expect(gradeAnswer(question('deepfakes', 'seconds-enough'), { kind: 'boolean', value: false }, 'en').correct).toBe(
      true,
    );
    const multi = question('deepfakes', 'levers');
    expect(gradeAnswer(multi, { kind: 'choices', ids: ['a', 'b', 'c'] }, 'en')).toEqual({ correct: true, score: 1 });
    expect(gradeAnswer(multi, { kind: 'choices', ids: ['a', 'b'] }, 'en')).toEqual({ correct: false, score: 0.75 });
    expect(gradeAnswer(multi, { kind: 'choices', ids: ['a', 'zz'] }, 'en').score).toBe(0);
    const cloze = question('social-engineering', 'pretext');
    expect(gradeAnswer(cloze, { kind: 'text', value: '  PRETEXTE ' }, 'fr').correct).toBe(true);
    expect(gradeAnswer(cloze, { kind: 'text', value: 'prétexte' }, 'en').correct).toBe(false);
    expect(gradeAnswer(cloze, { kind: 'text', value: '' }, 'fr').correct).toBe(false);
  });

  it('normalises answers', () => {
    expect(normaliseAnswer('Mots de passe !')).toBe('mots de passe');
    expect(normaliseAnswer('l’Équipe')).toBe('l equipe');
  });
});

describe('spaced repetition', () => {
  const ref = { questionId: 'q', moduleId: 'm', topic: 't' };
  it('sends a miss back to box 0, due the next day, and widens intervals on success', () => {
    const missed = scheduleReview(undefined, ref, false, T0);
    expect(missed.box).toBe(0);
    expect(missed.due).toBe(day(1).toISOString());
    const again = scheduleReview(missed, ref, true, day(1));
    expect(again.box).toBe(1);
    expect(again.due).toBe(day(4).toISOString());
    const third = scheduleReview(again, ref, true, day(4));
    expect(third.due).toBe(day(11).toISOString());
    expect(scheduleReview(third, ref, false, day(11)).box).toBe(0);
    expect(scheduleReview(third, ref, false, day(11)).misses).toBe(2);
  });

  it('lists due items, most overdue first', () => {
    const a = scheduleReview(undefined, { ...ref, questionId: 'a' }, false, T0);
    const b = scheduleReview(undefined, { ...ref, questionId: 'b' }, true, T0);
    expect(dueReviews([a, b], day(1)).map((i) => i.questionId)).toEqual(['a']);
    expect(dueReviews([b, a], day(5)).map((i) => i.questionId)).toEqual(['a', 'b']);
  });
});

describe('adaptive quiz', () => {
  const mod = byId('authentication');
  it('raises the rating on right answers and lowers it on misses; difficulty follows', () => {
    let up: LearnerState = EMPTY_LEARNER;
    let down: LearnerState = EMPTY_LEARNER;
    for (const q of mod.questions) {
      up = recordAnswer(up, mod, q, { correct: true, score: 1 }, T0);
      down = recordAnswer(down, mod, q, { correct: false, score: 0 }, T0);
    }
    expect(abilityOf(up, 'authentication').rating).toBeGreaterThan(abilityOf(EMPTY_LEARNER, 'authentication').rating);
    expect(abilityOf(down, 'authentication').rating).toBeLessThan(abilityOf(EMPTY_LEARNER, 'authentication').rating);
    expect(targetDifficulty(abilityOf(up, 'authentication').rating)).toBeGreaterThan(
      targetDifficulty(abilityOf(down, 'authentication').rating),
    );
  });

  it('starts a new learner on easy questions', () => {
    const quiz = buildQuiz([mod], EMPTY_LEARNER, { now: T0, seed: 's', size: 2 });
    for (const item of quiz) expect(mod.questions.find((q) => q.id === item.questionId)?.difficulty).toBe(1);
  });

  it('brings a missed question back once due, first in the quiz', () => {
    const missedQ = mod.questions[3] as Question;
    let state = recordAnswer(EMPTY_LEARNER, mod, missedQ, { correct: false, score: 0 }, T0);
    for (const q of mod.questions.filter((x) => x.id !== missedQ.id))
      state = recordAnswer(state, mod, q, { correct: true, score: 1 }, T0);
    const sameDay = buildQuiz([mod], state, { now: T0, seed: 's', size: 3 });
    expect(sameDay.every((i) => i.why !== 'review')).toBe(true);
    const nextDay = buildQuiz([mod], state, { now: day(1), seed: 's', size: 3 });
    expect(nextDay[0]).toMatchObject({ questionId: missedQ.id, why: 'review' });
  });

  it('is deterministic for a seed and clock, and the seed changes the order', () => {
    const a = buildQuiz(content.modules, EMPTY_LEARNER, { now: T0, seed: 'alice-1', size: 8 });
    const b = buildQuiz(content.modules, EMPTY_LEARNER, { now: T0, seed: 'alice-1', size: 8 });
    expect(b).toEqual(a);
    const others = ['alice-2', 'alice-3', 'alice-4'].map((seed) =>
      buildQuiz(content.modules, EMPTY_LEARNER, { now: T0, seed, size: 8 }),
    );
    expect(others.some((o) => JSON.stringify(o) !== JSON.stringify(a))).toBe(true);
    expect(new Set(a.map((i) => `${i.moduleId}/${i.questionId}`)).size).toBe(8);
    const single = a.find((i) => i.choiceOrder);
    expect(single?.choiceOrder?.length).toBeGreaterThan(1);
  });
});

describe('nextStep', () => {
  const path = content.paths.find((p) => p.id === 'finance');
  it('follows the path, then assignments take precedence, then reviews', () => {
    expect(nextStep(path, content.modules, EMPTY_LEARNER, [], T0)).toMatchObject({
      moduleId: 'payment-fraud',
      kind: 'path',
    });
    const assignment: Assignment = {
      moduleId: 'mobile-qr',
      topic: 'mobile-qr',
      priority: 70,
      assignedAt: T0.toISOString(),
      signal: 'simulation.clicked',
      reason: { fr: 'r', en: 'r' },
    };
    expect(nextStep(path, content.modules, EMPTY_LEARNER, [assignment], T0)).toMatchObject({
      moduleId: 'mobile-qr',
      kind: 'assigned',
    });
    let state = completeModule(EMPTY_LEARNER, byId('mobile-qr'), 1, day(1));
    expect(nextStep(path, content.modules, state, [assignment], day(1))?.moduleId).toBe('payment-fraud');
    for (const id of path?.modules ?? []) state = completeModule(state, byId(id), 0.9, day(1));
    expect(nextStep(path, content.modules, state, [assignment], day(1))).toBeUndefined();
    const mod = byId('deepfakes');
    state = recordAnswer(state, mod, mod.questions[0] as Question, { correct: false, score: 0 }, day(1));
    expect(nextStep(path, content.modules, state, [], day(2))).toMatchObject({ moduleId: 'deepfakes', kind: 'review' });
  });

  it('reports path completion and knowledge per topic for the dashboard', () => {
    const mod = byId('deepfakes');
    let state = completeModule(EMPTY_LEARNER, byId('payment-fraud'), 0.9, T0);
    state = completeModule(state, mod, 0.4, T0);
    expect(pathProgress(path?.modules ?? [], state)).toEqual({ passed: 1, total: 7, ratio: 0.143 });
    for (const q of mod.questions) state = recordAnswer(state, mod, q, { correct: true, score: 1 }, T0);
    const k = knowledgeByTopic(state);
    expect(Object.keys(k)).toEqual(['deepfakes']);
    expect(k.deepfakes?.answered).toBe(6);
    expect(k.deepfakes?.score).toBeGreaterThan(50);
  });

  it('does not count a failed quiz as done', () => {
    const state = completeModule(EMPTY_LEARNER, byId('payment-fraud'), 0.5, T0);
    expect(nextStep(path, content.modules, state, [], T0)?.moduleId).toBe('payment-fraud');
  });
});
