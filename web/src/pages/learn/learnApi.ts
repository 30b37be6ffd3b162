// Learn API calls added with sending profiles, organisation templates and landing pages, and time spent. They live
// here, beside their pages, until they join api.ts: same error type, same CSRF header (read from the session).
import { ApiError, getSession, type LearnCampaign, NETWORK_ERROR, type NewLearnCampaign } from '../../api.ts';

let csrf: string | null = null;

async function csrfToken(): Promise<string> {
  if (!csrf) csrf = (await getSession()).csrfToken;
  return csrf;
}

async function call<T>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  retry = true,
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = await csrfToken();
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
      keepalive: path.endsWith('/time'),
    });
  } catch (cause) {
    throw new ApiError(NETWORK_ERROR, 0, cause instanceof Error ? cause.message : String(cause), {}, null);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const b = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
    const code = typeof b.code === 'string' ? b.code : `HTTP_${response.status}`;
    // A new session (signed in again) has a new CSRF token: fetch it once more.
    if (code === 'VIGIE_ERR_CSRF' && retry) {
      csrf = null;
      return call(method, path, body, false);
    }
    throw new ApiError(code, response.status, typeof b.message === 'string' ? b.message : response.statusText, b, null);
  }
  return parsed as T;
}

export type TlsMode = 'starttls' | 'tls' | 'none';

export interface SmtpHeader {
  name: string;
  value: string;
}

export interface SendingProfile {
  id: string;
  name: string;
  builtIn: boolean;
  configured: boolean;
  host: string;
  port: number;
  tls: TlsMode;
  username: string | null;
  password: 'set' | 'none';
  passwordStorage: 'encrypted' | 'plain' | 'none';
  fromAddress: string;
  fromName: string | null;
  headers: SmtpHeader[];
  createdAt: string | null;
  createdBy: string | null;
  updatedAt: string | null;
}

export interface SendingProfileInput {
  name: string;
  host: string;
  port: number;
  tls: TlsMode;
  username: string | null;
  /** Left out: kept; null: cleared. */
  password?: string | null;
  fromAddress: string;
  fromName: string | null;
  headers: SmtpHeader[];
}

export interface ProfileTest {
  ok: boolean;
  stage: 'settings' | 'verify' | 'send';
  messageId: string | null;
  problem: string | null;
}

export const listProfiles = () => call<SendingProfile[]>('GET', '/api/learn/profiles');
export const createProfile = (p: SendingProfileInput) => call<SendingProfile>('POST', '/api/learn/profiles', p);
export const updateProfile = (id: string, p: SendingProfileInput) =>
  call<SendingProfile>('PUT', `/api/learn/profiles/${encodeURIComponent(id)}`, p);
export const deleteProfile = (id: string) => call<void>('DELETE', `/api/learn/profiles/${encodeURIComponent(id)}`);
export const testProfile = (id: string, to: string) =>
  call<ProfileTest>('POST', `/api/learn/profiles/${encodeURIComponent(id)}/test`, { to });

export interface Bilingual {
  fr: string;
  en: string;
}

export interface CustomProblem {
  path: string;
  fr: string;
  en: string;
}

export interface TemplateDraft {
  name: string;
  audiences?: string[];
  difficulty?: 1 | 2 | 3;
  topic?: string;
  senderName: Bilingual;
  subject: Bilingual;
  html: Bilingual;
  text?: Bilingual;
  landing: string;
  cues?: Bilingual[];
}

export interface LandingDraft {
  name: string;
  title: Bilingual;
  html: Bilingual;
  teaching?: Bilingual;
}

export interface CustomItem<T> {
  id: string;
  kind: 'template' | 'landing';
  name: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  data: T;
}

export interface CustomPreview {
  ok: boolean;
  problems: CustomProblem[];
  html?: string;
  text?: string;
  subject?: string;
  senderName?: string;
  fields?: { name: string; type: string }[];
}

const base = (kind: 'template' | 'landing') => (kind === 'template' ? '/api/learn/templates' : '/api/learn/landings');

export const listTemplates = () => call<CustomItem<TemplateDraft>[]>('GET', base('template'));
export const listLandings = () => call<CustomItem<LandingDraft>[]>('GET', base('landing'));
export const saveCustom = <T>(kind: 'template' | 'landing', data: T, id?: string) =>
  id
    ? call<CustomItem<T>>('PUT', `${base(kind)}/${encodeURIComponent(id)}`, data)
    : call<CustomItem<T>>('POST', base(kind), data);
export const deleteCustom = (kind: 'template' | 'landing', id: string) =>
  call<void>('DELETE', `${base(kind)}/${encodeURIComponent(id)}`);
export const previewCustom = (kind: 'template' | 'landing', locale: 'fr' | 'en', data: unknown) =>
  call<CustomPreview>('POST', '/api/learn/custom/preview', { kind, locale, data });
export const importEmail = (raw: string, linksToTracked: boolean) =>
  call<{ draft: Omit<TemplateDraft, 'landing'>; fromAddress: string | null }>('POST', '/api/learn/templates/import', {
    raw,
    linksToTracked,
  });

/** A campaign with a sending profile (the sender may then come from the profile). */
export const createCampaignWithProfile = (
  campaign: Omit<NewLearnCampaign, 'sender'> & { sender?: NewLearnCampaign['sender']; profileId: string },
) => call<LearnCampaign>('POST', '/api/learn/campaigns', campaign);

export const sendTime = (moduleId: string, kind: 'lesson' | 'quiz', seconds: number) =>
  call<{ credited: number }>('POST', '/api/learn/time', { moduleId, kind, seconds });

export interface TimeSpent {
  seconds: number;
  lessonSeconds: number;
  quizSeconds: number;
  modules?: { moduleId: string; seconds: number }[];
}

export interface ProgrammeTime extends TimeSpent {
  learners: number;
  medianSecondsPerLearner: number | null;
  byDepartment: { department: string; seconds: number; learners: number }[];
}

/** The security team's reflexes beside the programme figures (null: no data yet). */
export interface ProgrammeReflexes {
  detect: {
    incidents: number;
    open: number;
    medianSecondsToInvestigate: number | null;
    p90SecondsToInvestigate: number | null;
    medianSecondsToResolve: number | null;
    p90SecondsToResolve: number | null;
    limited: boolean;
  };
  mail: {
    reports: number;
    judged: number;
    judgedShare: number | null;
    medianSecondsToVerdict: number | null;
    limited: boolean;
  };
}

/** Rows the server reads at most per module for the reflexes (src/platform/learn-reflexes.ts). */
export const REFLEX_ROWS = 5000;

/** "1 h 05 min", "12 min", "40 s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
