/**
 * The words the statistical model reads. Only what a reader sees (subject, visible text, the
 * display name, link hosts' registrable-domain suffixes) — never headers, line endings or dates,
 * which differ by how a corpus was collected rather than by what a message is. Digits become
 * their shape (`#4` for a 4-digit number) so that no year or order number can be learnt.
 */

/** Longest text read for features; phishing says what it wants early. */
const MAX_FEATURE_CHARS = 40_000;
const MIN_WORD = 2;
const MAX_WORD = 24;
const ASCII_ONLY = /^\p{ASCII}*$/u;

/** Lower-case, accents removed: « Vérifiez » and « verifiez » are one word. */
export function foldText(text: string): string {
  // ASCII has nothing to decompose: lower-casing is all the folding it needs.
  if (ASCII_ONLY.test(text)) return text.toLowerCase();
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

export interface FeatureInput {
  readonly subject: string;
  readonly text: string;
  readonly displayName: string;
}

/**
 * The distinct features of a message: `w:word` for words of the body, `s:word` for words of
 * the subject, `n:word` for the display name, `b:w1_w2` for body bigrams. Presence, not
 * counts: a long mailing-list thread should not outweigh a short lure.
 */
export function messageFeatures(input: FeatureInput): Set<string> {
  const features = new Set<string>();
  addWords(features, input.subject, 's:', false);
  addWords(features, input.displayName, 'n:', false);
  addWords(features, input.text.slice(0, MAX_FEATURE_CHARS), 'w:', true);
  return features;
}

/** A word's feature and the start of the bigrams it begins, built once per distinct word. */
interface WordForms {
  readonly feature: string;
  readonly bigramStart: string;
}

function addWords(features: Set<string>, raw: string, prefix: string, bigrams: boolean): void {
  const text = foldText(raw);
  // Long texts repeat their words: each distinct word's strings are built once.
  const forms = new Map<string, WordForms>();
  let previous: WordForms | undefined;
  let start = -1;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 32;
    const isLetter = code >= 97 && code <= 122;
    const isDigit = code >= 48 && code <= 57;
    if (isLetter || isDigit) {
      if (start < 0) {
        start = i;
        digits = 0;
      }
      if (isDigit) digits++;
      continue;
    }
    if (start >= 0) {
      const length = i - start;
      let word: string | undefined;
      if (digits === length) word = `#${Math.min(length, 9)}`;
      else if (digits === 0) word = length >= MIN_WORD && length <= MAX_WORD ? text.slice(start, i) : undefined;
      else if (length <= MAX_WORD) word = '#mixed';
      if (word !== undefined) {
        let form = forms.get(word);
        if (form === undefined) {
          form = { feature: prefix + word, bigramStart: `b:${word}_` };
          forms.set(word, form);
        }
        features.add(form.feature);
        if (bigrams && previous) features.add(previous.bigramStart + word);
        previous = form;
      }
      start = -1;
    }
    // Sentence punctuation breaks bigrams; spaces and hyphens do not.
    if (code === 46 || code === 33 || code === 63 || code === 10) previous = undefined;
  }
}
