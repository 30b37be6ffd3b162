/**
 * Reading Sigma YAML into rules. A file may hold one rule or a collection of documents
 * (`action: global` sets defaults merged into the documents after it, `action: reset` drops
 * them, `action: repeat` repeats the previous document with changes). A bad document is
 * reported with its line and reason and the others still load: `loadRules` never throws.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { parseCorrelation } from './correlation/parse.js';
import type { RuleProblem, SigmaCorrelation, SigmaFilter, SigmaRule } from './rule.js';

const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;

const ruleSchema = z.object({
  title: z.string().min(1),
  id: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  status: z.string().optional(),
  level: z.enum(LEVELS).optional(),
  tags: z.array(z.string()).optional(),
  logsource: z.object({
    product: z.string().optional(),
    category: z.string().optional(),
    service: z.string().optional(),
  }),
  detection: z
    .object({ condition: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]) })
    .catchall(z.unknown()),
});

const filterSchema = z.object({
  title: z.string().min(1),
  id: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  logsource: z.object({
    product: z.string().optional(),
    category: z.string().optional(),
    service: z.string().optional(),
  }),
  filter: z
    .object({
      rules: z.union([z.literal('any'), z.array(z.string().min(1)).min(1)]),
      condition: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    })
    .catchall(z.unknown()),
});

export interface LoadResult {
  readonly rules: SigmaRule[];
  /** Correlation (meta) rules, validated; their references are resolved at compile time. */
  readonly correlations: SigmaCorrelation[];
  /** Filter (meta) rules, validated; applied to the rules they name at compile time. */
  readonly filters: SigmaFilter[];
  readonly problems: RuleProblem[];
}

type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge as Sigma collections do it: maps merge key by key, anything else is replaced. */
function merge(base: Plain, over: Plain): Plain {
  const out: Plain = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const previous = out[key];
    out[key] = isPlain(previous) && isPlain(value) ? merge(previous, value) : value;
  }
  return out;
}

/** Lines of every node under `detection` (or `filter`), keyed by path (see `SigmaRule.lines`). */
function detectionLines(root: Node | null, counter: LineCounter, section = 'detection'): Map<string, number> {
  const lines = new Map<string, number>();
  if (!isMap(root)) return lines;
  const detection = root.get(section, true);
  const lineOf = (node: { range?: readonly number[] | null | undefined }) => counter.linePos(node.range?.[0] ?? 0).line;
  const walk = (node: unknown, path: string) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        const here = path === '' ? key : `${path}/${key}`;
        lines.set(here, lineOf(pair.key));
        walk(pair.value, here);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const here = `${path}/${i}`;
        if (isScalar(item) || isMap(item) || isSeq(item)) lines.set(here, lineOf(item));
        walk(item, here);
      });
    }
  };
  if (isMap(detection) || isSeq(detection)) walk(detection, '');
  return lines;
}

/** Line of the node at `path` in the document, or the document's first line. */
function lineAt(root: Node | null, path: readonly PropertyKey[], counter: LineCounter, fallback: number): number {
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

/** Parses one YAML text (one file) into rules; `file` names it in rules and problems. */
export function loadRules(text: string, file: string): LoadResult {
  const rules: SigmaRule[] = [];
  const correlations: SigmaCorrelation[] = [];
  const filters: SigmaFilter[] = [];
  const problems: RuleProblem[] = [];
  const counter = new LineCounter();
  let documents: ReturnType<typeof parseAllDocuments>;
  try {
    const parsed = parseAllDocuments(text, { lineCounter: counter });
    documents = Array.isArray(parsed) ? parsed : [];
  } catch (error) {
    problems.push({ file, line: 1, rule: undefined, reason: `unreadable YAML: ${String(error)}`, kind: 'invalid' });
    return { rules, correlations, filters, problems };
  }
  let global: Plain = {};
  let previous: Plain | undefined;
  let previousLines = new Map<string, number>();
  for (const doc of documents) {
    const start = counter.linePos(doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0).line;
    const yamlError = doc.errors[0];
    if (yamlError) {
      const line = yamlError.linePos?.[0]?.line ?? start;
      problems.push({
        file,
        line,
        rule: undefined,
        reason: `YAML: ${yamlError.message.split('\n')[0]}`,
        kind: 'invalid',
      });
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      problems.push({ file, line: start, rule: undefined, reason: `YAML: ${String(error)}`, kind: 'invalid' });
      continue;
    }
    if (value === null || value === undefined) continue;
    if (!isPlain(value)) {
      problems.push({ file, line: start, rule: undefined, reason: 'a rule must be a YAML mapping', kind: 'invalid' });
      continue;
    }
    const { action, ...content } = value;
    const lines = detectionLines(doc.contents, counter);
    if (action === 'global') {
      global = merge(global, content);
      continue;
    }
    if (action === 'reset') {
      global = {};
      continue;
    }
    let document: Plain;
    let docLines: Map<string, number>;
    if (action === 'repeat') {
      if (!previous) {
        problems.push({
          file,
          line: start,
          rule: undefined,
          reason: '`action: repeat` with nothing before it',
          kind: 'invalid',
        });
        continue;
      }
      document = merge(previous, content);
      docLines = new Map([...previousLines, ...lines]);
    } else if (action === undefined) {
      document = merge(global, content);
      docLines = lines;
    } else {
      problems.push({
        file,
        line: start,
        rule: undefined,
        reason: `unknown collection action: ${String(action)}`,
        kind: 'invalid',
      });
      continue;
    }
    previous = document;
    previousLines = docLines;
    const name =
      typeof document.id === 'string' ? document.id : typeof document.title === 'string' ? document.title : undefined;
    const lineOf = (path: readonly PropertyKey[]) => lineAt(doc.contents, path, counter, start);
    if ('correlation' in document) {
      const parsed = parseCorrelation(document, file, start, lineOf);
      if ('reason' in parsed) problems.push(parsed);
      else correlations.push(parsed);
      continue;
    }
    if ('filter' in document && !('detection' in document)) {
      const checkedFilter = filterSchema.safeParse(document);
      if (!checkedFilter.success) {
        const issue = checkedFilter.error.issues[0];
        const path = issue?.path ?? [];
        problems.push({
          file,
          line: lineOf(path),
          rule: name,
          reason: `${path.length > 0 ? `${path.join('.')}: ` : ''}${issue?.message ?? 'invalid filter'}`,
          kind: 'invalid',
        });
        continue;
      }
      const f = checkedFilter.data;
      const { rules: targets, condition, ...searches } = f.filter;
      filters.push({
        id: f.id ?? f.name ?? f.title,
        name: f.name,
        title: f.title,
        logsource: f.logsource,
        rules: targets,
        searches,
        conditions: typeof condition === 'string' ? [condition] : condition,
        file,
        line: start,
        lines: detectionLines(doc.contents, counter, 'filter'),
      });
      continue;
    }
    const checked = ruleSchema.safeParse(document);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const path = issue?.path ?? [];
      problems.push({
        file,
        line: lineAt(doc.contents, path, counter, start),
        rule: name,
        reason: `${path.length > 0 ? `${path.join('.')}: ` : ''}${issue?.message ?? 'invalid rule'}`,
        kind: 'invalid',
      });
      continue;
    }
    const { condition, timeframe: _timeframe, ...searches } = checked.data.detection;
    const rule = checked.data;
    rules.push({
      id: rule.id ?? rule.title,
      name: rule.name,
      title: rule.title,
      level: rule.level,
      status: rule.status,
      tags: rule.tags ?? [],
      logsource: rule.logsource,
      searches,
      conditions: typeof condition === 'string' ? [condition] : condition,
      file,
      line: start,
      lines: docLines,
    });
  }
  return { rules, correlations, filters, problems };
}
