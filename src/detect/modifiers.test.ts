// Value modifiers of Sigma 2.x on flat JSON events (detection alone: no log source to decide).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CompileOptions, compileRuleTexts } from './index.js';
import { MAX_REGEX_INPUT } from './safe-regex.js';
import { MAX_RULE_PATTERNS } from './values.js';

/** Compiles one rule whose detection is `selection` (YAML lines, indented by 4) and tests events. */
function rule(selection: string, options: CompileOptions = {}) {
  const text = `title: T\nid: r1\nlogsource: { product: test }\ndetection:\n  selection:\n${selection
    .trim()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')}\n  condition: selection\n`;
  const set = compileRuleTexts([{ file: 'r.yml', text }], options);
  return {
    problems: set.problems,
    matches: (event: Record<string, unknown>) => set.detector.match(event).length > 0,
  };
}

describe('value modifiers', () => {
  it('compares case-insensitively by default, case-sensitively with cased', () => {
    expect(rule('Image: C:\\Windows\\cmd.exe').matches({ Image: 'c:\\windows\\CMD.EXE' })).toBe(true);
    expect(rule('Image|cased: cmd.exe').matches({ Image: 'CMD.exe' })).toBe(false);
    expect(rule('Image|cased: cmd.exe').matches({ Image: 'cmd.exe' })).toBe(true);
  });

  it('contains, startswith, endswith, all, and lists as any', () => {
    expect(rule('CommandLine|contains: whoami').matches({ CommandLine: 'cmd /c WHOAMI /all' })).toBe(true);
    expect(rule('CommandLine|startswith: cmd').matches({ CommandLine: 'x cmd' })).toBe(false);
    expect(rule('CommandLine|endswith: .ps1').matches({ CommandLine: 'run a.PS1' })).toBe(true);
    const all = rule('CommandLine|contains|all: [a1, b2]');
    expect(all.matches({ CommandLine: 'b2 a1' })).toBe(true);
    expect(all.matches({ CommandLine: 'a1' })).toBe(false);
    expect(rule('CommandLine|contains: [a1, b2]').matches({ CommandLine: 'a1' })).toBe(true);
  });

  it('numbers are compared as text, null means absent or null', () => {
    expect(rule('EventID: 4688').matches({ EventID: 4688 })).toBe(true);
    expect(rule('EventID: "4688"').matches({ EventID: 4688 })).toBe(true);
    expect(rule('Field: null').matches({})).toBe(true);
    expect(rule('Field: null').matches({ Field: null })).toBe(true);
    expect(rule('Field: null').matches({ Field: '' })).toBe(false);
    expect(rule('Field: null').matches({ Field: [] })).toBe(false);
    expect(rule('Field: null').matches({ Field: { a: 1 } })).toBe(false);
    expect(rule('Field: null').matches({ Field: 'x' })).toBe(false);
  });

  it('base64, base64offset and utf16 encodings', () => {
    expect(rule('Data|base64: whoami').matches({ Data: 'd2hvYW1p' })).toBe(true);
    const offset = rule('Data|base64offset|contains: http://');
    for (const prefix of ['', 'a', 'ab']) expect(offset.matches({ Data: btoa(`${prefix}http://x`) })).toBe(true);
    expect(offset.matches({ Data: btoa('ftp://x') })).toBe(false);
    // "ab" in UTF-16LE is 61 00 62 00.
    const wide = rule('Data|wide|base64offset|contains: ab');
    expect(wide.matches({ Data: btoa('a\x00b\x00') })).toBe(true);
    expect(rule('Data|utf16be|base64: ab').matches({ Data: btoa('\x00a\x00b') })).toBe(true);
    expect(rule('Data|utf16|base64: a').matches({ Data: btoa('\xff\xfea\x00') })).toBe(true);
  });

  it('windash accepts every dash Windows reads as a flag', () => {
    const r = rule('CommandLine|windash|contains: " -enc "');
    for (const dash of ['-', '/', '\u2013', '\u2014', '\u2015'])
      expect(r.matches({ CommandLine: `ps ${dash}enc x` })).toBe(true);
    expect(r.matches({ CommandLine: 'ps +enc x' })).toBe(false);
  });

  it('re with flags, and refuses patterns no linear-time matcher can run, with a reason', () => {
    expect(rule("CommandLine|re: 'cmd\\.exe /c .*'").matches({ CommandLine: 'cmd.exe /c dir' })).toBe(true);
    expect(rule("CommandLine|re: 'CMD'").matches({ CommandLine: 'cmd' })).toBe(false);
    expect(rule("CommandLine|re|i: 'CMD'").matches({ CommandLine: 'cmd' })).toBe(true);
    expect(rule("CommandLine|re|s: 'a.b'").matches({ CommandLine: 'a\nb' })).toBe(true);
    expect(rule("CommandLine|re|m: '^b$'").matches({ CommandLine: 'a\nb' })).toBe(true);
    const unsafe = rule("CommandLine|re: '(a)\\1'");
    expect(unsafe.problems).toMatchObject([
      {
        kind: 'unsupported',
        line: 6,
        reason: 're: backreferences are not supported (no linear-time matcher can run them)',
      },
    ]);
    expect(rule("CommandLine|re: 'a(?=b)'").problems[0]?.reason).toBe(
      're: lookahead and lookbehind assertions are not supported',
    );
    expect(rule("CommandLine|re: '(a'").problems).toMatchObject([
      { kind: 'invalid', reason: 're: invalid regular expression: missing )' },
    ]);
  });

  it('re values give the prefilter a literal without losing matches', () => {
    const r = rule("CommandLine|re: 'Invoke-[A-Z]\\w+ -EncodedCommand'");
    expect(r.matches({ CommandLine: 'powershell Invoke-Expression -EncodedCommand AAAA' })).toBe(true);
    expect(r.matches({ CommandLine: 'powershell invoke-expression -encodedcommand AAAA' })).toBe(false);
    expect(r.matches({ CommandLine: 'powershell Invoke-Expression' })).toBe(false);
    const i = rule("CommandLine|re|i: 'cmd\\.exe /c (del|copy) '");
    expect(i.matches({ CommandLine: 'C:\\Windows\\CMD.EXE /C DEL x' })).toBe(true);
    const both = rule("CommandLine|re: ['\\\\temp\\\\[a-z]+\\.exe', 'rundll32[^ ]* ']");
    expect(both.matches({ CommandLine: 'c:\\temp\\evil.exe' })).toBe(true);
    expect(both.matches({ CommandLine: 'rundll32.exe x' })).toBe(true);
    expect(both.matches({ CommandLine: 'notepad.exe x' })).toBe(false);
  });

  it('re runs patterns JavaScript could backtrack on with the linear-time matcher', () => {
    const nested = rule("CommandLine|re: '(a+)+$'");
    expect(nested.problems).toEqual([]);
    expect(nested.matches({ CommandLine: `${'a'.repeat(40_000)}b` })).toBe(false);
    expect(nested.matches({ CommandLine: 'baaa' })).toBe(true);
    // SigmaHQ proc_creation_win_powershell_cmdline_special_characters.yml: more than 3 unbounded quantifiers.
    const carets = rule("CommandLine|re: '\\^.*\\^.*\\^.*\\^.*\\^'");
    expect(carets.problems).toEqual([]);
    expect(carets.matches({ CommandLine: 'c^m^d /c ^w^h^o^ami' })).toBe(true);
    expect(carets.matches({ CommandLine: `c^m^d /c ^w${'-'.repeat(60_000)}` })).toBe(false);
    const cased = rule("CommandLine|re|i: '(set).*&&\\s?SET.*(environment|invoke).*&&.*\"'");
    expect(cased.matches({ CommandLine: 'cmd /c "set a=1&& set b=invoke&& x"' })).toBe(true);
  });

  it('cidr for IPv4 and IPv6', () => {
    const r = rule("SourceIp|cidr: ['10.0.0.0/8', 'fe80::/10', '::ffff:192.168.0.0/112']");
    expect(r.matches({ SourceIp: '10.1.2.3' })).toBe(true);
    expect(r.matches({ SourceIp: '11.1.2.3' })).toBe(false);
    expect(r.matches({ SourceIp: 'FE80::1' })).toBe(true);
    expect(r.matches({ SourceIp: '2001:db8::1' })).toBe(false);
    expect(r.matches({ SourceIp: '::ffff:192.168.7.1' })).toBe(true);
    expect(r.matches({ SourceIp: 'not an address' })).toBe(false);
    expect(rule("SourceIp|cidr: '10.0.0.0/33'").problems[0]?.reason).toMatch(/cidr/);
  });

  it('cidr refuses an empty prefix and unmaps IPv4-mapped IPv6 addresses', () => {
    expect(rule("SourceIp|cidr: '10.0.0.0/'").problems[0]?.reason).toBe('cidr: not an address range: "10.0.0.0/"');
    const r = rule("SourceIp|cidr: '10.0.0.0/8'");
    expect(r.matches({ SourceIp: '::ffff:10.1.2.3' })).toBe(true);
    expect(r.matches({ SourceIp: '::FFFF:0a01:0203' })).toBe(true);
    expect(r.matches({ SourceIp: '::ffff:11.1.2.3' })).toBe(false);
    expect(r.matches({ SourceIp: '::10.1.2.3' })).toBe(false);
  });

  it('re only searches the first 64 KiB of a value', () => {
    const r = rule("Data|re: 'needle'");
    expect(r.matches({ Data: `${'x'.repeat(MAX_REGEX_INPUT - 6)}needle` })).toBe(true);
    expect(r.matches({ Data: `${'x'.repeat(MAX_REGEX_INPUT)}needle` })).toBe(false);
  });

  it('caps the patterns one rule compiles to, across its values', () => {
    // Each value has 5 flags: 5^5 = 3125 windash variants, under the per-value cap.
    const values = Array.from({ length: 8 }, (_, i) => `  - ' -a${i} -b -c -d -e'`).join('\n');
    const big = rule(`msg|windash|contains:\n${values}`);
    expect(big.problems).toMatchObject([
      {
        kind: 'unsupported',
        reason: `the rule compiles to more than ${MAX_RULE_PATTERNS} patterns (values and their variants)`,
      },
    ]);
    const small = rule(`msg|windash|contains:\n${values.split('\n').slice(0, 6).join('\n')}`);
    expect(small.problems).toEqual([]);
    expect(small.matches({ msg: 'x \u2013a5 /b -c -d -e' })).toBe(true);
  });

  it('lt, lte, gt, gte compare numbers', () => {
    expect(rule('Size|gt: 100').matches({ Size: 101 })).toBe(true);
    expect(rule('Size|gt: 100').matches({ Size: '100' })).toBe(false);
    expect(rule('Size|gte: 100').matches({ Size: '100' })).toBe(true);
    expect(rule('Size|lt: 10').matches({ Size: 9.5 })).toBe(true);
    expect(rule('Size|lte: 10').matches({ Size: 'ten' })).toBe(false);
    expect(rule('Size|lt: ten').problems[0]?.reason).toMatch(/number/);
  });

  it('exists, neq and fieldref', () => {
    expect(rule('User|exists: true').matches({ User: '' })).toBe(true);
    expect(rule('User|exists: false').matches({ User: 'x' })).toBe(false);
    expect(rule('User|exists: false').matches({})).toBe(true);
    expect(rule('User|neq: SYSTEM').matches({ User: 'bob' })).toBe(true);
    expect(rule('User|neq: SYSTEM').matches({ User: 'system' })).toBe(false);
    expect(rule('User|fieldref: TargetUser').matches({ User: 'Bob', TargetUser: 'bob' })).toBe(true);
    expect(rule('User|fieldref: TargetUser').matches({ User: 'Bob', TargetUser: 'alice' })).toBe(false);
    expect(rule('Path|fieldref|endswith: Name').matches({ Path: 'c:\\x\\a.exe', Name: 'A.exe' })).toBe(true);
  });

  it('fieldref compares lower cases, also of texts whose length lower case changes (property)', () => {
    const equal = rule('User|fieldref: TargetUser');
    // `İ` lower-cases to `i` and a combining dot: one character against two, and yet equal.
    expect(equal.matches({ User: 'İ', TargetUser: 'i\u0307' })).toBe(true);
    expect(equal.matches({ User: ['x', 'aB'], TargetUser: 'Ab' })).toBe(true);
    const text = fc.string({
      unit: fc.constantFrom('a', 'A', 'i', 'I', 'İ', '\u0307', 'ß', 'K', '\u212a'),
      maxLength: 4,
    });
    fc.assert(
      fc.property(text, text, (user, target) => {
        expect(equal.matches({ User: user, TargetUser: target })).toBe(user.toLowerCase() === target.toLowerCase());
      }),
      { numRuns: 2000 },
    );
  });

  it('expand uses given placeholder values, and is unsupported without them', () => {
    const text = "Computer|expand: '%DC%'";
    expect(rule(text).problems).toMatchObject([
      { kind: 'unsupported', reason: 'expand: no value given for placeholder %DC%' },
    ]);
    const r = rule(text, { placeholders: { DC: ['dc1', 'dc2'] } });
    expect(r.matches({ Computer: 'DC2' })).toBe(true);
    expect(r.matches({ Computer: 'ws1' })).toBe(false);
  });

  it('keywords search every value, and dotted field names reach nested objects', () => {
    const text = `title: K\nlogsource: { product: test }\ndetection:\n  keywords: [mimikatz, 'sekurlsa::*']\n  nested:\n    process.name: evil.exe\n  condition: keywords or nested\n`;
    const { detector } = compileRuleTexts([{ file: 'k.yml', text }]);
    expect(detector.match({ message: 'ran MIMIKATZ today' })).toHaveLength(1);
    expect(detector.match({ a: { b: ['x', 'sekurlsa::logonpasswords'] } })).toHaveLength(1);
    expect(detector.match({ process: { name: 'Evil.exe' } })).toHaveLength(1);
    expect(detector.match({ message: 'benign' })).toHaveLength(0);
  });

  it('reports unknown and contradictory modifiers', () => {
    expect(rule('Image|sometimes: x').problems[0]?.reason).toBe('unknown modifier: sometimes');
    expect(rule('Image|re|cidr: x').problems[0]?.reason).toMatch(/cannot be combined/);
    expect(rule('Image|i: x').problems[0]?.reason).toBe('flags i, m, s apply to re only');
  });
});
