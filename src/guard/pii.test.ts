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
  it('explains each phone in both languages', () => {
    const s = scanText('Tél. : 06 12 34 56 78').spans[0];
    expect(s?.reasons.map((r) => r.code)).toEqual(['phone.valid', 'phone.cue']);
    expect(s?.reasons.every((r) => r.fr.length > 0 && r.en.length > 0)).toBe(true);
  });
});
