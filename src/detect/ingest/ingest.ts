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
import { exceedsDepth, jsonFormat, unflatten } from './json.js';
import { type DocumentPiece, EVTX_DUMP_HEADER, JsonDocumentSplitter, opensDocument } from './json-documents.js';
import { parseSyslogLine } from './syslog.js';

export type LogFormat = 'evtx' | 'evtx-json' | 'winlogbeat' | 'ecs' | 'json' | 'syslog' | 'access-log' | 'cef';

/** Formats a caller may name for text lines; `auto` tries each (JSON, CEF, access log, syslog). */
export const DETECT_LINE_FORMATS = ['auto', 'json', 'syslog', 'access-log', 'cef'] as const;
export type DetectLineFormat = (typeof DETECT_LINE_FORMATS)[number];

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

type JsonRead = ParsedLine & { format?: LogFormat };

/** One JSON object as an event: flattened keys nested, its format told. */
function eventOf(value: unknown, maxDepth: number): JsonRead {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, reason: 'not a JSON object' };
  if (exceedsDepth(value, maxDepth)) return { ok: false, reason: `nested deeper than ${maxDepth} levels` };
  const event = unflatten(value as Record<string, unknown>);
  return { ok: true, event, format: jsonFormat(event) };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** A JSON value: an object is one event; an array, one per element (each must be an object). */
function jsonReads(value: unknown, maxDepth: number): JsonRead[] {
  if (!Array.isArray(value)) return [eventOf(value, maxDepth)];
  return value.map((element, i) => {
    const read = eventOf(element, maxDepth);
    return read.ok ? read : { ok: false, reason: `array element ${i + 1}: ${read.reason}` };
  });
}

function parseJsonText(text: string, maxDepth: number): JsonRead[] {
  const parsed = parseJson(text);
  return parsed.ok ? jsonReads(parsed.value, maxDepth) : [parsed];
}

/** Nothing read from a line: a shared empty list, not one per blank line. */
const NOTHING: readonly IngestItem[] = Object.freeze([]);

/**
 * Reads text lines, keeping to the format that worked last and trying the others when it fails.
 * JSON may also come as documents spread over lines (pretty-printed objects, `evtx_dump`'s
 * default output, an array of events: json-documents.ts), except in a `.jsonl` file, whose
 * lines are records by definition; and as one line holding an array of events.
 */
export class LineReader {
  private format: LineFormat | undefined;
  private index = 0;
  private lineNumber = 0;
  private readonly maxDepth: number;
  private readonly documents = new JsonDocumentSplitter();
  constructor(private readonly options: IngestOptions) {
    this.maxDepth = options.maxDepth ?? 64;
  }

  private attempt(format: LineFormat, text: string): JsonRead | undefined {
    switch (format) {
      case 'json': {
        if (!text.startsWith('{') && !this.options.jsonOnly) return undefined;
        // Arrays of events are read before (`read`).
        const parsed = parseJson(text);
        return parsed.ok ? eventOf(parsed.value, this.maxDepth) : parsed;
      }
      case 'cef':
        return text.includes('CEF:') ? parseCefLine(text, this.options) : undefined;
      case 'access-log':
        return parseAccessLogLine(text);
      case 'syslog':
        return parseSyslogLine(text, this.options);
    }
  }

  private record(read: JsonRead & { ok: true }, format: LineFormat, line: number): IngestRecord {
    return { ok: true, index: this.index++, line, format: read.format ?? format, event: read.event };
  }

  /** JSON reads of one text (a line, or a document spread over lines from `line`) as records and problems. */
  private jsonItems(reads: readonly JsonRead[], line: number): IngestItem[] {
    return reads.map((read) =>
      read.ok ? this.record(read, 'json', line) : { ok: false, line, reason: `json: ${read.reason}` },
    );
  }

  private documentItems(pieces: readonly DocumentPiece[]): IngestItem[] {
    const items: IngestItem[] = [];
    for (const piece of pieces) {
      if (piece.ok) items.push(...this.jsonItems(parseJsonText(piece.text, this.maxDepth), piece.line));
      else {
        const lines = piece.lastLine > piece.line ? ` (lines ${piece.line}–${piece.lastLine})` : '';
        items.push({ ok: false, line: piece.line, reason: `json: ${piece.reason}${lines}` });
      }
    }
    return items;
  }

  /**
   * The records and problems of the next line of the file: none for a blank line (or one inside
   * a JSON document), several for a line that ends documents or holds an array of events.
   */
  read(line: string): readonly IngestItem[] {
    this.lineNumber++;
    if (this.documents.open) {
      return this.documentItems(this.documents.feed(line.endsWith('\r') ? line.slice(0, -1) : line, this.lineNumber));
    }
    const text = line.trim();
    if (text === '') return NOTHING;
    if (!this.options.jsonOnly && (this.format === undefined || this.format === 'json')) {
      // evtx_dump's line before each record of its default output.
      if (EVTX_DUMP_HEADER.test(text)) return NOTHING;
      if (opensDocument(text)) {
        this.format = 'json';
        return this.documentItems(this.documents.feed(text, this.lineNumber));
      }
    }
    if (text.startsWith('[')) {
      const parsed = parseJson(text);
      // A line in brackets that is not JSON may be another format's, outside a .jsonl file.
      if (parsed.ok || this.options.jsonOnly) {
        const items = this.jsonItems(parsed.ok ? jsonReads(parsed.value, this.maxDepth) : [parsed], this.lineNumber);
        if (items.some((item) => item.ok)) this.format = 'json';
        return items;
      }
    }
    const order: LineFormat[] = this.options.jsonOnly ? ['json'] : ['json', 'cef', 'access-log', 'syslog'];
    if (this.format) order.unshift(this.format);
    let firstFailure: string | undefined;
    for (const format of order) {
      const result = this.attempt(format, text);
      if (result === undefined) continue;
      if (result.ok) {
        this.format = format;
        return [this.record(result, format, this.lineNumber)];
      }
      // JSON and CEF are unmistakable: their own reason is the one to give.
      firstFailure ??= `${format}: ${result.reason}`;
      if (format === 'json' || format === 'cef') break;
    }
    return [{ ok: false, line: this.lineNumber, reason: firstFailure ?? 'not a log line of a known format' }];
  }

  /** At the end of the input: a JSON document or array left open, reported. */
  finish(): readonly IngestItem[] {
    return this.documentItems(this.documents.end(this.lineNumber));
  }
}

/** Every record of lines (already split), in order. */
export function* ingestLines(lines: Iterable<string>, options: IngestOptions): Generator<IngestItem> {
  const reader = new LineReader(options);
  for (const line of lines) yield* reader.read(line);
  yield* reader.finish();
}

/** The same over lines that arrive asynchronously (a file read as a stream). */
export async function* ingestLineStream(
  lines: AsyncIterable<string>,
  options: IngestOptions,
): AsyncGenerator<IngestItem> {
  const reader = new LineReader(options);
  for await (const line of lines) yield* reader.read(line);
  yield* reader.finish();
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
