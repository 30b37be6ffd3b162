/**
 * Fast paths of the detectors (shared word-start scan, memoised phone checks) must find what
 * the plain paths find; and the cheap quality fixes (French VAT number without its prefix after
 * a cue, IBAN written "ES 58 …" or with dots) must hold without new false positives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanText } from './index.js';
import { resetPhonePlanMemo } from './phone.js';
import { isAsciiAlnum, isWordChar, PhraseIndex } from './text.js';

function types(text: string): string[] {
  return scanText(text).spans.map((s) => `${s.type}:${text.slice(s.start, s.end)}`);
}

describe('detector fast paths', () => {
  it('scans word starts only and finds what a full scan with the same boundary test finds', () => {
    const phrases = ['conf', 'confidentiel', 'tva', 'a', 'ab', 'né le', 'é'];
    const index = new PhraseIndex(phrases.map((p, i) => [p, i] as const));
    const run = (text: string, reject: (c: number) => boolean, fast: boolean) => {
      const hits: string[] = [];
      const visit = (at: number, phrase: string) => {
        if (!fast && at > 0 && reject(text.charCodeAt(at - 1))) return -1;
        hits.push(`${at}:${phrase}`);
        return phrase.length > 2 ? at + phrase.length : -1;
      };
      index.scan(text, visit, fast ? reject : undefined);
      return hits;
    };
    const alphabet = fc.constantFrom('conf', 'identiel', 'tva', 'a', 'b', ' ', 'é', 'né le', '_', '1', '\n', 'X');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        for (const reject of [isWordChar, isAsciiAlnum])
          expect(run(text, reject, true)).toEqual(run(text, reject, false));
      }),
      { numRuns: 300 },
    );
  });

  it('finds the same phone numbers with and without the number-plan memo', () => {
    const text =
      'Tél. 06 12 34 56 78, office (202) 555-0143, +44 20 7946 0958, appelez le 01 23 45 67 89 ; ref 12 345 678.';
    resetPhonePlanMemo(false);
    const cold = types(text);
    resetPhonePlanMemo(true);
    const first = types(text);
    const memoised = types(text);
    expect(cold.filter((t) => t.startsWith('pii.phone')).length).toBeGreaterThanOrEqual(3);
    expect(first).toEqual(cold);
    expect(memoised).toEqual(cold);
  });

  it('finds a French VAT number without its FR prefix only after a VAT cue', () => {
    expect(types('Merci de reporter le numéro de TVA 23 334 175 221 sur le formulaire.')).toEqual([
      'pii.vat_fr:23 334 175 221',
    ]);
    expect(types('N° TVA intracommunautaire : K7399859412.')).toEqual(['pii.vat_fr:K7399859412']);
    expect(types('VAT number: 4Z123456782')).toEqual(['pii.vat_fr:4Z123456782']);
    // Wrong key, no cue, or a rate before the number: nothing.
    expect(types('numéro de TVA 84 323 140 391')).toEqual([]);
    expect(types('référence 23 334 175 221')).not.toContain('pii.vat_fr:23 334 175 221');
    expect(types('TVA à 20 % sur 23334175221')).toEqual([]);
    // The prefixed form keeps its own span (not reported twice).
    expect(types('TVA : FR 40 303 265 045')).toEqual(['pii.vat_fr:FR 40 303 265 045']);
  });

  it('reads an IBAN with a space after the country code or dots between groups', () => {
    expect(types('IBAN ES 58 0049 0290 3424 1352 8341 merci')).toEqual(['pii.iban:ES 58 0049 0290 3424 1352 8341']);
    expect(types('konto NO07.8380.08.06006.')).toEqual(['pii.iban:NO07.8380.08.06006']);
    expect(types('IBAN ES 58 0049 0290 3424 1352 8342')).toEqual([]);
  });
});
