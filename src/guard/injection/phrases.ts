/**
 * Linear-time phrase matcher over folded word tokens: a trie of token sequences with bounded
 * gaps, walked from every token. Patterns use a small syntax: `(a|b c)` alternatives,
 * `[x]` optional, `*` = up to three other words of the same sentence, `^` first = at the
 * start of a sentence or line. The work per start
 * token is bounded by the trie (not by the text), so matching is O(tokens).
 */
import { SENTENCE_BREAK } from './normalize.js';

const MAX_GAP = 3;
const MAX_EXPANSIONS = 20_000;
const GAP = '*';
/** `^` first in a pattern: the phrase must open a sentence (or a line). */
const START = '^';

interface Node {
  readonly next: Map<string, Node>;
  /** Indices of the phrase families ending here. */
  readonly outputs: number[];
}

export interface PhraseMatch {
  /** Index of the family (position in the list given to the matcher). */
  readonly family: number;
  /** First and last token index (inclusive). */
  readonly first: number;
  readonly last: number;
}

/** Expands `(a|b) * [c]` into token sequences (`*` kept as a gap token). */
export function expandPattern(pattern: string): string[][] {
  const lexemes = pattern.match(/[()[\]|]|[^\s()[\]|]+/g) ?? [];
  let pos = 0;
  const parseSequence = (): string[][] => {
    let results: string[][] = [[]];
    while (pos < lexemes.length) {
      const lexeme = lexemes[pos] as string;
      if (lexeme === ')' || lexeme === ']' || lexeme === '|') break;
      pos++;
      let options: string[][];
      if (lexeme === '(') {
        options = [];
        for (;;) {
          options.push(...parseSequence());
          const closing = lexemes[pos++];
          if (closing === ')') break;
          if (closing !== '|') throw new Error(`Unclosed group in phrase pattern: ${pattern}`);
        }
      } else if (lexeme === '[') {
        options = [[], ...parseSequence()];
        if (lexemes[pos++] !== ']') throw new Error(`Unclosed option in phrase pattern: ${pattern}`);
      } else {
        options = [[lexeme]];
      }
      const next: string[][] = [];
      for (const head of results) for (const tail of options) next.push([...head, ...tail]);
      if (next.length > MAX_EXPANSIONS) throw new Error(`Phrase pattern expands too much: ${pattern}`);
      results = next;
    }
    return results;
  };
  const expanded = parseSequence();
  if (pos !== lexemes.length) throw new Error(`Unbalanced phrase pattern: ${pattern}`);
  return expanded.filter((seq) => seq.length > 0 && seq[0] !== GAP && seq[seq.length - 1] !== GAP);
}

export class PhraseMatcher {
  private readonly root: Node = { next: new Map(), outputs: [] };

  /** `families[i]` = the patterns of family i. */
  constructor(families: readonly (readonly string[])[]) {
    families.forEach((patterns, family) => {
      for (const pattern of patterns) for (const seq of expandPattern(pattern)) this.insert(seq, family);
    });
  }

  private insert(sequence: readonly string[], family: number): void {
    let node = this.root;
    for (const word of sequence) {
      let child = node.next.get(word);
      if (!child) {
        child = { next: new Map(), outputs: [] };
        node.next.set(word, child);
      }
      node = child;
    }
    if (!node.outputs.includes(family)) node.outputs.push(family);
  }

  /** Every family found, at most once per start token (its shortest match). */
  match(words: readonly string[]): PhraseMatch[] {
    const found: PhraseMatch[] = [];
    const seen = new Set<number>();
    const walk = (node: Node, at: number, first: number) => {
      for (const family of node.outputs) {
        if (!seen.has(family)) {
          seen.add(family);
          found.push({ family, first, last: at - 1 });
        }
      }
      const gap = node.next.get(GAP);
      if (gap) {
        // Skip 0..MAX_GAP words of the same sentence, then go on from the gap's node.
        for (let skip = 0; skip <= MAX_GAP; skip++) {
          const word = words[at + skip];
          if (word === undefined || word === SENTENCE_BREAK) break;
          const child = gap.next.get(word);
          if (child) walk(child, at + skip + 1, first);
        }
      }
      const word = words[at];
      if (word === undefined || word === SENTENCE_BREAK) return;
      const child = node.next.get(word);
      if (child) walk(child, at + 1, first);
    };
    const sentenceStart = this.root.next.get(START);
    for (let i = 0; i < words.length; i++) {
      if (seen.size > 0) seen.clear();
      const word = words[i];
      if (word === undefined || word === SENTENCE_BREAK) continue;
      const child = this.root.next.get(word);
      if (child) walk(child, i + 1, i);
      if (sentenceStart && (i === 0 || words[i - 1] === SENTENCE_BREAK)) {
        const anchored = sentenceStart.next.get(word);
        if (anchored) walk(anchored, i + 1, i);
      }
    }
    return found;
  }
}
