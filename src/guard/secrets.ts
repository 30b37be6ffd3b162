/**
 * Secrets: provider keys and tokens (rules in `secrets-providers.ts`), JWTs with a decodable
 * header, PEM private keys, connection strings and URLs carrying a password, and
 * `password=`-style assignments checked for entropy. Placeholders (`xxx`, `<your-key>`,
 * documented example keys, `changeme`, one repeated character) are kept apart with a low score.
 */
import { inAlphabet, PROVIDER_RULES } from './secrets-providers.js';
import { reason, span } from './span.js';
import {
  dominantShare,
  isAsciiAlnum,
  isAsciiLetter,
  isPlaceholderPassword,
  looksLikePlaceholder,
  PhraseIndex,
  shannonEntropy,
} from './text.js';
import type { Detector, Span, SpanReason } from './types.js';

const PLACEHOLDER_REASON = reason(
  'secret.placeholder',
  'ressemble à un exemple ou à un espace réservé',
  'looks like an example or placeholder',
);

/** Characters people type to mean "blank": a long run of one of them is a stand-in, not a key. */
const FILLERS = new Set(['x', 'X', '*', '0', '.', '#', '-', '_']);

/**
 * Keys that providers publish in their own documentation as examples (AWS's `…EXAMPLE` pair,
 * Stripe's test keys from its API reference): set aside as a whole token, never by substring.
 */
const DOCUMENTED_EXAMPLES = new Set([
  'AKIAIOSFODNN7EXAMPLE',
  'AKIAI44QH8DHBEXAMPLE',
  'ASIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
  'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
  'pk_test_TYooMQauvdEDq54NiTphI7jx',
]);

/** True for a documented example key, compared as a whole token. */
export function documentedExample(token: string): boolean {
  return DOCUMENTED_EXAMPLES.has(token);
}

/** Words that stand for a value in templates; literal alternation, no nested quantifier. */
const STAND_IN_WORDS =
  /not_?a_?real|your|example|sample|dummy|placeholder|changeme|redacted|fake|token|secret|key|here|api|insert|replace|with/gi;

/**
 * The placeholder rule for provider tokens. A known prefix with the exact alphabet and length
 * is already strong evidence, so only a body that is a stand-in *as a whole* cancels it:
 * - a run of 8 or more filler characters (`xxxxxxxx`, `********`, `00000000`), or a body made
 *   of 90% filler characters;
 * - a body made of stand-in words (`your_key_here`, `EXAMPLE_TOKEN`, `not_a_real_token`) with
 *   fewer than 6 other characters left once the words, fillers and separators are removed.
 * A word inside an otherwise random body (`…StWrvEXAMPLE`, `Example1234567890AbCdEfGhjK`) does
 * not cancel it: the rest is still a key-shaped value, and a scanner must not let a real key
 * through because someone appended a word to it. Documented example keys are matched whole
 * (`documentedExample`). A body of one repeated *letter or digit other than a filler*
 * (`sk_live_AAAA…`) is still reported: it is the shape test suites and fixtures use. Values
 * without a provider prefix (assignments, URL passwords) have nothing but their content to go
 * by, so there low entropy and short length also mean placeholder.
 */
export function providerPlaceholder(body: string): boolean {
  let run = 1;
  let filler = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body.charAt(i);
    if (FILLERS.has(ch)) filler++;
    run = i > 0 && ch === body.charAt(i - 1) ? run + 1 : 1;
    if (run >= 8 && FILLERS.has(ch)) return true;
  }
  if (body.length > 0 && filler / body.length >= 0.9) return true;
  let rest = 0;
  for (const part of body.split(STAND_IN_WORDS)) for (const ch of part) if (!FILLERS.has(ch)) rest++;
  return rest < 6 && rest < body.length;
}

/** Provider tokens with real-looking bodies score high; documentation stand-ins do not. */
function providerScore(token: string, body: string): { score: number; reasons: SpanReason[] } {
  if (documentedExample(token) || providerPlaceholder(body)) return { score: 0.3, reasons: [PLACEHOLDER_REASON] };
  return { score: 0.95, reasons: [] };
}

export const providerSecretDetector: Detector = {
  id: 'secret.provider',
  types: [...new Set(PROVIDER_RULES.map((r) => r.type))],
  description: {
    fr: 'Clés et jetons de fournisseurs (préfixes et longueurs connus)',
    en: 'Provider keys and tokens (known prefixes and lengths)',
  },
  detect(text, context) {
    const out: Span[] = [];
    // Per rule, the end of the last body read and rejected: a prefix found again inside it is
    // not looked at (each body character is read at most once per rule: linear).
    const rejectedUntil = new Int32Array(PROVIDER_RULES.length);
    PREFIX_INDEX.scan(
      text,
      (at, prefix, ruleIndex) => {
        const rule = PROVIDER_RULES[ruleIndex];
        if (!rule || at < (rejectedUntil[ruleIndex] ?? 0)) return -1;
        if (at > 0 && isAsciiLetter(text.charCodeAt(at - 1))) return -1;
        const from = at + prefix.length;
        let j = from;
        while (j < text.length && j - from <= rule.max && inAlphabet(rule.alphabet, text.charCodeAt(j))) j++;
        // Trailing punctuation belongs to the sentence, base64 padding to the token.
        if (rule.alphabet !== 'hex') while (j > from && isTrailingPunct(text.charCodeAt(j - 1))) j--;
        const len = j - from;
        context.work.units += j - at;
        rejectedUntil[ruleIndex] = j;
        if (len < rule.min || len > rule.max) return -1;
        let end = j;
        while (end < text.length && end - j < 2 && text.charCodeAt(end) === 61) end++;
        const token = text.slice(at, end);
        if (rule.marker && !token.includes(rule.marker)) return -1;
        if (rule.shape && !rule.shape.test(token)) return -1;
        const { score, reasons } = providerScore(text.slice(at, j), text.slice(from, j));
        out.push(
          span('secret.provider', rule.type, at, end, score, [
            reason(
              'secret.provider_format',
              `format de clé ${rule.provider} (préfixe « ${prefix} », longueur attendue)`,
              `${rule.provider} key format (prefix "${prefix}", expected length)`,
            ),
            ...reasons,
          ]),
        );
        return end;
      },
      isAsciiLetter,
    );
    return out;
  },
};

/** `.`, `-`, `/`: end a sentence or a path more often than a token. */
function isTrailingPunct(c: number): boolean {
  return c === 46 || c === 45 || c === 47;
}

/** Every provider prefix, longest first so `sk-proj-` is tried before `sk-`. */
const PREFIX_INDEX = new PhraseIndex<number>(
  PROVIDER_RULES.flatMap((rule, index) => rule.prefixes.map((p) => [p, index] as const)).sort(
    (a, b) => b[0].length - a[0].length,
  ),
);

function base64UrlDecode(part: string): string | undefined {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const ch of part.replace(/=+$/, '')) {
    const v = alphabet.indexOf(ch === '+' ? '-' : ch === '/' ? '_' : ch);
    if (v < 0) return undefined;
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((value >> bits) & 0xff);
    }
  }
  return out;
}

const B64URL = (c: number) => isAsciiAlnum(c) || c === 45 || c === 95;

export const jwtDetector: Detector = {
  id: 'secret.jwt',
  types: ['secret.jwt'],
  description: { fr: 'Jetons JWT (en-tête décodable)', en: 'JSON Web Tokens (decodable header)' },
  detect(text, context) {
    const out: Span[] = [];
    let from = 0;
    for (;;) {
      const at = text.indexOf('eyJ', from);
      if (at < 0) break;
      from = at + 3;
      if (at > 0 && (B64URL(text.charCodeAt(at - 1)) || text.charAt(at - 1) === '.')) continue;
      const ends: number[] = [];
      let j = at;
      for (let part = 0; part < 3; part++) {
        const s = j;
        while (j < text.length && j - s < 8192 && B64URL(text.charCodeAt(j))) j++;
        ends.push(j);
        if (part < 2) {
          if (text.charAt(j) !== '.') break;
          j++;
        }
      }
      context.work.units += j - at;
      if (ends.length < 3) {
        from = Math.max(from, j);
        continue;
      }
      const headerEnd = ends[0] ?? at;
      const header = base64UrlDecode(text.slice(at, headerEnd));
      from = Math.max(from, j);
      if (!header || !/^\s*\{[\s\S]*"(?:alg|typ)"\s*:/.test(header)) continue;
      const payloadLen = (ends[1] ?? 0) - headerEnd - 1;
      if (payloadLen < 4) continue;
      out.push(
        span('secret.jwt', 'secret.jwt', at, j, 0.9, [
          reason(
            'jwt.header',
            'jeton JWT : trois parties base64url et en-tête JSON décodable',
            'JWT: three base64url parts and a decodable JSON header',
          ),
        ]),
      );
      from = j;
    }
    return out;
  },
};

export const privateKeyDetector: Detector = {
  id: 'secret.private_key',
  types: ['secret.private_key'],
  description: { fr: 'Clés privées PEM / OpenSSH', en: 'PEM / OpenSSH private keys' },
  detect(text, context) {
    const out: Span[] = [];
    let from = 0;
    for (;;) {
      const at = text.indexOf('-----BEGIN ', from);
      if (at < 0) break;
      from = at + 11;
      const close = text.indexOf('-----', from);
      if (close < 0 || close - from > 40) continue;
      const label = text.slice(from, close);
      if (!/^(?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?$/.test(label)) continue;
      const bodyStart = close + 5;
      const endMarker = text.indexOf('-----END', bodyStart);
      const stop = endMarker < 0 ? Math.min(text.length, bodyStart + 16384) : endMarker;
      let end = endMarker < 0 ? stop : text.indexOf('-----', endMarker + 8);
      end = end < 0 ? stop : end + 5;
      // Body: base64 once line breaks (real or escaped "\n") and headers are set aside.
      context.work.units += end - at;
      const body = text
        .slice(bodyStart, stop)
        .replace(/\\n/g, '\n')
        .split('\n')
        .filter((l) => !l.includes(':'))
        .join('')
        .replace(/\s/g, '');
      const base64 = body.replace(/[^A-Za-z0-9+/=]/g, '');
      if (base64.length < 64 || base64.length < body.length * 0.9 || looksLikePlaceholder(base64)) {
        if (body.length > 0)
          out.push(
            span('secret.private_key', 'secret.private_key', at, end, 0.2, [
              reason(
                'key.placeholder',
                'bloc de clé privée sans contenu réel',
                'private key block without real content',
              ),
            ]),
          );
        from = end;
        continue;
      }
      out.push(
        span('secret.private_key', 'secret.private_key', at, end, 0.99, [
          reason(
            'key.pem',
            `bloc de clé privée « ${label} » avec contenu base64`,
            `"${label}" block with base64 content`,
          ),
        ]),
      );
      from = end;
    }
    return out;
  },
};

const URL_STOP = /[\s"'`<>()[\]{}|\\^]/;

export const credentialUrlDetector: Detector = {
  id: 'secret.connection_string',
  types: ['secret.connection_string'],
  description: {
    fr: 'Chaînes de connexion et URL avec mot de passe',
    en: 'Connection strings and URLs with a password',
  },
  detect(text, context) {
    const out: Span[] = [];
    let from = 0;
    for (;;) {
      const at = text.indexOf('://', from);
      if (at < 0) break;
      from = at + 3;
      let s = at;
      while (s > 0 && at - s < 24 && /[A-Za-z0-9+.-]/.test(text.charAt(s - 1))) s--;
      if (s === at) continue;
      if (text.slice(Math.max(0, s - 5), s).toLowerCase() === 'jdbc:') s -= 5;
      // Authority: up to the first '/', '?', '#' or stop character; the password ends at its last '@'.
      let e = from;
      let lastAt = -1;
      while (e < text.length && e - from < 256 && !URL_STOP.test(text.charAt(e)) && !'/?#'.includes(text.charAt(e))) {
        if (text.charAt(e) === '@') lastAt = e;
        e++;
      }
      context.work.units += e - s;
      if (lastAt < 0) {
        from = Math.max(from, e);
        continue;
      }
      const userinfo = text.slice(from, lastAt);
      const colon = userinfo.indexOf(':');
      if (colon <= 0) continue;
      const password = userinfo.slice(colon + 1);
      if (password.length === 0) continue;
      // Rest of the URL (path, query) up to a stop character.
      let end = e;
      while (end < text.length && end - e < 512 && !URL_STOP.test(text.charAt(end))) end++;
      while (end > e && /[.,;:!?]/.test(text.charAt(end - 1))) end--;
      // Prefix-less value: templates, documentation words, default pairs (postgres:postgres),
      // and short or one-character passwords (abc, 1111) are not taken for real credentials.
      const user = userinfo.slice(0, colon);
      const placeholder =
        isPlaceholderPassword(password) ||
        password.startsWith('$') ||
        password.startsWith('%') ||
        password.length < 4 ||
        dominantShare(password) >= 0.75 ||
        password === user;
      const scheme = text.slice(s, at).toLowerCase();
      out.push(
        span('secret.connection_string', 'secret.connection_string', s, end, placeholder ? 0.3 : 0.95, [
          reason(
            'connection.password',
            `URL « ${scheme} » avec identifiant et mot de passe`,
            `"${scheme}" URL with user name and password`,
          ),
          ...(placeholder ? [PLACEHOLDER_REASON] : []),
        ]),
      );
      from = end;
    }
    return out;
  },
};

/** Key names whose value is a secret; matched inside identifiers (DB_PASSWORD, azureClientSecret). */
const PASSWORD_KEYS = ['password', 'passwd', 'pwd', 'passphrase', 'motdepasse', 'mot_de_passe', 'mdp'];
const TOKEN_KEYS = [
  'secret',
  'api_key',
  'apikey',
  'api-key',
  'access_key',
  'accesskey',
  'auth_token',
  'authtoken',
  'access_token',
  'accesstoken',
  'token',
  'private_key',
  'client_secret',
  'accountkey',
  'sharedaccesskey',
  'credential',
];

/** Key names that describe a secret rather than hold it (token_uri, secret_name, api_key_id). */
const METADATA_SUFFIX =
  /(?:^|[_.-])(?:uri|url|id|ids|type|name|path|file|endpoint|length|len|count|expiry|expires|expiration|ttl|header|prefix|field|label)$/;

function base64Decode(value: string): string | undefined {
  return base64UrlDecode(value);
}

const AWS_SECRET_KEYS = ['aws_secret_access_key', 'aws_secret_key', 'secretaccesskey', 'aws_secret'];

export const assignmentDetector: Detector = {
  id: 'secret.assignment',
  types: [
    'secret.password_assignment',
    'secret.generic_assignment',
    'secret.aws_secret_key',
    'secret.mistral_key',
    'secret.azure_storage_key',
    'secret.docker_auth',
  ],
  description: {
    fr: 'Affectations de mots de passe et de clés (contrôle d’entropie)',
    en: 'Password and key assignments (entropy check)',
  },
  detect(text, context) {
    const out: Span[] = [];
    const n = text.length;
    let lastEnd = 0;
    // Separators found by native searches (most of a text has neither '=' nor ':').
    let nextEquals = text.indexOf('=');
    let nextColon = text.indexOf(':');
    for (;;) {
      let i: number;
      if (nextEquals >= 0 && (nextColon < 0 || nextEquals < nextColon)) {
        i = nextEquals;
        nextEquals = text.indexOf('=', i + 1);
      } else if (nextColon >= 0) {
        i = nextColon;
        nextColon = text.indexOf(':', i + 1);
      } else break;
      if (i < lastEnd) continue;
      // Key: identifier just before the separator (quotes and spaces allowed around it).
      let k = i;
      while (k > 0 && i - k < 3 && /[\s"'`:]/.test(text.charAt(k - 1))) k--;
      const keyEnd = k;
      while (k > 0 && keyEnd - k < 64 && /[A-Za-z0-9_.-]/.test(text.charAt(k - 1))) k--;
      // The key is ASCII (see above): lowercasing is its fold, and the memo of the text's own
      // fold (shared by the other detectors) is left alone.
      const key = text.slice(k, keyEnd).toLowerCase();
      if (key.length < 2) continue;
      context.work.units += i - k;
      const dockerAuth = key === 'auth';
      // token_uri, secret_name, api_key_id: names *about* a secret, not holding one.
      if (!dockerAuth && METADATA_SUFFIX.test(key)) continue;
      const isAws = AWS_SECRET_KEYS.some((w) => key.includes(w));
      const isMistral = key.includes('mistral') && (key.includes('key') || key.includes('token'));
      const isPassword = PASSWORD_KEYS.some((w) => key.includes(w));
      const isToken = isAws || isMistral || TOKEN_KEYS.some((w) => key.includes(w));
      if (!isPassword && !isToken && !dockerAuth) continue;
      // Value: after '=', ':=', '=>', spaces and an optional quote.
      let v = i + 1;
      while (v < n && v - i < 4 && /[=>\s]/.test(text.charAt(v)) && text.charAt(v) !== '\n') v++;
      const quote = /["'`]/.test(text.charAt(v)) ? text.charAt(v) : '';
      if (quote) v++;
      let e = v;
      while (
        e < n &&
        e - v < 256 &&
        (quote ? text.charAt(e) !== quote && text.charAt(e) !== '\n' : !/[\s,;"'`)}\]]/.test(text.charAt(e)))
      )
        e++;
      if (!quote) while (e > v && /[.,;:]/.test(text.charAt(e - 1))) e--;
      const value = text.slice(v, e);
      // The value region is read once: the scan resumes after it whatever the verdict.
      lastEnd = e;
      if (value.length === 0) continue;
      // Code references and templates are not values: getPassword(), ${PASS}, process.env.X.
      if (/^[$%{<]|\(|process\.env|os\.environ|getenv/i.test(value)) continue;
      let type = isPassword ? 'secret.password_assignment' : 'secret.generic_assignment';
      let score: number;
      const reasons: SpanReason[] = [];
      const entropy = shannonEntropy(value);
      if (dockerAuth) {
        // Docker config.json `"auth": base64(user:password)`.
        const decoded = /^[A-Za-z0-9+/]{8,400}={0,2}$/.test(value) ? base64Decode(value) : undefined;
        const colonAt = decoded?.indexOf(':') ?? -1;
        if (!decoded || colonAt <= 0 || !/^[\x20-\x7e]+$/.test(decoded)) continue;
        const pass = decoded.slice(colonAt + 1);
        if (pass.length === 0 || isPlaceholderPassword(pass)) continue;
        type = 'secret.docker_auth';
        score = 0.9;
        reasons.push(
          reason(
            'docker.auth',
            'identifiants de registre Docker (« auth » : utilisateur:mot de passe en base64)',
            'Docker registry credentials ("auth": base64 of user:password)',
          ),
        );
      } else if (isAws && /^[A-Za-z0-9/+]{40}$/.test(value)) {
        type = 'secret.aws_secret_key';
        score = looksLikePlaceholder(value) ? 0.3 : 0.95;
        reasons.push(
          reason(
            'aws.secret',
            'clé secrète AWS (40 caractères) affectée à une variable AWS',
            'AWS secret key (40 characters) assigned to an AWS variable',
          ),
        );
      } else if (isMistral && /^[A-Za-z0-9]{32}$/.test(value)) {
        type = 'secret.mistral_key';
        score = 0.9;
        reasons.push(
          reason(
            'mistral.key',
            'clé Mistral AI (32 caractères) affectée à une variable Mistral',
            'Mistral AI key (32 characters) assigned to a Mistral variable',
          ),
        );
      } else if (key.includes('accountkey') && /^[A-Za-z0-9+/]{80,90}={0,2}$/.test(value)) {
        type = 'secret.azure_storage_key';
        score = 0.95;
        reasons.push(reason('azure.storage', 'clé de compte de stockage Azure', 'Azure storage account key'));
      } else {
        const minLength = isPassword ? 6 : 12;
        const minEntropy = isPassword ? 2.5 : 3.0;
        if (value.length < minLength || isPlaceholderPassword(value) || value.includes('...')) continue;
        // A URL is an address (credentials inside one are the connection-string detector's).
        if (value.includes('://')) continue;
        // Prose ("token: required field") and plain words are not secrets.
        if (/^[a-z]+$/.test(value) || (/^[A-Za-z ]+$/.test(value) && value.includes(' '))) continue;
        if (entropy < minEntropy) continue;
        const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(value)).length;
        if (classes < 2) continue;
        score = isPassword ? 0.85 : 0.75;
        reasons.push(
          reason(
            isPassword ? 'assignment.password' : 'assignment.secret',
            `valeur affectée à « ${key.slice(-32)} » (entropie ${entropy.toFixed(1)} bits/caractère)`,
            `value assigned to "${key.slice(-32)}" (entropy ${entropy.toFixed(1)} bits/character)`,
          ),
        );
      }
      out.push(span('secret.assignment', type, v, e, score, reasons));
      lastEnd = e;
    }
    return out;
  },
};
