/**
 * Honest measurement of the mail model: k-fold cross-validation (a message is only ever scored
 * by a model that did not see it) and the figures the benchmark reports. Pure.
 */
import { createHash } from 'node:crypto';
import { type MailModel, scoreWithModel } from './model.js';
import { DEFAULT_TRAINING_OPTIONS, type TrainingExample, type TrainingOptions, trainMailModel } from './train.js';

export interface LabelledExample extends TrainingExample {
  /** Stable name (file name): decides the fold, so folds do not change between runs. */
  readonly id: string;
}

/** Fold of an example, from a hash of its id: stable and independent of file order. */
export function foldOf(id: string, folds: number): number {
  return createHash('sha256').update(id).digest().readUInt32BE(0) % folds;
}

/** Out-of-fold probability of phishing for every example, in input order. */
export function crossValidatedScores(
  examples: readonly LabelledExample[],
  folds: number,
  options: TrainingOptions = DEFAULT_TRAINING_OPTIONS,
): number[] {
  const scores = new Array<number>(examples.length).fill(0);
  const foldIds = examples.map((e) => foldOf(e.id, folds));
  for (let fold = 0; fold < folds; fold++) {
    const model = trainMailModel(
      examples.filter((_, i) => foldIds[i] !== fold),
      { version: `cv-${fold}`, corpusDigest: '', thresholds: { suspicious: 0.5, phishing: 0.9 } },
      options,
    );
    examples.forEach((e, i) => {
      if (foldIds[i] === fold) scores[i] = scoreExample(model, e);
    });
  }
  return scores;
}

export function scoreExample(model: MailModel, example: TrainingExample): number {
  return scoreWithModel(
    model,
    example.features,
    example.reasons.map((r) => ({ ...r, category: 'model', message: { fr: '-', en: '-' } })),
  ).probability;
}

export interface DetectionFigures {
  /** Share of phishing flagged at the strictest threshold keeping false positives ≤ `maxFalsePositiveRate`. */
  readonly recallAtFpr: number;
  /** That threshold (a message is flagged when its score is strictly above it). */
  readonly thresholdAtFpr: number;
  readonly rocAuc: number;
}

export function detectionFigures(
  scores: readonly number[],
  isPhishing: readonly boolean[],
  maxFalsePositiveRate: number,
): DetectionFigures {
  const ham = scores.filter((_, i) => !isPhishing[i]).sort((a, b) => b - a);
  const phish = scores.filter((_, i) => isPhishing[i]);
  const allowed = Math.floor(ham.length * maxFalsePositiveRate);
  // Flag strictly above the (allowed+1)-th highest legitimate score.
  const threshold = ham[allowed] ?? 0;
  const recallAtFpr = phish.length ? phish.filter((s) => s > threshold).length / phish.length : 0;
  return { recallAtFpr, thresholdAtFpr: threshold, rocAuc: rocAuc(ham, phish) };
}

/** Area under the ROC curve by ranks (ties count half); O(n log n). */
export function rocAuc(negatives: readonly number[], positives: readonly number[]): number {
  if (negatives.length === 0 || positives.length === 0) return Number.NaN;
  const all = [
    ...negatives.map((s) => ({ s, positive: false })),
    ...positives.map((s) => ({ s, positive: true })),
  ].sort((a, b) => a.s - b.s);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]?.s === all[i]?.s) j++;
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k]?.positive) rankSum += averageRank;
    i = j;
  }
  const p = positives.length;
  return (rankSum - (p * (p + 1)) / 2) / (p * negatives.length);
}
