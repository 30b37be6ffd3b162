// Typed client for the Vigie HTTP API: one function per route, one error type, CSRF header handling.
import type { Locale, Permission, Role, Severity } from '../../src/core/index.ts';

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

export function listSenseDevices(): Promise<{ items: SenseDevice[]; alertThreshold: number }> {
  return request('GET', '/api/sense/devices');
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
