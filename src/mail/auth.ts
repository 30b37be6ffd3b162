/**
 * What the receiving mail server found when it checked the sender: SPF, DKIM, DMARC (and
 * ARC for forwarded mail), read from the headers it added, and whether the authenticated
 * domains are aligned with the From domain people see.
 *
 * Which headers are trusted. Anyone can write an `Authentication-Results:` header into the
 * message they send; only the one added by the receiving server means something. That server
 * prepends its header at the top, above everything older, so:
 *  - only the topmost `Authentication-Results` header is read (with the other headers of the
 *    same authserv-id just below it, before the next older `Received`: some servers write one
 *    header per checker); deeper ones come from earlier hops or from the sender;
 *  - a header that sits below every `Received` header was written before the message left its
 *    sender, so it is ignored (and reported when it claims success);
 *  - the same rules apply to `Received-SPF`, used only when the trusted results have no SPF.
 * Even the topmost header may have been written by the sender (a message exported or relayed
 * without its receiving server's header): a "pass" is believed only from an authserv-id the
 * organisation lists in `trustedAuthservIds`, which its own server strips or overrides when a
 * sender forges it, as RFC 8601 §5 requires. Failures count whoever wrote them: forging a
 * failure only hurts the sender. Messages with no results at all (exported without their
 * transport headers) get no reason: absence is not evidence.
 *
 * Parsers are single-pass over a bounded input and never throw.
 */
import { registrableDomain } from './domains.js';
import { asciiDomain } from './parse.js';
import { safeText } from './text.js';
import type { MailHeader, Reason, SignalContext } from './types.js';

/** One `method=result` with its reason and properties. */
export interface AuthResult {
  /** Lower-case method (`spf`, `dkim`, `dmarc`, `arc`, `compauth`...). */
  readonly method: string;
  readonly version?: string;
  /** Lower-case result (`pass`, `fail`, `softfail`, `none`...). */
  readonly result: string;
  readonly reason?: string;
  /** `ptype.property` (lower-case) → value, plus bare `key=value` pairs some servers add (`action`). */
  readonly properties: Readonly<Record<string, string>>;
  /** Text of the comments, joined (`p=REJECT sp=REJECT dis=NONE`). */
  readonly comment?: string;
}

export interface AuthenticationResults {
  readonly authservId: string;
  readonly version?: string;
  readonly results: readonly AuthResult[];
}

/** Header values longer than this are read from their beginning only. */
const MAX_HEADER_VALUE = 16_384;
const MAX_RESULTS = 64;
const MAX_PROPERTIES = 32;
const MAX_COMMENT = 256;
const MAX_TOKEN = 1024;

/** Characters that end a word (keyword, method, result, property name). */
function isWordEnd(c: string): boolean {
  return (
    c === ' ' ||
    c === '\t' ||
    c === '\r' ||
    c === '\n' ||
    c === ';' ||
    c === '=' ||
    c === '(' ||
    c === ')' ||
    c === '"' ||
    c === '/'
  );
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

/** A cursor over a bounded string; every read advances or returns empty. */
class Cursor {
  index = 0;
  comments: string[] = [];
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.index >= this.text.length;
  }

  peek(): string {
    return this.text.charAt(this.index);
  }

  /** Skips whitespace and (nested) comments, keeping the comments' text. */
  skipCfws(): void {
    while (!this.done) {
      const c = this.peek();
      if (isSpace(c)) {
        this.index++;
      } else if (c === '(') {
        this.readComment();
      } else {
        return;
      }
    }
  }

  private readComment(): void {
    let depth = 0;
    let text = '';
    while (!this.done) {
      const c = this.peek();
      this.index++;
      if (c === '\\') {
        if (!this.done && text.length < MAX_COMMENT) text += this.peek();
        this.index++;
        continue;
      }
      if (c === '(') {
        depth++;
        if (depth === 1) continue;
      } else if (c === ')') {
        depth--;
        if (depth === 0) break;
      }
      if (text.length < MAX_COMMENT) text += c;
    }
    const trimmed = text.trim();
    if (trimmed && this.comments.length < 8) this.comments.push(trimmed);
  }

  readWord(): string {
    const start = this.index;
    while (!this.done && !isWordEnd(this.peek())) this.index++;
    return this.text.slice(start, Math.min(this.index, start + MAX_TOKEN));
  }

  /** A property value: a quoted string or a run up to whitespace, `;` or `(` (may hold `=`, `@`, `/`). */
  readValue(): string {
    if (this.peek() === '"') {
      this.index++;
      let out = '';
      while (!this.done) {
        const c = this.peek();
        this.index++;
        if (c === '\\') {
          if (!this.done && out.length < MAX_TOKEN) out += this.peek();
          this.index++;
        } else if (c === '"') {
          break;
        } else if (out.length < MAX_TOKEN) {
          out += c;
        }
      }
      return out;
    }
    const start = this.index;
    while (!this.done) {
      const c = this.peek();
      if (isSpace(c) || c === ';' || c === '(' || c === ')') break;
      this.index++;
    }
    return this.text.slice(start, Math.min(this.index, start + MAX_TOKEN));
  }

  /** Moves past the next `;` (or to the end). */
  skipToSemicolon(): void {
    while (!this.done) {
      const c = this.peek();
      if (c === '(') {
        this.readComment();
        continue;
      }
      if (c === '"') {
        this.readValue();
        continue;
      }
      this.index++;
      if (c === ';') return;
    }
  }
}

/**
 * Reads `key=value` pairs (and comments) up to the next `;` or the end. Stops at the first
 * thing that is not a pair; the caller then skips to the next `;`.
 */
function readPairs(cursor: Cursor, into: Record<string, string>, stopAtSemicolon: boolean): void {
  let count = 0;
  while (!cursor.done && count < MAX_PROPERTIES) {
    cursor.skipCfws();
    if (cursor.done) return;
    const c = cursor.peek();
    if (c === ';') {
      if (stopAtSemicolon) return;
      cursor.index++;
      continue;
    }
    const before = cursor.index;
    const key = cursor.readWord().toLowerCase();
    cursor.skipCfws();
    if (key === '' || cursor.peek() !== '=') {
      if (cursor.index === before) cursor.index++;
      return;
    }
    cursor.index++;
    cursor.skipCfws();
    const value = cursor.readValue();
    if (!(key in into)) into[key] = value;
    count++;
  }
}

/**
 * Parses one `Authentication-Results` value (RFC 8601): `authserv-id [version];
 * method[/version]=result [reason=...] [ptype.property=value ...]; ...`, with comments and
 * quoted strings anywhere. Lenient: a malformed result is skipped, never thrown.
 */
export function parseAuthenticationResults(value: string): AuthenticationResults {
  const cursor = new Cursor(value.slice(0, MAX_HEADER_VALUE));
  cursor.skipCfws();
  const idStart = cursor.index;
  let authservId = cursor.peek() === ';' ? '' : cursor.readValue().toLowerCase();
  let version: string | undefined;
  if (authservId.includes('=')) {
    // No authserv-id (Exchange Online writes none): the header starts with a result.
    authservId = '';
    cursor.index = idStart;
  } else {
    cursor.skipCfws();
    if (/^[0-9]$/.test(cursor.peek())) version = cursor.readWord();
    cursor.skipToSemicolon();
  }
  const results: AuthResult[] = [];
  while (!cursor.done && results.length < MAX_RESULTS) {
    const start = cursor.index;
    cursor.comments = [];
    cursor.skipCfws();
    const method = cursor.readWord().toLowerCase();
    cursor.skipCfws();
    let methodVersion: string | undefined;
    if (cursor.peek() === '/') {
      cursor.index++;
      cursor.skipCfws();
      methodVersion = cursor.readWord();
      cursor.skipCfws();
    }
    if (method === '' || method === 'none' || cursor.peek() !== '=') {
      if (cursor.index === start) cursor.index++;
      cursor.skipToSemicolon();
      continue;
    }
    cursor.index++;
    cursor.skipCfws();
    const result = cursor.readWord().toLowerCase();
    const pairs: Record<string, string> = {};
    readPairs(cursor, pairs, true);
    const { reason, ...properties } = pairs;
    const comment = cursor.comments.join(' ').slice(0, MAX_COMMENT);
    if (result !== '') {
      results.push({
        method,
        ...(methodVersion ? { version: methodVersion } : {}),
        result,
        ...(reason === undefined ? {} : { reason }),
        properties,
        ...(comment ? { comment } : {}),
      });
    }
    cursor.skipToSemicolon();
  }
  return { authservId, ...(version ? { version } : {}), results };
}

export interface ReceivedSpf {
  readonly result: string;
  readonly properties: Readonly<Record<string, string>>;
  readonly comment?: string;
}

/** Parses a `Received-SPF` value (RFC 7208 §9.1): `result (comment) key=value; key=value...`. */
export function parseReceivedSpf(value: string): ReceivedSpf {
  const cursor = new Cursor(value.slice(0, MAX_HEADER_VALUE));
  cursor.skipCfws();
  const result = cursor.readWord().toLowerCase();
  const properties: Record<string, string> = {};
  readPairs(cursor, properties, false);
  const comment = cursor.comments.join(' ').slice(0, MAX_COMMENT);
  return { result, properties, ...(comment ? { comment } : {}) };
}

/** Parses a DKIM-style tag list (`i=1; cv=pass; d=example.com`), as in ARC-Seal. */
export function parseTagList(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  let count = 0;
  for (const part of value.slice(0, MAX_HEADER_VALUE).split(';')) {
    if (++count > MAX_PROPERTIES) break;
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    if (key && !(key in out)) out[key] = part.slice(eq + 1).trim();
  }
  return out;
}

/** An `ARC-Authentication-Results` value: `i=N;` then an Authentication-Results value. */
export function parseArcAuthenticationResults(value: string): { instance: number; results: AuthenticationResults } {
  const text = value.slice(0, MAX_HEADER_VALUE);
  const semicolon = text.indexOf(';');
  const head = semicolon >= 0 ? text.slice(0, semicolon) : '';
  const match = /^\s*i\s*=\s*([0-9]{1,3})\s*$/.exec(head);
  if (!match) return { instance: 0, results: parseAuthenticationResults(text) };
  return { instance: Number(match[1]), results: parseAuthenticationResults(text.slice(semicolon + 1)) };
}

// ——— Choosing the trusted headers ———

export interface TrustedAuthentication {
  /** Results from the receiving server's header(s); empty when none is trusted. */
  readonly results: readonly AuthResult[];
  readonly authservId?: string;
  readonly receivedSpf?: ReceivedSpf;
  /** `cv=` of the newest ARC-Seal, when there is one. */
  readonly arcChain?: string;
  /** Authentication results that were present but written by the sender (below every Received). */
  readonly untrusted: readonly AuthResult[];
}

/** Up to this many headers are scanned (the transport headers are at the top). */
const MAX_HEADERS_SCANNED = 500;

export function trustedAuthentication(headers: readonly MailHeader[]): TrustedAuthentication {
  const list = headers.slice(0, MAX_HEADERS_SCANNED);
  let lastReceived = -1;
  for (let i = 0; i < list.length; i++) if (list[i]?.name === 'received') lastReceived = i;
  /** Written by the sender: below every Received header (when there are any). */
  const bySender = (index: number) => lastReceived >= 0 && index > lastReceived;

  let results: AuthResult[] = [];
  let authservId: string | undefined;
  const untrusted: AuthResult[] = [];
  const top = list.findIndex((h) => h.name === 'authentication-results');
  if (top >= 0) {
    const first = parseAuthenticationResults(list[top]?.value ?? '');
    if (bySender(top)) {
      untrusted.push(...first.results);
    } else {
      authservId = first.authservId;
      results = [...first.results];
      for (let i = top + 1; i < list.length; i++) {
        const header = list[i];
        if (!header || header.name === 'received') break;
        if (header.name !== 'authentication-results') continue;
        const more = parseAuthenticationResults(header.value);
        if (more.authservId === first.authservId) results.push(...more.results.slice(0, MAX_RESULTS));
      }
    }
  }

  let receivedSpf: ReceivedSpf | undefined;
  const spfIndex = list.findIndex((h) => h.name === 'received-spf');
  if (spfIndex >= 0 && !bySender(spfIndex)) receivedSpf = parseReceivedSpf(list[spfIndex]?.value ?? '');

  let arcChain: string | undefined;
  let arcInstance = -1;
  for (let i = 0; i < list.length; i++) {
    const header = list[i];
    if (header?.name !== 'arc-seal' || bySender(i)) continue;
    const tags = parseTagList(header.value);
    const instance = Number(tags.i ?? '0');
    if (Number.isFinite(instance) && instance > arcInstance && tags.cv) {
      arcInstance = instance;
      arcChain = tags.cv.toLowerCase();
    }
  }
  return {
    results,
    ...(authservId === undefined ? {} : { authservId }),
    ...(receivedSpf ? { receivedSpf } : {}),
    ...(arcChain ? { arcChain } : {}),
    untrusted,
  };
}

// ——— Alignment and reasons ———

/** The domain of `user@domain` or of a bare domain, lower-case ASCII. */
function domainPart(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const text = value.trim().replace(/^<|>$/g, '');
  const at = text.lastIndexOf('@');
  const domain = asciiDomain(at >= 0 ? text.slice(at + 1) : text);
  return domain && /^[a-z0-9.-]+$/.test(domain) && domain.includes('.') ? domain : undefined;
}

/** Relaxed DMARC alignment: same organisational (registrable) domain. */
export function alignedDomains(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const ra = registrableDomain(a);
  const rb = registrableDomain(b);
  return ra !== undefined && ra === rb;
}

export interface AuthenticationSummary {
  readonly dmarc?: string;
  /** Published policy when the results say (`reject`, `quarantine`, `none`). */
  readonly dmarcPolicy?: string;
  readonly compauth?: string;
  /** The receiving server's own ARC verdict (`arc=pass`), when it reports one. */
  readonly arc?: string;
  readonly spf?: string;
  readonly spfDomain?: string;
  /** DKIM results with their signing domains. */
  readonly dkim: readonly { readonly result: string; readonly domain?: string }[];
  readonly spfAligned: boolean;
  readonly dkimAligned: boolean;
}

function policyOf(result: AuthResult): string | undefined {
  const props = result.properties;
  const direct =
    props['policy.published-domain-policy'] ??
    props['policy.dmarc'] ??
    props.action ??
    props['policy.applied-disposition'];
  // Exchange writes `action=oreject` (override reject) and the like.
  const named = /reject|quarantine|none/.exec(direct?.toLowerCase() ?? '')?.[0];
  if (named) return named;
  const match = /\bp\s*=\s*(reject|quarantine|none)\b/i.exec(result.comment ?? '');
  return match?.[1]?.toLowerCase();
}

/** The results that matter, and their alignment with the From domain. */
export function summariseAuthentication(trusted: TrustedAuthentication, fromDomain: string): AuthenticationSummary {
  let dmarc: string | undefined;
  let dmarcPolicy: string | undefined;
  let compauth: string | undefined;
  let arc: string | undefined;
  let spf: string | undefined;
  let spfDomain: string | undefined;
  const dkim: { result: string; domain?: string }[] = [];
  for (const r of trusted.results) {
    if (r.method === 'dmarc' && dmarc === undefined) {
      dmarc = r.result;
      dmarcPolicy = policyOf(r);
    } else if (r.method === 'compauth' && compauth === undefined) {
      compauth = r.result;
    } else if (r.method === 'arc' && arc === undefined) {
      arc = r.result;
    } else if (r.method === 'spf' && spf === undefined) {
      spf = r.result;
      spfDomain = domainPart(r.properties['smtp.mailfrom']) ?? domainPart(r.properties['smtp.helo']);
    } else if (r.method === 'dkim' && dkim.length < 16) {
      const domain = domainPart(r.properties['header.d']) ?? domainPart(r.properties['header.i']);
      dkim.push(domain ? { result: r.result, domain } : { result: r.result });
    }
  }
  if (spf === undefined && trusted.receivedSpf?.result) {
    spf = trusted.receivedSpf.result;
    const props = trusted.receivedSpf.properties;
    spfDomain = domainPart(props['envelope-from']) ?? domainPart(props.helo);
  }
  const spfAligned = spf === 'pass' && alignedDomains(spfDomain, fromDomain);
  const dkimAligned = dkim.some((d) => d.result === 'pass' && alignedDomains(d.domain, fromDomain));
  return {
    ...(dmarc === undefined ? {} : { dmarc }),
    ...(dmarcPolicy === undefined ? {} : { dmarcPolicy }),
    ...(compauth === undefined ? {} : { compauth }),
    ...(arc === undefined ? {} : { arc }),
    ...(spf === undefined ? {} : { spf }),
    ...(spfDomain === undefined ? {} : { spfDomain }),
    dkim,
    spfAligned,
    dkimAligned,
  };
}

function reason(
  code: string,
  weight: number,
  fr: string,
  en: string,
  data: Record<string, string | number | boolean | readonly string[]>,
): Reason {
  return {
    code: `mail.authentication.${code}`,
    category: 'authentication',
    weight,
    message: { fr: safeText(fr), en: safeText(en) },
    data,
  };
}

/** Whether the results were written by one of the organisation's own receiving servers. */
function fromTrustedServer(trusted: TrustedAuthentication, settings: SignalContext['settings']): boolean {
  const id = trusted.authservId;
  if (id === undefined || id === '' || trusted.results.length === 0) return false;
  return settings.trustedAuthservIds.some((t) => t.trim().toLowerCase() === id);
}

/**
 * True when a trusted receiving server (`settings.trustedAuthservIds`) says the message passed
 * authentication aligned with its From domain (DMARC, or SPF/DKIM of the same organisational
 * domain) and nothing failed: only then is the From domain known to be the real sender.
 * Always false without `trustedAuthservIds`.
 */
export function authenticatedFromDomain(ctx: SignalContext): boolean {
  const fromDomain = ctx.message.from?.domain ?? '';
  if (!fromDomain) return false;
  const trusted = trustedAuthentication(ctx.message.headers);
  if (!fromTrustedServer(trusted, ctx.settings)) return false;
  const s = summariseAuthentication(trusted, fromDomain);
  if (s.dmarc === 'fail' || s.compauth === 'fail') return false;
  return s.dmarc === 'pass' || s.spfAligned || s.dkimAligned;
}

/** Authentication reasons for one message (none when it carries no trusted results). */
export function authenticationReasons(ctx: SignalContext): Reason[] {
  const trusted = trustedAuthentication(ctx.message.headers);
  // A pass is believed only from the organisation's own servers; failures from anyone.
  const believePass = fromTrustedServer(trusted, ctx.settings);
  const reasons: Reason[] = [];
  const fromDomain = ctx.message.from?.domain ?? '';
  const shownFrom = fromDomain || '(inconnu)';
  const shownFromEn = fromDomain || '(unknown)';

  if (trusted.untrusted.some((r) => r.result === 'pass')) {
    reasons.push(
      reason(
        'forged_results',
        1,
        "Le message contient des résultats d'authentification « réussis » écrits par l'expéditeur lui-même, pas par un serveur de réception : ils sont ignorés.",
        'The message carries "passing" authentication results written by the sender itself, not by a receiving server: they are ignored.',
        { methods: trusted.untrusted.map((r) => `${r.method}=${r.result}`).slice(0, 8) },
      ),
    );
  }
  if (trusted.results.length === 0 && !trusted.receivedSpf && !trusted.arcChain) return reasons;

  const s = summariseAuthentication(trusted, fromDomain);
  const organisation =
    fromDomain !== '' && ctx.settings.organisationDomains.some((d) => alignedDomains(fromDomain, asciiDomain(d)));
  const dkimDomains = s.dkim.flatMap((d) => (d.domain ? [`${d.domain}:${d.result}`] : [])).slice(0, 6);

  let failed = false;
  if (s.dmarc === 'fail') {
    failed = true;
    const enforced = s.dmarcPolicy === 'reject' || s.dmarcPolicy === 'quarantine';
    // A domain that publishes p=none has not hardened its mail yet: failures are common there.
    // A valid ARC chain means a forwarder vouches for the original authentication.
    const base = enforced ? 3.5 : s.dmarcPolicy === 'none' ? 2 : 2.5;
    const weight = base + (organisation ? 0.5 : 0) - (believePass && s.arc === 'pass' ? 1 : 0);
    reasons.push(
      reason(
        'dmarc_fail',
        weight,
        enforced
          ? `Le domaine ${shownFrom} demande de ${s.dmarcPolicy === 'reject' ? 'rejeter' : 'mettre en quarantaine'} les messages qui ne prouvent pas venir de lui (DMARC), et celui-ci échoue à le prouver.`
          : `Le message n'a pas prouvé venir du domaine affiché ${shownFrom} : la vérification DMARC échoue.`,
        enforced
          ? `The domain ${shownFromEn} asks to ${s.dmarcPolicy === 'reject' ? 'reject' : 'quarantine'} messages that cannot prove they come from it (DMARC), and this one fails to.`
          : `The message did not prove it comes from the domain shown, ${shownFromEn}: the DMARC check fails.`,
        {
          domain: fromDomain,
          ...(s.dmarcPolicy ? { policy: s.dmarcPolicy } : {}),
          ...(s.arc ? { arc: s.arc } : {}),
          organisation,
        },
      ),
    );
  } else if (s.compauth === 'fail') {
    failed = true;
    reasons.push(
      reason(
        'compauth_fail',
        2.5,
        `Le serveur de messagerie n'a pas pu confirmer que le message vient bien de ${shownFrom} (authentification composite en échec).`,
        `The mail server could not confirm that the message really comes from ${shownFromEn} (composite authentication failed).`,
        { domain: fromDomain },
      ),
    );
  }

  const anyPass = s.spf === 'pass' || s.dkim.some((d) => d.result === 'pass');
  /** What the results claim; `aligned` is what is believed of it. */
  const claimedAligned = s.dmarc === 'pass' || s.spfAligned || s.dkimAligned;
  const aligned = believePass && claimedAligned;
  // SPF and DKIM failures matter only when nothing aligned passed (forwarding breaks SPF).
  if (!failed && !aligned) {
    if (s.spf === 'fail') {
      reasons.push(
        reason(
          'spf_fail',
          2,
          `Le serveur qui a envoyé le message n'est pas autorisé à envoyer pour ${s.spfDomain ?? shownFrom} (SPF en échec).`,
          `The server that sent the message is not allowed to send for ${s.spfDomain ?? shownFromEn} (SPF fail).`,
          { domain: s.spfDomain ?? fromDomain },
        ),
      );
    } else if (s.spf === 'softfail') {
      reasons.push(
        reason(
          'spf_softfail',
          1,
          `Le serveur qui a envoyé le message n'est probablement pas autorisé à envoyer pour ${s.spfDomain ?? shownFrom} (SPF « softfail »).`,
          `The server that sent the message is probably not allowed to send for ${s.spfDomain ?? shownFromEn} (SPF softfail).`,
          { domain: s.spfDomain ?? fromDomain },
        ),
      );
    }
    const dkimPass = believePass && s.dkim.some((d) => d.result === 'pass');
    const dkimFail = s.dkim.find((d) => d.result === 'fail');
    if (dkimFail && !dkimPass) {
      reasons.push(
        reason(
          'dkim_fail',
          1,
          `La signature DKIM${dkimFail.domain ? ` de ${dkimFail.domain}` : ''} ne correspond pas au message : il a pu être modifié en route.`,
          `The DKIM signature${dkimFail.domain ? ` of ${dkimFail.domain}` : ''} does not match the message: it may have been altered on the way.`,
          { ...(dkimFail.domain ? { domain: dkimFail.domain } : {}) },
        ),
      );
    }
  }

  if (fromDomain && !failed && aligned) {
    reasons.push(
      reason(
        'aligned_pass',
        -1,
        `Le message est authentifié pour le domaine affiché ${fromDomain} (SPF/DKIM/DMARC). Cela prouve seulement qu'il vient de ce domaine, pas que ce domaine est digne de confiance.`,
        `The message is authenticated for the domain shown, ${fromDomain} (SPF/DKIM/DMARC). This only proves it comes from that domain, not that the domain is trustworthy.`,
        {
          domain: fromDomain,
          ...(s.dmarc ? { dmarc: s.dmarc } : {}),
          spfAligned: s.spfAligned,
          dkimAligned: s.dkimAligned,
        },
      ),
    );
  } else if (fromDomain && !failed && anyPass && !claimedAligned) {
    const others = [
      s.spf === 'pass' ? s.spfDomain : undefined,
      ...s.dkim.filter((d) => d.result === 'pass').map((d) => d.domain),
    ]
      .filter((d): d is string => d !== undefined)
      .slice(0, 4);
    reasons.push(
      reason(
        'not_aligned',
        1,
        `Le message est authentifié, mais pour un autre domaine (${others.join(', ') || 'inconnu'}) que celui affiché, ${fromDomain}.`,
        `The message is authenticated, but for another domain (${others.join(', ') || 'unknown'}) than the one shown, ${fromDomain}.`,
        { domain: fromDomain, authenticated: others, dkim: dkimDomains },
      ),
    );
  }

  if (trusted.arcChain === 'fail') {
    reasons.push(
      reason(
        'arc_fail',
        0.5,
        'La chaîne de transfert du message (ARC) est rompue : un intermédiaire a pu le modifier.',
        'The forwarding chain of the message (ARC) is broken: an intermediary may have altered it.',
        { cv: 'fail' },
      ),
    );
  }
  return reasons;
}
