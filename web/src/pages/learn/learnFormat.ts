// Display helpers of the Learn pages: rates as percentages, durations, topics and badges by their known ids.
import type { TFunction } from 'i18next';
import type { Locale } from '../../../../src/core/index.ts';
import type { LearnCampaignAction, LearnCampaignStatus } from '../../api.ts';
import { formatNumber } from '../../format.ts';

export const LEARN_PATH = '/learn';
export const MODULES_PATH = '/learn/modules';
export const CAMPAIGNS_PATH = '/learn/campaigns';

export const moduleHref = (id: string): string => `${MODULES_PATH}/${encodeURIComponent(id)}`;
export const campaignHref = (id: string): string => `${CAMPAIGNS_PATH}/${encodeURIComponent(id)}`;

// The engine's topics and badges (src/learn): the web may not import the engine, so their ids are listed here
// and an id the list does not know is shown as it is rather than hidden.
export const TOPICS = [
  'ai-phishing',
  'deepfakes',
  'shadow-ai',
  'ai-assistants',
  'authentication',
  'updates',
  'reporting',
  'social-engineering',
  'mobile-qr',
  'payment-fraud',
  'data-protection',
  'organisation',
] as const;
type Topic = (typeof TOPICS)[number];

export const BADGES = [
  'first-steps',
  'sharp-eye',
  'quick-reflex',
  'real-catch',
  'perfect-score',
  'path-complete',
  'steady',
  'ai-savvy',
] as const;
type BadgeId = (typeof BADGES)[number];

export const CAMPAIGN_STATUSES: readonly LearnCampaignStatus[] = [
  'draft',
  'running',
  'paused',
  'completed',
  'cancelled',
];

/** What a manager may do with a campaign in each status, as the server allows it. */
export const ACTIONS_BY_STATUS: Record<LearnCampaignStatus, readonly LearnCampaignAction[]> = {
  draft: ['launch', 'cancel'],
  running: ['pause', 'cancel'],
  paused: ['resume', 'cancel'],
  completed: [],
  cancelled: [],
};

export const STATUS_BADGE: Record<LearnCampaignStatus, string> = {
  draft: 'badge badge-muted',
  running: 'badge badge-active',
  paused: 'badge badge-warn',
  completed: 'badge',
  cancelled: 'badge badge-muted',
};

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** An ISO weekday (1 = Monday … 7 = Sunday) in words. */
export function weekdayLabel(day: number, t: TFunction): string {
  const key = WEEKDAYS[day - 1];
  return key ? t(`learn.weekdays.${key}`) : String(day);
}

export function isCampaignStatus(value: string): value is LearnCampaignStatus {
  return (CAMPAIGN_STATUSES as readonly string[]).includes(value);
}

export function topicLabel(topic: string, t: TFunction): string {
  return (TOPICS as readonly string[]).includes(topic) ? t(`learn.topics.${topic as Topic}`) : topic;
}

export function badgeText(id: string, t: TFunction): { name: string; description: string } {
  if (!(BADGES as readonly string[]).includes(id)) return { name: id, description: '' };
  const badge = id as BadgeId;
  return { name: t(`learn.badges.${badge}.name`), description: t(`learn.badges.${badge}.description`) };
}

/** A share in [0, 1] as a percentage with at most one decimal. */
export function formatPercent(ratio: number | null | undefined, locale: Locale): string {
  if (typeof ratio !== 'number' || !Number.isFinite(ratio)) return '—';
  return new Intl.NumberFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
    style: 'percent',
    maximumFractionDigits: 1,
  }).format(ratio);
}

export function formatRatio(value: number | null | undefined, locale: Locale): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  return new Intl.NumberFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 2 }).format(value);
}

/** Seconds as "42 s", "3 min 20 s" or "2 h 5 min": medians to click and to report. */
export function formatSeconds(seconds: number | null | undefined, locale: Locale): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${formatNumber(s, locale)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${formatNumber(h, locale)} h${m ? ` ${m} min` : ''}`;
}
