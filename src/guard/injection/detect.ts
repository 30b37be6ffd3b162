/**
 * `detectInjection`: normalise, run the rules, score with the trained model, and explain.
 * Linear in the input (bounded by `maxLength`); never throws on any string.
 */
import { describeOrigin, hashedFeatures, originOf, type TextFeatures } from './features.js';
import { detectLanguage } from './language.js';
import { type InjectionModel, scoreWithModel } from './model.js';
import { normalize } from './normalize.js';
import { RULE_BY_CODE, type RuleHit, scanRules } from './rules.js';
import { SHIPPED_INJECTION_MODEL } from './shipped-model.js';
import type { TrainingExample } from './train.js';
import type { InjectionKind, InjectionMode, InjectionOptions, InjectionReason, InjectionResult } from './types.js';

export const DEFAULT_MAX_LENGTH = 65_536;
const DEFAULT_MAX_REASONS = 6;

export interface AnalysedText {
  readonly features: TextFeatures;
  readonly hits: readonly RuleHit[];
}

/** The features and rule hits of a text: the one path shared by detection and training (kept: copied). */
export function analyseText(text: string, mode: InjectionMode): AnalysedText {
  const normalized = normalize(text);
  const { hits } = scanRules(text, mode, normalized);
  const features = hashedFeatures(normalized);
  return {
    features: {
      ...features,
      tokens: { ...normalized, starts: normalized.starts.slice(), ends: normalized.ends.slice() },
      buckets: features.buckets.slice(),
      originKinds: features.originKinds.slice(),
      originAt: features.originAt.slice(),
    },
    hits,
  };
}

export function trainingExample(text: string, mode: InjectionMode, label: 0 | 1): TrainingExample {
  const { features, hits } = analyseText(text, mode);
  return { buckets: features.buckets, rules: hits.map((h) => ({ code: h.code, weight: h.weight })), label };
}

export function detectInjection(
  text: string,
  options: InjectionOptions = {},
  model: InjectionModel = SHIPPED_INJECTION_MODEL,
): InjectionResult {
  const mode: InjectionMode = options.mode ?? 'prompt';
  const maxLength = Math.max(1, options.maxLength ?? DEFAULT_MAX_LENGTH);
  const input = typeof text === 'string' ? text : String(text ?? '');
  const truncated = input.length > maxLength;
  const analysed = truncated ? input.slice(0, maxLength) : input;
  const normalized = normalize(analysed);
  const { hits } = scanRules(analysed, mode, normalized);
  const features = hashedFeatures(normalized);
  const sub = model.modes[mode];
  const scored = scoreWithModel(sub, features, hits);
  const language = detectLanguage(normalized.words);
  const threshold =
    options.threshold ?? (language === 'und' ? undefined : sub.languageThresholds[language]) ?? sub.threshold;
  const score = Number.isFinite(scored.probability) ? round(scored.probability) : 0;
  const detected = score >= threshold;

  const reasons: InjectionReason[] = [];
  for (const r of scored.rules) {
    const rule = RULE_BY_CODE.get(r.hit.code);
    if (!rule || r.weight === 0) continue;
    const base = { code: rule.code, weight: round(r.weight), fr: rule.fr, en: rule.en };
    reasons.push(r.hit.span ? { ...base, span: r.hit.span } : base);
  }
  // The learnt phrases that pushed most towards the verdict (towards injection when detected).
  const direction = detected ? 1 : -1;
  const shown = new Set<string>();
  for (const c of scored.contributions.slice(0, 40)) {
    if (reasons.length >= (options.maxReasons ?? DEFAULT_MAX_REASONS) + scored.rules.length) break;
    if (c.weight * direction <= 0) continue;
    const origin = originOf(features, c.index);
    // Words, word pairs and length read well; character 4-grams are weighed but not shown.
    if (!origin || origin.kind === 'char') continue;
    const { text: phrase, span } = describeOrigin(features, origin);
    if (shown.has(phrase)) continue;
    shown.add(phrase);
    const fr = c.weight > 0 ? 'typique des injections' : 'typique des textes légitimes';
    const en = c.weight > 0 ? 'typical of injections' : 'typical of legitimate text';
    const base =
      origin.kind === 'meta'
        ? {
            code: 'model.length',
            weight: round(c.weight),
            fr: `Longueur (${origin.at} mots) ${fr}`,
            en: `Length (${origin.at} words) ${en}`,
          }
        : {
            code: 'model.phrase',
            weight: round(c.weight),
            fr: `Expression apprise « ${phrase} » ${fr}`,
            en: `Learnt phrase "${phrase}" ${en}`,
          };
    reasons.push(span ? { ...base, span } : base);
  }
  reasons.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight) || (a.code < b.code ? -1 : 1));
  const kept = reasons.slice(0, options.maxReasons ?? DEFAULT_MAX_REASONS);
  if (truncated) {
    kept.push({
      code: 'input_truncated',
      weight: 0,
      fr: `Texte trop long : seuls les ${maxLength} premiers caractères sur ${input.length} ont été analysés`,
      en: `Text too long: only the first ${maxLength} of ${input.length} characters were analysed`,
    });
  }
  return {
    score,
    detected,
    threshold,
    kind: detected ? kindOf(hits, scored.rules, mode) : undefined,
    reasons: kept,
    language,
    mode,
    truncated,
    modelVersion: model.version,
  };
}

/** Extraction when a rule asks for the system prompt and weighs most; documents are indirect. */
function kindOf(
  hits: readonly RuleHit[],
  rules: readonly { hit: RuleHit; weight: number }[],
  mode: InjectionMode,
): InjectionKind {
  let strongest: { kind: string; weight: number } | undefined;
  for (const r of rules) {
    const kind = RULE_BY_CODE.get(r.hit.code)?.kind;
    if (kind && kind !== 'obfuscation' && (!strongest || r.weight > strongest.weight))
      strongest = { kind, weight: r.weight };
  }
  if (strongest?.kind === 'extraction' && hits.length > 0) return 'extraction';
  return mode === 'document' ? 'indirect' : 'direct';
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
