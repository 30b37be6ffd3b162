/** @module detect — the Sigma engine (pure): rules from YAML, compiled to matchers over JSON events. */
export type { AttackMapping } from './attack.js';
export { ATTACK_TACTICS, attackFromTags, techniqueName } from './attack.js';
export { ATTACK_TECHNIQUE_NAMES } from './attack-techniques.js';
export type {
  AuthAttempt,
  AuthFailureReason,
  BehaviourAlert,
  BehaviourEngine,
  BehaviourEntityKind,
  BehaviourObservation,
  BehaviourOverride,
  BehaviourPattern,
  BehaviourSettings,
  BehaviourSettingsChange,
  BehaviourSettingsInput,
  BehaviourStats,
  BehaviourVerdict,
  ConnectionAttempt,
  WebRequest,
} from './behaviour/index.js';
export {
  applyVerdict,
  BEHAVIOUR_PATTERNS,
  behaviourFinding,
  behaviourSettingsSchema,
  createBehaviourEngine,
  fromEcsEvent,
  fromWindowsEvent,
  PATTERN_ENTITY,
  parseBehaviourSettings,
  undoChange,
} from './behaviour/index.js';
export type { CompiledRule } from './compile.js';
export { compileRule, isCompiled } from './compile.js';
export type { ConditionNode } from './condition.js';
export { parseCondition } from './condition.js';
export type {
  Contributor,
  CorrelationAlert,
  Correlator,
  CorrelatorOptions,
  CorrelatorStats,
  Observation,
} from './correlation/correlator.js';
export { createCorrelator } from './correlation/correlator.js';
export type { CompiledCorrelation, CorrelationRef, NamedRule } from './correlation/resolve.js';
export { resolveCorrelations } from './correlation/resolve.js';
export { parseTimespan } from './correlation/timespan.js';
export type { DetectMatch, Detector } from './engine.js';
export { createDetector } from './engine.js';
export { eventTime } from './event-time.js';
export type { FieldMapping } from './fields.js';
export {
  EVTX_JSON_MAPPING,
  FIELD_MAPPINGS,
  LINUX_SYSLOG_MAPPING,
  MAX_EVENT_DEPTH,
  PLAIN_JSON_MAPPING,
  WEB_ACCESS_MAPPING,
  WINLOGBEAT_MAPPING,
} from './fields.js';
export type {
  DetectLineFormat,
  IngestItem,
  IngestOptions,
  IngestProblem,
  IngestRecord,
  LogFormat,
  ParsedLine,
  SyslogContext,
} from './ingest/index.js';
export {
  DETECT_LINE_FORMATS,
  exceedsDepth,
  ingestFile,
  ingestLineStream,
  ingestLines,
  isEvtx,
  parseAccessLogLine,
  parseCefLine,
  parseSyslogLine,
  startsJsonDocuments,
} from './ingest/index.js';
export type { LoadResult } from './load.js';
export { loadRules } from './load.js';
export type { ChannelEvents, RuleScope } from './logsource.js';
export { LINUX_AUTH_PROGRAMS, linuxServices, WINDOWS_CATEGORIES, WINDOWS_SERVICES } from './logsource.js';
export type {
  CorrelationType,
  RuleProblem,
  SigmaCorrelation,
  SigmaFilter,
  SigmaLevel,
  SigmaLogSource,
  SigmaRule,
  Threshold,
  ThresholdOperator,
} from './rule.js';
export { CORRELATION_TYPES } from './rule.js';
export type { RuleSet, RuleText } from './ruleset.js';
export { applyFilters, compileRuleTexts, logSourceCovers } from './ruleset.js';
export type { CompileOptions } from './values.js';
