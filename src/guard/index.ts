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
export { DEFAULT_POLICY_YAML } from './default-policy.js';
export type {
  Catalogue,
  CatalogueExtension,
  CatalogueService,
  DepartmentMap,
  DepartmentOf,
  DepartmentUsage,
  DiscoveryReport,
  LineResult,
  LogFormat,
  LogParserOptions,
  LogRecord,
  ServiceUsage,
  UserUsage,
} from './discovery/index.js';
export {
  buildCatalogue,
  CSV_HEADER,
  catalogueExtensionSchema,
  catalogueServiceSchema,
  csvCell,
  DiscoveryAggregator,
  LOG_FORMATS,
  LogParser,
  MAX_LINE,
  mergeCatalogue,
  normaliseHost,
  parseCatalogueExtension,
  parseDepartmentMap,
  parseTime,
  reportToCsv,
  SERVICE_CATEGORIES,
  SHIPPED_SERVICES,
} from './discovery/index.js';
export type {
  GuardFinding,
  GuardInjection,
  GuardOutputOptions,
  GuardOutputResult,
  GuardResult,
  GuardTextOptions,
} from './guard-text.js';
export { guardOutput, guardText } from './guard-text.js';
export type {
  InjectionKind,
  InjectionMode,
  InjectionOptions,
  InjectionReason,
  InjectionResult,
} from './injection/index.js';
export { detectInjection, SHIPPED_INJECTION_MODEL } from './injection/index.js';
export { mask } from './mask.js';
export type { LeakageOptions, LeakageResult, LinkKind, LinkRisk, OutputLink } from './output.js';
export { findLinks, hostKnown, systemPromptLeakage } from './output.js';
export type {
  Decision,
  DecisionContext,
  DecisionFinding,
  DecisionInjection,
  DecisionReason,
  FindingDecision,
  GuardAction,
  GuardPolicy,
  PolicyDocument,
  PolicyProblem,
  PolicyRule,
  ServiceClass,
} from './policy.js';
export {
  actionRank,
  decide,
  GUARD_ACTIONS,
  PolicyError,
  parsePolicy,
  policyFromObject,
  policySchema,
  SERVICE_CLASSES,
  serviceClassOf,
  stricter,
} from './policy.js';
export type { ActionSpan, PseudonymDigest, PseudonymiserOptions, Replacement } from './pseudonymise.js';
export { applyActions, Pseudonymiser, StreamRestorer, tokenPrefix } from './pseudonymise.js';
export type { ScanOptions, ScanResult } from './registry.js';
export { DEFAULT_MAX_INPUT, DETECTORS, resolveOverlaps, scanOptionsSchema, scanText } from './registry.js';
export type { ProviderRule } from './secrets-providers.js';
export { PROVIDER_RULES } from './secrets-providers.js';
export { shannonEntropy } from './text.js';
export type { DetectContext, Detector, Dictionary, Span, SpanReason, WorkMeter } from './types.js';
