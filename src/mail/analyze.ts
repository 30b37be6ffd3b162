/**
 * The mail verdict: parse once, extract what the signals share (HTML facts, links, QR codes),
 * run every signal, add the trained model, and say phishing / suspicious / clean with the
 * reasons sorted by weight.
 */

import type { Locale, LocalizedText } from '../core/index.js';
import { attachmentReasons } from './attachments.js';
import { authenticationReasons } from './auth.js';
import { SHIPPED_BRANDS } from './brands.js';
import { lookalikeReasons } from './domains.js';
import { type FeatureInput, messageFeatures } from './features.js';
import { analyzeHtml, shownText } from './html.js';
import { htmlTrickReasons } from './htmltricks.js';
import { intentReasons } from './intent.js';
import { extractLinks, linkDomains, linkReasons, urlAsWritten } from './links.js';
import {
  type FeatureContribution,
  type MailModel,
  MODEL_FEATURES_PER_SIGN,
  MODEL_FEATURES_SHOWN,
  scoreMessageWithModel,
} from './model.js';
import { DEFAULT_MAIL_LIMITS, type MailLimits, parseMessage } from './parse.js';
import { asksToScan, decodeQrCodes, type QrReader, qrReasons } from './qr.js';
import { senderReasons } from './sender.js';
import { SHIPPED_MAIL_MODEL } from './shipped-model.js';
import {
  type Brand,
  DEFAULT_MAIL_SETTINGS,
  type MailSettings,
  type MessageLink,
  type ParsedMessage,
  type Reason,
  type SignalContext,
} from './types.js';

export const VERDICTS = ['phishing', 'suspicious', 'clean'] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface AnalyzeOptions {
  readonly settings?: MailSettings;
  readonly model?: MailModel;
  readonly limits?: MailLimits;
  /** Reads QR codes in images; without one, images are not looked at (see qr-reader.ts). */
  readonly qrReader?: QrReader;
}

export interface MailIndicators {
  readonly urls: readonly string[];
  readonly domains: readonly string[];
  readonly ips: readonly string[];
  readonly attachments: readonly { readonly filename: string; readonly contentType: string; readonly sha256: string }[];
}

export interface MailAnalysis {
  readonly verdict: Verdict;
  /** Probability of phishing in [0, 1]. */
  readonly score: number;
  /** Every reason, the model's included, strongest first. */
  readonly reasons: readonly Reason[];
  /** The words that weighed most in the model's part, both ways. */
  readonly modelFeatures: readonly FeatureContribution[];
  readonly indicators: MailIndicators;
  /** ATT&CK techniques the message would implement if malicious. */
  readonly techniques: readonly string[];
  readonly summary: {
    readonly subject: string;
    readonly from: string;
    readonly replyTo: readonly string[];
    readonly size: number;
    readonly links: number;
    readonly attachments: number;
  };
  readonly modelVersion: string;
  /** The scores from which the model says suspicious and phishing. */
  readonly thresholds: { readonly suspicious: number; readonly phishing: number };
}

/** What the signals see, built once per message; exported for training and benchmarks. */
export interface MessageEvidence {
  readonly context: SignalContext;
  readonly reasons: readonly Reason[];
  /** The texts the model reads. */
  readonly featureInput: FeatureInput;
  /** Their features (`messageFeatures`), built on first use: scoring a message does not need them. */
  readonly features: ReadonlySet<string>;
}

const MAX_INDICATORS = 50;

export async function analyzeMail(raw: Uint8Array, options: AnalyzeOptions = {}): Promise<MailAnalysis> {
  const message = await parseMessage(raw, options.limits ?? DEFAULT_MAIL_LIMITS);
  return analyzeParsed(message, options);
}

export async function analyzeParsed(message: ParsedMessage, options: AnalyzeOptions = {}): Promise<MailAnalysis> {
  const model = options.model ?? SHIPPED_MAIL_MODEL;
  const evidence = await gatherEvidence(message, options.settings ?? DEFAULT_MAIL_SETTINGS, options.qrReader);
  const scored = scoreMessageWithModel(model, evidence.featureInput, evidence.reasons);
  const reasons = [...scored.reasons, modelReason(scored.textLogit, scored.contributions)].sort(
    (a, b) => Math.abs(b.weight) - Math.abs(a.weight) || (a.code < b.code ? -1 : 1),
  );
  const score = round(scored.probability);
  const verdict: Verdict =
    score >= model.thresholds.phishing ? 'phishing' : score >= model.thresholds.suspicious ? 'suspicious' : 'clean';
  const { context } = evidence;
  return {
    verdict,
    score,
    reasons,
    modelFeatures: scored.contributions.slice(0, MODEL_FEATURES_SHOWN),
    indicators: indicatorsOf(context),
    techniques: techniquesOf(scored.reasons, context),
    summary: {
      subject: message.subject.slice(0, 500),
      from: message.from ? formatAddress(message.from.name, message.from.address) : '',
      replyTo: message.replyTo.map((a) => a.address),
      size: message.size,
      links: context.links.length,
      attachments: message.attachments.filter((a) => !a.inline).length,
    },
    modelVersion: model.version,
    thresholds: model.thresholds,
  };
}

/** Runs every signal on a parsed message: the part of the verdict that needs no model. */
export async function gatherEvidence(
  message: ParsedMessage,
  settings: MailSettings,
  qrReader?: QrReader,
): Promise<MessageEvidence> {
  const html = analyzeHtml(message.html);
  const brands = brandsFor(settings);
  const baseLinks = extractLinks(message, html);
  const base: SignalContext = { message, settings, html, links: baseLinks, brands };
  const qrCodes = qrReader && worthLookingForQrCodes(base) ? await decodeQrCodes(base, qrReader) : [];
  const qrLinks: MessageLink[] = qrCodes.flatMap((code) =>
    code.url ? [{ href: code.url, source: 'qr' as const }] : [],
  );
  const context: SignalContext = { ...base, links: [...baseLinks, ...qrLinks] };

  const reasons: Reason[] = [
    ...message.problems.map((p): Reason => ({ code: p.code, category: 'parse', weight: 0.3, message: p.message })),
    ...authenticationReasons(context),
    ...senderReasons(context),
    ...identityLookalikes(context),
    ...linkReasons(context),
    ...htmlTrickReasons(context),
    ...attachmentReasons(context),
    ...qrReasons(context, qrCodes),
    ...intentReasons(context),
  ];
  const featureInput: FeatureInput = {
    subject: message.subject,
    // Both alternatives: the words a client shows (HTML) and the plain part, which a lure
    // may fill with harmless words — the model sees both, the intent rules the shown one.
    text: message.text && message.html ? `${html.visibleText}\n${message.text}` : shownText(message, html),
    displayName: message.from?.name ?? '',
  };
  return new Evidence(context, reasons, featureInput);
}

/** A class rather than an object literal with a getter, which V8 builds on a slow path every time. */
class Evidence implements MessageEvidence {
  #features: ReadonlySet<string> | undefined;

  constructor(
    readonly context: SignalContext,
    readonly reasons: readonly Reason[],
    readonly featureInput: FeatureInput,
  ) {}

  get features(): ReadonlySet<string> {
    this.#features ??= messageFeatures(this.featureInput);
    return this.#features;
  }
}

/**
 * The shipped brands plus the organisation's, one list per settings value: the signals index a
 * brand list once per list they are given, so a new copy per message would re-index it.
 */
const BRAND_LISTS = new WeakMap<readonly Brand[], readonly Brand[]>();
function brandsFor(settings: MailSettings): readonly Brand[] {
  if (settings.extraBrands.length === 0) return SHIPPED_BRANDS;
  let brands = BRAND_LISTS.get(settings.extraBrands);
  if (!brands) {
    brands = [...SHIPPED_BRANDS, ...settings.extraBrands];
    BRAND_LISTS.set(settings.extraBrands, brands);
  }
  return brands;
}

/** Text shorter than this leaves room for a lure carried by an image. */
const SHORT_TEXT = 800;

/**
 * Decoding images is the costliest step (milliseconds per photo or PDF page, and most mail
 * carries logos), so QR codes are looked for where a lure would use one: a
 * message that asks to scan something, or one that says little in text and offers at most
 * one link to click — the QR code is then the way in. A newsletter full of links and pictures
 * is not decoded.
 */
function worthLookingForQrCodes(context: SignalContext): boolean {
  if (asksToScan(context)) return true;
  const text = shownText(context.message, context.html);
  const webLinks = context.links.filter((l) => /^https?:/i.test(l.href)).length;
  return text.trim().length < SHORT_TEXT && webLinks <= 1;
}

/** Lookalikes among the domains a reader trusts: the sender's, the reply address's, the links'. */
function identityLookalikes(context: SignalContext): Reason[] {
  const { message } = context;
  const reasons: Reason[] = [];
  const seen = new Set<string>();
  const check = (domain: string | undefined, where: 'sender' | 'reply-to' | 'link') => {
    if (!domain || seen.has(domain)) return;
    seen.add(domain);
    reasons.push(...lookalikeReasons(domain, context, where));
  };
  check(message.from?.domain, 'sender');
  for (const address of message.replyTo) check(address.domain, 'reply-to');
  for (const domain of linkDomains(context.links)) check(domain, 'link');
  return reasons;
}

function modelReason(textLogit: number, contributions: readonly FeatureContribution[]): Reason {
  const towardPhishing = textLogit >= 0;
  const features = contributions
    .filter((c) => (towardPhishing ? c.weight > 0 : c.weight < 0))
    .slice(0, MODEL_FEATURES_PER_SIGN);
  const list = (locale: Locale) => {
    const words = features.map((c) => describeFeature(c.feature)[locale]).join(', ');
    return words ? ` (${words})` : '';
  };
  return {
    code: 'mail.model.text',
    category: 'model',
    weight: round(textLogit),
    message: towardPhishing
      ? {
          fr: `La formulation ressemble à celle d'hameçonnages connus${list('fr')}.`,
          en: `The wording resembles known phishing${list('en')}.`,
        }
      : {
          fr: `La formulation ressemble à celle de messages légitimes${list('fr')}.`,
          en: `The wording resembles legitimate mail${list('en')}.`,
        },
    data: { words: features.map((c) => c.feature) },
  };
}

/** `w:verify` → “verify”, `b:your_account` → “your account”, `s:urgent` → “urgent” (subject). */
export function describeFeature(feature: string): LocalizedText {
  const kind = feature.slice(0, 2);
  const body = feature.slice(2).replace(/_/g, ' ');
  if (kind === 's:') return { fr: `« ${body} » (objet)`, en: `“${body}” (subject)` };
  if (kind === 'n:') return { fr: `« ${body} » (nom de l'expéditeur)`, en: `“${body}” (sender name)` };
  return { fr: `« ${body} »`, en: `“${body}”` };
}

function indicatorsOf(context: SignalContext): MailIndicators {
  const urls = new Set<string>();
  const domains = new Set<string>();
  const ips = new Set<string>();
  for (const link of context.links) {
    if (urls.size < MAX_INDICATORS) urls.add(link.href.slice(0, 2048));
    const host = hostOf(link);
    if (!host) continue;
    if (/^[0-9.]+$/.test(host) || host.includes(':')) ips.add(host);
    else if (domains.size < MAX_INDICATORS) domains.add(host);
  }
  const { from } = context.message;
  if (from?.domain) domains.add(from.domain);
  return {
    urls: [...urls],
    domains: [...domains].slice(0, MAX_INDICATORS),
    ips: [...ips].slice(0, MAX_INDICATORS),
    attachments: context.message.attachments
      .filter((a) => !a.inline)
      .slice(0, MAX_INDICATORS)
      .map((a) => ({ filename: a.filename, contentType: a.contentType, sha256: a.sha256 })),
  };
}

function hostOf(link: MessageLink): string | undefined {
  const url = urlAsWritten(link);
  return url && (url.protocol === 'http:' || url.protocol === 'https:')
    ? url.hostname.replace(/^\[|\]$/g, '')
    : undefined;
}

/**
 * T1566.001 when the lure is a file, .002 when it is a link (or a QR code), .003 when it comes
 * through a personal webmail or third-party service account rather than a company's mail.
 */
function techniquesOf(reasons: readonly Reason[], context: SignalContext): string[] {
  const fired = (prefix: string) => reasons.some((r) => r.weight > 0 && r.code.startsWith(prefix));
  const techniques: string[] = [];
  if (fired('mail.attachment.') || context.message.attachments.some((a) => !a.inline && !isImage(a.contentType)))
    techniques.push('T1566.001');
  if (fired('mail.link.') || fired('mail.qr.') || context.links.length > 0) techniques.push('T1566.002');
  if (fired('mail.sender.freemail')) techniques.push('T1566.003');
  return techniques;
}

function isImage(contentType: string): boolean {
  return contentType.startsWith('image/');
}

function formatAddress(name: string, address: string): string {
  return name ? `${name} <${address}>` : address;
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
