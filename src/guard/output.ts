/**
 * Output scanning facts a detector of the prompt cannot see: the answer repeating the system
 * prompt (word n-gram overlap, one pass over each text) and links — external URLs, and images
 * or links to unknown hosts that can carry data out (a markdown image is fetched by the client
 * without a click: the classic exfiltration channel of an injected model).
 */

/** Words of at least one letter or digit; offsets kept to report where a leak sits. */
const WORD = /[\p{L}\p{N}]+/gu;

interface Words {
  readonly words: string[];
  readonly starts: number[];
  readonly ends: number[];
}

function words(text: string, max: number): Words {
  const out: Words = { words: [], starts: [], ends: [] };
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m && out.words.length < max; m = WORD.exec(text)) {
    out.words.push(m[0].toLowerCase());
    out.starts.push(m.index);
    out.ends.push(m.index + m[0].length);
  }
  return out;
}

export interface LeakageOptions {
  /** Words per shingle (default 6); shorter system prompts use their own length (3 at least). */
  readonly n?: number;
  /** Longest copied run, in words, from which the answer counts as leaking (default 20). */
  readonly minRunWords?: number;
  /** Share of the system prompt's shingles found in the answer from which it leaks (default 0.3). */
  readonly minCoverage?: number;
  /** Words read at most in each text (default 20,000). */
  readonly maxWords?: number;
}

export interface LeakageResult {
  readonly detected: boolean;
  /** Share of the system prompt's distinct n-grams found in the answer. */
  readonly coverage: number;
  /** Longest run of the answer copied from the system prompt, in words. */
  readonly longestRunWords: number;
  /** Where that run sits in the answer (UTF-16 offsets). */
  readonly span?: { readonly start: number; readonly end: number };
}

/** How much of `systemPrompt` the answer repeats, word for word (case and punctuation ignored). */
export function systemPromptLeakage(answer: string, systemPrompt: string, options: LeakageOptions = {}): LeakageResult {
  const maxWords = options.maxWords ?? 20_000;
  const sys = words(systemPrompt, maxWords);
  const n = Math.min(options.n ?? 6, sys.words.length);
  if (n < 3) return { detected: false, coverage: 0, longestRunWords: 0 };
  const shingles = new Set<string>();
  for (let i = 0; i + n <= sys.words.length; i++) shingles.add(sys.words.slice(i, i + n).join(' '));
  const ans = words(answer, maxWords);
  const found = new Set<string>();
  let best = { length: 0, start: 0, end: 0 };
  let runStart = -1;
  let runEnd = -1;
  for (let i = 0; i + n <= ans.words.length; i++) {
    const s = ans.words.slice(i, i + n).join(' ');
    if (shingles.has(s)) {
      found.add(s);
      if (runStart < 0 || i > runEnd - n + 1) runStart = i;
      runEnd = i + n;
      if (runEnd - runStart > best.length) best = { length: runEnd - runStart, start: runStart, end: runEnd };
    }
  }
  const coverage = shingles.size === 0 ? 0 : found.size / shingles.size;
  const minRun = Math.min(options.minRunWords ?? 20, sys.words.length);
  const detected = best.length >= minRun || (best.length > 0 && coverage >= (options.minCoverage ?? 0.3));
  return {
    detected,
    coverage: Math.round(coverage * 1000) / 1000,
    longestRunWords: best.length,
    ...(best.length > 0 ? { span: { start: ans.starts[best.start] ?? 0, end: ans.ends[best.end - 1] ?? 0 } } : {}),
  };
}

export type LinkKind = 'link' | 'image';
export type LinkRisk = 'known_host' | 'external_link' | 'exfiltration';

export interface OutputLink {
  readonly url: string;
  readonly host: string;
  readonly kind: LinkKind;
  readonly risk: LinkRisk;
  readonly start: number;
  readonly end: number;
}

/** Bounded, non-overlapping character class: one pass. Stops at spaces, quotes, brackets. */
const URL_RE = /\bhttps?:\/\/[^\s<>"'`()[\]{}]{1,2048}/gi;
/** A query longer than this to an unknown host can carry a conversation out. */
const LONG_QUERY = 100;

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return undefined;
  }
}

/** Whether `host` is one of `known` or under one of them (suffix on a label boundary). */
export function hostKnown(host: string, known: ReadonlySet<string>): boolean {
  let h = host;
  for (;;) {
    if (known.has(h)) return true;
    const dot = h.indexOf('.');
    if (dot < 0) return false;
    h = h.slice(dot + 1);
  }
}

/** Whether the URL at `start` is an image source: `![alt](url)` or `<img src="url">`. */
function isImage(text: string, start: number): boolean {
  if (text.slice(Math.max(0, start - 2), start) === '](') {
    const open = text.lastIndexOf('![', start);
    const close = text.lastIndexOf('](', start);
    return open >= 0 && start - open <= 1000 && !text.slice(open, close).includes('\n');
  }
  const before = text.slice(Math.max(0, start - 200), start).toLowerCase();
  const tag = before.lastIndexOf('<img');
  return tag >= 0 && !before.slice(tag).includes('>') && /src\s*=\s*["']?$/.test(before);
}

/** The links of an answer, each with its risk given the hosts the organisation knows. */
export function findLinks(text: string, knownHosts: readonly string[] = []): OutputLink[] {
  const known = new Set(knownHosts.map((h) => h.toLowerCase().replace(/^\*\./, '')));
  const out: OutputLink[] = [];
  URL_RE.lastIndex = 0;
  for (let m = URL_RE.exec(text); m; m = URL_RE.exec(text)) {
    // Trailing punctuation belongs to the sentence, not the URL.
    const url = m[0].replace(/[.,;:!?]+$/, '');
    const host = hostOf(url);
    if (!host) continue;
    const kind: LinkKind = isImage(text, m.index) ? 'image' : 'link';
    const q = url.indexOf('?');
    const query = q >= 0 ? url.length - q - 1 : 0;
    const risk: LinkRisk = hostKnown(host, known)
      ? 'known_host'
      : kind === 'image' || query > LONG_QUERY
        ? 'exfiltration'
        : 'external_link';
    out.push({ url, host, kind, risk, start: m.index, end: m.index + url.length });
  }
  return out;
}
