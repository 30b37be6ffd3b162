/** @module guard/injection — prompt-injection, jailbreak and system-prompt extraction detector (FR/EN), rules plus a trained explainable model. */
export type { AnalysedText } from './detect.js';
export { analyseText, DEFAULT_MAX_LENGTH, detectInjection, trainingExample } from './detect.js';
export { detectLanguage } from './language.js';
export type { InjectionModel, InjectionSubModel } from './model.js';
export { injectionModelSchema } from './model.js';
export type { Normalized, Obfuscation } from './normalize.js';
export { normalize } from './normalize.js';
export type { RuleDefinition, RuleHit } from './rules.js';
export { ALL_RULES, scanRules } from './rules.js';
export { SHIPPED_INJECTION_MODEL } from './shipped-model.js';
export type { TrainedWeights, TrainingExample, TrainingOptions } from './train.js';
export {
  assignFolds,
  crossValidatedLogits,
  DEFAULT_TRAINING_OPTIONS,
  fitPlatt,
  logitOf,
  thresholdAtFpr,
  trainLogistic,
} from './train.js';
export type {
  InjectionKind,
  InjectionLanguage,
  InjectionMode,
  InjectionOptions,
  InjectionReason,
  InjectionResult,
} from './types.js';
