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

/**
 * The weights as a compact table, built once per sub-model: a bitmap of the buckets that have a
 * weight, the count of weighted buckets before each 32-bucket word, and the weights in bucket
 * order. About 60 KB that stay in cache, where a dense 1 MB table missed on nearly every probe.
 */
interface CompactModel {
  readonly present: Uint32Array;
  readonly rank: Uint32Array;
  readonly values: Float32Array;
}
const COMPACT = new WeakMap<InjectionSubModel, CompactModel>();
function compact(model: InjectionSubModel): CompactModel {
  let built = COMPACT.get(model);
  if (!built) {
    const dense = new Float32Array(BUCKETS);
    const present = new Uint32Array(BUCKETS >>> 5);
    for (const [bucket, weight] of Object.entries(model.weights)) {
      const b = Number(bucket);
      if (b >= 0 && b < BUCKETS && weight !== 0) {
        dense[b] = weight;
        present[b >>> 5] = (present[b >>> 5] ?? 0) | (1 << (b & 31));
      }
    }
    const rank = new Uint32Array(present.length);
    let total = 0;
    for (let w = 0; w < present.length; w++) {
      rank[w] = total;
      total += popcount(present[w] ?? 0);
    }
    const values = new Float32Array(total);
    let k = 0;
    for (let b = 0; b < BUCKETS; b++)
      if (((present[b >>> 5] ?? 0) & (1 << (b & 31))) !== 0) values[k++] = dense[b] ?? 0;
    built = { present, rank, values };
    COMPACT.set(model, built);
  }
  return built;
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
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
/** The running sum of `scoreWithModel` (see there). */
const LOGIT = new Float64Array(1);
/** Work arrays of the bounded insertion, reused (scoring is synchronous; only `kept` entries are read). */
const TOP_INDEX = new Int32Array(MAX_CONTRIBUTIONS);
const TOP_WEIGHT = new Float64Array(MAX_CONTRIBUTIONS);
const TOP_STRENGTH = new Float64Array(MAX_CONTRIBUTIONS);

export interface ModelScore {
  readonly logit: number;
  readonly probability: number;
  /** The strongest text features present (at most 40), strongest first (both signs). */
  readonly contributions: readonly ModelContribution[];
  readonly rules: readonly RuleContribution[];
}

export function scoreWithModel(model: InjectionSubModel, features: TextFeatures, hits: readonly RuleHit[]): ModelScore {
  const { present, rank, values } = compact(model);
  const scale = featureScale(features.buckets.length);
  // Only the strongest contributions are kept, strongest first, ties in order of appearance
  // (bounded insertion into typed arrays: no sort of every feature, no object per feature).
  const topIndex = TOP_INDEX;
  const topWeight = TOP_WEIGHT;
  const topStrength = TOP_STRENGTH;
  let kept = 0;
  // The sum lives in a typed-array slot: a local double seeded from `model.bias` stayed boxed in
  // optimised code: one heap number per weighted feature, ~15 KB of garbage per 2 KB prompt.
  LOGIT[0] = model.bias;
  const buckets = features.buckets;
  for (let i = 0; i < buckets.length; i++) {
    const bucket = buckets[i] ?? 0;
    const word = bucket >>> 5;
    const bits = present[word] ?? 0;
    const bit = 1 << (bucket & 31);
    if ((bits & bit) === 0) continue;
    const w = values[(rank[word] ?? 0) + popcount(bits & (bit - 1))] ?? 0;
    if (w === 0) continue;
    const weight = w * scale;
    LOGIT[0] = (LOGIT[0] ?? 0) + weight;
    const strength = Math.abs(weight);
    if (kept === MAX_CONTRIBUTIONS && strength <= (topStrength[MAX_CONTRIBUTIONS - 1] ?? 0)) continue;
    let at = kept;
    while (at > 0 && (topStrength[at - 1] ?? 0) < strength) at--;
    const last = Math.min(kept, MAX_CONTRIBUTIONS - 1);
    topIndex.copyWithin(at + 1, at, last);
    topWeight.copyWithin(at + 1, at, last);
    topStrength.copyWithin(at + 1, at, last);
    topIndex[at] = i;
    topWeight[at] = weight;
    topStrength[at] = strength;
    if (kept < MAX_CONTRIBUTIONS) kept++;
  }
  const contributions: ModelContribution[] = [];
  for (let c = 0; c < kept; c++) contributions.push({ index: topIndex[c] ?? 0, weight: topWeight[c] ?? 0 });
  let logit = LOGIT[0] ?? 0;
  const rules = hits.map((hit) => ({ hit, weight: hit.weight * (model.ruleScales[hit.code] ?? 1) }));
  for (const r of rules) logit += r.weight;
  const { a, b } = model.calibration;
  return { logit, probability: sigmoid(a * logit + b), contributions, rules };
}
