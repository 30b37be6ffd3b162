/**
 * Lookalike domains: does a domain imitate the organisation's own domains or a well-known
 * brand's? Pure and bounded: the protected names are indexed once per brand list and per
 * organisation list (cached), and each domain costs a few table look-ups plus, at most, an
 * edit distance against the protected labels of about the same length.
 *
 * What counts as imitation, strongest first:
 *  - homograph: an internationalised label whose characters look like a protected one
 *    (`pаypal.com` with a Cyrillic « а », `xn--pypal-4ve.com`);
 *  - confusable: the same in ASCII (`paypa1.com`, `rnicrosoft.com`);
 *  - typo: one or two edits away (`paypall.com`, `micosoft.com`);
 *  - combo: the protected name inside another registrable domain (`paypal-secure-login.com`);
 *  - subdomain: the protected name in front of someone else's domain (`microsoft.account-verify.xyz`);
 *  - tld_swap: the protected label under another suffix than the brand's own (`netflix.top`, `paypal.co`);
 *  - mixed_script: a label mixing Latin with Cyrillic or Greek letters, whatever it imitates.
 * The real domains and their subdomains are never flagged.
 */
import { getDomain, parse } from 'tldts';
import { authenticatedFromDomain } from './auth.js';
import { AMBIGUOUS_BRAND_WORDS } from './brands.js';
import { asciiDomain } from './parse.js';
import { escapeUnsafe, safeText } from './text.js';
import type { Brand, Reason, SignalContext } from './types.js';

export type LookalikeKind = 'homograph' | 'confusable' | 'typo' | 'combo' | 'subdomain' | 'tld_swap' | 'mixed_script';

export interface LookalikeMatch {
  /** The registrable domain examined, in ASCII. */
  readonly domain: string;
  /** The same for a reader (punycode labels decoded). */
  readonly display: string;
  readonly kind: LookalikeKind;
  /** The protected domain imitated (absent for `mixed_script` with no target). */
  readonly target?: string;
  /** The brand imitated, when the target is a brand's. */
  readonly brand?: string;
  /** True when the target is one of the organisation's own domains. */
  readonly organisation: boolean;
  /** Edit distance for `typo`. */
  readonly distance?: number;
}

export interface LookalikeTargets {
  readonly organisationDomains: readonly string[];
  readonly brands: readonly Brand[];
}

/** Hosts longer than this are cut before analysis (a DNS name is at most 253). */
const MAX_HOST = 253;

/** Registrable ("organisational") domain of a host by the ICANN public suffix list; `undefined` for IPs and bare suffixes. */
export function registrableDomain(host: string): string | undefined {
  const key = host.length > MAX_HOST ? host.slice(0, MAX_HOST) : host;
  if (REGISTRABLE_MEMO.has(key)) return REGISTRABLE_MEMO.get(key);
  const domain = registrableDomainNow(key);
  remember(REGISTRABLE_MEMO, key, domain);
  return domain;
}

/**
 * The same few hosts (the sender's, the big senders', link hosts) come back in every message
 * and in several signals: pure answers about a host are kept, in bounded maps that are simply
 * emptied when full.
 */
const MEMO_ENTRIES = 8_192;
const REGISTRABLE_MEMO = new Map<string, string | undefined>();

function remember<V>(memo: Map<string, V>, key: string, value: V): void {
  if (memo.size >= MEMO_ENTRIES) memo.clear();
  memo.set(key, value);
}

function registrableDomainNow(host: string): string | undefined {
  const ascii = asciiDomain(host);
  // Only a host name: tldts would read `paypal.com/é` as a URL and answer paypal.com.
  if (!/^[a-z0-9.-]+$/.test(ascii)) return undefined;
  const domain = getDomain(ascii);
  return domain ?? undefined;
}

/** True when `host` is `domain` or one of its subdomains (both lower-case ASCII). */
export function isSameOrSubdomain(host: string, domain: string): boolean {
  return host === domain || (host.length > domain.length && host.endsWith(`.${domain}`));
}

// ——— Punycode (RFC 3492), decoding only ———

const PUNY_BASE = 36;
const PUNY_TMIN = 1;
const PUNY_TMAX = 26;
const PUNY_SKEW = 38;
const PUNY_DAMP = 700;
const MAX_INT = 0x7fffffff;
/** Encoded labels longer than this are refused (a DNS label is at most 63). */
const MAX_PUNY_INPUT = 256;

function punyAdapt(delta: number, numPoints: number, first: boolean): number {
  let d = first ? Math.floor(delta / PUNY_DAMP) : delta >> 1;
  d += Math.floor(d / numPoints);
  let k = 0;
  while (d > ((PUNY_BASE - PUNY_TMIN) * PUNY_TMAX) >> 1) {
    d = Math.floor(d / (PUNY_BASE - PUNY_TMIN));
    k += PUNY_BASE;
  }
  return k + Math.floor(((PUNY_BASE - PUNY_TMIN + 1) * d) / (d + PUNY_SKEW));
}

function punyDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 22; // 0-9 → 26-35
  if (code >= 65 && code <= 90) return code - 65; // A-Z
  if (code >= 97 && code <= 122) return code - 97; // a-z
  return PUNY_BASE;
}

/**
 * Decodes the part of a label after `xn--` (RFC 3492). `undefined` when it is not valid
 * punycode. Never throws; bounded by MAX_PUNY_INPUT.
 */
export function decodePunycode(input: string): string | undefined {
  if (input.length > MAX_PUNY_INPUT) return undefined;
  const output: number[] = [];
  const lastDash = input.lastIndexOf('-');
  const basic = Math.max(lastDash, 0);
  for (let j = 0; j < basic; j++) {
    const code = input.charCodeAt(j);
    if (code >= 0x80) return undefined;
    output.push(code);
  }
  let n = 128;
  let bias = 72;
  let i = 0;
  let index = basic > 0 ? basic + 1 : 0;
  while (index < input.length) {
    const oldi = i;
    let w = 1;
    for (let k = PUNY_BASE; ; k += PUNY_BASE) {
      if (index >= input.length) return undefined;
      const digit = punyDigit(input.charCodeAt(index++));
      if (digit >= PUNY_BASE) return undefined;
      if (digit > Math.floor((MAX_INT - i) / w)) return undefined;
      i += digit * w;
      const t = k <= bias ? PUNY_TMIN : k >= bias + PUNY_TMAX ? PUNY_TMAX : k - bias;
      if (digit < t) break;
      if (w > Math.floor(MAX_INT / (PUNY_BASE - t))) return undefined;
      w *= PUNY_BASE - t;
    }
    const length = output.length + 1;
    bias = punyAdapt(i - oldi, length, oldi === 0);
    if (Math.floor(i / length) > MAX_INT - n) return undefined;
    n += Math.floor(i / length);
    i %= length;
    if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return undefined;
    output.splice(i, 0, n);
    i++;
  }
  return String.fromCodePoint(...output);
}

/** A host with its `xn--` labels decoded for reading; labels that do not decode stay as they are. */
export function hostToUnicode(host: string): string {
  const lower = host.slice(0, MAX_HOST).toLowerCase();
  if (!lower.includes('xn--')) return lower;
  return lower
    .split('.')
    .map((label) => (label.startsWith('xn--') ? (decodePunycode(label.slice(4)) ?? label) : label))
    .join('.');
}

// ——— Confusable skeleton ———

/**
 * Characters that pass for Latin letters in a domain or a display name, mapped to the letter
 * they imitate (after NFKD folding has removed accents and fullwidth forms). Compact on
 * purpose: the Cyrillic, Greek and Latin-extension homoglyphs seen in attacks, plus the digit
 * swaps of ASCII typosquats. `i`, `l`, `1` and `|` all fold to `l` (they are told apart by
 * font only), `0` to `o`.
 */
const CONFUSABLE_CHARS: Readonly<Record<string, string>> = {
  // Cyrillic
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  һ: 'h',
  і: 'l',
  ї: 'l',
  ј: 'j',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ӏ: 'l',
  ɡ: 'g',
  ո: 'n',
  ս: 'u',
  ց: 'g',
  // Greek
  α: 'a',
  β: 'b',
  γ: 'y',
  ε: 'e',
  η: 'n',
  ι: 'l',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ϲ: 'c',
  ω: 'w',
  // Latin extensions and symbols
  ı: 'l',
  ɩ: 'l',
  ł: 'l',
  ƚ: 'l',
  ɑ: 'a',
  ɒ: 'a',
  ɓ: 'b',
  ɔ: 'c',
  đ: 'd',
  ɗ: 'd',
  ħ: 'h',
  ŋ: 'n',
  ø: 'o',
  ɵ: 'o',
  ʀ: 'r',
  ʏ: 'y',
  ȷ: 'j',
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  // Digits and ASCII
  '0': 'o',
  '1': 'l',
  i: 'l',
  '|': 'l',
  '3': 'e',
  '5': 's',
  '4': 'a',
  '7': 't',
  '@': 'a',
  $: 's',
};

/** Multi-letter look-alikes, applied after the per-character fold. */
const CONFUSABLE_SEQUENCES: readonly (readonly [string, string])[] = [
  ['rn', 'm'],
  ['vv', 'w'],
];

/** Bound on the text folded by `skeleton` (display names and labels are short). */
const MAX_SKELETON_INPUT = 512;

/**
 * In domain names, which DNS lower-cases, `i` and `l` do not pass for each other (only a
 * capital I does, which a host never shows): there, the `i`-like letters fold to `i`.
 */
const DOMAIN_I_LIKE: Readonly<Record<string, string>> = { i: 'i', і: 'i', ї: 'i', ι: 'i', ı: 'i', ɩ: 'i' };

/**
 * The "skeleton" of a string: lower-cased, accents and compatibility forms folded (NFKD),
 * combining marks and invisible format characters removed, confusable characters mapped to
 * the Latin letter they imitate. Two strings with the same skeleton look alike. `name` mode
 * (display names, where "PayPaI" may hide a capital I) folds `i` with `l`; `domain` mode does not.
 */
export function skeleton(value: string, mode: 'name' | 'domain' = 'name'): string {
  const input = value.slice(0, MAX_SKELETON_INPUT);
  let out = '';
  if (ASCII_ONLY.test(input)) {
    // Most names and hosts: NFKD leaves ASCII as it is, and no ASCII character is a mark.
    const table = mode === 'domain' ? ASCII_DOMAIN_SKELETON : ASCII_NAME_SKELETON;
    const folded = input.toLowerCase();
    for (let i = 0; i < folded.length; i++) out += table[folded.charCodeAt(i)] as string;
  } else {
    for (const char of input.normalize('NFKD').toLowerCase()) {
      // No ASCII character is a mark or a format character: only the others are tested.
      if (char.charCodeAt(0) >= 128 && MARK_OR_FORMAT.test(char)) continue;
      out += skeletonChar(char, mode);
    }
  }
  for (const [from, to] of CONFUSABLE_SEQUENCES) if (out.includes(from)) out = out.split(from).join(to);
  return out;
}

function skeletonChar(char: string, mode: 'name' | 'domain'): string {
  return (mode === 'domain' ? DOMAIN_I_LIKE[char] : undefined) ?? CONFUSABLE_CHARS[char] ?? char;
}

const ASCII_ONLY = /^\p{ASCII}*$/u;
/** What `skeletonChar` gives for each ASCII character, by mode. */
const ASCII_NAME_SKELETON = Array.from({ length: 128 }, (_, code) => skeletonChar(String.fromCharCode(code), 'name'));
const ASCII_DOMAIN_SKELETON = Array.from({ length: 128 }, (_, code) =>
  skeletonChar(String.fromCharCode(code), 'domain'),
);

const MARK_OR_FORMAT = /[\p{M}\p{Cf}]/u;

const LATIN = /\p{Script=Latin}/u;
const CYRILLIC_OR_GREEK = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;

/** A label mixing Latin letters with Cyrillic or Greek ones (`pаypal` with a Cyrillic « а »). */
export function mixesScripts(label: string): boolean {
  return LATIN.test(label) && CYRILLIC_OR_GREEK.test(label);
}

// ——— Edit distance ———

type DistanceRows = [Int32Array, Int32Array, Int32Array];
let DISTANCE_ROWS: DistanceRows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/**
 * Damerau–Levenshtein distance (optimal string alignment: insertions, deletions,
 * substitutions, adjacent transpositions), by UTF-16 unit. Stops early and returns `max + 1`
 * as soon as the distance is known to exceed `max`; cost O(|a|·|b|) at worst.
 */
export function damerauLevenshtein(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  const width = b.length + 1;
  if (DISTANCE_ROWS[0].length < width) DISTANCE_ROWS = [0, 1, 2].map(() => new Int32Array(width * 2)) as DistanceRows;
  // Rows kept from call to call (a typed array costs more to create than a short comparison):
  // every cell is written before it is read, `before` from the second row on.
  let [before, previous, current] = DISTANCE_ROWS;
  for (let j = 0; j < width; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    const aPrev = i > 1 ? a.charCodeAt(i - 2) : -1;
    for (let j = 1; j <= b.length; j++) {
      const bj = b.charCodeAt(j - 1);
      const cost = ai === bj ? 0 : 1;
      let value = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (j > 1 && ai === b.charCodeAt(j - 2) && aPrev === bj) value = Math.min(value, (before[j - 2] as number) + 1);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    const recycled = before;
    before = previous;
    previous = current;
    current = recycled;
  }
  const distance = previous[b.length] as number;
  return distance > max ? max + 1 : distance;
}

// ——— Protected names, indexed once per list ———

interface Protected {
  /** Registrable domain, ASCII. */
  readonly domain: string;
  /** Its label without the public suffix (`paypal`). */
  readonly label: string;
  readonly brand?: string;
  readonly organisation: boolean;
}

interface ProtectedIndex {
  /** Every protected registrable domain. */
  readonly domains: ReadonlyMap<string, Protected>;
  /** skeleton(label) → protected entries with that skeleton. */
  readonly skeletons: ReadonlyMap<string, readonly Protected[]>;
  /** Labels worth an edit-distance comparison, with their skeleton, by skeleton length. */
  readonly typoTargets: ReadonlyMap<number, readonly { readonly skeleton: string; readonly entry: Protected }[]>;
  /** Name tokens matched whole (between `-`, `.` or digits) inside another domain. */
  readonly tokens: ReadonlyMap<string, Protected>;
  /** Long, distinctive name tokens also matched inside a part (`paypalsecure`), by their first three letters. */
  readonly substrings: ReadonlyMap<string, readonly { readonly token: string; readonly entry: Protected }[]>;
}

/**
 * Domains owned by a brand but where anyone can send or host content (cloud tenants, storage,
 * mail relays): never treated as a lookalike, never as the brand itself either.
 */
export const BRAND_INFRASTRUCTURE_DOMAINS: ReadonlySet<string> = new Set([
  'onmicrosoft.com',
  'amazonaws.com',
  'amazonses.com',
  'googleusercontent.com',
  'googleapis.com',
  'googlegroups.com',
  'appspot.com',
  'firebaseapp.com',
  'web.app',
  'github.io',
  'githubusercontent.com',
  'blogspot.com',
  'sharepointonline.com',
  'azurewebsites.net',
  'windows.net',
  'cloudapp.net',
]);

/**
 * Platforms where companies have their own spaces under their name (`usps.force.com`,
 * `acme.atlassian.net`, `ebay.doubleclick.net`): a protected name in front of them is flagged
 * only together with a lure word (`acme-login.atlassian.net`).
 */
const SAAS_TENANT_DOMAINS: ReadonlySet<string> = new Set([
  'force.com',
  'site.com',
  'salesforce.com',
  'doubleclick.net',
  'custhelp.com',
  'service-now.com',
  'zendesk.com',
  'freshdesk.com',
  'atlassian.net',
  'nabble.com',
  'myworkday.com',
]);

/**
 * Tokens too common to mean the brand inside another domain (`hotel-booking.com`,
 * `live-music.org`). They still count for homographs, confusables and typos of the full label.
 */
const COMMON_DOMAIN_TOKENS: ReadonlySet<string> = new Set([
  'live',
  'office',
  'outlook',
  'azure',
  'visa',
  'free',
  'meta',
  'steam',
  'uber',
  'booking',
  'ledger',
  'exodus',
  'kraken',
  'telegram',
  'slack',
  'amende',
  'lydia',
  'norton',
  'bing',
  'post',
  'poste',
  'mail',
  'bank',
  'service',
  'public',
  'connect',
  'total',
  'energies',
  'store',
  'online',
  'group',
  'groupe',
  'mobile',
  'travail',
  'crypto',
  'blockchain',
  'wallet',
  'trust',
  'shop',
  'citi',
  'apple',
  'orange',
  'chase',
  'zoom',
  'capital',
  'amex',
  'aws',
  'ups',
  'prime',
]);

/** Brand tokens that begin ordinary words (`revolution`, `amazonia`): matched whole only. */
const WORD_PREFIX_TOKENS: ReadonlySet<string> = new Set(['revolut', 'amazon', 'decathlon', 'carrefour', 'ledger']);

const MIN_TOKEN = 4;
const MIN_SUBSTRING = 6;
/** Labels shorter than this are compared for typos only by skeleton (too many real words are one edit away). */
const MIN_TYPO_1 = 6;
const MIN_TYPO_2 = 9;
const MIN_ORG_TYPO_1 = 6;
/** The organisation's own label under another suffix is flagged from this length on (`acme-industries.com`). */
const MIN_ORG_TLD_SWAP = 8;

/** Folds a brand word or a domain label to the form tokens are compared in: lower-case ASCII letters and digits. */
function foldToken(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

function labelOf(domain: string): string {
  const suffix = parse(domain).publicSuffix ?? '';
  return suffix && domain.length > suffix.length ? domain.slice(0, domain.length - suffix.length - 1) : domain;
}

function buildIndex(organisationDomains: readonly string[], brands: readonly Brand[]): ProtectedIndex {
  const domains = new Map<string, Protected>();
  const skeletons = new Map<string, Protected[]>();
  const typoTargets = new Map<number, { skeleton: string; entry: Protected }[]>();
  const tokens = new Map<string, Protected>();
  const substrings = new Map<string, { token: string; entry: Protected }[]>();
  const seenTypo = new Set<string>();
  const seenSubstring = new Set<string>();

  const addToken = (raw: string, entry: Protected, organisation: boolean) => {
    const token = foldToken(raw);
    if (token.length < MIN_TOKEN || /^[0-9]+$/.test(token)) return;
    if (COMMON_DOMAIN_TOKENS.has(token) || AMBIGUOUS_BRAND_WORDS.has(token)) return;
    // Both the plain form and the skeleton form (`paypa1` folds to the skeleton of `paypal`).
    for (const form of new Set([token, skeleton(token, 'domain').replace(/[^a-z]/g, '')])) {
      if (form.length < MIN_TOKEN) continue;
      if (!tokens.has(form) || organisation) tokens.set(form, entry);
      if (form.length >= MIN_SUBSTRING && !seenSubstring.has(form) && !WORD_PREFIX_TOKENS.has(form)) {
        seenSubstring.add(form);
        const key = form.slice(0, 3);
        const list = substrings.get(key) ?? [];
        list.push({ token: form, entry });
        substrings.set(key, list);
      }
    }
  };
  const addDomain = (raw: string, brand: Brand | undefined) => {
    const domain = registrableDomain(raw) ?? asciiDomain(raw);
    if (!domain || BRAND_INFRASTRUCTURE_DOMAINS.has(domain)) return undefined;
    const organisation = brand === undefined;
    const existing = domains.get(domain);
    if (existing && (existing.organisation || !organisation)) return existing;
    const label = labelOf(domain);
    const entry: Protected = brand
      ? { domain, label, brand: brand.name, organisation }
      : { domain, label, organisation };
    domains.set(domain, entry);
    const unicodeLabel = hostToUnicode(label);
    const key = skeleton(unicodeLabel, 'domain');
    const list = skeletons.get(key) ?? [];
    list.push(entry);
    skeletons.set(key, list);
    const plain = foldToken(unicodeLabel);
    const ambiguous = AMBIGUOUS_BRAND_WORDS.has(plain) || COMMON_DOMAIN_TOKENS.has(plain);
    const minTypo = organisation ? MIN_ORG_TYPO_1 : MIN_TYPO_1;
    if (plain.length >= minTypo && (organisation || !ambiguous) && !seenTypo.has(key)) {
      seenTypo.add(key);
      const list = typoTargets.get(key.length) ?? [];
      list.push({ skeleton: key, entry });
      typoTargets.set(key.length, list);
    }
    addToken(unicodeLabel, entry, organisation);
    return entry;
  };

  for (const domain of organisationDomains) addDomain(domain, undefined);
  for (const brand of brands) {
    let first: Protected | undefined;
    for (const domain of brand.domains) {
      const entry = addDomain(domain, brand);
      first ??= entry;
    }
    if (!first) continue;
    addToken(brand.name, first, false);
    for (const keyword of brand.keywords ?? []) addToken(keyword, first, false);
  }
  return { domains, skeletons, typoTargets, tokens, substrings };
}

const listKeys = new WeakMap<object, string>();

/**
 * A content key for a list of brands or domains. Callers often rebuild the list for every
 * message (`[...SHIPPED_BRANDS, ...extraBrands]`), so indexes are cached by content, with the
 * key itself remembered per array instance.
 */
export function listKey(list: readonly Brand[] | readonly string[]): string {
  let key = listKeys.get(list);
  if (key === undefined) {
    key = list
      .map((item) =>
        typeof item === 'string' ? item : `${item.name}:${item.domains.join(',')}:${(item.keywords ?? []).join(',')}`,
      )
      .join('|');
    listKeys.set(list, key);
  }
  return key;
}

/** A small bounded cache: the least recently added entry goes first. */
export class BoundedCache<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly size: number) {}

  get(key: string, build: () => V): V {
    const found = this.entries.get(key);
    if (found !== undefined) return found;
    const value = build();
    if (this.entries.size >= this.size) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, value);
    return value;
  }
}

const indexCache = new BoundedCache<ProtectedIndex>(16);

/** Per list instance, in front of the content cache (a look-up per domain, not a key build). */
const indexMemo = new WeakMap<readonly Brand[], WeakMap<readonly string[], ProtectedIndex>>();

function indexFor(targets: LookalikeTargets): ProtectedIndex {
  let byOrganisation = indexMemo.get(targets.brands);
  if (!byOrganisation) {
    byOrganisation = new WeakMap();
    indexMemo.set(targets.brands, byOrganisation);
  }
  let index = byOrganisation.get(targets.organisationDomains);
  if (!index) {
    const key = `${listKey(targets.organisationDomains)}\n${listKey(targets.brands)}`;
    index = indexCache.get(key, () => buildIndex(targets.organisationDomains, targets.brands));
    byOrganisation.set(targets.organisationDomains, index);
  }
  return index;
}

/** Whether `host` belongs to one of the protected domains (organisation or brand). */
export function isProtectedDomain(host: string, targets: LookalikeTargets): boolean {
  const domain = registrableDomain(host);
  return domain !== undefined && indexFor(targets).domains.has(domain);
}

/** Words that phishing glues to a brand name (`ebaysecurity`, `secureamazon`, `myameli`). */
const LURE_WORDS: ReadonlySet<string> = new Set([
  'secure',
  'security',
  'login',
  'signin',
  'verify',
  'verification',
  'account',
  'accounts',
  'update',
  'support',
  'service',
  'services',
  'billing',
  'help',
  'helpdesk',
  'center',
  'centre',
  'alert',
  'alerts',
  'online',
  'auth',
  'wallet',
  'payment',
  'payments',
  'refund',
  'confirm',
  'notice',
  'my',
  'mon',
  'espace',
  'client',
  'clients',
  'remboursement',
  'colis',
  'livraison',
]);

/** A part made of a protected token and a lure word, in either order (`ebaysecurity`). */
function lureCompound(part: string, index: ProtectedIndex): Protected | undefined {
  if (part.length < MIN_TOKEN + 2) return undefined;
  for (let cut = 2; cut <= part.length - 2; cut++) {
    const head = part.slice(0, cut);
    const tail = part.slice(cut);
    if (LURE_WORDS.has(tail)) {
      const entry = index.tokens.get(head);
      if (entry) return entry;
    }
    if (LURE_WORDS.has(head)) {
      const entry = index.tokens.get(tail);
      if (entry) return entry;
    }
  }
  return undefined;
}

/**
 * A protected token among `parts` (whole, or glued to a lure word), or a long one found in
 * the parts joined that starts or ends at a part boundary (`paypalsecure`, `ijpaypal`,
 * `credit-agricole-info`; not `counterrevolution` for `revolut`). One pass over the joined
 * letters with a first-three-letters table: cost linear in the label.
 */
function findToken(parts: readonly string[], index: ProtectedIndex): Protected | undefined {
  for (const part of parts) {
    const entry = index.tokens.get(part) ?? lureCompound(part, index);
    if (entry) return entry;
  }
  const joined = parts.join('');
  const boundaries = new Set<number>([0]);
  let offset = 0;
  for (const part of parts) {
    offset += part.length;
    boundaries.add(offset);
  }
  for (let i = 0; i + MIN_SUBSTRING <= joined.length; i++) {
    const candidates = index.substrings.get(joined.slice(i, i + 3));
    if (!candidates) continue;
    for (const { token, entry } of candidates) {
      if (!joined.startsWith(token, i)) continue;
      if (boundaries.has(i) || boundaries.has(i + token.length)) return entry;
    }
  }
  return undefined;
}

/** Splits a (folded) label into its tokens: between dots, hyphens, underscores and digit runs. */
function tokensOf(text: string): string[] {
  return text.split(/[^a-z]+/).filter((t) => t.length > 0);
}

/**
 * Which protected domain `domain` imitates, and how; `undefined` when it imitates none or is
 * itself protected (or a subdomain of a protected domain). `domain` may be a host, in ASCII
 * (punycode) or Unicode.
 */
export function assessDomain(domain: string, targets: LookalikeTargets): LookalikeMatch | undefined {
  const index = indexFor(targets);
  const key = domain.length > MAX_HOST ? domain.slice(0, MAX_HOST) : domain;
  let memo = ASSESSMENTS.get(index);
  if (!memo) {
    memo = new Map();
    ASSESSMENTS.set(index, memo);
  }
  if (memo.has(key)) return memo.get(key);
  const match = assessDomainNow(key, index);
  remember(memo, key, match);
  return match;
}

/** Answers of `assessDomain` per protected list (the answer depends on nothing else). */
const ASSESSMENTS = new WeakMap<ProtectedIndex, Map<string, LookalikeMatch | undefined>>();

function assessDomainNow(domain: string, index: ProtectedIndex): LookalikeMatch | undefined {
  const host = asciiDomain(domain);
  if (host === '' || host.length > MAX_HOST) return undefined;
  const parsed = parse(host);
  if (parsed.isIp || !parsed.domain || !parsed.publicSuffix) return undefined;
  const registrable = parsed.domain;
  if (index.domains.has(registrable)) return undefined;
  // Shared hosting owned by a brand: only a protected name in front of it is suspicious.
  const shared = BRAND_INFRASTRUCTURE_DOMAINS.has(registrable);

  const suffix = parsed.publicSuffix;
  const asciiLabel = registrable.slice(0, registrable.length - suffix.length - 1);
  const label = hostToUnicode(asciiLabel);
  const display = hostToUnicode(registrable);
  const nonAscii = /[^ -~]/.test(label);
  const labelSkeleton = skeleton(label, 'domain');
  const base = { domain: registrable, display } as const;
  const match = (kind: LookalikeKind, entry: Protected, distance?: number): LookalikeMatch => ({
    ...base,
    kind,
    target: entry.domain,
    ...(entry.brand === undefined ? {} : { brand: entry.brand }),
    organisation: entry.organisation,
    ...(distance === undefined ? {} : { distance }),
  });

  // Same look, different name: homographs (IDN) and ASCII confusables.
  const sameLook = shared ? undefined : index.skeletons.get(labelSkeleton);
  if (sameLook) {
    const sameLabel = sameLook.find((entry) => entry.label === asciiLabel);
    if (sameLabel) {
      // Exactly the protected label under another suffix.
      const distinctive =
        sameLabel.label.length >= 5 &&
        !AMBIGUOUS_BRAND_WORDS.has(sameLabel.label) &&
        !COMMON_DOMAIN_TOKENS.has(sameLabel.label);
      if (sameLabel.organisation) {
        if (sameLabel.label.length >= MIN_ORG_TLD_SWAP) return match('tld_swap', sameLabel);
      } else if (distinctive) {
        // Under any suffix not in the brand's own list, usual ones too (`paypal.co`,
        // `paypal.com.co`): anyone can register those, and the list names the brand's real sites.
        return match('tld_swap', sameLabel);
      }
      // A short or common word (`orange`, `apple`) under another suffix: most likely someone else's.
      return undefined;
    } else {
      // Two or three letters (`w3` / `we`) look alike by chance: not evidence.
      const entry = sameLook.find((e) => e.label.length >= MIN_TOKEN);
      if (entry) return match(nonAscii ? 'homograph' : 'confusable', entry);
    }
  }

  // A protected name inside the label (combo-squatting) or in front of another domain. Found
  // only once look-alike letters are folded (`pаypal-login` with a Cyrillic « а »), it is a homograph.
  const labelParts = tokensOf(label.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase());
  const plainCombo = shared ? undefined : findToken(labelParts, index);
  if (plainCombo) return match('combo', plainCombo);
  const foldedCombo = shared ? undefined : findToken(tokensOf(labelSkeleton), index);
  if (foldedCombo) return match(nonAscii ? 'homograph' : 'combo', foldedCombo);
  if (nonAscii && mixesScripts(label)) return { ...base, kind: 'mixed_script', organisation: false };

  const subdomain = parsed.subdomain ?? '';
  if (subdomain) {
    const unicodeSub = hostToUnicode(subdomain);
    const subParts = tokensOf(unicodeSub.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase());
    // On a platform that hosts companies' own spaces, a name alone is a tenant, not a lure.
    const tenant = SAAS_TENANT_DOMAINS.has(registrable) && !subParts.some((part) => LURE_WORDS.has(part));
    if (!tenant) {
      const subSkeleton = skeleton(unicodeSub, 'domain');
      const inFront = findToken(subParts, index) ?? findToken(tokensOf(subSkeleton), index);
      if (inFront) return match('subdomain', inFront);
    }
  }

  // Typos: one or two edits away from a protected label (compared by skeleton).
  if (shared) return undefined;
  let best: { entry: Protected; distance: number } | undefined;
  for (let length = labelSkeleton.length - 2; length <= labelSkeleton.length + 2; length++) {
    for (const { skeleton: target, entry } of index.typoTargets.get(length) ?? []) {
      // Two edits only for long labels and when the ends still match, as in real typosquats.
      const sameEnds = labelSkeleton[0] === target[0] && labelSkeleton.at(-1) === target.at(-1);
      const allowed = target.length >= MIN_TYPO_2 && sameEnds ? 2 : 1;
      if (Math.abs(target.length - labelSkeleton.length) > allowed) continue;
      const distance = damerauLevenshtein(labelSkeleton, target, allowed);
      if (distance === 0 || distance > allowed) continue;
      if (!best || distance < best.distance || (entry.organisation && !best.entry.organisation)) {
        best = { entry, distance };
      }
    }
  }
  if (best) return match('typo', best.entry, best.distance);
  return undefined;
}

// ——— Reasons ———

export type LookalikeWhere = 'sender' | 'link' | 'reply-to';

const WEIGHTS: Readonly<Record<LookalikeKind, Readonly<Record<LookalikeWhere, number>>>> = {
  homograph: { sender: 4.5, 'reply-to': 4, link: 4 },
  confusable: { sender: 4, 'reply-to': 3.5, link: 3.5 },
  typo: { sender: 3.5, 'reply-to': 3, link: 3 },
  combo: { sender: 3, 'reply-to': 2.5, link: 2.5 },
  subdomain: { sender: 2.5, 'reply-to': 2.5, link: 3 },
  tld_swap: { sender: 2.5, 'reply-to': 2, link: 2 },
  mixed_script: { sender: 2.5, 'reply-to': 2.5, link: 2.5 },
};

const WHERE_TEXT: Readonly<Record<LookalikeWhere, { fr: string; en: string }>> = {
  sender: { fr: "Le domaine d'envoi", en: 'The sender domain' },
  'reply-to': { fr: 'Le domaine de réponse (Reply-To)', en: 'The reply-to domain' },
  link: { fr: "Le domaine d'un lien", en: 'A link domain' },
};

/** A message quoting domains as the attacker wrote them, without control or bidi characters. */
function safeMessage(message: { fr: string; en: string }): { fr: string; en: string } {
  return { fr: safeText(message.fr), en: safeText(message.en) };
}

function describe(match: LookalikeMatch, where: LookalikeWhere): { fr: string; en: string } {
  const w = WHERE_TEXT[where];
  const seen = match.display === match.domain ? match.domain : `${match.display} (${match.domain})`;
  const whoFr = match.organisation
    ? `celui de votre organisation, ${match.target}`
    : `celui de ${match.brand ?? ''} (${match.target ?? ''})`;
  const whoEn = match.organisation
    ? `your organisation's, ${match.target}`
    : `${match.brand ?? ''}'s (${match.target ?? ''})`;
  switch (match.kind) {
    case 'homograph':
      return {
        fr: `${w.fr} ${seen} utilise des caractères d'autres alphabets pour ressembler à ${whoFr}.`,
        en: `${w.en} ${seen} uses characters from other alphabets to look like ${whoEn}.`,
      };
    case 'confusable':
      return {
        fr: `${w.fr} ${seen} remplace des lettres par des caractères ressemblants pour imiter ${whoFr}.`,
        en: `${w.en} ${seen} swaps letters for look-alike characters to imitate ${whoEn}.`,
      };
    case 'typo':
      return {
        fr: `${w.fr} ${seen} diffère de ${match.distance ?? 1} lettre(s) seulement de ${whoFr}.`,
        en: `${w.en} ${seen} is only ${match.distance ?? 1} letter(s) away from ${whoEn}.`,
      };
    case 'combo':
      return {
        fr: `${w.fr} ${seen} reprend le nom de ${match.organisation ? 'votre organisation' : (match.brand ?? '')} mais n'est pas le sien (${match.target ?? ''}).`,
        en: `${w.en} ${seen} contains the name of ${match.organisation ? 'your organisation' : (match.brand ?? '')} but is not theirs (${match.target ?? ''}).`,
      };
    case 'subdomain':
      return {
        fr: `${w.fr} place le nom de ${match.organisation ? 'votre organisation' : (match.brand ?? '')} devant un autre domaine, ${seen}, qui n'a rien à voir avec ${match.target ?? ''}.`,
        en: `${w.en} puts the name of ${match.organisation ? 'your organisation' : (match.brand ?? '')} in front of another domain, ${seen}, which has nothing to do with ${match.target ?? ''}.`,
      };
    case 'tld_swap':
      return {
        fr: `${w.fr} ${seen} reprend le nom de ${match.organisation ? 'votre organisation' : (match.brand ?? '')} avec une autre extension que la sienne (${match.target ?? ''}).`,
        en: `${w.en} ${seen} reuses the name of ${match.organisation ? 'your organisation' : (match.brand ?? '')} with another extension than theirs (${match.target ?? ''}).`,
      };
    case 'mixed_script':
      return {
        fr: `${w.fr} ${seen} mélange des lettres latines et des lettres cyrilliques ou grecques, une technique de déguisement.`,
        en: `${w.en} ${seen} mixes Latin letters with Cyrillic or Greek ones, a disguise technique.`,
      };
  }
}

/**
 * The lookalike reason for one domain seen in the message (sender, reply-to or link), or
 * none. Domains the organisation trusts for that use are not examined.
 */
export function lookalikeReasons(domain: string, ctx: SignalContext, where: LookalikeWhere): Reason[] {
  if (!domain) return [];
  const registrable = registrableDomain(domain);
  // Link domains the organisation trusts are trusted as written. A trusted sender domain is
  // believed only for the From address, and only when one of the organisation's own servers
  // (`trustedAuthservIds`) authenticated it: without those, the sender allow-list suppresses
  // nothing here. A Reply-To is never excused by it.
  const trusted =
    where === 'link'
      ? ctx.settings.allowedLinkDomains
      : where === 'sender' && authenticatedFromDomain(ctx)
        ? ctx.settings.allowedSenderDomains
        : [];
  if (registrable && trusted.some((d) => isSameOrSubdomain(registrable, asciiDomain(d)))) return [];
  const match = assessDomain(domain, { organisationDomains: ctx.settings.organisationDomains, brands: ctx.brands });
  if (!match) return [];
  let weight = WEIGHTS[match.kind][where];
  if (match.kind === 'typo' && (match.distance ?? 1) > 1) weight -= 0.5;
  if (match.organisation && match.kind !== 'mixed_script') weight += 0.5;
  const data: Record<string, string | number> = { where, domain: match.domain };
  if (match.display !== match.domain) data.display = escapeUnsafe(match.display);
  if (match.target) data.imitates = match.target;
  if (match.brand) data.brand = match.brand;
  if (match.distance !== undefined) data.distance = match.distance;
  return [
    {
      code: `mail.lookalike.${match.kind}`,
      category: 'lookalike',
      weight,
      message: safeMessage(describe(match, where)),
      data,
    },
  ];
}
