/**
 * Spaced repetition with Leitner boxes: a question answered right moves up a box and comes back
 * later; a miss sends it back to box 1, due again the next day. Missed topics therefore return
 * on a widening schedule until they are known. Pure: the clock is a parameter.
 */

/** Days before a question in box i (index) is due again. Box 0 is "missed: tomorrow". */
export const LEITNER_INTERVALS_DAYS = [1, 3, 7, 16, 35] as const;

export interface ReviewItem {
  readonly questionId: string;
  readonly moduleId: string;
  readonly topic: string;
  /** 0 .. LEITNER_INTERVALS_DAYS.length - 1 */
  readonly box: number;
  readonly due: string;
  readonly lastAnswered: string;
  readonly misses: number;
}

const DAY = 86_400_000;

/**
 * The review state after one answer. A first correct answer skips box 0 (no need to repeat a
 * known question tomorrow); items never missed and past the last box stay there.
 */
export function scheduleReview(
  previous: ReviewItem | undefined,
  ref: { questionId: string; moduleId: string; topic: string },
  correct: boolean,
  now: Date,
): ReviewItem {
  const last = LEITNER_INTERVALS_DAYS.length - 1;
  const box = correct ? Math.min(last, previous ? previous.box + 1 : 1) : 0;
  const days = LEITNER_INTERVALS_DAYS[box] ?? 1;
  return {
    ...ref,
    box,
    due: new Date(now.getTime() + days * DAY).toISOString(),
    lastAnswered: now.toISOString(),
    misses: (previous?.misses ?? 0) + (correct ? 0 : 1),
  };
}

/** Items due at `now`, most overdue first, then lowest box, then id (stable order). */
export function dueReviews(items: readonly ReviewItem[], now: Date): ReviewItem[] {
  const t = now.getTime();
  return items
    .filter((i) => Date.parse(i.due) <= t)
    .sort(
      (a, b) =>
        Date.parse(a.due) - Date.parse(b.due) ||
        a.box - b.box ||
        (a.questionId < b.questionId ? -1 : a.questionId > b.questionId ? 1 : 0),
    );
}
