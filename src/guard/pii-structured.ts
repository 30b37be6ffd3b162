/**
 * Structured personal data with validation: e-mail, IBAN (mod-97), payment cards (Luhn and
 * issuer ranges), French NIR / SIREN / SIRET / VAT, IP addresses, passport and ID card numbers
 * in context. Hand-written scanners: each character is looked at a bounded number of times.
 */
import {
  cardBrand,
  frVatValid,
  IBAN_LENGTHS,
  ibanValid,
  LA_POSTE_HEAD_OFFICE,
  luhnValid,
  nirValid,
  sirenValid,
  siretValid,
} from './checksums.js';
import { digitRuns, groupSequences } from './numbers.js';
import { contextBefore, reason, span } from './span.js';
import { fold, isAsciiAlnum, isAsciiLetter, isDigit, isHex, isUpper, PhraseIndex, wordStarts } from './text.js';
import type { Detector, Span } from './types.js';

const EMAIL_LOCAL = /[A-Za-z0-9._%+'-]/;
const EMAIL_DOMAIN = /[A-Za-z0-9.-]/;

export const emailDetector: Detector = {
  id: 'pii.email',
  types: ['pii.email'],
  description: { fr: 'Adresses e-mail', en: 'E-mail addresses' },
  detect(text, context) {
    const out: Span[] = [];
    let from = 0;
    let lastEnd = 0;
    for (;;) {
      const at = text.indexOf('@', from);
      if (at < 0) break;
      from = at + 1;
      let s = at;
      while (s > lastEnd && at - s < 64 && EMAIL_LOCAL.test(text.charAt(s - 1))) s--;
      while (s < at && text.charAt(s) === '.') s++;
      let e = at + 1;
      while (e < text.length && e - at <= 253 && EMAIL_DOMAIN.test(text.charAt(e))) e++;
      while (e > at + 1 && /[.-]/.test(text.charAt(e - 1))) e--;
      context.work.units += e - s;
      if (s === at || e === at + 1) continue;
      const domain = text.slice(at + 1, e);
      const dot = domain.lastIndexOf('.');
      const tld = dot > 0 ? domain.slice(dot + 1) : '';
      if (tld.length < 2 || !/^[A-Za-z]+$/.test(tld) || domain.includes('..')) continue;
      const local = text.slice(s, at);
      // `user:pass@host` belongs to the connection-string detector.
      if (s > 0 && text.charAt(s - 1) === ':') continue;
      out.push(
        span('pii.email', 'pii.email', s, e, local.length > 0 ? 0.95 : 0.5, [
          reason(
            'email.syntax',
            'adresse e-mail bien formée (partie locale, @, domaine avec extension)',
            'well-formed e-mail address (local part, @, domain with a top-level domain)',
          ),
        ]),
      );
      lastEnd = e;
      from = e;
    }
    return out;
  },
};

/** Between IBAN groups: space, hyphen, full stop (Norwegian style), no-break spaces. */
function isIbanSeparator(c: number): boolean {
  return c === 32 || c === 45 || c === 46 || c === 0xa0 || c === 0x202f;
}

export const ibanDetector: Detector = {
  id: 'pii.iban',
  types: ['pii.iban'],
  description: { fr: 'IBAN (clé mod-97 vérifiée)', en: 'IBAN (mod-97 check)' },
  detect(text, context) {
    const out: Span[] = [];
    const n = text.length;
    // Only word starts can open an IBAN: the shared list of them, not every position.
    const starts = wordStarts(text);
    let next = 0;
    for (let k = 0; k < starts.length; k++) {
      const i = starts[k] ?? 0;
      if (i < next) continue;
      if (i + 4 >= n) break;
      const c0 = text.charCodeAt(i);
      if (!isAsciiLetter(c0) || (i > 0 && isAsciiAlnum(text.charCodeAt(i - 1)))) continue;
      // Cheap character checks first: only "LLdd" (or "LL dd") at a word start is worth a look-up.
      if (!isAsciiLetter(text.charCodeAt(i + 1))) continue;
      const gap = isIbanSeparator(text.charCodeAt(i + 2)) ? 1 : 0;
      if (!isDigit(text.charCodeAt(i + 2 + gap)) || !isDigit(text.charCodeAt(i + 3 + gap))) continue;
      const country = text.slice(i, i + 2).toUpperCase();
      const length = IBAN_LENGTHS[country];
      if (length === undefined) continue;
      // Collect exactly `length` alphanumerics, single spaces or hyphens allowed between them.
      let compact = '';
      let j = i;
      while (j < n && compact.length < length) {
        const c = text.charCodeAt(j);
        if (isAsciiAlnum(c)) {
          compact += text[j];
          j++;
        } else if (
          isIbanSeparator(c) &&
          j + 1 < n &&
          isAsciiAlnum(text.charCodeAt(j + 1)) &&
          (compact.length >= 4 || (compact.length === 2 && j === i + 2))
        ) {
          j++;
        } else break;
      }
      context.work.units += j - i;
      if (compact.length !== length || (j < n && isAsciiAlnum(text.charCodeAt(j)))) continue;
      if (!ibanValid(compact)) continue;
      out.push(
        span('pii.iban', 'pii.iban', i, j, 0.98, [
          reason(
            'iban.mod97',
            `IBAN valide (pays ${country}, longueur ${length}, clé mod-97 correcte)`,
            `valid IBAN (country ${country}, length ${length}, mod-97 check passes)`,
          ),
        ]),
      );
      next = j;
    }
    return out;
  },
};

const CARD_CONTEXT = [
  'carte',
  'card',
  'cb ',
  'visa',
  'mastercard',
  'amex',
  'diners',
  'discover',
  'jcb',
  'maestro',
  'unionpay',
  'paiement',
  'payment',
  'credit',
  'crédit',
];

export const cardDetector: Detector = {
  id: 'pii.card',
  types: ['pii.card'],
  description: {
    fr: 'Numéros de carte de paiement (Luhn, plages émetteurs)',
    en: 'Payment card numbers (Luhn, issuer ranges)',
  },
  detect(text, context) {
    const out: Span[] = [];
    let folded: string | undefined;
    for (const run of digitRuns(text)) {
      let next = 0;
      for (const seq of groupSequences(text, run, 12, 19)) {
        context.work.units += seq.digits.length;
        if (seq.startGroup < next) continue;
        if (!luhnValid(seq.digits)) continue;
        const brand = cardBrand(seq.digits);
        folded ??= fold(text);
        const cue = contextBefore(folded, seq.start, 40, CARD_CONTEXT);
        if (!brand) {
          // Issuer ranges move (and test data invents some): a Luhn-valid number that a card word
          // introduces is still treated as a card, with less confidence.
          if (!cue || seq.digits.length < 13) continue;
          out.push(
            span('pii.card', 'pii.card', seq.start, seq.end, 0.8, [
              reason(
                'card.luhn_context',
                'numéro introduit par un mot de carte et dont la clé de Luhn est correcte (préfixe d’émetteur inconnu)',
                'number introduced by a card word whose Luhn check passes (no known issuer prefix)',
              ),
            ]),
          );
          next = seq.endGroup + 1;
          continue;
        }
        const major = brand === 'visa' || brand === 'mastercard' || brand === 'amex';
        const score = cue ? 0.97 : major ? 0.9 : 0.75;
        out.push(
          span('pii.card', 'pii.card', seq.start, seq.end, score, [
            reason(
              'card.luhn',
              `numéro de carte ${brand} valide (clé de Luhn correcte, préfixe et longueur de l'émetteur)`,
              `valid ${brand} card number (Luhn check passes, issuer prefix and length)`,
            ),
          ]),
        );
        next = seq.endGroup + 1;
      }
    }
    return out;
  },
};

/** Words that name the identifier itself: the number is read as one even where a phone could fit. */
const COMPANY_ID_CONTEXT = ['siren', 'siret', 'rcs', 'immatricul', 'registre du commerce'];
const COMPANY_CONTEXT = [...COMPANY_ID_CONTEXT, 'entreprise', 'societe', 'company'];

export const frCompanyDetector: Detector = {
  id: 'pii.fr_company',
  types: ['pii.siren', 'pii.siret'],
  description: {
    fr: 'SIREN et SIRET (Luhn, exception La Poste)',
    en: 'French SIREN and SIRET (Luhn, La Poste exception)',
  },
  detect(text, context) {
    const out: Span[] = [];
    let folded: string | undefined;
    for (const run of digitRuns(text)) {
      let next = 0;
      for (const seq of groupSequences(text, run, 9, 14)) {
        context.work.units += seq.digits.length;
        if (seq.startGroup < next) continue;
        const isSiret = seq.digits.length === 14 && siretValid(seq.digits);
        const isSiren = seq.digits.length === 9 && sirenValid(seq.digits);
        if (!isSiret && !isSiren) continue;
        folded ??= fold(text);
        const cue = contextBefore(folded, seq.start, 48, COMPANY_CONTEXT);
        const named = cue && contextBefore(folded, seq.start, 48, COMPANY_ID_CONTEXT);
        const laPoste = isSiret && seq.digits.startsWith('356000000') && seq.digits !== LA_POSTE_HEAD_OFFICE;
        // Without context a 9-digit Luhn number is too common (1 in 10) to be reported alone.
        const score = named ? 0.99 : cue ? 0.95 : isSiret ? 0.6 : 0.4;
        const type = isSiret ? 'pii.siret' : 'pii.siren';
        out.push(
          span('pii.fr_company', type, seq.start, seq.end, score, [
            laPoste
              ? reason(
                  'siret.laposte',
                  'SIRET de La Poste valide (somme des chiffres multiple de 5)',
                  'valid La Poste SIRET (digit sum is a multiple of 5)',
                )
              : reason(
                  isSiret ? 'siret.luhn' : 'siren.luhn',
                  `${isSiret ? 'SIRET' : 'SIREN'} valide (clé de Luhn correcte)`,
                  `valid ${isSiret ? 'SIRET' : 'SIREN'} (Luhn check passes)`,
                ),
            ...(cue
              ? [
                  reason(
                    'company.context',
                    'mentionné comme identifiant d’entreprise',
                    'introduced as a company identifier',
                  ),
                ]
              : []),
          ]),
        );
        next = seq.endGroup + 1;
      }
    }
    return out;
  },
};

const NIR_SEPARATORS = new Set([32, 46, 45, 0xa0]);

export const nirDetector: Detector = {
  id: 'pii.nir',
  types: ['pii.nir'],
  description: {
    fr: 'Numéro de sécurité sociale (NIR, clé vérifiée, Corse incluse)',
    en: 'French social security number (NIR, key checked, Corsica included)',
  },
  detect(text, context) {
    const out: Span[] = [];
    const n = text.length;
    const starts = wordStarts(text);
    let next = 0;
    for (let k = 0; k < starts.length; k++) {
      const i = starts[k] ?? 0;
      if (i < next) continue;
      const c = text.charCodeAt(i);
      if (!(c === 49 || c === 50 || c === 51 || c === 52 || c === 55 || c === 56)) continue;
      if (i > 0 && isAsciiAlnum(text.charCodeAt(i - 1))) continue;
      let compact = '';
      let j = i;
      while (j < n && compact.length < 15) {
        const d = text.charCodeAt(j);
        const letterOk =
          compact.length === 6 && compact.charAt(5) === '2' && (d === 65 || d === 66 || d === 97 || d === 98);
        if (isDigit(d) || letterOk) {
          compact += text[j];
          j++;
        } else if (NIR_SEPARATORS.has(d) && compact.length > 0 && j + 1 < n && isAsciiAlnum(text.charCodeAt(j + 1)))
          j++;
        else break;
      }
      context.work.units += j - i;
      if (compact.length !== 15 || (j < n && isAsciiAlnum(text.charCodeAt(j)))) continue;
      if (!nirValid(compact)) continue;
      out.push(
        span('pii.nir', 'pii.nir', i, j, 0.97, [
          reason(
            'nir.key',
            'numéro de sécurité sociale valide (structure et clé de contrôle correctes)',
            'valid French social security number (structure and check key pass)',
          ),
        ]),
      );
      next = j;
    }
    return out;
  },
};

/** Upper case with offsets kept: `ß` → `SS` would shift them, so such texts only get ASCII upper-cased. */
function upperKeepingOffsets(text: string): string {
  const upper = text.toUpperCase();
  if (upper.length === text.length) return upper;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out += c >= 97 && c <= 122 ? String.fromCharCode(c - 32) : text.charAt(i);
  }
  return out;
}

/** Reads a VAT body (2 key characters then the SIREN, single separators allowed) from `j`. */
function readVat(text: string, upper: string, j: number): { compact: string; end: number } {
  let compact = '';
  while (j < text.length && compact.length < 11) {
    const c = upper.charCodeAt(j);
    if (isDigit(c) || (compact.length < 2 && isUpper(c))) {
      compact += upper[j];
      j++;
    } else if ((c === 32 || c === 46 || c === 0xa0) && j + 1 < text.length && isAsciiAlnum(text.charCodeAt(j + 1))) j++;
    else break;
  }
  return { compact, end: j };
}

/** Words (upper case) that introduce a VAT number written without its `FR` prefix. */
const VAT_CUES = ['TVA', 'VAT'];
const VAT_CUE_WINDOW = 40;

export const frVatDetector: Detector = {
  id: 'pii.vat_fr',
  types: ['pii.vat_fr'],
  description: {
    fr: 'Numéro de TVA intracommunautaire français (clé vérifiée)',
    en: 'French VAT number (key checked)',
  },
  detect(text, context) {
    const out: Span[] = [];
    const upper = upperKeepingOffsets(text);
    const found = (at: number, end: number, cue: boolean) =>
      out.push(
        span('pii.vat_fr', 'pii.vat_fr', at, end, cue ? 0.95 : 0.97, [
          reason(
            'vat.key',
            'numéro de TVA français valide (clé calculée sur le SIREN correcte)',
            'valid French VAT number (key computed from the SIREN matches)',
          ),
          ...(cue
            ? [
                reason(
                  'vat.context',
                  'sans le préfixe FR, annoncé comme un numéro de TVA',
                  'without its FR prefix, introduced as a VAT number',
                ),
              ]
            : []),
        ]),
      );
    let from = 0;
    for (;;) {
      const at = upper.indexOf('FR', from);
      if (at < 0) break;
      from = at + 2;
      if (at > 0 && isAsciiAlnum(text.charCodeAt(at - 1))) continue;
      const { compact, end: j } = readVat(text, upper, at + 2);
      context.work.units += j - at;
      if (compact.length !== 11 || (j < text.length && isAsciiAlnum(text.charCodeAt(j)))) continue;
      if (!frVatValid(compact)) continue;
      found(at, j, false);
      from = j;
    }
    // Without the prefix ("n° de TVA 23 334 175 221"): only right after a VAT cue, the first
    // token of the window that reads as a valid number. Windows never overlap (linear).
    const taken = new Set(out.map((s) => s.start));
    const cues: number[] = [];
    for (const cue of VAT_CUES) {
      for (let at = upper.indexOf(cue, 0); at >= 0; at = upper.indexOf(cue, at + cue.length)) {
        const c = at + cue.length;
        if ((at > 0 && isAsciiAlnum(text.charCodeAt(at - 1))) || isAsciiAlnum(text.charCodeAt(c))) continue;
        cues.push(c);
      }
    }
    cues.sort((a, b) => a - b);
    let windowEnd = 0;
    for (const c of cues) {
      const limit = Math.min(text.length, c + VAT_CUE_WINDOW);
      for (let i = Math.max(c, windowEnd); i < limit; i++) {
        const ch = text.charCodeAt(i);
        if (!isAsciiAlnum(ch) || (i > 0 && isAsciiAlnum(text.charCodeAt(i - 1)))) continue;
        // A prefixed number was handled above.
        if (upper.startsWith('FR', i) || taken.has(i)) break;
        const { compact, end } = readVat(text, upper, i);
        context.work.units += end - i;
        if (
          compact.length === 11 &&
          !(end < text.length && isAsciiAlnum(text.charCodeAt(end))) &&
          isDigit(compact.charCodeAt(2)) &&
          frVatValid(compact)
        ) {
          found(i, end, true);
          break;
        }
        // Words ("intracommunautaire", "n°") may sit between the cue and the number; a number
        // that does not validate ends the look.
        if (isDigit(ch)) break;
      }
      windowEnd = Math.max(windowEnd, limit);
    }
    return out.sort((a, b) => a.start - b.start);
  },
};

function octet(text: string, i: number): { value: number; end: number } | undefined {
  let j = i;
  while (j < text.length && j - i < 4 && isDigit(text.charCodeAt(j))) j++;
  const len = j - i;
  if (len === 0 || len > 3) return undefined;
  if (len > 1 && text.charCodeAt(i) === 48) return undefined;
  const value = Number(text.slice(i, j));
  return value <= 255 ? { value, end: j } : undefined;
}

function ipv4At(text: string, i: number): number | undefined {
  let pos = i;
  for (let k = 0; k < 4; k++) {
    const o = octet(text, pos);
    if (!o) return undefined;
    pos = o.end;
    if (k < 3) {
      if (text.charAt(pos) !== '.') return undefined;
      pos++;
    }
  }
  if (
    pos < text.length &&
    (isAsciiAlnum(text.charCodeAt(pos)) || (text.charAt(pos) === '.' && isDigit(text.charCodeAt(pos + 1))))
  )
    return undefined;
  return pos;
}

function ipv6Valid(candidate: string): boolean {
  const double = candidate.indexOf('::');
  if (double >= 0 && candidate.indexOf('::', double + 1) >= 0) return false;
  const parts = candidate.split(':');
  let groups = 0;
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k] ?? '';
    if (p === '') continue;
    if (p.includes('.')) {
      if (k !== parts.length - 1 || ipv4At(p, 0) !== p.length) return false;
      groups += 2;
      continue;
    }
    if (p.length > 4 || !/^[0-9A-Fa-f]+$/.test(p)) return false;
    groups++;
  }
  if (double >= 0) return groups <= 7 && groups >= 2 && /[0-9]/.test(candidate);
  return groups === 8 && !candidate.startsWith(':') && !candidate.endsWith(':');
}

export const ipDetector: Detector = {
  id: 'pii.ip',
  types: ['pii.ip'],
  description: { fr: 'Adresses IPv4 et IPv6', en: 'IPv4 and IPv6 addresses' },
  detect(text, context) {
    const out: Span[] = [];
    const n = text.length;
    let folded: string | undefined;
    const starts = wordStarts(text);
    let next = 0;
    for (let k = 0; k < starts.length; k++) {
      const i = starts[k] ?? 0;
      if (i < next) continue;
      const c = text.charCodeAt(i);
      const prev = i > 0 ? text.charCodeAt(i - 1) : 32;
      if (isAsciiAlnum(prev) || prev === 46 || prev === 58) continue;
      if (isDigit(c)) {
        const end = ipv4At(text, i);
        if (end !== undefined) {
          folded ??= fold(text);
          // "version 1.2.3.4" is a version number, not an address.
          if (contextBefore(folded, i, 12, ['version', 'v.', 'ver '])) continue;
          out.push(
            span('pii.ip', 'pii.ip', i, end, 0.9, [
              reason('ip.v4', 'adresse IPv4 (4 octets de 0 à 255)', 'IPv4 address (4 octets from 0 to 255)'),
            ]),
          );
          next = end;
          continue;
        }
      }
      if (isHex(c) || c === 58) {
        let j = i;
        let colons = 0;
        while (j < n && j - i < 46) {
          const d = text.charCodeAt(j);
          if (d === 58) colons++;
          else if (!isHex(d) && d !== 46) break;
          j++;
        }
        while (j > i && text.charCodeAt(j - 1) === 46) j--;
        context.work.units += j - i;
        // Words made of hex letters ("face", "added") stop here without a copy.
        if (colons < 2 || (j < n && isAsciiAlnum(text.charCodeAt(j)))) continue;
        const candidate = text.slice(i, j);
        if (!ipv6Valid(candidate)) continue;
        out.push(
          span('pii.ip', 'pii.ip', i, j, 0.9, [
            reason('ip.v6', 'adresse IPv6 bien formée', 'well-formed IPv6 address'),
          ]),
        );
        next = j;
      }
    }
    return out;
  },
};

const ID_CONTEXT: readonly { words: readonly string[]; type: 'pii.passport' | 'pii.id_card' }[] = [
  { words: ['passeport', 'passport'], type: 'pii.passport' },
  {
    words: [
      "carte d'identite",
      'carte d’identite',
      'carte nationale',
      'cni',
      'id card',
      'identity card',
      "piece d'identite",
      'piece d’identite',
      'national id',
      'identity number',
    ],
    type: 'pii.id_card',
  },
];

const ID_INDEX = new PhraseIndex<'pii.passport' | 'pii.id_card'>(
  ID_CONTEXT.flatMap(({ words, type }) => words.map((w) => [w, type] as const)).sort(
    (a, b) => b[0].length - a[0].length,
  ),
);

export const identityDocumentDetector: Detector = {
  id: 'pii.identity_document',
  types: ['pii.passport', 'pii.id_card'],
  description: {
    fr: 'Numéros de passeport et de carte d’identité (en contexte)',
    en: 'Passport and ID card numbers (in context)',
  },
  detect(text, context) {
    const out: Span[] = [];
    const folded = fold(text);
    ID_INDEX.scan(
      folded,
      (at, w, type) => {
        const from = at + w.length;
        context.work.units += 48;
        if ((at > 0 && isAsciiAlnum(folded.charCodeAt(at - 1))) || isAsciiAlnum(folded.charCodeAt(from))) return -1;
        // The first token of 6–12 letters/digits with at least 3 digits within 48 characters.
        const limit = Math.min(text.length, from + 48);
        let i = from;
        while (i < limit) {
          if (!isAsciiAlnum(text.charCodeAt(i))) {
            i++;
            continue;
          }
          let j = i;
          let digits = 0;
          while (j < text.length && j - i <= 12 && isAsciiAlnum(text.charCodeAt(j))) {
            if (isDigit(text.charCodeAt(j))) digits++;
            j++;
          }
          const len = j - i;
          const token = text.slice(i, j);
          if (len >= 6 && len <= 12 && digits >= 3 && token === token.toUpperCase()) {
            const frPassport = /^[0-9]{2}[A-Z]{2}[0-9]{5}$/.test(token);
            out.push(
              span('pii.identity_document', type, i, j, frPassport ? 0.95 : 0.85, [
                type === 'pii.passport'
                  ? reason('id.passport', 'numéro introduit par « passeport »', 'number introduced by "passport"')
                  : reason('id.card', 'numéro introduit par « carte d’identité »', 'number introduced by "ID card"'),
              ]),
            );
            return j;
          }
          i = j;
        }
        return from;
      },
      isAsciiAlnum,
    );
    return out;
  },
};
