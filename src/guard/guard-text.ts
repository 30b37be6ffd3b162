/**
 * The one call a proxy or the CLI makes per text: detectors, injection and policy together
 * (`guardText` for prompts and documents, `guardOutput` for answers), then the text rewritten
 * for the actions decided. Linear in the input: each stage is, and the policy sees findings only.
 */
import { detectInjection, type InjectionKind, type InjectionLanguage } from './injection/index.js';
import { mask } from './mask.js';
import { findLinks, type LeakageResult, type OutputLink, systemPromptLeakage } from './output.js';
import {
  type DecisionContext,
  type DecisionReason,
  decide,
  type FindingDecision,
  type GuardAction,
  type GuardPolicy,
  type ServiceClass,
} from './policy.js';
import { applyActions, type Pseudonymiser, type Replacement } from './pseudonymise.js';
import { type ScanOptions, scanText } from './registry.js';

export interface GuardFinding extends FindingDecision {
  /** The value masked for display and records (`j***@e***.fr`); never the clear value. */
  readonly masked: string;
  readonly detector: string;
}

export interface GuardInjection {
  readonly score: number;
  readonly detected: boolean;
  readonly kind: InjectionKind | undefined;
  readonly language: InjectionLanguage;
  readonly reasons: readonly DecisionReason[];
}

export interface GuardResult {
  readonly action: GuardAction;
  readonly serviceClass: ServiceClass;
  readonly findings: readonly GuardFinding[];
  readonly injection?: GuardInjection;
  readonly reasons: readonly DecisionReason[];
  readonly policyVersion: string;
  /**
   * The text to forward: unchanged for allow/warn, rewritten for redact/pseudonymise, absent
   * when blocked (nothing may be forwarded).
   */
  readonly text?: string;
  readonly replacements: readonly Replacement[];
  readonly truncated?: { readonly scannedLength: number; readonly totalLength: number };
  /** Detector work units (see `ScanResult.work`): proves linearity in tests. */
  readonly work: number;
}

export interface GuardTextOptions {
  readonly policy: GuardPolicy;
  readonly context?: DecisionContext;
  /** Detector options (dictionaries, locales...); pass the same object each time (it is cached). */
  readonly scan?: ScanOptions;
  /** Skip injection detection (e.g. for a text already checked). */
  readonly injection?: boolean;
  /** The conversation's pseudonymiser; without it, `pseudonymise` falls back to `redact`. */
  readonly pseudonymiser?: Pseudonymiser;
}

const NO_CONTEXT: DecisionContext = {};

function finish(
  text: string,
  spans: readonly { type: string; start: number; end: number; score: number; detector: string }[],
  decision: ReturnType<typeof decide>,
  pseudonymiser: Pseudonymiser | undefined,
  extra: { injection?: GuardInjection; truncated?: GuardResult['truncated']; work: number },
): GuardResult {
  const findings: GuardFinding[] = decision.perFinding.map((f, i) => ({
    ...f,
    masked: mask(text.slice(f.start, f.end), f.type),
    detector: spans[i]?.detector ?? f.type,
  }));
  const rewritten = decision.action === 'block' ? undefined : applyActions(text, decision.perFinding, pseudonymiser);
  return {
    action: decision.action,
    serviceClass: decision.serviceClass,
    findings,
    reasons: decision.reasons,
    policyVersion: decision.policyVersion,
    replacements: rewritten?.replacements ?? [],
    work: extra.work,
    ...(rewritten ? { text: rewritten.text } : {}),
    ...(extra.injection ? { injection: extra.injection } : {}),
    ...(extra.truncated ? { truncated: extra.truncated } : {}),
  };
}

/** Scans a prompt (or a document, with `context.mode = 'document'`) and applies the policy. */
export function guardText(text: string, options: GuardTextOptions): GuardResult {
  const context = options.context ?? NO_CONTEXT;
  const scan = scanText(text, options.scan);
  const inj = options.injection === false ? undefined : detectInjection(text, { mode: context.mode ?? 'prompt' });
  const decision = decide(options.policy, context, scan, inj);
  const injection: GuardInjection | undefined = inj && {
    score: inj.score,
    detected: inj.detected,
    kind: inj.kind,
    language: inj.language,
    reasons: inj.reasons.map((r) => ({ code: r.code, fr: r.fr, en: r.en })),
  };
  return finish(text, scan.spans, decision, options.pseudonymiser, {
    work: scan.work,
    ...(injection ? { injection } : {}),
    ...(scan.truncated ? { truncated: scan.truncated } : {}),
  });
}

export interface GuardOutputOptions {
  readonly policy: GuardPolicy;
  readonly context?: DecisionContext;
  readonly scan?: ScanOptions;
  /** The system prompt the answer must not repeat. */
  readonly systemPrompt?: string;
  /** Hosts the organisation trusts in links and images (subdomains included). */
  readonly knownHosts?: readonly string[];
}

export interface GuardOutputResult extends GuardResult {
  readonly leakage?: LeakageResult;
  readonly links: readonly OutputLink[];
}

/**
 * Scans a model's answer *before* pseudonyms are restored (the user's own data coming back is
 * not a leak): personal data and secrets, system-prompt leakage (`output.system_prompt_leak`),
 * and links (`output.exfiltration_link`, `output.external_link`), all decided by the policy's
 * rules like any finding.
 */
export function guardOutput(answer: string, options: GuardOutputOptions): GuardOutputResult {
  const context = options.context ?? NO_CONTEXT;
  const scan = scanText(answer, options.scan);
  const spans: { type: string; start: number; end: number; score: number; detector: string }[] = [...scan.spans];
  const leakage = options.systemPrompt ? systemPromptLeakage(answer, options.systemPrompt) : undefined;
  if (leakage?.detected && leakage.span) {
    spans.push({
      type: 'output.system_prompt_leak',
      ...leakage.span,
      score: Math.min(1, 0.5 + leakage.coverage),
      detector: 'output.leakage',
    });
  }
  const links = findLinks(answer, options.knownHosts);
  for (const l of links) {
    if (l.risk === 'known_host') continue;
    spans.push({
      type: l.risk === 'exfiltration' ? 'output.exfiltration_link' : 'output.external_link',
      start: l.start,
      end: l.end,
      score: l.risk === 'exfiltration' ? 0.9 : 0.6,
      detector: 'output.links',
    });
  }
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  const decision = decide(options.policy, context, { spans, ...(scan.truncated ? { truncated: true } : {}) });
  const result = finish(answer, spans, decision, undefined, {
    work: scan.work + answer.length,
    ...(scan.truncated ? { truncated: scan.truncated } : {}),
  });
  return { ...result, links, ...(leakage ? { leakage } : {}) };
}
