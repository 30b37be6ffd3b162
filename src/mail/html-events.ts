/**
 * The element events of an HTML body, as htmlparser2's `Parser` (HTML mode, entities decoded,
 * names lower-cased) would give them, read straight off its `Tokenizer` (a faster one with the
 * same callbacks, html-tokenizer.ts): the same opens and closes in the same order (implied closes
 * of <p>, <li>, <td>..., void elements, unmatched and stray close tags, `</p>` and `</br>`,
 * self-closing tags inside <svg> and <math>, the elements still open at the end). What the Parser
 * does besides is left out: the attributes are only those asked for, read into one reused array
 * instead of an object per tag, comments and declarations are dropped, and its open elements are
 * an array pushed and popped at the end (the Parser `unshift`s them).
 */
import type { TokenizerCallbacks } from 'htmlparser2';
import { SkippingTokenizer } from './html-tokenizer.js';

export interface HtmlEvents {
  /**
   * An element opens. `attributes[i]` holds the first value of the i-th name asked for, or
   * `undefined`: the array is reused and only valid during the call.
   */
  openTag(name: string, attributes: readonly (string | undefined)[]): void;
  /** Text, in pieces: one per entity and per stretch between entities and tags. */
  text(text: string): void;
  closeTag(name: string): void;
}

const formTags = new Set(['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea']);
const pTag = new Set(['p']);
const tableSectionTags = new Set(['thead', 'tbody']);
const ddtTags = new Set(['dd', 'dt']);
const rtpTags = new Set(['rt', 'rp']);
/** htmlparser2's own table (Parser.js): opening the key closes the innermost elements in the set. */
const OPEN_IMPLIES_CLOSE = new Map<string, Set<string>>([
  ['tr', new Set(['tr', 'th', 'td'])],
  ['th', new Set(['th'])],
  ['td', new Set(['thead', 'th', 'td'])],
  ['body', new Set(['head', 'link', 'script'])],
  ['li', new Set(['li'])],
  ['p', pTag],
  ['h1', pTag],
  ['h2', pTag],
  ['h3', pTag],
  ['h4', pTag],
  ['h5', pTag],
  ['h6', pTag],
  ['select', formTags],
  ['input', formTags],
  ['output', formTags],
  ['button', formTags],
  ['datalist', formTags],
  ['textarea', formTags],
  ['option', new Set(['option'])],
  ['optgroup', new Set(['optgroup', 'option'])],
  ['dd', ddtTags],
  ['dt', ddtTags],
  ['address', pTag],
  ['article', pTag],
  ['aside', pTag],
  ['blockquote', pTag],
  ['details', pTag],
  ['div', pTag],
  ['dl', pTag],
  ['fieldset', pTag],
  ['figcaption', pTag],
  ['figure', pTag],
  ['footer', pTag],
  ['form', pTag],
  ['header', pTag],
  ['hr', pTag],
  ['main', pTag],
  ['nav', pTag],
  ['ol', pTag],
  ['pre', pTag],
  ['section', pTag],
  ['table', pTag],
  ['ul', pTag],
  ['rt', rtpTags],
  ['rp', rtpTags],
  ['tbody', tableSectionTags],
  ['tfoot', tableSectionTags],
]);
const VOID_ELEMENTS = new Set([
  'area',
  'base',
  'basefont',
  'br',
  'col',
  'command',
  'embed',
  'frame',
  'hr',
  'img',
  'input',
  'isindex',
  'keygen',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);
const FOREIGN_CONTEXT_ELEMENTS = ['math', 'svg'];
const HTML_INTEGRATION_ELEMENTS = ['mi', 'mo', 'mn', 'ms', 'mtext', 'annotation-xml', 'foreignobject', 'desc', 'title'];

/** Every name the tables above hold: the elements whose opening or closing has rules of its own. */
export const NAMES_WITH_RULES: readonly string[] = [
  ...new Set([
    ...[...OPEN_IMPLIES_CLOSE].flatMap(([name, closed]) => [name, ...closed]),
    ...VOID_ELEMENTS,
    ...FOREIGN_CONTEXT_ELEMENTS,
    ...HTML_INTEGRATION_ELEMENTS,
  ]),
];

/** An element name met in one body, with what the Parser does with it. */
interface ElementRules {
  /** Lower-cased. */
  readonly name: string;
  readonly isVoid: boolean;
  /** <svg>, <math> (true), their HTML islands (false), neither (undefined). */
  readonly foreign: boolean | undefined;
  readonly impliesClose: ReadonlySet<string> | undefined;
  /** How many of the open elements it is: a close tag of an element not open needs no search. */
  openCount: number;
}

function rulesFor(name: string): ElementRules {
  const foreign = FOREIGN_CONTEXT_ELEMENTS.includes(name)
    ? true
    : HTML_INTEGRATION_ELEMENTS.includes(name)
      ? false
      : undefined;
  return { name, isVoid: VOID_ELEMENTS.has(name), foreign, impliesClose: OPEN_IMPLIES_CLOSE.get(name), openCount: 0 };
}

/**
 * Past this many open elements the outermost are forgotten, down to half as many, checked after
 * each opening tag: they then never close (what a handler records for them stays open too).
 * analyzeHtml did this to the Parser's arrays, whose `unshift` made deeply nested markup
 * quadratic; kept so that the events stay the same, it also bounds the search for the element a
 * close tag matches.
 */
const MAX_OPEN_ELEMENTS = 512;

/**
 * A code unit of an attribute name as `toLowerCase()` leaves it, for comparing with lower-case
 * ASCII names: besides A-Z, the only code unit it turns into ASCII is the Kelvin sign (İ gives
 * "i" and a combining dot, which no such name holds).
 */
function asciiLower(code: number): number {
  if (code >= 65 && code <= 90) return code | 0x20;
  return code === 0x212a ? 107 : code;
}

class Reader implements TokenizerCallbacks {
  private html = '';
  /**
   * The elements met in this body, one per lower-cased name (the open counts are this body's),
   * found by the name as written and as lower-cased.
   */
  private readonly elements = new Map<string, ElementRules>();
  /** Open elements, innermost last. */
  private readonly open: ElementRules[] = [];
  /** Whether a self-closing tag closes (inside <svg>/<math>, not in their HTML islands), innermost last. */
  private readonly foreign: boolean[] = [false];
  /** The element whose opening tag is being read. */
  private tag: ElementRules | undefined;
  /** Index of the attribute being read in `names`, or -1 when it is not asked for or already seen. */
  private attribute = -1;
  private value = '';
  /** Bit i: the i-th attribute has had its (first) value in this tag. */
  private seen = 0;
  private readonly values: (string | undefined)[];
  /** Attribute names asked for, grouped by length. */
  private readonly byLength: number[][] = [];

  constructor(
    private readonly events: HtmlEvents,
    private readonly names: readonly string[],
  ) {
    this.values = names.map(() => undefined);
    names.forEach((name, i) => {
      const sameLength = this.byLength[name.length] ?? [];
      sameLength.push(i);
      this.byLength[name.length] = sameLength;
    });
  }

  read(html: string): void {
    this.html = html;
    const tokenizer = new SkippingTokenizer({ decodeEntities: true }, this);
    tokenizer.write(html);
    tokenizer.end();
  }

  ontext(start: number, end: number): void {
    this.events.text(this.html.slice(start, end));
  }

  ontextentity(codePoint: number): void {
    this.events.text(String.fromCodePoint(codePoint));
  }

  onopentagname(start: number, end: number): void {
    this.emitOpenTag(this.elementAt(start, end));
  }

  onopentagend(): void {
    this.endOpenTag();
  }

  onselfclosingtag(): void {
    if (this.foreign.at(-1) === true) this.closeCurrentTag();
    else this.endOpenTag();
  }

  onclosetag(start: number, end: number): void {
    const element = this.elementAt(start, end);
    if (element.foreign !== undefined) this.foreign.pop();
    if (!element.isVoid) {
      if (element.openCount > 0) {
        const open = this.open;
        const at = open.lastIndexOf(element);
        while (open.length > at) this.closeInnermost();
      } else if (element.name === 'p') {
        this.emitOpenTag(element);
        this.closeCurrentTag();
      }
    } else if (element.name === 'br') {
      this.clearAttributes();
      this.events.openTag('br', this.values);
      this.events.closeTag('br');
    }
  }

  onattribname(start: number, end: number): void {
    this.attribute = this.attributeIndex(start, end);
    this.value = '';
  }

  onattribdata(start: number, end: number): void {
    if (this.attribute >= 0) this.value += this.html.slice(start, end);
  }

  onattribentity(codePoint: number): void {
    if (this.attribute >= 0) this.value += String.fromCodePoint(codePoint);
  }

  onattribend(): void {
    const i = this.attribute;
    if (i < 0) return;
    this.values[i] = this.value;
    this.seen |= 1 << i;
  }

  onend(): void {
    while (this.open.length > 0) this.closeInnermost();
  }

  oncdata(): void {}
  oncomment(): void {}
  ondeclaration(): void {}
  onprocessinginstruction(): void {}

  /** The element named at [start, end). */
  private elementAt(start: number, end: number): ElementRules {
    const raw = this.html.slice(start, end);
    let element = this.elements.get(raw);
    if (element === undefined) {
      const name = raw.toLowerCase();
      element = this.elements.get(name) ?? rulesFor(name);
      this.elements.set(name, element);
      this.elements.set(raw, element);
    }
    return element;
  }

  private emitOpenTag(element: ElementRules): void {
    this.tag = element;
    const open = this.open;
    const impliesClose = element.impliesClose;
    if (impliesClose) {
      while (open.length > 0 && impliesClose.has((open[open.length - 1] as ElementRules).name)) this.closeInnermost();
    }
    if (!element.isVoid) {
      open.push(element);
      element.openCount++;
      if (element.foreign !== undefined) this.foreign.push(element.foreign);
    }
    this.clearAttributes();
  }

  private endOpenTag(): void {
    const element = this.tag;
    if (element === undefined) return;
    this.tag = undefined;
    this.events.openTag(element.name, this.values);
    const open = this.open;
    if (open.length > MAX_OPEN_ELEMENTS) {
      for (const forgotten of open.splice(0, open.length - MAX_OPEN_ELEMENTS / 2)) forgotten.openCount--;
    }
    const foreign = this.foreign;
    if (foreign.length > MAX_OPEN_ELEMENTS) foreign.splice(0, foreign.length - MAX_OPEN_ELEMENTS / 2);
    if (element.isVoid) this.events.closeTag(element.name);
  }

  private closeCurrentTag(): void {
    const element = this.tag;
    this.endOpenTag();
    // As the Parser's `stack[0] === name`: a void element was never pushed and does not close twice.
    if (element !== undefined && this.open.at(-1) === element) this.closeInnermost();
  }

  private closeInnermost(): void {
    const element = this.open.pop() as ElementRules;
    element.openCount--;
    this.events.closeTag(element.name);
  }

  private clearAttributes(): void {
    if (this.seen === 0) return;
    const values = this.values;
    for (let i = 0; i < values.length; i++) values[i] = undefined;
    this.seen = 0;
  }

  /** Which asked-for name the attribute name at [start, end) lower-cases to, unless already seen: -1 otherwise. */
  private attributeIndex(start: number, end: number): number {
    const candidates = this.byLength[end - start];
    if (candidates === undefined) return -1;
    const html = this.html;
    for (const i of candidates) {
      if ((this.seen & (1 << i)) !== 0) continue;
      const name = this.names[i] as string;
      let k = 0;
      while (k < name.length && asciiLower(html.charCodeAt(start + k)) === name.charCodeAt(k)) k++;
      if (k === name.length) return i;
    }
    return -1;
  }
}

/**
 * Reads `html` in one pass, calling `events` as htmlparser2's Parser would call the handler of
 * the same name, with the attributes named in `attributeNames` (lower-case ASCII; at most 31,
 * the bits of the mask of those already seen in a tag).
 */
export function readHtml(html: string, events: HtmlEvents, attributeNames: readonly string[]): void {
  new Reader(events, attributeNames).read(html);
}
