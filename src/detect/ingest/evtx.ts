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

/**
 * Every record of an EVTX file, in file order (`index` 0-based over records met, `record` the
 * record number the file gives). A file whose header is invalid is one problem; a chunk that
 * stops decoding part-way gives one problem per record it promised and did not yield.
 */
export function* decodeEvtx(bytes: Uint8Array): Generator<EvtxItem> {
  let file: EvtxFile;
  try {
    file = fromBytes(bytes);
  } catch (error) {
    yield { ok: false, index: 0, record: undefined, reason: `not a readable EVTX file: ${errorText(error)}` };
    return;
  }
  let index = 0;
  let chunkNumber = 0;
  const chunks = file.chunks();
  for (;;) {
    let next: IteratorResult<ChunkHeader>;
    try {
      next = chunks.next();
    } catch (error) {
      yield { ok: false, index, record: undefined, reason: `chunk ${chunkNumber} cannot be read: ${errorText(error)}` };
      return;
    }
    if (next.done) return;
    const chunk = next.value;
    chunkNumber++;
    let first: bigint | undefined;
    let last: bigint | undefined;
    try {
      first = chunk.logFirstRecordNumber();
      last = chunk.logLastRecordNumber();
    } catch {
      // The count of records promised is unknown: what cannot be read is still reported below.
    }
    let seen = 0;
    const records = chunk.records();
    for (;;) {
      let step: IteratorResult<EvtxRecord>;
      try {
        step = records.next();
      } catch (error) {
        const promised = first !== undefined && last !== undefined ? Number(last - first) + 1 : seen + 1;
        const missing = Math.max(1, promised - seen);
        for (let k = 0; k < missing; k++) {
          const number = first !== undefined ? Number(first) + seen + k : undefined;
          yield { ok: false, index: index++, record: number, reason: `record cannot be read: ${errorText(error)}` };
        }
        break;
      }
      if (step.done) break;
      seen++;
      const record = step.value;
      let number: number | undefined;
      try {
        number = Number(record.recordNum());
        const result = eventXmlToJson(record.renderXml());
        if ('reason' in result) yield { ok: false, index: index++, record: number, reason: result.reason };
        else yield { ok: true, index: index++, record: number, event: result.event };
      } catch (error) {
        yield { ok: false, index: index++, record: number, reason: `record cannot be decoded: ${errorText(error)}` };
      }
    }
  }
}
