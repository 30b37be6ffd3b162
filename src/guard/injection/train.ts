/**
 * Training of the injection model, deterministic (same examples → same weights, byte for
 * byte): L2 logistic regression by full-batch Adam over hashed buckets plus one scale per
 * rule pulled towards 1 (the expert's weight); grouped k-fold cross-validation, Platt
 * calibration on out-of-fold scores, and the threshold for a target false-positive rate.
 */
import { featureScale } from './features.js';
import { type InjectionSubModel, sigmoid } from './model.js';

export interface TrainingExample {
  readonly buckets: Int32Array;
  readonly rules: readonly { readonly code: string; readonly weight: number }[];
  readonly label: 0 | 1;
}

export interface TrainingOptions {
  readonly iterations: number;
  readonly learningRate: number;
  readonly l2: number;
  readonly l2Scales: number;
  /** Buckets seen in fewer training texts are ignored (they only memorise). */
  readonly minDocumentFrequency: number;
  /** Buckets kept, strongest first. */
  readonly maxFeatures: number;
}

export const DEFAULT_TRAINING_OPTIONS: TrainingOptions = {
  iterations: 250,
  learningRate: 0.05,
  l2: 0.0005,
  l2Scales: 0.02,
  minDocumentFrequency: 2,
  maxFeatures: 6000,
};

const MAX_SCALE = 5;

export type TrainedWeights = Pick<InjectionSubModel, 'bias' | 'weights' | 'ruleScales'>;

export function trainLogistic(
  examples: readonly TrainingExample[],
  options: TrainingOptions = DEFAULT_TRAINING_OPTIONS,
): TrainedWeights {
  const frequency = new Map<number, number>();
  for (const e of examples) for (const b of e.buckets) frequency.set(b, (frequency.get(b) ?? 0) + 1);
  const vocabulary = [...frequency]
    .filter(([, n]) => n >= options.minDocumentFrequency)
    .map(([b]) => b)
    .sort((a, b) => a - b);
  const index = new Map(vocabulary.map((b, i) => [b, i]));
  const codes = [...new Set(examples.flatMap((e) => e.rules.map((r) => r.code)))].sort();
  const codeIndex = new Map(codes.map((c, i) => [c, i]));
  const rows = examples.map((e) => ({
    features: Int32Array.from([...e.buckets].map((b) => index.get(b) ?? -1).filter((i) => i >= 0)),
    scale: featureScale(e.buckets.length),
    rules: e.rules.map((r) => [codeIndex.get(r.code) ?? 0, r.weight] as const),
    target: e.label,
  }));
  // Both classes weigh the same in the loss, whatever their counts.
  const positives = rows.filter((r) => r.target === 1).length;
  const classWeight = [0.5 / Math.max(1, rows.length - positives), 0.5 / Math.max(1, positives)];
  const n = vocabulary.length;
  const params = new Float64Array(1 + n + codes.length);
  for (let c = 0; c < codes.length; c++) params[1 + n + c] = 1;
  const gradient = new Float64Array(params.length);
  const adam = createAdam(params.length, options.learningRate);
  for (let iteration = 0; iteration < options.iterations; iteration++) {
    gradient.fill(0);
    for (const row of rows) {
      let logit = params[0] ?? 0;
      for (const f of row.features) logit += (params[1 + f] ?? 0) * row.scale;
      for (const [c, w] of row.rules) logit += (params[1 + n + c] ?? 1) * w;
      const error = (sigmoid(logit) - row.target) * (classWeight[row.target] ?? 0);
      gradient[0] = (gradient[0] ?? 0) + error;
      for (const f of row.features) gradient[1 + f] = (gradient[1 + f] ?? 0) + error * row.scale;
      for (const [c, w] of row.rules) gradient[1 + n + c] = (gradient[1 + n + c] ?? 0) + error * w;
    }
    for (let f = 1; f <= n; f++) gradient[f] = (gradient[f] ?? 0) + options.l2 * (params[f] ?? 0);
    for (let c = 0; c < codes.length; c++) {
      const at = 1 + n + c;
      gradient[at] = (gradient[at] ?? 0) + options.l2Scales * ((params[at] ?? 1) - 1);
    }
    const step = adam(gradient);
    for (let i = 0; i < params.length; i++) params[i] = (params[i] ?? 0) - (step[i] ?? 0);
    for (let c = 0; c < codes.length; c++) {
      const at = 1 + n + c;
      params[at] = Math.min(MAX_SCALE, Math.max(0, params[at] ?? 1));
    }
  }
  const kept = vocabulary
    .map((bucket, i) => ({ bucket, weight: round(params[1 + i] ?? 0) }))
    .filter((f) => f.weight !== 0)
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight) || a.bucket - b.bucket)
    .slice(0, options.maxFeatures)
    .sort((a, b) => a.bucket - b.bucket);
  return {
    bias: round(params[0] ?? 0),
    weights: Object.fromEntries(kept.map((f) => [String(f.bucket), f.weight])),
    ruleScales: Object.fromEntries(codes.map((code, c) => [code, round(params[1 + n + c] ?? 1)])),
  };
}

/** The raw (uncalibrated) log-odds of one example under trained weights. */
export function logitOf(weights: TrainedWeights, example: TrainingExample): number {
  const scale = featureScale(example.buckets.length);
  let logit = weights.bias;
  for (const b of example.buckets) logit += (weights.weights[String(b)] ?? 0) * scale;
  for (const r of example.rules) logit += (weights.ruleScales[r.code] ?? 1) * r.weight;
  return logit;
}

/**
 * Assigns groups to folds: largest groups first, each to the fold holding the fewest examples
 * of the group's majority class (ties: fewest examples, then lowest fold). No group is split.
 */
export function assignFolds(groups: readonly string[], labels: readonly (0 | 1)[], folds: number): number[] {
  const members = new Map<string, number[]>();
  groups.forEach((g, i) => {
    const list = members.get(g);
    if (list) list.push(i);
    else members.set(g, [i]);
  });
  const ordered = [...members].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
  const perClass = Array.from({ length: folds }, () => [0, 0]);
  const fold = new Array<number>(groups.length).fill(0);
  for (const [, items] of ordered) {
    const ones = items.filter((i) => labels[i] === 1).length;
    const majority = ones * 2 >= items.length ? 1 : 0;
    let best = 0;
    for (let f = 1; f < folds; f++) {
      const [b0, b1] = perClass[best] as number[];
      const [f0, f1] = perClass[f] as number[];
      const fb = majority ? (b1 as number) : (b0 as number);
      const ff = majority ? (f1 as number) : (f0 as number);
      if (ff < fb || (ff === fb && (f0 as number) + (f1 as number) < (b0 as number) + (b1 as number))) best = f;
    }
    for (const i of items) {
      fold[i] = best;
      const counts = perClass[best] as number[];
      counts[labels[i] ?? 0] = (counts[labels[i] ?? 0] ?? 0) + 1;
    }
  }
  return fold;
}

/** Out-of-fold raw log-odds: each example scored by a model that never saw its group. */
export function crossValidatedLogits(
  examples: readonly TrainingExample[],
  fold: readonly number[],
  folds: number,
  options: TrainingOptions = DEFAULT_TRAINING_OPTIONS,
): number[] {
  const logits = new Array<number>(examples.length).fill(0);
  for (let k = 0; k < folds; k++) {
    const weights = trainLogistic(
      examples.filter((_, i) => fold[i] !== k),
      options,
    );
    examples.forEach((e, i) => {
      if (fold[i] === k) logits[i] = logitOf(weights, e);
    });
  }
  return logits;
}

/** Platt scaling p = σ(a·logit + b) fitted by Newton's method, with Platt's smoothed targets. */
export function fitPlatt(logits: readonly number[], labels: readonly (0 | 1)[]): { a: number; b: number } {
  const positives = labels.filter((l) => l === 1).length;
  const negatives = labels.length - positives;
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (negatives + 2);
  let a = 1;
  let b = 0;
  for (let iteration = 0; iteration < 100; iteration++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-9;
    let hab = 0;
    let hbb = 1e-9;
    logits.forEach((x, i) => {
      const p = sigmoid(a * x + b);
      const t = labels[i] === 1 ? hi : lo;
      const d = p - t;
      const w = p * (1 - p);
      ga += d * x;
      gb += d;
      haa += w * x * x;
      hab += w * x;
      hbb += w;
    });
    const det = haa * hbb - hab * hab;
    if (Math.abs(det) < 1e-12) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-10) break;
  }
  return { a: round(a), b: round(b) };
}

/**
 * The lowest threshold that flags at most `fpr` of the benign scores (flagged = score ≥
 * threshold), rounded up to 4 decimals; 1 when even the top benign score must not be flagged.
 */
export function thresholdAtFpr(benignScores: readonly number[], fpr: number): number {
  const sorted = [...benignScores].sort((a, b) => b - a);
  const allowed = Math.floor(fpr * sorted.length);
  const boundary = sorted[allowed];
  if (boundary === undefined) return 0;
  return Math.min(1, Math.ceil((boundary + 1e-9) * 10_000) / 10_000);
}

/** Adam with the usual constants; returns the step to subtract. */
function createAdam(size: number, learningRate: number): (gradient: Float64Array) => Float64Array {
  const m = new Float64Array(size);
  const v = new Float64Array(size);
  const step = new Float64Array(size);
  let t = 0;
  return (gradient) => {
    t++;
    const c1 = 1 - 0.9 ** t;
    const c2 = 1 - 0.999 ** t;
    for (let i = 0; i < size; i++) {
      const g = gradient[i] ?? 0;
      m[i] = 0.9 * (m[i] ?? 0) + 0.1 * g;
      v[i] = 0.999 * (v[i] ?? 0) + 0.001 * g * g;
      step[i] = (learningRate * ((m[i] ?? 0) / c1)) / (Math.sqrt((v[i] ?? 0) / c2) + 1e-8);
    }
    return step;
  };
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
