import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileLinearRegex, linearMatch, MAX_NFA_STATES, MAX_REPEAT } from './linear-regex.js';

/** The linear matcher's answer next to JavaScript's, for patterns both accept. */
function both(pattern: string, text: string, flags = ''): [boolean, boolean] {
  return [linearMatch(pattern, text, flags), new RegExp(pattern, flags).test(text)];
}

function reason(pattern: string, flags = ''): string | undefined {
  const compiled = compileLinearRegex(pattern, flags);
  return compiled.ok ? undefined : compiled.reason;
}

describe('linear-time regular expressions', () => {
  it('searches for literals anywhere, and escapes', () => {
    expect(linearMatch('cmd', 'xx cmd yy')).toBe(true);
    expect(linearMatch('cmd', 'xx cm d')).toBe(false);
    expect(linearMatch('a\\.b', 'a.b')).toBe(true);
    expect(linearMatch('a\\.b', 'axb')).toBe(false);
    expect(linearMatch('\\x41\\u0042\\x{43}', 'ABC')).toBe(true);
    expect(linearMatch('\\t\\n\\r\\f\\v\\0', '\t\n\r\f\v\0')).toBe(true);
    expect(linearMatch('\\cJ', '\n')).toBe(true);
    expect(linearMatch('\\\\\\$\\[\\(\\{\\"', '\\$[({"')).toBe(true);
    expect(linearMatch(']}', 'a]}')).toBe(true);
    expect(linearMatch('a{,2}', 'a{,2}')).toBe(true);
    expect(linearMatch('', 'anything')).toBe(true);
    expect(linearMatch('x', '')).toBe(false);
  });

  it('reads character classes: ranges, negation, escapes, a leading ] as a literal', () => {
    expect(linearMatch('[a-c]x', 'bx')).toBe(true);
    expect(linearMatch('[a-c]x', 'dx')).toBe(false);
    expect(linearMatch('[^a-c]x', 'dx')).toBe(true);
    expect(linearMatch('[^a-c]x', 'ax')).toBe(false);
    expect(linearMatch('[\\d_]', 'x_')).toBe(true);
    expect(linearMatch('[\\]\\\\]', '\\')).toBe(true);
    expect(linearMatch('[-a]', '-')).toBe(true);
    expect(linearMatch('[a-]', '-')).toBe(true);
    expect(linearMatch('[\\d-z]', '-')).toBe(true);
    expect(linearMatch('[\\d-z]', 'y')).toBe(false);
    expect(linearMatch('[\\b]', '\b')).toBe(true);
    expect(linearMatch('[]a]', ']')).toBe(true);
    expect(linearMatch('[^]a]', ']')).toBe(false);
    expect(linearMatch('[^]a]', 'b')).toBe(true);
    expect(linearMatch('[.]', 'x')).toBe(false);
  });

  it('knows \\d \\w \\s and their negations as JavaScript does', () => {
    expect(both('\\d\\w\\s', '1_\u00a0')).toEqual([true, true]);
    expect(both('\\s', '\u2028\ufeff\u3000')).toEqual([true, true]);
    expect(both('\\w', '\u00e9')).toEqual([false, false]);
    expect(both('\\D\\W\\S', '1-b')).toEqual([false, false]);
    expect(both('\\D\\W\\S', 'a-\u00e9')).toEqual([true, true]);
  });

  it('matches . with and without the s flag', () => {
    expect(linearMatch('a.b', 'a\nb')).toBe(false);
    expect(linearMatch('a.b', 'a\u2028b')).toBe(false);
    expect(linearMatch('a.b', 'a\nb', 's')).toBe(true);
    expect(linearMatch('(?s)a.b', 'a\rb')).toBe(true);
    expect(linearMatch('a.b', 'a\tb')).toBe(true);
  });

  it('anchors ^ $ to the text, or to lines with m; \\A \\z always to the text', () => {
    expect(linearMatch('^abc$', 'abc')).toBe(true);
    expect(linearMatch('^abc', 'xabc')).toBe(false);
    expect(linearMatch('abc$', 'abc\n')).toBe(false);
    expect(linearMatch('^b$', 'a\nb\nc')).toBe(false);
    expect(linearMatch('^b$', 'a\nb\nc', 'm')).toBe(true);
    expect(linearMatch('(?m)^b$', 'a\r\nb\r\nc')).toBe(true);
    expect(linearMatch('\\Ab', 'a\nb', 'm')).toBe(false);
    expect(linearMatch('a\\z', 'a\nb', 'm')).toBe(false);
    expect(linearMatch('\\Aa\\Z', 'a')).toBe(true);
  });

  it('tests word boundaries', () => {
    expect(linearMatch('\\bnet\\b', 'c:\\net use')).toBe(true);
    expect(linearMatch('\\bnet\\b', 'internet')).toBe(false);
    expect(linearMatch('\\Bnet\\B', 'internets')).toBe(true);
    expect(linearMatch('\\Bnet', 'net')).toBe(false);
    expect(linearMatch('x\\b', 'x')).toBe(true);
    expect(linearMatch('\u00e9\\b', '\u00e9')).toBe(false);
  });

  it('reads groups of every kind as plain groups, alternation and comments', () => {
    expect(linearMatch('(ab)+c', 'ababc')).toBe(true);
    expect(linearMatch('(?:ab)+c', 'abac')).toBe(false);
    expect(linearMatch('(?<x>ab)c', 'abc')).toBe(true);
    expect(linearMatch('(?P<x>ab)c', 'abc')).toBe(true);
    expect(linearMatch('cmd|powershell', 'run powershell')).toBe(true);
    expect(linearMatch('a(?#note)b', 'ab')).toBe(true);
    expect(linearMatch('x(|y)z', 'xz')).toBe(true);
    expect(linearMatch('(a|)+$', 'b')).toBe(true);
  });

  it('repeats with greedy, lazy and counted quantifiers', () => {
    expect(linearMatch('ab*c', 'ac')).toBe(true);
    expect(linearMatch('ab+c', 'ac')).toBe(false);
    expect(linearMatch('ab?c', 'abbc')).toBe(false);
    expect(linearMatch('ab{2}c', 'abbc')).toBe(true);
    expect(linearMatch('ab{2}c', 'abbbc')).toBe(false);
    expect(linearMatch('ab{2,}c', 'abbbbbc')).toBe(true);
    expect(linearMatch('ab{2,3}c', 'abbbbc')).toBe(false);
    expect(linearMatch('ab{0,1}c', 'ac')).toBe(true);
    expect(linearMatch('a.*?b', 'axxb')).toBe(true);
    expect(linearMatch('a.+?b', 'ab')).toBe(false);
    expect(linearMatch('a{2,3}?b', 'aab')).toBe(true);
    expect(linearMatch('(?:){5}x', 'x')).toBe(true);
    expect(linearMatch('(a*)*b', 'aab')).toBe(true);
  });

  it('folds case with i as JavaScript does', () => {
    expect(linearMatch('CMD\\.EXE', 'cmd.exe', 'i')).toBe(true);
    expect(linearMatch('(?i)cmd', 'CmD')).toBe(true);
    expect(linearMatch('[a-c]', 'B', 'i')).toBe(true);
    expect(linearMatch('[^a-c]', 'B', 'i')).toBe(false);
    expect(linearMatch('x(?i:ab)y', 'xABy')).toBe(true);
    expect(linearMatch('x(?i:ab)y', 'XABy')).toBe(false);
    expect(linearMatch('(?i)x(?-i:ab)', 'Xab')).toBe(true);
    expect(linearMatch('(?i)x(?-i:ab)', 'XAb')).toBe(false);
    for (const [pattern, text] of [
      ['\u00e9t\u00e9', '\u00c9T\u00c9'],
      ['\u00ff', '\u0178'],
      ['\u03c3', '\u03a3'],
      ['\u03c2', '\u03c3'],
      ['k', '\u212a'],
      ['s', '\u017f'],
      ['\u00df', 'SS'],
      ['[\u00e0-\u00ff]', '\u00c0'],
    ]) {
      const [mine, javascript] = both(pattern ?? '', text ?? '', 'i');
      expect(mine, `${pattern} ~ ${text}`).toBe(javascript);
    }
    expect(linearMatch('\u00e9', '\u00c9', 'i')).toBe(true);
    expect(linearMatch('s', '\u017f', 'i')).toBe(false);
  });

  it('refuses what it cannot run in linear time, or cannot read, with a reason', () => {
    const backreferences = 'backreferences are not supported (no linear-time matcher can run them)';
    expect(reason('(a)\\1')).toBe(backreferences);
    expect(reason('(?<n>a)\\k<n>')).toBe(backreferences);
    expect(reason('(?P<n>a)(?P=n)')).toBe(backreferences);
    expect(reason('a(?=b)')).toBe('lookahead and lookbehind assertions are not supported');
    expect(reason('(?<!a)b')).toBe('lookahead and lookbehind assertions are not supported');
    expect(reason('(?>a+)b')).toBe('atomic groups (?>...) are not supported');
    expect(reason('a++b')).toBe('possessive quantifiers are not supported');
    expect(reason('\\p{L}')).toBe('Unicode property classes \\p{...} are not supported');
    expect(reason('[[:alpha:]]')).toBe('POSIX character classes such as [[:alpha:]] are not supported');
    expect(reason('a\\hb')).toBe('the escape \\h is not supported');
    expect(reason('(?x) a')).toBe('the verbose flag (?x) is not supported');
    expect(reason('a(?i)b')).toMatch(/only at the start/);
    expect(reason('(?R)')).toMatch(/recursion/);
    expect(reason('a', 'g')).toBe('the flag g is not supported');
    expect(reason('(a')).toBe('invalid regular expression: missing )');
    expect(reason('a)')).toBe('invalid regular expression: unmatched )');
    expect(reason('[a')).toMatch(/^invalid regular expression: missing \]/);
    expect(reason('[z-a]')).toMatch(/^invalid regular expression: range out of order/);
    expect(reason('*a')).toBe('invalid regular expression: nothing to repeat');
    expect(reason('a**')).toBe('invalid regular expression: nothing to repeat');
    expect(reason('^*')).toBe('invalid regular expression: nothing to repeat');
    expect(reason('a{3,2}')).toMatch(/out of order/);
    expect(reason('\\xZZ')).toMatch(/malformed/);
  });

  it('bounds the automaton: nesting, counted repetitions and states are limits', () => {
    expect(reason(`${'('.repeat(5000)}a${')'.repeat(5000)}`)).toBe(
      'groups nested more than 100 deep are not supported',
    );
    expect(linearMatch(`${'('.repeat(100)}a${')'.repeat(100)}`, 'a')).toBe(true);
    expect(reason(`a{${MAX_REPEAT + 1}}`)).toBe(`a counted repetition above ${MAX_REPEAT} is not supported`);
    expect(reason('(?:a{1000}){1000}')).toBe(
      `the pattern needs more than ${MAX_NFA_STATES} automaton states (counted repetitions unrolled)`,
    );
    const big = compileLinearRegex('(?:0[0-9]{1,11}\\.){3}0[0-9]{1,11}');
    expect(big.ok && big.regex.size < MAX_NFA_STATES).toBe(true);
    expect(linearMatch('x{1000}', 'x'.repeat(1000))).toBe(true);
    expect(linearMatch('x{1000}', 'x'.repeat(999))).toBe(false);
  });

  it('knows the fewest characters a match spans, to skip shorter texts unsearched', () => {
    const shortest = (p: string, f = '') => {
      const compiled = compileLinearRegex(p, f);
      if (!compiled.ok) throw new Error(compiled.reason);
      return compiled.regex.shortest;
    };
    // SNAKE's installer arguments (SigmaHQ): two hex runs, each after a blank.
    expect(shortest('\\s[a-fA-F0-9]{64}\\s[a-fA-F0-9]{16}')).toBe(82);
    expect(shortest('ab|c')).toBe(1);
    expect(shortest('^(?:x{2,}|y)?z\\b$')).toBe(1);
    expect(shortest('(ab){3}c*')).toBe(6);
    expect(shortest('')).toBe(0);
  });

  it('finds the literal every match contains, to skip texts without it', () => {
    const literal = (pattern: string, flags = '') => {
      const compiled = compileLinearRegex(pattern, flags);
      return compiled.ok ? compiled.regex.literal : undefined;
    };
    expect(literal('\\$PSHome\\[\\s*\\d{1,3}\\s*\\]')).toBe('$PSHome[');
    expect(literal('a?bc|x')).toBe('');
    expect(literal('a?bc')).toBe('bc');
    expect(literal('(?:abc)+d')).toBe('abc');
    expect(literal('(?:abc)*d')).toBe('d');
    expect(literal('(?i)x&&y')).toBe('&&');
    expect(literal('[a]b[^c]')).toBe('ab');
    expect(linearMatch('(?i)x&&y', 'X&&Y')).toBe(true);
    expect(linearMatch('(?:abc)+d', 'abcabd')).toBe(false);
  });

  it('finds the lower-case literal that every match holds once lower-cased, i or not', () => {
    const lower = (pattern: string, flags = '') => {
      const compiled = compileLinearRegex(pattern, flags);
      return compiled.ok ? compiled.regex.lowerLiteral : undefined;
    };
    expect(lower('(?i)\\.exe\\s+werfaultSecure\\.exe')).toBe('werfaultsecure.exe');
    expect(lower('ABC[dD]ef')).toBe('abc');
    expect(lower('x&&y', 'i')).toBe('x&&y');
    expect(lower('a?bc|x', 'i')).toBe('');
    // Only printable ASCII: the Kelvin sign lower-cases to k, but é stays what it is.
    expect(lower('ab\u212Acd')).toBe('abkcd');
    expect(lower('abé', 'i')).toBe('ab');
  });

  it('every match, lower-cased, holds the lower-case literal (property)', () => {
    // Letters whose case folds oddly: the Kelvin sign, dotted and dotless i, long s.
    const atom = fc.constantFrom('a', 'K', 'k', 's', 'S', 'i', 'I', '\u212A', 'İ', 'ı', 'ſ', '-', '[kK]', '\\w', '.');
    const quantifier = fc.constantFrom('', '', '', '?', '+', '{2}');
    const pattern = fc
      .array(fc.tuple(atom, quantifier), { minLength: 1, maxLength: 6 })
      .map((parts) => parts.map(([a, q]) => a + q).join(''));
    const text = fc.string({
      unit: fc.constantFrom('a', 'K', 'k', 's', 'S', 'i', 'I', '\u212A', 'İ', 'ı', 'ſ', '-', ' '),
      maxLength: 12,
    });
    fc.assert(
      fc.property(pattern, fc.array(text, { minLength: 1, maxLength: 8 }), fc.constantFrom('', 'i'), (p, texts, f) => {
        const compiled = compileLinearRegex(p, f);
        if (!compiled.ok) throw new Error(`${p}: ${compiled.reason}`);
        const { lowerLiteral } = compiled.regex;
        expect(lowerLiteral).toBe(lowerLiteral.toLowerCase());
        for (const t of texts)
          if (new RegExp(p, f).test(t)) expect(t.toLowerCase().includes(lowerLiteral), `${p} /${f} on ${t}`).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('finds short literals one of which every match holds, from sets of a few characters', () => {
    const alternatives = (pattern: string, flags = '') => {
      const compiled = compileLinearRegex(pattern, flags);
      return compiled.ok ? [...compiled.regex.lowerAlternatives].sort() : undefined;
    };
    // Raspberry Robin's `\\[a-zA-Z0-9]{1,32}\.[a-zA-Z0-9]{1,6}\.[ "']{1}`: a dot then a space or a quote.
    expect(alternatives('\\\\[a-zA-Z0-9]{1,32}\\.[a-zA-Z0-9]{1,6}\\.[ "\']{1}')).toEqual(['. ', '."', ".'"].sort());
    expect(alternatives('(?i)\\$\\{`?e`?n')).toEqual(['${']);
    expect(alternatives('a[bB]c', 'i')).toEqual(['abc']);
    expect(alternatives('[0-9]+\\s')).toEqual([]);
    expect(alternatives('ab|cd')).toEqual([]);
  });

  it('every match, lower-cased, holds one of the lower-case alternatives (property)', () => {
    const atom = fc.constantFrom(
      'a',
      'K',
      's',
      'I',
      '\u212A',
      'ı',
      '-',
      '[kK]',
      '[ab]',
      '[a-c]',
      '[xX-]',
      '\\w',
      '.',
      '(?:a|b)',
    );
    const quantifier = fc.constantFrom('', '', '', '?', '+', '*', '{2}', '{1}', '{1,3}');
    const pattern = fc
      .array(fc.tuple(atom, quantifier), { minLength: 1, maxLength: 7 })
      .map((parts) => parts.map(([a, q]) => a + q).join(''));
    // Texts that match (case flipped for `i`), with others around them.
    const flip = (t: string, mask: number) =>
      [...t].map((c, i) => ((mask >> (i % 30)) & 1 ? c.toUpperCase() : c.toLowerCase())).join('');
    const sample = pattern.chain((p) =>
      fc.tuple(
        fc.constant(p),
        fc.constantFrom('', 'i'),
        fc.array(fc.tuple(fc.stringMatching(new RegExp(p)), fc.nat()), { minLength: 1, maxLength: 6 }),
      ),
    );
    fc.assert(
      fc.property(sample, ([p, f, made]) => {
        const compiled = compileLinearRegex(p, f);
        if (!compiled.ok) throw new Error(`${p}: ${compiled.reason}`);
        const { lowerAlternatives } = compiled.regex;
        for (const literal of lowerAlternatives) expect(literal).toBe(literal.toLowerCase());
        if (lowerAlternatives.length === 0) return;
        for (const [text, mask] of made) {
          const t = f === 'i' ? flip(text, mask) : text;
          if (new RegExp(p, f).test(t))
            expect(
              lowerAlternatives.some((literal) => t.toLowerCase().includes(literal)),
              `${p} /${f} on ${t}: ${lowerAlternatives.join(' ')}`,
            ).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('stays right when its state cache overflows and is emptied', () => {
    // (a|b)*a(a|b){9}: the DFA needs 2^10 states, more than the cache holds.
    const pattern = '(?:a|b)*a(?:a|b){9}$';
    const random = fc.sample(fc.string({ unit: fc.constantFrom('a', 'b'), minLength: 10, maxLength: 400 }), {
      numRuns: 60,
      seed: 7,
    });
    const compiled = compileLinearRegex(pattern);
    if (!compiled.ok) throw new Error(compiled.reason);
    for (const text of random) expect(compiled.regex.test(text)).toBe(new RegExp(pattern).test(text));
    expect(compiled.regex.test(`${'ab'.repeat(3000)}a${'b'.repeat(9)}`)).toBe(true);
    expect(compiled.regex.test(`${'ab'.repeat(3000)}b${'b'.repeat(9)}`)).toBe(false);
  });

  it('finishes on patterns that make a backtracking engine explode', () => {
    const as = 'a'.repeat(50_000);
    expect(linearMatch('(a+)+$', `${as}b`)).toBe(false);
    expect(linearMatch('(a+)+$', as)).toBe(true);
    expect(linearMatch('(x+x+)+y', 'x'.repeat(50_000))).toBe(false);
    expect(linearMatch('(x+x+)+y', `${'x'.repeat(50_000)}y`)).toBe(true);
    expect(linearMatch('(.*a){12}', as.slice(0, 11) + 'b'.repeat(50_000))).toBe(false);
    expect(linearMatch('^(\\w+\\s?)*$', `${'word '.repeat(10_000)}!`)).toBe(false);
  });

  it('runs the SigmaHQ patterns JavaScript could not run safely (Invoke-Obfuscation IEX)', () => {
    // rules/windows/process_creation/proc_creation_win_hktl_invoke_obfuscation_obfuscated_iex_commandline.yml
    const pshome = '\\$PSHome\\[\\s*\\d{1,3}\\s*\\]\\s*\\+\\s*\\$PSHome\\[';
    expect(compileLinearRegex(pshome).ok).toBe(true);
    expect(linearMatch(pshome, "powershell -c \"&( $PSHome[21] + $PSHome[30]+'x') ( 'Write-Host hi' )\"")).toBe(true);
    expect(linearMatch(pshome, 'powershell -c "Get-ChildItem $PSHome\\Modules; $PSHome[0]"')).toBe(false);
    // rules/windows/process_creation/proc_creation_win_hktl_invoke_obfuscation_via_stdin.yml
    const stdin = '(?i)(?:set).*&&\\s?set.*(?:environment|invoke|\\$\\{?input).*&&.*"';
    expect(linearMatch(stdin, 'cmd /c "SET x=iex && set y=$input|invoke && powershell -"')).toBe(true);
    expect(linearMatch(stdin, 'cmd /c "set PATH=C:\\tools && build.cmd"')).toBe(false);
    // rules/linux/process_creation/proc_creation_lnx_pnscan_binary_cli_pattern.yml
    const pnscan = '-(W|R)\\s?(\\s|"|\')([0-9a-fA-F]{2}\\s?){2,20}(\\s|"|\')';
    expect(linearMatch(pnscan, "pnscan -W '2a 31 0d 0a' -R 'c0 ff' 10.0.0.0/8 6379")).toBe(true);
    expect(linearMatch(pnscan, 'ls -R /home')).toBe(false);
  });

  it('agrees with JavaScript on random small patterns and texts', () => {
    const atom = fc.constantFrom(
      'a',
      'b',
      'A',
      '.',
      '\\d',
      '\\w',
      '\\s',
      '\\W',
      '[ab]',
      '[^a]',
      '[a-c]',
      '[^\\s1]',
      '\\.',
      '\\x61',
      '\\n',
      ' ',
    );
    const assertion = fc.constantFrom('^', '$', '\\b', '\\B');
    const quantifier = fc.constantFrom('', '', '*', '+', '?', '{2}', '{1,3}', '{0,}', '*?', '+?', '{0,2}?');
    // Groups are repeated a bounded number of times, and a pattern has few unbounded quantifiers
    // in all (counted with the repetitions around them): JavaScript, the oracle, backtracks
    // exponentially on nested unbounded ones, even on these short texts.
    const groupQuantifier = fc.constantFrom('', '', '?', '{2}', '{1,3}', '{0,2}?', '??');
    const repeats = (q: string) => (q === '{2}' ? 2 : q === '{1,3}' ? 3 : q === '{0,2}?' ? 2 : 1);
    type Piece = { text: string; stars: number };
    const { pattern } = fc.letrec<{ pattern: Piece; term: Piece }>((tie) => ({
      pattern: fc.array(fc.array(tie('term'), { maxLength: 3 }), { minLength: 1, maxLength: 3 }).map((branches) => ({
        text: branches.map((terms) => terms.map((t) => t.text).join('')).join('|'),
        stars: branches.flat().reduce((n, t) => n + t.stars, 0),
      })),
      term: fc.oneof(
        { maxDepth: 2, depthSize: 'small', withCrossShrink: true },
        fc
          .tuple(atom, quantifier)
          .map(([a, q]) => ({ text: a + q, stars: q.includes('+') || q.includes('*') || q === '{0,}' ? 1 : 0 })),
        assertion.map((a) => ({ text: a, stars: 0 })),
        fc
          .tuple(tie('pattern'), fc.constantFrom('(', '(?:'), groupQuantifier)
          .map(([p, open, q]) => ({ text: `${open}${p.text})${q}`, stars: p.stars * repeats(q) })),
      ),
    }));
    const text = fc.string({
      unit: fc.constantFrom('a', 'b', 'A', 'B', '1', '_', ' ', '.', '\n', '\u00e9'),
      maxLength: 10,
    });
    const flags = fc.subarray(['i', 'm', 's']).map((f) => f.join(''));
    fc.assert(
      fc.property(
        pattern.filter((p) => p.stars <= 4).map((p) => p.text),
        text,
        flags,
        (p, t, f) => {
          const compiled = compileLinearRegex(p, f);
          if (!compiled.ok) throw new Error(`${p}: ${compiled.reason}`);
          expect(compiled.regex.test(t)).toBe(new RegExp(p, f).test(t));
          // What the JavaScript path skips unsearched: no shorter text matches.
          if (t.length < compiled.regex.shortest) expect(new RegExp(p, f).test(t)).toBe(false);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
