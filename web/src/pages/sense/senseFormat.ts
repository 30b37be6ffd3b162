// Display helpers shared by the Sense pages: readings, scores, relative times, statuses, anomaly lookup.
import type { TFunction } from 'i18next';
import type { Locale } from '../../../../src/core/index.ts';
import type { SenseAlert, SenseDeviceStatus, SensePoint } from '../../api.ts';
import { hrefFor } from '../../router.ts';

const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: Locale, digits: number): Intl.NumberFormat {
  const key = `${locale}:${digits}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { maximumFractionDigits: digits });
    numberFormats.set(key, format);
  }
  return format;
}

/** A sensor value: up to three decimals, as measured (no unit is known). */
export function formatValue(value: number | null | undefined, locale: Locale): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  return numberFormat(locale, Math.abs(value) >= 1000 ? 1 : 3).format(value);
}

/** A score in [0, 1]: three decimals, since thresholds sit close to 1. */
export function formatScore(score: number, locale: Locale): string {
  return numberFormat(locale, 3).format(score);
}

export function formatRate(rate: number | null, locale: Locale): string {
  if (rate === null || !Number.isFinite(rate)) return '—';
  return numberFormat(locale, rate < 10 ? 2 : 1).format(rate);
}

const instantFormats = new Map<Locale, Intl.DateTimeFormat>();

/** Date and time to the second: readings can be seconds apart. */
export function formatInstant(iso: string | number, locale: Locale): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  let format = instantFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
    instantFormats.set(locale, format);
  }
  return format.format(date);
}

const RELATIVE_STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/** "3 minutes ago", "il y a 3 minutes": the largest unit that keeps the number at least 1. */
export function formatRelative(iso: string, locale: Locale, now: number = Date.now()): string {
  const time = new Date(iso).getTime();
  if (!Number.isFinite(time)) return '—';
  let amount = (time - now) / 1000;
  for (const [unit, size] of RELATIVE_STEPS) {
    if (Math.abs(amount) < size) {
      return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(Math.round(amount), unit);
    }
    amount /= size;
  }
  return '—';
}

export const STATUS_BADGE: Record<SenseDeviceStatus, string> = {
  ok: 'badge badge-ok',
  anomalous: 'badge badge-bad',
  silent: 'badge badge-warn',
};

export function statusLabel(status: SenseDeviceStatus, t: TFunction): string {
  switch (status) {
    case 'ok':
      return t('sense.statusOk');
    case 'anomalous':
      return t('sense.statusAnomalous');
    case 'silent':
      return t('sense.statusSilent');
  }
}

export function formatRange(point: Pick<SensePoint, 'low' | 'high'>, locale: Locale, t: TFunction): string {
  if (point.low === null || point.high === null) return t('sense.rangeUnknown');
  return t('sense.range', { low: formatValue(point.low, locale), high: formatValue(point.high, locale) });
}

function alertKey(series: string, at: string | number): string {
  return `${series}\u0000${new Date(at).getTime()}`;
}

/** Alerts are emitted for anomalous points: index them by series and instant to explain a point of the chart. */
export function alertsByPoint(alerts: readonly SenseAlert[]): Map<string, SenseAlert> {
  const map = new Map<string, SenseAlert>();
  for (const alert of alerts) {
    if (alert.series !== null && !map.has(alertKey(alert.series, alert.at)))
      map.set(alertKey(alert.series, alert.at), alert);
  }
  return map;
}

export function alertForPoint(map: Map<string, SenseAlert>, series: string, point: SensePoint): SenseAlert | undefined {
  return map.get(alertKey(series, point.t));
}

export function deviceHref(id: string): string {
  return hrefFor(`/sense/devices/${encodeURIComponent(id)}`);
}
