import { describe, expect, it } from 'vitest';
import { ANY, MAX_GLOB_INPUT, ONE, parsePattern, patternTest } from './wildcard.js';

describe('Sigma wildcards', () => {
  it('splits literal text and wildcards, honouring escapes', () => {
    expect(parsePattern('a*b?c')).toEqual(['a', ANY, 'b', ONE, 'c']);
    expect(parsePattern('a\\*b\\?c')).toEqual(['a*b?c']);
    expect(parsePattern('C:\\Windows\\cmd.exe')).toEqual(['C:\\Windows\\cmd.exe']);
    expect(parsePattern('C:\\Temp\\*')).toEqual(['C:\\Temp*']);
    expect(parsePattern('C:\\Temp\\\\*')).toEqual(['C:\\Temp\\', ANY]);
    expect(parsePattern('a\\\\*')).toEqual(['a\\', ANY]);
    expect(parsePattern('**x')).toEqual([ANY, 'x']);
  });

  it('matches with the shortcuts and the glob matcher alike', () => {
    const matches = (pattern: string, value: string) => patternTest(parsePattern(pattern))(value);
    expect(matches('abc', 'abc')).toBe(true);
    expect(matches('abc', 'abcd')).toBe(false);
    expect(matches('*bc', 'abc')).toBe(true);
    expect(matches('ab*', 'abc')).toBe(true);
    expect(matches('*b*', 'abc')).toBe(true);
    expect(matches('a?c', 'abc')).toBe(true);
    expect(matches('a?c', 'ac')).toBe(false);
    expect(matches('a*c*e', 'abcde')).toBe(true);
    expect(matches('a*c*e', 'abcdef')).toBe(false);
    expect(matches('*a*a*a*a*b', 'a'.repeat(5000))).toBe(false);
    expect(matches('a\\*c', 'a*c')).toBe(true);
    expect(matches('a\\*c', 'abc')).toBe(false);
    expect(matches('', '')).toBe(true);
    expect(matches('*', 'anything')).toBe(true);
  });

  it('the glob matcher reads only the first 64 KiB of a value', () => {
    const matches = (pattern: string, value: string) => patternTest(parsePattern(pattern))(value);
    expect(matches('a*b?', `a${'x'.repeat(MAX_GLOB_INPUT - 3)}bc`)).toBe(true);
    expect(matches('a*b?', `a${'x'.repeat(MAX_GLOB_INPUT)}bc`)).toBe(false);
    // The linear shortcuts (suffix, substring) still read the whole value.
    expect(matches('*bc', `a${'x'.repeat(MAX_GLOB_INPUT)}bc`)).toBe(true);
  });
});
