/**
 * Sigma `re` values run on untrusted log text, so a pattern that can backtrack
 * exponentially would let one crafted event stall the engine. JavaScript's engine
 * backtracks, so instead of running such patterns we refuse them at compile time with a
 * reason: backreferences and lookarounds (not regular, no linear-time guarantee) and nested
 * quantifiers (`(a+)+`, `(\w*\s?)*`, the classic catastrophic shape). What is left is a
 * pattern whose quantified groups hold no quantifier; alternations inside a repeated group
 * (`(a|ab)+`) are still accepted, which is the remaining, much smaller, risk.
 *
 * Sigma regular expressions follow PCRE/Python syntax; the few spellings JavaScript reads
 * differently are translated: leading inline flags `(?i)`, `(?s)`, `(?m)` become RegExp flags,
 * `(?P<name>` becomes `(?<name>`.
 */

export type SafeRegex =
  | { readonly ok: true; readonly source: string; readonly flags: string }
  | { readonly ok: false; readonly reason: string };

function isQuantifierAt(source: string, i: number): { length: number; repeats: boolean } | undefined {
  const c = source[i];
  if (c === '*' || c === '+') return { length: 1, repeats: true };
  if (c === '?') return { length: 1, repeats: false };
  if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
    if (!m) return undefined;
    const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Number.POSITIVE_INFINITY : Number(m[3]);
    return { length: m[0].length, repeats: max > 1 };
  }
  return undefined;
}

/** Checks (and translates) a Sigma regular expression; `flags` are those of the modifiers. */
export function checkRegex(pattern: string, flags: string): SafeRegex {
  let source = pattern;
  let allFlags = flags;
  const inline = /^\(\?([imsx]+)\)/.exec(source);
  if (inline?.[1]) {
    if (inline[1].includes('x')) return { ok: false, reason: 'the verbose flag (?x) is not supported' };
    allFlags += inline[1];
    source = source.slice(inline[0].length);
  }
  source = source.replace(/\(\?P</g, '(?<');
  if (/\(\?P[=>]/.test(source)) return { ok: false, reason: 'named backreferences are not linear-time' };
  // One group per open parenthesis: did anything inside it repeat?
  const groups: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (!inClass && (/[1-9]/.test(next) || next === 'k'))
        return { ok: false, reason: 'backreferences are not linear-time' };
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (source[i + 1] === ']') i++;
      continue;
    }
    if (c === '(') {
      if (
        source.startsWith('(?=', i) ||
        source.startsWith('(?!', i) ||
        source.startsWith('(?<=', i) ||
        source.startsWith('(?<!', i)
      )
        return { ok: false, reason: 'lookarounds are not linear-time' };
      if (/^\(\?[a-zA-Z-]+[:)]/.test(source.slice(i)) && !source.startsWith('(?<', i))
        return { ok: false, reason: 'inline flags inside the pattern are not supported' };
      groups.push(false);
      if (source[i + 1] === '?') i++;
      continue;
    }
    if (c === ')') {
      const innerRepeats = groups.pop() ?? false;
      const quantifier = isQuantifierAt(source, i + 1);
      if (quantifier?.repeats && innerRepeats)
        return { ok: false, reason: 'nested quantifiers can backtrack exponentially' };
      if (groups.length > 0 && (innerRepeats || quantifier)) groups[groups.length - 1] = true;
      if (quantifier) {
        i += quantifier.length;
        if (source[i + 1] === '?' || source[i + 1] === '+') i++;
      }
      continue;
    }
    const quantifier = isQuantifierAt(source, i);
    if (quantifier) {
      if (groups.length > 0) groups[groups.length - 1] = true;
      i += quantifier.length - 1;
      // A lazy or possessive marker after a quantifier is not a quantifier of its own.
      if (source[i + 1] === '?' || source[i + 1] === '+') i++;
    }
  }
  const unique = [...new Set(allFlags)].join('');
  try {
    new RegExp(source, unique);
  } catch (error) {
    return { ok: false, reason: `invalid regular expression: ${(error as Error).message}` };
  }
  return { ok: true, source, flags: unique };
}
