/**
 * Phone numbers: a linear scan picks candidate runs (digits, spaces, dots, hyphens, brackets,
 * a leading +, an extension "x123"), shapes that are dates, US SSNs or thousands are set
 * aside, and libphonenumber-js (full metadata) checks the rest against the number plans of the
 * organisation's region and of the English-speaking plans.
 *
 * Why not libphonenumber's own text finder: it runs its regular expressions over the whole
 * text once per default region and only reports numbers valid in that region; our scanner reads
 * the text once and calls the library on the few candidates with 7–15 digits.
 *
 * The rule, so a bare run of digits is not a phone number by itself:
 * - written internationally (`+33 …`, `0033 …`): valid → high score; possible length → medium;
 * - formatted like a phone (brackets around an area code, or three groups or more): valid in
 *   one of the regions → reported;
 * - otherwise (one or two groups of digits): reported only after a phone cue ("tél.", "phone",
 *   "mobile", "fax", "call me", ...) or before one ("… office", "… fax").
 * A phone cue also lets through a number no plan knows (a customer's own notation).
 */
import type { CountryCode } from 'libphonenumber-js/max';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { reason, span } from './span.js';
import { fold, isAsciiAlnum, isDigit, isLetter } from './text.js';
import type { Detector, Span, SpanReason } from './types.js';

/** Separators inside a phone number: space . - ( ) / no-break spaces. */
function isPhoneSeparator(c: number): boolean {
  return c === 32 || c === 46 || c === 45 || c === 40 || c === 41 || c === 47 || c === 0xa0 || c === 0x202f;
}

/** Words (folded) that announce a phone number just before it. */
const CUES_BEFORE = new Set([
  'tel',
  'telephone',
  'telephoner',
  'phone',
  'phones',
  'mobile',
  'mob',
  'portable',
  'fax',
  'cell',
  'cellphone',
  'gsm',
  'call',
  'calling',
  'appeler',
  'appelez',
  'rappeler',
  'rappelez',
  'joindre',
  'joignable',
  'whatsapp',
  'sms',
  'desk',
  'ph',
  'standard',
  'ligne',
]);
/**
 * Words (folded) about reaching someone by phone that are not specific enough alone: they
 * count as a cue only for a number written in groups ("99 668472", "71-33-52-22"), never for
 * one bare run of digits (an order or ticket number after "message" stays out), and not for
 * an amount's thousands grouping ("1 234 567", "12 345 678") unless its first group has three
 * digits like the 3-3-3 national plans (Spain, Portugal, Poland: "699 956 915").
 */
const WEAK_CUES_BEFORE = new Set([
  'message',
  'messages',
  'messaging',
  'texting',
  'texto',
  'voicemail',
  'answering',
  'dial',
  'dialing',
  'dialling',
  'ring',
  'reach',
  'reachable',
  'hotline',
  'helpline',
  'composer',
  'composez',
  'messagerie',
  'repondeur',
  'injoignable',
]);
/** Words (folded) that label a phone number just after it, as in address blocks. */
const CUES_AFTER = new Set([
  'office',
  'fax',
  'mobile',
  'home',
  'work',
  'cell',
  'desk',
  'bureau',
  'portable',
  'domicile',
]);

/** True when one of `cues` is a whole word among the `width` folded characters before / after. */
function cueNear(folded: string, from: number, to: number, cues: ReadonlySet<string>): boolean {
  const a = Math.max(0, from);
  const b = Math.min(folded.length, to);
  let i = a;
  while (i < b) {
    while (i < b && !isLetter(folded.charCodeAt(i))) i++;
    const s = i;
    while (i < b && isLetter(folded.charCodeAt(i))) i++;
    // A word cut by the window edge is not a whole word.
    if (
      i > s &&
      !(s === a && a > 0 && isLetter(folded.charCodeAt(a - 1))) &&
      !(i === b && b < folded.length && isLetter(folded.charCodeAt(b)))
    )
      if (cues.has(folded.slice(s, i))) return true;
  }
  return false;
}

/** Extension markers after a number, longest first (folded, compared in lower case). */
const EXTENSION_WORDS = ['extension', 'ext.', 'extn', 'ext', 'poste'];

/**
 * End of an extension written after the number at `end`: "x204" glued to it, or after one
 * space "x204", "ext. 204", "ext 204", "extension 204", "poste 204" (French); 1 to 6 digits.
 * Returns `end` when there is none.
 */
function extensionEnd(text: string, end: number): number {
  const n = text.length;
  let k = end;
  const spaced = text.charCodeAt(k) === 32;
  if (spaced) k++;
  const lower = text.slice(k, k + 10).toLowerCase();
  let marker = 0;
  if (lower.charCodeAt(0) === 120 && isDigit(lower.charCodeAt(1))) marker = 1;
  else if (spaced)
    for (const w of EXTENSION_WORDS)
      if (lower.startsWith(w)) {
        marker = w.length;
        break;
      }
  if (marker === 0) return end;
  k += marker;
  if (marker > 1 && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 58)) k++;
  let x = k;
  while (x < n && x - k < 6 && isDigit(text.charCodeAt(x))) x++;
  if (x === k || (x < n && isAsciiAlnum(text.charCodeAt(x)))) return end;
  return x;
}

interface Candidate {
  readonly start: number;
  readonly end: number;
  /** Digits only, with a leading + when written internationally (00 prefix turned into +). */
  readonly dialable: string;
  readonly digits: number;
  readonly groups: readonly number[];
  readonly international: boolean;
  readonly brackets: boolean;
  readonly separators: string;
}

/** Dates (2024-03-01, 01/03/2024, 01.03.24), US SSNs (123-45-6789): not phone numbers. */
function otherShape(c: Candidate): boolean {
  const g = c.groups;
  const sep = c.separators;
  if (g.length >= 3 && g[0] === 4 && g[1] === 2 && g[2] === 2 && sep.startsWith('--')) return true;
  if (
    g.length === 3 &&
    (g[0] ?? 0) <= 2 &&
    (g[1] ?? 0) <= 2 &&
    (g[2] === 4 || g[2] === 2) &&
    (sep === '//' || sep === '..' || sep === '--')
  )
    return true;
  if (g.length === 3 && g[0] === 3 && g[1] === 2 && g[2] === 4 && sep === '--') return true;
  return false;
}

/** 1 000 000, 12 345 678.90 style amounts: every group after the first has 3 digits. */
function thousands(c: Candidate): boolean {
  if (c.international || c.brackets || c.groups.length < 2 || c.dialable.startsWith('0')) return false;
  return (c.groups[0] ?? 0) <= 3 && c.groups.slice(1).every((n) => n === 3);
}

const PARSE_REGIONS_EN: readonly CountryCode[] = ['US', 'GB'];

/** What the detector needs from one parse: validity, possibility, and the plan's name. */
interface PlanCheck {
  readonly valid: boolean;
  readonly possible: boolean;
  /** Region, or calling code when the plan has no single region. */
  readonly plan: string;
}
const NOT_A_NUMBER: PlanCheck = { valid: false, possible: false, plan: '' };

/**
 * libphonenumber compiles its metadata's regular expressions on every call: one check costs
 * 5 to 200 µs (the British plan is the slowest), far more than the rest of a scan. A proxy sees
 * the same numbers again and again (chat clients resend the whole conversation each turn,
 * signatures repeat), so results are memoised. Keys are 53-bit hashes of region and number,
 * so the memo holds no clear phone number; it is bounded and emptied when full.
 */
const PLAN_MEMO = new Map<number, PlanCheck>();
const PLAN_MEMO_MAX = 4096;
let planMemoEnabled = true;

/** Empties the memo, and turns it off or on (benchmarks measure first sightings with it off). */
export function resetPhonePlanMemo(enabled = true): void {
  PLAN_MEMO.clear();
  planMemoEnabled = enabled;
}

function memoKey(region: string, dialable: string): number {
  let a = 0x811c9dc5;
  let b = 0x2545f491;
  for (const s of [region, '|', dialable])
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
    }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}

function checkPlan(dialable: string, region: CountryCode): PlanCheck {
  const key = planMemoEnabled ? memoKey(region, dialable) : 0;
  const known = planMemoEnabled ? PLAN_MEMO.get(key) : undefined;
  if (known) return known;
  const parsed = parsePhoneNumberFromString(dialable, region);
  let result = NOT_A_NUMBER;
  if (parsed) {
    const valid = parsed.isValid();
    result = {
      valid,
      possible: valid || parsed.isPossible(),
      plan: parsed.country ?? parsed.countryCallingCode,
    };
  }
  if (planMemoEnabled) {
    if (PLAN_MEMO.size >= PLAN_MEMO_MAX) PLAN_MEMO.clear();
    PLAN_MEMO.set(key, result);
  }
  return result;
}

export const phoneDetector: Detector = {
  id: 'pii.phone',
  types: ['pii.phone'],
  description: {
    fr: 'Numéros de téléphone (français et internationaux)',
    en: 'Phone numbers (French and international)',
  },
  detect(text, context) {
    const out: Span[] = [];
    const regions: CountryCode[] = [context.defaultRegion as CountryCode];
    if (context.locales.includes('en')) for (const r of PARSE_REGIONS_EN) if (!regions.includes(r)) regions.push(r);
    const n = text.length;
    let folded: string | undefined;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (!(isDigit(c) || c === 43 || c === 40)) continue;
      if (i > 0) {
        const p = text.charCodeAt(i - 1);
        if (isAsciiAlnum(p) || p === 43 || p === 45 || p === 46 || p === 47 || p === 95) continue;
      }
      // Read the run: digits and single or double separators, at most 32 characters.
      let j = i + (c === 43 ? 1 : 0);
      let dialable = c === 43 ? '+' : '';
      let digits = 0;
      let lastDigit = -1;
      let sepRun = 0;
      let brackets = false;
      let separators = '';
      const groups: number[] = [];
      let group = 0;
      while (j < n && j - i < 32) {
        const d = text.charCodeAt(j);
        if (isDigit(d)) {
          digits++;
          group++;
          dialable += text[j];
          lastDigit = j + 1;
          sepRun = 0;
        } else if (isPhoneSeparator(d) && sepRun < 2) {
          // "(0)" after a country code is the trunk prefix written for national callers.
          if (
            d === 40 &&
            text.charCodeAt(j + 1) === 48 &&
            text.charCodeAt(j + 2) === 41 &&
            (dialable.startsWith('+') || dialable.startsWith('00'))
          ) {
            j += 3;
            continue;
          }
          if (d === 40 || d === 41) brackets = true;
          if (group > 0) {
            groups.push(group);
            group = 0;
          }
          if (d !== 32 && d !== 0xa0 && d !== 0x202f) separators += text[j];
          sepRun++;
        } else break;
        j++;
      }
      if (group > 0) groups.push(group);
      if (lastDigit < 0) continue;
      // An extension: x123, ext. 123, poste 123.
      const end = extensionEnd(text, lastDigit);
      // A digit or letter glued to the end means a longer token: not a phone number.
      if (
        end < n &&
        (isAsciiAlnum(text.charCodeAt(end)) || (text.charAt(end) === '.' && isDigit(text.charCodeAt(end + 1))))
      ) {
        i = end - 1;
        continue;
      }
      context.work.units += end - i;
      if (digits < 7 || digits > 15) {
        i = end - 1;
        continue;
      }
      // International prefix 00, also written "+00" by people who mix both notations.
      if (dialable.startsWith('+00') && !dialable.startsWith('+000')) dialable = `+${dialable.slice(3)}`;
      else if (dialable.startsWith('00') && !dialable.startsWith('000')) dialable = `+${dialable.slice(2)}`;
      const cand: Candidate = {
        start: text.charAt(i) === '(' && !text.slice(i, end).includes(')') ? i + 1 : i,
        end,
        dialable,
        digits,
        groups,
        international: dialable.startsWith('+'),
        brackets,
        separators,
      };
      i = end - 1;
      if (otherShape(cand)) continue;
      folded ??= fold(text);
      const cue =
        cueNear(folded, cand.start - 32, cand.start, CUES_BEFORE) ||
        cueNear(folded, end, end + 14, CUES_AFTER) ||
        (groups.length >= 2 &&
          (!thousands(cand) || (groups[0] ?? 0) === 3) &&
          cueNear(folded, cand.start - 32, cand.start, WEAK_CUES_BEFORE));
      const formatted = cand.international || cand.brackets || groups.length >= 3;
      if (!cue && (!formatted || thousands(cand))) continue;
      // Number plans: international numbers parse on their own; national ones per region.
      let valid: PlanCheck | undefined;
      let possible: PlanCheck | undefined;
      for (const region of cand.international ? regions.slice(0, 1) : regions) {
        context.work.units++;
        const checked = checkPlan(cand.dialable, region);
        if (checked.valid) {
          valid = checked;
          break;
        }
        if (!possible && checked.possible) possible = checked;
      }
      let score: number;
      const reasons: SpanReason[] = [];
      const plan = valid ?? possible;
      if (valid) {
        score = valid.plan === context.defaultRegion || cand.international || cue ? 0.92 : 0.8;
        reasons.push(
          reason(
            'phone.valid',
            `numéro de téléphone valide selon le plan de numérotation (${valid.plan})`,
            `valid phone number for its numbering plan (${valid.plan})`,
          ),
        );
      } else if (possible && (cand.international || cue)) {
        score = 0.75;
        reasons.push(
          reason(
            'phone.possible',
            `longueur possible pour le plan de numérotation (${possible.plan})`,
            `possible length for the numbering plan (${possible.plan})`,
          ),
        );
      } else if (cue) {
        score = 0.65;
      } else continue;
      if (cue)
        reasons.push(reason('phone.cue', 'annoncé comme un numéro de téléphone', 'introduced as a phone number'));
      if (!plan && cue && reasons.length === 1)
        reasons.unshift(
          reason('phone.shape', `${digits} chiffres groupés comme un numéro`, `${digits} digits grouped like a number`),
        );
      out.push(span('pii.phone', 'pii.phone', cand.start, end, score, reasons));
    }
    return out;
  },
};
