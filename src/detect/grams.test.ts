// The gram scanner finds exactly the literals that occur in a text lower-cased, every character outside ASCII (and DEL) read as one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { folded, GramScanner } from './grams.js';

/** Every character from DEL up as one and the same. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: DEL is one of the folded characters.
const nonAscii = (text: string) => text.replace(/[^\x00-\x7e]/g, '\x7f');

/** The scanner's reading of a literal: ASCII letters in lower case, the rest as `nonAscii`. */
const reference = (text: string) => nonAscii(text.replace(/[A-Z]/g, (c) => c.toLowerCase()));

/** What the scanner finds in a text: what the reference finds in its lower case. */
const textReference = (text: string) => reference(text.toLowerCase());

function collected(scanner: GramScanner, texts: readonly string[], size: number): number[] {
  const ids: number[] = [];
  const seen = new Uint32Array(size);
  for (const text of texts) scanner.collect(text, seen, 7, ids);
  return ids;
}

/** The scanner reports each literal present in the texts once, and no other. */
function findsExactlyWhatIsThere(patterns: readonly string[], texts: readonly string[]): void {
  const ids = collected(new GramScanner(patterns), texts, patterns.length);
  expect(new Set(ids).size).toBe(ids.length);
  const expected = patterns.flatMap((p, i) => (texts.some((t) => textReference(t).includes(reference(p))) ? [i] : []));
  expect([...ids].sort((a, b) => a - b)).toEqual(expected);
}

describe('GramScanner', () => {
  it('finds each literal that occurs, folded, once, and no other (property)', () => {
    // Few characters, so that literals share grams and anchors, and texts hold them.
    const text = (max: number) =>
      fc.string({
        unit: fc.constantFrom(
          'a',
          'b',
          'c',
          'B',
          'i',
          'k',
          '\\',
          ' ',
          'é',
          'ü',
          '\x7f',
          '\u{1F600}',
          'İ',
          '\u212A',
          'Σ',
        ),
        maxLength: max,
      });
    fc.assert(
      fc.property(
        fc.uniqueArray(
          text(9).filter((t) => t !== ''),
          { minLength: 1, maxLength: 12 },
        ),
        fc.array(text(40), { minLength: 1, maxLength: 3 }),
        findsExactlyWhatIsThere,
      ),
      { numRuns: 2000 },
    );
  });

  it('finds every id of a literal given more than once, short ones included (property)', () => {
    const text = (max: number) =>
      fc.string({ unit: fc.constantFrom('a', 'B', 'b', ':', ' ', 'é', '\u{1F600}'), maxLength: max });
    fc.assert(
      fc.property(
        fc.array(
          text(4).filter((t) => t !== ''),
          { minLength: 1, maxLength: 10 },
        ),
        fc.array(text(30), { minLength: 1, maxLength: 3 }),
        findsExactlyWhatIsThere,
      ),
      { numRuns: 2000 },
    );
  });

  it('finds each long literal that occurs, looking up only some positions, and no other (property)', () => {
    // Literals all 12 characters or longer are found from some positions only: texts made of
    // literals, their pieces and other characters, in any case.
    const unit = fc.constantFrom('a', 'b', 'B', '0', '=', 'é', 'İ', '\u212A', 'k', 'i');
    const literal = fc.string({ unit, minLength: 12, maxLength: 20 });
    fc.assert(
      fc.property(
        fc.uniqueArray(literal, { minLength: 1, maxLength: 6 }).chain((patterns) =>
          fc.tuple(
            fc.constant(patterns),
            fc.array(
              fc
                .array(
                  fc.oneof(
                    fc.constantFrom(...patterns),
                    fc.constantFrom(...patterns).chain((p) => fc.nat(p.length).map((n) => p.slice(n))),
                    fc.constantFrom(...patterns).map((p) => p.toUpperCase()),
                    fc.string({ unit, maxLength: 6 }),
                  ),
                  { maxLength: 5 },
                )
                .map((pieces) => pieces.join('')),
              { minLength: 1, maxLength: 3 },
            ),
          ),
        ),
        ([patterns, texts]) => findsExactlyWhatIsThere(patterns, texts),
      ),
      { numRuns: 2000 },
    );
  });

  it('finds literals of every length, at the very start and end of a text', () => {
    const patterns = ['x', 'ab', 'abc', 'abcd', '\\cmd.exe', 'é-', 'windows\\system32\\cmd.exe'];
    const scanner = new GramScanner(patterns);
    expect(collected(scanner, ['abcd'], patterns.length).sort()).toEqual([1, 2, 3]);
    expect(collected(scanner, ['c:\\windows\\system32\\cmd.exe'], patterns.length).sort()).toEqual([0, 4, 6]);
    expect(collected(scanner, ['ü-x'], patterns.length).sort()).toEqual([0, 5]);
    expect(collected(scanner, ['', 'zzz', 'abx'], patterns.length).sort()).toEqual([0, 1]);
  });

  it('skips literals already marked, and finds them again under a new mark', () => {
    const scanner = new GramScanner(['abcd', 'xy']);
    const seen = new Uint32Array(2);
    const ids: number[] = [];
    scanner.collect('abcd xy abcd', seen, 1, ids);
    scanner.collect('xy', seen, 1, ids);
    expect(ids).toEqual([0, 1]);
    scanner.collect('xy', seen, 2, ids);
    expect(ids).toEqual([0, 1, 1]);
  });

  it('folds texts as it reads them (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (text) => {
        expect(folded(text)).toBe(nonAscii(text));
      }),
      { numRuns: 2000 },
    );
  });
});
