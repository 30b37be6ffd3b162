/** @module detect — the Sigma engine (pure): rules from YAML, compiled to matchers over JSON events. */
export type { AttackMapping } from './attack.js';
export { ATTACK_TACTICS, attackFromTags } from './attack.js';
export type { CompiledRule } from './compile.js';
export { compileRule, isCompiled } from './compile.js';
export type { ConditionNode } from './condition.js';
export { parseCondition } from './condition.js';
export type { DetectMatch, Detector } from './engine.js';
export { createDetector } from './engine.js';
export type { FieldMapping } from './fields.js';
export { EVTX_JSON_MAPPING, exceedsDepth, FIELD_MAPPINGS, MAX_EVENT_DEPTH, PLAIN_JSON_MAPPING } from './fields.js';
export type { LoadResult } from './load.js';
export { loadRules } from './load.js';
export type { ChannelEvents, RuleScope } from './logsource.js';
export { WINDOWS_CATEGORIES, WINDOWS_SERVICES } from './logsource.js';
export type { RuleProblem, SigmaLevel, SigmaLogSource, SigmaRule } from './rule.js';
export type { RuleSet, RuleText } from './ruleset.js';
export { compileRuleTexts } from './ruleset.js';
export type { CompileOptions } from './values.js';
