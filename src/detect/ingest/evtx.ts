/**
 * Windows `.evtx` files, given as bytes, into `evtx_dump`-shaped events
 * (`{"Event":{"System":…,"EventData":{Name: value}}}`) so that the EVTX field mapping reads them.
 * @ts-evtx/core decodes the binary XML; this file never touches the file system (the CLI reads
 * the bytes). Records that cannot be decoded, or decode to an event without a System header,
 * are yielded as problems with their record number: counted and reported, never dropped.
 */
import { type ChunkHeader, EvtxFile, type Record as EvtxRecord } from '@ts-evtx/core';
import { type XmlElement, xmlToElement } from './xml.js';

export type EvtxItem =
  | { readonly ok: true; readonly index: number; readonly record: number; readonly event: Record<string, unknown> }
  | { readonly ok: false; readonly index: number; readonly record: number | undefined; readonly reason: string };

/** `ElfFile\0`: how an EVTX file starts. */
export function isEvtx(bytes: Uint8Array): boolean {
  const magic = [0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00];
  return bytes.length >= 8 && magic.every((b, i) => bytes[i] === b);
}

// The library's constructor from bytes is private in its types (its public ways in read files).
const fromBytes = (bytes: Uint8Array): EvtxFile =>
  new (EvtxFile as unknown as new (buffer: Uint8Array) => EvtxFile)(bytes);

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

type Json = unknown;

/** An element as evtx_dump writes it: text, or `{#attributes, #text, children…}`. */
function elementJson(element: XmlElement): Json {
  const attributes = Object.keys(element.attributes).length > 0 ? element.attributes : undefined;
  if (element.children.length === 0) {
    if (attributes === undefined) return element.text === '' ? null : element.text;
    return element.text === '' ? { '#attributes': attributes } : { '#attributes': attributes, '#text': element.text };
  }
  const out: Record<string, Json> = {};
  if (attributes) out['#attributes'] = attributes;
  for (const child of element.children) addChild(out, child.name, elementJson(child));
  return out;
}

/** Repeated names become arrays, as in evtx_dump. */
function addChild(out: Record<string, Json>, name: string, value: Json): void {
  if (name === '__proto__' || name === 'constructor' || name === 'prototype') return;
  if (!Object.hasOwn(out, name)) out[name] = value;
  else {
    const existing = out[name];
    out[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
}

/** `<EventData><Data Name="Image">x</Data>…` → `{ Image: 'x' }`; unnamed Data items → `Data: [...]`. */
function eventDataJson(element: XmlElement): Json {
  const out: Record<string, Json> = {};
  for (const child of element.children) {
    const name = child.attributes.Name;
    if (child.name === 'Data' && name !== undefined && name !== '') addChild(out, name, child.text);
    else addChild(out, child.name, child.children.length > 0 ? elementJson(child) : child.text);
  }
  return Object.keys(out).length === 0 ? null : out;
}

/** The `<Event>` XML of one record as evtx_dump's JSON, or why not. */
export function eventXmlToJson(xml: string): { event: Record<string, unknown> } | { reason: string } {
  const parsed = xmlToElement(xml);
  if ('reason' in parsed) return { reason: `record XML: ${parsed.reason}` };
  const root = parsed.element;
  if (root.name !== 'Event') return { reason: `record XML root is <${root.name}>, not <Event>` };
  const event: Record<string, Json> = {};
  if (Object.keys(root.attributes).length > 0) event['#attributes'] = root.attributes;
  for (const child of root.children)
    addChild(event, child.name, child.name === 'EventData' ? eventDataJson(child) : elementJson(child));
  const system = event.System;
  if (typeof system !== 'object' || system === null) return { reason: 'decoded to an event without a System header' };
  return { event: { Event: event } };
}

const CHUNK_SIZE = 0x10000;
/** A chunk holds at most this many records (64 KiB less its header, over the smallest record). */
const MAX_RECORDS_PER_CHUNK = Math.floor((CHUNK_SIZE - 0x200) / 28);

/** The file header's promises, when it can be read: chunks, the next record number, its size. */
function headerFacts(file: EvtxFile): { chunks: number; nextRecord: bigint; headerSize: number } | undefined {
  try {
    const header = file.header;
    return { chunks: header.chunkCount(), nextRecord: header.nextRecordNumber(), headerSize: header.headerChunkSize() };
  } catch {
    return undefined;
  }
}

/**
 * Every record of an EVTX file, in file order (`index` 0-based over records met, `record` the
 * record number the file gives). A file whose header is invalid is one problem. The decoder
 * library stops in silence at the first record it cannot read and skips a chunk cut short by
 * the end of the file; both are made loud here: a chunk that stops before the records its
 * header promises gives one problem per missing record, a truncated file is read as far as
 * its bytes go (the rest of the cut chunk is padded with zeros, which no record survives) and
 * every record the file header promised beyond is reported, a record whose trailing size
 * copy disagrees with its head (cut or overwritten) is a problem, and a chunk whose checksums
 * fail is reported once (its readable records are still given: they may be damaged).
 */
export function* decodeEvtx(bytes: Uint8Array): Generator<EvtxItem> {
  let file: EvtxFile;
  try {
    file = fromBytes(bytes);
  } catch (error) {
    yield { ok: false, index: 0, record: undefined, reason: `not a readable EVTX file: ${errorText(error)}` };
    return;
  }
  const facts = headerFacts(file);
  // A file cut inside a chunk: pad that chunk so that its complete records can still be read.
  const cutAt = bytes.length;
  let cutChunk = -1;
  if (facts && facts.headerSize > 0 && facts.headerSize < bytes.length) {
    const whole = Math.floor((bytes.length - facts.headerSize) / CHUNK_SIZE);
    const rest = bytes.length - facts.headerSize - whole * CHUNK_SIZE;
    if (rest > 0 && whole < facts.chunks) {
      const padded = new Uint8Array(facts.headerSize + (whole + 1) * CHUNK_SIZE);
      padded.set(bytes);
      try {
        file = fromBytes(padded);
        cutChunk = whole;
      } catch {
        // Keep the unpadded file: the missing records are reported below all the same.
      }
    }
  }
  const view = new DataView(file.buffer.buffer, file.buffer.byteOffset, file.buffer.byteLength);
  let index = 0;
  let chunkNumber = 0;
  // The highest record number met, read or reported: where the records lost at the end start.
  let highest: number | undefined;
  const reached = (number: number | undefined) => {
    if (number !== undefined && Number.isFinite(number) && (highest === undefined || number > highest))
      highest = number;
  };
  const chunks = file.chunks();
  for (;;) {
    let next: IteratorResult<ChunkHeader>;
    try {
      next = chunks.next();
    } catch (error) {
      yield { ok: false, index, record: undefined, reason: `chunk ${chunkNumber} cannot be read: ${errorText(error)}` };
      return;
    }
    if (next.done) break;
    const chunk = next.value;
    const thisChunk = chunkNumber++;
    const cut = thisChunk === cutChunk;
    if (cut)
      yield {
        ok: false,
        index,
        record: undefined,
        reason: `the file ends inside chunk ${thisChunk} (${bytes.length - chunk.offset} of ${CHUNK_SIZE} bytes): truncated`,
      };
    let first: bigint | undefined;
    let last: bigint | undefined;
    let headerOk = false;
    try {
      if (!chunk.checkMagic()) {
        yield { ok: false, index, record: undefined, reason: `chunk ${thisChunk} has no chunk magic: not read` };
        continue;
      }
      headerOk = chunk.calculateHeaderChecksum() === chunk.headerChecksum();
      first = chunk.logFirstRecordNumber();
      last = chunk.logLastRecordNumber();
      if (!cut && !headerOk)
        yield { ok: false, index, record: undefined, reason: `chunk ${thisChunk} fails its header checksum` };
      else if (!cut && chunk.calculateDataChecksum() !== chunk.dataChecksum())
        yield {
          ok: false,
          index,
          record: undefined,
          reason: `chunk ${thisChunk} fails its data checksum: its records may be damaged`,
        };
    } catch {
      // The count of records promised is unknown: what cannot be read is still reported below.
    }
    // Only numbers from a sound header say how many records to expect.
    const promised =
      headerOk && first !== undefined && last !== undefined && last >= first
        ? Math.min(Number(last - first) + 1, MAX_RECORDS_PER_CHUNK)
        : undefined;
    let seen = 0;
    const missing = function* (why: string): Generator<EvtxItem> {
      const count = promised === undefined ? 1 : Math.max(1, promised - seen);
      for (let k = 0; k < count; k++) {
        const number = promised !== undefined && first !== undefined ? Number(first) + seen + k : undefined;
        reached(number);
        yield { ok: false, index: index++, record: number, reason: why };
      }
    };
    const records = chunk.records();
    for (;;) {
      let step: IteratorResult<EvtxRecord>;
      try {
        step = records.next();
      } catch (error) {
        yield* missing(`record cannot be read: ${errorText(error)}`);
        break;
      }
      if (step.done) {
        if (promised !== undefined && seen < promised)
          yield* missing(
            cut
              ? 'record lost: the file is truncated'
              : `record missing: chunk ${thisChunk} holds ${promised} records and only ${seen} could be read`,
          );
        break;
      }
      seen++;
      const record = step.value;
      let number: number | undefined;
      try {
        number = Number(record.recordNum());
        reached(number);
        const size = record.size();
        const end = record.offset + size;
        if (end > cutAt || end > view.byteLength || size < 28 || view.getUint32(end - 4, true) !== size) {
          yield {
            ok: false,
            index: index++,
            record: number,
            reason:
              end > cutAt ? 'record cut short by the end of the file' : 'record damaged: its two size fields disagree',
          };
          continue;
        }
        const result = eventXmlToJson(record.renderXml());
        if ('reason' in result) yield { ok: false, index: index++, record: number, reason: result.reason };
        else yield { ok: true, index: index++, record: number, event: result.event };
      } catch (error) {
        yield { ok: false, index: index++, record: number, reason: `record cannot be decoded: ${errorText(error)}` };
      }
    }
  }
  // Whole chunks the file header promised and the bytes do not hold: their records, by number.
  if (facts && chunkNumber < facts.chunks) {
    const after = highest !== undefined ? highest + 1 : undefined;
    const expected = after !== undefined ? Number(facts.nextRecord) - after : Number.NaN;
    const bound = (facts.chunks - chunkNumber) * MAX_RECORDS_PER_CHUNK;
    const reason = `record lost: the file header promises ${facts.chunks} chunks, the file holds ${chunkNumber}`;
    if (after !== undefined && Number.isFinite(expected) && expected > 0 && expected <= bound) {
      for (let k = 0; k < expected; k++) yield { ok: false, index: index++, record: after + k, reason };
    } else yield { ok: false, index: index++, record: undefined, reason: `${reason} (how many records is unknown)` };
  }
}
