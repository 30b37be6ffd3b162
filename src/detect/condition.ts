/**
 * The condition grammar of Sigma: identifiers, `and`, `or`, `not`, parentheses, and
 * `1 of x*` / `all of x*` / `N of x*` / `... of them`. Precedence, loosest first: or, and, not.
 * Parsed to a tree, then compiled to closures over the search identifiers' tests.
 * Aggregations after a pipe (`| count() > 5`, Sigma 1) are reported as unsupported:
 * correlation rules replace them.
 */
import { RuleCompileError } from './rule.js';
import { ANY, patternTest } from './wildcard.js';

export type ConditionNode =
  | { readonly kind: 'ref'; readonly name: string }
  | { readonly kind: 'not'; readonly operand: ConditionNode }
  | { readonly kind: 'and' | 'or'; readonly operands: readonly ConditionNode[] }
  /** `count` is a number, or `all`; `pattern` is `them` or an identifier with `*` wildcards. */
  | { readonly kind: 'of'; readonly count: number | 'all'; readonly pattern: string };

type Token = { readonly type: 'word' | '(' | ')'; readonly text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:([()])|([^\s()]+))/y;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) {
      if (text.slice(at).trim() === '') break;
      throw new RuleCompileError(`condition: unexpected text at ${at}`, 'condition');
    }
    at = re.lastIndex;
    if (m[1]) tokens.push({ type: m[1] as '(' | ')', text: m[1] });
    else if (m[2]) tokens.push({ type: 'word', text: m[2] });
  }
  return tokens;
}

/** Parses a condition; errors are `RuleCompileError`s on the path `condition`. */
export function parseCondition(text: string): ConditionNode {
  if (text.includes('|'))
    throw new RuleCompileError(
      'aggregations in conditions (Sigma 1 `| count()`) are not supported; use a correlation rule',
      'condition',
      'unsupported',
    );
  const tokens = tokenize(text);
  let i = 0;
  const fail = (why: string): never => {
    throw new RuleCompileError(`condition: ${why} in "${text}"`, 'condition');
  };
  const peekWord = () => (tokens[i]?.type === 'word' ? tokens[i]?.text.toLowerCase() : undefined);

  const parseOr = (): ConditionNode => {
    const operands = [parseAnd()];
    while (peekWord() === 'or') {
      i++;
      operands.push(parseAnd());
    }
    return operands.length === 1 && operands[0] ? operands[0] : { kind: 'or', operands };
  };
  const parseAnd = (): ConditionNode => {
    const operands = [parseNot()];
    while (peekWord() === 'and') {
      i++;
      operands.push(parseNot());
    }
    return operands.length === 1 && operands[0] ? operands[0] : { kind: 'and', operands };
  };
  const parseNot = (): ConditionNode => {
    if (peekWord() === 'not') {
      i++;
      return { kind: 'not', operand: parseNot() };
    }
    return parseAtom();
  };
  const parseAtom = (): ConditionNode => {
    const token = tokens[i];
    if (!token) return fail('unexpected end');
    if (token.type === '(') {
      i++;
      const inner = parseOr();
      if (tokens[i]?.type !== ')') fail('missing )');
      i++;
      return inner;
    }
    if (token.type === ')') return fail('unexpected )');
    const word = token.text.toLowerCase();
    if (word === 'and' || word === 'or') return fail(`unexpected ${word}`);
    if (tokens[i + 1]?.type === 'word' && tokens[i + 1]?.text.toLowerCase() === 'of') {
      const count =
        word === 'all' ? 'all' : /^\d+$/.test(word) ? Number(word) : fail(`"${token.text} of" needs a number or all`);
      const target = tokens[i + 2];
      if (target?.type !== 'word') return fail('"of" needs a name pattern or them');
      i += 3;
      if (count === 0) fail('"0 of" never matches');
      return { kind: 'of', count, pattern: target.text };
    }
    i++;
    return { kind: 'ref', name: token.text };
  };

  if (tokens.length === 0) fail('empty condition');
  const tree = parseOr();
  if (i < tokens.length) fail(`unexpected "${tokens[i]?.text}"`);
  return tree;
}

/** The identifiers an `of` pattern names: `them` is every identifier not starting with `_`. */
export function identifiersMatching(pattern: string, names: readonly string[]): string[] {
  if (pattern === 'them') return names.filter((n) => !n.startsWith('_'));
  // `*` is the only wildcard; matched by the linear glob matcher, never a backtracking RegExp.
  const parts: Array<string | typeof ANY> = [];
  pattern.split('*').forEach((literal, i) => {
    if (i > 0 && parts[parts.length - 1] !== ANY) parts.push(ANY);
    if (literal !== '') parts.push(literal);
  });
  const test = patternTest(parts);
  return names.filter((n) => test(n));
}

/** Compiles a condition tree to one test, given each identifier's test. */
export function compileCondition<T>(
  node: ConditionNode,
  tests: ReadonlyMap<string, (input: T) => boolean>,
): (input: T) => boolean {
  switch (node.kind) {
    case 'ref': {
      const test = tests.get(node.name);
      if (!test) throw new RuleCompileError(`condition names an unknown search identifier: ${node.name}`, 'condition');
      return test;
    }
    case 'not': {
      const inner = compileCondition(node.operand, tests);
      return (x) => !inner(x);
    }
    case 'and': {
      const parts = node.operands.map((o) => compileCondition(o, tests));
      return (x) => {
        for (const p of parts) if (!p(x)) return false;
        return true;
      };
    }
    case 'or': {
      const parts = node.operands.map((o) => compileCondition(o, tests));
      return (x) => {
        for (const p of parts) if (p(x)) return true;
        return false;
      };
    }
    case 'of': {
      const names = identifiersMatching(node.pattern, [...tests.keys()]);
      if (names.length === 0)
        throw new RuleCompileError(`"of ${node.pattern}" matches no search identifier`, 'condition');
      const parts = names.map((n) => tests.get(n) as (input: T) => boolean);
      const need = node.count === 'all' ? parts.length : node.count;
      if (need === 1)
        return (x) => {
          for (let i = 0; i < parts.length; i++) if ((parts[i] as (input: T) => boolean)(x)) return true;
          return false;
        };
      if (node.count === 'all')
        return (x) => {
          for (let i = 0; i < parts.length; i++) if (!(parts[i] as (input: T) => boolean)(x)) return false;
          return true;
        };
      return (x) => {
        let found = 0;
        for (const p of parts) if (p(x) && ++found >= need) return true;
        return false;
      };
    }
  }
}
