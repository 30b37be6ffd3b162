/**
 * The admin's inputs to discovery as text: a catalogue extension (YAML or JSON) and the
 * user → department map (CSV `user,department` lines or a JSON object). Parsed here so the
 * CLI and the server read them the same way.
 */
import { parse } from 'yaml';
import { type Catalogue, mergeCatalogue } from './catalogue.js';

/** Parses a catalogue extension (YAML, JSON being YAML too) and merges it with the shipped list. */
export function parseCatalogueExtension(text: string): Catalogue {
  let value: unknown;
  try {
    value = parse(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new Error(
      `catalogue: unreadable YAML/JSON: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    );
  }
  try {
    return mergeCatalogue(value ?? {});
  } catch (error) {
    if (error && typeof error === 'object' && 'issues' in error && Array.isArray(error.issues)) {
      const issues = error.issues as { path: PropertyKey[]; message: string }[];
      throw new Error(`catalogue: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    throw error;
  }
}

export interface DepartmentMap {
  readonly departments: ReadonlyMap<string, string>;
  /** Lines that could not be read (1-based), never silently dropped. */
  readonly problems: readonly { readonly line: number; readonly reason: string }[];
}

/**
 * `{"alice": "Finance", "10.0.0.5": "RH"}`, or CSV lines `user,department` (a header line
 * `user,department` is skipped; keys may be user names or client addresses; quotes allowed).
 */
export function parseDepartmentMap(text: string): DepartmentMap {
  const departments = new Map<string, string>();
  const problems: { line: number; reason: string }[] = [];
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      return { departments, problems: [{ line: 1, reason: 'not valid JSON' }] };
    }
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (typeof v === 'string' && v.trim()) departments.set(k.trim(), v.trim());
      else problems.push({ line: 1, reason: `department of "${k.slice(0, 100)}" is not a text` });
    }
    return { departments, problems };
  }
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '').trim();
    if (!line || line.startsWith('#')) continue;
    const cells = csvCells(line);
    const [user, department] = cells;
    if (cells.length < 2 || !user || !department) {
      problems.push({ line: i + 1, reason: 'expected user,department' });
      continue;
    }
    if (i === 0 && user.toLowerCase() === 'user' && department.toLowerCase() === 'department') continue;
    departments.set(user, department);
  }
  return { departments, problems };
}

/** Cells of one CSV line (RFC 4180 quoting), trimmed. */
function csvCells(line: string): string[] {
  const cells: string[] = [];
  let i = 0;
  while (i <= line.length) {
    let cell = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) {
          cell += line.slice(i);
          i = line.length;
          break;
        }
        cell += line.slice(i, q);
        if (line[q + 1] === '"') {
          cell += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      const comma = line.indexOf(',', i);
      i = comma < 0 ? line.length + 1 : comma + 1;
    } else {
      const comma = line.indexOf(',', i);
      cell = comma < 0 ? line.slice(i) : line.slice(i, comma);
      i = comma < 0 ? line.length + 1 : comma + 1;
    }
    cells.push(cell.trim());
  }
  return cells;
}
