import { describe, expect, it } from 'vitest';
import { checkRegex } from './safe-regex.js';

describe('regular expression safety', () => {
  it('accepts ordinary patterns and translates PCRE spellings', () => {
    expect(checkRegex('\\\\[a-z]{1,8}\\.exe$', '')).toEqual({ ok: true, source: '\\\\[a-z]{1,8}\\.exe$', flags: '' });
    expect(checkRegex('(?i)cmd\\.exe', '')).toEqual({ ok: true, source: 'cmd\\.exe', flags: 'i' });
    expect(checkRegex('(?P<x>ab)+', 's')).toMatchObject({ ok: true, source: '(?<x>ab)+' });
    expect(checkRegex('(a|b)+c', '')).toMatchObject({ ok: true });
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

  it('does not mistake escaped or bracketed characters for structure', () => {
    expect(checkRegex('\\(a+\\)+', '')).toMatchObject({ ok: true });
    expect(checkRegex('[(]a+[)]+', '')).toMatchObject({ ok: true });
  });
});
