import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectionFigures, foldOf, rocAuc } from './evaluate.js';
import { messageFeatures } from './features.js';
import { scoreWithModel } from './model.js';
import { type TrainingExample, trainMailModel } from './train.js';

describe('messageFeatures', () => {
  it('reads folded words of the subject, sender name and body, digits as shapes, bigrams within sentences', () => {
    const features = messageFeatures({
      subject: "Vérifiez votre compte d'accès",
      displayName: 'Sécurité',
      text: 'Connectez-vous avant le 12/05/2024. Code A1B2 merci',
    });
    expect([...features]).toEqual(
      expect.arrayContaining([
        's:verifiez',
        's:compte',
        'n:securite',
        'w:connectez',
        'w:#2',
        'w:#4',
        'w:#mixed',
        'b:connectez_vous',
      ]),
    );
    // No bigram across the sentence end, and no year as a word.
    expect(features.has('b:#4_code')).toBe(false);
    // A lone letter (the d of d'accès) is no word at all.
    expect(features.has('s:#mixed')).toBe(false);
    expect([...features].some((f) => f.includes('2024'))).toBe(false);
  });
});

const example = (words: string[], phishing: boolean, reasons: TrainingExample['reasons'] = []): TrainingExample => ({
  features: new Set(words.map((w) => `w:${w}`)),
  reasons,
  phishing,
});

describe('trainMailModel', () => {
  const examples: TrainingExample[] = [];
  for (let i = 0; i < 20; i++) {
    examples.push(
      example(['verify', 'account', `p${i % 4}`], true, i % 2 ? [{ code: 'mail.link.ip_host', weight: 2 }] : []),
    );
    examples.push(example(['meeting', 'agenda', `h${i % 4}`], false));
  }
  const meta = { version: 't', corpusDigest: 'd', thresholds: { suspicious: 0.5, phishing: 0.9 } };

  it('learns which words mean phishing and separates the classes', () => {
    const model = trainMailModel(examples, meta);
    expect(model.features['w:verify']).toBeGreaterThan(0);
    expect(model.features['w:meeting']).toBeLessThan(0);
    const phishing = scoreWithModel(model, new Set(['w:verify', 'w:account']), []).probability;
    const legitimate = scoreWithModel(model, new Set(['w:meeting']), []).probability;
    expect(phishing).toBeGreaterThan(0.8);
    expect(legitimate).toBeLessThan(0.2);
    expect(model.signalScales['mail.link.ip_host']).toBeGreaterThanOrEqual(0);
  });

  it('is deterministic: the same examples give the same model', () => {
    expect(JSON.stringify(trainMailModel(examples, meta))).toBe(JSON.stringify(trainMailModel(examples, meta)));
  });

  it('ignores rare words (they only memorise)', () => {
    const model = trainMailModel([...examples, example(['once'], true)], meta);
    expect(model.features['w:once']).toBeUndefined();
  });
});

describe('evaluation', () => {
  it('computes ROC AUC as the share of correctly ordered pairs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 30 }),
        (negatives, positives) => {
          let pairs = 0;
          for (const p of positives) for (const n of negatives) pairs += p > n ? 1 : p === n ? 0.5 : 0;
          expect(rocAuc(negatives, positives)).toBeCloseTo(pairs / (negatives.length * positives.length), 10);
        },
      ),
    );
  });

  it('finds the recall at a false-positive budget', () => {
    const scores = [0.1, 0.2, 0.3, 0.95, 0.4, 0.5, 0.99, 0.97];
    const labels = [false, false, false, false, true, true, true, true];
    // One legitimate message at 0.95: with no false positive allowed only 0.97 and 0.99 count.
    expect(detectionFigures(scores, labels, 0)).toMatchObject({ recallAtFpr: 0.5, thresholdAtFpr: 0.95 });
    expect(detectionFigures(scores, labels, 0.25)).toMatchObject({ recallAtFpr: 1, thresholdAtFpr: 0.3 });
  });

  it('assigns folds from the id alone', () => {
    expect(foldOf('a.eml', 5)).toBe(foldOf('a.eml', 5));
    const folds = new Set(Array.from({ length: 100 }, (_, i) => foldOf(`m${i}`, 5)));
    expect(folds.size).toBe(5);
  });
});
