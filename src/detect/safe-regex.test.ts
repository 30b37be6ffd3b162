import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRegex, compileSigmaRegex, JAVASCRIPT_MAX_INPUT } from './safe-regex.js';

describe('regular expression safety', () => {
  it('accepts ordinary patterns and translates PCRE spellings', () => {
    expect(checkRegex('\\\\[a-z]{1,8}\\.exe$', '')).toEqual({
      ok: true,
      source: '\\\\[a-z]{1,8}\\.exe$',
      flags: '',
      unbounded: 0,
    });
    expect(checkRegex('(?i)cmd\\.exe', '')).toEqual({ ok: true, source: 'cmd\\.exe', flags: 'i', unbounded: 0 });
    expect(checkRegex('a.*b\\d+', '')).toMatchObject({ ok: true, unbounded: 2 });
    expect(checkRegex('(?P<x>ab)+', 's')).toMatchObject({ ok: true, source: '(?<x>ab)+' });
    expect(checkRegex('(a|b)?c', '')).toMatchObject({ ok: true });
    expect(checkRegex('(a|b){1,3}c', '')).toMatchObject({ ok: true });
    expect(checkRegex('\\d+\\s+\\w+', '')).toMatchObject({ ok: true });
    expect(checkRegex('a+b+', '')).toMatchObject({ ok: true });
    expect(checkRegex('(ab?)?', '')).toMatchObject({ ok: true });
  });

  it('refuses what is not linear-time, with a reason', () => {
    expect(checkRegex('(a+)+$', '')).toEqual({ ok: false, reason: 'nested quantifiers can backtrack exponentially' });
    expect(checkRegex('(\\w*\\s?)*x', '')).toMatchObject({ ok: false });
    expect(checkRegex('((ab)*c)+', '')).toMatchObject({ ok: false });
    expect(checkRegex('(a)\\1', '')).toEqual({ ok: false, reason: 'backreferences are not linear-time' });
    expect(checkRegex('foo(?=bar)', '')).toEqual({ ok: false, reason: 'lookarounds are not linear-time' });
    expect(checkRegex('(?<!x)y', '')).toMatchObject({ ok: false });
    expect(checkRegex('[', '')).toMatchObject({ ok: false });
  });

  it('refuses alternation inside a group repeated without bound', () => {
    const reason = 'alternation inside a repeated group can backtrack exponentially';
    expect(checkRegex('(a|a)+$', '')).toEqual({ ok: false, reason });
    expect(checkRegex('(\\w|\\d)+$', '')).toEqual({ ok: false, reason });
    expect(checkRegex('(?:x(a|b))*$', '')).toEqual({ ok: false, reason });
    expect(checkRegex('(a|b){2,}', '')).toEqual({ ok: false, reason });
  });

  it('refuses adjacent overlapping unbounded quantifiers, and too many of them', () => {
    const adjacent = 'adjacent unbounded quantifiers can backtrack polynomially';
    expect(checkRegex('\\s*\\s*x', '')).toEqual({ ok: false, reason: adjacent });
    expect(checkRegex('.*.*=', '')).toEqual({ ok: false, reason: adjacent });
    expect(checkRegex('a*[a-z]+', '')).toEqual({ ok: false, reason: adjacent });
    expect(checkRegex('x*(y)+', '')).toEqual({ ok: false, reason: adjacent });
    expect(checkRegex('A+a+', 'i')).toEqual({ ok: false, reason: adjacent });
    expect(checkRegex('\\s*\\s*\\s*\\s*\\s*\\s*x', '')).toMatchObject({ ok: false });
    expect(checkRegex('.*a.*b.*c.*d', '')).toEqual({
      ok: false,
      reason: 'more than 3 unbounded quantifiers can backtrack polynomially',
    });
    expect(checkRegex('.*a.*b.*c', '')).toMatchObject({ ok: true });
  });

  it('translates \\A, \\Z, \\z and refuses escapes JavaScript reads differently', () => {
    expect(checkRegex('\\Acmd\\.exe\\Z', '')).toEqual({ ok: true, source: '^cmd\\.exe$', flags: '', unbounded: 0 });
    expect(checkRegex('a\\z', '')).toMatchObject({ ok: true, source: 'a$' });
    expect(checkRegex('[\\A]', '')).toMatchObject({ ok: true, source: '[\\A]' });
    expect(checkRegex('\\Aa', 'm')).toEqual({ ok: false, reason: '\\A is not supported in multiline mode' });
    expect(checkRegex('a\\hb', '')).toEqual({ ok: false, reason: '\\h (horizontal space) is not supported' });
    expect(checkRegex('\\x{41}', '')).toEqual({ ok: false, reason: '\\x{...} escapes are not supported' });
    expect(checkRegex('\\x41', '')).toMatchObject({ ok: true });
    expect(checkRegex('[[:alpha:]]+', '')).toEqual({
      ok: false,
      reason: 'POSIX character classes such as [[:alpha:]] are not supported',
    });
  });

  it('reads a ] first in a class as a literal, as PCRE does', () => {
    expect(checkRegex('[]a]', '')).toMatchObject({ ok: true, source: '[\\]a]' });
    expect(checkRegex('[^]a]x', '')).toMatchObject({ ok: true, source: '[^\\]a]x' });
  });

  it('compiles with JavaScript when safe, with the linear-time matcher otherwise, or gives the reason', () => {
    const fast = compileSigmaRegex('cmd\\.exe', 'i');
    expect(fast).toMatchObject({ ok: true, engine: 'javascript' });
    expect(fast.ok && fast.test('C:\\CMD.EXE')).toBe(true);
    const linear = compileSigmaRegex('\\s*\\s*x$', '');
    expect(linear).toMatchObject({ ok: true, engine: 'linear' });
    expect(linear.ok && linear.test(`${' '.repeat(50_000)}y`)).toBe(false);
    expect(linear.ok && linear.test('  x')).toBe(true);
    expect(compileSigmaRegex('\\Aa', 'm')).toMatchObject({ ok: true, engine: 'linear' });
    expect(compileSigmaRegex('(a)\\1', '')).toEqual({
      ok: false,
      reason: 'backreferences are not supported (no linear-time matcher can run them)',
      invalid: false,
    });
    expect(compileSigmaRegex('[', '')).toMatchObject({ ok: false, invalid: true });
  });

  it('searches long values with the linear-time matcher and gives the same answers', () => {
    // `a.*b` backtracks quadratically on a long run of `a`: long values go to the automaton.
    const polynomial = compileSigmaRegex('a.*b', '');
    if (!polynomial.ok) throw new Error('a.*b should compile');
    expect(polynomial.engine).toBe('javascript');
    expect(polynomial.test('a'.repeat(60_000))).toBe(false);
    expect(polynomial.test(`${'a'.repeat(60_000)}b`)).toBe(true);
    const alphabet = fc.constantFrom('a', 'b', 'c', '\n', ' ', '.', 'É');
    const text = (min: number) => fc.array(alphabet, { minLength: min, maxLength: min + 200 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(
        fc.constantFrom('a.*b', 'b[^c]{2,}c', '(?:a|b)c+', '\\bab', '^c.*a$', 'É+.b'),
        fc.constantFrom('', 'i', 'm', 's'),
        fc.oneof(text(0), text(JAVASCRIPT_MAX_INPUT - 100)),
        (pattern, flags, value) => {
          const compiled = compileSigmaRegex(pattern, flags);
          expect(compiled.ok && compiled.test(value)).toBe(new RegExp(pattern, flags).test(value));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps patterns with several unbounded quantifiers off the backtracking engine at any length', () => {
    // Cubic on JavaScript's engine: 8 s on these 1,024 characters.
    const cubic = compileSigmaRegex('a.*b.*c.*d', '');
    expect(cubic).toMatchObject({ ok: true, engine: 'linear' });
    expect(cubic.ok && cubic.test(`${'a'.repeat(342)}${'b'.repeat(341)}${'c'.repeat(341)}`)).toBe(false);
    expect(cubic.ok && cubic.test('xaybzczd')).toBe(true);
    // What the linear-time matcher refuses is refused, not left to the backtracking engine.
    expect(compileSigmaRegex('a.*b.*c.*d(?:e|f{1001})', '')).toMatchObject({ ok: false });
  });

  it('reads `.{n,}` as a run of n characters, in one pass', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('.{5,}', '(.){5,}', '(?:.){5,}', '.{0,}', '.{40,}'),
        fc.constantFrom('', 's', 'm'),
        fc.array(fc.constantFrom('x', 'y', '\n', '\r', '\u2028', ' '), { maxLength: 80 }).map((cs) => cs.join('')),
        (pattern, flags, value) => {
          const compiled = compileSigmaRegex(pattern, flags);
          expect(compiled.ok && compiled.test(value)).toBe(new RegExp(pattern, flags).test(value));
        },
      ),
      { numRuns: 500 },
    );
    const long = compileSigmaRegex('.{1000,}', '');
    expect(long.ok && long.test('a'.repeat(999))).toBe(false);
    expect(long.ok && long.test(`${'a'.repeat(999)}\n${'a'.repeat(1000)}`)).toBe(true);
  });

  it('does not mistake escaped or bracketed characters for structure', () => {
    expect(checkRegex('\\(a+\\)+', '')).toMatchObject({ ok: true });
    expect(checkRegex('\\(a|b\\)+', '')).toMatchObject({ ok: true });
    expect(checkRegex('[(]a+[)]+', '')).toMatchObject({ ok: true });
  });
});
