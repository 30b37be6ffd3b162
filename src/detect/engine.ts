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
import { Prefilter } from './prefilter.js';
import type { SigmaLevel } from './rule.js';

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
  readonly ruleCount: number;
}

/** Rules that may apply to some events, and the prefilter that picks among them per event. */
interface Pool {
  readonly rules: readonly CompiledRule[];
  readonly prefilter: Prefilter;
}

function pool(rules: readonly CompiledRule[]): Pool {
  return { rules, prefilter: new Prefilter(rules.map((r) => r.hint)) };
}

const key = (channel: string, eventId: string) => `${channel.toLowerCase()}\u0000${eventId}`;

export function createDetector(
  rules: readonly CompiledRule[],
  mappings: readonly FieldMapping[] = FIELD_MAPPINGS,
): Detector {
  const ordered = rules.map((rule, order) => ({ rule, order }));
  // Per product: rules by exact (channel, id), by channel only, and undecided ones.
  const bySource = new Map<string, Array<(typeof ordered)[number]>>();
  const undecided = new Map<string | undefined, Array<(typeof ordered)[number]>>();
  for (const entry of ordered) {
    const { product, sources } = entry.rule.scope;
    if (!sources) {
      const list = undecided.get(product) ?? [];
      list.push(entry);
      undecided.set(product, list);
      continue;
    }
    for (const source of sources) {
      for (const id of source.eventIds ?? ['*']) {
        const k = key(source.channel, String(id));
        const list = bySource.get(k) ?? [];
        list.push(entry);
        bySource.set(k, list);
      }
    }
  }
  const candidates = new Map<string, Pool>();
  const forProduct = (product: string, channel: string, eventId: string): Pool => {
    const k = `${product}\u0000${key(channel, eventId)}`;
    let found = candidates.get(k);
    if (!found) {
      const merged = [
        ...(bySource.get(key(channel, eventId)) ?? []),
        ...(eventId === '*' ? [] : (bySource.get(key(channel, '*')) ?? [])),
        ...(undecided.get(product) ?? []),
        ...(undecided.get(undefined) ?? []),
      ];
      found = pool([...new Set(merged)].sort((a, b) => a.order - b.order).map((e) => e.rule));
      candidates.set(k, found);
    }
    return found;
  };
  const everything = pool(rules);

  const toMatch = (compiled: CompiledRule): DetectMatch => ({
    ruleId: compiled.rule.id,
    ruleTitle: compiled.rule.title,
    level: compiled.rule.level,
    tags: compiled.rule.tags,
    attack: compiled.attack,
    ruleFile: compiled.rule.file,
  });

  return {
    ruleCount: rules.length,
    match(event) {
      const mapping = mappingFor(event, mappings);
      const view = new EventView(event, mapping);
      let chosen = everything;
      if (mapping.product !== undefined) {
        const channel = view.field('Channel').strings[0];
        const eventId = view.field('EventID').strings[0];
        // A Windows event without a channel cannot be placed: detection alone.
        if (channel !== undefined) chosen = forProduct(mapping.product, channel, eventId ?? '*');
      }
      const out: DetectMatch[] = [];
      for (const index of chosen.prefilter.candidates(view)) {
        const compiled = chosen.rules[index];
        if (compiled?.matches(view)) out.push(toMatch(compiled));
      }
      return out;
    },
  };
}
