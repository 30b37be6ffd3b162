/**
 * Who the message claims to come from, against where it comes from: a display name that
 * names a VIP of the organisation or a brand while the address is elsewhere, an e-mail
 * address written as the display name, a Reply-To or Return-Path that sends answers
 * elsewhere, a free-mail account that presents itself as a company department.
 * Pure; display names are folded (accents, case, homoglyphs, invisible characters) first.
 */
import { parse } from 'tldts';
import { authenticatedFromDomain } from './auth.js';
import { AMBIGUOUS_BRAND_WORDS } from './brands.js';
import { BoundedCache, isSameOrSubdomain, listKey, registrableDomain, skeleton } from './domains.js';
import { asciiDomain } from './parse.js';
import { escapeUnsafe, safeText } from './text.js';
import type { Brand, MailAddress, Reason, SignalContext } from './types.js';

/** Free webmail providers: anyone can open an account there. Registrable domains. */
export const FREEMAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'outlook.fr',
  'hotmail.com',
  'hotmail.fr',
  'hotmail.co.uk',
  'live.com',
  'live.fr',
  'msn.com',
  'yahoo.com',
  'yahoo.fr',
  'yahoo.co.uk',
  'ymail.com',
  'aol.com',
  'aol.fr',
  'gmx.com',
  'gmx.de',
  'gmx.fr',
  'gmx.net',
  'web.de',
  't-online.de',
  'laposte.net',
  'orange.fr',
  'wanadoo.fr',
  'free.fr',
  'sfr.fr',
  'neuf.fr',
  'bbox.fr',
  'numericable.fr',
  'proton.me',
  'protonmail.com',
  'pm.me',
  'icloud.com',
  'me.com',
  'mac.com',
  'mail.com',
  'yandex.ru',
  'yandex.com',
  'mail.ru',
  'zoho.com',
  'tutanota.com',
  'tuta.io',
  'qq.com',
  '163.com',
  '126.com',
  'libero.it',
  'rediffmail.com',
]);

/**
 * Bounce domains of e-mail service providers: a Return-Path there is how newsletters and
 * transactional mail are normally sent, not a mismatch.
 */
export const ESP_BOUNCE_DOMAINS: ReadonlySet<string> = new Set([
  'amazonses.com',
  'sendgrid.net',
  'mcsv.net',
  'rsgsv.net',
  'mandrillapp.com',
  'mailgun.org',
  'sparkpostmail.com',
  'mktomail.com',
  'exacttarget.com',
  'mailjet.com',
  'constantcontact.com',
  'cmail19.com',
  'cmail20.com',
  'googlegroups.com',
  'google.com',
]);

/**
 * Service domains a brand really sends its own notifications from, although they are not
 * its web domains (and not trusted as such for links): AWS notices, SharePoint shares.
 */
export const BRAND_SERVICE_SENDERS: ReadonlyMap<string, readonly string[]> = new Map([
  ['Amazon', ['amazonaws.com', 'amazonses.com']],
  ['Microsoft', ['sharepointonline.com']],
  ['SharePoint', ['sharepointonline.com']],
  ['OneDrive', ['sharepointonline.com']],
]);

/**
 * Brands whose regional entities each send from their own domain, by a fixed pattern: the
 * regional banks of Crédit Agricole (`ca-paris.fr`, `ca-centrest.fr`...).
 */
export const BRAND_SENDER_PATTERNS: ReadonlyMap<string, RegExp> = new Map([
  ['Crédit Agricole', /^ca-[a-z0-9-]{2,40}\.fr$/],
]);

/** Mailing-list hosts (registrable domains): a Reply-To there is the list itself. */
const LIST_HOSTS: ReadonlySet<string> = new Set([
  'googlegroups.com',
  'yahoogroups.com',
  'groups.io',
  'sourceforge.net',
]);

/** Bound on the display names read (longer ones are cut). */
const MAX_NAME = 256;
/** Bound on the words of a display name considered. */
const MAX_WORDS = 24;

/** A display name or phrase folded for comparison: skeleton (accents, case, homoglyphs) and single spaces. */
export function foldName(value: string): string {
  return skeleton(value.slice(0, MAX_NAME))
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .slice(0, MAX_WORDS)
    .join(' ');
}

function wordsOf(folded: string): string[] {
  return folded === '' ? [] : folded.split(' ');
}

/**
 * Words that say nothing about who is writing beyond "an organisation": with an ambiguous
 * brand word ("Orange"), the display name must contain only these to name the brand.
 */
const GENERIC_WORDS: ReadonlySet<string> = new Set(
  [
    'service',
    'services',
    'client',
    'clients',
    'clientele',
    'support',
    'team',
    'equipe',
    'customer',
    'care',
    'notification',
    'notifications',
    'info',
    'infos',
    'information',
    'informations',
    'security',
    'securite',
    'account',
    'accounts',
    'compte',
    'billing',
    'facturation',
    'facture',
    'alert',
    'alerts',
    'alerte',
    'alertes',
    'mobile',
    'france',
    'fr',
    'no',
    'reply',
    'noreply',
    'ne',
    'pas',
    'repondre',
    'espace',
    'the',
    'le',
    'la',
    'les',
    'l',
    'de',
    'du',
    'des',
    'd',
    'votre',
    'your',
    'mon',
    'my',
    'help',
    'aide',
    'center',
    'centre',
    'online',
    'en',
    'ligne',
    'assistance',
    'official',
    'officiel',
    'secure',
    'verification',
    'id',
    'pay',
    'mail',
    'messagerie',
    'webmail',
    'admin',
    'delivery',
    'livraison',
    'colis',
    'parcel',
    'express',
    'store',
    'order',
    'commande',
    'wallet',
    'app',
    'prime',
    'bank',
    'banque',
    'and',
    'et',
    'com',
    'net',
    'www',
  ].map((w) => foldName(w)),
);

/** Words by which a display name presents itself as a company, a department or a service. */
const CORPORATE_WORDS: ReadonlySet<string> = new Set(
  [
    'service',
    'services',
    'support',
    'helpdesk',
    'help',
    'desk',
    'informatique',
    'facturation',
    'billing',
    'invoice',
    'invoices',
    'factures',
    'comptabilite',
    'accounting',
    'payroll',
    'paie',
    'rh',
    'hr',
    'admin',
    'administrator',
    'administrateur',
    'administration',
    'security',
    'securite',
    'team',
    'equipe',
    'department',
    'departement',
    'customer',
    'clientele',
    'notification',
    'notifications',
    'alert',
    'alerte',
    'noreply',
    'webmaster',
    'postmaster',
    'mailbox',
    'messagerie',
    'webmail',
    'bank',
    'banque',
    'ltd',
    'inc',
    'llc',
    'sarl',
    'gmbh',
    'corp',
    'official',
    'officiel',
    'delivery',
    'livraison',
    'verification',
    'compliance',
    'juridique',
    'tresorerie',
    'treasury',
    'finance',
    'finances',
    'direction',
    'ressources',
    'humaines',
    // Landlords, agencies and notaries: the usual disguise of rent and deposit fraud.
    'agence',
    'agency',
    'immobilier',
    'immobiliere',
    'immo',
    'syndic',
    'gestion',
    'notaire',
    'notary',
    'cabinet',
    'realty',
    'estate',
  ].map((w) => foldName(w)),
);

/** "IT" as folded by `foldName` (a short word that counts only in short names: "IT Support"). */
const IT_WORD = foldName('it');

interface BrandPhrase {
  readonly phrase: string;
  /** ` phrase `: looked for in the padded display name (built once, not once per name). */
  readonly padded: string;
  readonly compact: string;
  readonly ambiguous: boolean;
  readonly brand: Brand;
}

interface BrandNameIndex {
  readonly phrases: readonly BrandPhrase[];
  /**
   * Indexes into `phrases` by the first two characters of their compact form: a phrase is
   * found only where the compact name contains its compact form, so only the phrases starting
   * with one of the name's character pairs need looking at.
   */
  readonly byFirstPair: ReadonlyMap<number, readonly number[]>;
  /** Registrable domains per brand name. */
  readonly domains: ReadonlyMap<Brand, ReadonlySet<string>>;
}

const MIN_COMPACT = 6;

function buildBrandIndex(brands: readonly Brand[]): BrandNameIndex {
  const phrases: BrandPhrase[] = [];
  const domains = new Map<Brand, Set<string>>();
  for (const brand of brands) {
    const own = new Set<string>();
    for (const d of brand.domains) own.add(registrableDomain(d) ?? asciiDomain(d));
    domains.set(brand, own);
    const seen = new Set<string>();
    for (const raw of [brand.name, ...(brand.keywords ?? [])]) {
      const phrase = foldName(raw);
      if (phrase.length < 2 || seen.has(phrase)) continue;
      seen.add(phrase);
      const plain = foldName(raw.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase());
      const ambiguous = AMBIGUOUS_BRAND_WORDS.has(raw.toLowerCase()) || AMBIGUOUS_BRAND_WORDS.has(plain);
      phrases.push({ phrase, padded: ` ${phrase} `, compact: phrase.replace(/ /g, ''), ambiguous, brand });
    }
  }
  const byFirstPair = new Map<number, number[]>();
  phrases.forEach((entry, i) => {
    const key = pairAt(entry.compact, 0);
    const list = byFirstPair.get(key);
    if (list) list.push(i);
    else byFirstPair.set(key, [i]);
  });
  return { phrases, domains, byFirstPair };
}

/** The characters at `i` and `i + 1`; every compact phrase has two (phrases of one character are not kept). */
function pairAt(text: string, i: number): number {
  return text.charCodeAt(i) * 0x10000 + text.charCodeAt(i + 1);
}

const brandIndexCache = new BoundedCache<BrandNameIndex>(16);

const brandIndexMemo = new WeakMap<readonly Brand[], BrandNameIndex>();

function brandIndexFor(brands: readonly Brand[]): BrandNameIndex {
  let index = brandIndexMemo.get(brands);
  if (!index) {
    index = brandIndexCache.get(listKey(brands), () => buildBrandIndex(brands));
    brandIndexMemo.set(brands, index);
  }
  return index;
}

export interface BrandNameMatch {
  readonly brand: Brand;
  /** The words of the display name that named it. */
  readonly phrase: string;
}

/**
 * The brands a display name names. Ambiguous words ("Orange", "Free") count only when the
 * rest of the name is generic ("Service client Orange").
 */
export function brandsInDisplayName(name: string, brands: readonly Brand[]): BrandNameMatch[] {
  const folded = foldName(name);
  if (folded === '') return [];
  const words = wordsOf(folded);
  const padded = ` ${folded} `;
  const compact = folded.replace(/ /g, '');
  const out: BrandNameMatch[] = [];
  const seen = new Set<Brand>();
  const { phrases, byFirstPair } = brandIndexFor(brands);
  // A phrase is found (` phrase ` in the padded name, or the compact phrase in the compact
  // name) only where the compact name holds the compact phrase, whose first two characters
  // are then a pair of the compact name: only the phrases starting with one of the name's
  // pairs are tried, in their order, as before.
  const candidates: number[] = [];
  for (let i = 0; i + 1 < compact.length; i++) {
    const list = byFirstPair.get(pairAt(compact, i));
    if (list) for (const index of list) candidates.push(index);
  }
  candidates.sort((a, b) => a - b);
  for (let k = 0; k < candidates.length; k++) {
    const index = candidates[k] as number;
    if (k > 0 && index === candidates[k - 1]) continue;
    const entry = phrases[index] as BrandPhrase;
    if (seen.has(entry.brand)) continue;
    let found = padded.includes(entry.padded);
    if (!found && !entry.ambiguous && entry.compact.length >= MIN_COMPACT) found = compact.includes(entry.compact);
    if (!found) continue;
    if (entry.ambiguous) {
      const phraseWords = new Set(wordsOf(entry.phrase));
      const others = words.filter((w) => !phraseWords.has(w));
      if (!others.every((w) => GENERIC_WORDS.has(w))) continue;
    }
    seen.add(entry.brand);
    out.push({ brand: entry.brand, phrase: entry.phrase });
  }
  return out;
}

/** Whether the folded display name names the VIP (all the VIP's words, any order, little else). */
export function namesVip(displayName: string, vipName: string): boolean {
  const vip = wordsOf(foldName(vipName));
  const display = wordsOf(foldName(displayName));
  if (vip.length === 0 || display.length === 0) return false;
  if (vip.length === 1) return display.length === 1 && display[0] === vip[0];
  const set = new Set(display);
  return vip.every((w) => set.has(w)) && display.length <= vip.length + 2;
}

const ADDRESS_CHARS = /[a-z0-9._%+-]/i;
const DOMAIN_CHARS = /[a-z0-9.-]/i;

/** The first e-mail address written inside a display name, if any (scanned by hand: linear). */
export function addressInDisplayName(name: string): { address: string; domain: string } | undefined {
  const text = name.slice(0, MAX_NAME);
  const at = text.indexOf('@');
  if (at <= 0) return undefined;
  let start = at;
  while (start > 0 && ADDRESS_CHARS.test(text.charAt(start - 1))) start--;
  let end = at + 1;
  while (end < text.length && DOMAIN_CHARS.test(text.charAt(end))) end++;
  const local = text.slice(start, at);
  const domain = text
    .slice(at + 1, end)
    .replace(/\.+$/, '')
    .toLowerCase();
  if (local === '' || !domain.includes('.')) return undefined;
  return { address: `${local.toLowerCase()}@${domain}`, domain };
}

/** Bound on the From header read when counting its mailboxes. */
const MAX_FROM_HEADER = 2048;

/**
 * How many mailboxes a From header lists: the comma-separated parts (outside quotes, angle
 * brackets and comments) that hold an address (`<...>` or `@`). A bare "Doe, John <j@x>"
 * (unquoted comma in a name) counts one. One pass over at most MAX_FROM_HEADER characters.
 */
export function countMailboxes(value: string): number {
  const text = value.slice(0, MAX_FROM_HEADER);
  let count = 0;
  let content = false;
  let quoted = false;
  let angle = false;
  let comment = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
      continue;
    }
    if (comment > 0) {
      if (c === '(') comment++;
      else if (c === ')') comment--;
      continue;
    }
    if (angle) {
      if (c === '>') angle = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === '(') comment = 1;
    else if (c === '<') {
      angle = true;
      content = true;
    } else if (c === ',' || c === ';' || c === ':') {
      // A part ends; group syntax ("undisclosed:;") is not a mailbox of its own.
      if (content && c !== ':') count++;
      content = false;
    } else if (c === '@') content = true;
  }
  if (content) count++;
  return count;
}

const LATIN_LETTER = /\p{Script=Latin}/u;
const CYRILLIC_OR_GREEK_LETTER = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;
const MARK_OR_FORMAT = /[\p{M}\p{Cf}]/u;
/** Variation selectors and the zero-width joiner are how emoji are written, not a disguise. */
const EMOJI_JOINERS: ReadonlySet<string> = new Set(['\uFE0E', '\uFE0F', '\u200D']);

/**
 * A display name written to fool the eye or the filters: a word mixing Latin with Cyrillic or
 * Greek letters ("Sаmsung" with a Cyrillic « а »), or marks and invisible characters that
 * do not belong to any accented letter ("i̶P̶h̶o̶n̶e̶", "E͏V͏R͏i͏"). Accents written decomposed
 * are composed first (NFC), so ordinary names do not count.
 */
export function disguiseReasons(name: string): Reason[] {
  const text = name.slice(0, MAX_NAME).normalize('NFC');
  const out: Reason[] = [];
  const mixed = text
    .split(/[\s,;:()"'<>]+/)
    .slice(0, MAX_WORDS * 2)
    .find((word) => LATIN_LETTER.test(word) && CYRILLIC_OR_GREEK_LETTER.test(word));
  if (mixed) {
    out.push(
      reason(
        'display_name_mixed_script',
        2.5,
        `Le nom affiché « ${quote(name)} » mélange des lettres latines et cyrilliques ou grecques qui se ressemblent (« ${mixed} ») pour tromper l'œil et les filtres.`,
        `The display name "${quote(name)}" mixes look-alike Latin and Cyrillic or Greek letters ("${mixed}") to fool the eye and the filters.`,
        { name: quote(name), word: mixed.slice(0, 40) },
      ),
    );
  }
  let marks = 0;
  for (const char of text) if (MARK_OR_FORMAT.test(char) && !EMOJI_JOINERS.has(char)) marks++;
  if (marks >= 2) {
    out.push(
      reason(
        'display_name_obfuscated',
        2,
        `Le nom affiché « ${quote(name)} » est truffé de caractères invisibles ou de surcharges (${marks}), une technique pour échapper aux filtres.`,
        `The display name "${quote(name)}" is stuffed with invisible or overlay characters (${marks}), a technique to evade filters.`,
        { name: quote(name), count: marks },
      ),
    );
  }
  return out;
}

/**
 * The organisation domain whose name a display name contains ("ACME Industries - Paie" for
 * acme-industries.fr): its label, folded, inside the display name's letters. Labels shorter
 * than 4 letters are ignored.
 */
export function organisationInDisplayName(name: string, organisationDomains: readonly string[]): string | undefined {
  const letters = foldName(name).replace(/ /g, '');
  if (letters.length < 4) return undefined;
  for (const raw of organisationDomains.slice(0, 50)) {
    const domain = registrableDomain(raw) ?? asciiDomain(raw);
    const suffix = parse(domain).publicSuffix ?? '';
    const label = suffix && domain.length > suffix.length ? domain.slice(0, domain.length - suffix.length - 1) : domain;
    const folded = foldName(label).replace(/ /g, '');
    if (folded.length >= 4 && letters.includes(folded)) return domain;
  }
  return undefined;
}

/** The registrable domain when the whole display name is a domain name ("ethereum.org"). */
export function domainAsDisplayName(name: string): string | undefined {
  const text = name.trim().toLowerCase();
  if (text.length > 253 || !/^[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,5}$/.test(text)) return undefined;
  // Only real suffixes: "d.mcmann" is a nickname, not a domain.
  const parsed = parse(text);
  return parsed.isIcann === true && parsed.domain ? parsed.domain : undefined;
}

function reason(
  code: string,
  weight: number,
  fr: string,
  en: string,
  data: Record<string, string | number | boolean | readonly string[]>,
): Reason {
  return {
    code: `mail.sender.${code}`,
    category: 'sender',
    weight,
    message: { fr: safeText(fr), en: safeText(en) },
    data: escapeData(data),
  };
}

/** Attacker-written strings in `data`, with their control and bidi characters escaped. */
function escapeData(
  data: Record<string, string | number | boolean | readonly string[]>,
): Record<string, string | number | boolean | readonly string[]> {
  const out: Record<string, string | number | boolean | readonly string[]> = {};
  for (const [key, value] of Object.entries(data)) {
    out[key] = typeof value === 'string' ? escapeUnsafe(value) : Array.isArray(value) ? value.map(escapeUnsafe) : value;
  }
  return out;
}

/** A display name as quoted in a message: control and bidi characters removed, cut at 80. */
function quote(name: string): string {
  return safeText(name, 80);
}

function domainOfAddress(address: string): string {
  const at = address.lastIndexOf('@');
  return at >= 0 ? asciiDomain(address.slice(at + 1)) : '';
}

function inList(domain: string | undefined, list: readonly string[]): boolean {
  if (!domain) return false;
  return list.some((d) => {
    const entry = asciiDomain(d);
    return entry !== '' && isSameOrSubdomain(domain, entry);
  });
}

/** Sender identity reasons for one message. */
export function senderReasons(ctx: SignalContext): Reason[] {
  const { message, settings } = ctx;
  const from = message.from;
  const reasons: Reason[] = [];
  if (!from || (from.address === '' && from.name.trim() === '')) {
    return [
      reason(
        'from_missing',
        1,
        "Le message n'indique pas d'expéditeur (en-tête From absent ou vide).",
        'The message does not say who sent it (From header missing or empty).',
        {},
      ),
    ];
  }
  const fromDomain = from.domain;
  const fromRegistrable = fromDomain ? registrableDomain(fromDomain) : undefined;
  const listRewrite = /(?:^|\s)via\s/i.test(from.name.slice(0, MAX_NAME));
  // The allow-list speaks of the real sender, and From is written by whoever sends: it applies
  // only when one of the organisation's own servers (`trustedAuthservIds`) authenticated the
  // From domain. Without `trustedAuthservIds` it therefore suppresses nothing. Even then, where
  // the answers go is still checked (a partner's hacked mailbox, a Reply-To added on the way).
  if (inList(fromRegistrable ?? fromDomain, settings.allowedSenderDomains) && authenticatedFromDomain(ctx)) {
    return listRewrite ? [] : replyToReasons(message.replyTo, from, fromRegistrable, message.sender, false);
  }
  const fromOrganisation = inList(fromRegistrable ?? fromDomain, settings.organisationDomains);
  const freemail = fromRegistrable !== undefined && FREEMAIL_DOMAINS.has(fromRegistrable);
  const name = from.name.slice(0, MAX_NAME);
  const shownDomain = fromDomain || '(aucun)';
  const shownDomainEn = fromDomain || '(none)';

  const bounce = /mailer-daemon|postmaster/i.test(`${name} ${from.address}`);
  const fromHeader = message.headers.find((h) => h.name === 'from')?.value ?? '';
  const mailboxes = countMailboxes(fromHeader);
  if (mailboxes > 1) {
    reasons.push(
      reason(
        'from_multiple',
        1.5,
        `L'en-tête From contient ${mailboxes} expéditeurs à la fois, une construction anormale qui brouille l'expéditeur affiché.`,
        `The From header holds ${mailboxes} senders at once, an abnormal construction that blurs the sender shown.`,
        { count: mailboxes, from: quote(fromHeader) },
      ),
    );
  } else if (from.address === '' && !bounce) {
    reasons.push(
      reason(
        'from_no_address',
        1,
        `L'expéditeur « ${quote(name)} » n'a pas d'adresse e-mail.`,
        `The sender "${quote(name)}" has no e-mail address.`,
        { name: quote(name) },
      ),
    );
  } else if (from.address !== '' && !fromRegistrable) {
    reasons.push(
      reason(
        'from_domain_invalid',
        1.5,
        `Le domaine d'envoi « ${fromDomain} » n'est pas un domaine Internet valide.`,
        `The sender domain "${fromDomain}" is not a valid Internet domain.`,
        { domain: fromDomain },
      ),
    );
  }

  // VIP impersonation: the name of someone of the organisation, from outside it.
  let vipFired = false;
  const knownVipAddress = from?.address !== undefined && settings.vipAddresses.includes(from.address);
  if (name && !fromOrganisation && !knownVipAddress) {
    const vip = settings.vipNames.find((v) => namesVip(name, v));
    if (vip) {
      vipFired = true;
      reasons.push(
        reason(
          'vip_impersonation',
          freemail ? 4 : 3.5,
          `Le nom affiché « ${quote(name)} » est celui de ${vip}, de votre organisation, mais le message vient de l'extérieur (${shownDomain}).`,
          `The display name "${quote(name)}" is that of ${vip}, of your organisation, but the message comes from outside (${shownDomainEn}).`,
          { name: quote(name), vip, domain: fromDomain },
        ),
      );
    }
  }

  // The organisation's own name, from outside ("ACME Industries" <x@gmail.com>). Weak from a
  // company domain (HR, ticketing and signature services send in the organisation's name).
  if (name && !fromOrganisation && !vipFired && !/(?:^|\s)via\s/i.test(name)) {
    const organisationName = organisationInDisplayName(name, settings.organisationDomains);
    if (organisationName) {
      reasons.push(
        reason(
          'organisation_display_name',
          freemail ? 2.5 : 1,
          `Le nom affiché « ${quote(name)} » reprend le nom de votre organisation (${organisationName}), mais le message vient de l'extérieur (${shownDomain}).`,
          `The display name "${quote(name)}" uses your organisation's name (${organisationName}), but the message comes from outside (${shownDomainEn}).`,
          { name: quote(name), organisation: organisationName, domain: fromDomain },
        ),
      );
    }
  }

  // Brand impersonation by display name.
  let brandFired = false;
  if (name && !fromOrganisation) {
    const matches = brandsInDisplayName(name, ctx.brands);
    const index = brandIndexFor(ctx.brands);
    const legitimate = matches.some((m) => {
      const own = index.domains.get(m.brand);
      if (fromRegistrable === undefined) return false;
      return (
        own?.has(fromRegistrable) === true ||
        BRAND_SERVICE_SENDERS.get(m.brand.name)?.includes(fromRegistrable) === true ||
        BRAND_SENDER_PATTERNS.get(m.brand.name)?.test(fromRegistrable) === true
      );
    });
    const first = matches[0];
    if (first && !legitimate) {
      brandFired = true;
      const brand = first.brand.name;
      reasons.push(
        reason(
          'brand_display_name',
          freemail ? 3.5 : 3,
          freemail
            ? `Le nom affiché « ${quote(name)} » se réclame de ${brand}, mais le message vient d'une messagerie gratuite (${shownDomain}).`
            : `Le nom affiché « ${quote(name)} » se réclame de ${brand}, mais le domaine d'envoi ${shownDomain} n'est pas celui de ${brand}.`,
          freemail
            ? `The display name "${quote(name)}" claims to be ${brand}, but the message comes from a free webmail (${shownDomainEn}).`
            : `The display name "${quote(name)}" claims to be ${brand}, but the sender domain ${shownDomainEn} is not ${brand}'s.`,
          { name: quote(name), brand, domain: fromDomain, brandDomains: first.brand.domains.slice(0, 5) },
        ),
      );
    }
  }

  // A display name disguised with look-alike letters or invisible / overlay characters.
  if (name) reasons.push(...disguiseReasons(name));

  // A domain name as display name, other than the real one ("ethereum.org" <x@icloud.com>).
  const shownHost = name && !brandFired ? domainAsDisplayName(name) : undefined;
  if (shownHost && from.address !== '' && shownHost !== (fromRegistrable ?? fromDomain)) {
    reasons.push(
      reason(
        'display_name_domain',
        2,
        `Le nom affiché est le nom de domaine ${shownHost}, mais le message vient de ${shownDomain}.`,
        `The display name is the domain name ${shownHost}, but the message comes from ${shownDomainEn}.`,
        { shown: shownHost, domain: fromDomain },
      ),
    );
  }

  // An e-mail address as display name, other than the real one.
  const shown = name ? addressInDisplayName(name) : undefined;
  if (shown && from.address !== '' && !/\bvia\b/i.test(name)) {
    const shownRegistrable = registrableDomain(shown.domain) ?? shown.domain;
    if (shownRegistrable !== (fromRegistrable ?? fromDomain)) {
      reasons.push(
        reason(
          'display_name_address',
          2.5,
          `Le nom affiché montre l'adresse ${shown.address}, mais le message vient en réalité de ${from.address}.`,
          `The display name shows the address ${shown.address}, but the message really comes from ${from.address}.`,
          { shown: shown.address, address: from.address },
        ),
      );
    }
  }

  // Free-mail account presenting itself as a company or a department.
  if (freemail && name && !brandFired && !bounce) {
    const words = wordsOf(foldName(name));
    const corporate = words.filter((w) => CORPORATE_WORDS.has(w));
    const itDesk = words.length <= 3 && words.includes(IT_WORD);
    if (corporate.length > 0 || itDesk) {
      reasons.push(
        reason(
          'freemail_corporate_name',
          2,
          `Le nom affiché « ${quote(name)} » évoque un service ou une entreprise, mais le message vient d'une messagerie gratuite (${fromRegistrable ?? fromDomain}).`,
          `The display name "${quote(name)}" suggests a company or a department, but the message comes from a free webmail (${fromRegistrable ?? fromDomain}).`,
          { name: quote(name), domain: fromRegistrable ?? fromDomain },
        ),
      );
    }
  }

  // Mailing lists that rewrite From ("Jane Doe via users-list") put the author in Reply-To.
  if (!listRewrite) reasons.push(...replyToReasons(message.replyTo, from, fromRegistrable, message.sender, freemail));
  reasons.push(...returnPathReasons(message.returnPath, fromRegistrable));
  return reasons;
}

function replyToReasons(
  replyTo: readonly MailAddress[],
  from: MailAddress,
  fromRegistrable: string | undefined,
  sender: MailAddress | undefined,
  fromFreemail: boolean,
): Reason[] {
  if (!fromRegistrable) return [];
  const senderRegistrable = sender?.domain ? registrableDomain(sender.domain) : undefined;
  for (const r of replyTo.slice(0, 10)) {
    if (!r.domain) continue;
    const rd = registrableDomain(r.domain);
    if (!rd) continue;
    if (rd === fromRegistrable) {
      // Two different accounts at the same free webmail: answers go to someone else.
      if (fromFreemail && r.address !== from.address) {
        return [
          reason(
            'reply_to_other_account',
            1.5,
            `Les réponses iront à ${r.address}, un autre compte de messagerie gratuite que l'expéditeur ${from.address}.`,
            `Replies will go to ${r.address}, another free webmail account than the sender ${from.address}.`,
            { replyTo: r.address, from: from.address },
          ),
        ];
      }
      continue;
    }
    // Mailing lists set Reply-To to the list, and name it in `Sender:`. `Sender:` is written by
    // whoever sends, so it never excuses answers going to a free webmail; for an organisation's
    // own domain it does (the weak reply_to_mismatch is all an attacker would gain, and every
    // list post would otherwise carry it).
    if (!FREEMAIL_DOMAINS.has(rd)) {
      if (LIST_HOSTS.has(rd)) continue;
      if (senderRegistrable !== undefined && senderRegistrable === rd) continue;
    }
    const toFreemail = FREEMAIL_DOMAINS.has(rd) && !fromFreemail;
    return [
      toFreemail
        ? reason(
            'reply_to_freemail',
            2,
            `Les réponses iront à ${r.address}, une messagerie gratuite, et non au domaine d'envoi ${fromRegistrable}.`,
            `Replies will go to ${r.address}, a free webmail, not to the sender domain ${fromRegistrable}.`,
            { replyTo: r.address, fromDomain: fromRegistrable },
          )
        : reason(
            'reply_to_mismatch',
            1,
            `Les réponses iront à un autre domaine (${rd}) que celui de l'expéditeur (${fromRegistrable}).`,
            `Replies will go to another domain (${rd}) than the sender's (${fromRegistrable}).`,
            { replyTo: r.address, fromDomain: fromRegistrable },
          ),
    ];
  }
  return [];
}

function returnPathReasons(returnPath: string | undefined, fromRegistrable: string | undefined): Reason[] {
  if (!returnPath || !fromRegistrable) return [];
  const domain = domainOfAddress(returnPath.slice(0, 320));
  const rd = domain ? registrableDomain(domain) : undefined;
  if (!rd || rd === fromRegistrable || ESP_BOUNCE_DOMAINS.has(rd)) return [];
  return [
    reason(
      'return_path_mismatch',
      0.5,
      `L'adresse de retour technique (Return-Path) est sur ${rd}, pas sur le domaine d'envoi ${fromRegistrable} ; fréquent pour les lettres d'information, plus rare pour un message personnel.`,
      `The technical return address (Return-Path) is at ${rd}, not at the sender domain ${fromRegistrable}; common for newsletters, rarer for a personal message.`,
      { returnPathDomain: rd, fromDomain: fromRegistrable },
    ),
  ];
}
