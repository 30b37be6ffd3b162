/**
 * The Detect service: log batches in (HTTP, syslog listener, file import) → normalised events
 * → Sigma rules, correlations and behavioural detectors → alerts → incidents per entity and
 * hour, with alerts and incidents also recorded as core Findings.
 *
 * Durability: a batch is written whole — events, alerts, incidents, findings and its audit
 * entry — in ONE transaction, and acknowledged only after it commits. The engines' memory
 * (correlation windows, behavioural counts and episodes) is rebuilt from the store: at start,
 * after any change of rules or thresholds, and after a batch whose transaction failed, by
 * replaying the events received in the last `replayMinutes` (at most `replayMaxEvents`, the
 * oldest first). Nothing acknowledged is lost by a kill; a window longer than the replay span
 * forgets what came before it.
 *
 * Time: events carry their sources' clocks, which disagree. Within a batch, events are fed to
 * the engines — and stored, so that a replay feeds them alike — in event-time order (ties keep
 * the batch's order). Across batches, the correlator does not let the newest event time seen
 * close other groups' windows (a source running ahead would close everybody's): `closeWindows`
 * closes, by the service's clock, the windows that ended more than `windowGraceMs` ago. Matches
 * still older than their group's window, or than the behavioural engine's, are dropped by the
 * engines and counted in the batch's result (`late`), never silently.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  type Clock,
  type Entities,
  type Evidence,
  type FindingInput,
  type LocalizedText,
  newId,
  type Severity,
  severityRank,
  VigieError,
} from '../core/index.js';
import {
  ATTACK_TACTICS,
  applyVerdict,
  type BehaviourAlert,
  type BehaviourEngine,
  type BehaviourEntityKind,
  type BehaviourOverride,
  type BehaviourPattern,
  type BehaviourSettings,
  behaviourFinding,
  type CorrelationAlert,
  type Correlator,
  compileRuleTexts,
  createBehaviourEngine,
  createCorrelator,
  type DetectLineFormat,
  type DetectMatch,
  fromEcsEvent,
  fromWindowsEvent,
  PATTERN_ENTITY,
  parseBehaviourSettings,
  type RuleProblem,
  type RuleSet,
  type RuleText,
  techniqueName,
  undoChange,
} from '../detect/index.js';
import type {
  DetectAlertRecord,
  DetectEventRecord,
  DetectIncidentRecord,
  DetectThresholdChangeRecord,
  Repositories,
  Store,
} from '../store/index.js';
import { type ActionContext, actorLabel } from './actor.js';
import {
  at,
  eventEntities,
  eventTime,
  type InputProblem,
  incidentKeys,
  mergeEntities,
  type ParsedInput,
  readLines,
  readRecords,
} from './detect-events.js';
import { originOf, packFileKey, readRuleFolder } from './detect-rules.js';
import type { createFindings } from './findings.js';

export const DETECT_ALERT_KINDS = ['rule', 'correlation', 'behaviour'] as const;
export type DetectAlertKind = (typeof DETECT_ALERT_KINDS)[number];
export const DETECT_VERDICTS = ['true_positive', 'false_positive'] as const;
export type DetectVerdict = (typeof DETECT_VERDICTS)[number];
export const INCIDENT_STATUSES = ['new', 'investigating', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
export const INCIDENT_RESOLUTIONS = ['true_positive', 'false_positive', 'benign'] as const;
export type IncidentResolution = (typeof INCIDENT_RESOLUTIONS)[number];

/** Where a batch came from: the API, the syslog listener, a file import. */
export const DETECT_SOURCE_PATTERN = /^[A-Za-z0-9._:@/-]{1,128}$/;

export interface DetectOptions {
  /** Folder of Sigma rules read at start (VIGIE_DETECT_RULES_DIR); none by default. */
  readonly rulesDir?: string | undefined;
  /** Minutes of stored events replayed to rebuild engine state (default 60). */
  readonly replayMinutes?: number;
  /** Events replayed at most (default 100,000). */
  readonly replayMaxEvents?: number;
  /** An alert joins an open incident of the same entity whose last alert is at most this old (default 1 h). */
  readonly incidentGapMs?: number;
  /** Records or lines per batch at most (default 10,000). */
  readonly maxBatch?: number;
  /** How long after its end (by the clock) a correlation window waits for late batches before it closes (default 1 min). */
  readonly windowGraceMs?: number;
}

export interface DetectBatchInput {
  /** JSON records (ECS, Winlogbeat, evtx_dump...), or... */
  readonly records?: readonly unknown[] | undefined;
  /** ...text lines (syslog, access logs, CEF, JSON lines). */
  readonly lines?: readonly string[] | undefined;
  readonly format?: DetectLineFormat | undefined;
  /** A short label of the sender (`api`, `syslog-udp`, `file:auth.log`). */
  readonly source: string;
  /** The year RFC 3164 timestamps are read in (they carry none): the current year by default. */
  readonly year?: number | undefined;
}

export interface DetectIngestResult {
  readonly batchId: string;
  readonly received: number;
  readonly accepted: number;
  /** Records or lines that could not be read, by their index in the batch. */
  readonly rejected: readonly InputProblem[];
  /** Accepted events that the behavioural detectors could not use (and why): they still met the rules. */
  readonly behaviourSkipped: readonly InputProblem[];
  /** Rule matches (correlations) and observations (behaviour) older than the engines' windows: dropped, counted. */
  readonly late: { readonly correlation: number; readonly behaviour: number };
  readonly alerts: { readonly created: number; readonly updated: number };
  readonly incidents: readonly string[];
}

export interface DetectAttack {
  readonly techniques: readonly { readonly id: string; readonly name: string | null }[];
  readonly tactics: readonly { readonly id: string; readonly name: string }[];
}

export interface DetectAlertView {
  readonly id: string;
  readonly kind: DetectAlertKind;
  readonly ruleId: string;
  readonly title: LocalizedText;
  readonly level: string | null;
  readonly severity: Severity;
  readonly score: number;
  readonly attack: DetectAttack;
  readonly entities: Entities;
  readonly eventIds: readonly string[];
  readonly reasons: readonly Evidence[];
  readonly details: Record<string, unknown>;
  readonly source: string;
  readonly firstTime: string;
  readonly lastTime: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly status: 'open' | 'triaged';
  readonly verdict: DetectVerdict | null;
  readonly verdictBy: string | null;
  readonly verdictAt: string | null;
  readonly verdictNote: string | null;
  readonly incidentId: string;
  readonly findingId: string | null;
}

export interface DetectEventView {
  readonly id: string;
  readonly receivedAt: string;
  readonly eventTime: string;
  readonly source: string;
  readonly format: string;
  readonly original: unknown;
  readonly event: unknown;
}

export interface DetectIncidentView {
  readonly id: string;
  readonly title: LocalizedText;
  readonly entity: { readonly kind: string; readonly value: string };
  readonly firstTime: string;
  readonly lastTime: string;
  readonly severity: Severity;
  readonly status: IncidentStatus;
  readonly resolution: IncidentResolution | null;
  readonly assignee: string | null;
  readonly alertCount: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly findingId: string | null;
}

export interface DetectIncidentDetail extends DetectIncidentView {
  readonly timeline: ReadonlyArray<DetectAlertView & { readonly events: readonly DetectEventView[] }>;
  readonly entities: Entities;
  readonly attack: DetectAttack;
  readonly notes: readonly {
    readonly id: string;
    readonly at: string;
    readonly author: string;
    readonly text: string;
  }[];
}

export interface DetectRuleView {
  readonly id: string;
  readonly kind: 'rule' | 'correlation';
  readonly title: string;
  readonly level: string | null;
  readonly status: string | null;
  readonly origin: string;
  readonly originName: string;
  readonly file: string;
  readonly line: number;
  readonly enabled: boolean;
  readonly attack: DetectAttack;
}

export interface DetectRuleProblemView {
  readonly origin: string;
  readonly originName: string;
  readonly file: string;
  readonly line: number;
  readonly rule: string | null;
  readonly reason: string;
  readonly kind: string;
}

export interface DetectChangeView {
  readonly id: string;
  readonly at: string;
  readonly actor: string;
  readonly alertId: string | null;
  readonly verdict: string;
  readonly pattern: string;
  readonly entity: { readonly kind: string; readonly value: string };
  readonly before: BehaviourOverride | null;
  readonly after: BehaviourOverride | null;
  readonly description: LocalizedText;
  readonly undoneAt: string | null;
  readonly undoneBy: string | null;
}

/** What an alert is before it is stored: the view's own fields, with times still in milliseconds. */
interface AlertDraft
  extends Pick<
    DetectAlertView,
    | 'kind'
    | 'ruleId'
    | 'title'
    | 'level'
    | 'severity'
    | 'score'
    | 'attack'
    | 'entities'
    | 'eventIds'
    | 'reasons'
    | 'details'
  > {
  readonly episode: string | null;
  readonly firstTime: number;
  readonly lastTime: number;
  readonly finding: FindingInput;
}

interface Engines {
  readonly set: RuleSet;
  readonly correlator: Correlator;
  readonly behaviour: BehaviourEngine;
  readonly ruleNames: ReadonlyMap<string, string>;
  readonly packNames: ReadonlyMap<string, string>;
  readonly folderProblems: readonly RuleProblem[];
  enabled: Map<string, boolean>;
}

const BEHAVIOUR_SETTINGS_KEY = 'detect.behaviour';
const MAX_EVENT_REFS = 50;
const TIMELINE_EVENTS_PER_ALERT = 5;

const LEVEL_SEVERITY: Record<string, Severity> = {
  informational: 'low',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
};
const SEVERITY_SCORE: Record<Severity, number> = { low: 0.3, medium: 0.5, high: 0.7, critical: 0.9 };

const iso = (ms: number) => new Date(ms).toISOString();
const maxSeverity = (a: Severity, b: Severity): Severity => (severityRank(a) >= severityRank(b) ? a : b);
/** Evidence and titles are bounded in core Findings. */
/** Another analyst (or session) moved the incident after this one read it. */
const changedMeanwhile = () =>
  new VigieError('VIGIE_ERR_CONFLICT', 'The incident was changed by someone else meanwhile: reload it and try again.');
const bounded = (text: string, max = 1900) => (text.length > max ? `${text.slice(0, max)}…` : text) || '-';

function attackOf(tags: readonly string[], techniqueIds: readonly string[] = []): DetectAttack {
  const ids = new Set<string>(techniqueIds.map((t) => t.toUpperCase()));
  const tactics: { id: string; name: string }[] = [];
  for (const tag of tags) {
    const lower = tag.toLowerCase();
    if (!lower.startsWith('attack.')) continue;
    const rest = lower.slice(7);
    if (/^t\d{4}(\.\d{3})?$/.test(rest)) ids.add(rest.toUpperCase());
    else {
      const name = rest.replace(/-/g, '_');
      const tactic = Object.hasOwn(ATTACK_TACTICS, name) ? ATTACK_TACTICS[name] : undefined;
      if (tactic && !tactics.some((t) => t.id === tactic.id)) tactics.push({ id: tactic.id, name: tactic.name });
    }
  }
  return { techniques: [...ids].map((id) => ({ id, name: techniqueName(id) ?? null })), tactics };
}

function mergeAttack(all: readonly DetectAttack[]): DetectAttack {
  const techniques = new Map<string, string | null>();
  const tactics = new Map<string, string>();
  for (const a of all) {
    for (const t of a.techniques) techniques.set(t.id, t.name);
    for (const t of a.tactics) tactics.set(t.id, t.name);
  }
  return {
    techniques: [...techniques].map(([id, name]) => ({ id, name })),
    tactics: [...tactics].map(([id, name]) => ({ id, name })),
  };
}

/** Technique ids a core Finding accepts. */
const findingTechniques = (attack: DetectAttack) =>
  attack.techniques
    .map((t) => t.id)
    .filter((id) => /^T\d{4}(\.\d{3})?$/.test(id))
    .slice(0, 50);

/** The core Finding a Sigma rule match or correlation raises: it says what the alert says. */
function sigmaFinding(
  kind: 'sigma.match' | 'sigma.correlation',
  alert: { severity: Severity; title: string; reasons: Evidence[]; entities: Entities; attack: DetectAttack },
  observedAt: number,
): FindingInput {
  return {
    module: 'detect',
    kind,
    severity: alert.severity,
    score: SEVERITY_SCORE[alert.severity],
    title: { fr: alert.title, en: alert.title },
    evidence: alert.reasons,
    entities: alert.entities,
    techniques: findingTechniques(alert.attack),
    observedAt: iso(observedAt),
  };
}

function isWindowsEvent(event: unknown): boolean {
  return at(event, 'Event', 'System') !== undefined || at(event, 'winlog') !== undefined;
}

function ruleDraft(match: DetectMatch, eventId: string, time: number, entities: Entities): AlertDraft {
  const severity = LEVEL_SEVERITY[match.level ?? ''] ?? 'medium';
  const attack = attackOf(match.tags, match.attack.techniques);
  const title = bounded(match.ruleTitle || match.ruleId, 500);
  const reasons: Evidence[] = [
    {
      code: 'detect.sigma.match',
      weight: SEVERITY_SCORE[severity],
      message: {
        fr: bounded(
          `L’événement correspond à la règle Sigma « ${title} » (${match.ruleId}, niveau ${match.level ?? 'non précisé'}).`,
        ),
        en: bounded(
          `The event matches the Sigma rule "${title}" (${match.ruleId}, level ${match.level ?? 'unspecified'}).`,
        ),
      },
      data: { ruleId: match.ruleId, level: match.level ?? null, tags: [...match.tags].slice(0, 50) },
    },
  ];
  return {
    kind: 'rule',
    episode: null,
    ruleId: match.ruleId,
    title: { fr: title, en: title },
    level: match.level ?? null,
    severity,
    score: SEVERITY_SCORE[severity],
    attack,
    entities,
    eventIds: [eventId],
    reasons,
    details: { tags: [...match.tags] },
    firstTime: time,
    lastTime: time,
    finding: sigmaFinding('sigma.match', { severity, title, reasons, entities, attack }, time),
  };
}

/** Entities from a correlation's group-by values (a field named like a user, host or address). */
function groupEntities(group: Readonly<Record<string, string>>): Entities {
  const users: string[] = [];
  const hosts: string[] = [];
  const ips: string[] = [];
  for (const [field, value] of Object.entries(group)) {
    const name = field.toLowerCase();
    if (/user|account|logon/.test(name)) users.push(value.slice(0, 256));
    else if (/ip$|ipaddress|address|src|source/.test(name)) ips.push(value.slice(0, 64));
    else if (/host|computer|workstation|device/.test(name)) hosts.push(value.slice(0, 256));
  }
  return mergeEntities({ users, hosts, ips });
}

function correlationDraft(alert: CorrelationAlert, trigger: Entities): AlertDraft {
  const severity = LEVEL_SEVERITY[alert.level ?? ''] ?? 'high';
  const attack = attackOf(alert.tags);
  const entities = mergeEntities(groupEntities(alert.group), trigger);
  const title = bounded(alert.correlationTitle || alert.correlationId, 500);
  const group = Object.entries(alert.group)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const condition = alert.condition.map((c) => `${c.op} ${c.value}`).join(' & ');
  const reasons: Evidence[] = [
    {
      code: 'detect.sigma.correlation',
      weight: SEVERITY_SCORE[severity],
      message: {
        fr: bounded(
          `Corrélation « ${title} » (${alert.type}) : valeur ${alert.value} (condition ${condition}) entre ${iso(alert.windowStart)} et ${iso(alert.windowEnd)}${group ? ` pour ${group}` : ''}, ${alert.contributorCount} événement(s).`,
        ),
        en: bounded(
          `Correlation "${title}" (${alert.type}): value ${alert.value} (condition ${condition}) between ${iso(alert.windowStart)} and ${iso(alert.windowEnd)}${group ? ` for ${group}` : ''}, ${alert.contributorCount} event(s).`,
        ),
      },
      data: {
        correlationId: alert.correlationId,
        type: alert.type,
        value: alert.value,
        group: { ...alert.group },
        rules: [...alert.rules],
        contributorCount: alert.contributorCount,
      },
    },
  ];
  const eventIds = [...new Set(alert.contributors.map((c) => c.ref).filter((r): r is string => r !== undefined))];
  return {
    kind: 'correlation',
    episode: null,
    ruleId: alert.correlationId,
    title: { fr: title, en: title },
    level: alert.level ?? null,
    severity,
    score: SEVERITY_SCORE[severity],
    attack,
    entities,
    eventIds: eventIds.slice(-MAX_EVENT_REFS),
    reasons,
    details: {
      type: alert.type,
      group: { ...alert.group },
      value: alert.value,
      condition: alert.condition.map((c) => ({ ...c })),
      windowStart: iso(alert.windowStart),
      windowEnd: iso(alert.windowEnd),
      contributorCount: alert.contributorCount,
      rules: [...alert.rules],
    },
    firstTime: alert.windowStart,
    lastTime: alert.windowEnd,
    finding: sigmaFinding('sigma.correlation', { severity, title, reasons, entities, attack }, alert.windowEnd),
  };
}

function behaviourDraft(alert: BehaviourAlert, eventId: string): AlertDraft {
  const attack = attackOf([], alert.techniques);
  const entities = mergeEntities(alert.entities);
  return {
    kind: 'behaviour',
    episode: alert.id,
    ruleId: alert.pattern,
    title: alert.title,
    level: null,
    severity: alert.severity,
    score: alert.score,
    attack,
    entities,
    eventIds: [eventId],
    reasons: alert.reasons.slice(0, 200),
    details: {
      pattern: alert.pattern,
      entity: { ...alert.entity },
      windowMs: alert.windowMs,
      observed: alert.observed,
      threshold: alert.threshold,
      counts: { ...alert.counts },
      ...(alert.baseline ? { baseline: { ...alert.baseline } } : {}),
    },
    firstTime: alert.firstTime,
    lastTime: alert.lastTime,
    finding: { ...behaviourFinding(alert), entities },
  };
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function toAlertView(r: DetectAlertRecord): DetectAlertView {
  return {
    id: r.id,
    kind: r.kind as DetectAlertKind,
    ruleId: r.ruleId,
    title: parseJson<LocalizedText>(r.title, { fr: r.ruleId, en: r.ruleId }),
    level: r.level,
    severity: r.severity as Severity,
    score: r.score,
    attack: parseJson<DetectAttack>(r.attack, { techniques: [], tactics: [] }),
    entities: parseJson<Entities>(r.entities, {}),
    eventIds: parseJson<string[]>(r.eventIds, []),
    reasons: parseJson<Evidence[]>(r.reasons, []),
    details: parseJson<Record<string, unknown>>(r.details, {}),
    source: r.source,
    firstTime: r.firstTime,
    lastTime: r.lastTime,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    status: r.verdict === null ? 'open' : 'triaged',
    verdict: r.verdict as DetectVerdict | null,
    verdictBy: r.verdictBy,
    verdictAt: r.verdictAt,
    verdictNote: r.verdictNote,
    incidentId: r.incidentId,
    findingId: r.findingId,
  };
}

function toEventView(r: DetectEventRecord): DetectEventView {
  return {
    id: r.id,
    receivedAt: r.receivedAt,
    eventTime: r.eventTime,
    source: r.source,
    format: r.format,
    original: parseJson<unknown>(r.original, null),
    event: parseJson<unknown>(r.event, null),
  };
}

function incidentTitle(kind: string, value: string): LocalizedText {
  switch (kind) {
    case 'host':
      return { fr: `Incident sur l’hôte ${value}`, en: `Incident on host ${value}` };
    case 'user':
      return { fr: `Incident sur le compte ${value}`, en: `Incident on account ${value}` };
    case 'ip':
      return { fr: `Incident depuis l’adresse ${value}`, en: `Incident from address ${value}` };
    default:
      return { fr: 'Incident sans entité identifiée', en: 'Incident with no identified entity' };
  }
}

function toIncidentView(r: DetectIncidentRecord): DetectIncidentView {
  return {
    id: r.id,
    title: incidentTitle(r.entityKind, r.entityValue),
    entity: { kind: r.entityKind, value: r.entityValue },
    firstTime: r.firstTime,
    lastTime: r.lastTime,
    severity: r.severity as Severity,
    status: r.status as IncidentStatus,
    resolution: r.resolution as IncidentResolution | null,
    assignee: r.assignee,
    alertCount: r.alertCount,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    findingId: r.findingId,
  };
}

function toChangeView(r: DetectThresholdChangeRecord): DetectChangeView {
  return {
    id: r.id,
    at: r.at,
    actor: r.actor,
    alertId: r.alertId,
    verdict: r.verdict,
    pattern: r.pattern,
    entity: { kind: r.entityKind, value: r.entityValue },
    before: parseJson<BehaviourOverride | null>(r.before, null),
    after: parseJson<BehaviourOverride | null>(r.after, null),
    description: parseJson<LocalizedText>(r.description, { fr: '', en: '' }),
    undoneAt: r.undoneAt,
    undoneBy: r.undoneBy,
  };
}

/** A closed window's identity: the same correlation, group and span give the same key. */
function windowKey(alert: CorrelationAlert): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([alert.correlationId, alert.group, alert.windowStart, alert.windowEnd]))
    .digest('hex');
  return `window:${digest.slice(0, 32)}`;
}

let sequence = 0;
/** Ids that sort in creation order (time, then a counter), so "a later change" is well defined. */
function sortableId(ms: number): string {
  sequence = (sequence + 1) % 1_000_000;
  return `${ms.toString().padStart(15, '0')}-${sequence.toString().padStart(6, '0')}-${newId().slice(0, 8)}`;
}

/** Allowed moves of the incident workflow (a resolved incident may be reopened). */
const TRANSITIONS: Record<IncidentStatus, readonly IncidentStatus[]> = {
  new: ['investigating', 'resolved'],
  investigating: ['resolved'],
  resolved: ['investigating'],
};

function validationError(message: string, error: unknown): VigieError {
  if (error instanceof z.ZodError) return new VigieError('VIGIE_ERR_VALIDATION', message, { issues: error.issues });
  return new VigieError(
    'VIGIE_ERR_VALIDATION',
    `${message}: ${error instanceof Error ? error.message : String(error)}`,
  );
}

export function createDetectService(
  store: Store,
  clock: Clock,
  findings: ReturnType<typeof createFindings>,
  options: DetectOptions = {},
) {
  const rulesDir = options.rulesDir ?? null;
  const replayMs = (options.replayMinutes ?? 60) * 60_000;
  const replayMax = options.replayMaxEvents ?? 100_000;
  const gapMs = options.incidentGapMs ?? 3_600_000;
  const maxBatch = options.maxBatch ?? 10_000;
  const graceMs = Math.max(0, options.windowGraceMs ?? 60_000);
  let engines: Engines | undefined;
  let building: Promise<Engines> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let lastReplay = { events: 0, truncated: false };

  /** Mutations run one at a time: engine state follows the order batches are stored in. */
  function serial<T>(work: () => Promise<T>): Promise<T> {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  }

  async function behaviourSettings(repos: Repositories = store): Promise<BehaviourSettings> {
    const stored = await repos.settings.get(BEHAVIOUR_SETTINGS_KEY);
    if (!stored) return parseBehaviourSettings({});
    try {
      return parseBehaviourSettings(stored.value);
    } catch {
      // Settings written by an older version that no longer validate: the defaults run, visibly in the logs of PUT.
      return parseBehaviourSettings({});
    }
  }

  /** Every rule text in force: the folder's, then the imported packs'. */
  async function ruleTexts(): Promise<{
    texts: RuleText[];
    folderProblems: RuleProblem[];
    packNames: Map<string, string>;
  }> {
    const folder = rulesDir ? readRuleFolder(rulesDir) : { texts: [], problems: [] };
    const packs = await store.detect.packs();
    const packNames = new Map(packs.map((p) => [p.id, p.name]));
    const texts = [...folder.texts];
    for (const file of await store.detect.packFiles())
      texts.push({ file: packFileKey(file.packId, file.path), text: file.text });
    return { texts, folderProblems: folder.problems, packNames };
  }

  function problemRows(e: Pick<Engines, 'set' | 'folderProblems' | 'packNames'>) {
    return [...e.folderProblems, ...e.set.problems].map((p) => {
      const origin = originOf(p.file, e.packNames, rulesDir);
      return {
        id: newId(),
        origin: origin.origin,
        file: origin.path,
        line: p.line,
        rule: p.rule ?? null,
        reason: p.reason,
        kind: p.kind,
      };
    });
  }

  /** Feeds one event to the engines; returns the alerts it raises. */
  function observe(e: Engines, event: Record<string, unknown>, eventId: string, time: number) {
    const drafts: AlertDraft[] = [];
    let skipped: string | undefined;
    const entities = eventEntities(event);
    for (const match of e.set.detector.match(event)) {
      if (e.enabled.get(match.ruleId) === false) continue;
      if (e.correlator.keepsOwnAlerts(match.ruleId)) drafts.push(ruleDraft(match, eventId, time, entities));
      for (const c of e.correlator.observe({
        ruleId: match.ruleId,
        ruleName: e.ruleNames.get(match.ruleId),
        time,
        event,
        ref: eventId,
      })) {
        if (e.enabled.get(c.correlationId) !== false) drafts.push(correlationDraft(c, entities));
      }
    }
    const adapted = isWindowsEvent(event) ? fromWindowsEvent(event) : fromEcsEvent(event);
    if (!adapted.ok) skipped = adapted.reason;
    else {
      for (const o of adapted.observations)
        for (const alert of e.behaviour.observe(o)) drafts.push(behaviourDraft(alert, eventId));
    }
    return { drafts, skipped };
  }

  async function build(): Promise<Engines> {
    const { texts, folderProblems, packNames } = await ruleTexts();
    const set = compileRuleTexts(texts);
    const ruleNames = new Map<string, string>();
    for (const compiled of set.compiled) if (compiled.rule.name) ruleNames.set(compiled.rule.id, compiled.rule.name);
    const built: Engines = {
      set,
      // Windows close by the clock (`closeWindows`), not by whichever source's events are newest.
      correlator: createCorrelator(set.correlations, { expireByEventTime: false }),
      behaviour: createBehaviourEngine(await behaviourSettings()),
      ruleNames,
      packNames,
      folderProblems,
      enabled: await store.detect.ruleStates(),
    };
    // The folder may have changed since the last start: its failures are the ones in force now.
    await store.detect.replaceProblems(problemRows(built));
    // Replay: what the windows and episodes held before the restart (alerts were stored then).
    const since = iso(clock().getTime() - replayMs);
    let replayed = 0;
    let after: { receivedAt: string; batchId: string; position: number } | undefined;
    for (;;) {
      const page = await store.detect.eventsReceivedSince(since, Math.min(1000, replayMax - replayed), after);
      for (const row of page) {
        const event = parseJson<Record<string, unknown> | null>(row.event, null);
        const time = Date.parse(row.eventTime);
        if (event && Number.isFinite(time)) observe(built, event, row.id, time);
      }
      replayed += page.length;
      const last = page.at(-1);
      if (!last || page.length < 1000 || replayed >= replayMax) {
        lastReplay = { events: replayed, truncated: replayed >= replayMax && page.length > 0 };
        break;
      }
      after = { receivedAt: last.receivedAt, batchId: last.batchId, position: last.position };
    }
    return built;
  }

  async function current(): Promise<Engines> {
    if (engines) return engines;
    building ??= build().finally(() => {
      building = undefined;
    });
    engines = await building;
    return engines;
  }

  /** Drops engine state: the next use rebuilds it from the store. */
  function forget(): void {
    engines = undefined;
  }

  async function assignIncident(tx: Repositories, draft: AlertDraft, now: string): Promise<DetectIncidentRecord> {
    const keys = incidentKeys(draft.entities);
    const open = await tx.detect.openIncidentsFor(
      keys.map((k) => k.key),
      iso(draft.firstTime - gapMs),
    );
    for (const key of keys) {
      const found = open.find((i) => i.entityKey === key.key);
      if (!found) continue;
      const updated: DetectIncidentRecord = {
        ...found,
        firstTime: draft.firstTime < Date.parse(found.firstTime) ? iso(draft.firstTime) : found.firstTime,
        lastTime: draft.lastTime > Date.parse(found.lastTime) ? iso(draft.lastTime) : found.lastTime,
        severity: maxSeverity(found.severity as Severity, draft.severity),
        alertCount: found.alertCount + 1,
        updatedAt: now,
      };
      await tx.detect.addIncidentActivity(found.id, {
        firstTime: iso(draft.firstTime),
        lastTime: iso(draft.lastTime),
        severity: draft.severity,
        alerts: 1,
        at: now,
      });
      return updated;
    }
    const primary = keys[0] ?? { kind: 'none', value: '', key: 'none:' };
    const title = incidentTitle(primary.kind, primary.value);
    const finding = findings.build({
      module: 'detect',
      kind: 'incident',
      severity: draft.severity,
      score: draft.score,
      title: { fr: bounded(title.fr, 500), en: bounded(title.en, 500) },
      evidence: [
        {
          code: 'detect.incident.opened',
          weight: draft.score,
          message: {
            fr: bounded(`Premier signal : ${draft.title.fr}`),
            en: bounded(`First signal: ${draft.title.en}`),
          },
          data: { entity: { kind: primary.kind, value: primary.value } },
        },
      ],
      entities: draft.entities,
      techniques: findingTechniques(draft.attack),
      observedAt: iso(draft.lastTime),
    });
    await tx.findings.insert(finding);
    const incident: DetectIncidentRecord = {
      id: newId(),
      entityKind: primary.kind,
      entityValue: primary.value,
      entityKey: primary.key,
      firstTime: iso(draft.firstTime),
      lastTime: iso(draft.lastTime),
      severity: draft.severity,
      status: 'new',
      resolution: null,
      assignee: null,
      alertCount: 1,
      createdAt: now,
      updatedAt: now,
      findingId: finding.id,
    };
    await tx.detect.insertIncident(incident);
    return incident;
  }

  /** Stores one alert (or grows the stored alert of the same behavioural episode). */
  async function commitDraft(
    tx: Repositories,
    draft: AlertDraft,
    source: string,
    now: string,
  ): Promise<{ incidentId: string; created: boolean }> {
    const existing = draft.episode ? await tx.detect.alertByEpisode(draft.episode) : undefined;
    if (existing) {
      const eventIds = [...new Set([...parseJson<string[]>(existing.eventIds, []), ...draft.eventIds])].slice(
        -MAX_EVENT_REFS,
      );
      const severity = maxSeverity(existing.severity as Severity, draft.severity);
      if (existing.findingId) {
        const revised = findings.build({ ...draft.finding, severity, score: Math.max(existing.score, draft.score) });
        await tx.findings.revise({ ...revised, id: existing.findingId });
      }
      await tx.detect.growAlert(existing.id, {
        severity,
        score: Math.max(existing.score, draft.score),
        title: JSON.stringify(draft.title),
        entities: JSON.stringify(mergeEntities(parseJson<Entities>(existing.entities, {}), draft.entities)),
        eventIds: JSON.stringify(eventIds),
        reasons: JSON.stringify(draft.reasons),
        details: JSON.stringify(draft.details),
        lastTime: draft.lastTime > Date.parse(existing.lastTime) ? iso(draft.lastTime) : existing.lastTime,
        updatedAt: now,
      });
      await tx.detect.addIncidentActivity(existing.incidentId, {
        firstTime: existing.firstTime,
        lastTime: iso(draft.lastTime),
        severity,
        alerts: 0,
        at: now,
      });
      return { incidentId: existing.incidentId, created: false };
    }
    const incident = await assignIncident(tx, draft, now);
    const finding = findings.build(draft.finding);
    await tx.findings.insert(finding);
    await tx.detect.insertAlert({
      id: newId(),
      episode: draft.episode,
      kind: draft.kind,
      ruleId: draft.ruleId,
      title: JSON.stringify(draft.title),
      level: draft.level,
      severity: draft.severity,
      score: draft.score,
      attack: JSON.stringify(draft.attack),
      entities: JSON.stringify(draft.entities),
      eventIds: JSON.stringify(draft.eventIds),
      reasons: JSON.stringify(draft.reasons),
      details: JSON.stringify(draft.details),
      source,
      firstTime: iso(draft.firstTime),
      lastTime: iso(draft.lastTime),
      createdAt: now,
      updatedAt: now,
      verdict: null,
      verdictBy: null,
      verdictAt: null,
      verdictNote: null,
      incidentId: incident.id,
      findingId: finding.id,
    });
    return { incidentId: incident.id, created: true };
  }

  async function ingestNow(input: DetectBatchInput, context: ActionContext): Promise<DetectIngestResult> {
    const records = input.records;
    const lines = input.lines;
    if ((records === undefined) === (lines === undefined))
      throw new VigieError('VIGIE_ERR_VALIDATION', 'Send either `records` (JSON objects) or `lines` (text), not both.');
    if (!DETECT_SOURCE_PATTERN.test(input.source))
      throw new VigieError('VIGIE_ERR_VALIDATION', 'The source label must be 1-128 letters, digits or . _ : @ / -');
    const received = (records ?? lines ?? []).length;
    if (received > maxBatch)
      throw new VigieError('VIGIE_ERR_BODY_TOO_LARGE', `A batch holds at most ${maxBatch} records or lines.`);
    const now = clock();
    const receivedAt = now.toISOString();
    const year = input.year ?? now.getUTCFullYear();
    const { parsed, problems } = records
      ? readRecords(records, year)
      : readLines(lines ?? [], input.format ?? 'auto', year);
    const batchId = newId();
    const e = await current();
    const rows: DetectEventRecord[] = [];
    const drafts: AlertDraft[] = [];
    const behaviourSkipped: InputProblem[] = [];
    const lateBefore = { correlation: e.correlator.stats.late, behaviour: e.behaviour.stats().late };
    try {
      // Event-time order (a stable sort: ties keep the batch's order), so that a batch merging
      // sources, or sent out of order, does not make its own events look late to the engines.
      const timed = parsed
        .map((item: ParsedInput) => ({ item, time: eventTime(item.event, now.getTime()) ?? now.getTime() }))
        .sort((a, b) => a.time - b.time);
      timed.forEach(({ item, time }, position) => {
        const id = newId();
        const event = JSON.stringify(item.event);
        rows.push({
          id,
          batchId,
          position,
          receivedAt,
          eventTime: iso(time),
          source: input.source,
          format: item.format,
          original: item.original,
          event,
        });
        const out = observe(e, item.event, id, time);
        drafts.push(...out.drafts);
        if (out.skipped) behaviourSkipped.push({ index: item.index, reason: out.skipped });
      });
      const late = {
        correlation: e.correlator.stats.late - lateBefore.correlation,
        behaviour: e.behaviour.stats().late - lateBefore.behaviour,
      };
      const incidents = new Set<string>();
      let created = 0;
      let updated = 0;
      await store.transaction(async (tx) => {
        await tx.detect.insertEvents(rows);
        for (const draft of drafts) {
          const done = await commitDraft(tx, draft, input.source, receivedAt);
          incidents.add(done.incidentId);
          if (done.created) created++;
          else updated++;
        }
        await tx.audit.append({
          at: receivedAt,
          actor: actorLabel(context.actor),
          action: 'detect.ingest',
          target: batchId,
          requestId: context.requestId,
          details: {
            source: input.source,
            received,
            accepted: rows.length,
            rejected: problems.length,
            late,
            alertsCreated: created,
            alertsUpdated: updated,
          },
        });
      });
      return {
        batchId,
        received,
        accepted: rows.length,
        rejected: problems,
        behaviourSkipped,
        late,
        alerts: { created, updated },
        incidents: [...incidents],
      };
    } catch (error) {
      // The engines saw events that are not stored: rebuild them from what is.
      forget();
      throw error;
    }
  }

  async function alertEvents(view: DetectAlertView, limit: number): Promise<DetectEventView[]> {
    return (await store.detect.eventsByIds(view.eventIds.slice(0, limit))).map(toEventView);
  }

  return {
    /** Builds the engines now (rules, thresholds, replay of recent events) instead of at the first batch. */
    async restore(): Promise<{ rules: number; problems: number; replayed: number; truncated: boolean }> {
      return serial(async () => {
        forget();
        const e = await current();
        return {
          rules: e.set.compiled.length + e.set.correlations.length,
          problems: e.set.problems.length + e.folderProblems.length,
          replayed: lastReplay.events,
          truncated: lastReplay.truncated,
        };
      });
    },

    maxBatch,

    /**
     * Closes the correlation windows that ended more than `windowGraceMs` before the clock, and
     * stores the alerts of conditions checked at close (only upper bounds: "fewer than 3 in 5m")
     * like a batch's, in one transaction. `vigie serve` calls it every minute. Each such alert
     * is keyed by its window (as an episode), so that a window closed again after a restart's
     * replay updates its alert instead of doubling it.
     */
    closeWindows(): Promise<{ alerts: { created: number; updated: number }; incidents: string[] }> {
      return serial(async () => {
        const e = await current();
        const closed = e.correlator.closeBefore(clock().getTime() - graceMs);
        const drafts = closed
          .filter((c) => e.enabled.get(c.correlationId) !== false)
          .map((c) => ({ ...correlationDraft(c, {}), episode: windowKey(c) }));
        let created = 0;
        let updated = 0;
        const incidents = new Set<string>();
        if (drafts.length === 0) return { alerts: { created, updated }, incidents: [] };
        const at = clock().toISOString();
        try {
          await store.transaction(async (tx) => {
            for (const draft of drafts) {
              const done = await commitDraft(tx, draft, 'detect:windows', at);
              incidents.add(done.incidentId);
              if (done.created) created++;
              else updated++;
            }
            await tx.audit.append({
              at,
              actor: 'system',
              action: 'detect.windows.close',
              target: 'detect',
              details: { closed: closed.length, alertsCreated: created, alertsUpdated: updated },
            });
          });
        } catch (error) {
          // The windows are gone from memory but their alerts are not stored: rebuild (the replay reopens them).
          forget();
          throw error;
        }
        return { alerts: { created, updated }, incidents: [...incidents] };
      });
    },

    /** Stores a batch and what it raised, in one transaction; resolves once stored. Batches run one at a time. */
    ingest(input: DetectBatchInput, context: ActionContext): Promise<DetectIngestResult> {
      return serial(() => ingestNow(input, context));
    },

    async listAlerts(query: {
      status?: 'open' | 'triaged' | undefined;
      severity?: Severity | undefined;
      kind?: DetectAlertKind | undefined;
      since?: string | undefined;
      incidentId?: string | undefined;
      limit: number;
      before?: string | undefined;
    }): Promise<{ items: DetectAlertView[]; nextCursor: string | null }> {
      const before = query.before ? await store.detect.getAlert(query.before) : undefined;
      if (query.before && !before) throw new VigieError('VIGIE_ERR_VALIDATION', 'Unknown paging cursor');
      const since = query.since === undefined ? undefined : Date.parse(query.since);
      if (since !== undefined && !Number.isFinite(since))
        throw new VigieError('VIGIE_ERR_VALIDATION', 'since is not a date');
      const records = await store.detect.listAlerts({
        status: query.status,
        severity: query.severity,
        kind: query.kind,
        since: since === undefined ? undefined : iso(since),
        incidentId: query.incidentId,
        limit: query.limit,
        before: before ? { lastTime: before.lastTime, id: before.id } : undefined,
      });
      const items = records.map(toAlertView);
      return { items, nextCursor: items.length === query.limit ? (items.at(-1)?.id ?? null) : null };
    },

    async getAlert(id: string): Promise<DetectAlertView & { events: DetectEventView[] }> {
      const record = await store.detect.getAlert(id);
      if (!record) throw new VigieError('VIGIE_ERR_NOT_FOUND', 'No such alert');
      const view = toAlertView(record);
      return { ...view, events: await alertEvents(view, MAX_EVENT_REFS) };
    },

    /**
     * An analyst's verdict on an alert. On a behavioural alert it also adjusts the thresholds of
     * that pattern for that entity (`applyVerdict`): the change is recorded, audited and undoable.
     */
    setVerdict(
      id: string,
      input: { verdict: DetectVerdict; note?: string | null | undefined; suppress?: boolean | undefined },
      context: ActionContext,
    ): Promise<{ alert: DetectAlertView; change: DetectChangeView | null }> {
      return serial(async () => {
        const record = await store.detect.getAlert(id);
        if (!record) throw new VigieError('VIGIE_ERR_NOT_FOUND', 'No such alert');
        const at = clock().toISOString();
        const actor = actorLabel(context.actor);
        const by = context.actor.kind === 'user' ? context.actor.id : actor;
        let change: DetectThresholdChangeRecord | null = null;
        let nextSettings: BehaviourSettings | undefined;
        if (record.kind === 'behaviour') {
          const details = parseJson<{
            pattern?: string;
            entity?: { kind?: string; value?: string };
            observed?: number;
          }>(record.details, {});
          const pattern = details.pattern as BehaviourPattern;
          const entity = details.entity;
          if (typeof entity?.value === 'string' && entity.value !== '' && Object.hasOwn(PATTERN_ENTITY, pattern)) {
            let applied: ReturnType<typeof applyVerdict>;
            try {
              applied = applyVerdict(await behaviourSettings(), {
                pattern,
                entity: { kind: PATTERN_ENTITY[pattern] as BehaviourEntityKind, value: entity.value.slice(0, 256) },
                verdict: input.verdict,
                suppress: input.suppress ?? false,
                ...(typeof details.observed === 'number'
                  ? { observed: Math.max(0, Math.floor(details.observed)) }
                  : {}),
              });
            } catch (error) {
              throw validationError('This verdict cannot adjust the thresholds', error);
            }
            nextSettings = applied.settings;
            change = {
              id: sortableId(clock().getTime()),
              at,
              actor,
              alertId: id,
              verdict: input.verdict,
              pattern,
              entityKind: applied.change.entity.kind,
              entityValue: applied.change.entity.value,
              before: JSON.stringify(applied.change.before),
              after: JSON.stringify(applied.change.after),
              description: JSON.stringify(applied.change.description),
              undoneAt: null,
              undoneBy: null,
            };
          }
        }
        const updated: DetectAlertRecord = {
          ...record,
          verdict: input.verdict,
          verdictBy: by,
          verdictAt: at,
          verdictNote: input.note ?? null,
          updatedAt: at,
        };
        await store.transaction(async (tx) => {
          await tx.detect.updateAlert(updated);
          await tx.audit.append({
            at,
            actor,
            action: 'detect.alert.verdict',
            target: id,
            requestId: context.requestId,
            details: { verdict: input.verdict, previous: record.verdict, kind: record.kind, ruleId: record.ruleId },
          });
          if (change && nextSettings) {
            await tx.settings.set(BEHAVIOUR_SETTINGS_KEY, nextSettings, at, actor);
            await tx.detect.insertChange(change);
            await tx.audit.append({
              at,
              actor,
              action: 'detect.behaviour.change',
              target: change.id,
              requestId: context.requestId,
              details: {
                alertId: id,
                pattern: change.pattern,
                entity: { kind: change.entityKind, value: change.entityValue },
                before: JSON.parse(change.before) as unknown,
                after: JSON.parse(change.after) as unknown,
              },
            });
          }
        });
        if (nextSettings) forget();
        return { alert: toAlertView(updated), change: change ? toChangeView(change) : null };
      });
    },

    async listIncidents(query: {
      status?: IncidentStatus | undefined;
      severity?: Severity | undefined;
      limit: number;
      before?: string | undefined;
    }): Promise<{ items: DetectIncidentView[]; nextCursor: string | null }> {
      const before = query.before ? await store.detect.getIncident(query.before) : undefined;
      if (query.before && !before) throw new VigieError('VIGIE_ERR_VALIDATION', 'Unknown paging cursor');
      const records = await store.detect.listIncidents({
        status: query.status,
        severity: query.severity,
        limit: query.limit,
        before: before ? { lastTime: before.lastTime, id: before.id } : undefined,
      });
      const items = records.map(toIncidentView);
      return { items, nextCursor: items.length === query.limit ? (items.at(-1)?.id ?? null) : null };
    },

    async getIncident(id: string): Promise<DetectIncidentDetail> {
      const record = await store.detect.getIncident(id);
      if (!record) throw new VigieError('VIGIE_ERR_NOT_FOUND', 'No such incident');
      const alerts = (await store.detect.alertsOfIncident(id, 500)).map(toAlertView);
      // One query for every alert's first events, not one per alert (up to 500 round trips).
      const wanted = alerts.map((a) => a.eventIds.slice(0, TIMELINE_EVENTS_PER_ALERT));
      const byId = new Map(
        (await store.detect.eventsByIds([...new Set(wanted.flat())])).map((e) => [e.id, toEventView(e)]),
      );
      const timeline = alerts.map((alert, i) => ({
        ...alert,
        events: (wanted[i] ?? []).flatMap((eventId) => byId.get(eventId) ?? []),
      }));
      return {
        ...toIncidentView(record),
        timeline,
        entities: mergeEntities(...alerts.map((a) => a.entities)),
        attack: mergeAttack(alerts.map((a) => a.attack)),
        notes: (await store.detect.notes(id)).map(({ id: noteId, at, author, text }) => ({
          id: noteId,
          at,
          author,
          text,
        })),
      };
    },

    /** The incident workflow: new → investigating → resolved (with a resolution), audited; a note may go with it. */
    async setIncidentStatus(
      id: string,
      input: {
        status: IncidentStatus;
        /** The status the analyst saw: the step is refused if the incident has moved since. */
        expected?: IncidentStatus | undefined;
        resolution?: IncidentResolution | null | undefined;
        assignee?: string | null | undefined;
        note?: string | null | undefined;
      },
      context: ActionContext,
    ): Promise<DetectIncidentView> {
      const record = await store.detect.getIncident(id);
      if (!record) throw new VigieError('VIGIE_ERR_NOT_FOUND', 'No such incident');
      const from = record.status as IncidentStatus;
      if (input.expected !== undefined && input.expected !== from) throw changedMeanwhile();
      if (from !== input.status && !TRANSITIONS[from].includes(input.status))
        throw new VigieError('VIGIE_ERR_CONFLICT', `An incident cannot go from ${from} to ${input.status}.`);
      if (input.status === 'resolved' && !input.resolution)
        throw new VigieError('VIGIE_ERR_VALIDATION', 'A resolved incident needs a resolution.');
      if (input.status !== 'resolved' && input.resolution)
        throw new VigieError('VIGIE_ERR_VALIDATION', 'Only a resolved incident has a resolution.');
      const at = clock().toISOString();
      const actor = actorLabel(context.actor);
      const updated: DetectIncidentRecord = {
        ...record,
        status: input.status,
        resolution: input.status === 'resolved' ? (input.resolution ?? null) : null,
        assignee: input.assignee === undefined ? record.assignee : input.assignee,
        updatedAt: at,
      };
      await store.transaction(async (tx) => {
        const moved = await tx.detect.setIncidentWorkflow(id, from, {
          status: updated.status,
          resolution: updated.resolution,
          assignee: input.assignee,
          at,
        });
        if (!moved) throw changedMeanwhile();
        if (input.note) await tx.detect.addNote({ id: newId(), incidentId: id, at, author: actor, text: input.note });
        await tx.audit.append({
          at,
          actor,
          action: 'detect.incident.status',
          target: id,
          requestId: context.requestId,
          details: {
            from,
            to: input.status,
            resolution: updated.resolution,
            assignee: updated.assignee,
            note: Boolean(input.note),
          },
        });
      });
      return toIncidentView(updated);
    },

    async rules(): Promise<{
      rules: DetectRuleView[];
      problems: DetectRuleProblemView[];
      packs: { id: string; name: string; importedAt: string; importedBy: string; files: number }[];
      rulesDir: string | null;
    }> {
      const e = await current();
      const view = (file: string) => originOf(file, e.packNames, rulesDir);
      const rules: DetectRuleView[] = [
        ...e.set.compiled.map((c) => {
          const o = view(c.rule.file);
          return {
            id: c.rule.id,
            kind: 'rule' as const,
            title: c.rule.title,
            level: c.rule.level ?? null,
            status: c.rule.status ?? null,
            origin: o.origin,
            originName: o.originName,
            file: o.path,
            line: c.rule.line,
            enabled: e.enabled.get(c.rule.id) !== false,
            attack: attackOf(c.rule.tags, c.attack.techniques),
          };
        }),
        ...e.set.correlations.map((c) => {
          const o = view(c.correlation.file);
          return {
            id: c.correlation.id,
            kind: 'correlation' as const,
            title: c.correlation.title,
            level: c.correlation.level ?? null,
            status: c.correlation.status ?? null,
            origin: o.origin,
            originName: o.originName,
            file: o.path,
            line: c.correlation.line,
            enabled: e.enabled.get(c.correlation.id) !== false,
            attack: attackOf(c.correlation.tags),
          };
        }),
      ];
      const problems = (await store.detect.problems()).map((p) => ({
        ...p,
        originName: p.origin === 'folder' ? (rulesDir ?? 'folder') : (e.packNames.get(p.origin) ?? p.origin),
      }));
      return { rules, problems, packs: await store.detect.packs(), rulesDir };
    },

    /** Imports a pack of Sigma rule files: kept in the store, compiled with the others; failures listed, never fatal. */
    importRules(
      input: { name: string; files: readonly { path: string; text: string }[] },
      context: ActionContext,
    ): Promise<{
      pack: { id: string; name: string; importedAt: string; importedBy: string; files: number };
      rules: number;
      problems: DetectRuleProblemView[];
    }> {
      return serial(async () => {
        const paths = new Set<string>();
        for (const f of input.files) {
          if (paths.has(f.path))
            throw new VigieError('VIGIE_ERR_VALIDATION', `The file ${f.path} is in the pack twice.`);
          paths.add(f.path);
        }
        const id = newId();
        const at = clock().toISOString();
        const actor = actorLabel(context.actor);
        const own = compileRuleTexts(input.files.map((f) => ({ file: packFileKey(id, f.path), text: f.text })));
        const pack = { id, name: input.name, importedAt: at, importedBy: actor, files: input.files.length };
        const packNames = new Map([[id, input.name]]);
        const problems = own.problems.map((p) => ({
          origin: id,
          originName: input.name,
          file: originOf(p.file, packNames, rulesDir).path,
          line: p.line,
          rule: p.rule ?? null,
          reason: p.reason,
          kind: p.kind,
        }));
        await store.transaction(async (tx) => {
          await tx.detect.insertPack(
            pack,
            input.files.map((f) => ({ id: newId(), path: f.path, text: f.text })),
          );
          await tx.audit.append({
            at,
            actor,
            action: 'detect.rules.import',
            target: id,
            requestId: context.requestId,
            details: {
              name: input.name,
              files: input.files.length,
              rules: own.compiled.length + own.correlations.length,
              problems: problems.length,
            },
          });
        });
        forget();
        // Rebuilding stores the failures of the whole set in force, this pack's included.
        await current();
        return { pack, rules: own.compiled.length + own.correlations.length, problems };
      });
    },

    setRuleEnabled(
      ruleId: string,
      enabled: boolean,
      context: ActionContext,
    ): Promise<{ id: string; enabled: boolean }> {
      return serial(async () => {
        const e = await current();
        const known =
          e.set.compiled.some((c) => c.rule.id === ruleId) ||
          e.set.correlations.some((c) => c.correlation.id === ruleId);
        if (!known) throw new VigieError('VIGIE_ERR_NOT_FOUND', 'No such rule');
        const at = clock().toISOString();
        const actor = actorLabel(context.actor);
        await store.transaction(async (tx) => {
          await tx.detect.setRuleEnabled(ruleId, enabled, at, actor);
          await tx.audit.append({
            at,
            actor,
            action: enabled ? 'detect.rule.enable' : 'detect.rule.disable',
            target: ruleId,
            requestId: context.requestId,
          });
        });
        e.enabled.set(ruleId, enabled);
        return { id: ruleId, enabled };
      });
    },

    async behaviourSettings(): Promise<{
      settings: BehaviourSettings;
      updatedAt: string | null;
      updatedBy: string | null;
    }> {
      const stored = await store.settings.get(BEHAVIOUR_SETTINGS_KEY);
      return {
        settings: await behaviourSettings(),
        updatedAt: stored?.updatedAt ?? null,
        updatedBy: stored?.updatedBy ?? null,
      };
    },

    updateBehaviourSettings(input: unknown, context: ActionContext): Promise<BehaviourSettings> {
      return serial(async () => {
        let settings: BehaviourSettings;
        try {
          settings = parseBehaviourSettings(input);
        } catch (error) {
          throw validationError('Invalid behavioural settings', error);
        }
        const at = clock().toISOString();
        const actor = actorLabel(context.actor);
        await store.transaction(async (tx) => {
          await tx.settings.set(BEHAVIOUR_SETTINGS_KEY, settings, at, actor);
          await tx.audit.append({
            at,
            actor,
            action: 'detect.behaviour.settings',
            target: BEHAVIOUR_SETTINGS_KEY,
            requestId: context.requestId,
            details: { overrides: settings.overrides.length },
          });
        });
        forget();
        return settings;
      });
    },

    async behaviourChanges(limit: number): Promise<DetectChangeView[]> {
      return (await store.detect.changes(limit)).map(toChangeView);
    },

    /** Puts back the thresholds a verdict changed; refused when a later change of the same entity still stands. */
    undoBehaviourChange(id: string, context: ActionContext): Promise<DetectChangeView> {
      return serial(async () => {
        const record = await store.detect.getChange(id);
        if (!record) throw new VigieError('VIGIE_ERR_NOT_FOUND', 'No such change');
        if (record.undoneAt) throw new VigieError('VIGIE_ERR_CONFLICT', 'This change was undone already.');
        const view = toChangeView(record);
        const later = (await store.detect.changes(10_000)).filter(
          (c) =>
            c.id !== id &&
            c.undoneAt === null &&
            c.pattern === record.pattern &&
            c.entityKind === record.entityKind &&
            c.entityValue === record.entityValue &&
            (c.at > record.at || (c.at === record.at && c.id > record.id)),
        );
        if (later.length > 0)
          throw new VigieError('VIGIE_ERR_CONFLICT', 'A later change of the same entity stands: undo it first.');
        const settings = undoChange(await behaviourSettings(), {
          pattern: record.pattern as BehaviourPattern,
          entity: { kind: record.entityKind as BehaviourEntityKind, value: record.entityValue },
          before: view.before,
          after: view.after,
          description: view.description,
        });
        const at = clock().toISOString();
        const actor = actorLabel(context.actor);
        await store.transaction(async (tx) => {
          await tx.settings.set(BEHAVIOUR_SETTINGS_KEY, settings, at, actor);
          await tx.detect.markChangeUndone(id, at, actor);
          await tx.audit.append({
            at,
            actor,
            action: 'detect.behaviour.undo',
            target: id,
            requestId: context.requestId,
            details: { pattern: record.pattern, entity: view.entity, restored: view.before },
          });
        });
        forget();
        return { ...view, undoneAt: at, undoneBy: actor };
      });
    },

    /** Retention: drops stored events received more than `days` ago (alerts keep their own summary). */
    async pruneEvents(days: number): Promise<number> {
      return store.detect.pruneEvents(iso(clock().getTime() - days * 86_400_000));
    },
  };
}
export type DetectService = ReturnType<typeof createDetectService>;
