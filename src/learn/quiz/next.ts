/**
 * What a learner should take next: an assigned micro-module (from a recommendation) first,
 * then the next module of their path not yet passed, then a module with questions due for
 * review. Each answer carries the reason shown to the learner.
 */
import type { LocalizedText } from '../../core/index.js';
import type { LearningPath, LearnModule } from '../content/load.js';
import type { Assignment } from '../recommend.js';
import type { LearnerState } from './adaptive.js';
import { dueReviews } from './spaced.js';

export interface NextStep {
  readonly moduleId: string;
  readonly kind: 'assigned' | 'path' | 'review' | 'update';
  readonly reason: LocalizedText;
}

function passedSince(state: LearnerState, moduleId: string, since: string): boolean {
  return state.completions.some((c) => c.moduleId === moduleId && c.passed && c.at >= since);
}

export function nextStep(
  path: LearningPath | undefined,
  modules: readonly LearnModule[],
  state: LearnerState,
  assignments: readonly Assignment[],
  now: Date,
): NextStep | undefined {
  const known = new Map(modules.map((m) => [m.id, m]));
  const open = assignments
    .filter((a) => known.has(a.moduleId) && !passedSince(state, a.moduleId, a.assignedAt))
    .sort(
      (a, b) => b.priority - a.priority || (a.assignedAt < b.assignedAt ? -1 : a.assignedAt > b.assignedAt ? 1 : 0),
    );
  const first = open[0];
  if (first) return { moduleId: first.moduleId, kind: 'assigned', reason: first.reason };

  for (const id of path?.modules ?? []) {
    const module = known.get(id);
    if (!module) continue;
    const passes = state.completions.filter((c) => c.moduleId === id && c.passed);
    if (passes.length === 0) {
      return {
        moduleId: id,
        kind: 'path',
        reason: {
          fr: `Étape suivante de votre parcours « ${path?.title.fr} ».`,
          en: `Next step of your "${path?.title.en}" path.`,
        },
      };
    }
  }
  const due = dueReviews(Object.values(state.reviews), now).filter((r) => known.has(r.moduleId));
  const counts = new Map<string, number>();
  for (const r of due) counts.set(r.moduleId, (counts.get(r.moduleId) ?? 0) + 1);
  const review = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
  if (review) {
    return {
      moduleId: review[0],
      kind: 'review',
      reason: {
        fr: `${review[1]} question(s) manquée(s) à revoir pour ancrer le réflexe.`,
        en: `${review[1]} missed question(s) to review so the reflex sticks.`,
      },
    };
  }
  // Content changed since it was passed: offer the new version, lowest priority.
  for (const id of path?.modules ?? []) {
    const module = known.get(id);
    if (module && !state.completions.some((c) => c.moduleId === id && c.passed && c.version === module.version)) {
      return {
        moduleId: id,
        kind: 'update',
        reason: {
          fr: 'Ce module a été mis à jour depuis votre passage.',
          en: 'This module was updated since you took it.',
        },
      };
    }
  }
  return undefined;
}
