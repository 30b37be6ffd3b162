/**
 * Loads Learn content from file texts (the outer ring reads the files): each YAML file holds one
 * `kind: module`, `kind: paths`, `kind: template` or `kind: landing` document. Bad files are
 * reported with their line and reason and the rest still loads: `loadContent` never throws.
 * Organisation content is merged over the shipped content: same id replaces, new ids add.
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { digestOf } from '../digest.js';
import { type LandingPage, landingSchema, type SimulationTemplate, templateSchema } from '../sim/templates.js';
import { type ModuleData, moduleSchema, type PathData, pathSchema } from './schema.js';

export type ContentOrigin = 'shipped' | 'organisation';

export interface ContentFile {
  /** Where the text came from, e.g. `content/learn/modules/deepfakes.yaml`; names it in problems. */
  readonly path: string;
  readonly text: string;
  readonly origin: ContentOrigin;
}

export interface ContentProblem {
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  readonly reason: string;
  /** `error`: the item was not loaded; `warning`: loaded, but something was dropped or replaced. */
  readonly level: 'error' | 'warning';
}

interface Provenance {
  readonly origin: ContentOrigin;
  readonly file: string;
  /** Digest of the item's validated content: changes whenever its text does. */
  readonly version: string;
}

export type LearnModule = ModuleData & Provenance;
export type LearningPath = PathData & Provenance;
export type LoadedTemplate = SimulationTemplate & Provenance;
export type LoadedLanding = LandingPage & Provenance;

export interface LearnContent {
  /** Digest over every loaded item's version: the content version learners' progress records. */
  readonly version: string;
  readonly modules: readonly LearnModule[];
  readonly paths: readonly LearningPath[];
  readonly templates: readonly LoadedTemplate[];
  readonly landings: readonly LoadedLanding[];
  readonly problems: readonly ContentProblem[];
}

/** Files larger than this are refused: content is short lessons, not a data dump. */
export const MAX_CONTENT_FILE = 512 * 1024;

function lineAt(root: Node | null | undefined, path: readonly PropertyKey[], counter: LineCounter, fallback: number) {
  let node: unknown = root;
  let line = fallback;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) break;
      if (isScalar(pair.key) && pair.key.range) line = counter.linePos(pair.key.range[0]).line;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      const range = (node as { range?: number[] } | undefined)?.range;
      if (range) line = counter.linePos(range[0] ?? 0).line;
    } else break;
  }
  return line;
}

type Parsed =
  | { kind: 'module'; value: ModuleData; line: number }
  | { kind: 'paths'; value: PathData[]; lines: number[] }
  | { kind: 'template'; value: SimulationTemplate; line: number }
  | { kind: 'landing'; value: LandingPage; line: number };

function parseFile(file: ContentFile, problems: ContentProblem[]): Parsed | undefined {
  const error = (line: number, reason: string) => problems.push({ file: file.path, line, reason, level: 'error' });
  if (file.text.length > MAX_CONTENT_FILE) {
    error(1, `file larger than ${MAX_CONTENT_FILE} characters`);
    return undefined;
  }
  const counter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  let value: unknown;
  try {
    doc = parseDocument(file.text, { lineCounter: counter, uniqueKeys: true });
    const first = doc.errors[0];
    if (first) {
      error(first.linePos?.[0]?.line ?? 1, `YAML: ${first.message.split('\n')[0]}`);
      return undefined;
    }
    value = doc.toJS({ maxAliasCount: 50 });
  } catch (e) {
    error(1, `unreadable YAML: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    error(1, 'a content file is a YAML mapping with a `kind`');
    return undefined;
  }
  const { kind, ...rest } = value as Record<string, unknown>;
  const validate = <T>(schema: z.ZodType<T>, input: unknown): T | undefined => {
    const result = schema.safeParse(input);
    if (result.success) return result.data;
    for (const issue of result.error.issues.slice(0, 20)) {
      const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      error(lineAt(doc.contents, issue.path, counter, 1), `${where}${issue.message}`);
    }
    return undefined;
  };
  const firstLine = counter.linePos(doc.contents?.range?.[0] ?? 0).line;
  switch (kind) {
    case 'module': {
      const m = validate(moduleSchema, rest);
      return m ? { kind, value: m, line: firstLine } : undefined;
    }
    case 'template': {
      const t = validate(templateSchema, rest);
      return t ? { kind, value: t, line: firstLine } : undefined;
    }
    case 'landing': {
      const l = validate(landingSchema, rest);
      return l ? { kind, value: l, line: firstLine } : undefined;
    }
    case 'paths': {
      const list = validate(pathSchema.array().min(1), (rest as { paths?: unknown }).paths);
      if (!list) return undefined;
      return { kind, value: list, lines: list.map((_, i) => lineAt(doc.contents, ['paths', i], counter, 1)) };
    }
    default:
      error(lineAt(doc.contents, ['kind'], counter, 1), 'kind must be module, paths, template or landing');
      return undefined;
  }
}

/** Adds items by id: shipped first, then organisation items replace shipped ones of the same id. */
class Registry<T extends { id: string; origin: ContentOrigin; file: string }> {
  readonly items = new Map<string, T & { line: number }>();
  constructor(
    private readonly what: string,
    private readonly problems: ContentProblem[],
  ) {}
  add(item: T, line: number) {
    const previous = this.items.get(item.id);
    if (previous) {
      if (previous.origin === item.origin) {
        this.problems.push({
          file: item.file,
          line,
          reason: `duplicate ${this.what} id ${item.id} (first in ${previous.file}); this one is ignored`,
          level: 'error',
        });
        return;
      }
      this.problems.push({
        file: item.file,
        line,
        reason: `organisation ${this.what} ${item.id} replaces the shipped one`,
        level: 'warning',
      });
    }
    this.items.set(item.id, { ...item, line });
  }
  list(): T[] {
    return [...this.items.values()]
      .map(({ line: _line, ...item }) => item as unknown as T)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

/** Validates and merges every content file; never throws. */
export function loadContent(files: readonly ContentFile[]): LearnContent {
  const problems: ContentProblem[] = [];
  const modules = new Registry<LearnModule>('module', problems);
  const paths = new Registry<LearningPath>('path', problems);
  const templates = new Registry<LoadedTemplate>('template', problems);
  const landings = new Registry<LoadedLanding>('landing page', problems);
  // Shipped first so organisation content overrides it whatever order the caller read the files in.
  const ordered = [...files].sort((a, b) =>
    a.origin === b.origin ? (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) : a.origin === 'shipped' ? -1 : 1,
  );
  for (const file of ordered) {
    const parsed = parseFile(file, problems);
    if (!parsed) continue;
    const prov = (value: unknown) => ({ origin: file.origin, file: file.path, version: digestOf(value, 12) });
    switch (parsed.kind) {
      case 'module':
        modules.add({ ...parsed.value, ...prov(parsed.value) }, parsed.line);
        break;
      case 'template':
        templates.add({ ...parsed.value, ...prov(parsed.value) }, parsed.line);
        break;
      case 'landing':
        landings.add({ ...parsed.value, ...prov(parsed.value) }, parsed.line);
        break;
      case 'paths':
        parsed.value.forEach((p, i) => {
          paths.add({ ...p, ...prov(p) }, parsed.lines[i] ?? 1);
        });
        break;
    }
  }
  // References: a path naming an unknown module, a template naming an unknown landing page.
  for (const [id, path] of paths.items) {
    const known = path.modules.filter((m) => modules.items.has(m));
    const missing = path.modules.filter((m) => !modules.items.has(m));
    if (missing.length === 0) continue;
    if (known.length === 0) {
      problems.push({ file: path.file, line: path.line, reason: `path ${id}: no known module`, level: 'error' });
      paths.items.delete(id);
    } else {
      problems.push({
        file: path.file,
        line: path.line,
        reason: `path ${id}: unknown module(s) ${missing.join(', ')} left out`,
        level: 'warning',
      });
      paths.items.set(id, { ...path, modules: known });
    }
  }
  for (const [id, template] of templates.items) {
    if (landings.items.has(template.landing)) continue;
    problems.push({
      file: template.file,
      line: template.line,
      reason: `template ${id}: unknown landing page ${template.landing}`,
      level: 'error',
    });
    templates.items.delete(id);
  }
  const content = {
    modules: modules.list(),
    paths: paths.list(),
    templates: templates.list(),
    landings: landings.list(),
  };
  const version = digestOf(
    [content.modules, content.paths, content.templates, content.landings].map((list) =>
      list.map((item) => [item.id, item.version]),
    ),
  );
  return { version, ...content, problems };
}
