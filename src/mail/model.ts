/**
 * The statistical half of the verdict: a logistic model over the words a reader sees, added
 * to the explained signals. Each signal code also carries a learnt scale (1 = the expert's
 * weight as written), so the corpus and analysts' verdicts can strengthen or soften a signal
 * visibly rather than silently. The model is a small JSON file, versioned and reproducible
 * (`npm run train:mail`).
 */
import { z } from 'zod';
import {
  type FeatureIndex,
  type FeatureInput,
  featureIndex,
  type WeightedFeature,
  weightedFeatures,
} from './features.js';
import type { Reason } from './types.js';

export const mailModelSchema = z.strictObject({
  format: z.literal('vigie-mail-model/1'),
  version: z.string().min(1).max(100),
  bias: z.number(),
  /** Weight of each feature (see features.ts) in log-odds. */
  features: z.record(z.string().max(120), z.number()),
  /** Learnt multiplier of each signal code's weight; absent codes use 1. */
  signalScales: z.record(z.string().max(120), z.number().min(0).max(5)),
  /** Score thresholds of the verdicts (probability of phishing). */
  thresholds: z.strictObject({ suspicious: z.number().min(0).max(1), phishing: z.number().min(0).max(1) }),
  training: z.strictObject({
    messages: z.number().int().nonnegative(),
    phishing: z.number().int().nonnegative(),
    legitimate: z.number().int().nonnegative(),
    feedback: z.number().int().nonnegative(),
    corpusDigest: z.string(),
    options: z.record(z.string(), z.number()),
  }),
});
export type MailModel = z.infer<typeof mailModelSchema>;

export interface FeatureContribution {
  readonly feature: string;
  readonly weight: number;
}

export interface ModelScore {
  /** Log-odds of phishing: bias + words + scaled signals. */
  readonly logit: number;
  readonly probability: number;
  /** The words' part of the log-odds (bias included). */
  readonly textLogit: number;
  /** Features present in the message, strongest first (both signs). */
  readonly contributions: readonly FeatureContribution[];
  /** The reasons with their weight after the learnt scale. */
  readonly reasons: readonly Reason[];
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * Each word counts n^-¼ in a message of n distinct features, so that the words' part of the
 * verdict grows with length much more slowly than the number of words: a long legitimate
 * thread does not win on volume alone, and a short ordinary note is not judged as a lure just
 * because lures are short. (Full 1/√n normalisation lost 5 points of recall at 0.5% false
 * positives in cross-validation; plain presence made short notes look most suspicious.)
 */
export function featureScale(featureCount: number): number {
  return Math.max(1, featureCount) ** -0.25;
}

/** The model's words as a Map (a 6,000-key object is slow to probe); built once per model. */
const WEIGHT_MAPS = new WeakMap<MailModel, ReadonlyMap<string, number>>();
function featureWeights(model: MailModel): ReadonlyMap<string, number> {
  let weights = WEIGHT_MAPS.get(model);
  if (!weights) {
    weights = new Map(Object.entries(model.features));
    WEIGHT_MAPS.set(model, weights);
  }
  return weights;
}

export function signalScale(model: MailModel, code: string): number {
  return model.signalScales[code] ?? 1;
}

export function scoreWithModel(
  model: MailModel,
  features: ReadonlySet<string>,
  reasons: readonly Reason[],
): ModelScore {
  const weights = featureWeights(model);
  const known: WeightedFeature[] = [];
  for (const feature of features) {
    const weight = weights.get(feature);
    if (weight !== undefined) known.push({ feature, weight });
  }
  return scoreKnown(model, features.size, known, reasons);
}

/** `scoreWithModel(model, messageFeatures(input), reasons)`, the same to the last bit, faster. */
export function scoreMessageWithModel(model: MailModel, input: FeatureInput, reasons: readonly Reason[]): ModelScore {
  let index = FEATURE_INDEXES.get(model);
  if (!index) {
    index = featureIndex(model.features);
    FEATURE_INDEXES.set(model, index);
  }
  const { count, known } = weightedFeatures(input, index);
  return scoreKnown(model, count, known, reasons);
}

const FEATURE_INDEXES = new WeakMap<MailModel, FeatureIndex>();

/** The score from the features the model knows, in the feature set's order, among `count`. */
function scoreKnown(
  model: MailModel,
  count: number,
  known: readonly WeightedFeature[],
  reasons: readonly Reason[],
): ModelScore {
  let textLogit = model.bias;
  const scale = featureScale(count);
  const contributions: FeatureContribution[] = [];
  for (const { feature, weight } of known) {
    textLogit += weight * scale;
    contributions.push({ feature, weight: round(weight * scale) });
  }
  contributions.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
  const scaled = reasons.map((reason) => {
    const scale = signalScale(model, reason.code);
    return scale === 1 ? reason : { ...reason, weight: round(reason.weight * scale) };
  });
  const logit = textLogit + scaled.reduce((sum, r) => sum + r.weight, 0);
  return { logit, probability: sigmoid(logit), textLogit, contributions, reasons: scaled };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
