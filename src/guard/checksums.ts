/**
 * Check-digit algorithms of the identifiers the detectors validate: Luhn (cards, SIREN,
 * SIRET), ISO 13616 mod-97 (IBAN), the French NIR key (Corsica included) and the French VAT key.
 * Inputs are compact strings (separators removed); every function is total (false, not throw).
 */

export function luhnValid(digits: string): boolean {
  if (digits.length < 2 || !/^[0-9]+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Remainder of a long decimal string modulo 97, without big integers. */
function mod97(digits: string): number {
  let r = 0;
  for (let i = 0; i < digits.length; i++) r = (r * 10 + (digits.charCodeAt(i) - 48)) % 97;
  return r;
}

/** IBAN lengths per country (SWIFT IBAN registry). */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HN: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
};

/** Compact uppercase IBAN: known country, right length, mod-97 equal to 1. */
export function ibanValid(compact: string): boolean {
  const iban = compact.toUpperCase();
  const expected = IBAN_LENGTHS[iban.slice(0, 2)];
  if (expected === undefined || iban.length !== expected) return false;
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]+$/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let digits = '';
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    digits += c >= 65 ? String(c - 55) : rearranged[i];
  }
  return mod97(digits) === 1;
}

/** SIREN: 9 digits, Luhn. */
export function sirenValid(digits: string): boolean {
  return /^[0-9]{9}$/.test(digits) && luhnValid(digits);
}

export const LA_POSTE_HEAD_OFFICE = '35600000000048';

/**
 * SIRET: 14 digits, Luhn, except La Poste's establishments (356000000…): digit sum multiple of
 * 5 — but La Poste's head office (35600000000048) keeps the Luhn key.
 */
export function siretValid(digits: string): boolean {
  if (!/^[0-9]{14}$/.test(digits)) return false;
  if (digits.startsWith('356000000') && digits !== LA_POSTE_HEAD_OFFICE) {
    let sum = 0;
    for (let i = 0; i < 14; i++) sum += digits.charCodeAt(i) - 48;
    return sum % 5 === 0;
  }
  return luhnValid(digits);
}

/**
 * French NIR (social security number): 13 characters + 2-digit key = 97 - (number mod 97).
 * Corsica's departments 2A and 2B count as 19 and 18 in the key computation.
 */
export function nirValid(compact: string): boolean {
  const nir = compact.toUpperCase();
  if (!/^[0-9]{5}(?:[0-9]{2}|2A|2B)[0-9]{8}$/.test(nir)) return false;
  if (!'123478'.includes(nir.charAt(0))) return false;
  const month = Number(nir.slice(3, 5));
  if (month === 0 || (month > 12 && month < 20) || (month > 42 && month < 50)) return false;
  const dept = nir.slice(5, 7);
  const body = nir.slice(0, 5) + (dept === '2A' ? '19' : dept === '2B' ? '18' : dept) + nir.slice(7, 13);
  return 97 - mod97(body) === Number(nir.slice(13));
}

const VAT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/**
 * French VAT number without the `FR` prefix: 2 key characters + SIREN. Numeric key =
 * (12 + 3 × (SIREN mod 97)) mod 97; the older alphanumeric keys follow the tax office's rule.
 */
export function frVatValid(compact: string): boolean {
  const v = compact.toUpperCase().replace(/^FR/, '');
  if (v.length !== 11 || !/^[0-9]{9}$/.test(v.slice(2))) return false;
  const a = VAT_ALPHABET.indexOf(v.charAt(0));
  const b = VAT_ALPHABET.indexOf(v.charAt(1));
  if (a < 0 || b < 0) return false;
  const siren = v.slice(2);
  if (!siren.startsWith('000') && !sirenValid(siren)) return false;
  if (a < 10 && b < 10) return Number(v.slice(0, 2)) === mod97(`${siren}12`);
  const check = a < 10 ? a * 24 + b - 10 : a * 34 + b - 100;
  return (Number(siren) + 1 + Math.floor(check / 11)) % 11 === check % 11;
}

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'discover' | 'diners' | 'jcb' | 'unionpay' | 'maestro' | 'mir';

/** Issuer (brand) from the leading digits and length; undefined when no known range fits. */
export function cardBrand(digits: string): CardBrand | undefined {
  const n = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p3 = Number(digits.slice(0, 3));
  const p4 = Number(digits.slice(0, 4));
  if (digits[0] === '4' && (n === 13 || n === 16 || n === 19)) return 'visa';
  if (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && n === 16) return 'mastercard';
  if ((p2 === 34 || p2 === 37) && n === 15) return 'amex';
  if ((p4 === 6011 || (p3 >= 644 && p3 <= 649) || p2 === 65) && n >= 16 && n <= 19) return 'discover';
  if (((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39) && n >= 14 && n <= 19) return 'diners';
  if (p4 >= 3528 && p4 <= 3589 && n >= 16 && n <= 19) return 'jcb';
  if ((p4 === 2131 || p4 === 1800) && n === 15) return 'jcb';
  if (p4 >= 2200 && p4 <= 2204 && n >= 16 && n <= 19) return 'mir';
  if (p2 === 62 && n >= 16 && n <= 19) return 'unionpay';
  if ((p2 === 50 || (p2 >= 56 && p2 <= 69)) && n >= 12 && n <= 19) return 'maestro';
  return undefined;
}
