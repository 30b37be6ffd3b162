/**
 * The element events of an HTML body, as htmlparser2's `Parser` (HTML mode, entities decoded,
 * names lower-cased) would give them, read straight off its `Tokenizer`: the same opens and
 * closes in the same order (implied closes of <p>, <li>, <td>..., void elements, unmatched and
 * stray close tags, `</p>` and `</br>`, self-closing tags inside <svg> and <math>, the elements
 * still open at the end). What the Parser does besides is left out: the attributes are only
 * those asked for, read into one reused array instead of an object per tag, comments and
 * declarations are dropped, and its open elements are an array pushed and popped at the end
 * (the Parser `unshift`s them).
 */
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';

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

/** What the Parser does with an element, by name: found in one look-up rather than one per table. */
interface ElementRules {
  /** Lower-cased; the same string each time, so that comparing and hashing it is cheap. */
  readonly name: string;
  readonly isVoid: boolean;
  /** <svg>, <math> (true), their HTML islands (false), neither (undefined). */
  readonly foreign: boolean | undefined;
  readonly impliesClose: ReadonlySet<string> | undefined;
}

function rulesFor(name: string): ElementRules {
  const foreign = FOREIGN_CONTEXT_ELEMENTS.includes(name)
    ? true
    : HTML_INTEGRATION_ELEMENTS.includes(name)
      ? false
      : undefined;
  return { name, isVoid: VOID_ELEMENTS.has(name), foreign, impliesClose: OPEN_IMPLIES_CLOSE.get(name) };
}

/** The rules of every element the tables above name. */
const LISTED_ELEMENTS = new Map(
  [...OPEN_IMPLIES_CLOSE.keys(), ...VOID_ELEMENTS, ...FOREIGN_CONTEXT_ELEMENTS, ...HTML_INTEGRATION_ELEMENTS].map(
    (name) => [name, rulesFor(name)],
  ),
);

/**
 * Past this many open elements the outermost are forgotten, down to half as many, checked after
 * each opening tag: they then never close (what a handler records for them stays open too).
 * analyzeHtml did this to the Parser's arrays, whose `unshift` made deeply nested markup
 * quadratic; kept so that the events stay the same, it also bounds the search for the element a
 * close tag matches.
 */
const MAX_OPEN_ELEMENTS = 512;
/** Slots of the cache of recently read element names (a power of two). */
const RECENT_SLOTS = 64;

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
  /** Names met in this body that the tables do not list, or not in lower case. */
  private readonly elements = new Map<string, ElementRules>();
  /**
   * The element last read under each of a few keys (length and two characters of its name as
   * written): most tags repeat a handful of names, found here without slicing and hashing.
   */
  private readonly recentNames: string[] = new Array(RECENT_SLOTS).fill('');
  private readonly recentElements: ElementRules[] = new Array(RECENT_SLOTS);
  /** Open elements, innermost last. */
  private readonly open: string[] = [];
  /** Whether a self-closing tag closes (inside <svg>/<math>, not in their HTML islands), innermost last. */
  private readonly foreign: boolean[] = [false];
  private tag: ElementRules | undefined;
  private inOpenTag = false;
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
    const tokenizer = new Tokenizer({ decodeEntities: true }, this);
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
      const open = this.open;
      const at = open.lastIndexOf(element.name);
      if (at !== -1) {
        while (open.length > at) this.events.closeTag(open.pop() as string);
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
    this.attribute = -1;
    this.value = '';
  }

  onend(): void {
    const open = this.open;
    for (let i = open.length - 1; i >= 0; i--) this.events.closeTag(open[i] as string);
  }

  oncdata(): void {}
  oncomment(): void {}
  ondeclaration(): void {}
  onprocessinginstruction(): void {}

  /** The element named at [start, end), lower-cased. */
  private elementAt(start: number, end: number): ElementRules {
    const html = this.html;
    const length = end - start;
    const slot = (length * 31 + html.charCodeAt(start) * 7 + html.charCodeAt(end - 1)) & (RECENT_SLOTS - 1);
    const recent = this.recentNames[slot] as string;
    if (recent.length === length && html.startsWith(recent, start)) return this.recentElements[slot] as ElementRules;
    const raw = html.slice(start, end);
    let found = LISTED_ELEMENTS.get(raw) ?? this.elements.get(raw);
    if (found === undefined) {
      const name = raw.toLowerCase();
      found = LISTED_ELEMENTS.get(name) ?? this.elements.get(name) ?? rulesFor(name);
      this.elements.set(raw, found);
    }
    this.recentNames[slot] = raw;
    this.recentElements[slot] = found;
    return found;
  }

  private emitOpenTag(element: ElementRules): void {
    this.tag = element;
    const open = this.open;
    const impliesClose = element.impliesClose;
    if (impliesClose) {
      while (open.length > 0 && impliesClose.has(open[open.length - 1] as string)) {
        this.events.closeTag(open.pop() as string);
      }
    }
    if (!element.isVoid) {
      open.push(element.name);
      if (element.foreign !== undefined) this.foreign.push(element.foreign);
    }
    this.clearAttributes();
    this.inOpenTag = true;
  }

  private endOpenTag(): void {
    const element = this.tag;
    if (element === undefined) return;
    if (this.inOpenTag) {
      this.inOpenTag = false;
      this.events.openTag(element.name, this.values);
      forgetOutermost(this.open);
      forgetOutermost(this.foreign);
    }
    if (element.isVoid) this.events.closeTag(element.name);
    this.tag = undefined;
  }

  private closeCurrentTag(): void {
    const element = this.tag;
    this.endOpenTag();
    if (element !== undefined && this.open.at(-1) === element.name) {
      this.events.closeTag(element.name);
      this.open.pop();
    }
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

function forgetOutermost(open: unknown[]): void {
  if (open.length > MAX_OPEN_ELEMENTS) open.splice(0, open.length - MAX_OPEN_ELEMENTS / 2);
}

/**
 * Reads `html` in one pass, calling `events` as htmlparser2's Parser would call the handler of
 * the same name, with the attributes named in `attributeNames` (lower-case ASCII; at most 31,
 * the bits of the mask of those already seen in a tag).
 */
export function readHtml(html: string, events: HtmlEvents, attributeNames: readonly string[]): void {
  new Reader(events, attributeNames).read(html);
}
