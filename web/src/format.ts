// Locale-aware display of dates and numbers; an absent value is shown as a dash, never guessed.
import type { Locale } from '../../src/core/index.ts';

const dateTimeFormats = new Map<Locale, Intl.DateTimeFormat>();

/** The browser's regional variant when it speaks the chosen language (en-US vs en-GB dates), else a default. */
function regionalTag(locale: Locale): string {
  const browser = navigator.language;
  if (browser.toLowerCase().startsWith(locale)) return browser;
  return locale === 'fr' ? 'fr-FR' : 'en-GB';
}

export function formatDateTime(iso: string | null | undefined, locale: Locale): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  let format = dateTimeFormats.get(locale);
  if (!format) {
    // The browser's time zone: people read the time where they are.
    format = new Intl.DateTimeFormat(regionalTag(locale), { dateStyle: 'medium', timeStyle: 'short' });
    dateTimeFormats.set(locale, format);
  }
  return format.format(date);
}

/** A count as the API gave it; a missing one shows as a dash rather than a made-up zero. */
export function formatNumber(value: number | null | undefined, locale: Locale): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  return new Intl.NumberFormat(regionalTag(locale)).format(value);
}

/** True when an ISO instant lies in the future (a lock still holds, a token not yet expired). */
export function isFuture(iso: string | null | undefined, now: number = Date.now()): boolean {
  if (!iso) return false;
  const time = new Date(iso).getTime();
  return Number.isFinite(time) && time > now;
}
