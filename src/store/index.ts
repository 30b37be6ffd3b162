/** @module store — persistence: migrations and repositories over SQLite or PostgreSQL. */
export type { AuditAppend, AuditQuery } from './audit.js';
export type { DatabaseOptions, Dialect } from './database.js';
export type {
  DetectAlertQuery,
  DetectAlertRecord,
  DetectEventRecord,
  DetectIncidentQuery,
  DetectIncidentRecord,
  DetectNoteRecord,
  DetectRulePackRecord,
  DetectRuleProblemRecord,
  DetectThresholdChangeRecord,
} from './detect.js';
export type {
  GuardCatalogueRecord,
  GuardCountRow,
  GuardDecisionRecord,
  GuardDiscoveryRecord,
  GuardPolicyRecord,
  GuardStoredFinding,
  GuardStoredReason,
} from './guard.js';
export type {
  LearnAssignmentRecord,
  LearnCampaignRecord,
  LearnContentRecord,
  LearnEventRecord,
  LearnGameEventRecord,
  LearnGroupRecord,
  LearnKbDocRecord,
  LearnSendRecord,
  LearnSendStatus,
  LearnTargetRecord,
} from './learn.js';
export type { LoginEvent } from './login-events.js';
export type { MailMessageRecord, MailModelRecord, MailQueueQuery } from './mail.js';
export type { SenseDeviceRecord, SenseReadingRecord, SenseSeriesSummary } from './sense.js';
export type { SessionRecord } from './sessions.js';
export type { Repositories, Store } from './store.js';
export { openStore } from './store.js';
export type { ApiTokenRecord } from './tokens.js';
export type { UserPatch, UserRecord } from './users.js';
