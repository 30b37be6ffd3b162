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
  type KnownFeatures,
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
  /**
   * The strongest features present in the message, strongest first (ties in the order the
   * feature set lists them): the MODEL_FEATURES_SHOWN strongest, and among them or after them
   * the MODEL_FEATURES_PER_SIGN strongest of each sign — what a verdict shows and names.
   */
  readonly contributions: readonly FeatureContribution[];
  /** The reasons with their weight after the learnt scale. */
  readonly reasons: readonly Reason[];
}

/** Features a verdict shows, and those its model reason names (all of one sign). */
export const MODEL_FEATURES_SHOWN = 12;
export const MODEL_FEATURES_PER_SIGN = 6;

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
  const names: string[] = [];
  const known: number[] = [];
  for (const feature of features) {
    const weight = weights.get(feature);
    if (weight !== undefined) {
      names.push(feature);
      known.push(weight);
    }
  }
  return scoreKnown(
    model,
    { count: features.size, length: known.length, weights: known, nameOf: (i) => names[i] as string },
    reasons,
  );
}

/** `scoreWithModel(model, messageFeatures(input), reasons)`, the same to the last bit, faster. */
export function scoreMessageWithModel(model: MailModel, input: FeatureInput, reasons: readonly Reason[]): ModelScore {
  let index = FEATURE_INDEXES.get(model);
  if (!index) {
    index = featureIndex(model.features);
    FEATURE_INDEXES.set(model, index);
  }
  return scoreKnown(model, weightedFeatures(input, index), reasons);
}

const FEATURE_INDEXES = new WeakMap<MailModel, FeatureIndex>();

/** The score from the features the model knows, in the feature set's order. */
function scoreKnown(model: MailModel, known: KnownFeatures, reasons: readonly Reason[]): ModelScore {
  let textLogit = model.bias;
  const scale = featureScale(known.count);
  const { weights, length } = known;
  if (ROUNDED.length < length) ROUNDED = new Float64Array(Math.max(length, ROUNDED.length * 2));
  const rounded = ROUNDED;
  for (let i = 0; i < length; i++) {
    const weight = weights[i] as number;
    textLogit += weight * scale;
    rounded[i] = round(weight * scale);
  }
  // A long text has hundreds of known features and a verdict shows a dozen: those are picked,
  // and only their names are built, instead of sorting them all.
  const kept = new Set([
    ...strongest(rounded, length, MODEL_FEATURES_SHOWN, 0),
    ...strongest(rounded, length, MODEL_FEATURES_PER_SIGN, 1),
    ...strongest(rounded, length, MODEL_FEATURES_PER_SIGN, -1),
  ]);
  const contributions = [...kept]
    .sort((a, b) => Math.abs(rounded[b] as number) - Math.abs(rounded[a] as number) || a - b)
    .map((i): FeatureContribution => ({ feature: known.nameOf(i), weight: rounded[i] as number }));
  const scaled = reasons.map((reason) => {
    const scale = signalScale(model, reason.code);
    return scale === 1 ? reason : { ...reason, weight: round(reason.weight * scale) };
  });
  const logit = textLogit + scaled.reduce((sum, r) => sum + r.weight, 0);
  return { logit, probability: sigmoid(logit), textLogit, contributions, reasons: scaled };
}

/**
 * The rounded contributions of the message being scored, reused (scoring is synchronous): a
 * typed array is slow to create, slower than the rest of scoring a short message.
 */
let ROUNDED = new Float64Array(1024);

/**
 * The indexes of the `keep` largest of the first `count` weights in absolute value, of the given sign (0: any),
 * the earlier first among equals (what a stable sort of them all would put first).
 */
function strongest(weights: Float64Array, count: number, keep: number, sign: -1 | 0 | 1): number[] {
  const chosen: number[] = [];
  for (let i = 0; i < count; i++) {
    const weight = weights[i] as number;
    if ((sign > 0 && !(weight > 0)) || (sign < 0 && !(weight < 0))) continue;
    const strength = Math.abs(weight);
    // Ties go after: an equal weight found earlier stays ahead.
    if (chosen.length === keep && strength <= Math.abs(weights[chosen[keep - 1] as number] as number)) continue;
    let at = chosen.length;
    while (at > 0 && Math.abs(weights[chosen[at - 1] as number] as number) < strength) at--;
    chosen.splice(at, 0, i);
    if (chosen.length > keep) chosen.pop();
  }
  return chosen;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
