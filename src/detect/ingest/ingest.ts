/**
 * One entry point for every log format: given a file's name and content (bytes, or its lines
 * as they stream), say what format it holds and yield `{ index, event, format }` records and
 * the records that could not be read, with their line or record number. Pure: the caller reads
 * files; an EVTX file is recognised by its magic, text by each line's shape.
 */
import { parseAccessLogLine } from './access-log.js';
import { parseCefLine } from './cef.js';
import type { ParsedLine } from './event.js';
import { decodeEvtx, isEvtx } from './evtx.js';
import { jsonFormat, unflatten } from './json.js';
import { parseSyslogLine } from './syslog.js';

export type LogFormat = 'evtx' | 'evtx-json' | 'winlogbeat' | 'ecs' | 'json' | 'syslog' | 'access-log' | 'cef';

export interface IngestOptions {
  /** The year RFC 3164 syslog timestamps are read in (they carry none). */
  readonly year: number;
  /** Events nested deeper are reported, not read in part. */
  readonly maxDepth?: number;
  /** Only JSON lines (a `.jsonl` file): other lines get JSON's reason, not another format's. */
  readonly jsonOnly?: boolean;
}

/** A record read: `index` counts records (0-based); `line` (text) or `record` (EVTX) locates it. */
export interface IngestRecord {
  readonly ok: true;
  readonly index: number;
  readonly line?: number;
  readonly record?: number;
  readonly format: LogFormat;
  readonly event: Record<string, unknown>;
}
export interface IngestProblem {
  readonly ok: false;
  readonly line?: number;
  readonly record?: number;
  readonly reason: string;
}
export type IngestItem = IngestRecord | IngestProblem;

type LineFormat = 'json' | 'syslog' | 'access-log' | 'cef';

function depthOver(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [node, depth] = item;
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= max) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

function parseJsonLine(text: string, maxDepth: number): ParsedLine & { format?: LogFormat } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, reason: 'not a JSON object' };
  if (depthOver(value, maxDepth)) return { ok: false, reason: `nested deeper than ${maxDepth} levels` };
  const event = unflatten(value as Record<string, unknown>);
  return { ok: true, event, format: jsonFormat(event) };
}

/** Reads text lines, keeping to the format that worked last and trying the others when it fails. */
export class LineReader {
  private format: LineFormat | undefined;
  private index = 0;
  private lineNumber = 0;
  private readonly maxDepth: number;
  constructor(private readonly options: IngestOptions) {
    this.maxDepth = options.maxDepth ?? 64;
  }

  private attempt(format: LineFormat, text: string): (ParsedLine & { format?: LogFormat }) | undefined {
    switch (format) {
      case 'json':
        return text.startsWith('{') || this.options.jsonOnly ? parseJsonLine(text, this.maxDepth) : undefined;
      case 'cef':
        return text.includes('CEF:') ? parseCefLine(text, this.options) : undefined;
      case 'access-log':
        return parseAccessLogLine(text);
      case 'syslog':
        return parseSyslogLine(text, this.options);
    }
  }

  /** The next line of the file: a record, a problem, or nothing for a blank line. */
  read(line: string): IngestItem | undefined {
    this.lineNumber++;
    const text = line.trim();
    if (text === '') return undefined;
    const order: LineFormat[] = this.options.jsonOnly ? ['json'] : ['json', 'cef', 'access-log', 'syslog'];
    if (this.format) order.unshift(this.format);
    let firstFailure: string | undefined;
    for (const format of order) {
      const result = this.attempt(format, text);
      if (result === undefined) continue;
      if (result.ok) {
        this.format = format;
        return {
          ok: true,
          index: this.index++,
          line: this.lineNumber,
          format: result.format ?? format,
          event: result.event,
        };
      }
      // JSON and CEF are unmistakable: their own reason is the one to give.
      firstFailure ??= `${format}: ${result.reason}`;
      if (format === 'json' || format === 'cef') break;
    }
    return { ok: false, line: this.lineNumber, reason: firstFailure ?? 'not a log line of a known format' };
  }
}

/** Every record of lines (already split), in order. */
export function* ingestLines(lines: Iterable<string>, options: IngestOptions): Generator<IngestItem> {
  const reader = new LineReader(options);
  for (const line of lines) {
    const item = reader.read(line);
    if (item) yield item;
  }
}

/** The same over lines that arrive asynchronously (a file read as a stream). */
export async function* ingestLineStream(
  lines: AsyncIterable<string>,
  options: IngestOptions,
): AsyncGenerator<IngestItem> {
  const reader = new LineReader(options);
  for await (const line of lines) {
    const item = reader.read(line);
    if (item) yield item;
  }
}

/** Whether the content (its first bytes) is an EVTX file, whatever the name says. */
export function isEvtxContent(bytes: Uint8Array): boolean {
  return isEvtx(bytes);
}

/** Every record of a whole file: EVTX by magic number, otherwise UTF-8 text lines. */
export function* ingestFile(fileName: string, content: Uint8Array, options: IngestOptions): Generator<IngestItem> {
  if (isEvtx(content)) {
    for (const item of decodeEvtx(content)) {
      if (item.ok) yield { ok: true, index: item.index, record: item.record, format: 'evtx', event: item.event };
      else yield { ok: false, record: item.record, reason: item.reason };
    }
    return;
  }
  if (/\.evtx$/i.test(fileName)) {
    yield { ok: false, record: undefined, reason: 'named .evtx but does not start with the EVTX magic "ElfFile"' };
    return;
  }
  const text = new TextDecoder('utf-8').decode(content);
  yield* ingestLines(text.split('\n'), options);
}
