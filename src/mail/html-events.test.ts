import fc from 'fast-check';
import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import {
  analyzeHtml,
  countZeroWidthInWords,
  HTML_LIMITS,
  hiddenClassesOf,
  longestBase64Run,
  normalizeColor,
  readStyle,
} from './html.js';
import { type HtmlEvents, readHtml } from './html-events.js';
import type { HtmlFacts } from './types.js';

// ---- The oracle: analyzeHtml on htmlparser2's Parser, as it was before the reader. ----

/** Invisible format characters counted as zero-width tricks and removed from the visible text. */
const INVISIBLE =
  /[\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0]|\u034f/g;
const HAS_INVISIBLE = new RegExp(INVISIBLE.source);
/** Elements whose text content is never shown. */
const SKIPPED = new Set(['script', 'style', 'title', 'template', 'noscript', 'xml', 'object', 'applet', 'iframe']);
/** Elements that start and end a line. */
const BLOCKS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'br',
  'center',
  'dd',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'tbody',
  'thead',
  'tfoot',
  'tr',
  'ul',
  'caption',
  'body',
  'html',
]);
/** Elements that separate words (cells, inputs...). */
const SEPARATORS = new Set(['td', 'th', 'img', 'input', 'button', 'select', 'option', 'label']);

/** White text with no background set anywhere above it is read as white on the default white. */
const WHITE_ON_DEFAULT = true;

const MAX_PARSER_DEPTH = 512;
/** Distinct inline styles remembered per body (each is at most a few kilobytes). */
const MAX_REMEMBERED_STYLES = 2_000;

const WHITESPACE = /[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+/g;

/** Only spaces, tabs and line breaks (a subset of WHITESPACE, tested without a regex). */
function isLayoutSpace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return false;
  }
  return true;
}

/** What WHITESPACE matches, by code unit (`\s` and the extra spaces it lists). */
function isCollapsibleSpace(code: number): boolean {
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/**
 * Whether `raw.replace(WHITESPACE, ' ')` would change it: a space other than ' ', or two spaces
 * in a row. Most text pieces have neither, and the scan is cheaper than the regular expression.
 */
function needsCollapsing(raw: string): boolean {
  let previousSpace = false;
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code === 32) {
      if (previousSpace) return true;
      previousSpace = true;
    } else if (isCollapsibleSpace(code)) {
      return true;
    } else {
      previousSpace = false;
    }
  }
  return false;
}

/** Text accumulated with collapsed whitespace and line breaks between blocks, up to a limit. */
class TextSink {
  private readonly parts: string[] = [];
  private length = 0;
  private pendingSpace = false;
  private pendingBreak = false;
  constructor(private readonly limit: number) {}

  add(raw: string): void {
    if (this.length >= this.limit || raw.length === 0) return;
    // Most text between tags is indentation: it only separates words.
    if (isLayoutSpace(raw)) {
      this.pendingSpace = true;
      return;
    }
    const text = needsCollapsing(raw) ? raw.replace(WHITESPACE, ' ') : raw;
    let start = 0;
    let end = text.length;
    if (text.charCodeAt(0) === 32) {
      this.pendingSpace = true;
      start = 1;
    }
    let trailing = false;
    if (end > start && text.charCodeAt(end - 1) === 32) {
      trailing = true;
      end--;
    }
    if (end > start) {
      if (this.length > 0) {
        if (this.pendingBreak) this.push('\n');
        else if (this.pendingSpace) this.push(' ');
      }
      this.pendingBreak = false;
      this.pendingSpace = false;
      this.push(start === 0 && end === text.length ? text : text.slice(start, end));
    }
    if (trailing) this.pendingSpace = true;
  }

  space(): void {
    this.pendingSpace = true;
  }

  lineBreak(): void {
    this.pendingBreak = true;
  }

  private push(s: string): void {
    const room = this.limit - this.length;
    const piece = s.length > room ? s.slice(0, room) : s;
    this.parts.push(piece);
    this.length += piece.length;
  }

  toString(): string {
    return this.parts.join('');
  }
}

interface Frame {
  readonly name: string;
  readonly hides: boolean;
  readonly skips: boolean;
  /** This element opened an anchor / a form (closed with it). */
  anchor: boolean;
  form: boolean;
  /** Text colour in effect inside this element ('' = unknown / default, 'link' = link colour). */
  readonly color: string;
  /** Background colour in effect inside this element ('' = none set). */
  readonly background: string;
  readonly tinyFont: boolean;
  readonly invisible: boolean;
}

interface AnchorDraft {
  href: string;
  text: string;
}

function hasHiddenClass(classAttr: string | undefined, hidden: Set<string>): boolean {
  if (!classAttr || hidden.size === 0) return false;
  for (const name of classAttr.slice(0, 1_000).split(/\s+/)) if (hidden.has(name)) return true;
  return false;
}

function clip(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) : s;
}

/** Reads an HTML body. Never throws; linear in `html`. */
/** analyzeHtml as it was on htmlparser2's Parser: the oracle the reader on its Tokenizer is held to. */
function analyzeHtmlWithParser(html: string): HtmlFacts {
  const visible = new TextSink(HTML_LIMITS.visibleChars);
  const hidden = new TextSink(HTML_LIMITS.hiddenChars);
  const anchors: AnchorDraft[] = [];
  const imageSources: string[] = [];
  const forms: { action: string; hasPassword: boolean }[] = [];
  const hiddenClasses = new Set<string>();
  const stack: Frame[] = [];
  const openAnchors: AnchorDraft[] = [];
  let openForm: { action: string; hasPassword: boolean } | undefined;
  let hiddenDepth = 0;
  let skipDepth = 0;
  let scriptCount = 0;
  let zeroWidthCount = 0;
  let styleSheet = '';
  let inStyle = 0;
  // htmlparser2 hands text over in pieces (one per entity): gathered up to the next tag, so
  // that "Pa&#8203;yPal" is seen as one word.
  let pendingText = '';

  // `.at(-1)`, not `[length - 1]`: on an empty array that reads index -1, which V8 looks up as
  // a property name through the prototype chain, slowly, and most text sits outside any link.
  const top = (): Frame | undefined => stack.at(-1);
  // Newsletters repeat the same inline style on hundreds of cells: each distinct one is read once.
  const styles = new Map<string, ReturnType<typeof readStyle>>();
  const styleOf = (style: string): ReturnType<typeof readStyle> => {
    let declarations = styles.get(style);
    if (declarations === undefined) {
      declarations = readStyle(style);
      if (styles.size < MAX_REMEMBERED_STYLES) styles.set(style, declarations);
    }
    return declarations;
  };

  const flushText = (): void => {
    if (pendingText.length === 0) return;
    const text = pendingText;
    pendingText = '';
    if (skipDepth > 0) return;
    const hasInvisible = HAS_INVISIBLE.test(text);
    if (hasInvisible) zeroWidthCount += countZeroWidthInWords(text);
    const clean = hasInvisible ? text.replace(INVISIBLE, '') : text;
    const frame = top();
    const camouflaged =
      frame?.color.startsWith('#') === true &&
      (frame.color === frame.background || (WHITE_ON_DEFAULT && frame.background === '' && frame.color === '#ffffff'));
    if (hiddenDepth > 0 || camouflaged || frame?.tinyFont === true || frame?.invisible === true) {
      hidden.add(clean);
      return;
    }
    visible.add(clean);
    const anchor = openAnchors.at(-1);
    if (anchor && anchor.text.length < HTML_LIMITS.anchorTextChars) {
      anchor.text = clip(anchor.text + clean, HTML_LIMITS.anchorTextChars * 2);
    }
  };

  /** Blocks break lines, cells and images separate words (in the anchor's text too). */
  const separate = (name: string): void => {
    const block = BLOCKS.has(name);
    if (!block && !SEPARATORS.has(name)) return;
    if (block) {
      visible.lineBreak();
      hidden.lineBreak();
    } else {
      visible.space();
      hidden.space();
    }
    const anchor = openAnchors.at(-1);
    if (anchor && anchor.text.length > 0 && !anchor.text.endsWith(' ')) anchor.text += ' ';
  };

  // htmlparser2 keeps its open elements in arrays it `unshift`s: quadratic for deeply nested
  // markup. Past a depth no real mail reaches, it forgets the outermost ones (they then never
  // close; our own frames for them stay, so what they hide stays hidden).
  const boundParserDepth = (): void => {
    const internals = parser as unknown as { stack?: unknown; foreignContext?: unknown };
    if (Array.isArray(internals.stack) && internals.stack.length > MAX_PARSER_DEPTH) {
      internals.stack.length = MAX_PARSER_DEPTH / 2;
    }
    if (Array.isArray(internals.foreignContext) && internals.foreignContext.length > MAX_PARSER_DEPTH) {
      internals.foreignContext.length = MAX_PARSER_DEPTH / 2;
    }
  };

  const parser = new Parser(
    {
      onopentag(name, attributes) {
        flushText();
        const parent = top();
        // The attributes every element is asked for, in one walk over those it has: attribute
        // objects come in as many shapes as tags have attribute sets, and a lookup by name in
        // each (most of them missing) was a slow, megamorphic one.
        let styleAttribute: string | undefined;
        let hiddenAttribute = false;
        let width: string | undefined;
        let height: string | undefined;
        let classAttribute: string | undefined;
        let bgcolor: string | undefined;
        let backgroundAttribute: string | undefined;
        for (const key in attributes) {
          const value = attributes[key];
          switch (key) {
            case 'style':
              styleAttribute = value;
              break;
            case 'hidden':
              hiddenAttribute = true;
              break;
            case 'width':
              width = value;
              break;
            case 'height':
              height = value;
              break;
            case 'class':
              classAttribute = value;
              break;
            case 'bgcolor':
              bgcolor = value;
              break;
            case 'background':
              backgroundAttribute = value;
              break;
          }
        }
        const style = styleAttribute ? styleOf(styleAttribute) : undefined;
        let hides =
          style?.hides === true ||
          hiddenAttribute ||
          (width === '0' && height === '0' && name !== 'img') ||
          hasHiddenClass(classAttribute, hiddenClasses);
        if (name === 'input' && attributes.type?.toLowerCase() === 'hidden') hides = false;
        let color = parent?.color ?? '';
        if (name === 'a') color = 'link';
        if (name === 'font' && attributes.color) color = normalizeColor(attributes.color) || color;
        if (style?.color) color = style.color;
        let background = parent?.background ?? '';
        if (bgcolor) background = normalizeColor(bgcolor) || 'other';
        if (backgroundAttribute) background = 'image';
        if (style?.background) background = style.background;
        const skips = SKIPPED.has(name);
        const tinyFont = style?.tinyFont ?? parent?.tinyFont ?? false;
        const invisible = style?.invisible ?? parent?.invisible ?? false;
        const frame: Frame = {
          tinyFont,
          invisible,
          name,
          hides,
          skips,
          anchor: false,
          form: false,
          color,
          background,
        };
        // JSON-LD and templates are data for the mail client, not code.
        if (name === 'script' && !/json|template/i.test(attributes.type ?? '')) scriptCount++;
        if (name === 'style') inStyle++;
        separate(name);
        const unseen = hides || hiddenDepth > 0 || tinyFont || invisible;
        if ((name === 'a' || name === 'area') && attributes.href !== undefined) {
          if (anchors.length < HTML_LIMITS.anchors) {
            const anchor: AnchorDraft = { href: clip(attributes.href.trim(), HTML_LIMITS.hrefChars), text: '' };
            if (name === 'area') anchor.text = clip(attributes.alt ?? '', HTML_LIMITS.anchorTextChars);
            anchors.push(anchor);
            if (name === 'a') {
              openAnchors.push(anchor);
              frame.anchor = true;
            }
          }
        } else if (name === 'img') {
          const src = attributes.src?.trim();
          if (src && imageSources.length < HTML_LIMITS.images) imageSources.push(clip(src, HTML_LIMITS.hrefChars));
          const alt = attributes.alt?.trim();
          const anchor = openAnchors.at(-1);
          if (alt && anchor && !unseen && skipDepth === 0 && anchor.text.length < HTML_LIMITS.anchorTextChars) {
            anchor.text = clip(`${anchor.text} ${alt}`, HTML_LIMITS.anchorTextChars * 2);
          }
        } else if (name === 'form') {
          if (forms.length < HTML_LIMITS.forms) {
            openForm = { action: clip((attributes.action ?? '').trim(), HTML_LIMITS.hrefChars), hasPassword: false };
            forms.push(openForm);
            frame.form = true;
          }
        } else if (name === 'input') {
          if (attributes.type?.toLowerCase() === 'password') {
            if (openForm) openForm.hasPassword = true;
            else if (forms.length < HTML_LIMITS.forms) forms.push({ action: '', hasPassword: true });
          }
        }
        stack.push(frame);
        boundParserDepth();
        if (hides) hiddenDepth++;
        if (skips) skipDepth++;
      },
      ontext(text) {
        if (inStyle > 0) {
          if (styleSheet.length < HTML_LIMITS.styleSheetChars) styleSheet += text;
          return;
        }
        pendingText += text;
        if (pendingText.length > 65_536) flushText();
      },
      onclosetag(name) {
        flushText();
        const frame = stack.pop();
        if (!frame) return;
        if (frame.hides) hiddenDepth--;
        if (frame.skips) skipDepth--;
        if (frame.anchor) openAnchors.pop();
        if (frame.form) openForm = undefined;
        if (name === 'style') {
          inStyle = Math.max(0, inStyle - 1);
          if (inStyle === 0 && styleSheet.length > 0) {
            hiddenClassesOf(styleSheet, hiddenClasses);
            styleSheet = '';
          }
        }
        separate(name);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  try {
    parser.write(html);
    parser.end();
  } catch {
    // htmlparser2 does not throw on bad markup; a failure here would be ours: keep what we have.
  }
  flushText();

  return {
    visibleText: visible.toString(),
    hiddenText: hidden.toString(),
    anchors: anchors.map((a) => ({ href: a.href, text: clip(a.text.replace(WHITESPACE, ' ').trim(), 300) })),
    imageSources,
    forms,
    scriptCount,
    longestBase64Run: longestBase64Run(html),
    zeroWidthCount,
  };
}

// ---- Nasty HTML: the tags whose opening and closing the Parser treats specially, in any order. ----

/** Names the Parser opens or closes in its own way, and a few it does not. */
const PARSER_TAGS =
  'p li td th tr table tbody thead tfoot option optgroup select input button textarea dd dt h1 div form hr ul rt body head br img area svg math mi desc foreignObject title'.split(
    ' ',
  );
const OTHER_TAGS = [
  'a',
  'span',
  'font',
  'b',
  'style',
  'script',
  'xmp',
  'iframe',
  'template',
  'html',
  'x-y',
  'lin\u212a',
  'scr\u0130pt',
];
const ATTRIBUTE_NAMES = [
  ...'style hidden class width height bgcolor background color type href src alt action id HREF Style __proto__'.split(
    ' ',
  ),
  'bac\u212aground',
];
const VALUES = [
  '',
  '0',
  '1',
  'display:none',
  'DISPLAY: none !important',
  'font-size:0',
  'font-size:16px',
  'color:#fff',
  'color:#fff;background-color:#000',
  'visibility:hidden',
  'opacity:0',
  'max-height:0;overflow:hidden',
  'left:-9999px',
  'color:transparent',
  '#ffffff',
  '#123456',
  'white',
  'hide',
  'x hide',
  'mob',
  'hidden',
  'password',
  'PassWord',
  'text',
  'application/ld+json',
  'https://e.test/a?b=1&amp;c=2',
  ' https://x.test/ ',
  'data:image/png;base64,QUJDQUJD',
  'cid:logo',
  'Logo',
  '&quot;quoted&quot;',
  '&amp',
  '&notit;',
  '&#x41;&#65',
];
const TEXTS = [
  'word',
  'Pa',
  'y',
  'Pal',
  ' ',
  '  ',
  '\n',
  '\t',
  '&nbsp;',
  '&amp;',
  '&amp',
  '&lt;',
  '&#8203;',
  '&zwnj;',
  '\u200b',
  '\u00ad',
  '&notit;',
  '&#x1F600;',
  '&#0;',
  '&#128;',
  '<',
  '< 3',
  '>',
  '"',
  "'",
  '=',
  '/',
  '&',
  'Ü',
  '\u00a0',
  '\u2003',
  '\u3000',
  '\u2028',
  '\v',
  ' \t ',
  '.hide{display:none}',
  '@media (max-width:600px){.mob{display:block}}',
  '.mob{display:none}',
  '}',
  'QUJD'.repeat(20),
  'data:image/png;base64,',
  '</',
  '<!',
  '<?',
  '-->',
  ']]>',
];

const nameCase = (name: string) =>
  fc.constantFrom(name, name.toUpperCase(), name.charAt(0).toUpperCase() + name.slice(1));
const tagName = fc
  .oneof({ weight: 3, arbitrary: fc.constantFrom(...PARSER_TAGS) }, fc.constantFrom(...OTHER_TAGS))
  .chain(nameCase);
const attributeValue = fc.array(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 3 }).map((v) => v.join(''));
const attribute = fc
  .tuple(fc.constantFrom(...ATTRIBUTE_NAMES), attributeValue, fc.constantFrom('"', "'", '', 'none'))
  .map(([name, value, quote]) =>
    quote === 'none'
      ? name
      : quote === ''
        ? `${name}=${value.replace(/[\s>"'=<`]/g, '') || 'x'}`
        : `${name}=${quote}${value.replaceAll(quote, '')}${quote}`,
  );
const openTag = fc
  .tuple(tagName, fc.array(attribute, { maxLength: 4 }), fc.constantFrom('>', '/>', ' >', ' / >'))
  .map(([name, attributes, end]) => `<${[name, ...attributes].join(' ')}${end}`);
const closeTag = fc.tuple(tagName, fc.constantFrom('>', ' >', ' x="y">')).map(([name, end]) => `</${name}${end}`);
const text = fc.constantFrom(...TEXTS);
const markup = fc.constantFrom(
  '<!-- comment -->',
  '<!-->',
  '<![CDATA[ <p>cdata</p> ]]>',
  '<!DOCTYPE html>',
  '<?xml version="1.0"?>',
  '</>',
  '</ p>',
  '</br>',
  '</BR >',
  '</p>',
  '<p/>',
  '<svg/>',
  '<svg><path/></svg>',
  '<math><mi/></math>',
  '<3',
  '<!--',
  '<a href',
  '<img src="x',
  '<style>.hide{display:none}</style>',
  '<style>@media screen{.x{color:red}}</style>',
  '<script>var a = "<p>"; atob("QUJD")</script>',
  '<title>T&amp;t</title>',
  '<textarea><b>x</b></textarea>',
);
/** Far more open elements than the reader keeps (it then forgets the outermost), and some of them closed. */
const deep = fc
  .tuple(
    fc.constantFrom('span', 'svg', 'math', 'mi', 'p', 'a'),
    fc.constantFrom('', ' style="display:none"', ' href="d"'),
    fc.integer({ min: 200, max: 700 }),
    fc.integer({ min: 0, max: 500 }),
  )
  .map(([name, attributes, opened, closed]) => `<${name}${attributes}>`.repeat(opened) + `</${name}>`.repeat(closed));
const nastyHtml = fc
  .array(
    fc.oneof(
      { weight: 12, arbitrary: openTag },
      { weight: 8, arbitrary: closeTag },
      { weight: 12, arbitrary: text },
      { weight: 4, arbitrary: markup },
      { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
      { weight: 1, arbitrary: deep },
    ),
    { maxLength: 80, size: 'max' },
  )
  .map((parts) => parts.join(''));

// ---- What the Parser hands a handler, with the attributes the reader is asked for. ----

const ASKED = ['style', 'hidden', 'href', 'class', 'type', 'background'];

function parserEvents(html: string): string[] {
  const log: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        log.push(`<${name} ${JSON.stringify(ASKED.map((n) => attributes[n]))}`);
        // What analyzeHtml did to the Parser's arrays past 512 open elements.
        const internals = parser as unknown as { stack: unknown[]; foreignContext: unknown[] };
        if (internals.stack.length > 512) internals.stack.length = 256;
        if (internals.foreignContext.length > 512) internals.foreignContext.length = 256;
      },
      ontext(text) {
        log.push(`"${text}`);
      },
      onclosetag(name) {
        log.push(`</${name}`);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return log;
}

function readerEvents(html: string): string[] {
  const log: string[] = [];
  const events: HtmlEvents = {
    openTag(name, attributes) {
      log.push(`<${name} ${JSON.stringify(attributes)}`);
    },
    text(text) {
      log.push(`"${text}`);
    },
    closeTag(name) {
      log.push(`</${name}`);
    },
  };
  readHtml(html, events, ASKED);
  return log;
}

describe('readHtml', () => {
  it('gives the events of htmlparser2 Parser on nasty HTML', () => {
    fc.assert(
      fc.property(nastyHtml, (html) => {
        expect(readerEvents(html)).toEqual(parserEvents(html));
      }),
      { numRuns: 1_000 },
    );
  });

  it('gives the events of htmlparser2 Parser where it closes or opens elements of its own accord', () => {
    for (const html of [
      '<p>a<p>b</p>c',
      '<ul><li>a<li>b</ul>',
      '<table><tr><td>a<td>b<tr><td>c</table>',
      '<select><option>a<option>b<input></select>',
      'x</p>y</br>z</img>',
      '<div>a</span>b</div></div>',
      '<svg><p/>in<foreignObject><p/>html</foreignObject></svg><p/>out',
      '<a href="1" HREF="2" href="3" Style="x">',
      '<TD bac\u212aground="x" b\u0130="y">',
      '<title>a &amp; <b></title>&amp<p>',
    ]) {
      expect(readerEvents(html)).toEqual(parserEvents(html));
    }
  });

  it('gives the events of htmlparser2 Parser on arbitrary strings', () => {
    const chars = fc.constantFrom(...'<>/!?-[]="\' &;#xaApPbBrRsStTdDiIlL\n\u212a'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 80, size: 'max' }), (html) => {
        expect(readerEvents(html)).toEqual(parserEvents(html));
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('analyzeHtml on the reader', () => {
  it('finds the same facts as on htmlparser2 Parser', () => {
    fc.assert(
      fc.property(nastyHtml, (html) => {
        expect(analyzeHtml(html)).toEqual(analyzeHtmlWithParser(html));
      }),
      { numRuns: 1_000 },
    );
  });
});
