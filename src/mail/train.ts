/**
 * Training of the mail model: L2-regularised logistic regression over word features, plus one
 * scale per signal code pulled towards 1 (the expert weight) — full-batch Adam, deterministic:
 * the same examples give the same file, byte for byte.
 */
import { featureScale, type MailModel } from './model.js';

export interface TrainingExample {
  readonly features: ReadonlySet<string>;
  /** The signals' reasons, before any learnt scale. */
  readonly reasons: readonly { readonly code: string; readonly weight: number }[];
  readonly phishing: boolean;
  /** How much this example counts (analysts' verdicts may count more); default 1. */
  readonly weight?: number;
}

export interface TrainingOptions {
  readonly iterations: number;
  readonly learningRate: number;
  /** L2 penalty on word weights (per example-weighted mean loss). */
  readonly l2Words: number;
  /** L2 penalty pulling each signal scale towards 1. */
  readonly l2Scales: number;
  /** Words seen in fewer training messages are ignored (they only memorise). */
  readonly minDocumentFrequency: number;
  /** Words kept in the shipped file, strongest first. */
  readonly maxFeatures: number;
  /** Words lighter than this are dropped from the file. */
  readonly minWeight: number;
}

export const DEFAULT_TRAINING_OPTIONS: TrainingOptions = {
  iterations: 600,
  learningRate: 0.05,
  l2Words: 0.0002,
  l2Scales: 0.05,
  minDocumentFrequency: 3,
  maxFeatures: 6000,
  minWeight: 0.01,
};

export interface TrainingMeta {
  readonly version: string;
  readonly corpusDigest: string;
  readonly thresholds: MailModel['thresholds'];
  readonly feedback?: number;
  /**
   * A model to start from and be pulled towards (analysts' feedback refines the shipped model
   * instead of replacing it): its words are kept, and penalties pull towards its weights.
   */
  readonly prior?: MailModel;
}

const MAX_SCALE = 5;

export function trainMailModel(
  examples: readonly TrainingExample[],
  meta: TrainingMeta,
  options: TrainingOptions = DEFAULT_TRAINING_OPTIONS,
): MailModel {
  const prior = meta.prior;
  const vocabulary = buildVocabulary(examples, options.minDocumentFrequency, Object.keys(prior?.features ?? {}));
  const codes = [
    ...new Set([...examples.flatMap((e) => e.reasons.map((r) => r.code)), ...Object.keys(prior?.signalScales ?? {})]),
  ].sort();
  const codeIndex = new Map(codes.map((c, i) => [c, i]));
  const rows = examples.map((e) => ({
    features: Int32Array.from([...e.features].map((f) => vocabulary.get(f) ?? -1).filter((i) => i >= 0)),
    scale: featureScale(e.features.size),
    signals: signalSums(e.reasons, codeIndex),
    target: e.phishing ? 1 : 0,
    weight: e.weight ?? 1,
  }));
  // Both classes weigh the same in the loss, whatever their counts.
  const classTotal = [0, 0];
  for (const row of rows) classTotal[row.target] = (classTotal[row.target] ?? 0) + row.weight;
  const rowWeight = rows.map((row) => row.weight / (2 * Math.max(classTotal[row.target] ?? 1, 1e-9)));

  // Where penalties pull: the prior model, or zero weights and the experts' scale of 1.
  const wordTarget = new Float64Array(vocabulary.size);
  for (const [name, i] of vocabulary) wordTarget[i] = prior?.features[name] ?? 0;
  const scaleTarget = Float64Array.from(codes, (code) => prior?.signalScales[code] ?? 1);
  const words = Float64Array.from(wordTarget);
  const scales = Float64Array.from(scaleTarget);
  let bias = prior?.bias ?? 0;
  const adam = createAdam(1 + words.length + scales.length, options.learningRate);
  const gradient = new Float64Array(1 + words.length + scales.length);

  for (let iteration = 0; iteration < options.iterations; iteration++) {
    gradient.fill(0);
    rows.forEach((row, r) => {
      let logit = bias;
      for (const f of row.features) logit += (words[f] ?? 0) * row.scale;
      for (const [c, sum] of row.signals) logit += (scales[c] ?? 1) * sum;
      const error = (1 / (1 + Math.exp(-logit)) - row.target) * (rowWeight[r] ?? 0);
      gradient[0] = (gradient[0] ?? 0) + error;
      for (const f of row.features) gradient[1 + f] = (gradient[1 + f] ?? 0) + error * row.scale;
      for (const [c, sum] of row.signals) {
        const at = 1 + words.length + c;
        gradient[at] = (gradient[at] ?? 0) + error * sum;
      }
    });
    for (let f = 0; f < words.length; f++) {
      gradient[1 + f] = (gradient[1 + f] ?? 0) + options.l2Words * ((words[f] ?? 0) - (wordTarget[f] ?? 0));
    }
    for (let c = 0; c < scales.length; c++) {
      const at = 1 + words.length + c;
      gradient[at] = (gradient[at] ?? 0) + options.l2Scales * ((scales[c] ?? 1) - (scaleTarget[c] ?? 1));
    }
    const step = adam(gradient);
    bias -= step[0] ?? 0;
    for (let f = 0; f < words.length; f++) words[f] = (words[f] ?? 0) - (step[1 + f] ?? 0);
    for (let c = 0; c < scales.length; c++) {
      const next = (scales[c] ?? 1) - (step[1 + words.length + c] ?? 0);
      scales[c] = Math.min(MAX_SCALE, Math.max(0, next));
    }
  }

  const names = [...vocabulary.keys()];
  const kept = names
    .map((name, i) => ({ name, weight: words[i] ?? 0 }))
    .filter((f) => Math.abs(f.weight) >= options.minWeight)
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight) || (a.name < b.name ? -1 : 1))
    .slice(0, options.maxFeatures)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const phishing = examples.filter((e) => e.phishing).length;
  return {
    format: 'vigie-mail-model/1',
    version: meta.version,
    bias: round(bias),
    features: Object.fromEntries(kept.map((f) => [f.name, round(f.weight)])),
    signalScales: Object.fromEntries(codes.map((code, c) => [code, round(scales[c] ?? 1)])),
    thresholds: meta.thresholds,
    training: {
      messages: examples.length,
      phishing,
      legitimate: examples.length - phishing,
      feedback: meta.feedback ?? 0,
      corpusDigest: meta.corpusDigest,
      options: { ...options },
    },
  };
}

function buildVocabulary(
  examples: readonly TrainingExample[],
  minDocumentFrequency: number,
  known: readonly string[],
): Map<string, number> {
  const frequency = new Map<string, number>();
  for (const e of examples) for (const f of e.features) frequency.set(f, (frequency.get(f) ?? 0) + 1);
  const names = [
    ...new Set([...known, ...[...frequency].filter(([, n]) => n >= minDocumentFrequency).map(([name]) => name)]),
  ].sort();
  return new Map(names.map((name, i) => [name, i]));
}

function signalSums(
  reasons: readonly { readonly code: string; readonly weight: number }[],
  codeIndex: ReadonlyMap<string, number>,
): [number, number][] {
  const sums = new Map<number, number>();
  for (const r of reasons) {
    const c = codeIndex.get(r.code);
    if (c !== undefined) sums.set(c, (sums.get(c) ?? 0) + r.weight);
  }
  return [...sums];
}

/** Adam with the usual constants; returns the step to subtract. */
function createAdam(size: number, learningRate: number): (gradient: Float64Array) => Float64Array {
  const m = new Float64Array(size);
  const v = new Float64Array(size);
  const step = new Float64Array(size);
  const beta1 = 0.9;
  const beta2 = 0.999;
  let t = 0;
  return (gradient) => {
    t++;
    const c1 = 1 - beta1 ** t;
    const c2 = 1 - beta2 ** t;
    for (let i = 0; i < size; i++) {
      const g = gradient[i] ?? 0;
      m[i] = beta1 * (m[i] ?? 0) + (1 - beta1) * g;
      v[i] = beta2 * (v[i] ?? 0) + (1 - beta2) * g * g;
      step[i] = (learningRate * ((m[i] ?? 0) / c1)) / (Math.sqrt((v[i] ?? 0) / c2) + 1e-8);
    }
    return step;
  };
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
