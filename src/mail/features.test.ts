import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageFeatures } from './features.js';
import { type MailModel, scoreMessageWithModel, scoreWithModel } from './model.js';
import { SHIPPED_MAIL_MODEL } from './shipped-model.js';
import type { Reason } from './types.js';

// Words from a small vocabulary, so that texts repeat words and bigrams as real ones do, with
// numbers, mixed tokens, accents, sentence ends and words too long or too short to count.
const piece = fc.constantFrom(
  'verify',
  'your',
  'account',
  'Compte',
  'vérifiez',
  'VOTRE',
  'a',
  '2024',
  '7',
  'x9z',
  'iban',
  'https://example.com/login',
  '. ',
  '! ',
  '\n',
  '-',
  ', ',
  'ß',
  'straße',
  'é',
  'Ωmega',
  'a'.repeat(30),
);
const text = fc
  .array(fc.tuple(piece, fc.constantFrom(' ', '', '  ', '\t')), { maxLength: 80 })
  .map((parts) => parts.map(([p, s]) => p + s).join(''));
const input = fc.record({ subject: text, text, displayName: text });

/** A model that knows some of the features of `sample` (and some it never sees), with random weights. */
function modelOf(sample: { subject: string; text: string; displayName: string }, seed: number): MailModel {
  const names = [...messageFeatures(sample), 'b:verify_your', 'w:account', 's:iban', 'n:compte', 'b:odd_pair_x'];
  const features: Record<string, number> = {};
  names.forEach((name, i) => {
    if ((i * 7 + seed) % 3 !== 0) features[name] = (((i * 37 + seed) % 41) - 20) / 7;
  });
  return { ...SHIPPED_MAIL_MODEL, bias: (seed % 5) - 2, features };
}

const reasons: Reason[] = [
  { code: 'mail.intent.urgency', category: 'intent', weight: 1.2, message: { fr: 'u', en: 'u' } },
];

describe('scoring a message without building its feature set', () => {
  it('gives what scoring its feature set gives, to the last bit (property)', () => {
    fc.assert(
      fc.property(input, input, fc.nat(100), (message, sample, seed) => {
        const model = modelOf(sample, seed);
        expect(scoreMessageWithModel(model, message, reasons)).toEqual(
          scoreWithModel(model, messageFeatures(message), reasons),
        );
        // The message's own features as the model's words: every one of them is found.
        const own = modelOf(message, seed);
        expect(scoreMessageWithModel(own, message, reasons)).toEqual(
          scoreWithModel(own, messageFeatures(message), reasons),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same on a text of thousands of distinct words (the tables grow)', () => {
    const letters = (n: number) => String.fromCharCode(97 + (n % 26), 97 + ((n / 26) % 26), 97 + ((n / 676) % 26));
    const words = Array.from({ length: 5_000 }, (_, n) => `w${letters(n)}`);
    // Read backwards the second time: new bigrams of words already numbered.
    const text = `${words.join(' ')} ${[...words].reverse().join(' ')}`;
    const message = { subject: words.slice(0, 50).join(' '), text, displayName: 'Zed' };
    for (const seed of [0, 1, 2]) {
      const model = modelOf(message, seed);
      expect(scoreMessageWithModel(model, message, reasons)).toEqual(
        scoreWithModel(model, messageFeatures(message), reasons),
      );
    }
  });

  it('scores a real lure as the shipped model does through its feature set', () => {
    const lure = {
      subject: 'Action requise : vérifiez votre compte',
      text: 'Bonjour, votre compte sera suspendu dans 24 heures. Cliquez ici pour vérifier votre identité.\nMerci.',
      displayName: 'Service Client',
    };
    const fast = scoreMessageWithModel(SHIPPED_MAIL_MODEL, lure, []);
    expect(fast).toEqual(scoreWithModel(SHIPPED_MAIL_MODEL, messageFeatures(lure), []));
    expect(fast.contributions.length).toBeGreaterThan(2);
  });
});
