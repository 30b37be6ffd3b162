/** @module detect/ingest — log lines and files (syslog, access logs, CEF, JSON, EVTX) into ECS-style events. Pure. */

export { parseAccessLogLine } from './access-log.js';
export { parseCefLine } from './cef.js';
export type { ParsedLine } from './event.js';
export type { EvtxItem } from './evtx.js';
export { decodeEvtx, eventXmlToJson, isEvtx } from './evtx.js';
export type { DetectLineFormat, IngestItem, IngestOptions, IngestProblem, IngestRecord, LogFormat } from './ingest.js';
export { DETECT_LINE_FORMATS, ingestFile, ingestLineStream, ingestLines, LineReader } from './ingest.js';
export type { JsonFormat } from './json.js';
export { exceedsDepth, jsonFormat, unflatten } from './json.js';
export { MAX_DOCUMENT_CHARS, startsJsonDocuments } from './json-documents.js';
export type { SyslogContext } from './syslog.js';
export { parseSyslogLine } from './syslog.js';
