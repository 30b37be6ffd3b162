/** @module core — the shared vocabulary of Vigie: findings, severities, errors, roles, messages. */
export type { Permission, Role } from './access.js';
export { effectivePermissions, isRole, PERMISSIONS, ROLE_PERMISSIONS, ROLES } from './access.js';
export type { ErrorCode } from './errors.js';
export { ERROR_CATALOG, isErrorCode, VigieError } from './errors.js';
export type { Entities, Evidence, Finding, FindingInput, ModuleId } from './finding.js';
export {
  entitiesSchema,
  evidenceSchema,
  findingInputSchema,
  findingSchema,
  MODULES,
  sortEvidence,
  techniqueIdSchema,
} from './finding.js';
export type { Locale, LocalizedText } from './i18n.js';
export { isLocale, LOCALES, negotiateLocale } from './i18n.js';
export type { Clock } from './ids.js';
export { newId, systemClock } from './ids.js';
export type { Severity } from './severity.js';
export { assertNever, describeSeverity, SEVERITIES, severityRank } from './severity.js';
