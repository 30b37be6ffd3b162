/**
 * Where Detect's Sigma rules come from: a folder on this machine (VIGIE_DETECT_RULES_DIR, read
 * at start and when rules change) and the packs imported through the API (kept in the store).
 * Each file gets a unique name (`folder:path` or `pack:<id>:path`) so that a compile failure
 * names its origin; files that cannot be read are failures of their own, never an abort.
 */
import { type Dirent, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { RuleProblem, RuleText } from '../detect/index.js';

/** A rule file larger than this is refused (the largest SigmaHQ rule is a few tens of kilobytes). */
export const MAX_RULE_FILE_BYTES = 1024 * 1024;
/** Files read from the folder at most (SigmaHQ's whole tree is about 3,800). */
const MAX_FOLDER_FILES = 50_000;

const isRuleFile = (name: string) => /\.ya?ml$/i.test(name);

export interface RuleOrigin {
  /** `folder`, or the id of an imported pack. */
  readonly origin: string;
  /** The folder, or the pack's name, for people. */
  readonly originName: string;
  /** The file's path inside its folder or pack. */
  readonly path: string;
}

export const folderFileKey = (path: string) => `folder:${path}`;
export const packFileKey = (packId: string, path: string) => `pack:${packId}:${path}`;

/**
 * Every rule file under `dir` (symbolic links are not followed: the folder is the boundary),
 * with those that could not be read reported.
 */
export function readRuleFolder(dir: string): { texts: RuleText[]; problems: RuleProblem[] } {
  const texts: RuleText[] = [];
  const problems: RuleProblem[] = [];
  const report = (path: string, reason: string) =>
    problems.push({ file: folderFileKey(path), line: 1, rule: undefined, reason, kind: 'invalid' });
  const stack = [dir];
  let files = 0;
  for (let folder = stack.pop(); folder !== undefined; folder = stack.pop()) {
    let entries: Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch (error) {
      report(relative(dir, folder) || '.', `cannot read the folder: ${String(error)}`);
      continue;
    }
    const sorted = entries.sort((a, b) => (a.name < b.name ? 1 : -1));
    for (const entry of sorted) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.isFile() && isRuleFile(entry.name)) {
        const path = relative(dir, full);
        if (++files > MAX_FOLDER_FILES) {
          report(path, `more than ${MAX_FOLDER_FILES} rule files: the rest of the folder is not read`);
          return { texts, problems };
        }
        try {
          const size = lstatSync(full).size;
          if (size > MAX_RULE_FILE_BYTES) {
            report(path, `file larger than ${MAX_RULE_FILE_BYTES} bytes`);
            continue;
          }
          texts.push({ file: folderFileKey(path), text: readFileSync(full, 'utf8') });
        } catch (error) {
          report(path, `cannot read: ${String(error)}`);
        }
      }
    }
  }
  texts.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { texts, problems };
}

/** The origin of a file key made by `folderFileKey` or `packFileKey`. */
export function originOf(file: string, packNames: ReadonlyMap<string, string>, dir: string | null): RuleOrigin {
  if (file.startsWith('folder:')) return { origin: 'folder', originName: dir ?? 'folder', path: file.slice(7) };
  if (file.startsWith('pack:')) {
    const rest = file.slice(5);
    const colon = rest.indexOf(':');
    const packId = colon < 0 ? rest : rest.slice(0, colon);
    return {
      origin: packId,
      originName: packNames.get(packId) ?? packId,
      path: colon < 0 ? '' : rest.slice(colon + 1),
    };
  }
  return { origin: 'unknown', originName: 'unknown', path: file };
}
