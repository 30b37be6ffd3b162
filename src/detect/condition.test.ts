// The condition grammar: parsing, errors, and a property test against a direct evaluation.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ConditionNode, compileCondition, identifiersMatching, parseCondition } from './condition.js';

const NAMES = ['sel1', 'sel2', 'filter_a', 'filter_b', 'kw'];

/** Direct evaluation of a tree, the reference the compiled closures must agree with. */
function evaluate(node: ConditionNode, truth: Record<string, boolean>): boolean {
  switch (node.kind) {
    case 'ref':
      return truth[node.name] ?? false;
    case 'not':
      return !evaluate(node.operand, truth);
    case 'and':
      return node.operands.every((o) => evaluate(o, truth));
    case 'or':
      return node.operands.some((o) => evaluate(o, truth));
    case 'of': {
      const names = identifiersMatching(node.pattern, NAMES);
      const hits = names.filter((n) => truth[n]).length;
      return node.count === 'all' ? hits === names.length : hits >= node.count;
    }
  }
}

/** Prints a tree back as condition text, fully parenthesised. */
function print(node: ConditionNode): string {
  switch (node.kind) {
    case 'ref':
      return node.name;
    case 'not':
      return `not ${print(node.operand)}`;
    case 'and':
    case 'or':
      return `(${node.operands.map(print).join(` ${node.kind} `)})`;
    case 'of':
      return `${node.count} of ${node.pattern}`;
  }
}

const tree: fc.Arbitrary<ConditionNode> = fc.letrec<{ node: ConditionNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...NAMES).map((name): ConditionNode => ({ kind: 'ref', name })),
    fc
      .record({
        count: fc.oneof(fc.constant<'all'>('all'), fc.integer({ min: 1, max: 3 })),
        pattern: fc.constantFrom('them', 'sel*', 'filter_*'),
      })
      .map((o): ConditionNode => ({ kind: 'of', ...o })),
    tie('node').map((operand): ConditionNode => ({ kind: 'not', operand })),
    fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((operands): ConditionNode => ({ kind: 'and', operands })),
    fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((operands): ConditionNode => ({ kind: 'or', operands })),
  ),
})).node;

describe('condition grammar', () => {
  it('binds not tighter than and, and tighter than or', () => {
    expect(parseCondition('a or b and not c')).toEqual({
      kind: 'or',
      operands: [
        { kind: 'ref', name: 'a' },
        {
          kind: 'and',
          operands: [
            { kind: 'ref', name: 'b' },
            { kind: 'not', operand: { kind: 'ref', name: 'c' } },
          ],
        },
      ],
    });
    expect(parseCondition('1 of sel* and not all of filter_*')).toEqual({
      kind: 'and',
      operands: [
        { kind: 'of', count: 1, pattern: 'sel*' },
        { kind: 'not', operand: { kind: 'of', count: 'all', pattern: 'filter_*' } },
      ],
    });
    expect(parseCondition('NOT (a OR b)')).toEqual({
      kind: 'not',
      operand: {
        kind: 'or',
        operands: [
          { kind: 'ref', name: 'a' },
          { kind: 'ref', name: 'b' },
        ],
      },
    });
  });

  it('reports what it cannot read', () => {
    expect(() => parseCondition('a and')).toThrow(/unexpected end/);
    expect(() => parseCondition('(a or b')).toThrow(/missing \)/);
    expect(() => parseCondition('a b')).toThrow(/unexpected "b"/);
    expect(() => parseCondition('selection | count() > 5')).toThrow(/aggregations/);
    expect(() => compileCondition(parseCondition('nope'), new Map())).toThrow(/unknown search identifier: nope/);
    expect(() => compileCondition(parseCondition('1 of x*'), new Map([['a', () => true]]))).toThrow(
      /matches no search/,
    );
  });

  it('`them` leaves out identifiers starting with an underscore', () => {
    expect(identifiersMatching('them', ['a', '_b', 'c'])).toEqual(['a', 'c']);
  });

  it('`of` name patterns use the linear glob matcher (`*` only; other characters literal)', () => {
    const names = ['a'.repeat(40), 'sel_1', 'sel.2', 'filter'];
    // With a backtracking RegExp this pattern took over a minute on a 40-character name.
    expect(identifiersMatching(`${'*a'.repeat(12)}b*`, names)).toEqual([]);
    expect(identifiersMatching('*a*a*', names)).toEqual(['a'.repeat(40)]);
    expect(identifiersMatching('sel*', names)).toEqual(['sel_1', 'sel.2']);
    expect(identifiersMatching('sel.?', names)).toEqual([]);
    expect(identifiersMatching('sel**2', names)).toEqual(['sel.2']);
    expect(identifiersMatching('filter', names)).toEqual(['filter']);
  });

  it('compiled conditions agree with a direct evaluation (property)', () => {
    fc.assert(
      fc.property(tree, fc.array(fc.boolean(), { minLength: NAMES.length, maxLength: NAMES.length }), (node, bits) => {
        const truth = Object.fromEntries(NAMES.map((n, i) => [n, bits[i] ?? false]));
        const tests = new Map(NAMES.map((n) => [n, (t: Record<string, boolean>) => t[n] ?? false]));
        const compiled = compileCondition(parseCondition(print(node)), tests);
        expect(compiled(truth)).toBe(evaluate(node, truth));
      }),
      { numRuns: 2000 },
    );
  });
});
