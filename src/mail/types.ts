/**
 * The vocabulary shared by the mail engine's parts: the parsed message every signal reads,
 * the organisation's settings, and the reason every signal returns.
 */
import type { LocalizedText } from '../core/index.js';

/** What a reason is about; the triage page groups reasons by it. */
export const REASON_CATEGORIES = [
  'parse',
  'authentication',
  'sender',
  'lookalike',
  'link',
  'attachment',
  'qr',
  'intent',
  'html',
  'model',
] as const;
export type ReasonCategory = (typeof REASON_CATEGORIES)[number];

/**
 * One explained reason behind a verdict. `weight` is its contribution to the verdict's
 * log-odds: positive pushes towards phishing, negative towards clean (about +4 alone makes a
 * message phishing, +2 suspicious). `code` is stable (`mail.link.ip_host`) and documented.
 */
export interface Reason {
  readonly code: string;
  readonly category: ReasonCategory;
  readonly weight: number;
  readonly message: LocalizedText;
  /** What was seen, for the analyst: the URL, the domain, the file name... Never huge. */
  readonly data?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
}

/** A mailbox as written in a header, with its domain lower-cased and in ASCII (punycode). */
export interface MailAddress {
  readonly name: string;
  readonly address: string;
  readonly domain: string;
}

export interface MailAttachment {
  readonly filename: string;
  /** As declared by the message, lower-cased; the bytes may say otherwise. */
  readonly contentType: string;
  readonly size: number;
  readonly sha256: string;
  readonly content: Uint8Array;
  /** Inline part referenced from the HTML (an embedded image), not a file for the reader. */
  readonly inline: boolean;
}

/** One header line as received: name lower-cased, value unfolded, order kept. */
export interface MailHeader {
  readonly name: string;
  readonly value: string;
}

/** Why the message could only be analysed in part; also shown as reasons of category `parse`. */
export interface ParseProblem {
  readonly code: string;
  readonly message: LocalizedText;
}

export interface ParsedMessage {
  readonly headers: readonly MailHeader[];
  readonly from: MailAddress | undefined;
  /** The `Sender:` header, when present. */
  readonly sender: MailAddress | undefined;
  readonly replyTo: readonly MailAddress[];
  /** Envelope sender from `Return-Path:`, lower-cased, `''` for the null sender. */
  readonly returnPath: string | undefined;
  readonly subject: string;
  /** The plain-text body (the text part, or the HTML part rendered to text). */
  readonly text: string;
  /** The HTML body as sent, `''` when there is none. */
  readonly html: string;
  readonly attachments: readonly MailAttachment[];
  readonly problems: readonly ParseProblem[];
  /** Size of the raw message in bytes. */
  readonly size: number;
}

/** A well-known brand that phishing imitates: its name as people write it, its real domains. */
export interface Brand {
  readonly name: string;
  /** Registrable domains the brand really sends from and links to. */
  readonly domains: readonly string[];
  /** Extra words that name it in a display name ("paypal", "pay pal"). Lower-case. */
  readonly keywords?: readonly string[];
}

/** What the organisation tells the engine about itself (the Mail settings page). */
export interface MailSettings {
  /** The organisation's own registrable domains (`example.fr`). */
  readonly organisationDomains: readonly string[];
  /** Names of people whose identity is worth stealing ("Marie Dupont"). */
  readonly vipNames: readonly string[];
  /**
   * Addresses outside the organisation that really belong to those people (a VIP writing from
   * a personal mailbox): mail from them is not taken for an impersonation.
   */
  readonly vipAddresses: readonly string[];
  /** Brands added to the shipped list. */
  readonly extraBrands: readonly Brand[];
  /** Sender domains trusted by the organisation: their mail is not flagged for identity reasons. */
  readonly allowedSenderDomains: readonly string[];
  /** Link domains trusted by the organisation. */
  readonly allowedLinkDomains: readonly string[];
  /**
   * The authserv-id of the organisation's own receiving servers (`mx.example.fr`): only their
   * Authentication-Results are believed when they say "pass" — anyone can write such a header.
   */
  readonly trustedAuthservIds: readonly string[];
}

export const DEFAULT_MAIL_SETTINGS: MailSettings = {
  organisationDomains: [],
  vipNames: [],
  vipAddresses: [],
  extraBrands: [],
  allowedSenderDomains: [],
  allowedLinkDomains: [],
  trustedAuthservIds: [],
};

/** A link found in the message, wherever it came from. */
export interface MessageLink {
  /** The target as written (trimmed). */
  readonly href: string;
  /** The text a reader sees for it (HTML anchors only). */
  readonly text?: string;
  readonly source: 'html' | 'text' | 'qr' | 'attachment';
}

/** What the HTML body shows and hides, extracted once and read by several signals. */
export interface HtmlFacts {
  /** The text a reader sees. */
  readonly visibleText: string;
  /** Text present in the markup but hidden from the reader (display:none, 0 font, same colour...). */
  readonly hiddenText: string;
  readonly anchors: readonly { readonly href: string; readonly text: string }[];
  /** `src` of `<img>` elements (may be `cid:` or `data:` URIs). */
  readonly imageSources: readonly string[];
  readonly forms: readonly { readonly action: string; readonly hasPassword: boolean }[];
  readonly scriptCount: number;
  /** Longest run of base64-looking characters in the markup (HTML smuggling carries payloads so). */
  readonly longestBase64Run: number;
  readonly zeroWidthCount: number;
}

/** Everything a signal may read. Built once per message by the analyser. */
export interface SignalContext {
  readonly message: ParsedMessage;
  readonly settings: MailSettings;
  readonly html: HtmlFacts;
  readonly links: readonly MessageLink[];
  /** Shipped brands plus the organisation's extra brands. */
  readonly brands: readonly Brand[];
}
