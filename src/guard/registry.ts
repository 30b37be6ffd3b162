/**
 * The detector registry (detectors by id, so configuration is data) and `scanText`: options
 * validated with zod, input size limit, every enabled detector run, overlaps resolved.
 */
import { z } from 'zod';
import { addressDetector } from './address.js';
import { sourceCodeDetector } from './code.js';
import { birthDateDetector } from './dates.js';
import { dictionaryDetector, markingDetector } from './markings.js';
import { personDetector } from './names.js';
import { phoneDetector } from './phone.js';
import {
  cardDetector,
  emailDetector,
  frCompanyDetector,
  frVatDetector,
  ibanDetector,
  identityDocumentDetector,
  ipDetector,
  nirDetector,
} from './pii-structured.js';
import {
  assignmentDetector,
  credentialUrlDetector,
  jwtDetector,
  privateKeyDetector,
  providerSecretDetector,
} from './secrets.js';
import type { DetectContext, Detector, Span } from './types.js';

/** Every detector the engine ships, by id. */
export const DETECTORS: ReadonlyMap<string, Detector> = new Map(
  [
    emailDetector,
    phoneDetector,
    ibanDetector,
    cardDetector,
    nirDetector,
    frCompanyDetector,
    frVatDetector,
    identityDocumentDetector,
    ipDetector,
    addressDetector,
    birthDateDetector,
    personDetector,
    providerSecretDetector,
    jwtDetector,
    privateKeyDetector,
    credentialUrlDetector,
    assignmentDetector,
    markingDetector,
    dictionaryDetector,
    sourceCodeDetector,
  ].map((d) => [d.id, d]),
);

export const DEFAULT_MAX_INPUT = 262_144;

export const scanOptionsSchema = z
  .object({
    /** Detector ids to run; all registered detectors when absent. */
    detectors: z.array(z.string()).optional(),
    /** Detector ids to skip. */
    disabled: z.array(z.string()).optional(),
    dictionaries: z
      .array(
        z
          .object({ name: z.string().regex(/^[a-z0-9_-]{1,40}$/), terms: z.array(z.string().max(200)).max(10_000) })
          .strict(),
      )
      .max(50)
      .optional(),
    locales: z
      .array(z.enum(['fr', 'en']))
      .min(1)
      .optional(),
    defaultRegion: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional(),
    /** Spans under this score are dropped (default 0.5). */
    minScore: z.number().min(0).max(1).optional(),
    /** UTF-16 units scanned at most; the rest is reported as not scanned. */
    maxLength: z.number().int().positive().max(16_777_216).optional(),
  })
  .strict();
export type ScanOptions = z.input<typeof scanOptionsSchema>;

export interface ScanResult {
  readonly spans: readonly Span[];
  /** Present when the text was longer than `maxLength`: only `[0, scannedLength)` was scanned. */
  readonly truncated?: { readonly scannedLength: number; readonly totalLength: number };
  /** Detectors that failed (a bug, not bad input): reported rather than silently losing findings. */
  readonly errors?: readonly { readonly detector: string; readonly message: string }[];
  /** Work units spent (one pass over the text, plus candidates evaluated): linear in the input. */
  readonly work: number;
}

/** Higher wins when two spans of different types cover the same text with close scores. */
function specificity(type: string): number {
  if (type.startsWith('secret.'))
    return type === 'secret.generic_assignment' || type === 'secret.password_assignment' ? 6 : 8;
  if (type === 'pii.iban' || type === 'pii.nir' || type === 'pii.vat_fr' || type === 'pii.card') return 7;
  if (type === 'pii.email' || type === 'pii.ip' || type === 'pii.siret') return 6;
  if (type === 'pii.phone' || type === 'pii.passport' || type === 'pii.id_card' || type === 'pii.birth_date') return 5;
  if (type === 'pii.siren') return 4;
  if (type.startsWith('dictionary.')) return 4;
  if (type === 'pii.address') return 3;
  if (type === 'pii.person') return 2;
  return 1;
}

/**
 * Keeps, among overlapping spans, the one with the higher score (specificity, then length,
 * breaking near-ties); container spans (source code) are kept beside the others.
 */
export function resolveOverlaps(
  spans: readonly Span[],
  containers: ReadonlySet<string> = new Set(['code.source']),
): Span[] {
  const kept: Span[] = [];
  const leaves = spans.filter((s) => !containers.has(s.type));
  const ranked = [...leaves].sort(
    (a, b) =>
      (Math.abs(b.score - a.score) > 0.05 ? b.score - a.score : 0) ||
      specificity(b.type) - specificity(a.type) ||
      b.end - b.start - (a.end - a.start) ||
      a.start - b.start,
  );
  // Kept intervals in a sorted array: each candidate is checked against its neighbours only.
  const starts: number[] = [];
  const chosen: Span[] = [];
  for (const s of ranked) {
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((starts[mid] ?? 0) < s.start) lo = mid + 1;
      else hi = mid;
    }
    const prev = chosen[lo - 1];
    const next = chosen[lo];
    if ((prev && prev.end > s.start) || (next && next.start < s.end)) continue;
    starts.splice(lo, 0, s.start);
    chosen.splice(lo, 0, s);
  }
  kept.push(...chosen, ...spans.filter((s) => containers.has(s.type)));
  return kept.sort((a, b) => a.start - b.start || a.end - b.end || a.type.localeCompare(b.type));
}

const NO_OPTIONS: ScanOptions = {};
type ParsedOptions = z.output<typeof scanOptionsSchema>;
/**
 * Options validated once per options object: a proxy scanning every message with the same policy
 * options must not pay a zod parse (tens of microseconds) per scan. Callers must not mutate an
 * options object after passing it (the engine treats it as a value).
 */
const parsedOptions = new WeakMap<object, ParsedOptions>();
function parseOptions(options: ScanOptions): ParsedOptions {
  const cached = parsedOptions.get(options);
  if (cached) return cached;
  const parsed = scanOptionsSchema.parse(options);
  parsedOptions.set(options, parsed);
  return parsed;
}

/** Scans `text` with the enabled detectors. Throws only on invalid options (a zod error). */
export function scanText(text: string, options: ScanOptions = NO_OPTIONS): ScanResult {
  const o = parseOptions(options);
  const maxLength = o.maxLength ?? DEFAULT_MAX_INPUT;
  const input = text.length > maxLength ? text.slice(0, maxLength) : text;
  const context: DetectContext = {
    locales: o.locales ?? ['fr', 'en'],
    defaultRegion: o.defaultRegion ?? 'FR',
    dictionaries: o.dictionaries ?? [],
    work: { units: 0 },
  };
  const minScore = o.minScore ?? 0.5;
  const enabled = o.detectors ? new Set(o.detectors) : undefined;
  const disabled = new Set(o.disabled ?? []);
  const found: Span[] = [];
  const errors: { detector: string; message: string }[] = [];
  const containers = new Set<string>();
  for (const [id, detector] of DETECTORS) {
    if ((enabled && !enabled.has(id)) || disabled.has(id)) continue;
    if (detector.container) for (const t of detector.types) containers.add(t);
    try {
      for (const s of detector.detect(input, context)) {
        if (s.score >= minScore && s.start >= 0 && s.end <= input.length && s.start < s.end) found.push(s);
      }
    } catch (error) {
      errors.push({ detector: id, message: error instanceof Error ? error.message : String(error) });
    }
  }
  const spans = resolveOverlaps(found, containers);
  context.work.units += input.length + found.length;
  return {
    spans,
    work: context.work.units,
    ...(input.length < text.length ? { truncated: { scannedLength: input.length, totalLength: text.length } } : {}),
    ...(errors.length > 0 ? { errors } : {}),
  };
}
