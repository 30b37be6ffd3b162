/**
 * The vocabulary of the Guard engine's detectors: spans found in a text, their explanations,
 * and the shape every detector registered by id implements.
 */
import type { LocalizedText } from '../core/index.js';

/** One explanation of a span, in both product languages. Never carries the clear value. */
export interface SpanReason {
  readonly code: string;
  readonly fr: string;
  readonly en: string;
}

/**
 * A piece of the input that holds sensitive data. `start`/`end` are UTF-16 offsets (JavaScript
 * string indexes, end exclusive) into the text that was scanned.
 */
export interface Span {
  /** Namespaced finding type: `pii.email`, `secret.github_token`, `marking.confidential`, ... */
  readonly type: string;
  readonly start: number;
  readonly end: number;
  /** Confidence in [0, 1]. */
  readonly score: number;
  /** Id of the detector that produced it. */
  readonly detector: string;
  readonly reasons: readonly SpanReason[];
}

/** A per-organisation word list (project code names, client names, ...). */
export interface Dictionary {
  /** Becomes the span type `dictionary.<name>`: lowercase letters, digits, `_` and `-`. */
  readonly name: string;
  readonly terms: readonly string[];
}

/** What a detector sees besides the text: the resolved scan options. */
export interface DetectContext {
  readonly locales: readonly ('fr' | 'en')[];
  /** ISO 3166 region for phone numbers written without a country code. */
  readonly defaultRegion: string;
  readonly dictionaries: readonly Dictionary[];
  /**
   * Work done, in units a detector adds for each candidate it evaluates (and the characters it
   * reads around it). Lets tests prove the scan linear by counting work, not by timing it.
   */
  readonly work: WorkMeter;
}

export interface WorkMeter {
  units: number;
}

/** A detector, registered by id. Must be linear in the length of `text` and never throw. */
export interface Detector {
  readonly id: string;
  /** Span types this detector may produce. */
  readonly types: readonly string[];
  readonly description: LocalizedText;
  /**
   * Container detectors (pasted source code) report regions that other findings may sit in:
   * their spans are kept alongside others instead of competing with them for the same text.
   */
  readonly container?: boolean;
  detect(text: string, context: DetectContext): Span[];
}
