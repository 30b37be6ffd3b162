import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashOf, PairSet, PairTable, WordIds, WordTable } from './word-ids.js';

describe('word numbers and pair sets', () => {
  it('number words as a Map would, through growth and colliding hashes (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.stringMatching(/^[a-c]{1,4}$/), { maxLength: 300 }), { maxLength: 4 }),
        fc.boolean(),
        (texts, collide) => {
          // A table of 4 slots grows many times; a constant hash makes every word collide.
          const table = new WordIds(4);
          for (const words of texts) {
            const text = words.join(' ');
            table.reset(text);
            const reference = new Map<string, number>();
            let at = 0;
            for (const word of words) {
              const expected = reference.get(word) ?? reference.size;
              reference.set(word, expected);
              const id = table.idOf(at, at + word.length, collide ? 7 : hashOf(word), undefined);
              expect(id).toBe(expected);
              expect(table.word(id)).toBe(word);
              at += word.length + 1;
            }
          }
        },
      ),
    );
  });

  it('finds the words of a fixed list in place, as indexOf would (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-c#]{1,4}$/), { maxLength: 40 }),
        fc.array(fc.stringMatching(/^[a-c#]{1,4}$/), { maxLength: 60 }),
        (list, words) => {
          const table = new WordTable(list);
          const text = words.join(' ');
          let at = 0;
          for (const word of words) {
            expect(table.find(text, at, at + word.length, hashOf(word), undefined)).toBe(list.indexOf(word));
            expect(table.find('', 0, 0, hashOf(word), word)).toBe(list.indexOf(word));
            at += word.length + 1;
          }
        },
      ),
    );
  });

  it('tells fixed words from text words with the same hash', () => {
    const table = new WordIds(4);
    table.reset('ab xxab #mixed');
    expect(table.idOf(0, 2, 1, undefined)).toBe(0);
    expect(table.idOf(0, 0, 1, '#mixed')).toBe(1);
    expect(table.idOf(5, 7, 1, undefined)).toBe(0);
    expect(table.idOf(0, 0, 1, '#mixed')).toBe(1);
    // The text's own `#mixed` is a word of the text, not the fixed word.
    expect(table.idOf(8, 14, 1, undefined)).toBe(2);
    expect([table.word(0), table.word(1), table.word(2), table.size]).toEqual(['ab', '#mixed', '#mixed', 3]);
    table.reset('');
    expect(table.idOf(0, 0, 1, '#mixed')).toBe(0);
  });

  it('holds unsigned 32-bit keys as a Set would, and forgets them on reset (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.oneof(fc.nat(20), fc.constantFrom(0, 65_535 * 65_536 + 65_535, 2 ** 31)), { maxLength: 300 }),
        ),
        (runs) => {
          const pairs = new PairSet(4);
          for (const keys of runs) {
            pairs.reset();
            const reference = new Set<number>();
            for (const key of keys) {
              expect(pairs.add(key)).toBe(!reference.has(key));
              reference.add(key);
            }
          }
        },
      ),
    );
  });

  it('forgets what it held when its generation stamp wraps after 2^32 texts', () => {
    class Aged extends PairSet {
      age(): void {
        this.generation = 0xfffffffe;
      }
    }
    const pairs = new Aged(8);
    pairs.age();
    pairs.reset(); // the last generation before the wrap
    expect(pairs.add(3)).toBe(true);
    pairs.reset(); // wraps: stamps cleared
    expect(pairs.add(3)).toBe(true);
    expect(pairs.add(3)).toBe(false);
  });
  it('spreads words that all share one hash under a fixed multiplier (hash flooding)', () => {
    // Fifty of the 32,809 ten-letter words a review computed with one hash for the multiplier 31.
    const words = `
    siaaaekyvm zmaaavdktd cyaaakbclj uebaapquol mmbaaslyyz hecaamzduc rldaabrezn ypdaasjvxe
    theaamxasm dxeaasnjij ghfaakaoyd vwfaaekgdg idgaavgkrc nciaaelvrv ugiaavehpm uziaabqrhh
    acjaabuexm hgjaasmvvd wvjaamwnag zfkaaejsqa mflaabsbvw tjlaaskstn enlaaengbf gjmaaptbze
    bbnaakblum dqoaabtrfg paqaavfelv aeqaahhwyn hiqaayaiwe ptqaabrodq wxqaaskabh caraasnsrm
    mhsaahftwx epsaakaycg odtaaslppw ykuaahdqvc sovaaveqyp dsvaahhegh pvxaahfber ccyaaybfsn
    zjyaappxsc cvyaaenpki mjzaamygxy erzaaptldh ddabaryzfr ssabamdqpu vcbbadvwao uobbaxjmit
    akcbadzjqt cgdbapafjs`
      .trim()
      .split(/\s+/);
    const fixed = (word: string) => [...word].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) | 0, 0);
    expect(new Set(words.map(fixed)).size).toBe(1);
    expect(new Set(words.map(hashOf)).size).toBeGreaterThan(45);
  });
});

describe('pair weights', () => {
  it('gives the weight of each listed pair and none for others, as a Map would (property)', () => {
    const index = fc.integer({ min: 0, max: 40 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(index, index, fc.double({ noNaN: true })), { maxLength: 60 }),
        fc.array(fc.tuple(index, index), { maxLength: 60 }),
        (pairs, probes) => {
          const table = new PairTable(pairs);
          const reference = new Map(pairs.map(([a, b, w]) => [`${a},${b}`, w]));
          expect(table.size).toBe(reference.size);
          for (const [a, b] of [...pairs.map(([x, y]) => [x, y] as const), ...probes]) {
            expect(table.get(a, b)).toBe(reference.get(`${a},${b}`));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
