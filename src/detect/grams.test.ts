// The gram scanner finds exactly the literals that occur in a text lower-cased, every character outside ASCII (and DEL) read as one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { folded, GramScanner, type Place } from './grams.js';

/** Every character from DEL up as one and the same. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: DEL is one of the folded characters.
const nonAscii = (text: string) => text.replace(/[^\x00-\x7e]/g, '\x7f');

/** The scanner's reading of a literal: ASCII letters in lower case, the rest as `nonAscii`. */
const reference = (text: string) => nonAscii(text.replace(/[A-Z]/g, (c) => c.toLowerCase()));

/** What the scanner finds in a text: what the reference finds in its lower case. */
const textReference = (text: string) => reference(text.toLowerCase());

function collected(scanner: GramScanner, texts: readonly string[], size: number): number[] {
  const out = new Int32Array(size);
  const seen = new Uint32Array(size);
  let count = 0;
  for (const text of texts) count = scanner.collect(text, seen, 7, out, count);
  return [...out.subarray(0, count)];
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

  it('finds a placed literal only where its place says (property)', () => {
    const unit = fc.constantFrom('a', 'b', 'B', 'c', '\\', 'é', 'İ', '\u212A', 'k');
    const place: fc.Arbitrary<Place> = fc.record({ start: fc.integer({ min: -1, max: 2 }), atEnd: fc.boolean() });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ unit, minLength: 1, maxLength: 14 }), place), { minLength: 1, maxLength: 10 }),
        fc.array(fc.string({ unit, maxLength: 20 }), { minLength: 1, maxLength: 3 }),
        (placed, texts) => {
          const patterns = placed.map(([p]) => p);
          const scanner = new GramScanner(
            patterns,
            placed.map(([, at]) => at),
          );
          const out = new Int32Array(patterns.length);
          const seen = new Uint32Array(patterns.length);
          let count = 0;
          for (const text of texts) count = scanner.collect(text, seen, 3, out, count);
          const expected = placed.flatMap(([p, { start, atEnd }], i) => {
            const literal = reference(p);
            const holds = texts.some((t) => {
              const text = textReference(t);
              if (start >= 0)
                return text.startsWith(literal, start) && (!atEnd || text.length === start + literal.length);
              return atEnd ? text.endsWith(literal) : text.includes(literal);
            });
            return holds ? [i] : [];
          });
          expect([...out.subarray(0, count)].sort((a, b) => a - b)).toEqual(expected);
        },
      ),
      { numRuns: 3000 },
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

  it('finds one-character literals past the 31 it marks by bits, given twice or placed (property)', () => {
    // Every printable ASCII character, some twice: 95 one-character literals, 31 with bits of their own.
    const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
    const patterns = [...printable, 'a', 'Z', '~', 'ab'];
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom(...printable, 'é'), maxLength: 12 }), { maxLength: 3 }),
        (texts) => findsExactlyWhatIsThere(patterns, texts),
      ),
      { numRuns: 300 },
    );
    const placed = new GramScanner([':', 'x', ':'], [{ start: 0, atEnd: false }]);
    expect(collected(placed, ['a:x'], 3).sort()).toEqual([1, 2]);
    expect(collected(placed, [':'], 3).sort()).toEqual([0, 2]);
  });

  it('skips literals already marked, and finds them again under a new mark', () => {
    const scanner = new GramScanner(['abcd', 'xy']);
    const seen = new Uint32Array(2);
    const out = new Int32Array(3);
    let count = scanner.collect('abcd xy abcd', seen, 1, out, 0);
    count = scanner.collect('xy', seen, 1, out, count);
    expect([...out.subarray(0, count)]).toEqual([0, 1]);
    count = scanner.collect('xy', seen, 2, out, count);
    expect([...out.subarray(0, count)]).toEqual([0, 1, 1]);
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
