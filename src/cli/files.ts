/**
 * The files named on a command line: files as given, folders walked in name order. Inside
 * folders, hidden entries are skipped and links are not followed (a link to a parent folder
 * would walk forever); a path that cannot be read is reported and the walk goes on.
 */
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Says why a file or folder could not be read. */
export type OnUnreadable = (path: string, why: string) => void;

/** Why a file system call failed, as a person reads it. */
export function unreadableText(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'No such file or folder';
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}

/**
 * Every file under `paths`. Files met inside folders are kept only when `keep` says so (files
 * named on the command line always are).
 */
export function filesUnder(
  paths: readonly string[],
  keep: (path: string) => boolean,
  onUnreadable: OnUnreadable,
): string[] {
  const out: string[] = [];
  const visit = (path: string, inFolder: boolean) => {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = inFolder ? lstatSync(path) : statSync(path);
    } catch (error) {
      onUnreadable(path, unreadableText(error));
      return;
    }
    if (stat.isDirectory()) {
      let entries: string[];
      try {
        entries = readdirSync(path).sort();
      } catch (error) {
        onUnreadable(path, unreadableText(error));
        return;
      }
      for (const entry of entries) if (!entry.startsWith('.')) visit(join(path, entry), true);
    } else if (stat.isFile() && (!inFolder || keep(path))) out.push(path);
  };
  for (const path of paths) visit(path, false);
  return out;
}
