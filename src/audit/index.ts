/** @module audit — the tamper-evident hash chain behind the audit trail (pure). */

export { canonicalJson } from './canonical-json.js';
export type { AuditEntryContent, AuditRecord, ChainBreak, ChainHead, ChainVerdict } from './chain.js';
export { createChainVerifier, GENESIS_HASH, hashAuditEntry, verifyChain } from './chain.js';
