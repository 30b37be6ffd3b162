// Display helpers shared by the Mail pages: verdicts, scores, weights, sizes, URLs and ATT&CK links.
import type { TFunction } from 'i18next';
import type { Locale } from '../../../../src/core/index.ts';
import type { MailAnalystVerdict, MailReasonCategory, MailVerdict } from '../../api.ts';
import { hrefFor } from '../../router.ts';

export const VERDICT_BADGE: Record<MailVerdict, string> = {
  phishing: 'badge badge-bad',
  suspicious: 'badge badge-warn',
  clean: 'badge badge-ok',
};

export function verdictLabel(verdict: string, t: TFunction): string {
  switch (verdict) {
    case 'phishing':
      return t('mail.verdictPhishing');
    case 'suspicious':
      return t('mail.verdictSuspicious');
    case 'clean':
      return t('mail.verdictClean');
    default:
      return verdict;
  }
}

export function isMailVerdict(value: string): value is MailVerdict {
  return value === 'phishing' || value === 'suspicious' || value === 'clean';
}

export function analystVerdictLabel(verdict: MailAnalystVerdict | null, t: TFunction): string {
  if (verdict === 'phishing') return t('mail.analystPhishing');
  if (verdict === 'legitimate') return t('mail.analystLegitimate');
  return t('mail.statusOpen');
}

export const CATEGORY_KEYS: Record<MailReasonCategory, `mail.category.${MailReasonCategory}`> = {
  parse: 'mail.category.parse',
  authentication: 'mail.category.authentication',
  sender: 'mail.category.sender',
  lookalike: 'mail.category.lookalike',
  link: 'mail.category.link',
  attachment: 'mail.category.attachment',
  qr: 'mail.category.qr',
  intent: 'mail.category.intent',
  html: 'mail.category.html',
  model: 'mail.category.model',
};

const formats = new Map<string, Intl.NumberFormat>();

function cached(key: string, make: () => Intl.NumberFormat): Intl.NumberFormat {
  let format = formats.get(key);
  if (!format) {
    format = make();
    formats.set(key, format);
  }
  return format;
}

/**
 * The engine's score in [0, 1], two decimals. Verdicts come from the model's own thresholds (not 0.5), so
 * the score is shown as a score, not as a percentage people would read as a probability. Near 1, a third
 * decimal (rounded down) avoids printing a certainty the engine did not give.
 */
export function formatScore(score: number, locale: Locale): string {
  if (!Number.isFinite(score)) return '—';
  const clamped = Math.min(1, Math.max(0, score));
  const fine = clamped > 0.99 && clamped < 1;
  return cached(
    `${locale}:score:${fine}`,
    () => new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: fine ? 3 : 2 }),
  ).format(fine ? Math.floor(clamped * 1000) / 1000 : clamped);
}

/** A reason's weight with its sign: "+3.50" towards phishing, "−1.20" towards clean. */
export function formatWeight(weight: number, locale: Locale): string {
  return cached(
    `${locale}:weight`,
    () =>
      new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'exceptZero' }),
  ).format(weight);
}

/** A plain decimal (model weights, scales). */
export function formatDecimal(value: number, locale: Locale): string {
  return cached(`${locale}:dec`, () => new Intl.NumberFormat(locale, { maximumFractionDigits: 3 })).format(value);
}

const BYTE_UNITS: Record<Locale, readonly string[]> = {
  en: ['B', 'kB', 'MB', 'GB'],
  fr: ['o', 'ko', 'Mo', 'Go'],
};

export function formatBytes(size: number, locale: Locale): string {
  const units = BYTE_UNITS[locale];
  let value = size;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const number = cached(`${locale}:size`, () => new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }));
  return `${number.format(value)}\u00a0${units[unit] ?? ''}`;
}

/** The MITRE ATT&CK page of a technique id: T1566.002 → /techniques/T1566/002/. */
export function attackHref(technique: string): string | null {
  const match = /^(T\d{4})(?:\.(\d{3}))?$/.exec(technique);
  if (!match?.[1]) return null;
  return `https://attack.mitre.org/techniques/${match[1]}/${match[2] ? `${match[2]}/` : ''}`;
}

/** First and last characters of a hash, enough to compare at a glance. */
export function shortHash(hash: string): string {
  return hash.length > 20 ? `${hash.slice(0, 12)}…${hash.slice(-8)}` : hash;
}

export interface UrlParts {
  scheme: string;
  host: string;
  rest: string;
}

/** Splits a URL so the host (where the link really goes) can be highlighted; unparsable text stays whole. */
export function splitUrl(url: string): UrlParts {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/i.exec(url);
  if (!match) return { scheme: '', host: '', rest: url };
  return { scheme: match[1] ?? '', host: match[2] ?? '', rest: match[3] ?? '' };
}

export function triageHref(id?: string): string {
  return hrefFor(id ? `/mail/triage/${encodeURIComponent(id)}` : '/mail/triage');
}

/** "Name <address>" split for display, so a long address can wrap on its own line. */
export function splitMailbox(from: string): { name: string; address: string } {
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(from);
  if (!match) return { name: '', address: from.trim() };
  return { name: (match[1] ?? '').trim(), address: (match[2] ?? '').trim() };
}
