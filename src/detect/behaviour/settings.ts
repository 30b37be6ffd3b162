/**
 * Thresholds of the behavioural detectors, per organisation, as validated data; and the
 * per-entity / per-pattern overrides that analysts' verdicts create (`applyVerdict`), each
 * change described so the server can audit it and undo it (`undoChange`).
 */
import { z } from 'zod';
import type { LocalizedText } from '../../core/index.js';
import { normaliseIp, normaliseUser } from './observation.js';

export const BEHAVIOUR_PATTERNS = [
  'brute_force',
  'password_spray',
  'credential_stuffing',
  'user_enumeration',
  'port_scan',
  'web_scan',
  'request_burst',
] as const;
export type BehaviourPattern = (typeof BEHAVIOUR_PATTERNS)[number];

/** What each pattern's alerts are keyed on: the entity an override names. */
export const ENTITY_KINDS = ['user', 'ip', 'service'] as const;
export type BehaviourEntityKind = (typeof ENTITY_KINDS)[number];
export const PATTERN_ENTITY: Readonly<Record<BehaviourPattern, BehaviourEntityKind>> = {
  brute_force: 'user',
  password_spray: 'ip',
  credential_stuffing: 'service',
  user_enumeration: 'ip',
  port_scan: 'ip',
  web_scan: 'ip',
  request_burst: 'ip',
};

const MINUTE = 60_000;
const ms = z
  .number()
  .int()
  .min(1000)
  .max(7 * 24 * 60 * MINUTE);
const count = z.number().int().min(2).max(1_000_000);

export const overrideSchema = z.strictObject({
  pattern: z.enum(BEHAVIOUR_PATTERNS),
  entity: z.strictObject({ kind: z.enum(ENTITY_KINDS), value: z.string().min(1).max(256) }),
  /** Multiplies the pattern's count thresholds for this entity (2 = twice as many needed). */
  scale: z.number().min(0.1).max(1000).default(1),
  /** No alert at all for this entity on this pattern. */
  suppress: z.boolean().default(false),
});
export type BehaviourOverride = z.infer<typeof overrideSchema>;

export const behaviourSettingsSchema = z.strictObject({
  /** Entities kept per detector; beyond it the least recently seen is evicted (and counted). */
  maxEntities: z.number().int().min(10).max(10_000_000).default(50_000),
  /** Occurrences kept per entity window; a window fuller than this is already far past any threshold. */
  maxEventsPerEntity: z.number().int().min(10).max(1_000_000).default(10_000),
  /** An episode ends after this long without qualifying activity; the next crossing opens a new alert. */
  cooldownMs: ms.default(15 * MINUTE),
  bruteForce: z.strictObject({ windowMs: ms.default(5 * MINUTE), minFailures: count.default(5) }).prefault({}),
  passwordSpray: z
    .strictObject({
      windowMs: ms.default(30 * MINUTE),
      minAccounts: count.default(8),
      maxAttemptsPerAccount: z.number().min(1).max(1000).default(3),
    })
    .prefault({}),
  credentialStuffing: z
    .strictObject({
      windowMs: ms.default(10 * MINUTE),
      minSources: count.default(10),
      minAccounts: count.default(10),
      maxAttemptsPerAccount: z.number().min(1).max(1000).default(3),
      maxAttemptsPerSource: z.number().min(1).max(1000).default(5),
    })
    .prefault({}),
  userEnumeration: z
    .strictObject({ windowMs: ms.default(10 * MINUTE), minUnknownUsers: count.default(10) })
    .prefault({}),
  portScan: z
    .strictObject({ windowMs: ms.default(MINUTE), minPorts: count.default(20), minHosts: count.default(20) })
    .prefault({}),
  webScan: z
    .strictObject({
      windowMs: ms.default(5 * MINUTE),
      minPaths: count.default(50),
      minErrorRatio: z.number().min(0).max(1).default(0.2),
    })
    .prefault({}),
  requestBurst: z
    .strictObject({
      /** Requests are counted per source in buckets of this length. */
      bucketMs: ms.default(MINUTE),
      minRequests: count.default(120),
      /** How many times the baseline (the source's own, or the site's per-source mean) a bucket must reach. */
      factor: z.number().min(1.5).max(1000).default(10),
      /** Weight of the newest bucket in the moving baselines. */
      alpha: z.number().gt(0).max(1).default(0.1),
    })
    .prefault({}),
  overrides: z.array(overrideSchema).max(10_000).default([]),
});
export type BehaviourSettings = z.infer<typeof behaviourSettingsSchema>;
export type BehaviourSettingsInput = z.input<typeof behaviourSettingsSchema>;

/** Validated settings with every default filled in; throws a ZodError naming the bad field. */
export function parseBehaviourSettings(input: unknown = {}): BehaviourSettings {
  return behaviourSettingsSchema.parse(input);
}

/** The form an entity is compared in: users without domain, IPs without the IPv6 mapping. */
export function entityKey(kind: BehaviourEntityKind, value: string): string {
  switch (kind) {
    case 'user':
      return normaliseUser(value);
    case 'ip':
      return normaliseIp(value);
    case 'service':
      return value.trim().toLowerCase();
  }
}

/** The override for this pattern and entity, if any (the last one wins, as `applyVerdict` keeps one). */
export function findOverride(
  settings: BehaviourSettings,
  pattern: BehaviourPattern,
  key: string,
): BehaviourOverride | undefined {
  const kind = PATTERN_ENTITY[pattern];
  for (let i = settings.overrides.length - 1; i >= 0; i--) {
    const o = settings.overrides[i] as BehaviourOverride;
    if (o.pattern === pattern && o.entity.kind === kind && entityKey(kind, o.entity.value) === key) return o;
  }
  return undefined;
}

export const verdictSchema = z.strictObject({
  pattern: z.enum(BEHAVIOUR_PATTERNS),
  entity: z.strictObject({ kind: z.enum(ENTITY_KINDS), value: z.string().min(1).max(256) }),
  verdict: z.enum(['true_positive', 'false_positive']),
  /** For a false positive: silence the entity on this pattern instead of raising its threshold. */
  suppress: z.boolean().default(false),
  /** The alert's main count (`BehaviourAlert.observed`): a false positive raises the threshold above it. */
  observed: z.number().int().min(0).optional(),
});
export type BehaviourVerdict = z.input<typeof verdictSchema>;

/** What a verdict changed, enough to audit it and to undo it. */
export interface BehaviourSettingsChange {
  readonly pattern: BehaviourPattern;
  readonly entity: { readonly kind: BehaviourEntityKind; readonly value: string };
  readonly before: BehaviourOverride | null;
  readonly after: BehaviourOverride | null;
  readonly description: LocalizedText;
}

const MIN_SCALE = 0.25;
const MAX_SCALE = 1000;

/**
 * A verdict on an alert, turned into an override. False positive: the entity's threshold
 * doubles (and is raised above `observed` when given), or the entity is suppressed. True
 * positive: the threshold halves (never below a quarter of the default) and a suppression is lifted.
 * Pure: returns new settings and the change; the input is not modified.
 */
export function applyVerdict(
  settings: BehaviourSettings,
  verdictInput: BehaviourVerdict,
): { settings: BehaviourSettings; change: BehaviourSettingsChange } {
  const verdict = verdictSchema.parse(verdictInput);
  const key = entityKey(verdict.entity.kind, verdict.entity.value);
  if (verdict.entity.kind !== PATTERN_ENTITY[verdict.pattern])
    throw new Error(
      `${verdict.pattern} alerts are about a ${PATTERN_ENTITY[verdict.pattern]}, not a ${verdict.entity.kind}`,
    );
  const before = findOverride(settings, verdict.pattern, key) ?? null;
  const scale = before?.scale ?? 1;
  let after: BehaviourOverride;
  if (verdict.verdict === 'false_positive') {
    if (verdict.suppress) after = { pattern: verdict.pattern, entity: verdict.entity, scale, suppress: true };
    else {
      const base = primaryThreshold(settings, verdict.pattern);
      const needed = verdict.observed === undefined ? 0 : (verdict.observed + 1) / base;
      after = {
        pattern: verdict.pattern,
        entity: verdict.entity,
        scale: Math.min(MAX_SCALE, Math.max(scale * 2, needed)),
        suppress: false,
      };
    }
  } else {
    after = {
      pattern: verdict.pattern,
      entity: verdict.entity,
      scale: before?.suppress ? scale : Math.max(MIN_SCALE, scale / 2),
      suppress: false,
    };
  }
  const next = replaceOverride(settings, verdict.pattern, key, after);
  return {
    settings: next,
    change: {
      pattern: verdict.pattern,
      entity: verdict.entity,
      before,
      after,
      description: describe(verdict.pattern, verdict.entity.value, before, after),
    },
  };
}

/** Puts back what `change` replaced: the settings as they were for that pattern and entity. */
export function undoChange(settings: BehaviourSettings, change: BehaviourSettingsChange): BehaviourSettings {
  const key = entityKey(change.entity.kind, change.entity.value);
  return replaceOverride(settings, change.pattern, key, change.before);
}

function replaceOverride(
  settings: BehaviourSettings,
  pattern: BehaviourPattern,
  key: string,
  override: BehaviourOverride | null,
): BehaviourSettings {
  const kind = PATTERN_ENTITY[pattern];
  const kept = settings.overrides.filter(
    (o) => !(o.pattern === pattern && o.entity.kind === kind && entityKey(kind, o.entity.value) === key),
  );
  return { ...settings, overrides: override ? [...kept, override] : kept };
}

/** The count a pattern's main threshold asks for by default (what `observed` is compared with). */
export function primaryThreshold(settings: BehaviourSettings, pattern: BehaviourPattern): number {
  switch (pattern) {
    case 'brute_force':
      return settings.bruteForce.minFailures;
    case 'password_spray':
      return settings.passwordSpray.minAccounts;
    case 'credential_stuffing':
      return settings.credentialStuffing.minAccounts;
    case 'user_enumeration':
      return settings.userEnumeration.minUnknownUsers;
    case 'port_scan':
      return settings.portScan.minPorts;
    case 'web_scan':
      return settings.webScan.minPaths;
    case 'request_burst':
      return settings.requestBurst.minRequests;
  }
}

function describe(
  pattern: BehaviourPattern,
  entity: string,
  before: BehaviourOverride | null,
  after: BehaviourOverride | null,
): LocalizedText {
  const state = (o: BehaviourOverride | null, lang: 'fr' | 'en') =>
    o === null
      ? lang === 'fr'
        ? 'seuils par défaut'
        : 'default thresholds'
      : o.suppress
        ? lang === 'fr'
          ? 'alertes supprimées'
          : 'alerts suppressed'
        : lang === 'fr'
          ? `seuils ×${o.scale}`
          : `thresholds ×${o.scale}`;
  return {
    fr: `${pattern} pour « ${entity} » : ${state(before, 'fr')} → ${state(after, 'fr')}`,
    en: `${pattern} for "${entity}": ${state(before, 'en')} → ${state(after, 'en')}`,
  };
}
