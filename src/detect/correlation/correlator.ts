/**
 * The correlation engine: pure and stateful, with no clock. Time comes from each observation
 * (the matched event's timestamp); state older than a correlation's timespan is dropped, the
 * number of groups and of entries per group is capped, and whatever is dropped is counted.
 *
 * Windows slide: a group's window is the `timespan` ending at the newest time it has seen.
 * Out-of-order observations within the timespan are placed by their time and counted;
 * older ones are dropped and counted (`stats.late`). When a condition holds, one alert is
 * raised and the group starts afresh, so a burst gives one alert, not one per event.
 * Conditions with no lower bound (only lt, lte or neq) on counting types would hold from the
 * first event on: they are checked when the group's window closes instead (the group sees
 * nothing for a whole timespan, `closeBefore(time)` is called with a time past its end, or
 * `flush()` is called at the end of the input).
 */
import { EventView, FIELD_MAPPINGS, type FieldMapping, mappingFor } from '../fields.js';
import type { CorrelationType, SigmaLevel, Threshold } from '../rule.js';
import type { CompiledCorrelation } from './resolve.js';

export interface CorrelatorOptions {
  /** Groups kept per correlation; the least recently seen is evicted beyond (default 10,000). */
  readonly maxGroups?: number;
  /** Entries kept per group; the oldest is evicted beyond (default 10,000). */
  readonly maxEntriesPerGroup?: number;
  /** Contributors listed in an alert (the most recent; default 20). */
  readonly maxContributors?: number;
  /** How Sigma fields are read from events (default: the engine's mappings). */
  readonly mappings?: readonly FieldMapping[];
  /**
   * Whether an observation closes the windows of other groups that the newest event time seen
   * anywhere has left behind (default true: right for one ordered input, such as a file).
   * A server mixing sources whose clocks disagree turns it off and calls `closeBefore` with its
   * own clock instead, so that a source running ahead cannot close everybody else's windows.
   */
  readonly expireByEventTime?: boolean;
}

/** One rule match, as the detector gives it, with the event's time. */
export interface Observation {
  readonly ruleId: string;
  readonly ruleName?: string | undefined;
  /** The event's time, in milliseconds since the epoch. */
  readonly time: number;
  readonly event: unknown;
  /** What names the event to a reader (`file:record`), carried into alerts. */
  readonly ref?: string | undefined;
}

export interface Contributor {
  /** The rule (or chained correlation) that matched. */
  readonly ruleId: string;
  readonly time: number;
  readonly ref: string | undefined;
}

export interface CorrelationAlert {
  readonly correlationId: string;
  readonly correlationTitle: string;
  readonly level: SigmaLevel | undefined;
  readonly tags: readonly string[];
  readonly type: CorrelationType;
  /** Group-by name (alias or field) → the group's value. */
  readonly group: Readonly<Record<string, string>>;
  /** The count, distinct count, sum, average or percentage that met the condition. */
  readonly value: number;
  readonly condition: readonly Threshold[];
  readonly field: readonly string[];
  readonly windowStart: number;
  readonly windowEnd: number;
  /** Entries in the window, and the most recent of them (at most `maxContributors`). */
  readonly contributorCount: number;
  readonly contributors: readonly Contributor[];
  /** Distinct rules among all the window's entries, in first-seen order. */
  readonly rules: readonly string[];
}

export interface CorrelatorStats {
  observations: number;
  alerts: number;
  /** Observations older than their group's window: dropped. */
  late: number;
  /** Observations without a finite time: dropped. */
  badTime: number;
  /** Observations lacking a group-by field: not counted in any group. */
  missingGroupField: number;
  /** Observations whose value field is absent (or, for sums and averages, not a number). */
  missingValue: number;
  /** Groups evicted because a correlation had `maxGroups` of them. */
  evictedGroups: number;
  /** Entries evicted because a group held `maxEntriesPerGroup` of them. */
  evictedEntries: number;
  /** Groups dropped because nothing reached them for a whole timespan. */
  expiredGroups: number;
}

export interface Correlator {
  /** Feeds one rule match; returns the correlation alerts it completes (chained ones included). */
  observe(observation: Observation): CorrelationAlert[];
  /** Closes every open window (end of input): alerts of conditions checked at window close. */
  flush(): CorrelationAlert[];
  /**
   * Closes the windows that ended before `time` (their newest entry is more than a timespan
   * older): alerts of conditions checked at window close. Driven by a clock, for a live input.
   */
  closeBefore(time: number): CorrelationAlert[];
  /** Whether a rule's own alerts are kept: not when a correlation refers to it without `generate`. */
  keepsOwnAlerts(ruleId: string): boolean;
  readonly stats: Readonly<CorrelatorStats>;
  /** Groups currently held, over all correlations. */
  groupCount(): number;
  readonly correlations: readonly CompiledCorrelation[];
}

interface Entry {
  readonly time: number;
  readonly rule: string;
  readonly value: string | undefined;
  readonly num: number;
  readonly ref: string | undefined;
}

/** One group's window: entries sorted by time, and running aggregates over them. */
class Group {
  entries: Entry[] = [];
  head = 0;
  newest = Number.NEGATIVE_INFINITY;
  sum = 0;
  readonly values = new Map<string, number>();
  readonly perRule = new Map<string, number>();
  constructor(
    readonly key: string,
    readonly labels: Readonly<Record<string, string>>,
  ) {}

  get size(): number {
    return this.entries.length - this.head;
  }
  get oldest(): number {
    return this.entries[this.head]?.time ?? Number.POSITIVE_INFINITY;
  }

  add(entry: Entry): void {
    // Mostly in order: append; a late entry is placed by binary search.
    const last = this.entries[this.entries.length - 1];
    if (last === undefined || last.time <= entry.time) this.entries.push(entry);
    else {
      let lo = this.head;
      let hi = this.entries.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((this.entries[mid]?.time ?? 0) <= entry.time) lo = mid + 1;
        else hi = mid;
      }
      this.entries.splice(lo, 0, entry);
    }
    this.newest = Math.max(this.newest, entry.time);
    this.sum += entry.num;
    if (entry.value !== undefined) this.values.set(entry.value, (this.values.get(entry.value) ?? 0) + 1);
    this.perRule.set(entry.rule, (this.perRule.get(entry.rule) ?? 0) + 1);
  }

  /** Drops the oldest entry. */
  shift(): void {
    const entry = this.entries[this.head];
    if (!entry) return;
    this.head++;
    this.sum -= entry.num;
    if (entry.value !== undefined) {
      const n = (this.values.get(entry.value) ?? 1) - 1;
      if (n === 0) this.values.delete(entry.value);
      else this.values.set(entry.value, n);
    }
    const r = (this.perRule.get(entry.rule) ?? 1) - 1;
    if (r === 0) this.perRule.delete(entry.rule);
    else this.perRule.set(entry.rule, r);
    // Compact now and then so that dropped entries do not pile up.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    if (this.size === 0) this.sum = 0;
  }

  live(): Entry[] {
    return this.entries.slice(this.head);
  }
}

function holds(condition: readonly Threshold[], value: number): boolean {
  for (const { op, value: bound } of condition) {
    const ok =
      op === 'gt'
        ? value > bound
        : op === 'gte'
          ? value >= bound
          : op === 'lt'
            ? value < bound
            : op === 'lte'
              ? value <= bound
              : op === 'eq'
                ? value === bound
                : value !== bound;
    if (!ok) return false;
  }
  return true;
}

const COUNTING = new Set<CorrelationType>(['event_count', 'value_count', 'temporal', 'temporal_ordered']);

/** Whether the condition is checked at window close rather than on each observation. */
function checkedAtClose(c: CompiledCorrelation): boolean {
  const { type, condition } = c.correlation;
  return (
    COUNTING.has(type) && !condition.some((t) => t.op === 'gt' || t.op === 'gte' || (t.op === 'eq' && t.value > 0))
  );
}

/** How many of `order`'s rules occur in that order (greedy earliest match: the longest prefix). */
function orderedPrefix(order: readonly string[], entries: readonly Entry[]): number {
  let matched = 0;
  for (const entry of entries) {
    if (matched < order.length && entry.rule === order[matched]) matched++;
  }
  return matched;
}

interface Runtime {
  readonly compiled: CompiledCorrelation;
  readonly groups: Map<string, Group>;
  readonly atClose: boolean;
  readonly order: readonly string[];
  /** Rule id → rule name, for aliases written by name. */
  readonly names: ReadonlyMap<string, string | undefined>;
}

export function createCorrelator(
  correlations: readonly CompiledCorrelation[],
  options: CorrelatorOptions = {},
): Correlator {
  const maxGroups = Math.max(1, options.maxGroups ?? 10_000);
  const maxEntries = Math.max(1, options.maxEntriesPerGroup ?? 10_000);
  const maxContributors = Math.max(0, options.maxContributors ?? 20);
  const mappings = options.mappings ?? FIELD_MAPPINGS;
  const expireByEventTime = options.expireByEventTime ?? true;
  const stats: CorrelatorStats = {
    observations: 0,
    alerts: 0,
    late: 0,
    badTime: 0,
    missingGroupField: 0,
    missingValue: 0,
    evictedGroups: 0,
    evictedEntries: 0,
    expiredGroups: 0,
  };
  // Who listens to whom: an observed rule or correlation id → the correlations referring to it.
  const listeners = new Map<string, Runtime[]>();
  const runtimes: Runtime[] = [];
  const ownAlerts = new Map<string, boolean>();
  for (const compiled of correlations) {
    const runtime: Runtime = {
      compiled,
      groups: new Map(),
      atClose: checkedAtClose(compiled),
      order: compiled.refs.map((r) => r.id),
      names: new Map(compiled.refs.map((r) => [r.id, r.name])),
    };
    runtimes.push(runtime);
    for (const ref of compiled.refs) {
      const list = listeners.get(ref.id) ?? [];
      list.push(runtime);
      listeners.set(ref.id, list);
      if (ref.kind === 'rule') ownAlerts.set(ref.id, (ownAlerts.get(ref.id) ?? false) || compiled.correlation.generate);
    }
  }

  /** The event field a group-by name or value field stands for, for events of `ruleId`. */
  const fieldFor = (runtime: Runtime, name: string, ruleId: string): string => {
    const { aliases } = runtime.compiled.correlation;
    const alias = Object.hasOwn(aliases, name) ? aliases[name] : undefined;
    if (!alias) return name;
    const ruleName = runtime.names.get(ruleId);
    if (ruleName !== undefined && Object.hasOwn(alias, ruleName)) return alias[ruleName] ?? name;
    return Object.hasOwn(alias, ruleId) ? (alias[ruleId] ?? name) : name;
  };

  const alertOf = (runtime: Runtime, group: Group, value: number): CorrelationAlert => {
    const c = runtime.compiled.correlation;
    const live = group.live();
    stats.alerts++;
    return {
      correlationId: c.id,
      correlationTitle: c.title,
      level: c.level,
      tags: c.tags,
      type: c.type,
      group: group.labels,
      value,
      condition: c.condition,
      field: c.field,
      windowStart: live[0]?.time ?? group.newest,
      windowEnd: group.newest,
      contributorCount: live.length,
      contributors: live
        .slice(Math.max(0, live.length - maxContributors))
        .map((e) => ({ ruleId: e.rule, time: e.time, ref: e.ref })),
      rules: [...new Set(live.map((e) => e.rule))],
    };
  };

  const measure = (runtime: Runtime, group: Group, current: Entry | undefined): number => {
    switch (runtime.compiled.correlation.type) {
      case 'event_count':
        return group.size;
      case 'value_count':
        return group.values.size;
      case 'temporal':
        return group.perRule.size;
      case 'temporal_ordered':
        return orderedPrefix(runtime.order, group.live());
      case 'value_sum':
        return group.sum;
      case 'value_avg':
        return group.size === 0 ? 0 : group.sum / group.size;
      case 'value_percentile': {
        // How common the current value is: its share (in %) of the window's values.
        if (current?.value === undefined || group.size === 0) return Number.NaN;
        return (100 * (group.values.get(current.value) ?? 0)) / group.size;
      }
    }
  };

  /** Window-close check, for conditions with no lower bound. */
  const close = (runtime: Runtime, group: Group, out: CorrelationAlert[]): void => {
    if (!runtime.atClose || group.size === 0) return;
    const value = measure(runtime, group, undefined);
    if (holds(runtime.compiled.correlation.condition, value)) out.push(alertOf(runtime, group, value));
  };

  // The newest time seen anywhere: groups not reached for a timespan before it are expired.
  let watermark = Number.NEGATIVE_INFINITY;

  const expire = (runtime: Runtime, out: CorrelationAlert[]): void => {
    const span = runtime.compiled.correlation.timespanMs;
    // Groups sit in least-recently-touched order: stop at the first one still alive.
    for (const group of runtime.groups.values()) {
      if (group.newest >= watermark - span) break;
      close(runtime, group, out);
      runtime.groups.delete(group.key);
      stats.expiredGroups++;
    }
  };

  const feed = (
    runtime: Runtime,
    ruleId: string,
    time: number,
    read: (field: string) => string | undefined,
    ref: string | undefined,
    out: CorrelationAlert[],
    depth: number,
  ): void => {
    const c = runtime.compiled.correlation;
    const labels: Record<string, string> = {};
    const parts: string[] = [];
    for (const name of c.groupBy) {
      const value = read(fieldFor(runtime, name, ruleId));
      if (value === undefined) {
        stats.missingGroupField++;
        return;
      }
      labels[name] = value;
      parts.push(value);
    }
    let value: string | undefined;
    let num = 0;
    if (c.field.length > 0) {
      const values = c.field.map((f) => read(fieldFor(runtime, f, ruleId)));
      if (values.some((v) => v === undefined)) {
        stats.missingValue++;
        return;
      }
      if (c.type === 'value_sum' || c.type === 'value_avg') {
        num = Number(values[0]);
        if (values[0]?.trim() === '' || !Number.isFinite(num)) {
          stats.missingValue++;
          return;
        }
      } else value = values.join('\u0000');
    }
    const key = JSON.stringify(parts);
    let group = runtime.groups.get(key);
    const span = c.timespanMs;
    if (group && time < group.newest - span) {
      stats.late++;
      return;
    }
    if (group && time > group.newest + span && group.size > 0) {
      // The previous window closed without this group being expired yet.
      close(runtime, group, out);
      runtime.groups.delete(key);
      group = undefined;
    }
    if (!group) {
      if (runtime.groups.size >= maxGroups) {
        const oldest = runtime.groups.keys().next().value;
        if (oldest !== undefined) runtime.groups.delete(oldest);
        stats.evictedGroups++;
      }
      group = new Group(key, Object.freeze(labels));
    } else runtime.groups.delete(key);
    // Re-inserted: the map's order is least recently touched first.
    runtime.groups.set(key, group);
    const entry: Entry = { time, rule: ruleId, value, num, ref };
    group.add(entry);
    while (group.size > 0 && group.oldest < group.newest - span) group.shift();
    while (group.size > maxEntries) {
      group.shift();
      stats.evictedEntries++;
    }
    if (runtime.atClose) return;
    const measured = measure(runtime, group, entry);
    if (!holds(c.condition, measured)) return;
    const alert = alertOf(runtime, group, measured);
    runtime.groups.delete(key);
    out.push(alert);
    chain(alert, out, depth + 1);
  };

  /** A correlation alert is an observation for the correlations that refer to it. */
  const chain = (alert: CorrelationAlert, out: CorrelationAlert[], depth: number): void => {
    // Resolution refuses cycles; the depth cap is a second guard.
    if (depth > 32) return;
    for (const runtime of listeners.get(alert.correlationId) ?? []) {
      const read = (field: string) => (Object.hasOwn(alert.group, field) ? alert.group[field] : undefined);
      feed(runtime, alert.correlationId, alert.windowEnd, read, alert.correlationId, out, depth);
    }
  };

  return {
    correlations,
    stats,
    groupCount: () => runtimes.reduce((n, r) => n + r.groups.size, 0),
    keepsOwnAlerts: (ruleId) => ownAlerts.get(ruleId) ?? true,
    observe({ ruleId, time, event, ref }) {
      stats.observations++;
      const out: CorrelationAlert[] = [];
      const targets = listeners.get(ruleId);
      if (!targets) return out;
      if (!Number.isFinite(time)) {
        stats.badTime++;
        return out;
      }
      if (time > watermark) watermark = time;
      let view: EventView | undefined;
      const read = (field: string): string | undefined => {
        view ??= new EventView(event, mappingFor(event, mappings));
        return view.field(field).strings[0];
      };
      for (const runtime of targets) {
        if (expireByEventTime) expire(runtime, out);
        feed(runtime, ruleId, time, read, ref, out, 0);
      }
      return out;
    },
    flush() {
      const out: CorrelationAlert[] = [];
      for (const runtime of runtimes) {
        for (const group of runtime.groups.values()) close(runtime, group, out);
        runtime.groups.clear();
      }
      return out;
    },
    closeBefore(time) {
      const out: CorrelationAlert[] = [];
      if (Number.isNaN(time)) return out;
      for (const runtime of runtimes) {
        const span = runtime.compiled.correlation.timespanMs;
        // Not in newest-time order when entries came out of order: every group is looked at.
        for (const group of [...runtime.groups.values()]) {
          if (group.newest >= time - span) continue;
          close(runtime, group, out);
          runtime.groups.delete(group.key);
          stats.expiredGroups++;
        }
      }
      return out;
    },
  };
}
