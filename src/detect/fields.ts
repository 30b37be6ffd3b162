/**
 * From rule field names to event values. Events are nested JSON; a field mapping (data, one
 * per log format) says where a rule's field lives in an event of that format. Adding Linux or
 * web logs means adding a mapping to `FIELD_MAPPINGS`, not code.
 */

export interface FieldMapping {
  readonly name: string;
  /** The product events of this format come from, to pick the rules that apply (`windows`). */
  readonly product: string | undefined;
  /** Dotted path whose presence says an event is of this format. */
  readonly marker: string;
  /** Rule field → dotted path in the event, for fields that do not sit in a container. */
  readonly fields: Readonly<Record<string, string>>;
  /**
   * Objects searched in order for any other rule field, by its own name; a `*` step goes
   * into the object's first child object (UserData holds one element named after the event).
   */
  readonly containers: readonly string[];
  /**
   * Rule fields that some events name differently, keyed by `Channel/EventID`: Sigma's
   * process_creation rules say `Image`, Security event 4688 says `NewProcessName`.
   */
  readonly renamed?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/**
 * `evtx_dump` JSON (`{"Event":{"System":…,"EventData":…}}`): the System header's fields by
 * their Sigma names, every EventData (or UserData) field by its own name.
 */
export const EVTX_JSON_MAPPING: FieldMapping = {
  name: 'windows-evtx-json',
  product: 'windows',
  marker: 'Event.System',
  fields: {
    EventID: 'Event.System.EventID',
    Channel: 'Event.System.Channel',
    Provider_Name: 'Event.System.Provider.#attributes.Name',
    Provider: 'Event.System.Provider.#attributes.Name',
    Computer: 'Event.System.Computer',
    Level: 'Event.System.Level',
    Task: 'Event.System.Task',
    Opcode: 'Event.System.Opcode',
    Keywords: 'Event.System.Keywords',
    Version: 'Event.System.Version',
    EventRecordID: 'Event.System.EventRecordID',
    SecurityUserID: 'Event.System.Security.#attributes.UserID',
    ProcessID: 'Event.System.Execution.#attributes.ProcessID',
    ThreadID: 'Event.System.Execution.#attributes.ThreadID',
  },
  containers: ['Event.EventData', 'Event.UserData.*'],
  renamed: {
    'Security/4688': { Image: 'NewProcessName', ParentImage: 'ParentProcessName' },
  },
};

/**
 * Any other JSON: a rule field is a top-level key or a dotted path. The log source cannot be
 * decided from such events, so rules run on their detection alone.
 */
export const PLAIN_JSON_MAPPING: FieldMapping = {
  name: 'json',
  product: undefined,
  marker: '',
  fields: {},
  containers: [''],
};

/**
 * Winlogbeat / ECS Windows events (`winlog.channel`, `winlog.event_id`, `winlog.event_data.*`):
 * the System header's Sigma names, then every event-data field by its own name; flattened
 * dotted keys are nested again by the ingest step (ingest/json.ts) before they get here.
 */
export const WINLOGBEAT_MAPPING: FieldMapping = {
  name: 'windows-winlogbeat',
  product: 'windows',
  marker: 'winlog.channel',
  fields: {
    EventID: 'winlog.event_id',
    Channel: 'winlog.channel',
    Provider_Name: 'winlog.provider_name',
    Provider: 'winlog.provider_name',
    Computer: 'winlog.computer_name',
    Level: 'log.level',
    Task: 'winlog.task',
    Opcode: 'winlog.opcode',
    Keywords: 'winlog.keywords',
    Version: 'winlog.version',
    EventRecordID: 'winlog.record_id',
    SecurityUserID: 'winlog.user.identifier',
    ProcessID: 'winlog.process.pid',
    ThreadID: 'winlog.process.thread.id',
  },
  containers: ['winlog.event_data', 'winlog.user_data', ''],
  renamed: EVTX_JSON_MAPPING.renamed,
};

/**
 * Linux syslog events as ingest/syslog.ts writes them (`log.syslog` is always there). Sigma's
 * Linux rules are mostly keyword rules over the message; the few field names they use map to
 * ECS. Which rules apply (service auth, sshd, sudo, syslog, ...) is logsource.ts's business.
 */
export const LINUX_SYSLOG_MAPPING: FieldMapping = {
  name: 'linux-syslog',
  product: 'linux',
  marker: 'log.syslog',
  fields: {
    Computer: 'host.hostname',
    hostname: 'host.hostname',
    ProcessName: 'process.name',
    Image: 'process.name',
    pid: 'process.pid',
    User: 'user.name',
    USER: 'user.target.name',
    CommandLine: 'process.command_line',
    COMMAND: 'process.command_line',
    SourceIp: 'source.ip',
  },
  // `message` first: keyword rules search the message, not the header around it.
  containers: ['message', ''],
};

/**
 * Web access logs as ingest/access-log.ts writes them, under Sigma's `webserver` category
 * (W3C names). `cs-uri-query` reads the whole request target: SigmaHQ's web rules put path
 * fragments (`/../`, `/etc/passwd`) there, and reading more can add alerts, never lose one.
 */
export const WEB_ACCESS_MAPPING: FieldMapping = {
  name: 'web-access',
  product: 'category:webserver',
  marker: 'http.response.status_code',
  fields: {
    'cs-method': 'http.request.method',
    'cs-uri-query': 'url.original',
    'cs-uri-stem': 'url.path',
    'cs-uri': 'url.original',
    'sc-status': 'http.response.status_code',
    'c-ip': 'source.ip',
    'cs-user-agent': 'user_agent.original',
    'cs-referer': 'http.request.referrer',
    'cs-username': 'user.name',
    'cs-version': 'http.version',
    'sc-bytes': 'http.response.body.bytes',
    'cs-host': 'url.domain',
  },
  containers: ['message', ''],
};

/** Mappings tried in order; the last one takes every event. */
export const FIELD_MAPPINGS: readonly FieldMapping[] = [
  EVTX_JSON_MAPPING,
  WINLOGBEAT_MAPPING,
  LINUX_SYSLOG_MAPPING,
  WEB_ACCESS_MAPPING,
  PLAIN_JSON_MAPPING,
];

type Json = unknown;

/**
 * Events nested deeper than this are not read past it: their deeper values are ignored (the
 * CLI reports such events rather than checking them in part).
 */
export const MAX_EVENT_DEPTH = 64;
/** At most this many values are read from one field, or from one event for keyword search. */
export const MAX_EVENT_VALUES = 100_000;

/** `table[key]` when the table has it as its own property: never `constructor`, `__proto__`, ... */
export function ownEntry<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

function walk(root: Json, path: readonly string[]): Json {
  let node = root;
  for (let i = 0; i < path.length; i++) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    const key = path[i] as string;
    node =
      key === '*'
        ? Object.values(node).find((child) => typeof child === 'object' && child !== null && !Array.isArray(child))
        : Object.hasOwn(node, key)
          ? (node as Record<string, Json>)[key]
          : undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

const splitPath = (path: string): string[] => (path === '' ? [] : path.split('.'));

/** XML text nodes as evtx_dump writes them (`{"#text": 4624, "#attributes": …}`) read as their text. */
function unwrap(value: Json): Json {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && '#text' in value)
    return (value as Record<string, Json>)['#text'];
  return value;
}

/** One field of one event, read once and kept for every rule that asks for it. */
export interface FieldRead {
  /** `false` when the field is absent from the event. */
  readonly present: boolean;
  /** The value was JSON null (or absent). */
  readonly isNull: boolean;
  /** Values as text (numbers and booleans stringified; arrays give one per element). */
  readonly strings: readonly string[];
  /** The same, lower-cased, for case-insensitive tests. */
  readonly lower: readonly string[];
}

/**
 * A read whose lower case is made on first need: the prefilter scans values as they are
 * (grams.ts folds case), and most values read for it are tested by no rule.
 */
class Read implements FieldRead {
  private lowerCase: readonly string[] | undefined;
  constructor(
    readonly present: boolean,
    readonly isNull: boolean,
    readonly strings: readonly string[],
  ) {}

  get lower(): readonly string[] {
    if (this.lowerCase === undefined) this.lowerCase = lowered(this.strings);
    return this.lowerCase;
  }
}

const ABSENT: FieldRead = new Read(false, true, []);

function scalarText(value: Json): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return undefined;
}

/**
 * Text values, in order, below `root`: with `objects`, every value of nested objects too (keyword
 * search); without, only nested arrays (a field's values). Iterative, with depth and size caps.
 * Nodes in `skip` are passed over with what they hold (values already read).
 */
function collectStrings(root: Json, objects: boolean, out: string[], skip: readonly Json[] = []): void {
  const single = scalarText(root);
  // Most fields hold one value: no walk for them.
  if (single !== undefined) {
    if (out.length < MAX_EVENT_VALUES) out.push(single);
    return;
  }
  // Most containers (EventData) are flat: their values in order, as the walk below reads them, without its stack.
  if (objects && typeof root === 'object' && root !== null && !Array.isArray(root)) {
    const children = Object.values(root);
    if (out.length + children.length < MAX_EVENT_VALUES && allScalar(children)) {
      for (let i = 0; i < children.length; i++) {
        const text = scalarText(children[i]);
        if (text !== undefined) out.push(text);
      }
      return;
    }
  }
  const stack: Array<{ node: Json; depth: number }> = [{ node: root, depth: 0 }];
  let seen = 0;
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (++seen > MAX_EVENT_VALUES || out.length >= MAX_EVENT_VALUES) return;
    const { node, depth } = item;
    const text = scalarText(node);
    if (text !== undefined) {
      out.push(text);
      continue;
    }
    if (typeof node !== 'object' || node === null || depth >= MAX_EVENT_DEPTH) continue;
    let children: Json[];
    if (Array.isArray(node)) children = objects ? node : node.map(unwrap);
    else if (objects) children = Object.values(node);
    else continue;
    // Pushed last-first so that values come out in document order.
    for (let i = children.length - 1; i >= 0; i--)
      if (skip.length === 0 || !skip.includes(children[i])) stack.push({ node: children[i], depth: depth + 1 });
  }
}

function allScalar(values: readonly Json[]): boolean {
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value === 'object' && value !== null) return false;
  }
  return true;
}

/**
 * The texts of a flat object's values, as `collectStrings` reads them into an empty list, in the
 * array that lists the values (not in one grown by pushes from empty); undefined for anything else.
 */
function flatTexts(root: Json): string[] | undefined {
  if (typeof root !== 'object' || root === null || Array.isArray(root)) return undefined;
  const children = Object.values(root);
  if (children.length >= MAX_EVENT_VALUES || !allScalar(children)) return undefined;
  let count = 0;
  for (let i = 0; i < children.length; i++) {
    const text = scalarText(children[i]);
    if (text !== undefined) children[count++] = text;
  }
  children.length = count;
  return children as string[];
}

/** The values lower-cased; the same array when none changes (most Windows values are mixed case, ids are not). */
function lowered(strings: readonly string[]): readonly string[] {
  for (let i = 0; i < strings.length; i++) {
    const s = strings[i] as string;
    const l = s.toLowerCase();
    if (l === s) continue;
    // A copy of the right size, not one grown by pushes from empty.
    const out = strings.slice();
    out[i] = l;
    for (let j = i + 1; j < out.length; j++) out[j] = (out[j] as string).toLowerCase();
    return out;
  }
  return strings;
}

/**
 * Where a rule field lives: a path from the root (`container` -1, a mapped field) or from one
 * of the mapping's containers (by index), which each event resolves once for all its fields.
 */
interface Lookup {
  readonly container: number;
  readonly path: readonly string[];
}

/**
 * One rule field under one mapping: where it lives, and the last view's read of it. Views
 * cache their reads here rather than in a map of their own (one map per event was the
 * hottest allocation): a read belongs to the view that made it, another view reads afresh.
 */
export interface FieldSlot {
  readonly lookups: readonly Lookup[];
  owner: EventView | undefined;
  read: FieldRead;
}

/** Where each rule field lives, resolved once per mapping. */
export class Resolver {
  private readonly slots = new Map<string, FieldSlot>();
  readonly containerPaths: ReadonlyArray<readonly string[]>;
  readonly markerPath: readonly string[];
  constructor(readonly mapping: FieldMapping) {
    this.containerPaths = mapping.containers.map(splitPath);
    this.markerPath = splitPath(mapping.marker);
  }

  slot(field: string): FieldSlot {
    let found = this.slots.get(field);
    if (!found) {
      const mapped = ownEntry(this.mapping.fields, field);
      const lookups = mapped
        ? [{ container: -1, path: splitPath(mapped) }]
        : this.mapping.containers.map((c, i) => ({ container: i, path: c === '' ? field.split('.') : [field] }));
      found = { lookups, owner: undefined, read: ABSENT };
      this.slots.set(field, found);
    }
    return found;
  }
}

/**
 * Reads one field of views, its slot found once per mapping rather than looked up by name at
 * every read: each test of a rule reads its field so.
 */
export function fieldReader(name: string): (view: EventView) => FieldRead {
  let resolver: Resolver | undefined;
  let slot: FieldSlot | undefined;
  return (view) => {
    if (view.resolver !== resolver || slot === undefined) {
      resolver = view.resolver;
      slot = resolver.slot(name);
    }
    return view.read(slot, name);
  };
}

const resolvers = new Map<FieldMapping, Resolver>();
function resolverFor(mapping: FieldMapping): Resolver {
  let resolver = resolvers.get(mapping);
  if (!resolver) {
    resolver = new Resolver(mapping);
    resolvers.set(mapping, resolver);
  }
  return resolver;
}

/** An event seen through a field mapping, with every field read at most once. */
export class EventView {
  private everything: FieldRead | undefined;
  /** Where fields live under this view's mapping (shared by every view of it). */
  readonly resolver: Resolver;
  private readonly renamed: Readonly<Record<string, string>> | undefined;
  /** The mapping's container objects in this event, found on first need. */
  private containers: Json[] | undefined;

  constructor(
    readonly event: Json,
    readonly mapping: FieldMapping,
  ) {
    this.resolver = resolverFor(mapping);
    if (mapping.renamed) {
      const channel = this.field('Channel').strings[0];
      const eventId = this.field('EventID').strings[0];
      this.renamed = ownEntry(mapping.renamed, `${channel}/${eventId}`);
    }
  }

  /** The mapping's `index`-th container object in this event (undefined when absent). */
  container(index: number): Json {
    if (this.containers === undefined) {
      const paths = this.resolver.containerPaths;
      this.containers = new Array<Json>(paths.length);
      for (let i = 0; i < paths.length; i++) this.containers[i] = walk(this.event, paths[i] as readonly string[]);
    }
    return this.containers[index];
  }

  field(name: string): FieldRead {
    return this.read(this.resolver.slot(name), name);
  }

  /** The field `name`, whose slot under this view's resolver is `slot`. */
  read(slot: FieldSlot, name: string): FieldRead {
    if (slot.owner === this) return slot.read;
    const { renamed } = this;
    const lookups =
      renamed !== undefined && Object.hasOwn(renamed, name)
        ? this.resolver.slot(renamed[name] as string).lookups
        : slot.lookups;
    let read = ABSENT;
    for (let i = 0; i < lookups.length; i++) {
      const { container, path } = lookups[i] as Lookup;
      const raw = walk(container < 0 ? this.event : this.container(container), path);
      if (raw === undefined) continue;
      const value = unwrap(raw);
      const single = scalarText(value);
      // Most fields hold one text: no walk, no array copies.
      if (single !== undefined) read = new Read(true, false, [single]);
      else {
        const strings: string[] = [];
        collectStrings(value, false, strings);
        read = new Read(true, value === null, strings);
      }
      break;
    }
    slot.owner = this;
    slot.read = read;
    return read;
  }

  /** Every text value of the event's data, as one multi-valued field, for keyword search. */
  allValues(): FieldRead {
    if (!this.everything) {
      let strings: string[] = [];
      // Keywords search the event's data, not the header, when the format separates them. A
      // container inside a later one (the message, or Winlogbeat's event data, inside the whole
      // event) is read once: its values twice would only be searched twice.
      const read: Json[] = [];
      for (let i = 0; i < this.mapping.containers.length; i++) {
        const container = this.container(i);
        const flat = strings.length === 0 ? flatTexts(container) : undefined;
        if (flat) strings = flat;
        else collectStrings(container, true, strings, read);
        if (container !== undefined) read.push(container);
      }
      this.everything = new Read(true, false, strings);
    }
    return this.everything;
  }
}

/** How a `FieldPicker` finds its fields in events of one mapping. */
interface PickPlan {
  /** Fields read whatever the event: mapped or renamed ones, odd names. */
  readonly direct: readonly number[];
  /** Per container: field indexes by the own key of the container that they need. */
  readonly byKey: ReadonlyArray<ReadonlyMap<string, readonly number[]>>;
  /** Per container: the key lists last met, each with what its keys name (see `KeyShape`). */
  readonly shapes: KeyShape[][];
}

/**
 * A container's own keys, in order, and for those that name fields their positions and the
 * fields: events of one kind hold the same keys, which are told alike by comparing them (the
 * same strings, one comparison each) rather than by looking each up.
 */
interface KeyShape {
  readonly keys: readonly string[];
  readonly at: readonly number[];
  readonly fields: ReadonlyArray<readonly number[]>;
}

/** Key lists remembered per container of a mapping. */
const SHAPES_KEPT = 4;

/**
 * Which of many rule fields an event may have, without reading each: the prefilter asks after
 * every field some rule of a pool tests (80 for Security events), most of them absent, and a
 * read that finds nothing cost as much as one that finds a value. A field that lives in a
 * container (EventData, or the root for plain JSON) is there only if the container has its
 * name (or, for the root, its first dotted step) as an own key, so the event's own keys are
 * enumerated once and looked up; fields the mapping places otherwise are always picked. The
 * pick is a superset of the fields present: a picked field may still be absent.
 */
export class FieldPicker {
  private readonly plans = new Map<FieldMapping, PickPlan>();
  private readonly stamp: Uint32Array;
  private generation = 0;
  /**
   * The last pick, in its first entries (as many as `pick` said): indexes into `names`. The
   * arrays are written over, never emptied: an emptied array drops its storage, and refilling it
   * allocated anew at every event.
   */
  readonly picked: number[] = [];
  /**
   * Per entry of the last pick: the field's one value when the event holds it as text where its
   * read finds it (the read would be just that text), else undefined. The prefilter scans such
   * a value as it is, without a read of the field (a lookup, a walk, a read object): most
   * values of Windows events are such texts.
   */
  readonly texts: Array<string | undefined> = [];

  constructor(readonly names: readonly string[]) {
    this.stamp = new Uint32Array(names.length);
  }

  private plan(mapping: FieldMapping): PickPlan {
    let found = this.plans.get(mapping);
    if (!found) {
      const renamed = new Set(Object.values(mapping.renamed ?? {}).flatMap((table) => Object.keys(table)));
      const direct: number[] = [];
      const byKey = mapping.containers.map(() => new Map<string, number[]>());
      this.names.forEach((name, index) => {
        // A `*` step walks into any child object: no one key says whether such a field is there.
        if (ownEntry(mapping.fields, name) !== undefined || renamed.has(name) || name.includes('*')) {
          direct.push(index);
          return;
        }
        mapping.containers.forEach((container, c) => {
          const key = container === '' ? (name.split('.')[0] as string) : name;
          const map = byKey[c] as Map<string, number[]>;
          const list = map.get(key) ?? [];
          list.push(index);
          map.set(key, list);
        });
      });
      found = { direct, byKey, shapes: mapping.containers.map(() => []) };
      this.plans.set(mapping, found);
    }
    return found;
  }

  /**
   * Picks the fields the view's event may have, each once, in no set order, into the first
   * entries of `picked` (their number is returned): every field present is among them; `texts`
   * tells their values where it can. The arrays are reused by the next call.
   */
  pick(view: EventView): number {
    const { direct, byKey, shapes } = this.plan(view.mapping);
    this.generation = (this.generation + 1) >>> 0;
    if (this.generation === 0) {
      // Wrapped after 2^32 events: a stamp left from the last cycle would read as "picked now".
      this.generation = 1;
      this.stamp.fill(0);
    }
    const { stamp, generation, picked, texts } = this;
    let count = 0;
    for (let i = 0; i < direct.length; i++) {
      picked[count] = direct[i] as number;
      texts[count++] = undefined;
    }
    for (let c = 0; c < byKey.length; c++) {
      const map = byKey[c] as ReadonlyMap<string, readonly number[]>;
      if (map.size === 0) continue;
      const container = view.container(c);
      if (typeof container !== 'object' || container === null || Array.isArray(container)) continue;
      // Own names, enumerable or not, as `Object.hasOwn` in `walk` sees them.
      const keys = Object.getOwnPropertyNames(container);
      // A field is read from the first container holding the key of its own name (the root's keys
      // are dotted paths' first steps): from this one, unless an earlier one picked it already.
      const own = view.mapping.containers[c] !== '';
      const { at, fields } = shapeOf(shapes[c] as KeyShape[], keys, map);
      for (let j = 0; j < at.length; j++) {
        const key = keys[at[j] as number] as string;
        const indexes = fields[j] as readonly number[];
        let text: string | undefined;
        if (own) {
          const value = (container as Record<string, Json>)[key];
          if (typeof value === 'string') text = value;
        }
        for (let i = 0; i < indexes.length; i++) {
          const index = indexes[i] as number;
          if (stamp[index] === generation) continue;
          stamp[index] = generation;
          picked[count] = index;
          texts[count++] = text;
        }
      }
    }
    return count;
  }
}

/** The shape of a container with these keys: one of those kept when the keys are the same, else a new one, kept. */
function shapeOf(kept: KeyShape[], keys: readonly string[], byKey: ReadonlyMap<string, readonly number[]>): KeyShape {
  for (let s = 0; s < kept.length; s++) {
    const shape = kept[s] as KeyShape;
    if (shape.keys.length !== keys.length) continue;
    let k = 0;
    while (k < keys.length && shape.keys[k] === keys[k]) k++;
    if (k === keys.length) return shape;
  }
  const at: number[] = [];
  const fields: Array<readonly number[]> = [];
  keys.forEach((key, k) => {
    const indexes = byKey.get(key);
    if (indexes === undefined) return;
    at.push(k);
    fields.push(indexes);
  });
  const shape = { keys, at, fields };
  // The latest first; the oldest dropped past the bound.
  kept.unshift(shape);
  if (kept.length > SHAPES_KEPT) kept.pop();
  return shape;
}

/** The first mapping whose marker the event has. */
export function mappingFor(event: Json, mappings: readonly FieldMapping[] = FIELD_MAPPINGS): FieldMapping {
  for (const mapping of mappings) {
    if (mapping.marker === '' || walk(event, resolverFor(mapping).markerPath) !== undefined) return mapping;
  }
  return PLAIN_JSON_MAPPING;
}
