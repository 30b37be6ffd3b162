/** The detectors on the labelled attack logs of the DEV pack (skipped, with a message, without it). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAccessLogLine, parseSyslogLine } from '../ingest/index.js';
import { fromEcsEvent, fromWindowsEvent } from './adapters/index.js';
import { createBehaviourEngine } from './engine.js';
import type { BehaviourObservation } from './observation.js';

const root = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data', 'detect');
const labels = join(root, 'attack', 'labels.tsv');
const present = existsSync(labels);
if (!present) console.warn(`labelled attack data absent (${labels}): the real-data tests are skipped`);

const EXPECTED: Readonly<Record<string, string>> = {
  brute_force: 'brute_force',
  ssh_brute_force: 'brute_force',
  password_spray: 'password_spray',
  user_enumeration: 'user_enumeration',
  web_scanner: 'web_scan',
};

function patternsIn(path: string): string[] {
  const engine = createBehaviourEngine();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    let got: ReturnType<typeof fromEcsEvent>;
    if (path.endsWith('.jsonl')) got = fromWindowsEvent(JSON.parse(line));
    else {
      const parsed = path.endsWith('.log') ? parseSyslogLine(line, { year: 2015 }) : parseAccessLogLine(line);
      if (!parsed.ok) continue;
      got = fromEcsEvent(parsed.event);
    }
    if (got.ok) for (const o of got.observations as BehaviourObservation[]) engine.observe(o);
  }
  return [...new Set(engine.alerts().map((a) => a.pattern))];
}

describe('labelled attack logs', () => {
  const rows = present
    ? readFileSync(labels, 'utf8')
        .split('\n')
        .slice(1)
        .map((r) => r.split('\t'))
        .filter(([file, behaviour]) => file && behaviour && EXPECTED[behaviour])
    : [];

  it.skipIf(!present)('every labelled file raises its expected pattern', () => {
    expect(rows.length).toBeGreaterThanOrEqual(10);
    const missed: string[] = [];
    for (const [file, behaviour] of rows) {
      const path = join(root, (file as string).replace(/\.evtx$/, '.jsonl'));
      const expected = EXPECTED[behaviour as string] as string;
      if (!patternsIn(path).includes(expected)) missed.push(`${file}: ${expected}`);
    }
    expect(missed).toEqual([]);
  });
});
