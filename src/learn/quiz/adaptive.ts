/**
 * The adaptive quiz: an Elo-style rating per topic (a one-parameter logistic model) moves up
 * on right answers and down on misses, and the next questions are those whose difficulty gives
 * the learner about a 70 % chance of success — hard enough to teach, easy enough to keep going.
 * Missed questions come back through the Leitner schedule (spaced.ts). Everything is a pure
 * function of the learner's state, the content, the clock and a seed.
 */
import type { LearnModule } from '../content/load.js';
import type { Question } from '../content/schema.js';
import { hash32, seededRandom, shuffle } from '../random.js';
import type { Grade } from './grade.js';
import { dueReviews, type ReviewItem, scheduleReview } from './spaced.js';

export interface TopicAbility {
  /** Logit scale: 0 is "answers medium questions half the time". */
  readonly rating: number;
  readonly answered: number;
  readonly correct: number;
}

export interface AnswerRecord {
  readonly questionId: string;
  readonly moduleId: string;
  readonly at: string;
  readonly correct: boolean;
  readonly score: number;
}

export interface ModuleCompletion {
  readonly moduleId: string;
  /** The module's content version when it was taken. */
  readonly version: string;
  readonly score: number;
  readonly passed: boolean;
  readonly at: string;
}

export interface LearnerState {
  readonly abilities: Readonly<Record<string, TopicAbility>>;
  readonly reviews: Readonly<Record<string, ReviewItem>>;
  readonly answers: readonly AnswerRecord[];
  readonly completions: readonly ModuleCompletion[];
}

export const EMPTY_LEARNER: LearnerState = { abilities: {}, reviews: {}, answers: [], completions: [] };

/** Answers kept in the state; older ones only live in the store's event log. */
const MAX_ANSWERS = 500;
/** Target probability of a right answer when choosing the next question. */
export const TARGET_SUCCESS = 0.7;
/** Share of right answers needed to pass a module's quiz. */
export const PASS_MARK = 0.8;

/** Question difficulty 1..3 on the rating's logit scale. */
export function difficultyRating(difficulty: 1 | 2 | 3): number {
  return (difficulty - 2) * 1.2;
}

export function successProbability(rating: number, difficulty: 1 | 2 | 3): number {
  return 1 / (1 + Math.exp(-(rating - difficultyRating(difficulty))));
}

/** The rating starts a little below medium (new learners start on easy questions). */
const START: TopicAbility = { rating: -0.6, answered: 0, correct: 0 };

export function abilityOf(state: LearnerState, topic: string): TopicAbility {
  return state.abilities[topic] ?? START;
}

/** Elo update with a step that shrinks as evidence accumulates, bounded to keep ratings sane. */
export function updateAbility(ability: TopicAbility, difficulty: 1 | 2 | 3, grade: Grade): TopicAbility {
  const expected = successProbability(ability.rating, difficulty);
  const k = Math.max(0.25, 1 / (1 + ability.answered * 0.15));
  const rating = Math.max(-4, Math.min(4, ability.rating + k * (grade.score - expected)));
  return { rating, answered: ability.answered + 1, correct: ability.correct + (grade.correct ? 1 : 0) };
}

/** The learner's state after one answer: ability, review schedule and answer log. */
export function recordAnswer(
  state: LearnerState,
  module: Pick<LearnModule, 'id' | 'topic'>,
  question: Pick<Question, 'id' | 'difficulty'>,
  grade: Grade,
  now: Date,
): LearnerState {
  const key = reviewKey(module.id, question.id);
  const review = scheduleReview(
    state.reviews[key],
    { questionId: question.id, moduleId: module.id, topic: module.topic },
    grade.correct,
    now,
  );
  const answers = [
    ...state.answers,
    { questionId: question.id, moduleId: module.id, at: now.toISOString(), correct: grade.correct, score: grade.score },
  ].slice(-MAX_ANSWERS);
  return {
    ...state,
    abilities: {
      ...state.abilities,
      [module.topic]: updateAbility(abilityOf(state, module.topic), question.difficulty, grade),
    },
    reviews: { ...state.reviews, [key]: review },
    answers,
  };
}

/** Question ids are unique within a module; reviews are keyed by both. */
export function reviewKey(moduleId: string, questionId: string): string {
  return `${moduleId}/${questionId}`;
}

/** Records a finished module quiz: its share of right answers against PASS_MARK. */
export function completeModule(
  state: LearnerState,
  module: Pick<LearnModule, 'id' | 'version'>,
  score: number,
  now: Date,
): LearnerState {
  const s = Math.max(0, Math.min(1, score));
  return {
    ...state,
    completions: [
      ...state.completions,
      { moduleId: module.id, version: module.version, score: s, passed: s >= PASS_MARK, at: now.toISOString() },
    ],
  };
}

/** The difficulty (1..3) whose success chance is closest to TARGET_SUCCESS for this rating. */
export function targetDifficulty(rating: number): 1 | 2 | 3 {
  let best: 1 | 2 | 3 = 1;
  let gap = Number.POSITIVE_INFINITY;
  for (const d of [1, 2, 3] as const) {
    const g = Math.abs(successProbability(rating, d) - TARGET_SUCCESS);
    if (g < gap - 1e-12) {
      gap = g;
      best = d;
    }
  }
  return best;
}

export interface QuizItem {
  readonly moduleId: string;
  readonly questionId: string;
  /** Why it was chosen: due for review, matched to the learner's level, or filling the quiz. */
  readonly why: 'review' | 'level' | 'fill';
  /** Display order of the choices (shuffled with the seed), for choice questions. */
  readonly choiceOrder?: readonly string[];
}

export interface QuizOptions {
  readonly now: Date;
  /** Same seed, state and content → same quiz. Use e.g. learner id + attempt number. */
  readonly seed: string;
  /** Questions wanted; default 5. */
  readonly size?: number;
}

/**
 * Chooses the questions of the next quiz over the given modules: due reviews first (most
 * overdue first), then unseen questions nearest the target difficulty, then the least recently
 * seen. Deterministic given the state, the modules, `now` and `seed`.
 */
export function buildQuiz(modules: readonly LearnModule[], state: LearnerState, options: QuizOptions): QuizItem[] {
  const size = Math.max(1, Math.min(50, options.size ?? 5));
  const random = seededRandom(`${options.seed}|${options.now.toISOString()}`);
  const byKey = new Map<string, { module: LearnModule; question: Question }>();
  for (const module of modules) {
    for (const question of module.questions) byKey.set(reviewKey(module.id, question.id), { module, question });
  }
  const chosen: QuizItem[] = [];
  const taken = new Set<string>();
  const take = (key: string, why: QuizItem['why']) => {
    const entry = byKey.get(key);
    if (!entry || taken.has(key) || chosen.length >= size) return;
    taken.add(key);
    const q = entry.question;
    const choiceOrder =
      q.kind === 'single' || q.kind === 'multiple'
        ? shuffle(
            q.choices.map((c) => c.id),
            seededRandom(`${options.seed}|${key}`),
          )
        : undefined;
    chosen.push({ moduleId: entry.module.id, questionId: q.id, why, ...(choiceOrder ? { choiceOrder } : {}) });
  };
  const due = dueReviews(Object.values(state.reviews), options.now);
  for (const item of due) take(reviewKey(item.moduleId, item.questionId), 'review');

  const seen = new Set(Object.keys(state.reviews));
  // A random key per question, drawn once in a fixed order, breaks ties reproducibly.
  const keys = [...byKey.keys()].sort();
  const tie = new Map(keys.map((k) => [k, random()]));
  const unseen = keys
    .filter((k) => !seen.has(k))
    .map((k) => {
      const { module, question } = byKey.get(k) as { module: LearnModule; question: Question };
      const target = targetDifficulty(abilityOf(state, module.topic).rating);
      return { k, distance: Math.abs(question.difficulty - target) };
    })
    .sort((a, b) => a.distance - b.distance || (tie.get(a.k) ?? 0) - (tie.get(b.k) ?? 0));
  for (const { k } of unseen) take(k, 'level');

  const rest = keys
    .filter((k) => !taken.has(k))
    .sort((a, b) => {
      const ra = state.reviews[a]?.lastAnswered ?? '';
      const rb = state.reviews[b]?.lastAnswered ?? '';
      return ra < rb ? -1 : ra > rb ? 1 : (tie.get(a) ?? 0) - (tie.get(b) ?? 0);
    });
  for (const k of rest) take(k, 'fill');
  // Reviews first, then shuffle the level/fill items so the quiz does not read as easy → hard.
  const head = chosen.filter((c) => c.why === 'review');
  const tail = chosen.filter((c) => c.why !== 'review');
  return [...head, ...shuffle(tail, seededRandom(`${options.seed}|order|${hash32(keys.join())}`))];
}

export interface TopicKnowledge {
  /** Chance in percent of answering a medium question of the topic right: the dashboard's score. */
  readonly score: number;
  readonly answered: number;
  readonly correct: number;
}

/** Knowledge score per topic the learner has answered questions on. */
export function knowledgeByTopic(state: LearnerState): Record<string, TopicKnowledge> {
  return Object.fromEntries(
    Object.entries(state.abilities)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([topic, a]) => [
        topic,
        { score: Math.round(successProbability(a.rating, 2) * 100), answered: a.answered, correct: a.correct },
      ]),
  );
}

/** Share of a path's modules passed (any version): the training-completion figure. */
export function pathProgress(
  pathModules: readonly string[],
  state: LearnerState,
): { passed: number; total: number; ratio: number } {
  const passed = pathModules.filter((id) => state.completions.some((c) => c.moduleId === id && c.passed)).length;
  const total = pathModules.length;
  return { passed, total, ratio: total === 0 ? 0 : Math.round((passed / total) * 1000) / 1000 };
}
