import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  featureScale,
  type MailModel,
  MODEL_FEATURES_PER_SIGN,
  MODEL_FEATURES_SHOWN,
  scoreWithModel,
} from './model.js';
import { SHIPPED_MAIL_MODEL } from './shipped-model.js';

/** What the verdict used to be given: every known feature, stably sorted by strength. */
function everyContribution(model: MailModel, features: readonly string[]) {
  const scale = featureScale(features.length);
  return features
    .filter((f) => model.features[f] !== undefined)
    .map((feature) => ({ feature, weight: Math.round((model.features[feature] as number) * scale * 1000) / 1000 }))
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
}

describe('the contributions a score keeps', () => {
  it('are the strongest, and the strongest of each sign, as a stable sort of them all orders them (property)', () => {
    // Few distinct weights, zeros and ties in absolute value across signs: where an order can slip.
    const weight = fc.constantFrom(0, 0.0001, 0.5, -0.5, 1, -1, 2, -2, 3.25, -0.7);
    fc.assert(
      fc.property(
        fc.array(fc.option(weight, { nil: undefined, freq: 8 }), { maxLength: 80, size: 'max' }),
        (weights) => {
          const names = weights.map((_, i) => `w:f${i}`);
          const features: Record<string, number> = {};
          weights.forEach((w, i) => {
            if (w !== undefined) features[names[i] as string] = w;
          });
          const model = { ...SHIPPED_MAIL_MODEL, features };
          const kept = scoreWithModel(model, new Set(names), []).contributions;
          const all = everyContribution(model, names);
          expect(kept.slice(0, MODEL_FEATURES_SHOWN)).toEqual(all.slice(0, MODEL_FEATURES_SHOWN));
          for (const sign of [1, -1]) {
            const ofSign = (list: readonly { weight: number }[]) =>
              list.filter((c) => Math.sign(c.weight) === sign).slice(0, MODEL_FEATURES_PER_SIGN);
            expect(ofSign(kept)).toEqual(ofSign(all));
          }
          // Nothing else, and in the same order: a subsequence of the full list.
          let at = 0;
          for (const c of kept) {
            while (at < all.length && all[at]?.feature !== c.feature) at++;
            expect(at).toBeLessThan(all.length);
          }
          expect(kept.length).toBeLessThanOrEqual(MODEL_FEATURES_SHOWN + 2 * MODEL_FEATURES_PER_SIGN);
        },
      ),
      { numRuns: 500 },
    );
  });
});
