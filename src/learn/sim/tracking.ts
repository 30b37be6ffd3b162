/**
 * Tracking events of a simulation (sent, opened, clicked, submitted, reported) and the
 * classifier that tells link scanners and bots from people. Security gateways open and click
 * every link of incoming mail to sandbox it; counting those as clicks would blame people for
 * their mail filter. Each verdict lists its reasons, in French and English, with a weight.
 */
import { z } from 'zod';
import { type Cidr, inCidr, parseCidr, parseIp } from './ip.js';

export const EVENT_TYPES = ['sent', 'opened', 'clicked', 'submitted', 'reported'] as const;
export type TrackingEventType = (typeof EVENT_TYPES)[number];

export const trackingEventSchema = z.strictObject({
  campaignId: z.string().min(1).max(100),
  /** The target's e-mail address (lowercase). */
  email: z.string().min(3).max(320),
  type: z.enum(EVENT_TYPES),
  at: z.iso.datetime({ offset: true }),
  /** For clicks: which link of the message (a message may carry several). */
  linkId: z.string().max(100).optional(),
  ip: z.string().max(64).optional(),
  userAgent: z.string().max(1000).optional(),
  method: z.enum(['GET', 'HEAD', 'POST', 'OTHER']).optional(),
  /**
   * The landing page's script reported a real interaction (pointer move, touch, key press).
   * `false` means the script ran and saw none; absent means no script report at all.
   */
  interaction: z.boolean().optional(),
  /** For reports: the report button, the reporting mailbox (Mail module), or the API. */
  via: z.enum(['button', 'mailbox', 'api']).optional(),
});
export type TrackingEvent = z.infer<typeof trackingEventSchema>;

/** User-agent fragments of scanners, previewers and HTTP libraries (lowercase). */
export const SCANNER_USER_AGENTS: readonly string[] = [
  'bot',
  'crawler',
  'spider',
  'curl/',
  'wget/',
  'python-requests',
  'python-urllib',
  'aiohttp',
  'go-http-client',
  'java/',
  'okhttp',
  'libwww-perl',
  'httpclient',
  'headlesschrome',
  'phantomjs',
  'slurp',
  'bingpreview',
  'google-safety',
  'facebookexternalhit',
  'slackbot',
  'skypeuripreview',
  'microsoft office existence discovery',
  'barracuda',
  'proofpoint',
  'mimecast',
  'symantec',
  'trendmicro',
  'fortinet',
  'cisco',
  'ironport',
  'zscaler',
  'paloalto',
  'checkpoint',
  'sophos',
  'scanner',
  'urlscan',
  'virustotal',
];

export interface ClassifierConfig {
  /** CIDR ranges of the organisation's mail-security vendors (their sandboxes click links). */
  readonly scannerRanges?: readonly string[];
  /** Extra user-agent fragments to treat as scanners. */
  readonly scannerUserAgents?: readonly string[];
  /** Clicks sooner than this after delivery are suspect (default 10 s). */
  readonly fastClickSeconds?: number;
  /** Clicks on several links of one message within this many seconds look automated (default 3 s). */
  readonly burstSeconds?: number;
}

export interface ClickReason {
  readonly code: string;
  /** Positive: evidence of a bot; negative: evidence of a person. */
  readonly weight: number;
  readonly fr: string;
  readonly en: string;
}

export interface ClickVerdict {
  readonly verdict: 'human' | 'bot' | 'uncertain';
  /** Probability-like score in [0, 1] that the click was automated. */
  readonly botScore: number;
  readonly reasons: readonly ClickReason[];
}

export interface CompiledConfig {
  readonly ranges: readonly Cidr[];
  readonly agents: readonly string[];
  readonly fastMs: number;
  readonly burstMs: number;
  /** Configured ranges that could not be read. */
  readonly badRanges: readonly string[];
}

export function compileClassifier(config: ClassifierConfig = {}): CompiledConfig {
  const ranges: Cidr[] = [];
  const badRanges: string[] = [];
  for (const r of config.scannerRanges ?? []) {
    const c = parseCidr(r);
    if (c) ranges.push(c);
    else badRanges.push(r);
  }
  return {
    ranges,
    badRanges,
    agents: [...SCANNER_USER_AGENTS, ...(config.scannerUserAgents ?? []).map((a) => a.toLowerCase())],
    fastMs: (config.fastClickSeconds ?? 10) * 1000,
    burstMs: (config.burstSeconds ?? 3) * 1000,
  };
}

/**
 * Classifies one click. `context` holds the same target's events in the same campaign (sent,
 * other clicks, submissions) — the classifier looks at timing and at clicks on other links.
 */
export function classifyClick(
  click: TrackingEvent,
  context: readonly TrackingEvent[],
  config: CompiledConfig,
): ClickVerdict {
  const reasons: ClickReason[] = [];
  const at = Date.parse(click.at);
  const ua = (click.userAgent ?? '').toLowerCase();
  const agent = ua ? config.agents.find((a) => ua.includes(a)) : undefined;
  if (agent) {
    reasons.push({
      code: 'ua.scanner',
      weight: 0.95,
      fr: `Le navigateur déclaré contient «\u00a0${agent}\u00a0», propre aux robots et analyseurs de liens.`,
      en: `The declared browser contains "${agent}", typical of bots and link scanners.`,
    });
  } else if (!ua) {
    reasons.push({
      code: 'ua.missing',
      weight: 0.6,
      fr: 'Aucun navigateur déclaré : les vrais navigateurs en annoncent toujours un.',
      en: 'No browser declared: real browsers always announce one.',
    });
  }
  if (click.method === 'HEAD') {
    reasons.push({
      code: 'http.head',
      weight: 0.9,
      fr: 'Requête HEAD : elle vérifie le lien sans l’ouvrir, ce que fait un analyseur, pas une personne.',
      en: 'HEAD request: it checks the link without opening it, as a scanner does, not a person.',
    });
  }
  const ip = click.ip ? parseIp(click.ip) : undefined;
  if (ip && config.ranges.some((r) => inCidr(ip, r))) {
    reasons.push({
      code: 'ip.vendor',
      weight: 0.9,
      fr: 'Adresse IP dans une plage déclarée d’un éditeur de sécurité de messagerie.',
      en: 'IP address in a declared range of a mail-security vendor.',
    });
  }
  const sent = context
    .filter((e) => e.type === 'sent')
    .map((e) => Date.parse(e.at))
    .filter((t) => t <= at)
    .sort((a, b) => b - a)[0];
  if (sent !== undefined) {
    const delay = at - sent;
    if (delay < config.fastMs) {
      reasons.push({
        code: 'timing.fast',
        weight: delay < 2000 ? 0.7 : 0.45,
        fr: `Clic ${Math.round(delay / 1000)} s après la remise : plus vite qu’une lecture humaine.`,
        en: `Click ${Math.round(delay / 1000)} s after delivery: faster than a person reads.`,
      });
    }
  }
  const burst = new Set(
    context
      .filter((e) => e.type === 'clicked' && Math.abs(Date.parse(e.at) - at) <= config.burstMs)
      .map((e) => e.linkId ?? ''),
  );
  burst.add(click.linkId ?? '');
  if (burst.size >= 2) {
    reasons.push({
      code: 'links.all-at-once',
      weight: 0.75,
      fr: `${burst.size} liens différents du message ouverts en ${config.burstMs / 1000} s : un analyseur suit tous les liens.`,
      en: `${burst.size} different links of the message opened within ${config.burstMs / 1000} s: a scanner follows every link.`,
    });
  }
  if (click.interaction === true) {
    reasons.push({
      code: 'js.interaction',
      weight: -0.8,
      fr: 'La page a détecté une interaction réelle (souris, toucher ou clavier).',
      en: 'The page detected a real interaction (pointer, touch or keyboard).',
    });
  } else if (click.interaction === false) {
    reasons.push({
      code: 'js.none',
      weight: 0.3,
      fr: 'Le script de la page n’a vu aucune interaction.',
      en: 'The page script saw no interaction.',
    });
  }
  // Only a submission from the same browser vouches for this click: a scanner's HEAD before the
  // person's own visit must stay a bot click.
  if (
    ua &&
    context.some((e) => e.type === 'submitted' && Date.parse(e.at) >= at && (e.userAgent ?? '').toLowerCase() === ua)
  ) {
    reasons.push({
      code: 'form.submitted',
      weight: -0.6,
      fr: 'Le formulaire a ensuite été rempli depuis le même navigateur, ce que les analyseurs ne font presque jamais.',
      en: 'The form was then filled in from the same browser, which scanners almost never do.',
    });
  }
  // Independent evidence combined: P(bot) = 1 − Π(1 − w) over bot signs, then damped by human signs.
  const bot = 1 - reasons.filter((r) => r.weight > 0).reduce((p, r) => p * (1 - r.weight), 1);
  const human = 1 - reasons.filter((r) => r.weight < 0).reduce((p, r) => p * (1 + r.weight), 1);
  const botScore = Math.round(bot * (1 - human) * 1000) / 1000;
  const verdict = botScore >= 0.7 ? 'bot' : botScore <= 0.3 ? 'human' : 'uncertain';
  return { verdict, botScore, reasons };
}
