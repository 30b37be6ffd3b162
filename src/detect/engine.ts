/**
 * Compiled rules indexed so that each event meets only the rules of its log source: a
 * Windows event looks up its (channel, event id) and its channel, plus the Windows rules whose
 * log source is undecided; rules of another product never see it. Events whose format says
 * nothing of their source meet every rule (detection alone). Within a pool, the literal
 * prefilter (prefilter.ts) picks the rules worth evaluating.
 */
import type { AttackMapping } from './attack.js';
import type { CompiledRule } from './compile.js';
import { EventView, FIELD_MAPPINGS, type FieldMapping, mappingFor } from './fields.js';
import { linuxServices } from './logsource.js';
import { Prefilter } from './prefilter.js';
import type { RuleProblem, SigmaLevel } from './rule.js';

export interface DetectMatch {
  readonly ruleId: string;
  readonly ruleTitle: string;
  readonly level: SigmaLevel | undefined;
  readonly tags: readonly string[];
  readonly attack: AttackMapping;
  /** The rule's file, as given when it was loaded. */
  readonly ruleFile: string;
}

export interface Detector {
  /** Rules that matched the event, in the order the rules were given. */
  match(event: unknown): DetectMatch[];
  /** The rules this detector runs: those given, less those it could not index. */
  readonly rules: readonly CompiledRule[];
  readonly ruleCount: number;
  /**
   * Rules left out, each reported once: those that could not be indexed (when the detector was
   * built), then those disabled because they threw on an event (the list grows as events are
   * matched; a caller prints the new ones).
   */
  readonly problems: readonly RuleProblem[];
}

/** `log.syslog.facility.code` of a syslog event, as text, when it has one. */
function walkFacility(event: unknown): string | undefined {
  const code = (event as { log?: { syslog?: { facility?: { code?: unknown } } } } | null)?.log?.syslog?.facility?.code;
  return typeof code === 'number' ? String(code) : undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function problemOf(compiled: CompiledRule, reason: string): RuleProblem {
  const { rule } = compiled;
  return { file: rule.file, line: rule.line, rule: rule.id, reason, kind: 'invalid' };
}

/** Rules that may apply to some events, and the prefilter that picks among them per event. */
interface Pool {
  readonly rules: readonly CompiledRule[];
  readonly prefilter: Prefilter;
}

function pool(rules: readonly CompiledRule[]): Pool {
  return {
    rules,
    prefilter: new Prefilter(
      rules.map((r) => r.hint),
      rules.map((r) => r.veto),
    ),
  };
}

const key = (channel: string, eventId: string) => `${channel.toLowerCase()}\u0000${eventId}`;

/** Sources (product, channel, event id as spelled) whose pool is remembered by name. */
const MAX_REMEMBERED_SOURCES = 4096;

export function createDetector(
  given: readonly CompiledRule[],
  mappings: readonly FieldMapping[] = FIELD_MAPPINGS,
): Detector {
  const problems: RuleProblem[] = [];
  const rules: CompiledRule[] = [];
  type Entry = { readonly rule: CompiledRule; readonly order: number };
  // Per product: rules by exact (channel, id), by channel only, and undecided ones.
  const bySource = new Map<string, Entry[]>();
  const undecided = new Map<string | undefined, Entry[]>();
  for (const rule of given) {
    // One rule's odd scope is that rule's problem, never the whole set's.
    try {
      const { product, sources } = rule.scope;
      const keys: string[] = [];
      if (sources) {
        if (!Array.isArray(sources)) throw new Error('log source sources are not a list');
        for (const source of sources) {
          const eventIds: readonly unknown[] = source.eventIds ?? ['*'];
          if (typeof source.channel !== 'string' || !Array.isArray(eventIds)) throw new Error('bad log source');
          for (const id of eventIds) keys.push(key(source.channel, String(id)));
        }
      }
      const entry = { rule, order: rules.length };
      if (!sources) {
        const list = undecided.get(product) ?? [];
        list.push(entry);
        undecided.set(product, list);
      }
      for (const k of keys) {
        const list = bySource.get(k) ?? [];
        list.push(entry);
        bySource.set(k, list);
      }
      rules.push(rule);
    } catch (error) {
      problems.push(problemOf(rule, `internal error: cannot index the rule: ${errorText(error)}`));
    }
  }
  // Rules that threw on an event: reported once, then skipped.
  const disabled = new Set<CompiledRule>();
  // Pools are shared by every source with the same rules: events name channels and ids the
  // rules never mention (`1`, `01`, ` 1`, ...), and each would otherwise build and keep a
  // prefilter of its own. The caches by name stay bounded (past the bound, a source is looked
  // up again at each event, which costs time, never memory).
  const poolsByRules = new Map<string, Pool>();
  const poolOf = (entries: readonly Entry[]): Pool => {
    const sorted = [...new Set(entries)].sort((a, b) => a.order - b.order);
    const signature = sorted.map((e) => e.order).join(',');
    let found = poolsByRules.get(signature);
    if (!found) {
      found = pool(sorted.map((e) => e.rule));
      poolsByRules.set(signature, found);
    }
    return found;
  };
  const candidates = new Map<string, Pool>();
  const remember = <K, V>(map: Map<K, V>, k: K, v: V): V => {
    if (map.size < MAX_REMEMBERED_SOURCES) map.set(k, v);
    return v;
  };
  const forProduct = (product: string, channel: string, eventId: string): Pool => {
    const k = `${product}\u0000${key(channel, eventId)}`;
    const found = candidates.get(k);
    if (found) return found;
    return remember(
      candidates,
      k,
      poolOf([
        ...(bySource.get(key(channel, eventId)) ?? []),
        ...(eventId === '*' ? [] : (bySource.get(key(channel, '*')) ?? [])),
        ...(undecided.get(product) ?? []),
        ...(undecided.get(undefined) ?? []),
      ]),
    );
  };
  // The same pools by the event's own spelling of product, channel and id: three lookups of strings
  // the event already holds, not a key built and lower-cased for every event.
  const spelled = new Map<string, Map<string, Map<string, Pool>>>();
  let spellings = 0;
  const forEvent = (product: string, channel: string, eventId: string): Pool => {
    const found = spelled.get(product)?.get(channel)?.get(eventId);
    if (found) return found;
    const chosen = forProduct(product, channel, eventId);
    if (spellings < MAX_REMEMBERED_SOURCES) {
      spellings++;
      let channels = spelled.get(product);
      if (!channels) {
        channels = new Map();
        spelled.set(product, channels);
      }
      let ids = channels.get(channel);
      if (!ids) {
        ids = new Map();
        channels.set(channel, ids);
      }
      ids.set(eventId, chosen);
    }
    return chosen;
  };
  // Every rule, for events that say nothing of their source: built on the first such event.
  let everything: Pool | undefined;
  // Linux and web events: the rules of the product (by service for Linux), never another's.
  const forServices = (product: string, services: readonly string[]): Pool => {
    const k = `${product}\u0001${services.join('\u0000')}`;
    const found = candidates.get(k);
    if (found) return found;
    return remember(
      candidates,
      k,
      poolOf([
        ...services.flatMap((service) => bySource.get(key(service, '*')) ?? []),
        ...(undecided.get(product) ?? []),
        ...(undecided.get(undefined) ?? []),
      ]),
    );
  };

  // A rule's match says the same every time: one frozen object per rule, not one per match.
  const matchOf = new Map<CompiledRule, DetectMatch>();
  const toMatch = (compiled: CompiledRule): DetectMatch => {
    let found = matchOf.get(compiled);
    if (!found) {
      found = Object.freeze({
        ruleId: compiled.rule.id,
        ruleTitle: compiled.rule.title,
        level: compiled.rule.level,
        tags: compiled.rule.tags,
        attack: compiled.attack,
        ruleFile: compiled.rule.file,
      });
      matchOf.set(compiled, found);
    }
    return found;
  };

  // The matches of the event at hand, in the first entries: written over at each event.
  const matches: DetectMatch[] = [];

  return {
    rules,
    ruleCount: rules.length,
    problems,
    match(event) {
      const mapping = mappingFor(event, mappings);
      const view = new EventView(event, mapping);
      let chosen: Pool | undefined;
      if (mapping.product === 'linux') {
        const services = linuxServices(view.field('ProcessName').strings[0], walkFacility(event));
        chosen = forServices(mapping.product, services);
      } else if (mapping.product !== undefined && mapping.product !== 'windows') {
        chosen = forServices(mapping.product, []);
      } else if (mapping.product !== undefined) {
        const channel = view.field('Channel').strings[0];
        const eventId = view.field('EventID').strings[0];
        // A Windows event without a channel cannot be placed: detection alone.
        if (channel !== undefined) chosen = forEvent(mapping.product, channel, eventId ?? '*');
      }
      if (chosen === undefined) {
        everything ??= pool(rules);
        chosen = everything;
      }
      let found = 0;
      const { prefilter } = chosen;
      const count = prefilter.select(view);
      for (let c = 0; c < count; c++) {
        const compiled = chosen.rules[prefilter.selected[c] as number];
        if (compiled === undefined || (disabled.size > 0 && disabled.has(compiled))) continue;
        let matched: boolean;
        try {
          matched = compiled.matches(view);
        } catch (error) {
          // A rule that fails on an event is disabled and reported, never the end of the run.
          disabled.add(compiled);
          problems.push(problemOf(compiled, `internal error on an event, rule disabled: ${errorText(error)}`));
          continue;
        }
        if (matched) matches[found++] = toMatch(compiled);
      }
      // A list of the right size, not one grown by pushes from empty.
      return matches.slice(0, found);
    },
  };
}
