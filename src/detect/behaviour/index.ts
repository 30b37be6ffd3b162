/** @module detect/behaviour — behavioural detectors for automated attacks (pure, streaming, explained). */

export type { Adapted } from './adapters/index.js';
export { fromEcsEvent, fromWindowsEvent } from './adapters/index.js';
export type { AlertDraft, BehaviourAlert } from './alert.js';
export { behaviourFinding } from './alert.js';
export type { BehaviourEngine, BehaviourStats } from './engine.js';
export { createBehaviourEngine } from './engine.js';
export type {
  AuthAttempt,
  AuthFailureReason,
  BehaviourObservation,
  ConnectionAttempt,
  WebRequest,
} from './observation.js';
export { AUTH_FAILURE_REASONS, normaliseIp, normaliseUser } from './observation.js';
export { SCANNER_AGENTS, scannerAgent } from './scan.js';
export type {
  BehaviourEntityKind,
  BehaviourOverride,
  BehaviourPattern,
  BehaviourSettings,
  BehaviourSettingsChange,
  BehaviourSettingsInput,
  BehaviourVerdict,
} from './settings.js';
export {
  applyVerdict,
  BEHAVIOUR_PATTERNS,
  behaviourSettingsSchema,
  ENTITY_KINDS,
  entityKey,
  PATTERN_ENTITY,
  parseBehaviourSettings,
  undoChange,
} from './settings.js';
