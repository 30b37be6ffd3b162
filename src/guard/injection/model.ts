/**
 * The injection model as data, and scoring with it: per mode (prompt, document) a logistic
 * regression over hashed text features plus the rules (each rule's expert weight times a
 * learnt scale), then a Platt calibration fitted on out-of-fold scores, so the score reads
 * as a probability and the threshold as "1% of benign prompts flagged" in cross-validation.
 */
import { z } from 'zod';
import { BUCKETS, featureScale, type TextFeatures } from './features.js';
import type { RuleHit } from './rules.js';

const subModelSchema = z.strictObject({
  bias: z.number(),
  /** Weight of each hashed bucket (key = bucket number), in log-odds before the 1/√n scale. */
  weights: z.record(z.string().regex(/^[0-9]{1,7}$/), z.number()),
  /** Learnt multiplier of each rule's expert weight; absent = 1. */
  ruleScales: z.record(z.string().max(80), z.number().min(0).max(5)),
  calibration: z.strictObject({ a: z.number(), b: z.number() }),
  /** Calibrated score at or above which the text is flagged, when its language has no threshold of its own. */
  threshold: z.number().min(0).max(1),
  /**
   * Per detected language (`en`, `fr`): benign prompts of each language do not look alike
   * (English ones are closest to attacks), so each gets the threshold that flags 1% of its own.
   */
  languageThresholds: z.strictObject({
    en: z.number().min(0).max(1).optional(),
    fr: z.number().min(0).max(1).optional(),
  }),
});
export type InjectionSubModel = z.infer<typeof subModelSchema>;

export const injectionModelSchema = z.strictObject({
  format: z.literal('vigie-guard-injection-model/1'),
  version: z.string().min(1).max(100),
  hashBits: z.number().int().min(8).max(24),
  modes: z.strictObject({ prompt: subModelSchema, document: subModelSchema }),
  training: z.strictObject({
    corpusDigest: z.string(),
    examples: z.record(z.string(), z.number().int().nonnegative()),
    options: z.record(z.string(), z.number()),
  }),
});
export type InjectionModel = z.infer<typeof injectionModelSchema>;

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Dense weight tables, built once per sub-model (a Float32Array probe is the fast path). */
const DENSE = new WeakMap<InjectionSubModel, Float32Array>();
function dense(model: InjectionSubModel): Float32Array {
  let table = DENSE.get(model);
  if (!table) {
    table = new Float32Array(BUCKETS);
    for (const [bucket, weight] of Object.entries(model.weights)) {
      const b = Number(bucket);
      if (b >= 0 && b < BUCKETS) table[b] = weight;
    }
    DENSE.set(model, table);
  }
  return table;
}

export interface ModelContribution {
  /** Index in `features.buckets` (see `originOf`). */
  readonly index: number;
  readonly weight: number;
}

export interface RuleContribution {
  readonly hit: RuleHit;
  readonly weight: number;
}

const MAX_CONTRIBUTIONS = 40;

export interface ModelScore {
  readonly logit: number;
  readonly probability: number;
  /** The strongest text features present (at most 40), strongest first (both signs). */
  readonly contributions: readonly ModelContribution[];
  readonly rules: readonly RuleContribution[];
}

export function scoreWithModel(model: InjectionSubModel, features: TextFeatures, hits: readonly RuleHit[]): ModelScore {
  const table = dense(model);
  const scale = featureScale(features.buckets.length);
  let logit = model.bias;
  // Only the strongest contributions are kept (bounded insertion: no sort of every feature).
  const contributions: ModelContribution[] = [];
  for (let i = 0; i < features.buckets.length; i++) {
    const w = table[features.buckets[i] ?? 0] ?? 0;
    if (w === 0) continue;
    logit += w * scale;
    const strength = Math.abs(w * scale);
    if (contributions.length === MAX_CONTRIBUTIONS && strength <= Math.abs(contributions.at(-1)?.weight ?? 0)) continue;
    let at = contributions.length;
    while (at > 0 && Math.abs(contributions[at - 1]?.weight ?? 0) < strength) at--;
    contributions.splice(at, 0, { index: i, weight: w * scale });
    if (contributions.length > MAX_CONTRIBUTIONS) contributions.pop();
  }
  const rules = hits.map((hit) => ({ hit, weight: hit.weight * (model.ruleScales[hit.code] ?? 1) }));
  for (const r of rules) logit += r.weight;
  const { a, b } = model.calibration;
  return { logit, probability: sigmoid(a * logit + b), contributions, rules };
}
