/**
 * Learn content on disk: the shipped folder (content/learn, found beside the code whether it
 * runs from src/ or dist/) and the organisation's own folder (VIGIE_LEARN_CONTENT_DIR). Files
 * are read here, parsed by the engine; an unreadable file is a reported problem, not a crash.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type ContentFile, type ContentOrigin, type ContentProblem, MAX_CONTENT_FILE } from '../learn/index.js';

/** content/learn of this installation (two levels up from src/platform or dist/platform). */
export const SHIPPED_CONTENT_DIR = decodeURIComponent(new URL('../../content/learn', import.meta.url).pathname);

/** Every `.yaml` file under `dir`, in name order; hidden entries and links are skipped. */
export function readContentDir(
  dir: string,
  origin: ContentOrigin,
): { files: ContentFile[]; problems: ContentProblem[] } {
  const files: ContentFile[] = [];
  const problems: ContentProblem[] = [];
  const visit = (path: string, depth: number) => {
    let entries: string[];
    try {
      entries = readdirSync(path).sort();
    } catch (error) {
      problems.push({ file: path, line: 1, reason: `cannot read folder: ${String(error)}`, level: 'error' });
      return;
    }
    for (const name of entries) {
      if (name.startsWith('.')) continue;
      const full = join(path, name);
      const stat = lstatSync(full, { throwIfNoEntry: false });
      if (!stat || stat.isSymbolicLink()) continue;
      if (stat.isDirectory() && depth < 8) visit(full, depth + 1);
      else if (stat.isFile() && name.endsWith('.yaml')) {
        const shown = relative(dir, full);
        if (stat.size > MAX_CONTENT_FILE) {
          problems.push({ file: shown, line: 1, reason: 'file too large', level: 'error' });
          continue;
        }
        try {
          files.push({ path: shown, text: readFileSync(full, 'utf8'), origin });
        } catch (error) {
          problems.push({ file: shown, line: 1, reason: `cannot read file: ${String(error)}`, level: 'error' });
        }
      }
    }
  };
  visit(dir, 0);
  return { files, problems };
}
