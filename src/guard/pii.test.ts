import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frVatValid, ibanValid, nirValid, scanText, siretValid } from './index.js';

function types(text: string, options = {}): string[] {
  return scanText(text, options).spans.map((s) => `${s.type}:${text.slice(s.start, s.end)}`);
}

describe('personal data', () => {
  it('finds valid identifiers and explains them', () => {
    const found = types('IBAN FR76 3000 6000 0112 3456 7890 189 et carte 4111 1111 1111 1111, SIRET 732 829 320 00074');
    expect(found).toContain('pii.iban:FR76 3000 6000 0112 3456 7890 189');
    expect(found).toContain('pii.card:4111 1111 1111 1111');
    expect(found).toContain('pii.siret:732 829 320 00074');
    const iban = scanText('FR7630006000011234567890189').spans[0];
    expect(iban?.reasons[0]?.en).toContain('mod-97');
    expect(JSON.stringify(iban?.reasons)).not.toContain('30006000011234567890189');
  });
  it('rejects near-misses with a wrong check digit', () => {
    expect(types('IBAN FR76 3000 6000 0112 3456 7890 188')).toEqual([]);
    expect(types('carte 4111 1111 1111 1112')).toEqual([]);
    expect(siretValid('73282932000079')).toBe(false);
    expect(siretValid('35600000049838')).toBe(false);
    expect(siretValid('35600000000001')).toBe(true);
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('GB82WEST12345698765431')).toBe(false);
  });
  it('reads card groupings of every issuer length, and keeps Luhn and issuer ranges', () => {
    expect(types('Amex 3782 822463 10005 on file')).toEqual(['pii.card:3782 822463 10005']);
    expect(types('Diners: 3056 9309 0259 04')).toEqual(['pii.card:3056 9309 0259 04']);
    expect(types('card 4111-1111-1111-1111 or 4111.1111.1111.1111')).toEqual([
      'pii.card:4111-1111-1111-1111',
      'pii.card:4111.1111.1111.1111',
    ]);
    expect(types('Visa 4111 1111 1111 1111 110')).toEqual(['pii.card:4111 1111 1111 1111 110']);
    expect(types('JCB 3530 1113 3330 0000')).toEqual(['pii.card:3530 1113 3330 0000']);
    expect(scanText('Diners: 3056 9309 0259 04').spans[0]?.score).toBeGreaterThan(0.95);
    // Luhn-valid but outside every issuer range (JCB is 3528-3589): a card only when a card word
    // introduces it, with less confidence; never with 12 digits; never with a wrong check digit.
    expect(types('ref 3502162941615515 and order 3512 3456 7890 1236')).toEqual([]);
    expect(types('card 3502162941615515 and card 0604 2607 0011')).toEqual(['pii.card:3502162941615515']);
    const unknownIssuer = scanText('Card number: 3512 3456 7890 1236').spans[0];
    expect(unknownIssuer?.score).toBeLessThan(0.9);
    expect(unknownIssuer?.reasons[0]?.code).toBe('card.luhn_context');
    expect(types('Amex 3782 822463 10006')).toEqual([]);
  });
  it("keeps La Poste's head office on the Luhn key, and reads a number named SIREN as one", () => {
    expect(siretValid('35600000000048')).toBe(true);
    expect(siretValid('35600000049837')).toBe(true); // an establishment: digit sum 45
    expect(siretValid('35600000000049')).toBe(false);
    // Nine digits that also make a valid French landline: the word SIREN decides.
    expect(types('le SIREN 3 1 0 1 8 8 4 2 0 de la société')).toEqual(['pii.siren:3 1 0 1 8 8 4 2 0']);
    expect(types('appelez le 03 10 18 84 20')).toEqual(['pii.phone:03 10 18 84 20']);
  });

  it('checks the NIR key, Corsica included', () => {
    expect(nirValid('253072A07300443')).toBe(true);
    expect(nirValid('253072B07300470')).toBe(true);
    expect(nirValid('253072C07300443')).toBe(false);
    expect(types('NIR : 2 53 07 2A 073 004 43')).toEqual(['pii.nir:2 53 07 2A 073 004 43']);
    expect(types('NIR : 2 53 07 2A 073 004 44')).toEqual([]);
  });
  it('checks French VAT keys', () => {
    expect(frVatValid('FR40303265045')).toBe(true);
    expect(frVatValid('K7399859412')).toBe(true);
    expect(frVatValid('84323140391')).toBe(false);
  });
  it('finds e-mails, phones, IPs, birth dates, addresses and names', () => {
    const text =
      'Écrire à jean.dupont@exemple.fr ou appeler le 06 12 34 56 78. Serveur 10.0.0.12. Née le 3 mars 1984, Mme Lefèvre habite 12 rue de la Paix, 75002 Paris.';
    const found = types(text);
    expect(found).toContain('pii.email:jean.dupont@exemple.fr');
    expect(found).toContain('pii.phone:06 12 34 56 78');
    expect(found).toContain('pii.ip:10.0.0.12');
    expect(found).toContain('pii.birth_date:3 mars 1984');
    expect(found).toContain('pii.person:Mme Lefèvre');
    expect(found).toContain('pii.address:12 rue de la Paix, 75002 Paris');
    expect(types('Cordialement,\nJean-Pierre Martin')).toContain('pii.person:Jean-Pierre Martin');
  });
  it('does not take version numbers or invalid octets for IP addresses', () => {
    expect(types('version 1.2.3.4 and 300.1.1.1')).toEqual([]);
  });
});

describe('phone numbers', () => {
  it('needs a phone format or a phone cue for a run of digits', () => {
    expect(types('Tél. : 06 12 34 56 78')).toEqual(['pii.phone:06 12 34 56 78']);
    expect(types('Call me on 467 3395 tomorrow')).toEqual(['pii.phone:467 3395']);
    expect(types('Mobile: +44 7911 123456, Desk: (212) 555-0198x42')).toEqual([
      'pii.phone:+44 7911 123456',
      'pii.phone:(212) 555-0198x42',
    ]);
    expect(types('+41 (0)96 471 07 95')).toEqual(['pii.phone:+41 (0)96 471 07 95']);
    // Bare digits without a cue, amounts, dates and US SSNs are not phones.
    expect(types('Order 0612345678 shipped; total 1 000 000 units')).toEqual([]);
    expect(types('When: 2000-04-16 11:34:35')).toEqual([]);
    expect(types('SSN: 460-89-9847')).toEqual([]);
    expect(types('The restaurant is at 17151 2450 Crown St')).not.toContain('pii.phone:17151 2450');
  });
  it('reads extensions, trunk prefixes and international prefixes', () => {
    expect(types('Call me at +1 415 555 2671 ext. 204 tomorrow')).toEqual(['pii.phone:+1 415 555 2671 ext. 204']);
    expect(types('Desk: (415) 555-2671 x204')).toEqual(['pii.phone:(415) 555-2671 x204']);
    expect(types('Standard : 01 42 68 53 00 poste 12')).toEqual(['pii.phone:01 42 68 53 00 poste 12']);
    expect(types('Call 0033 (0)1 42 68 53 00')).toEqual(['pii.phone:0033 (0)1 42 68 53 00']);
    expect(types('From the US dial 011 33 1 42 68 53 00 today')).toEqual(['pii.phone:011 33 1 42 68 53 00']);
    // "+00" mixes both notations: read as "+", so the number is checked against its plan.
    const mixed = scanText('tél. +00 33 1 42 68 53 00').spans[0];
    expect(mixed?.reasons[0]?.code).toBe('phone.valid');
    // An "x" with a space, too many extension digits or letters glued after: no extension.
    expect(types('Call 415 555 2671 x 3 times')).toEqual(['pii.phone:415 555 2671']);
    expect(types('Desk: (415) 555-2671x1234567')).toEqual([]);
    expect(types('Call 415 555 2671 extra')).toEqual(['pii.phone:415 555 2671']);
  });
  it('extends a phone span only over a well-formed extension, whatever follows', () => {
    const head = 'Tél. : 01 42 68 53 00';
    const ext = /^(?: ?x[0-9]{1,6}| (?:extension|ext\.|extn|ext|poste)[ :]?[0-9]{1,6})$/i;
    // Anything that does not continue the number itself (a digit or a separator would).
    const tail = fc.stringMatching(/^ ?[xXeEpPt#:][ xX0-9extnsiopa.:#-]{0,12}$/);
    fc.assert(
      fc.property(tail, (suffix) => {
        const text = head + suffix;
        for (const s of scanText(text).spans)
          if (s.type === 'pii.phone' && s.end > head.length) expect(text.slice(head.length, s.end)).toMatch(ext);
      }),
    );
  });
  it('takes messaging words as cues only for grouped numbers that are not amounts', () => {
    expect(types('I would like to stop receiving messages to 699 956 915')).toEqual(['pii.phone:699 956 915']);
    expect(types("They're not answering at 71-33-52-22")).toEqual(['pii.phone:71-33-52-22']);
    expect(types("didn't get any message on my registered 0961-7596216.")).toEqual(['pii.phone:0961-7596216']);
    // One bare run, thousands grouping, dates and SSNs stay out.
    expect(types('Send a message with ticket 12345678')).toEqual([]);
    expect(types('message about order 12 345 678')).toEqual([]);
    expect(types('messages: 1 234 567 sent')).toEqual([]);
    expect(types('reach 2024-03-01 or message ref 123-45-6789')).toEqual([]);
  });
  it('explains each phone in both languages', () => {
    const s = scanText('Tél. : 06 12 34 56 78').spans[0];
    expect(s?.reasons.map((r) => r.code)).toEqual(['phone.valid', 'phone.cue']);
    expect(s?.reasons.every((r) => r.fr.length > 0 && r.en.length > 0)).toBe(true);
  });
});
