/**
 * Behavioural alerts, and the episode book that keeps one alert per (pattern, entity,
 * episode): an ongoing attack updates its alert instead of raising a new one per event, and
 * re-emits it only when its severity rises or its main count doubles (a bounded number of
 * updates, however long the attack). An episode ends after `cooldownMs` of quiet.
 */
import type { Entities, Evidence, FindingInput, LocalizedText, Severity } from '../../core/index.js';
import { severityRank } from '../../core/index.js';
import type { BehaviourEntityKind, BehaviourPattern } from './settings.js';
import { EntityTable } from './window.js';

export interface BehaviourAlert {
  /** Stable for the episode: `pattern|entity|first time`; an update carries the same id. */
  readonly id: string;
  readonly pattern: BehaviourPattern;
  /** `opened` the first time, `updated` when the same episode grew or got worse. */
  readonly status: 'opened' | 'updated';
  readonly severity: Severity;
  readonly score: number;
  readonly title: LocalizedText;
  /** ATT&CK technique ids. */
  readonly techniques: readonly string[];
  /** The entity the alert is keyed on (what a verdict names). */
  readonly entity: { readonly kind: BehaviourEntityKind; readonly value: string };
  /** Everyone involved: users, source IPs, hosts (bounded lists). */
  readonly entities: Entities;
  readonly windowMs: number;
  /** The main count, compared with `threshold` (failures, accounts, paths, requests...). */
  readonly observed: number;
  /** The threshold in force for this entity (default × override scale). */
  readonly threshold: number;
  readonly counts: Readonly<Record<string, number>>;
  /** The baseline a rate was compared with, when the pattern has one. */
  readonly baseline?: Readonly<Record<string, number>>;
  /** Epoch milliseconds of the first and last event of the episode. */
  readonly firstTime: number;
  readonly lastTime: number;
  /** Reasons, strongest first, each with structured data and French and English messages. */
  readonly reasons: readonly Evidence[];
}

/** What a detector states when its condition holds; the book adds identity and status. */
export type AlertDraft = Omit<BehaviourAlert, 'id' | 'status' | 'firstTime' | 'lastTime'> & {
  readonly windowStart: number;
  readonly time: number;
};

interface Episode {
  id: string;
  firstTime: number;
  lastTime: number;
  emittedObserved: number;
  emittedSeverity: Severity;
  current: BehaviourAlert;
}

/**
 * The alert a draft states, field by field: an object rest and spread of the draft (every event
 * of an ongoing attack reports one) took half of the behavioural engine's time.
 */
function alertOf(
  draft: AlertDraft,
  severity: Severity,
  id: string,
  status: BehaviourAlert['status'],
  firstTime: number,
  lastTime: number,
): BehaviourAlert {
  return {
    id,
    pattern: draft.pattern,
    status,
    severity,
    score: draft.score,
    title: draft.title,
    techniques: draft.techniques,
    entity: draft.entity,
    entities: draft.entities,
    windowMs: draft.windowMs,
    observed: draft.observed,
    threshold: draft.threshold,
    counts: draft.counts,
    ...(draft.baseline !== undefined ? { baseline: draft.baseline } : {}),
    firstTime,
    lastTime,
    reasons: draft.reasons,
  };
}

export class EpisodeBook {
  private readonly episodes: EntityTable<Episode>;

  constructor(
    private readonly cooldownMs: number,
    cap: number,
  ) {
    this.episodes = new EntityTable<Episode>(cap, cooldownMs);
  }

  /** Is an episode of `pattern` open on `key` at `time`? */
  isOpen(pattern: BehaviourPattern, key: string, time: number): boolean {
    const ep = this.episodes.peek(`${pattern}|${key}`);
    return ep !== undefined && time - ep.lastTime <= this.cooldownMs;
  }

  /** Records that the condition holds; returns the alert to emit now, if any. */
  report(key: string, draft: AlertDraft): BehaviourAlert | undefined {
    const bookKey = `${draft.pattern}|${key}`;
    const existing = this.episodes.peek(bookKey);
    const { windowStart, time } = draft;
    if (existing && time - existing.lastTime <= this.cooldownMs) {
      existing.lastTime = Math.max(existing.lastTime, time);
      const severity =
        severityRank(draft.severity) >= severityRank(existing.current.severity)
          ? draft.severity
          : existing.current.severity;
      existing.current = alertOf(draft, severity, existing.id, 'updated', existing.firstTime, existing.lastTime);
      this.episodes.touch(bookKey, time, () => existing);
      const worse = severityRank(severity) > severityRank(existing.emittedSeverity);
      if (!worse && draft.observed < existing.emittedObserved * 2) return undefined;
      existing.emittedObserved = draft.observed;
      existing.emittedSeverity = severity;
      return existing.current;
    }
    const firstTime = Math.min(windowStart, time);
    const id = `${draft.pattern}|${key}|${new Date(firstTime).toISOString()}`;
    const alert = alertOf(draft, draft.severity, id, 'opened', firstTime, time);
    const episode: Episode = {
      id,
      firstTime,
      lastTime: time,
      emittedObserved: draft.observed,
      emittedSeverity: draft.severity,
      current: alert,
    };
    this.episodes.set(bookKey, time, episode);
    return alert;
  }

  sweep(now: number): void {
    this.episodes.sweep(now);
  }

  /** Every episode still remembered, with its latest counts, oldest first. */
  current(): BehaviourAlert[] {
    return [...this.episodes.values()].map((e) => e.current).sort((a, b) => a.firstTime - b.firstTime);
  }

  get evicted(): number {
    return this.episodes.evicted;
  }
}

/** The alert as a core Finding, for the platform to store and group into incidents. */
export function behaviourFinding(alert: BehaviourAlert): FindingInput {
  return {
    module: 'detect',
    kind: `behaviour.${alert.pattern}`,
    severity: alert.severity,
    score: alert.score,
    title: alert.title,
    evidence: alert.reasons.slice(0, 200).map((r) => ({ ...r })),
    entities: alert.entities,
    techniques: [...alert.techniques],
    observedAt: new Date(alert.lastTime).toISOString(),
  };
}

/** Formats epoch milliseconds for messages. */
export function iso(time: number): string {
  return new Date(time).toISOString();
}

/** `5 min`, `30 s`: windows in messages. */
export function span(windowMs: number): string {
  return windowMs % 60_000 === 0 ? `${windowMs / 60_000} min` : `${Math.round(windowMs / 1000)} s`;
}
