/**
 * Table shapes, one schema for SQLite and PostgreSQL. Timestamps are ISO-8601 UTC text
 * (sortable and identical in both), booleans are 0/1 integers, structured values JSON text.
 */
import type { Generated } from 'kysely';
import type { DetectTables } from './detect.js';
import type { GuardTables } from './guard.js';
import type { LearnTables } from './learn.js';

export interface UsersTable {
  id: string;
  username: string;
  display_name: string | null;
  role: string;
  department: string | null;
  locale: string | null;
  password_hash: string;
  disabled: number;
  failed_logins: number;
  locked_until: string | null;
  last_failed_at: string | null;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
  password_changed_at: string;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  secret_hash: string;
  scopes: string;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AuditLogTable {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  request_id: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface LoginEventsTable {
  id: Generated<number>;
  at: string;
  username: string;
  ip: string | null;
  success: number;
  reason: string;
}

export interface FindingsTable {
  id: string;
  module: string;
  kind: string;
  severity: string;
  score: number;
  title: string;
  evidence: string;
  entities: string;
  techniques: string;
  observed_at: string;
  created_at: string;
}

export interface SenseDevicesTable {
  id: string;
  first_seen: string;
  last_seen: string;
  messages: number;
  topics: string;
  rate_per_minute: number | null;
  silent: number;
}

export interface SenseReadingsTable {
  id: Generated<number>;
  device: string;
  series: string;
  at: string;
  value: number;
  score: number;
  expected: number | null;
  low: number | null;
  high: number | null;
}

export interface MailMessagesTable {
  id: string;
  received_at: string;
  source: string;
  reporter: string | null;
  raw_sha256: string;
  raw: Uint8Array;
  size: number;
  subject: string;
  from_address: string;
  verdict: string;
  score: number;
  analysis: string;
  model_version: string;
  finding_id: string | null;
  analyst_verdict: string | null;
  analyst_id: string | null;
  analyst_at: string | null;
  analyst_note: string | null;
}

export interface ModuleSettingsTable {
  module: string;
  value: string;
  updated_at: string;
  updated_by: string;
}

export interface MailModelsTable {
  version: string;
  created_at: string;
  created_by: string;
  parent_version: string;
  examples: number;
  model: string;
  active: number;
}

/** Detect's and Guard's tables are declared beside their repositories (src/store/detect.ts, guard.ts). */
export interface Database extends DetectTables, GuardTables, LearnTables {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  login_events: LoginEventsTable;
  findings: FindingsTable;
  sense_devices: SenseDevicesTable;
  sense_readings: SenseReadingsTable;
  mail_messages: MailMessagesTable;
  module_settings: ModuleSettingsTable;
  mail_models: MailModelsTable;
}
