/**
 * Redaction and reversible pseudonymisation. A `Pseudonymiser` is one conversation: the same
 * value always gets the same token (`[EMAIL_1]`), and tokens in the model's answer are put back,
 * also across streamed chunks (`StreamRestorer`).
 *
 * Clear values live only in this object's private memory, for the conversation's lifetime.
 * They are never serialised: `JSON.stringify` gives counts only, and `digests(key)` gives
 * HMAC-SHA256 digests (keyed by a secret the caller keeps apart from the data) that let a
 * persisted conversation give a returning value its old token again — without the clear value,
 * so tokens issued before a restart can no longer be restored (they stay as tokens).
 */
import { createHmac } from 'node:crypto';
import type { GuardAction } from './policy.js';

/** Token prefix per finding type; other types use their namespace (`SECRET`, `MARKING`, ...). */
const PREFIX: Readonly<Record<string, string>> = {
  'pii.email': 'EMAIL',
  'pii.phone': 'PHONE',
  'pii.iban': 'IBAN',
  'pii.card': 'CARD',
  'pii.nir': 'NIR',
  'pii.siren': 'SIREN',
  'pii.siret': 'SIRET',
  'pii.vat_fr': 'VAT',
  'pii.passport': 'PASSPORT',
  'pii.id_card': 'IDCARD',
  'pii.ip': 'IP',
  'pii.address': 'ADDRESS',
  'pii.birth_date': 'BIRTHDATE',
  'pii.person': 'PERSON',
};

/** Letters only (1–16) so the token grammar stays one linear regular expression. */
export function tokenPrefix(type: string): string {
  const known = PREFIX[type];
  if (known) return known;
  const ns = type.split('.')[0] ?? '';
  if (ns === 'dictionary') return 'TERM';
  const letters = ns
    .toUpperCase()
    .replace(/[^A-Z]/g, '')
    .slice(0, 16);
  return letters || 'DATA';
}

/** `[PREFIX_N]`: the only shape restored. */
const TOKEN = /\[([A-Z]{1,16})_([1-9]\d{0,6})\]/g;
/** Longest possible token, for the streaming hold-back. */
const MAX_TOKEN_LENGTH = 1 + 16 + 1 + 7 + 1;
/** A text ending like the start of a token (`[EM`, `[EMAIL_`, `[EMAIL_1`). */
const TOKEN_PREFIX = /^\[[A-Z]{0,16}(?:_\d{0,7})?$/;

/** Writing variants of one value get one token: `FR76 3000…` and `fr7630000…` are the same IBAN. */
function normalise(value: string, type: string): string {
  switch (type) {
    case 'pii.iban':
    case 'pii.card':
    case 'pii.nir':
    case 'pii.siren':
    case 'pii.siret':
    case 'pii.vat_fr':
    case 'pii.phone':
      return value.replace(/[\s.\-()/]/g, '').toUpperCase();
    case 'pii.email':
      return value.toLowerCase();
    default:
      return value.replace(/\s+/g, ' ').trim();
  }
}

export interface PseudonymDigest {
  readonly token: string;
  /** HMAC-SHA256 (hex) of the token prefix and the normalised value. */
  readonly digest: string;
}

export interface PseudonymiserOptions {
  /** Secret for `digests` and for matching `seed`: keep it apart from where digests are stored. */
  readonly key?: string | Uint8Array;
  /** Tokens issued earlier in this conversation, as digests (values unknown: not restorable). */
  readonly seed?: readonly PseudonymDigest[];
}

export class Pseudonymiser {
  readonly #byKey = new Map<string, string>();
  readonly #byToken = new Map<string, string>();
  readonly #counters = new Map<string, number>();
  readonly #key: string | Uint8Array | undefined;
  readonly #seeded = new Map<string, string>();

  constructor(options: PseudonymiserOptions = {}) {
    this.#key = options.key;
    for (const s of options.seed ?? []) {
      this.#seeded.set(s.digest, s.token);
      const m = /^\[([A-Z]{1,16})_(\d{1,7})\]$/.exec(s.token);
      if (m?.[1] && m[2]) this.#counters.set(m[1], Math.max(this.#counters.get(m[1]) ?? 0, Number(m[2])));
    }
  }

  /** How many distinct values have a token. */
  get size(): number {
    return this.#byToken.size;
  }

  #digest(key: string): string | undefined {
    return this.#key === undefined ? undefined : createHmac('sha256', this.#key).update(key).digest('hex');
  }

  /** The token for `value` (found as `type`), the same each time within this conversation. */
  tokenFor(value: string, type: string): string {
    const prefix = tokenPrefix(type);
    const key = `${prefix}\u0000${normalise(value, type)}`;
    const known = this.#byKey.get(key);
    if (known) return known;
    let token = this.#seeded.size > 0 ? this.#seeded.get(this.#digest(key) ?? '') : undefined;
    if (!token) {
      const n = (this.#counters.get(prefix) ?? 0) + 1;
      this.#counters.set(prefix, n);
      token = `[${prefix}_${n}]`;
    }
    this.#byKey.set(key, token);
    this.#byToken.set(token, value);
    return token;
  }

  /** Puts clear values back in place of this conversation's tokens; other text is left alone. Linear. */
  restore(text: string): string {
    if (this.#byToken.size === 0 || !text.includes('[')) return text;
    return text.replace(TOKEN, (token) => this.#byToken.get(token) ?? token);
  }

  /** For persistence: token and keyed digest of each value, never the value. Needs `key`. */
  digests(): PseudonymDigest[] {
    if (this.#key === undefined) throw new Error('Pseudonymiser.digests needs a key');
    return [...this.#byKey].map(([key, token]) => ({ token, digest: this.#digest(key) ?? '' }));
  }

  /** Serialising a conversation never writes clear values. */
  toJSON(): { tokens: number } {
    return { tokens: this.#byToken.size };
  }
}

/**
 * Restores tokens in a streamed answer whose chunks may split a token (`[EMA` + `IL_1]`): the
 * tail of each chunk that could still become a token is held back (at most 26 characters)
 * until the next chunk or `flush`. Each character is examined a bounded number of times.
 */
export class StreamRestorer {
  #pending = '';
  constructor(private readonly pseudonymiser: Pseudonymiser) {}

  push(chunk: string): string {
    const text = this.#pending + chunk;
    const open = text.lastIndexOf('[', text.length - 1);
    let cut = text.length;
    if (open >= 0 && text.length - open <= MAX_TOKEN_LENGTH && TOKEN_PREFIX.test(text.slice(open))) cut = open;
    this.#pending = text.slice(cut);
    return this.pseudonymiser.restore(text.slice(0, cut));
  }

  flush(): string {
    const rest = this.pseudonymiser.restore(this.#pending);
    this.#pending = '';
    return rest;
  }
}

/** What `applyActions` needs of a finding. */
export interface ActionSpan {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly action: GuardAction;
}

export interface Replacement {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly action: 'redact' | 'pseudonymise';
  readonly replacement: string;
}

/**
 * Rewrites `text` for the findings to redact (`[EMAIL]`, irreversible) or pseudonymise
 * (`[EMAIL_1]`, reversible with the conversation's `Pseudonymiser`; redacted when none is
 * given). Overlapping spans: the earliest (then longest) is replaced, the others skipped.
 */
export function applyActions(
  text: string,
  spans: readonly ActionSpan[],
  pseudonymiser?: Pseudonymiser,
): { text: string; replacements: Replacement[] } {
  const todo = spans
    .filter((s) => (s.action === 'redact' || s.action === 'pseudonymise') && s.start >= 0 && s.end <= text.length)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const parts: string[] = [];
  const replacements: Replacement[] = [];
  let at = 0;
  for (const s of todo) {
    if (s.start < at || s.end <= s.start) continue;
    const action = s.action === 'pseudonymise' && pseudonymiser ? 'pseudonymise' : 'redact';
    const replacement =
      action === 'pseudonymise' && pseudonymiser
        ? pseudonymiser.tokenFor(text.slice(s.start, s.end), s.type)
        : `[${tokenPrefix(s.type)}]`;
    parts.push(text.slice(at, s.start), replacement);
    replacements.push({ type: s.type, start: s.start, end: s.end, action, replacement });
    at = s.end;
  }
  parts.push(text.slice(at));
  return { text: parts.join(''), replacements };
}
