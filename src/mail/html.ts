/**
 * The HTML body read once, in one streaming pass (htmlparser2's tokenizer, through
 * html-events.ts; no DOM): what the reader sees, what is hidden from them, the links, images,
 * forms and scripts, and the marks of HTML smuggling and zero-width tricks. Linear in the input;
 * every stored text is bounded.
 *
 * Hidden content supported: inline `style` with display:none, visibility:hidden|collapse,
 * font-size 0/≤1px, opacity ≤0.05, color transparent, max-height:0 or height:0 with
 * overflow:hidden, width and height both 0, mso-hide:all, far off-screen positioning
 * (left/top/text-indent ≤ -999px); the `hidden` attribute; `width="0" height="0"` attributes;
 * text colour equal to the background colour (inline `color`/`<font color>` against the nearest
 * `bgcolor`/`background-color`); and `<style>` rules that hide a single class (`.x{display:none}`,
 * also in a selector list) outside `@media` blocks, for elements that come after the rule.
 */
import { type HtmlEvents, readHtml } from './html-events.js';
import type { HtmlFacts } from './types.js';

export const HTML_LIMITS = {
  visibleChars: 100_000,
  hiddenChars: 20_000,
  anchors: 1_000,
  anchorTextChars: 300,
  hrefChars: 2_048,
  images: 300,
  forms: 20,
  styleSheetChars: 200_000,
  hiddenClasses: 500,
} as const;

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

/** The attributes the elements are asked for; the reader hands their values over in this order. */
const ATTRIBUTES = [
  'style',
  'hidden',
  'width',
  'height',
  'class',
  'bgcolor',
  'background',
  'type',
  'color',
  'href',
  'alt',
  'src',
  'action',
] as const;
const place = (name: (typeof ATTRIBUTES)[number]): number => ATTRIBUTES.indexOf(name);
const STYLE = place('style');
const HIDDEN = place('hidden');
const WIDTH = place('width');
const HEIGHT = place('height');
const CLASS = place('class');
const BGCOLOR = place('bgcolor');
const BACKGROUND = place('background');
const TYPE = place('type');
const COLOR = place('color');
const HREF = place('href');
const ALT = place('alt');
const SRC = place('src');
const ACTION = place('action');
/** Distinct inline styles remembered per body (each is at most a few kilobytes). */
const MAX_REMEMBERED_STYLES = 2_000;

/** Only spaces, tabs and line breaks (a subset of `\s`, tested without a regex). */
function isLayoutSpace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return false;
  }
  return true;
}

/**
 * Runs of whitespace (`\s` holds the no-break and typographic spaces too) that collapse to one
 * ' ': all but a lone ' ', which stays as it is. Most pieces of text have none and come back
 * unchanged, where replacing every run would rebuild them at each space.
 */
const COLLAPSIBLE = /[^\S ]\s*| \s+/g;

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
    const text = raw.replace(COLLAPSIBLE, ' ');
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

interface Declarations {
  /** Hidden whatever the descendants say (display:none, opacity:0, collapsed box...). */
  readonly hides: boolean;
  /** Inherited, and a descendant may undo them: `true`/`false` when set here. */
  readonly tinyFont: boolean | undefined;
  readonly invisible: boolean | undefined;
  readonly color: string | undefined;
  readonly background: string | undefined;
}

const STYLE_PROPERTIES = new Set([
  'display',
  'visibility',
  'mso-hide',
  'font-size',
  'opacity',
  'max-height',
  'height',
  'width',
  'overflow',
  'overflow-x',
  'overflow-y',
  'left',
  'top',
  'text-indent',
  'margin-left',
  'color',
  'background-color',
  'background',
]);

/** Reads one `style` attribute (or a CSS rule body): does it hide, and which colours it sets. */
export function readStyle(style: string): Declarations {
  let hides = false;
  let tinyFont: boolean | undefined;
  let invisible: boolean | undefined;
  let color: string | undefined;
  let background: string | undefined;
  let overflowHidden = false;
  let zeroMaxHeight = false;
  let zeroHeight = false;
  let zeroWidth = false;
  const bounded = (style.length > 4_000 ? style.slice(0, 4_000) : style).toLowerCase();
  // The declarations between semicolons, found in place (no array of them): the first colon at
  // or after `start`, looked for again only once passed, keeps this linear.
  let colon = -1;
  for (let start = 0, end = 0; start <= bounded.length; start = end + 1) {
    end = bounded.indexOf(';', start);
    if (end < 0) end = bounded.length;
    if (colon < start) colon = bounded.indexOf(':', start);
    if (colon < 0) break;
    if (colon > end) continue;
    const property = bounded.slice(start, colon).trim();
    if (!STYLE_PROPERTIES.has(property)) continue;
    let value = bounded.slice(colon + 1, end);
    const bang = value.indexOf('!');
    if (bang >= 0) value = value.slice(0, bang);
    value = value.trim();
    switch (property) {
      case 'display':
        if (value === 'none') hides = true;
        break;
      case 'visibility':
        invisible = value === 'hidden' || value === 'collapse';
        break;
      case 'mso-hide':
        if (value === 'all') hides = true;
        break;
      case 'font-size':
        // Relative sizes (em, %, smaller, inherit) scale the parent's: they keep it tiny or not.
        {
          const relative = /(?:em|%|smaller|larger|inherit)$/.test(value) && !value.endsWith('rem');
          if (!relative || tinyLength(value, 0)) tinyFont = tinyLength(value, 1);
        }
        break;
      case 'opacity': {
        const n = Number.parseFloat(value);
        if (Number.isFinite(n) && n <= 0.05) hides = true;
        break;
      }
      case 'max-height':
        if (tinyLength(value, 0)) zeroMaxHeight = true;
        break;
      case 'height':
        if (tinyLength(value, 0)) zeroHeight = true;
        break;
      case 'width':
        if (tinyLength(value, 0)) zeroWidth = true;
        break;
      case 'overflow':
      case 'overflow-y':
      case 'overflow-x':
        if (value === 'hidden' || value === 'clip') overflowHidden = true;
        break;
      case 'left':
      case 'top':
      case 'text-indent':
      case 'margin-left': {
        const n = Number.parseFloat(value);
        if (Number.isFinite(n) && n <= -999) hides = true;
        break;
      }
      case 'color': {
        const c = normalizeColor(value);
        if (c === 'transparent') hides = true;
        else color = c;
        break;
      }
      case 'background-color':
      case 'background': {
        const c = normalizeColor(value.split(/\s+/, 1)[0] ?? '');
        // A background image makes any text colour readable: forget the colour then.
        background = value.includes('url(') ? 'image' : c || 'other';
        break;
      }
    }
  }
  if (overflowHidden && (zeroMaxHeight || zeroHeight || zeroWidth)) hides = true;
  if (zeroWidth && zeroHeight) hides = true;
  return { hides, tinyFont, invisible, color, background };
}

/** `0`, `0px`, `1px`, `0pt`, `0em`, `0%` ... at most `maxPx` pixels. */
function tinyLength(value: string, maxPx: number): boolean {
  const match = /^(-?\d{0,12}(?:\.\d{1,12})?)\s*(px|pt|em|rem|%|)$/.exec(value);
  if (!match) return false;
  const n = Number.parseFloat(match[1] ?? '');
  if (!Number.isFinite(n)) return false;
  if (n <= 0) return true;
  const unit = match[2];
  if (unit === 'px' || unit === '') return n <= maxPx;
  if (unit === 'pt') return n <= maxPx * 0.75;
  if (unit === 'em' || unit === 'rem') return n <= maxPx / 16;
  return false;
}

const NAMED_COLORS: Record<string, string> = {
  white: '#ffffff',
  black: '#000000',
  red: '#ff0000',
  blue: '#0000ff',
  green: '#008000',
  gray: '#808080',
  grey: '#808080',
  silver: '#c0c0c0',
  yellow: '#ffff00',
  whitesmoke: '#f5f5f5',
  snow: '#fffafa',
  ivory: '#fffff0',
  transparent: 'transparent',
};

/** A CSS colour as `#rrggbb`, `transparent`, or '' when not understood. */
export function normalizeColor(raw: string): string {
  const value = raw.trim().toLowerCase();
  if (value.length === 0 || value.length > 64) return '';
  if (value.startsWith('#')) {
    const hex = value.slice(1);
    if (/^[0-9a-f]{3}$/.test(hex)) {
      return `#${hex[0]}${hex[0]}${hex[1]}${hex[1]}${hex[2]}${hex[2]}`;
    }
    if (/^[0-9a-f]{6}$/.test(hex)) return value;
    if (/^[0-9a-f]{8}$/.test(hex)) return hex.endsWith('00') ? 'transparent' : `#${hex.slice(0, 6)}`;
    return '';
  }
  if (/^[0-9a-f]{6}$/.test(value)) return `#${value}`; // bgcolor="ffffff"
  const rgb = /^rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(?:,\s*([\d.]+)\s*)?\)$/.exec(value);
  if (rgb) {
    if (rgb[4] !== undefined && Number.parseFloat(rgb[4]) <= 0.05) return 'transparent';
    const hex = (s: string | undefined) => Math.min(255, Number(s)).toString(16).padStart(2, '0');
    return `#${hex(rgb[1])}${hex(rgb[2])}${hex(rgb[3])}`;
  }
  return NAMED_COLORS[value] ?? '';
}

/** CSS without its comments (an unterminated one runs to the end). Linear. */
function withoutComments(css: string): string {
  let open = css.indexOf('/*');
  if (open < 0) return css;
  const parts: string[] = [];
  let from = 0;
  while (open >= 0) {
    parts.push(css.slice(from, open), ' ');
    const close = css.indexOf('*/', open + 2);
    if (close < 0) return parts.join('');
    from = close + 2;
    open = css.indexOf('/*', from);
  }
  parts.push(css.slice(from));
  return parts.join('');
}

/**
 * Classes hidden by simple rules of a style sheet (`.x{display:none}`, outside `@media`), minus
 * those a `@media` rule shows again (desktop/mobile variants of one newsletter). Linear.
 */
export function hiddenClassesOf(sheet: string, into: Set<string>): void {
  const css = withoutComments(sheet);
  const hiddenHere = new Set<string>();
  const shownInMedia = new Set<string>();
  let depth = 0;
  let mediaDepth = 0;
  let selectorStart = 0;
  for (let i = 0; i < css.length; i++) {
    const c = css.charCodeAt(i);
    if (c === 123 /* { */) {
      const selector = css.slice(selectorStart, i).trim();
      if (selector.startsWith('@')) {
        if (mediaDepth === 0) mediaDepth = depth + 1;
        depth++;
        selectorStart = i + 1;
        continue;
      }
      const close = css.indexOf('}', i + 1);
      if (close < 0) break;
      const rule = readStyle(css.slice(i + 1, close));
      const hides = rule.hides || rule.invisible === true || rule.tinyFont === true;
      if (mediaDepth === 0) {
        if (hides && hiddenHere.size < HTML_LIMITS.hiddenClasses) {
          for (const one of selector.split(',')) {
            const m = /^\.(-?[_a-zA-Z][\w-]{0,80})$/.exec(one.trim());
            if (m?.[1]) hiddenHere.add(m[1]);
          }
        }
      } else if (!hides && shownInMedia.size < HTML_LIMITS.hiddenClasses) {
        for (const m of selector.slice(0, 2_000).matchAll(/(?:\.|class[~*^|$]?=["']?)(-?[_a-zA-Z][\w-]{0,80})/g)) {
          if (m[1]) shownInMedia.add(m[1]);
        }
      }
      i = close;
      selectorStart = close + 1;
    } else if (c === 125 /* } */) {
      if (depth > 0) depth--;
      if (mediaDepth > depth) mediaDepth = 0;
      selectorStart = i + 1;
    } else if (c === 59 /* ; */ && depth === 0) {
      selectorStart = i + 1; // `@import ...;`
    }
  }
  for (const name of hiddenHere) if (!shownInMedia.has(name) && into.size < HTML_LIMITS.hiddenClasses) into.add(name);
}

const BASE64_CHARS = (() => {
  const table = new Uint8Array(128);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = 1;
  return table;
})();

/** Runs shorter than this are reported as 0: identifiers and words, not payloads. */
const MIN_BASE64_RUN = 64;

function isBase64Char(code: number): boolean {
  return code < 128 && BASE64_CHARS[code] === 1;
}

/**
 * Longest run of base64 characters in `s`, not counting inline images
 * (`data:image/...;base64,`): they are common and harmless in mail. Smuggled payloads sit on one
 * line (a JavaScript string, a data: URI), so a line break ends a run: junk lines stacked one
 * per line are not a payload. Runs under 64 characters count as 0. Linear, and it skips ahead:
 * it only looks at every `best`-th character outside runs.
 */
export function longestBase64Run(s: string): number {
  let best = MIN_BASE64_RUN - 1;
  let i = 0;
  const n = s.length;
  while (i + best < n) {
    // A run longer than `best` starting in [i, i+best] must cover i+best.
    const probe = i + best;
    if (!isBase64Char(s.charCodeAt(probe))) {
      i = probe + 1;
      continue;
    }
    let start = probe;
    while (start > i && isBase64Char(s.charCodeAt(start - 1))) start--;
    let end = probe + 1;
    while (end < n && isBase64Char(s.charCodeAt(end))) end++;
    if (end - start > best && !(start >= 8 && s.charCodeAt(start - 1) === 44 && isInlineImage(s, start))) {
      best = end - start;
    }
    i = end;
  }
  return best >= MIN_BASE64_RUN ? best : 0;
}

/** Does the base64 payload starting at `start` belong to a `data:image/...;base64,` URI? */
function isInlineImage(s: string, start: number): boolean {
  const before = s.slice(Math.max(0, start - 48), start).toLowerCase();
  const data = before.lastIndexOf('data:image/');
  return data >= 0 && before.endsWith(';base64,');
}

function isWordChar(code: number): boolean {
  // Letters and digits of any script (cheap test: ASCII alnum, or a non-ASCII code point that
  // is not punctuation/space/invisible; good enough to tell "inside a word").
  if (code >= 48 && code <= 57) return true;
  if (code >= 65 && code <= 90) return true;
  if (code >= 97 && code <= 122) return true;
  return code >= 0xc0 && code !== 0xd7 && code !== 0xf7 && code < 0x2000;
}

/**
 * Invisible format characters sitting inside words ("Pa\u200By\u200BPal"): the trick that
 * splits keywords for filters. Runs of invisibles between spaces (newsletter preheader padding)
 * and emoji joiners are not counted.
 */
export function countZeroWidthInWords(text: string): number {
  let count = 0;
  INVISIBLE.lastIndex = 0;
  for (let m = INVISIBLE.exec(text); m !== null; m = INVISIBLE.exec(text)) {
    const at = m.index;
    const code = text.charCodeAt(at);
    if (code === 0xfeff && at === 0) continue;
    let before = at - 1;
    while (before >= 0 && isInvisible(text.charCodeAt(before)) && at - before < 16) before--;
    let after = at + 1;
    while (after < text.length && isInvisible(text.charCodeAt(after)) && after - at < 16) after++;
    if (before < 0 || after >= text.length) continue;
    if (isWordChar(text.charCodeAt(before)) && isWordChar(text.charCodeAt(after))) count++;
  }
  return count;
}

function isInvisible(code: number): boolean {
  return (
    code === 0xad ||
    code === 0x34f ||
    code === 0x61c ||
    code === 0x180e ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x206f) ||
    code === 0xfeff
  );
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
export function analyzeHtml(html: string): HtmlFacts {
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
  const styles = new Map<string, Declarations>();
  const styleOf = (style: string): Declarations => {
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

  const events: HtmlEvents = {
    openTag(name, attributes) {
      flushText();
      const parent = top();
      const styleAttribute = attributes[STYLE];
      const type = attributes[TYPE];
      const style = styleAttribute ? styleOf(styleAttribute) : undefined;
      const hides =
        style?.hides === true ||
        attributes[HIDDEN] !== undefined ||
        (attributes[WIDTH] === '0' && attributes[HEIGHT] === '0' && name !== 'img') ||
        hasHiddenClass(attributes[CLASS], hiddenClasses);
      let color = parent?.color ?? '';
      if (name === 'a') color = 'link';
      const fontColor = attributes[COLOR];
      if (name === 'font' && fontColor) color = normalizeColor(fontColor) || color;
      if (style?.color) color = style.color;
      let background = parent?.background ?? '';
      const bgcolor = attributes[BGCOLOR];
      if (bgcolor) background = normalizeColor(bgcolor) || 'other';
      if (attributes[BACKGROUND]) background = 'image';
      if (style?.background) background = style.background;
      const skips = SKIPPED.has(name);
      const tinyFont = style?.tinyFont ?? parent?.tinyFont ?? false;
      const invisible = style?.invisible ?? parent?.invisible ?? false;
      const frame: Frame = {
        tinyFont,
        invisible,
        hides,
        skips,
        anchor: false,
        form: false,
        color,
        background,
      };
      // JSON-LD and templates are data for the mail client, not code.
      if (name === 'script' && !/json|template/i.test(type ?? '')) scriptCount++;
      if (name === 'style') inStyle++;
      separate(name);
      const unseen = hides || hiddenDepth > 0 || tinyFont || invisible;
      const href = attributes[HREF];
      if ((name === 'a' || name === 'area') && href !== undefined) {
        if (anchors.length < HTML_LIMITS.anchors) {
          const anchor: AnchorDraft = { href: clip(href.trim(), HTML_LIMITS.hrefChars), text: '' };
          if (name === 'area') anchor.text = clip(attributes[ALT] ?? '', HTML_LIMITS.anchorTextChars);
          anchors.push(anchor);
          if (name === 'a') {
            openAnchors.push(anchor);
            frame.anchor = true;
          }
        }
      } else if (name === 'img') {
        const src = attributes[SRC]?.trim();
        if (src && imageSources.length < HTML_LIMITS.images) imageSources.push(clip(src, HTML_LIMITS.hrefChars));
        const alt = attributes[ALT]?.trim();
        const anchor = openAnchors.at(-1);
        if (alt && anchor && !unseen && skipDepth === 0 && anchor.text.length < HTML_LIMITS.anchorTextChars) {
          anchor.text = clip(`${anchor.text} ${alt}`, HTML_LIMITS.anchorTextChars * 2);
        }
      } else if (name === 'form') {
        if (forms.length < HTML_LIMITS.forms) {
          openForm = { action: clip((attributes[ACTION] ?? '').trim(), HTML_LIMITS.hrefChars), hasPassword: false };
          forms.push(openForm);
          frame.form = true;
        }
      } else if (name === 'input') {
        if (type?.toLowerCase() === 'password') {
          if (openForm) openForm.hasPassword = true;
          else if (forms.length < HTML_LIMITS.forms) forms.push({ action: '', hasPassword: true });
        }
      }
      stack.push(frame);
      if (hides) hiddenDepth++;
      if (skips) skipDepth++;
    },
    text(text) {
      if (inStyle > 0) {
        if (styleSheet.length < HTML_LIMITS.styleSheetChars) styleSheet += text;
        return;
      }
      pendingText += text;
      if (pendingText.length > 65_536) flushText();
    },
    closeTag(name) {
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
  };
  try {
    readHtml(html, events, ATTRIBUTES);
  } catch {
    // The reader does not throw on bad markup; a failure here would be ours: keep what we have.
  }
  flushText();

  return {
    visibleText: visible.toString(),
    hiddenText: hidden.toString(),
    anchors: anchors.map((a) => ({ href: a.href, text: clip(a.text.replace(COLLAPSIBLE, ' ').trim(), 300) })),
    imageSources,
    forms,
    scriptCount,
    longestBase64Run: longestBase64Run(html),
    zeroWidthCount,
  };
}

/**
 * The text a reader is shown: the HTML's visible text when the message has HTML (mail clients
 * show the HTML part of a multipart/alternative, so a harmless plain-text part must not hide
 * the lure), the plain text otherwise.
 */
export function shownText(message: { readonly text: string; readonly html: string }, html: HtmlFacts): string {
  return message.html.trim() !== '' && html.visibleText.trim() !== '' ? html.visibleText : message.text;
}
