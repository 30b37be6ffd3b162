// A list of values on one field (one test for the whole list: a set, suffixes by their ends, one
// scan for substrings) matches exactly what its values, each tested alone, match.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRuleTexts } from './index.js';

describe('lists of values', () => {
  it('a list matches where one of its values alone matches (property)', () => {
    // Few characters, so that values end alike and events hold them; case, wildcards and odd lower cases vary.
    const unit = fc.constantFrom('a', 'B', 'b', '.', '\\', '-', 'é', 'İ', 'K', '\u212A', 'Σ', 'ς');
    // Values of ASCII characters only, in some runs: long lists of those are searched otherwise.
    const ascii = fc.constantFrom('a', 'B', 'b', '.', '\\', '-', 'K');
    const pieceOf = (unit: fc.Arbitrary<string>) =>
      fc.oneof(
        { weight: 5, arbitrary: fc.string({ unit, minLength: 1, maxLength: 5 }) },
        { weight: 1, arbitrary: fc.string({ unit: fc.oneof(unit, fc.constantFrom('*', '?')), maxLength: 5 }) },
      );
    const pieces = fc.oneof(
      fc.uniqueArray(pieceOf(unit), { minLength: 1, maxLength: 14 }),
      fc.uniqueArray(pieceOf(ascii), { minLength: 1, maxLength: 14 }),
    );
    const modifier = fc.constantFrom(
      '',
      '|endswith',
      '|contains',
      '|startswith',
      '|windash|endswith',
      '|cased|endswith',
    );
    const quote = (v: string) => `'${v.replace(/'/g, "''")}'`;
    const value = fc.oneof(
      fc.string({ unit, maxLength: 8 }),
      fc.array(fc.string({ unit, maxLength: 8 }), { maxLength: 2 }),
      fc.constant(null),
    );
    fc.assert(
      fc.property(
        modifier,
        pieces,
        fc.array(fc.record({ F: value }, { requiredKeys: [] }), { minLength: 1, maxLength: 6 }),
        (m, values, events) => {
          const alone = values.map((v, i) => `  s${i}:\n    F${m}: ${quote(v)}`).join('\n');
          const texts = [
            {
              file: 'list.yml',
              text: `title: List\nlogsource: { product: test }\ndetection:\n  sel:\n    F${m}: [${values.map(quote).join(', ')}]\n  condition: sel\n`,
            },
            {
              file: 'alone.yml',
              text: `title: Alone\nlogsource: { product: test }\ndetection:\n${alone}\n  condition: 1 of s*\n`,
            },
          ];
          const set = compileRuleTexts(texts);
          expect(set.problems).toEqual([]);
          const [list, each] = set.compiled;
          if (!list || !each) throw new Error('both rules compile');
          for (const event of events) {
            const titles = set.detector.match(event).map((match) => match.ruleTitle);
            expect(titles.includes('List'), JSON.stringify(event)).toBe(titles.includes('Alone'));
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('a placeholder given an empty value matches every value in a long endswith or contains list', () => {
    // Found by review: the suffix index took '' as the length of its keys, and the substring search finds no ''.
    for (const placement of ['endswith', 'contains']) {
      const set = compileRuleTexts(
        [
          {
            file: 'expand.yml',
            text: `title: Expand\nlogsource: { product: test }\ndetection:\n  sel:\n    F|expand|${placement}: ['%p%', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8', 'b9', 'c1', 'c2']\n  condition: sel\n`,
          },
        ],
        { placeholders: { p: [''] } },
      );
      expect(set.problems).toEqual([]);
      for (const F of ['C:\\x\\other.exe', ''])
        expect(
          set.detector.match({ F }).map((m) => m.ruleTitle),
          `${placement} ${JSON.stringify(F)}`,
        ).toEqual(['Expand']);
    }
  });
});
