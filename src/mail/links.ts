/**
 * The links of a message and what is wrong with them. `extractLinks` gathers the HTML anchors
 * and the URLs written in the text (linear scanner, deduplicated, bounded); `linkReasons` scores
 * them, one reason per kind of problem (with a count and a few examples), each kind capped.
 * Lookalike domains are judged elsewhere (domains.ts): `linkDomains` hands it the hosts.
 */
import { getDomain, parse as parseHost } from 'tldts';
import { BoundedCache } from './domains.js';
import { escapeUnsafe, safeText } from './text.js';
import type { Brand, HtmlFacts, MessageLink, ParsedMessage, Reason, SignalContext } from './types.js';

export const MAX_LINKS = 500;
const MAX_HREF = 2_048;
const MAX_TEXT_SCAN = 1_000_000;
const EXAMPLES = 3;

// ---------------------------------------------------------------------------------------------
// Extraction

/** Targets that are not web links (mail addresses, phone numbers, in-page anchors, images). */
const IGNORED_SCHEMES = /^(?:mailto|tel|sms|callto|cid|mid|about|#)/i;

/** `https://…` or `www.…` followed by URL characters; one bounded pass, no backtracking. */
const URL_IN_TEXT = /(?:\bhttps?:\/\/|\bwww\.)[^\s<>"'`{}|\\^[\]\u00a0\u200b-\u200d\u2028\u2029\ufeff]{1,2048}/gi;
const TRAILING = new Set([...'.,;:!?)]}\'"*>»']);

/** `url` without the punctuation that ends the sentence around it. */
function trimTrailing(url: string): string {
  let end = url.length;
  while (end > 0 && TRAILING.has(url.charAt(end - 1))) end--;
  return end === url.length ? url : url.slice(0, end);
}

/** URLs written in plain text, in order, as written (trailing punctuation removed). */
export function scanUrls(text: string, max = MAX_LINKS): string[] {
  const input = text.length > MAX_TEXT_SCAN ? text.slice(0, MAX_TEXT_SCAN) : text;
  const found: string[] = [];
  URL_IN_TEXT.lastIndex = 0;
  for (let m = URL_IN_TEXT.exec(input); m !== null && found.length < max; m = URL_IN_TEXT.exec(input)) {
    let url = m[0];
    // Keep a closing parenthesis that closes one opened in the URL (Wikipedia-style links).
    const trimmed = trimTrailing(url);
    if (trimmed.length < url.length && url.charAt(trimmed.length) === ')' && trimmed.includes('(')) {
      url = `${trimmed})`;
    } else {
      url = trimmed;
    }
    if (url.length > 10 || /^www\.[^.]+\.[a-z]{2,}/i.test(url)) found.push(url);
  }
  return found;
}

/** Messages whose links were more than MAX_LINKS: `linkReasons` says so. */
const TOO_MANY = new WeakMap<ParsedMessage, number>();

/** Candidate links looked at before choosing MAX_LINKS of them. */
const MAX_CANDIDATES = 4 * MAX_LINKS;

/** Lower-case host of an href, for choosing distinct hosts ('' when there is none). */
function hostKey(href: string): string {
  const m = /^(?:[a-z][a-z0-9+.-]{0,20}:)?\/\/([^/?#]{0,300})/i.exec(href) ?? /^(www\.[^/?#]{0,300})/i.exec(href);
  const authority = (m?.[1] ?? '').toLowerCase();
  return authority.slice(authority.lastIndexOf('@') + 1);
}

/**
 * All the links of a message: HTML anchors, then URLs of the text and visible HTML text, in
 * that order. Anchors without a usable target do not count; one link per target (the anchor
 * whose text shows a site wins). Beyond MAX_LINKS, the links kept are chosen so that padding
 * cannot push the lure out: distinct hosts first, links a reader sees (with text) before empty
 * anchors; `linkReasons` then reports that links were left out.
 */
export function extractLinks(message: ParsedMessage, html: HtmlFacts): MessageLink[] {
  const candidates: MessageLink[] = [];
  const byHref = new Map<string, number>();
  for (const anchor of html.anchors) {
    if (candidates.length >= MAX_CANDIDATES) break;
    const href = anchor.href.trim().slice(0, MAX_HREF);
    if (href.length === 0 || IGNORED_SCHEMES.test(href)) continue;
    const text = anchor.text.trim();
    const known = byHref.get(href);
    if (known !== undefined) {
      const kept = candidates[known];
      // Keep the anchor that shows a site: the one a text/target check needs.
      if (kept && text && !(kept.text && shownDomain(kept.text)) && shownDomain(text)) {
        candidates[known] = { href, text, source: 'html' };
      }
      continue;
    }
    byHref.set(href, candidates.length);
    candidates.push(text ? { href, text, source: 'html' } : { href, source: 'html' });
  }
  // A URL written as an anchor's text is that anchor's label, not a link of its own.
  const labels = new Set<string>();
  for (const anchor of html.anchors.slice(0, MAX_CANDIDATES)) {
    if (/https?:|www\./i.test(anchor.text)) for (const u of scanUrls(anchor.text, 5)) labels.add(u);
  }
  for (const [index, source] of [message.text, html.visibleText].entries()) {
    if (candidates.length >= MAX_CANDIDATES) break;
    for (const href of scanUrls(source, MAX_CANDIDATES - candidates.length)) {
      const cut = href.slice(0, MAX_HREF);
      if (byHref.has(href) || byHref.has(cut) || (index === 1 && labels.has(href))) continue;
      byHref.set(href, candidates.length);
      candidates.push({ href: cut, source: 'text' });
    }
  }
  if (candidates.length <= MAX_LINKS) return candidates;
  TOO_MANY.set(message, candidates.length);
  return chooseLinks(candidates);
}

/** MAX_LINKS of the candidates, in their order: distinct hosts first, then links with text. */
function chooseLinks(candidates: readonly MessageLink[]): MessageLink[] {
  const chosen = new Set<number>();
  const hosts = new Set<string>();
  const seen = (link: MessageLink) => link.source !== 'html' || (link.text ?? '') !== '';
  const passes: ((link: MessageLink, host: string) => boolean)[] = [
    (link, host) => seen(link) && !hosts.has(host),
    (_link, host) => !hosts.has(host),
    (link) => seen(link),
    () => true,
  ];
  for (const take of passes) {
    for (let i = 0; i < candidates.length && chosen.size < MAX_LINKS; i++) {
      const link = candidates[i] as MessageLink;
      if (chosen.has(i)) continue;
      const host = hostKey(link.href);
      if (!take(link, host)) continue;
      chosen.add(i);
      hosts.add(host);
    }
  }
  return [...chosen].sort((a, b) => a - b).map((i) => candidates[i] as MessageLink);
}

// ---------------------------------------------------------------------------------------------
// URL reading

interface ReadLink {
  readonly link: MessageLink;
  readonly url: URL | undefined;
  /** `http`, `https`, `javascript`, `data`, `ftp`, `file`, ... lower-case, '' when none. */
  readonly scheme: string;
  /** Lower-case ASCII hostname ('' when none). */
  readonly host: string;
  /**
   * Registrable domain, hosting platforms' private suffixes included (`evil.web.app`, not
   * `web.app`: each tenant is its own owner), or the host itself for IPs / unknown suffixes.
   */
  readonly domain: string;
  readonly isIp: boolean;
}

/** `www.x.com/…` and `//x.com/…` read as http links; anything else by the URL parser. */
function toUrl(href: string): URL | undefined {
  let candidate = href.trim();
  if (/^www\./i.test(candidate)) candidate = `http://${candidate}`;
  else if (candidate.startsWith('//')) candidate = `http:${candidate}`;
  try {
    return new URL(candidate);
  } catch {
    return undefined;
  }
}

function readLink(link: MessageLink): ReadLink {
  // The lookalike check (linkDomains) and linkReasons read the same links: parsed once. The
  // URL inside is only read, never changed.
  let read = READ_LINKS.get(link);
  if (!read) {
    read = readLinkNow(link);
    READ_LINKS.set(link, read);
  }
  return read;
}

const READ_LINKS = new WeakMap<MessageLink, ReadLink>();

/**
 * `new URL(link.href)` (undefined when it throws), from the link signals' own reading when they
 * parsed exactly that text (no `www.` or `//` added, nothing trimmed): the indicators reuse it.
 */
export function urlAsWritten(link: MessageLink): URL | undefined {
  const { href } = link;
  const read = readLink(link);
  if (read.url && href.trim() === href && !/^www\./i.test(href) && !href.startsWith('//')) return read.url;
  try {
    return new URL(href);
  } catch {
    return undefined;
  }
}

function readLinkNow(link: MessageLink): ReadLink {
  const url = toUrl(link.href);
  const schemeMatch = /^([a-z][a-z0-9+.-]{0,20}):/i.exec(link.href.trim());
  const scheme = url ? url.protocol.slice(0, -1).toLowerCase() : (schemeMatch?.[1]?.toLowerCase() ?? '');
  const rawHost = url && (scheme === 'http' || scheme === 'https' || scheme === 'ftp') ? url.hostname : '';
  const host = rawHost.toLowerCase().replace(/\.$/, '');
  const isIp = isIpHost(host);
  const domain = host && !isIp ? ownerDomain(host) : host;
  return { link, url, scheme, host, domain, isIp };
}

/**
 * The domain that says who owns a host, for ownership comparisons: the registrable domain with
 * the private part of the public suffix list, so that two tenants of a hosting platform
 * (`a.web.app`, `b.github.io`) are two owners.
 */
function ownerDomain(host: string): string {
  const compute = () => getDomain(host, { allowPrivateDomains: true }) ?? host;
  return host.length <= 253 ? OWNER_DOMAINS.get(host, compute) : compute();
}

/** What the public suffix list says of a host (read-only: the answer may be shared). */
function parsedHost(host: string): ReturnType<typeof parseHost> {
  return host.length <= 253 ? PARSED_HOSTS.get(host, () => parseHost(host)) : parseHost(host);
}

/**
 * The same hosts come back in every message and link after link (a newsletter's tracker, the
 * big senders): the public suffix list's answers about host names are kept in bounded caches.
 * Longer keys than a DNS name are not kept.
 */
const OWNER_DOMAINS = new BoundedCache<string>(8_192);
const PARSED_HOSTS = new BoundedCache<ReturnType<typeof parseHost>>(8_192);

function isIpHost(host: string): boolean {
  if (host.startsWith('[')) return true; // IPv6 literal; the URL parser normalised it
  return /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Addresses that only reach the reader's own network (lab notes, not phishing targets). */
function isPrivateIp(host: string): boolean {
  if (host.startsWith('[')) return /^\[(?:::1?|fe80:|fc|fd)/i.test(host);
  const [a = 0, b = 0] = host.split('.').map(Number);
  return (
    a === 10 ||
    a === 127 ||
    a === 0 ||
    (a === 192 && b === 168) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 169 && b === 254)
  );
}

/** The host as written in the link, before the URL parser's normalisation (to see 0x7f.1 tricks). */
function writtenHost(href: string): string {
  const m = /^[a-z][a-z0-9+.-]{0,20}:\/\/([^/?#]{0,300})/i.exec(href.trim());
  const authority = m?.[1] ?? '';
  const at = authority.lastIndexOf('@');
  const host = (at >= 0 ? authority.slice(at + 1) : authority).toLowerCase();
  return host.startsWith('[') ? host : host.replace(/:\d*$/, '').replace(/\.$/, '');
}

/** Lower-case hostnames of the http(s) links, distinct, for the lookalike check. */
export function linkDomains(links: readonly MessageLink[]): string[] {
  const hosts = new Set<string>();
  for (const link of links) {
    const read = readLink(link);
    if ((read.scheme === 'http' || read.scheme === 'https') && read.host) hosts.add(read.host);
  }
  return [...hosts];
}

function shorten(url: string, max = 80): string {
  return url.length > max ? `${url.slice(0, max - 1)}…` : url;
}

/** Labels of `subdomain` other than empty ones and `www` (what `split('.')` and a filter would count). */
function countLabels(subdomain: string): number {
  let count = 0;
  let start = 0;
  for (let i = 0; i <= subdomain.length; i++) {
    if (i < subdomain.length && subdomain.charCodeAt(i) !== 46) continue;
    const length = i - start;
    if (length > 0 && !(length === 3 && subdomain.startsWith('www', start))) count++;
    start = i + 1;
  }
  return count;
}

/**
 * Each list of domains normalised once (`*.x.com` and ` X.com ` read `x.com`, empty entries
 * dropped), not once per link: the lists are the settings' and this module's constants.
 */
const NORMALIZED_DOMAINS = new WeakMap<readonly string[], readonly string[]>();

function normalizedDomains(domains: readonly string[]): readonly string[] {
  let normalized = NORMALIZED_DOMAINS.get(domains);
  if (normalized === undefined) {
    normalized = domains
      .map((raw) =>
        raw
          .trim()
          .toLowerCase()
          .replace(/^\*?\./, ''),
      )
      .filter((d) => d !== '');
    NORMALIZED_DOMAINS.set(domains, normalized);
  }
  return normalized;
}

function hostMatches(host: string, domains: readonly string[]): boolean {
  for (const d of normalizedDomains(domains)) {
    // `host` is `d` or ends with `.d`.
    if (host.endsWith(d) && (host.length === d.length || host.charCodeAt(host.length - d.length - 1) === 46))
      return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Shipped lists

const SHORTENERS = new Set([
  'bit.ly',
  'bitly.com',
  'tinyurl.com',
  't.co',
  'goo.gl',
  'is.gd',
  'ow.ly',
  'cutt.ly',
  'rebrand.ly',
  's.id',
  'rb.gy',
  'shorturl.at',
  'tiny.cc',
  'buff.ly',
  'shorte.st',
  'adf.ly',
  'bl.ink',
  'v.gd',
  'qrco.de',
  'tiny.one',
  'rotf.lol',
  'shorturl.asia',
  'u.to',
  'clck.ru',
  'x.gd',
  't.ly',
  'lnkd.in',
  'short.io',
  'soo.gd',
  'surl.li',
  'shrtco.de',
  'urlz.fr',
  'bit.do',
  'snip.ly',
  'cli.re',
  'tr.im',
  '1url.com',
  'hyperurl.co',
  'gg.gg',
  'han.gl',
  'me2.kr',
  'linktr.ee',
  'l.ead.me',
  'ln.run',
  'cutt.us',
  'shorturl.gg',
  'tinyurl.ph',
  'urlz.fr',
  'bit.ws',
  'tny.sh',
  'short.gy',
  'ift.tt',
]);

/** Top-level domains that cheap registrations make favourites of phishing. */
export const RISKY_TLDS = new Set([
  'xyz',
  'top',
  'tk',
  'ml',
  'ga',
  'cf',
  'gq',
  'click',
  'link',
  'zip',
  'mov',
  'country',
  'kim',
  'work',
  'rest',
  'support',
  'cyou',
  'icu',
  'buzz',
  'monster',
  'sbs',
  'cfd',
  'bond',
  'quest',
  'shop',
  'online',
  'site',
  'website',
  'live',
  'fit',
  'loan',
  'win',
  'bid',
  'date',
  'download',
  'stream',
  'racing',
  'review',
  'party',
  'trade',
  'webcam',
  'men',
  'gdn',
  'ru.com',
  'su',
  'cam',
  'lat',
  'mom',
  'beauty',
  'hair',
  'makeup',
  'skin',
  'autos',
  'boats',
  'yachts',
  'motorcycles',
  'homes',
  'pw',
  'life',
  'today',
  'uno',
  'vip',
  'app',
  'info',
  'space',
  'us',
]);

/** Hosting, form and file-sharing services where anyone publishes a page under the service's name. */
const FREE_HOSTING: readonly { readonly suffix: string; readonly strong: boolean }[] = [
  { suffix: 'web.app', strong: true },
  { suffix: 'firebaseapp.com', strong: true },
  { suffix: 'weebly.com', strong: true },
  { suffix: 'weeblysite.com', strong: true },
  { suffix: 'wixsite.com', strong: true },
  { suffix: 'wix.com', strong: false },
  { suffix: 'r2.dev', strong: true },
  { suffix: 'pages.dev', strong: true },
  { suffix: 'workers.dev', strong: true },
  { suffix: 'glitch.me', strong: true },
  { suffix: 'repl.co', strong: true },
  { suffix: 'replit.app', strong: true },
  { suffix: 'herokuapp.com', strong: true },
  { suffix: '000webhostapp.com', strong: true },
  { suffix: 'azurewebsites.net', strong: true },
  { suffix: 'windows.net', strong: true },
  { suffix: 'ngrok.io', strong: true },
  { suffix: 'ngrok-free.app', strong: true },
  { suffix: 'ngrok.app', strong: true },
  { suffix: 'ipfs.io', strong: true },
  { suffix: 'ipfs.dweb.link', strong: true },
  { suffix: 'dweb.link', strong: true },
  { suffix: 'cloudflare-ipfs.com', strong: true },
  { suffix: 'fleek.co', strong: true },
  { suffix: 'netlify.app', strong: true },
  { suffix: 'vercel.app', strong: true },
  { suffix: 'surge.sh', strong: true },
  { suffix: 'square.site', strong: true },
  { suffix: 'godaddysites.com', strong: true },
  { suffix: 'webflow.io', strong: true },
  { suffix: 'framer.app', strong: true },
  { suffix: 'mystrikingly.com', strong: true },
  { suffix: 'yolasite.com', strong: true },
  { suffix: 'jimdosite.com', strong: true },
  { suffix: 'webnode.page', strong: true },
  { suffix: 'carrd.co', strong: true },
  { suffix: 'notion.site', strong: false },
  { suffix: 'typedream.app', strong: true },
  { suffix: 'blogspot.com', strong: false },
  { suffix: 'wordpress.com', strong: false },
  { suffix: 'sites.google.com', strong: false },
  { suffix: 'storage.googleapis.com', strong: true },
  { suffix: 'firebasestorage.googleapis.com', strong: true },
  { suffix: 'appspot.com', strong: false },
  { suffix: 'forms.gle', strong: false },
  { suffix: 'docs.google.com', strong: false },
  { suffix: 'forms.office.com', strong: false },
  { suffix: 'jotform.com', strong: false },
  { suffix: 'typeform.com', strong: false },
  { suffix: 'formstack.com', strong: false },
  { suffix: 'wufoo.com', strong: false },
  { suffix: 'sharepoint.com', strong: false },
  { suffix: '1drv.ms', strong: false },
  { suffix: 'onedrive.live.com', strong: false },
  { suffix: 'dropbox.com', strong: false },
  { suffix: 'wetransfer.com', strong: false },
  { suffix: 'we.tl', strong: false },
  { suffix: 'mediafire.com', strong: false },
  { suffix: 'mega.nz', strong: false },
  { suffix: 'amazonaws.com', strong: false },
  { suffix: 'digitaloceanspaces.com', strong: true },
  { suffix: 'backblazeb2.com', strong: true },
  { suffix: 'canva.site', strong: true },
  { suffix: 'canva.com', strong: false },
  { suffix: 'sway.office.com', strong: true },
  { suffix: 'sway.cloud.microsoft', strong: true },
  { suffix: 'adobe.ly', strong: false },
  { suffix: 'express.adobe.com', strong: true },
  { suffix: 'glide.page', strong: true },
  { suffix: 'wixstudio.io', strong: true },
  { suffix: 'tiiny.site', strong: true },
  { suffix: 'pantheonsite.io', strong: false },
  { suffix: 'myshopify.com', strong: false },
  { suffix: 'cloudfunctions.net', strong: true },
  { suffix: 'run.app', strong: true },
  { suffix: 'compute.amazonaws.com', strong: true },
  { suffix: 'clickfunnels.com', strong: false },
  { suffix: 'netfirms.com', strong: false },
  { suffix: 'freehostia.com', strong: true },
  { suffix: 'byethost.com', strong: true },
  { suffix: 'epizy.com', strong: true },
  { suffix: 'rf.gd', strong: true },
  { suffix: 'infinityfreeapp.com', strong: true },
];

const FREE_HOSTING_BY_SUFFIX = new Map(FREE_HOSTING.map((entry) => [entry.suffix, entry]));

/** Google documents links are only scored for forms; the rest of Docs/Drive is everyday sharing. */
function freeHostingOf(read: ReadLink): { suffix: string; strong: boolean } | undefined {
  const host = read.host;
  if (!host) return undefined;
  if (/(?:^|\.)ipfs\./.test(host) || host.includes('.ipfs.') || /^ipfs\./.test(host)) {
    return { suffix: 'ipfs', strong: true };
  }
  if (/(?:^|\.)ngrok/.test(host)) return { suffix: 'ngrok', strong: true };
  // Longest suffix first: `compute.amazonaws.com` before `amazonaws.com`.
  let start = 0;
  while (start >= 0) {
    const entry = FREE_HOSTING_BY_SUFFIX.get(start === 0 ? host : host.slice(start));
    if (entry) {
      if (entry.suffix === 'docs.google.com' && !read.url?.pathname.startsWith('/forms')) return undefined;
      if (entry.suffix === 'amazonaws.com' && !host.startsWith('s3') && !host.includes('.s3')) return undefined;
      return entry;
    }
    const dot = host.indexOf('.', start);
    start = dot < 0 ? -1 : dot + 1;
  }
  if (/(?:^|\.)blogspot\.[a-z.]+$/.test(host)) return { suffix: 'blogspot', strong: false };
  return undefined;
}

const DANGEROUS_FILE =
  /\.(exe|scr|js|jse|vbs|vbe|hta|iso|img|vhd|vhdx|msi|lnk|bat|cmd|ps1|jar|apk|one|wsf|cpl|pif|appx|msix|reg)$/i;
const ARCHIVE_FILE = /\.(zip|rar|7z|cab|ace|arj|docm|xlsm|pptm|dotm|xlam)$/i;
const PAGE_FILE = /\.(html?|shtml|xhtml|php)$/i;

/** Words of login and account pages, in English and French, as whole path/query tokens. */
const CREDENTIAL_WORDS = new Set([
  'login',
  'logon',
  'signin',
  'sign-in',
  'verify',
  'verification',
  'validate',
  'update',
  'secure',
  'security',
  'account',
  'accounts',
  'password',
  'passwd',
  'webscr',
  'auth',
  'authenticate',
  'unlock',
  'suspended',
  'reactivate',
  'restore',
  'recovery',
  'billing',
  'wallet',
  'owa',
  'webmail',
  'connexion',
  'identifiant',
  'identification',
  'verifier',
  'mise-a-jour',
  'miseajour',
  'compte',
  'securite',
  'authentification',
  'motdepasse',
  'mot-de-passe',
  'validation',
  'debloquer',
  'reactivation',
]);

/** Query parameters that carry where a redirector sends the reader. */
const REDIRECT_PARAMS = new Set([
  'url',
  'u',
  'q',
  'redirect',
  'redirect_uri',
  'redirect_url',
  'redirecturl',
  'redir',
  'r',
  'target',
  'dest',
  'destination',
  'next',
  'goto',
  'go',
  'to',
  'link',
  'out',
  'rurl',
  'returnurl',
  'return_url',
  'return',
  'continue',
  'ru',
  'page',
  'site',
]);

/** Redirectors run by security gateways and mail providers that rewrite every link: not a trick. */
const SAFE_REWRITERS = [
  'safelinks.protection.outlook.com',
  'urldefense.proofpoint.com',
  'urldefense.com',
  'protect2.fireeye.com',
  'linkprotect.cudasvc.com',
  'secure-web.cisco.com',
  'mimecastprotect.com',
  'protect-eu.mimecast.com',
  'protect-us.mimecast.com',
  'scanner.topsec.com',
  'url.emailprotection.link',
  'clicktime.symantec.com',
];

/**
 * Redirectors that phishing uses to borrow a famous name: a reason as soon as they point
 * elsewhere. Matched on the registrable domain (ICANN) and a path prefix.
 */
const KNOWN_OPEN_REDIRECTS: readonly { readonly domain: RegExp; readonly path: RegExp; readonly opaque?: boolean }[] = [
  { domain: /^google\.[a-z.]+$/, path: /^\/(?:url|amp\/|travel\/clk|search)/ },
  { domain: /^youtube\.com$/, path: /^\/redirect/ },
  // Bing's click links hide the destination in an encoded `u=` value: the path alone is enough.
  { domain: /^bing\.com$/, path: /^\/ck\/a/, opaque: true },
  { domain: /^doubleclick\.net$/, path: /\/(?:adurl|clk|pcs\/click)/ },
  { domain: /^linkedin\.com$/, path: /^\/(?:slink|redir)/ },
  { domain: /^facebook\.com$/, path: /^\/l\.php/ },
  { domain: /^baidu\.com$/, path: /^\/link/ },
  { domain: /^yandex\.[a-z]+$/, path: /^\/(?:clck|redirect)/ },
  { domain: /^microsoftonline\.com$/, path: /\/(?:oauth2|common|logout)/ },
  { domain: /^live\.com$/, path: /\/(?:oauth20|logout)/ },
  { domain: /^adobe\.com$/, path: /^\/(?:go|redirect)/ },
  { domain: /^t\.me$/, path: /^\/iv/ },
];

// ---------------------------------------------------------------------------------------------
// Scoring

interface Finding {
  readonly read: ReadLink;
  readonly detail?: string;
  /** What the message names for this link, when a URL would say less ("a.com → b.net"). */
  readonly shown?: string;
}

interface Kind {
  readonly code: string;
  readonly weight: (findings: readonly Finding[]) => number;
  readonly message: (n: number, examples: string, qr: number) => { fr: string; en: string };
}

/** Full URL shown → 3.5, bare domain shown → 2; less when the target is a mailer's click tracker. */
function mismatchWeight(f: Finding): number {
  const strong = f.detail?.startsWith('strong') === true;
  if (f.read.isIp) return 4;
  if (looksLikeTracker(f.read)) return strong ? 2 : 1;
  return strong ? 3.5 : 2;
}

const TRACKER_LABELS = new Set([
  'click',
  'clicks',
  'clickthru',
  'track',
  'tracking',
  'trk',
  'links',
  'link',
  'email',
  'emails',
  'mail',
  'lists',
  'list',
  'news',
  'newsletter',
  'e',
  't',
  'l',
  'r',
  'go',
  'em',
  'info',
  'mailing',
  'url',
]);

/** Hosts and paths of the click-tracking redirectors that mailers put on every newsletter link. */
function looksLikeTracker(read: ReadLink): boolean {
  const labels = read.host.split('.');
  for (let i = 0; i < labels.length - 2; i++) {
    const label = labels[i] ?? '';
    if (TRACKER_LABELS.has(label) || /^(?:click|track|trk|link|url|email|mail)\d*$/.test(label)) return true;
  }
  const path = read.url?.pathname.toLowerCase() ?? '';
  return /click|track|redirect|^\/(?:t|c|r|ls|wf|ss|l|e)\//.test(path);
}

/** How many of the links came from a QR code, said after the examples. */
const qrFr = (qr: number) => (qr === 0 ? '' : qr > 1 ? ` (dont ${qr} dans un QR code)` : ' (dans un QR code)');
const qrEn = (qr: number) => (qr === 0 ? '' : qr > 1 ? ` (${qr} of them in a QR code)` : ' (in a QR code)');
const plural = (n: number, one: string, many: string) => (n > 1 ? many : one);

const KINDS: Record<string, Kind> = {
  text_target_mismatch: {
    code: 'mail.link.text_target_mismatch',
    weight: (f) => Math.max(...f.map(mismatchWeight)),
    message: (n, ex, qr) => ({
      fr: `${plural(n, 'Un lien affiche', `${n} liens affichent`)} une adresse mais ${plural(n, 'mène', 'mènent')} vers un autre site : ${ex}${qrFr(qr)}.`,
      en: `${plural(n, 'A link shows', `${n} links show`)} one address but ${plural(n, 'leads', 'lead')} to another site: ${ex}${qrEn(qr)}.`,
    }),
  },
  ip_host: {
    code: 'mail.link.ip_host',
    weight: (f) => (f.some((x) => x.detail === 'encoded') ? 3.5 : 2.5),
    message: (n, ex, qr) => ({
      fr: `${plural(n, 'Un lien mène', `${n} liens mènent`)} vers une adresse IP au lieu d'un nom de site, ce que les services légitimes ne font presque jamais : ${ex}${qrFr(qr)}.`,
      en: `${plural(n, 'A link points', `${n} links point`)} to a bare IP address instead of a site name, which legitimate services almost never do: ${ex}${qrEn(qr)}.`,
    }),
  },
  userinfo: {
    code: 'mail.link.userinfo',
    weight: () => 3,
    message: (n, ex, qr) => ({
      fr: `${plural(n, 'Un lien contient', `${n} liens contiennent`)} un « @ » avant le nom du site : ce qui précède le « @ » n'est qu'un leurre, le vrai site est après : ${ex}${qrFr(qr)}.`,
      en: `${plural(n, 'A link contains', `${n} links contain`)} an "@" before the site name: what comes before the "@" is a decoy, the real site comes after: ${ex}${qrEn(qr)}.`,
    }),
  },
  script_uri: {
    code: 'mail.link.script_uri',
    weight: (f) => (f.some((x) => x.detail === 'data-page') ? 3.5 : f.some((x) => x.detail === 'data') ? 2 : 1.5),
    message: (n, ex, qr) => ({
      fr: `${plural(n, 'Un lien ne mène pas vers un site mais exécute', `${n} liens ne mènent pas vers un site mais exécutent`)} du code ou une page cachée dans le message (javascript: ou data:) : ${ex}${qrFr(qr)}.`,
      en: `${plural(n, 'A link does not lead to a website but runs code or opens', `${n} links do not lead to a website but run code or open`)} a page hidden inside the message (javascript: or data:): ${ex}${qrEn(qr)}.`,
    }),
  },
  file_download: {
    code: 'mail.link.file_download',
    weight: (f) => (f.some((x) => x.detail === 'executable') ? 3 : 1.5),
    message: (n, ex, qr) => ({
      fr: `${plural(n, 'Un lien télécharge', `${n} liens téléchargent`)} directement un fichier qui peut contenir un programme : ${ex}${qrFr(qr)}.`,
      en: `${plural(n, 'A link downloads', `${n} links download`)} a file directly, which may contain a program: ${ex}${qrEn(qr)}.`,
    }),
  },
  free_hosting: {
    code: 'mail.link.free_hosting',
    weight: (f) => (f.some((x) => x.detail === 'strong') ? 2 : 1),
    message: (n, ex, qr) => ({
      fr: `${plural(n, 'Un lien mène', `${n} liens mènent`)} vers un service d'hébergement ou de formulaires où n'importe qui peut publier une page, souvent utilisé pour de fausses pages de connexion : ${ex}${qrFr(qr)}.`,
      en: `${plural(n, 'A link leads', `${n} links lead`)} to a hosting or form service where anyone can publish a page, often used for fake sign-in pages: ${ex}${qrEn(qr)}.`,
    }),
  },
  open_redirect: {
    code: 'mail.link.open_redirect',
    weight: (f) => (f.some((x) => x.detail === 'known') ? 2 : 1.25),
    message: (n, ex, qr) => ({
      fr: `${plural(n, 'Un lien passe', `${n} liens passent`)} par un site connu qui redirige ailleurs, pour cacher la vraie destination : ${ex}${qrFr(qr)}.`,
      en: `${plural(n, 'A link goes', `${n} links go`)} through a well-known site that redirects elsewhere, to hide the real destination: ${ex}${qrEn(qr)}.`,
    }),
  },
  shortener: {
    code: 'mail.link.shortener',
    weight: () => 1.25,
    message: (n, ex, qr) => ({
      fr: `${plural(n, 'Un lien raccourci cache', `${n} liens raccourcis cachent`)} la vraie destination : ${ex}${qrFr(qr)}.`,
      en: `${plural(n, 'A shortened link hides', `${n} shortened links hide`)} the real destination: ${ex}${qrEn(qr)}.`,
    }),
  },
  punycode: {
    code: 'mail.link.punycode',
    weight: () => 1.25,
    message: (n, ex, qr) => ({
      fr: `${plural(n, 'Un lien utilise', `${n} liens utilisent`)} un nom de site écrit avec des caractères internationaux (punycode), qui peuvent imiter des lettres latines : ${ex}${qrFr(qr)}.`,
      en: `${plural(n, 'A link uses', `${n} links use`)} a site name written with international characters (punycode), which can imitate Latin letters: ${ex}${qrEn(qr)}.`,
    }),
  },
  risky_tld: {
    code: 'mail.link.risky_tld',
    weight: () => 1.25,
    message: (n, ex, qr) => ({
      fr: `${plural(n, 'Un lien mène', `${n} liens mènent`)} vers un site dont l'extension (${ex}) est très utilisée par les escroqueries${qrFr(qr)}.`,
      en: `${plural(n, 'A link leads', `${n} links lead`)} to a site whose extension (${ex}) is heavily used by scams${qrEn(qr)}.`,
    }),
  },
  many_subdomains: {
    code: 'mail.link.many_subdomains',
    weight: () => 1,
    message: (n, ex, qr) => ({
      fr: `${plural(n, 'Un lien a', `${n} liens ont`)} un nom de site à rallonge, souvent utilisé pour faire apparaître une marque connue au début : ${ex}${qrFr(qr)}.`,
      en: `${plural(n, 'A link has', `${n} links have`)} an unusually long site name, often used to put a well-known brand at its start: ${ex}${qrEn(qr)}.`,
    }),
  },
  credential_path: {
    code: 'mail.link.credential_path',
    weight: () => 1,
    message: (n, ex, qr) => ({
      fr: `${plural(n, 'Un lien douteux mène', `${n} liens douteux mènent`)} vers une page de connexion ou de compte : ${ex}${qrFr(qr)}.`,
      en: `${plural(n, 'A dubious link leads', `${n} dubious links lead`)} to a sign-in or account page: ${ex}${qrEn(qr)}.`,
    }),
  },
};

function harmlessScript(href: string): boolean {
  const body = href
    .trim()
    .slice(0, 300)
    .replace(/^[a-z]+:/i, '')
    .replace(/\s+/g, '')
    .toLowerCase();
  return (
    body === '' ||
    body === ';' ||
    /^void\(?0?\)?;?$/.test(body) ||
    /^(?:history\.|window\.(?:print|close)|self\.close|popup|openwin|newwindow)/.test(body)
  );
}

const INTERNAL_SHARING = new Set(['sharepoint.com', '1drv.ms', 'onedrive.live.com']);

const UNDILUTED = new Set(['text_target_mismatch', 'userinfo', 'script_uri']);

/** The domain an anchor's text shows, when the text is itself a URL or a bare domain name. */
export function shownDomain(text: string): { host: string; domain: string; explicit: boolean } | undefined {
  let t = text.trim().replace(/^[<([{"'«]+/, '');
  // A URL written as the text may be cut by a line break: its first word is the address.
  if (/^(?:https?:\/\/|www\.)/i.test(t)) t = t.split(/\s/, 1)[0] ?? t;
  t = trimTrailing(t.replace(/[>»]+$/, ''));
  if (t.length < 4 || t.length > 300 || /\s/.test(t)) return undefined;
  const m =
    /^(https?:\/\/)?(?:[^/?#@\s]{0,100}@)?([a-z0-9\u00a1-\uffff][a-z0-9\u00a1-\uffff.-]{0,252}\.[a-z\u00a1-\uffff]{2,63})(?::\d{1,5})?(?:[/?#]\S*)?$/i.exec(
      t,
    );
  if (!m?.[2]) return undefined;
  const explicit = m[1] !== undefined || /^www\./i.test(m[2]);
  let host = m[2].toLowerCase();
  try {
    host = new URL(`http://${host}/`).hostname;
  } catch {
    return undefined;
  }
  const parsed = parsedHost(host);
  if (!parsed.domain || parsed.isIcann !== true) return undefined;
  // Without a scheme or "www.", insist on a real-looking name: "invoice.zip" or "setup.py" are files.
  if (!explicit && FILE_LIKE_TLDS.has(parsed.publicSuffix ?? '')) return undefined;
  return { host, domain: parsed.domain, explicit };
}

const FILE_LIKE_TLDS = new Set([
  'zip',
  'mov',
  'md',
  'py',
  'sh',
  'pl',
  'rs',
  'ps',
  'cs',
  'ai',
  'so',
  'in',
  'ms',
  'js',
  'txt',
  'doc',
]);

/** Registrable domains one company uses interchangeably (rebrands, short domains). */
const SAME_OWNER_GROUPS: readonly (readonly string[])[] = [
  ['twitter.com', 'x.com', 't.co'],
  ['facebook.com', 'fb.com', 'fb.me', 'facebook.net', 'messenger.com'],
  ['youtube.com', 'youtu.be'],
  ['instagram.com', 'instagr.am'],
  ['linkedin.com', 'lnkd.in'],
  ['microsoft.com', 'live.com', 'office.com', 'outlook.com', 'microsoft365.com', 'office365.com', 'aka.ms'],
  ['amazon.com', 'amzn.to', 'a.co', 'amzn.eu'],
  ['apple.com', 'icloud.com', 'apple.co'],
  ['google.com', 'goo.gl', 'g.co'],
  ['paypal.com', 'paypal.me', 'paypal-communication.com'],
];

/**
 * Owner keys per registrable domain: the curated groups, and each brand's own domain list
 * (`amazon.fr` and `amzn.to` meet through `amazon.com`). Built once per brand list.
 */
const ownerIndexes = new WeakMap<readonly Brand[], ReadonlyMap<string, ReadonlySet<string>>>();

function ownerIndex(brands: readonly Brand[]): ReadonlyMap<string, ReadonlySet<string>> {
  let index = ownerIndexes.get(brands);
  if (index) return index;
  const map = new Map<string, Set<string>>();
  const add = (domain: string, key: string) => {
    const keys = map.get(domain) ?? new Set<string>();
    keys.add(key);
    map.set(domain, keys);
  };
  for (const brand of brands) {
    for (const raw of brand.domains) {
      const domain = raw.trim().toLowerCase();
      if (domain) add(ownerDomain(domain), `brand:${brand.name}`);
    }
  }
  SAME_OWNER_GROUPS.forEach((group, i) => {
    const keys = new Set([`group:${i}`]);
    for (const domain of group) for (const key of map.get(domain) ?? []) keys.add(key);
    for (const domain of group) for (const key of keys) add(domain, key);
  });
  index = map;
  ownerIndexes.set(brands, index);
  return index;
}

/**
 * Do two registrable domains belong to the same owner? Only when they are the same, or listed
 * together (curated groups, a brand's own domains): a shared label proves nothing
 * (`paypal.com` and `paypal.top` are two owners).
 */
function sameOwner(a: string, b: string, brands: readonly Brand[]): boolean {
  if (a === b) return true;
  const index = ownerIndex(brands);
  const ka = index.get(a);
  const kb = index.get(b);
  if (!ka || !kb) return false;
  for (const key of ka) if (kb.has(key)) return true;
  return false;
}

function decodeOnce(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The other site a redirector sends to, read from its query or from `/amp/s/host/...`. */
function redirectTarget(url: URL): string | undefined {
  const amp = /^\/amp\/(?:s\/)?([^/?#]+\.[^/?#]+)/.exec(url.pathname);
  if (amp?.[1]) return amp[1].toLowerCase();
  let checked = 0;
  for (const [key, raw] of url.searchParams) {
    if (++checked > 30) break;
    if (!REDIRECT_PARAMS.has(key.toLowerCase())) continue;
    const value = decodeOnce(raw.trim()).slice(0, 2_048);
    const m = /^(?:https?:)?\/\/([^/?#:@\s]+)/i.exec(value) ?? /^(www\.[^/?#:@\s]+)/i.exec(value);
    if (m?.[1]) return m[1].toLowerCase();
  }
  return undefined;
}

function credentialPath(url: URL): string | undefined {
  const path = `${url.pathname}?${url.search}`.slice(0, 1_000).toLowerCase();
  for (const token of path.split(/[^a-z0-9-]+/)) {
    if (CREDENTIAL_WORDS.has(token)) return token;
  }
  return undefined;
}

/** Scores the message's links. One reason per kind of problem, examples in `data`. */
export function linkReasons(ctx: SignalContext): Reason[] {
  const { settings } = ctx;
  const trusted = [...settings.allowedLinkDomains, ...settings.organisationDomains];
  const { brands } = ctx;
  // The From domain is not authenticated here: it never excuses a link by itself. It only
  // tells a mailer's click tracker (`click.sender.com` showing `sender.com`) from a deception.
  const senderDomain = ctx.message.from?.domain ? ownerDomain(ctx.message.from.domain) : '';
  const senderIsOrg = senderDomain !== '' && hostMatches(senderDomain, settings.organisationDomains);
  const found = new Map<string, Finding[]>();
  const add = (kind: string, finding: Finding) => {
    const list = found.get(kind);
    if (list) list.push(finding);
    else found.set(kind, [finding]);
  };

  // Links from QR codes first: they are few and come last in the context.
  const ordered = [...ctx.links.filter((l) => l.source === 'qr'), ...ctx.links.filter((l) => l.source !== 'qr')];
  const candidates = TOO_MANY.get(ctx.message) ?? ordered.length;
  let webLinks = 0;
  for (const link of ordered.slice(0, MAX_LINKS)) {
    const read = readLink(link);
    if (read.host) webLinks++;
    const href = link.href;
    if (read.scheme === 'javascript' || read.scheme === 'vbscript') {
      // `javascript:void(0)` and pop-up helpers of old newsletters do nothing a mail client runs.
      if (!harmlessScript(href)) add('script_uri', { read, detail: 'script' });
      continue;
    }
    if (read.scheme === 'data') {
      const page = /^data:(?:text\/html|application\/|text\/javascript|image\/svg)/i.test(href.trim());
      add('script_uri', { read, detail: page ? 'data-page' : 'data' });
      continue;
    }
    if (!read.url || !read.host) continue;
    if (hostMatches(read.host, trusted)) continue;
    const url = read.url;
    const ownSite = senderDomain !== '' && sameOwner(read.domain, senderDomain, brands);

    // Text showing one site, target another.
    if (link.text && link.source === 'html' && (read.isIp || read.host.includes('.'))) {
      const shown = shownDomain(link.text);
      const shownOwner = shown ? ownerDomain(shown.host) : '';
      if (shown && !sameOwner(shownOwner, read.domain, brands) && !hostMatches(read.host, SAFE_REWRITERS)) {
        const target = `${url.search}${url.pathname}`.toLowerCase();
        const carriesShown = target.includes(shown.domain) || target.includes(encodeURIComponent(shown.domain));
        const senderShown = senderDomain !== '' && sameOwner(shownOwner, senderDomain, brands);
        // Newsletters wrap their own links in their mailer's click tracker: the text shows the
        // sender's site and the target is a tracker (often carrying the shown site). Phishing
        // shows a famous site, often with that site's address forged as sender, and links
        // elsewhere — sometimes with the famous address in the query (`?return=…`) to pass for
        // a tracker: carrying the shown site excuses only a target that is a tracker.
        const tracker = looksLikeTracker(read);
        if (!(carriesShown && tracker) && !(senderShown && tracker)) {
          add('text_target_mismatch', {
            read,
            detail: `${shown.explicit ? 'strong' : 'weak'}:${shown.host} → ${read.host}`,
            shown: `${shown.host} → ${read.host}`,
          });
        }
      }
    }

    if (read.isIp && !isPrivateIp(read.host)) {
      const written = writtenHost(href);
      const encoded = written !== '' && written !== read.host && !written.startsWith('[');
      add('ip_host', {
        read,
        detail: encoded ? 'encoded' : 'plain',
        shown: encoded ? `${shorten(href, 70)} (= ${read.host})` : shorten(href, 70),
      });
    }
    if (url.username || url.password) {
      add('userinfo', { read, detail: decodeOnce(url.username).slice(0, 100) });
    }
    // A label starting with `xn--`: the host starts with it or holds `.xn--`.
    if (!read.isIp && (read.host.startsWith('xn--') || read.host.includes('.xn--'))) {
      add('punycode', { read, detail: read.host });
    }
    if (SHORTENERS.has(read.host) || (read.host.startsWith('www.') && SHORTENERS.has(read.host.slice(4)))) {
      if (url.pathname.length > 1) add('shortener', { read, detail: read.host });
    }
    const file = url.pathname.toLowerCase();
    const hosting = freeHostingOf(read);
    if (DANGEROUS_FILE.test(file)) {
      add('file_download', { read, detail: 'executable' });
    } else if (ARCHIVE_FILE.test(file)) {
      add('file_download', { read, detail: 'archive' });
    }
    // Colleagues share files from the organisation's own SharePoint/OneDrive all day.
    const internalShare = senderIsOrg && hosting !== undefined && INTERNAL_SHARING.has(hosting.suffix);
    if (hosting && !internalShare) {
      const strong = hosting.strong || PAGE_FILE.test(file);
      add('free_hosting', { read, detail: strong ? 'strong' : 'weak' });
    }
    if (!hostMatches(read.host, SAFE_REWRITERS)) {
      const dest = redirectTarget(url);
      const opaque = KNOWN_OPEN_REDIRECTS.some(
        (r) => r.opaque === true && r.domain.test(read.domain) && r.path.test(url.pathname),
      );
      if (opaque && !dest) {
        add('open_redirect', { read, detail: 'known' });
      } else if (dest) {
        const destDomain = ownerDomain(dest);
        if (!sameOwner(destDomain, read.domain, brands)) {
          const known = KNOWN_OPEN_REDIRECTS.some((r) => r.domain.test(read.domain) && r.path.test(url.pathname));
          // The sender's own redirector (its click tracker) sending to its own sites is not a trick.
          if (known || (!ownSite && !(senderDomain !== '' && sameOwner(destDomain, senderDomain, brands)))) {
            add('open_redirect', { read, detail: known ? 'known' : 'generic', shown: `${read.host} → ${dest}` });
          }
        }
      }
    }
    const parsed = parsedHost(read.host);
    const tld = parsed.publicSuffix ?? '';
    let risky = false;
    if (!read.isIp && (RISKY_TLDS.has(tld) || RISKY_TLDS.has(tld.slice(tld.lastIndexOf('.') + 1)))) {
      risky = true;
      if (hosting === undefined) add('risky_tld', { read, detail: `.${tld}` });
    }
    if (!read.isIp && parsed.subdomain) {
      if (countLabels(parsed.subdomain) >= 4) {
        risky = true;
        add('many_subdomains', { read, detail: read.host });
      }
    }
    if (read.host.includes('xn--')) risky = true;
    // A sign-in word alone is everyday (every site has /login): scored only on a link that is
    // already odd (IP, free hosting, risky extension, punycode, long host, user-info).
    if (risky || read.isIp || hosting !== undefined || url.username !== '') {
      const word = credentialPath(url);
      if (word) add('credential_path', { read, detail: word });
    }
  }

  const reasons: Reason[] = [];
  if (candidates > MAX_LINKS) {
    reasons.push({
      code: 'mail.link.too_many',
      category: 'link',
      weight: 1,
      message: {
        fr: `Le message contient un nombre anormal de liens (${candidates}) : seuls ${MAX_LINKS} ont été examinés ; un tel remplissage sert souvent à cacher le vrai lien.`,
        en: `The message holds an abnormal number of links (${candidates}): only ${MAX_LINKS} were examined; such padding often serves to hide the real link.`,
      },
      data: { count: candidates, examined: MAX_LINKS },
    });
  }
  for (const [name, findings] of found) {
    const kind = KINDS[name];
    if (!kind || findings.length === 0) continue;
    const fromQr = findings.filter((f) => f.read.link.source === 'qr').length;
    const examples: string[] = [];
    const seenHosts = new Set<string>();
    for (const f of findings) {
      if (examples.length >= EXAMPLES) break;
      const key = f.read.host || f.read.link.href.slice(0, 40);
      if (seenHosts.has(key)) continue;
      seenHosts.add(key);
      examples.push(f.read.link.href.slice(0, 200));
    }
    let shownExamples: string;
    const named = [...new Set(findings.map((f) => f.shown ?? ''))].filter((x) => x.length > 0);
    if (name === 'risky_tld') {
      shownExamples = [...new Set(findings.map((f) => f.detail ?? ''))].slice(0, EXAMPLES).join(', ');
    } else if (named.length > 0) {
      shownExamples = named
        .slice(0, 2)
        .map((x) => shorten(x, 120))
        .join(' ; ');
    } else if (name === 'script_uri') {
      shownExamples = examples.map((e) => shorten(e, 40)).join(', ');
    } else {
      shownExamples = examples.map((e) => shorten(e, 70)).join(', ');
    }
    const data: Record<string, string | number | boolean | readonly string[]> = {
      count: findings.length,
      examples,
    };
    if (fromQr > 0) data.fromQr = fromQr;
    const details = [...new Set(findings.map((f) => f.detail ?? '').filter((d) => d.length > 0))].slice(0, EXAMPLES);
    if (details.length > 0) data.details = details.map((d) => d.slice(0, 200));
    // A digest or directory with dozens of links to everyone's sites: one odd link among many
    // says little. Deceptions (text/target, user-info, script links) keep their weight.
    const diluted = webLinks >= 20 && findings.length * 10 < webLinks && !UNDILUTED.has(name);
    const weight = kind.weight(findings) * (diluted ? 0.5 : 1);
    if (diluted) data.diluted = true;
    // Examples are URLs and hosts as the sender wrote them: no control or bidi characters.
    const written = kind.message(findings.length, shownExamples, fromQr);
    const message = { fr: safeText(written.fr), en: safeText(written.en) };
    data.examples = examples.map(escapeUnsafe);
    reasons.push({
      code: kind.code,
      category: 'link',
      weight,
      message,
      data,
    });
  }
  return reasons;
}
