/** @module guard — the Guard engine (pure): detectors of personal data, secrets, markings and pasted code. */

export type { CardBrand } from './checksums.js';
export {
  cardBrand,
  frVatValid,
  IBAN_LENGTHS,
  ibanValid,
  luhnValid,
  nirValid,
  sirenValid,
  siretValid,
} from './checksums.js';
export { mask } from './mask.js';
export type { ScanOptions, ScanResult } from './registry.js';
export { DEFAULT_MAX_INPUT, DETECTORS, resolveOverlaps, scanOptionsSchema, scanText } from './registry.js';
export type { ProviderRule } from './secrets-providers.js';
export { PROVIDER_RULES } from './secrets-providers.js';
export { shannonEntropy } from './text.js';
export type { DetectContext, Detector, Dictionary, Span, SpanReason, WorkMeter } from './types.js';
export type {
  InjectionKind,
  InjectionMode,
  InjectionOptions,
  InjectionReason,
  InjectionResult,
} from './injection/index.js';
export { detectInjection, SHIPPED_INJECTION_MODEL } from './injection/index.js';
