// Typed client for the Vigie HTTP API: one function per route, one error type, CSRF header handling.
import type { Locale, Permission, Role, Severity } from '../../src/core/index.ts';
import type { ProgrammeReflexes, ProgrammeTime } from './pages/learn/learnApi.ts';

export interface LocalizedName {
  fr: string;
  en: string;
}

export interface User {
  id: string;
  username: string;
  displayName: string | null;
  role: Role;
  department: string | null;
  locale: Locale | null;
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
  lockedUntil: string | null;
}

export interface Session {
  user: User;
  csrfToken: string;
  permissions: Permission[];
}

export interface ModuleStatus {
  id: string;
  name: LocalizedName;
  enabled: boolean;
}

export interface Meta {
  version: string;
  locales: Locale[];
  modules: ModuleStatus[];
}

export interface ApiToken {
  id: string;
  name: string;
  userId: string;
  username: string;
  prefix: string;
  scopes: Permission[];
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  requestId: string | null;
  details: unknown;
}

export interface AuditPage {
  items: AuditEntry[];
  nextBefore: number | null;
}

export interface ChainCheck {
  ok: boolean;
  checked: number;
  /** The last entry as the database remembers it: worth pinning outside Vigie (`vigie audit verify --anchor`). */
  head: { seq: number; hash: string } | null;
  /** `message` (both languages) explains `reason`, a stable code. */
  firstBad: { seq: number; reason: string; message: LocalizedName } | null;
}

export interface RecentFinding {
  id: string;
  module: string;
  kind: string;
  severity: Severity;
  score: number;
  title: LocalizedName;
  observedAt: string;
}

export interface Posture {
  users: { total: number; byRole: Record<Role, number>; disabled: number; locked: number };
  tokens: { active: number; expiringSoon: number };
  audit: { entries: number; last24h: number; chain: ChainCheck };
  security: { failedLogins24h: number };
  findings: {
    total: number;
    bySeverity: Record<Severity, number>;
    byModule: Record<string, number>;
    recent: RecentFinding[];
  };
  modules: ModuleStatus[];
}

/** Every failed call becomes this error; `code` is a VIGIE_ERR_* code, or VIGIE_ERR_NETWORK when no answer came. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  /** Extra fields of the error body (for example `lockedUntil`), kept for display. */
  readonly body: Record<string, unknown>;
  /** Seconds from a Retry-After header, when the server sent one. */
  readonly retryAfter: number | null;

  constructor(code: string, status: number, message: string, body: Record<string, unknown>, retryAfter: number | null) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.body = body;
    this.retryAfter = retryAfter;
  }
}

export const NETWORK_ERROR = 'VIGIE_ERR_NETWORK';

// The CSRF token lives in memory only: it comes back with every session response after a reload.
let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when an authenticated call gets a 401, so the app can return to the login page. */
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

interface RequestOptions {
  body?: unknown;
  /** Bytes sent as they are (a raw e-mail message), with their own content type. */
  raw?: { data: Blob; type: string };
  /** Login and session probes expect 401 and must not trigger the global sign-out. */
  quiet401?: boolean;
}

async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  // Bodiless requests send no content-type: the server rejects an empty JSON body.
  const hasBody = options.body !== undefined;
  if (hasBody) headers['content-type'] = 'application/json';
  if (options.raw) headers['content-type'] = options.raw.type;

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.raw ? options.raw.data : hasBody ? JSON.stringify(options.body) : undefined,
    });
  } catch (cause) {
    throw new ApiError(NETWORK_ERROR, 0, cause instanceof Error ? cause.message : String(cause), {}, null);
  }

  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!response.ok) throw toApiError(response, parsed, options.quiet401 ?? false);
  return parsed as T;
}

function toApiError(response: Response, parsed: unknown, quiet401: boolean): ApiError {
  const body = isRecord(parsed) ? parsed : {};
  const code = typeof body.code === 'string' ? body.code : `HTTP_${response.status}`;
  const message = typeof body.message === 'string' ? body.message : response.statusText;
  const retryHeader = response.headers.get('retry-after');
  const retryAfter = retryHeader !== null && /^\d+$/.test(retryHeader) ? Number(retryHeader) : null;
  // Only a lost session sends people back to sign-in: a wrong current password (PUT /api/me/password) is also a 401.
  if (response.status === 401 && code === 'VIGIE_ERR_UNAUTHENTICATED' && !quiet401 && onUnauthenticated) {
    onUnauthenticated();
  }
  return new ApiError(code, response.status, message, body, retryAfter);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function query(params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

// --- Public and session routes ---

export function getMeta(): Promise<Meta> {
  return request('GET', '/api/meta');
}

export function login(username: string, password: string): Promise<Session> {
  return request('POST', '/api/auth/login', { body: { username, password }, quiet401: true });
}

export function getSession(): Promise<Session> {
  return request('GET', '/api/auth/session', { quiet401: true });
}

export function logout(): Promise<void> {
  return request('POST', '/api/auth/logout', { quiet401: true });
}

// --- My account ---

// null clears an optional field (the server refuses an empty string).
export function updateMe(changes: { displayName?: string | null; locale?: Locale }): Promise<{ user: User }> {
  return request('PATCH', '/api/me', { body: changes });
}

export function changeMyPassword(currentPassword: string, newPassword: string): Promise<void> {
  return request('PUT', '/api/me/password', { body: { currentPassword, newPassword } });
}

// --- Users ---

export interface NewUser {
  username: string;
  displayName?: string;
  role: Role;
  department?: string;
  password?: string;
}

/** null clears an optional field (the server refuses an empty string). */
export interface UserChanges {
  displayName?: string | null;
  role?: Role;
  department?: string | null;
  disabled?: boolean;
}

export function listUsers(): Promise<{ items: User[] }> {
  return request('GET', '/api/users');
}

export function createUser(user: NewUser): Promise<{ user: User; initialPassword?: string }> {
  return request('POST', '/api/users', { body: user });
}

export function updateUser(id: string, changes: UserChanges): Promise<{ user: User }> {
  return request('PATCH', `/api/users/${encodeURIComponent(id)}`, { body: changes });
}

export function unlockUser(id: string): Promise<{ user: User }> {
  return request('POST', `/api/users/${encodeURIComponent(id)}/unlock`);
}

export function resetUserPassword(id: string): Promise<{ initialPassword: string }> {
  return request('POST', `/api/users/${encodeURIComponent(id)}/reset-password`);
}

// --- API tokens ---

export function listTokens(all: boolean): Promise<{ items: ApiToken[] }> {
  return request('GET', `/api/tokens${query({ all: all ? true : undefined })}`);
}

export function createToken(
  name: string,
  scopes: Permission[],
  expiresInDays: number,
): Promise<{ token: ApiToken; secret: string }> {
  return request('POST', '/api/tokens', { body: { name, scopes, expiresInDays } });
}

export function revokeToken(id: string): Promise<void> {
  return request('DELETE', `/api/tokens/${encodeURIComponent(id)}`);
}

// --- Audit trail ---

export interface AuditQuery {
  limit?: number;
  before?: number;
  actor?: string;
  action?: string;
}

export function listAudit(filters: AuditQuery): Promise<AuditPage> {
  return request('GET', `/api/audit${query({ ...filters })}`);
}

export function verifyAudit(): Promise<ChainCheck> {
  return request('GET', '/api/audit/verify');
}

// --- Posture ---

export function getPosture(): Promise<Posture> {
  return request('GET', '/api/posture');
}

// --- Sense (sensors) ---

export type SenseDeviceStatus = 'ok' | 'anomalous' | 'silent';

export interface SenseSeriesSummary {
  key: string;
  lastValue: number;
  lastScore: number;
  lastAt: string;
  min: number;
  max: number;
  count: number;
}

export interface SenseDevice {
  id: string;
  name: string;
  firstSeen: string;
  lastSeen: string;
  messages: number;
  /** null while too few messages arrived to tell a rate. */
  ratePerMinute: number | null;
  status: SenseDeviceStatus;
  openAlerts: number;
  series: SenseSeriesSummary[];
}

export interface SensePoint {
  t: string;
  value: number;
  /** Anomaly score in [0, 1]; at or above the alert threshold the point is anomalous. */
  score: number;
  expected: number | null;
  low: number | null;
  high: number | null;
}

export interface SenseAlert {
  id: string;
  device: string;
  series: string | null;
  at: string;
  severity: Severity;
  score: number;
  kind: string;
  title: LocalizedName;
  evidence: { code: string; weight: number; message: LocalizedName }[];
}

export interface SenseDeviceDetail {
  device: SenseDevice;
  /** The most recent readings of each series, oldest first. */
  series: { key: string; points: SensePoint[] }[];
  alerts: SenseAlert[];
  alertThreshold: number;
}

/** The devices page shows at most this many devices (20 pages of the server's largest). */
const MAX_SENSE_DEVICES = 20_000;

/** Every device, page after page (the server serves them by name, 1,000 at most per page). */
export async function listSenseDevices(): Promise<{ items: SenseDevice[]; alertThreshold: number; more: boolean }> {
  const items: SenseDevice[] = [];
  let after: string | undefined;
  for (;;) {
    const page: { items: SenseDevice[]; next: string | null; alertThreshold: number } = await request(
      'GET',
      `/api/sense/devices${query({ limit: 1000, after })}`,
    );
    items.push(...page.items);
    if (page.next === null || items.length >= MAX_SENSE_DEVICES)
      return { items, alertThreshold: page.alertThreshold, more: page.next !== null };
    after = page.next;
  }
}

export function getSenseDevice(id: string): Promise<SenseDeviceDetail> {
  return request('GET', `/api/sense/devices/${encodeURIComponent(id)}`);
}

export function listSenseAlerts(limit = 100): Promise<{ items: SenseAlert[] }> {
  return request('GET', `/api/sense/alerts${query({ limit })}`);
}

// --- Mail (reported messages) ---

export type MailVerdict = 'phishing' | 'suspicious' | 'clean';
export type MailAnalystVerdict = 'phishing' | 'legitimate';
export type MailReasonCategory =
  | 'parse'
  | 'authentication'
  | 'sender'
  | 'lookalike'
  | 'link'
  | 'attachment'
  | 'qr'
  | 'intent'
  | 'html'
  | 'model';

export const MAIL_VERDICTS: readonly MailVerdict[] = ['phishing', 'suspicious', 'clean'];

export interface MailReason {
  /** Stable code, e.g. `mail.link.ip_host`. */
  code: string;
  category: MailReasonCategory;
  /** Contribution to the verdict's log-odds: positive towards phishing, negative towards clean. */
  weight: number;
  message: LocalizedName;
  /** What was seen (a URL, a domain, a file name), for the analyst. */
  data?: Record<string, unknown>;
}

export interface MailAttachmentIndicator {
  filename: string;
  contentType: string;
  sha256: string;
}

export interface MailAnalysis {
  verdict: MailVerdict;
  /** Probability of phishing in [0, 1]. */
  score: number;
  reasons: MailReason[];
  modelFeatures: { feature: string; weight: number }[];
  indicators: { urls: string[]; domains: string[]; ips: string[]; attachments: MailAttachmentIndicator[] };
  /** MITRE ATT&CK technique ids, e.g. T1566.002. */
  techniques: string[];
  summary: { subject: string; from: string; replyTo: string[]; size: number; links: number; attachments: number };
  modelVersion: string;
  /** Scores from which the verdict is suspicious, and phishing. */
  thresholds: { suspicious: number; phishing: number };
}

export interface MailQueueItem {
  id: string;
  receivedAt: string;
  source: string;
  reporter: string | null;
  subject: string;
  from: string;
  size: number;
  verdict: MailVerdict;
  score: number;
  modelVersion: string;
  findingId: string | null;
  analystVerdict: MailAnalystVerdict | null;
  analystId: string | null;
  analystAt: string | null;
  analystNote: string | null;
  /** Who reported it and who judged it, as people read them. */
  reporterName: string | null;
  analystName: string | null;
}

export interface MailQueueDetail extends MailQueueItem {
  analysis: MailAnalysis;
}

export interface MailVerdictCount {
  verdict: string;
  open: number;
  total: number;
}

export interface MailQueueQuery {
  verdict?: MailVerdict;
  status?: 'open' | 'triaged';
  limit?: number;
  /** Id of the last item already shown: the page continues after it. */
  before?: string;
}

export interface MailBrand {
  name: string;
  domains: string[];
  keywords?: string[];
}

export interface MailSettings {
  organisationDomains: string[];
  vipNames: string[];
  extraBrands: MailBrand[];
  allowedSenderDomains: string[];
  allowedLinkDomains: string[];
  vipAddresses: string[];
  trustedAuthservIds: string[];
}

export interface MailModelInfo {
  version: string;
  createdAt: string | null;
  createdBy: string | null;
  parentVersion: string | null;
  examples: number;
  active: boolean;
  shipped: boolean;
}

export interface MailLearnResult {
  model: MailModelInfo;
  /** How many of the labelled messages the previous model, then the new one, classify as analysts did. */
  agreementBefore: number;
  agreementAfter: number;
  changes: { name: string; before: number; after: number }[];
}

const RFC822 = 'message/rfc822';

export function analyzeMail(message: Blob): Promise<MailAnalysis> {
  return request('POST', '/api/mail/analyze', { raw: { data: message, type: RFC822 } });
}

export function reportMail(message: Blob): Promise<{ item: MailQueueItem; duplicate: boolean }> {
  return request('POST', '/api/mail/reports', { raw: { data: message, type: RFC822 } });
}

export function listMailReports(
  filters: MailQueueQuery,
): Promise<{ items: MailQueueItem[]; counts: MailVerdictCount[] }> {
  return request('GET', `/api/mail/reports${query({ ...filters })}`);
}

export function getMailReport(id: string): Promise<MailQueueDetail> {
  return request('GET', `/api/mail/reports/${encodeURIComponent(id)}`);
}

/** The address of the message as received, served as a file to download (never rendered). */
export function mailRawHref(id: string): string {
  return `/api/mail/reports/${encodeURIComponent(id)}/raw`;
}

export function setMailVerdict(
  id: string,
  verdict: MailAnalystVerdict | null,
  note: string | null,
): Promise<{ item: MailQueueItem }> {
  return request('PUT', `/api/mail/reports/${encodeURIComponent(id)}/verdict`, { body: { verdict, note } });
}

export function getMailSettings(): Promise<{
  settings: MailSettings;
  updatedAt: string | null;
  updatedBy: string | null;
}> {
  return request('GET', '/api/mail/settings');
}

export function updateMailSettings(settings: MailSettings): Promise<{ settings: MailSettings }> {
  return request('PUT', '/api/mail/settings', { body: settings });
}

export function listMailModels(): Promise<{ items: MailModelInfo[] }> {
  return request('GET', '/api/mail/models');
}

export function learnMailModel(): Promise<MailLearnResult> {
  return request('POST', '/api/mail/models/learn');
}

export function activateMailModel(version: string): Promise<{ items: MailModelInfo[] }> {
  return request('PUT', '/api/mail/models/active', { body: { version } });
}

// --- Detect (log alerts, incidents, rules) ---

export type DetectAlertKind = 'rule' | 'correlation' | 'behaviour';
export type DetectVerdict = 'true_positive' | 'false_positive';
export type IncidentStatus = 'new' | 'investigating' | 'resolved';
export type IncidentResolution = 'true_positive' | 'false_positive' | 'benign';

export const DETECT_ALERT_KINDS: readonly DetectAlertKind[] = ['rule', 'correlation', 'behaviour'];
export const INCIDENT_STATUSES: readonly IncidentStatus[] = ['new', 'investigating', 'resolved'];
export const INCIDENT_RESOLUTIONS: readonly IncidentResolution[] = ['true_positive', 'false_positive', 'benign'];

export interface DetectAttack {
  techniques: { id: string; name: string | null }[];
  tactics: { id: string; name: string }[];
}

export interface DetectEntities {
  users?: string[];
  hosts?: string[];
  ips?: string[];
  domains?: string[];
  devices?: string[];
}

export interface DetectReason {
  code: string;
  weight: number;
  message: LocalizedName;
  data?: Record<string, unknown>;
}

export interface DetectEvent {
  id: string;
  receivedAt: string;
  eventTime: string;
  source: string;
  format: string;
  /** The record as received (a log line, or a JSON object). */
  original: unknown;
  /** The normalised fields the rules saw. */
  event: unknown;
}

export interface DetectAlert {
  id: string;
  kind: DetectAlertKind;
  ruleId: string;
  title: LocalizedName;
  level: string | null;
  severity: Severity;
  score: number;
  attack: DetectAttack;
  entities: DetectEntities;
  eventIds: string[];
  reasons: DetectReason[];
  /** Behavioural alerts: pattern, entity, windowMs, observed, threshold, counts (and baseline). */
  details: Record<string, unknown>;
  source: string;
  firstTime: string;
  lastTime: string;
  createdAt: string;
  updatedAt: string;
  status: 'open' | 'triaged';
  verdict: DetectVerdict | null;
  verdictBy: string | null;
  verdictAt: string | null;
  verdictNote: string | null;
  incidentId: string;
  findingId: string | null;
}

export interface DetectAlertDetail extends DetectAlert {
  events: DetectEvent[];
}

export interface DetectIncident {
  id: string;
  title: LocalizedName;
  entity: { kind: string; value: string };
  firstTime: string;
  lastTime: string;
  severity: Severity;
  status: IncidentStatus;
  resolution: IncidentResolution | null;
  assignee: string | null;
  alertCount: number;
  createdAt: string;
  updatedAt: string;
  findingId: string | null;
}

export interface DetectIncidentDetail extends DetectIncident {
  timeline: DetectAlertDetail[];
  entities: DetectEntities;
  attack: DetectAttack;
  notes: { id: string; at: string; author: string; text: string }[];
}

export interface DetectOverride {
  pattern: string;
  entity: { kind: string; value: string };
  scale: number;
  suppress: boolean;
}

/** A threshold change made by an analyst's verdict on a behavioural alert; `before` is what undo restores. */
export interface DetectChange {
  id: string;
  at: string;
  actor: string;
  alertId: string | null;
  verdict: string;
  pattern: string;
  entity: { kind: string; value: string };
  before: DetectOverride | null;
  after: DetectOverride | null;
  description: LocalizedName;
  undoneAt: string | null;
  undoneBy: string | null;
}

export interface DetectRule {
  id: string;
  kind: 'rule' | 'correlation';
  title: string;
  level: string | null;
  status: string | null;
  origin: string;
  originName: string;
  file: string;
  line: number;
  enabled: boolean;
  attack: DetectAttack;
}

export interface DetectRuleProblem {
  origin: string;
  originName: string;
  file: string;
  line: number;
  rule: string | null;
  reason: string;
  kind: string;
}

export interface DetectRulePack {
  id: string;
  name: string;
  importedAt: string;
  importedBy: string;
  files: number;
}

export interface DetectRules {
  rules: DetectRule[];
  problems: DetectRuleProblem[];
  packs: DetectRulePack[];
  rulesDir: string | null;
}

/** Thresholds of the behavioural detectors (windows in milliseconds), as the server validates them. */
export interface BehaviourSettings {
  maxEntities: number;
  maxEventsPerEntity: number;
  cooldownMs: number;
  bruteForce: { windowMs: number; minFailures: number };
  passwordSpray: { windowMs: number; minAccounts: number; maxAttemptsPerAccount: number };
  credentialStuffing: {
    windowMs: number;
    minSources: number;
    minAccounts: number;
    maxAttemptsPerAccount: number;
    maxAttemptsPerSource: number;
  };
  userEnumeration: { windowMs: number; minUnknownUsers: number };
  portScan: { windowMs: number; minPorts: number; minHosts: number };
  webScan: { windowMs: number; minPaths: number; minErrorRatio: number };
  requestBurst: { bucketMs: number; minRequests: number; factor: number; alpha: number };
  overrides: DetectOverride[];
}

export interface DetectAlertQuery {
  status?: 'open' | 'triaged';
  severity?: Severity;
  kind?: DetectAlertKind;
  since?: string;
  incident?: string;
  limit?: number;
  /** `nextCursor` of the previous page. */
  before?: string;
}

export interface DetectIncidentQuery {
  status?: IncidentStatus;
  severity?: Severity;
  limit?: number;
  before?: string;
}

export function listDetectAlerts(
  filters: DetectAlertQuery,
): Promise<{ items: DetectAlert[]; nextCursor: string | null }> {
  return request('GET', `/api/detect/alerts${query({ ...filters })}`);
}

export function getDetectAlert(id: string): Promise<DetectAlertDetail> {
  return request('GET', `/api/detect/alerts/${encodeURIComponent(id)}`);
}

export function setDetectVerdict(
  id: string,
  body: { verdict: DetectVerdict; note?: string | null; suppress?: boolean },
): Promise<{ alert: DetectAlert; change: DetectChange | null }> {
  return request('POST', `/api/detect/alerts/${encodeURIComponent(id)}/verdict`, { body });
}

export function listDetectIncidents(
  filters: DetectIncidentQuery,
): Promise<{ items: DetectIncident[]; nextCursor: string | null }> {
  return request('GET', `/api/detect/incidents${query({ ...filters })}`);
}

export function getDetectIncident(id: string): Promise<DetectIncidentDetail> {
  return request('GET', `/api/detect/incidents/${encodeURIComponent(id)}`);
}

export function setDetectIncidentStatus(
  id: string,
  body: {
    status: IncidentStatus;
    /** The status the page shows: the server refuses the step (409) if someone moved the incident meanwhile. */
    expected?: IncidentStatus;
    resolution?: IncidentResolution | null;
    assignee?: string | null;
    note?: string;
  },
): Promise<{ incident: DetectIncident }> {
  return request('POST', `/api/detect/incidents/${encodeURIComponent(id)}/status`, { body });
}

export function getDetectRules(): Promise<DetectRules> {
  return request('GET', '/api/detect/rules');
}

export function importDetectRules(
  name: string,
  files: { path: string; text: string }[],
): Promise<{ pack: DetectRulePack; rules: number; problems: DetectRuleProblem[] }> {
  return request('POST', '/api/detect/rules/import', { body: { name, files } });
}

export function setDetectRuleEnabled(id: string, enabled: boolean): Promise<{ id: string; enabled: boolean }> {
  return request('POST', `/api/detect/rules/${encodeURIComponent(id)}/enabled`, { body: { enabled } });
}

export function getBehaviourSettings(): Promise<{
  settings: BehaviourSettings;
  patterns: string[];
  updatedAt: string | null;
  updatedBy: string | null;
}> {
  return request('GET', '/api/detect/behaviour/settings');
}

export function updateBehaviourSettings(settings: BehaviourSettings): Promise<{ settings: BehaviourSettings }> {
  return request('PUT', '/api/detect/behaviour/settings', { body: settings });
}

export function listBehaviourChanges(limit = 100): Promise<{ items: DetectChange[] }> {
  return request('GET', `/api/detect/behaviour/changes${query({ limit })}`);
}

export function undoBehaviourChange(id: string): Promise<{ change: DetectChange }> {
  return request('POST', `/api/detect/behaviour/changes/${encodeURIComponent(id)}/undo`);
}

// Guard: the AI data-leak guard — scan a prompt, the dashboard, the policy and its versions, shadow-AI discovery.

export type GuardAction = 'allow' | 'warn' | 'pseudonymise' | 'redact' | 'block';

export interface GuardReason {
  code: string;
  fr: string;
  en: string;
}

export interface GuardScanResult {
  action: GuardAction;
  serviceClass: string;
  service: string;
  policyVersion: string;
  findings: { type: string; start: number; end: number; score: number; action: GuardAction; masked: string }[];
  injection: { score: number; detected: boolean; kind: string | null };
  reasons: GuardReason[];
  rewritten: string | null;
  replacements: { type: string; action: string; replacement: string }[];
  decisionId: string | null;
}

export interface GuardDecision {
  id: string;
  at: string;
  source: string;
  direction: string;
  username: string | null;
  department: string | null;
  service: string;
  action: GuardAction;
  findings: { type: string; action: string; masked: string; score: number }[];
  reasons: GuardReason[];
  injectionScore: number | null;
  injectionDetected: boolean;
  policyVersion: string;
}

export type GuardCounts = { key: string; total: number } & Record<GuardAction, number>;

export interface GuardDashboard {
  since: string;
  days: number;
  totals: GuardCounts;
  byType: GuardCounts[];
  byDepartment: GuardCounts[];
  byService: GuardCounts[];
  trend: GuardCounts[];
  latest: GuardDecision[];
}

export interface GuardPolicyVersion {
  id: string;
  version: string;
  yaml: string;
  note: string | null;
  author: string | null;
  createdAt: string | null;
  active: boolean;
  shipped: boolean;
  rules: number;
}

export interface GuardPolicyProblem {
  line: number;
  path: string;
  message: string;
}

export interface GuardServiceUsage {
  service: string;
  name: string;
  sanctioned: boolean;
  requests: number;
  bytesOut: number;
  firstSeen: string;
  lastSeen: string;
}

export interface GuardDiscoverySummary {
  id: string;
  createdAt: string;
  createdBy: string;
  filename: string;
  format: string;
  lines: number;
  records: number;
  matched: number;
  invalid: number;
  unsanctioned: number;
  problems: { line: number; reason: string }[];
}

export interface GuardDiscovery extends GuardDiscoverySummary {
  report: {
    users: {
      user: string;
      kind: 'user' | 'ip';
      department?: string;
      requests: number;
      bytesOut: number;
      firstSeen: string;
      lastSeen: string;
      unsanctionedRequests: number;
      services: GuardServiceUsage[];
    }[];
    departments: {
      department: string;
      users: number;
      requests: number;
      bytesOut: number;
      firstSeen: string;
      lastSeen: string;
      unsanctionedRequests: number;
      services: GuardServiceUsage[];
    }[];
    totals: { records: number; matched: number; unsanctionedRequests: number };
  };
}

export function scanGuardText(text: string): Promise<GuardScanResult> {
  return request('POST', '/api/guard/scan', { body: { text } });
}

export function getGuardDashboard(days = 30): Promise<GuardDashboard> {
  return request('GET', `/api/guard/dashboard${query({ days })}`);
}

export function getGuardPolicy(): Promise<GuardPolicyVersion> {
  return request('GET', '/api/guard/policy');
}

export function listGuardPolicyVersions(): Promise<GuardPolicyVersion[]> {
  return request('GET', '/api/guard/policy/versions');
}

export function checkGuardPolicy(yaml: string): Promise<{ valid: boolean; problems: GuardPolicyProblem[] }> {
  return request('POST', '/api/guard/policy/check', { body: { yaml } });
}

export function saveGuardPolicy(yaml: string, note: string | null): Promise<GuardPolicyVersion> {
  return request('PUT', '/api/guard/policy', { body: { yaml, note } });
}

export function activateGuardPolicy(id: string): Promise<GuardPolicyVersion> {
  return request('POST', `/api/guard/policy/versions/${encodeURIComponent(id)}/activate`);
}

export function importGuardLog(file: Blob, filename: string): Promise<GuardDiscovery> {
  return request('POST', `/api/guard/discovery${query({ filename })}`, {
    raw: { data: file, type: 'text/plain' },
  });
}

export function listGuardDiscoveries(): Promise<GuardDiscoverySummary[]> {
  return request('GET', '/api/guard/discovery');
}

export function getGuardDiscovery(id: string): Promise<GuardDiscovery> {
  return request('GET', `/api/guard/discovery/${encodeURIComponent(id)}`);
}

export function guardDiscoveryCsvHref(id: string): string {
  return `/api/guard/discovery/${encodeURIComponent(id)}/csv`;
}

// Learn: awareness training — my path, modules and quizzes, the programme dashboard, target groups, campaigns
// and their results, the knowledge base. Shapes follow src/server/routes/learn.ts.

export interface LearnRates {
  targets: number;
  sent: number;
  opened: number;
  clicked: number;
  submitted: number;
  reported: number;
  botClicks: number;
  /** Shares in [0, 1] of the messages sent. */
  clickRate: number;
  submissionRate: number;
  reportRate: number;
  medianSecondsToClick: number | null;
  medianSecondsToReport: number | null;
  repeatClickers: number;
  /** Reports divided by clicks; null when nobody clicked. */
  resilienceRatio: number | null;
}

export interface LearnLeaderboardEntry {
  rank: number;
  /** The team's name, or its pseudonym when the board is pseudonymous (then `team` is absent). */
  name: LocalizedName;
  team?: string;
  points: number;
  members: number;
  pointsPerMember: number;
}

export interface LearnMe {
  path: {
    id: string;
    title: LocalizedName;
    summary: LocalizedName;
    modules: string[];
    passed: number;
    total: number;
    ratio: number;
  } | null;
  next: { moduleId: string; kind: 'assigned' | 'path' | 'review' | 'update'; reason: LocalizedName } | null;
  assignments: {
    moduleId: string;
    topic: string;
    priority: number;
    signal: string;
    reason: LocalizedName;
    assignedAt: string;
    done: boolean;
  }[];
  stats: {
    points: number;
    modulesPassed: string[];
    correctAnswers: number;
    topicsMastered: string[];
    reports: { simulation: number; real: number; quick: number; falseAlarm: number };
    streak: { current: number; best: number };
    badges: string[];
  };
  team: { name: string; rank: number | null; teams: number };
  leaderboard: LearnLeaderboardEntry[];
  challenge: { challengeId: string; title: LocalizedName; progress: number; target: number; done: boolean };
  knowledge: Record<string, { score: number; answered: number; correct: number }>;
  contentVersion: string;
}

export interface LearnModuleSummary {
  id: string;
  topic: string;
  minutes: number;
  micro: boolean;
  title: LocalizedName;
  summary: LocalizedName;
  origin: string;
  version: string;
  questions: number;
}

export interface LearnModuleDetail extends Omit<LearnModuleSummary, 'origin'> {
  lessons: { id: string; title: LocalizedName; body: LocalizedName }[];
}

export interface LearnQuestion {
  moduleId: string;
  id: string;
  kind: 'single' | 'multiple' | 'true-false' | 'cloze';
  difficulty: number;
  prompt: LocalizedName;
  choices?: { id: string; fr: string; en: string }[];
  /** Cloze questions: the sentence with `___` where the answer goes. */
  text?: LocalizedName;
  why?: 'review' | 'level' | 'fill';
}

export type LearnAnswer =
  | { kind: 'choices'; ids: string[] }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'text'; value: string };

export interface LearnGrade {
  correct: boolean;
  score: number;
  explanation: LocalizedName;
  expected: LearnAnswer;
  nextReview: string | null;
}

export interface LearnCompletion {
  moduleId: string;
  version: string;
  score: number;
  passed: boolean;
  at: string;
}

export interface LearnProgramme {
  overall: LearnRates;
  departments: (LearnRates & { department: string })[];
  campaigns: (LearnRates & { id: string; name: string; launchedAt: string; status: string })[];
  training: {
    learners: number;
    completion: number;
    byDepartment: { department: string; learners: number; completion: number }[];
    estimatedMinutes: number;
    timeSpent: ProgrammeTime;
  };
  knowledge: { topic: string; learners: number; score: number }[];
  reflexes: ProgrammeReflexes;
}

export interface LearnContentSummary {
  version: string;
  modules: { id: string; topic: string; origin: string; version: string; title: LocalizedName }[];
  paths: { id: string; audience: string; modules: string[]; title: LocalizedName }[];
  templates: {
    id: string;
    audiences: string[];
    difficulty: number;
    topic: string;
    landing: string | null;
    subject: LocalizedName;
    origin: string;
  }[];
  landings: { id: string; title: LocalizedName; origin: string }[];
  problems: { file: string; line: number; reason: string; level: 'error' | 'warning' }[];
}

export interface LearnGroup {
  id: string;
  name: string;
  targets: number;
  createdAt: string;
  createdBy: string;
}

export interface LearnGroupDetail extends LearnGroup {
  members: {
    email: string;
    firstName: string;
    lastName: string;
    department: string;
    role: string;
    locale: string;
    userId: string | null;
  }[];
}

export interface LearnProblem {
  line: number;
  reason: string;
}

export type LearnCampaignStatus = 'draft' | 'running' | 'paused' | 'completed' | 'cancelled';
export type LearnCampaignAction = 'launch' | 'pause' | 'resume' | 'cancel';

export interface LearnSchedule {
  start: string;
  end: string;
  window?: { days?: number[]; startHour?: number; endHour?: number; utcOffsetMinutes?: number };
  perMinute?: number;
}

export interface LearnCampaign {
  id: string;
  name: string;
  groupId: string;
  status: LearnCampaignStatus;
  templates: string[];
  departments: string[];
  schedule: LearnSchedule;
  sender: { address: string; name?: string };
  reportLink: boolean;
  createdAt: string;
  createdBy: string;
  launchedAt: string | null;
  unscheduled: { email: string; reason: string }[];
  /** Sends counted by status (pending, sent, failed…). */
  sends: Record<string, number>;
}

export interface LearnCampaignDetail extends LearnCampaign {
  results: { overall: LearnRates; departments: (LearnRates & { department: string })[] };
}

export interface NewLearnCampaign {
  name: string;
  groupId: string;
  templates: string[];
  departments?: string[];
  schedule: LearnSchedule;
  sender: { address: string; name?: string };
  reportLink?: boolean;
}

export interface LearnClick {
  email: string;
  at: string;
  ip: string | null;
  userAgent: string | null;
  method: string | null;
  verdict: 'human' | 'bot' | 'uncertain';
  botScore: number;
  reasons: { code: string; weight: number; fr: string; en: string }[];
}

export interface LearnKbDocument {
  id: string;
  title: string;
  format: string;
  locale: string;
  digest: string;
  questions: number;
  createdAt: string;
  createdBy: string;
}

export interface LearnKbQuestion {
  id: string;
  kind: 'single' | 'cloze';
  locale: 'fr' | 'en';
  prompt: string;
  /** The source sentence with the answer replaced by `___`. */
  stem: string;
  answer: string;
  choices?: { id: string; text: string; correct: boolean }[];
  explanation: string;
  source: { documentTitle: string; paragraphIndex: number; sentenceIndex: number; heading?: string };
}

export interface LearnKbImport {
  id: string;
  title: string;
  questions: number;
  paragraphs: number;
  skipped: Record<string, number>;
  sample: LearnKbQuestion[];
}

export function getLearnMe(): Promise<LearnMe> {
  return request('GET', '/api/learn/me');
}

export function listLearnModules(): Promise<LearnModuleSummary[]> {
  return request('GET', '/api/learn/modules');
}

export function getLearnModule(id: string): Promise<LearnModuleDetail> {
  return request('GET', `/api/learn/modules/${encodeURIComponent(id)}`);
}

export function buildLearnQuiz(moduleId: string | undefined, size?: number): Promise<{ questions: LearnQuestion[] }> {
  return request('POST', '/api/learn/quiz', { body: { ...(moduleId ? { moduleId } : {}), ...(size ? { size } : {}) } });
}

/** `locale`: the language the question was shown in; a fill-in-the-blank is graded in it. */
export function answerLearnQuestion(
  moduleId: string,
  questionId: string,
  answer: LearnAnswer,
  locale: 'fr' | 'en',
): Promise<LearnGrade> {
  return request('POST', '/api/learn/answers', { body: { moduleId, questionId, answer, locale } });
}

export function completeLearnModule(id: string): Promise<LearnCompletion> {
  return request('POST', `/api/learn/modules/${encodeURIComponent(id)}/complete`);
}

export function getLearnProgramme(): Promise<LearnProgramme> {
  return request('GET', '/api/learn/programme');
}

export function getLearnContent(): Promise<LearnContentSummary> {
  return request('GET', '/api/learn/content');
}

export function listLearnGroups(): Promise<LearnGroup[]> {
  return request('GET', '/api/learn/groups');
}

export function getLearnGroup(id: string): Promise<LearnGroupDetail> {
  return request('GET', `/api/learn/groups/${encodeURIComponent(id)}`);
}

export function importLearnGroup(
  name: string,
  csv: string,
): Promise<{ group: LearnGroup; matchedAccounts: number; problems: LearnProblem[] }> {
  return request('POST', '/api/learn/groups', { body: { name, csv } });
}

export function listLearnCampaigns(): Promise<LearnCampaign[]> {
  return request('GET', '/api/learn/campaigns');
}

export function getLearnCampaign(id: string): Promise<LearnCampaignDetail> {
  return request('GET', `/api/learn/campaigns/${encodeURIComponent(id)}`);
}

export function createLearnCampaign(campaign: NewLearnCampaign): Promise<LearnCampaign> {
  return request('POST', '/api/learn/campaigns', { body: campaign });
}

export function changeLearnCampaign(id: string, action: LearnCampaignAction): Promise<LearnCampaign> {
  return request('POST', `/api/learn/campaigns/${encodeURIComponent(id)}/${action}`);
}

export function listLearnClicks(id: string): Promise<LearnClick[]> {
  return request('GET', `/api/learn/campaigns/${encodeURIComponent(id)}/clicks`);
}

export function learnResultsCsvHref(id: string, kind: 'summary' | 'outcomes'): string {
  return `/api/learn/campaigns/${encodeURIComponent(id)}/results.csv${query({ kind })}`;
}

export function listLearnKb(): Promise<LearnKbDocument[]> {
  return request('GET', '/api/learn/kb');
}

export function importLearnKb(doc: {
  title: string;
  format: 'markdown' | 'html' | 'text';
  locale: 'fr' | 'en';
  text: string;
}): Promise<LearnKbImport> {
  return request('POST', '/api/learn/kb', { body: doc });
}
