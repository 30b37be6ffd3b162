import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Span } from './index.js';
import { DETECTORS, resolveOverlaps, scanText } from './index.js';

describe('registry and overlaps', () => {
  it('keeps the higher-scoring, more specific span', () => {
    const a: Span = { type: 'pii.phone', start: 0, end: 10, score: 0.8, detector: 'x', reasons: [] };
    const b: Span = { type: 'pii.siret', start: 0, end: 14, score: 0.95, detector: 'y', reasons: [] };
    const c: Span = { type: 'pii.email', start: 20, end: 30, score: 0.9, detector: 'z', reasons: [] };
    expect(resolveOverlaps([a, b, c]).map((s) => s.type)).toEqual(['pii.siret', 'pii.email']);
  });
  it('reports truncation of long input', () => {
    const r = scanText('a'.repeat(100), { maxLength: 10 });
    expect(r.truncated).toEqual({ scannedLength: 10, totalLength: 100 });
  });
  it('registers every detector under its own id, with FR and EN descriptions', () => {
    expect(DETECTORS.size).toBeGreaterThanOrEqual(20);
    for (const [id, d] of DETECTORS) {
      expect(d.id).toBe(id);
      expect(d.description.fr.length).toBeGreaterThan(0);
      expect(d.description.en.length).toBeGreaterThan(0);
    }
  });
  it('explains every span in French and English', () => {
    const text =
      'Tél 06 12 34 56 78, IBAN FR7630006000011234567890189, 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, CONFIDENTIEL\nMme Lefèvre';
    const { spans } = scanText(text);
    expect(spans.length).toBeGreaterThanOrEqual(5);
    for (const s of spans) {
      expect(s.reasons.length).toBeGreaterThan(0);
      for (const r of s.reasons) expect(r.fr.length * r.en.length).toBeGreaterThan(0);
    }
  });
});

describe('robustness', () => {
  it('never throws; spans are in bounds and sorted', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const { spans, errors } = scanText(text);
        expect(errors).toBeUndefined();
        let prev = -1;
        for (const s of spans) {
          expect(s.start).toBeGreaterThanOrEqual(0);
          expect(s.end).toBeLessThanOrEqual(text.length);
          expect(s.start).toBeLessThan(s.end);
          expect(s.start).toBeGreaterThanOrEqual(prev);
          prev = s.start;
        }
      }),
      { numRuns: 300 },
    );
  });
  // Work units (candidates evaluated, characters read around them), not time: a scan of 10×
  // the text must cost at most 10× the work, plus slack for boundaries.
  const UNITS = [
    '1',
    '1 ',
    '@',
    'a@',
    '=',
    'a=',
    ':',
    'eyJ',
    'ops_',
    'sk_live_',
    'ghs_',
    '://a:b@',
    '-----BEGIN PRIVATE KEY-----',
    'M. ',
    '2001:',
    '+33 6 ',
    'confidential ',
    'Cordialement\n',
    'né le ',
    'passeport ',
    '12 rue ',
    'Jean ',
    '{\n',
    '```\n',
    'FR76 3000 ',
  ];
  it('does linear work on repetitive input', () => {
    for (const unit of UNITS) {
      const small = scanText(unit.repeat(Math.ceil(2_000 / unit.length)));
      const large = scanText(unit.repeat(Math.ceil(20_000 / unit.length)));
      expect(large.errors, unit).toBeUndefined();
      expect(large.work, unit).toBeLessThanOrEqual(10 * small.work * 1.1 + 1_000);
      // And a bounded constant per character.
      expect(large.work / 20_000, unit).toBeLessThan(80);
    }
  });
  it('does linear work on realistic mixed text', () => {
    const mixed =
      'Bonjour, je suis Jean Dupont (jean.dupont@exemple.fr, 06 12 34 56 78), IBAN FR76 3000 6000 0112 3456 7890 189.\n' +
      'password=Xk9#pL2!qw token 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 CONFIDENTIEL 12 rue de la Paix 75002 Paris\n';
    const small = scanText(mixed.repeat(10));
    const large = scanText(mixed.repeat(100));
    expect(large.spans.length).toBe(10 * small.spans.length);
    expect(large.work).toBeLessThanOrEqual(10 * small.work * 1.1);
  });
  it('finishes pathological inputs', () => {
    for (const unit of [
      '1',
      '@',
      '=',
      'a@',
      'eyJ',
      'ops_',
      ':',
      '1 ',
      'a=',
      '://a:b@',
      '-----BEGIN PRIVATE KEY-----',
      'M. ',
      '2001:',
    ]) {
      const text = unit.repeat(Math.ceil(20_000 / unit.length));
      const r = scanText(text);
      expect(r.errors).toBeUndefined();
    }
  });
});
