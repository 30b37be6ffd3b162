// Display helpers shared by the Detect pages: links, times and durations, entities, ATT&CK, behavioural details.
import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import type { Locale } from '../../../../src/core/index.ts';
import type { DetectAlert, DetectEntities, IncidentResolution, IncidentStatus } from '../../api.ts';
import { hrefFor } from '../../router.ts';

export const INCIDENTS_PATH = '/detect/incidents';
export const ALERTS_PATH = '/detect/alerts';
export const RULES_PATH = '/detect/rules';

export function incidentHref(id: string): string {
  return hrefFor(`${INCIDENTS_PATH}/${encodeURIComponent(id)}`);
}

export function incidentsHref(status?: IncidentStatus | ''): string {
  return hrefFor(status ? `${INCIDENTS_PATH}?status=${status}` : INCIDENTS_PATH);
}

/** The query part of the hash ('#/detect/incidents?status=new'), kept there so Back returns to the same tab. */
function hashQuery(): string {
  return window.location.hash.split('?')[1] ?? '';
}

export function useHashQuery(): URLSearchParams {
  const [search, setSearch] = useState(hashQuery);
  useEffect(() => {
    const onChange = (): void => setSearch(hashQuery());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return new URLSearchParams(search);
}

const instantFormats = new Map<Locale, Intl.DateTimeFormat>();

/** Date and time to the second: log events are seconds apart. */
export function formatInstant(iso: string, locale: Locale): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  let format = instantFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
    instantFormats.set(locale, format);
  }
  return format.format(date);
}

const UNITS: [Intl.NumberFormatOptions['unit'], number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** A window or a span in the largest whole unit: "5 minutes", "90 secondes"; below a second, milliseconds. */
export function formatDuration(ms: number, locale: Locale): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  for (const [unit, size] of UNITS) {
    if (ms >= size && ms % size === 0) {
      return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(ms / size);
    }
  }
  if (ms >= 1000) {
    return new Intl.NumberFormat(locale, {
      style: 'unit',
      unit: 'second',
      unitDisplay: 'long',
      maximumFractionDigits: 1,
    }).format(ms / 1000);
  }
  return new Intl.NumberFormat(locale, { style: 'unit', unit: 'millisecond', unitDisplay: 'short' }).format(ms);
}

export function formatDecimal(value: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }).format(value);
}

export type EntityKind = 'users' | 'hosts' | 'ips' | 'domains' | 'devices';
export const ENTITY_KINDS: readonly EntityKind[] = ['users', 'hosts', 'ips', 'domains', 'devices'];

/** Every entity of an alert or incident, kind by kind, in a stable order. */
export function entityList(entities: DetectEntities): { kind: EntityKind; value: string }[] {
  return ENTITY_KINDS.flatMap((kind) => (entities[kind] ?? []).map((value) => ({ kind, value })));
}

/** The incident's own entity kind ('host', 'user', 'ip', 'none') as a word. */
export function entityKindLabel(kind: string, t: TFunction): string {
  switch (kind) {
    case 'host':
      return t('detect.entityHost');
    case 'user':
      return t('detect.entityUser');
    case 'ip':
      return t('detect.entityIp');
    case 'service':
      return t('detect.entityService');
    default:
      return t('detect.entityNone');
  }
}

export function statusLabel(status: IncidentStatus, t: TFunction): string {
  switch (status) {
    case 'new':
      return t('detect.statusNew');
    case 'investigating':
      return t('detect.statusInvestigating');
    case 'resolved':
      return t('detect.statusResolved');
  }
}

export const STATUS_BADGE: Record<IncidentStatus, string> = {
  new: 'badge badge-bad',
  investigating: 'badge badge-warn',
  resolved: 'badge badge-ok',
};

export function resolutionLabel(resolution: IncidentResolution, t: TFunction): string {
  switch (resolution) {
    case 'true_positive':
      return t('detect.resolutionTruePositive');
    case 'false_positive':
      return t('detect.resolutionFalsePositive');
    case 'benign':
      return t('detect.resolutionBenign');
  }
}

export function kindLabel(kind: DetectAlert['kind'], t: TFunction): string {
  switch (kind) {
    case 'rule':
      return t('detect.kindRule');
    case 'correlation':
      return t('detect.kindCorrelation');
    case 'behaviour':
      return t('detect.kindBehaviour');
  }
}

/** The MITRE ATT&CK page of a technique (T1110.001) or tactic (TA0006) id; null for anything else. */
export function attackHref(id: string): string | null {
  const technique = /^(T\d{4})(?:\.(\d{3}))?$/.exec(id);
  if (technique?.[1]) {
    return `https://attack.mitre.org/techniques/${technique[1]}/${technique[2] ? `${technique[2]}/` : ''}`;
  }
  if (/^TA\d{4}$/.test(id)) return `https://attack.mitre.org/tactics/${id}/`;
  return null;
}

export interface BehaviourFacts {
  pattern: string;
  entity: { kind: string; value: string } | null;
  windowMs: number | null;
  observed: number | null;
  threshold: number | null;
  counts: [string, number][];
  baseline: [string, number][];
}

function numberEntries(value: unknown): [string, number][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).filter((entry): entry is [string, number] => typeof entry[1] === 'number');
}

/** What a behavioural alert measured, read defensively from its `details` (absent values stay absent). */
export function behaviourFacts(alert: DetectAlert): BehaviourFacts | null {
  if (alert.kind !== 'behaviour') return null;
  const d = alert.details;
  const entity = d.entity as { kind?: unknown; value?: unknown } | undefined;
  return {
    pattern: typeof d.pattern === 'string' ? d.pattern : alert.ruleId,
    entity:
      entity && typeof entity.kind === 'string' && typeof entity.value === 'string'
        ? { kind: entity.kind, value: entity.value }
        : null,
    windowMs: typeof d.windowMs === 'number' ? d.windowMs : null,
    observed: typeof d.observed === 'number' ? d.observed : null,
    threshold: typeof d.threshold === 'number' ? d.threshold : null,
    counts: numberEntries(d.counts),
    baseline: numberEntries(d.baseline),
  };
}

/** A behavioural pattern id as people read it; an unknown one is shown as it came. */
export function patternLabel(pattern: string, t: TFunction): string {
  switch (pattern) {
    case 'brute_force':
      return t('detect.patterns.brute_force');
    case 'password_spray':
      return t('detect.patterns.password_spray');
    case 'credential_stuffing':
      return t('detect.patterns.credential_stuffing');
    case 'user_enumeration':
      return t('detect.patterns.user_enumeration');
    case 'port_scan':
      return t('detect.patterns.port_scan');
    case 'web_scan':
      return t('detect.patterns.web_scan');
    case 'request_burst':
      return t('detect.patterns.request_burst');
    default:
      return pattern;
  }
}

/** The original record as text: a log line as it was, a JSON record indented. */
export function originalText(original: unknown): string {
  if (typeof original === 'string') return original;
  try {
    return JSON.stringify(original, null, 2) ?? String(original);
  } catch {
    return String(original);
  }
}

/** An actor as the audit trail names it ('user:marie', 'cli:ops', 'system'), shown as people read it. */
export function actorName(label: string): string {
  return label.startsWith('user:') ? label.slice('user:'.length) : label;
}
