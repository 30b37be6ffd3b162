/**
 * htmlparser2's Tokenizer, faster where it decodes entities. With `decodeEntities` on, its
 * `parse` loop calls a state method once per character of text and of attribute values (its own
 * skip, `fastForwardTo`, serves only with entities off). Here the states that do nothing on most
 * characters — text, attribute values, tag and attribute names, the whitespace between
 * attributes — run over them in one tight loop, up to the next character they act on, and leave
 * `index` one before it, so that the loop's own `index++` lands on it (at the end of the buffer,
 * one before its end, as `fastForwardTo` does). A skipped character is one the original state
 * would have ignored too: the callbacks, their arguments and their order are the Tokenizer's.
 */
import { Tokenizer } from 'htmlparser2';

/**
 * The members of htmlparser2 10.1.0's Tokenizer (dist/esm/Tokenizer.js) that the skips read
 * and replace. Its declarations make them private, so this is the one place that reaches them;
 * html-tokenizer.test.ts checks the result against the unmodified Tokenizer, callback by callback.
 */
interface TokenizerInternals {
  /** The chunk being read; `index - offset` is a position in it. */
  buffer: string;
  index: number;
  offset: number;
  /** False once a callback has paused the tokenizer: no skipping then, as it reads no further. */
  running: boolean;
  stateText(c: number): void;
  /** Double- and single-quoted values, `quote` being the one that ends it. */
  handleInAttributeValue(c: number, quote: number): void;
  stateInAttributeValueNoQuotes(c: number): void;
  stateInAttributeName(c: number): void;
  stateInTagName(c: number): void;
  stateInClosingTagName(c: number): void;
  stateBeforeAttributeName(c: number): void;
}

const TAB = 9;
const NEW_LINE = 10;
const FORM_FEED = 12;
const CARRIAGE_RETURN = 13;
const SPACE = 32;
const AMP = 38;
const SLASH = 47;
const LT = 60;
const EQ = 61;
const GT = 62;

/** The Tokenizer's whitespace (not \v). */
function isWhitespace(c: number): boolean {
  return c === SPACE || c === NEW_LINE || c === TAB || c === FORM_FEED || c === CARRIAGE_RETURN;
}

/** What ends a tag name: `/`, `>`, whitespace. */
function endsTagName(c: number): boolean {
  return c === SLASH || c === GT || isWhitespace(c);
}

export class SkippingTokenizer extends Tokenizer {}

const original = Tokenizer.prototype as unknown as TokenizerInternals;
const skipping = SkippingTokenizer.prototype as unknown as TokenizerInternals;

/**
 * Sets `index` one before `i` (a position in the buffer): the next character the parse loop
 * reads is the one at `i`, or none when `i` is the end of the buffer.
 */
function stopBefore(tokenizer: TokenizerInternals, i: number): void {
  tokenizer.index = i + tokenizer.offset - 1;
}

// Text: only `<` (a tag) and `&` (an entity) do anything.
skipping.stateText = function (this: TokenizerInternals, c: number): void {
  if (c === LT || c === AMP || !this.running) {
    original.stateText.call(this, c);
    return;
  }
  const buffer = this.buffer;
  let i = this.index - this.offset + 1;
  for (; i < buffer.length; i++) {
    const d = buffer.charCodeAt(i);
    if (d === LT || d === AMP) break;
  }
  stopBefore(this, i);
};

// A quoted value: only its quote and `&`.
skipping.handleInAttributeValue = function (this: TokenizerInternals, c: number, quote: number): void {
  if (c === quote || c === AMP || !this.running) {
    original.handleInAttributeValue.call(this, c, quote);
    return;
  }
  const buffer = this.buffer;
  let i = this.index - this.offset + 1;
  for (; i < buffer.length; i++) {
    const d = buffer.charCodeAt(i);
    if (d === quote || d === AMP) break;
  }
  stopBefore(this, i);
};

// An unquoted value: whitespace, `>` and `&`.
skipping.stateInAttributeValueNoQuotes = function (this: TokenizerInternals, c: number): void {
  if (c === GT || c === AMP || isWhitespace(c) || !this.running) {
    original.stateInAttributeValueNoQuotes.call(this, c);
    return;
  }
  const buffer = this.buffer;
  let i = this.index - this.offset + 1;
  for (; i < buffer.length; i++) {
    const d = buffer.charCodeAt(i);
    if (d === GT || d === AMP || isWhitespace(d)) break;
  }
  stopBefore(this, i);
};

// An attribute name: `=` and what ends a tag name.
skipping.stateInAttributeName = function (this: TokenizerInternals, c: number): void {
  if (c === EQ || endsTagName(c) || !this.running) {
    original.stateInAttributeName.call(this, c);
    return;
  }
  const buffer = this.buffer;
  let i = this.index - this.offset + 1;
  for (; i < buffer.length; i++) {
    const d = buffer.charCodeAt(i);
    if (d === EQ || endsTagName(d)) break;
  }
  stopBefore(this, i);
};

// An opening tag's name: what ends it.
skipping.stateInTagName = function (this: TokenizerInternals, c: number): void {
  if (endsTagName(c) || !this.running) {
    original.stateInTagName.call(this, c);
    return;
  }
  const buffer = this.buffer;
  let i = this.index - this.offset + 1;
  for (; i < buffer.length; i++) {
    if (endsTagName(buffer.charCodeAt(i))) break;
  }
  stopBefore(this, i);
};

// A closing tag's name: `>` and whitespace (not `/`).
skipping.stateInClosingTagName = function (this: TokenizerInternals, c: number): void {
  if (c === GT || isWhitespace(c) || !this.running) {
    original.stateInClosingTagName.call(this, c);
    return;
  }
  const buffer = this.buffer;
  let i = this.index - this.offset + 1;
  for (; i < buffer.length; i++) {
    const d = buffer.charCodeAt(i);
    if (d === GT || isWhitespace(d)) break;
  }
  stopBefore(this, i);
};

// Between attributes: everything but whitespace.
skipping.stateBeforeAttributeName = function (this: TokenizerInternals, c: number): void {
  if (!isWhitespace(c) || !this.running) {
    original.stateBeforeAttributeName.call(this, c);
    return;
  }
  const buffer = this.buffer;
  let i = this.index - this.offset + 1;
  while (i < buffer.length && isWhitespace(buffer.charCodeAt(i))) i++;
  stopBefore(this, i);
};
