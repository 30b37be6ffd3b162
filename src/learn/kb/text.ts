/**
 * The organisation's knowledge base as paragraphs: Markdown, HTML or plain text policies become
 * a list of paragraphs, each with its index and hash so a generated question can always point
 * back to the exact text it came from. HTML goes through htmlparser2 (a tolerant tokenizer,
 * no DOM, no script execution) and only its text survives.
 */
import { Parser } from 'htmlparser2';
import { sha256 } from '../digest.js';

export interface KbDocument {
  readonly id: string;
  readonly title: string;
  readonly format: 'markdown' | 'html' | 'text';
  readonly locale: 'fr' | 'en';
  readonly text: string;
}

export interface Paragraph {
  readonly documentId: string;
  /** 0-based position among the document's paragraphs. */
  readonly index: number;
  readonly text: string;
  /** First 16 hex digits of SHA-256 of `text`: detects that the source changed since. */
  readonly hash: string;
  /** The nearest heading above it, for context in explanations. */
  readonly heading?: string;
  /** Bold / definition terms the author marked: candidates for "defined term" blanks. */
  readonly marked: readonly string[];
}

/** Longest input read; the rest is cut and reported by `truncated`. */
export const MAX_KB_TEXT = 2_000_000;
const MAX_PARAGRAPH = 5000;

const SKIPPED = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'head',
  'svg',
  'math',
  'iframe',
  'object',
  'canvas',
  'select',
  'textarea',
  'button',
]);
const BLOCKS = new Set([
  'p',
  'div',
  'section',
  'article',
  'main',
  'aside',
  'header',
  'footer',
  'nav',
  'li',
  'ul',
  'ol',
  'dl',
  'dt',
  'dd',
  'table',
  'tr',
  'td',
  'th',
  'thead',
  'tbody',
  'blockquote',
  'pre',
  'figure',
  'figcaption',
  'form',
  'fieldset',
  'address',
  'details',
  'summary',
  'hr',
  'br',
  'body',
  'html',
  'caption',
]);
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const MARKS = new Set(['strong', 'b', 'dfn', 'em']);

interface RawParagraph {
  text: string;
  heading?: string;
  marked: string[];
}

function clean(text: string): string {
  return text.replace(/[\s\u00a0\u202f]+/g, ' ').trim();
}

/** HTML to paragraphs of text. Never throws; markup errors are tolerated as browsers do. */
export function htmlToParagraphs(html: string): RawParagraph[] {
  const out: RawParagraph[] = [];
  let buffer = '';
  let marked: string[] = [];
  let markBuffer: string | undefined;
  let skipDepth = 0;
  let headingBuffer: string | undefined;
  let heading: string | undefined;
  const flush = () => {
    const text = clean(buffer);
    if (text) out.push({ text: text.slice(0, MAX_PARAGRAPH), marked, ...(heading ? { heading } : {}) });
    buffer = '';
    marked = [];
  };
  const parser = new Parser(
    {
      onopentag(name) {
        if (SKIPPED.has(name)) skipDepth++;
        if (skipDepth > 0) return;
        if (HEADINGS.has(name)) {
          flush();
          headingBuffer = '';
        } else if (BLOCKS.has(name)) flush();
        else if (MARKS.has(name) && markBuffer === undefined) markBuffer = '';
      },
      ontext(text) {
        if (skipDepth > 0) return;
        if (headingBuffer !== undefined) headingBuffer += text;
        else {
          buffer += text;
          if (markBuffer !== undefined) markBuffer += text;
        }
      },
      onclosetag(name) {
        if (SKIPPED.has(name)) {
          skipDepth = Math.max(0, skipDepth - 1);
          return;
        }
        if (skipDepth > 0) return;
        if (HEADINGS.has(name) && headingBuffer !== undefined) {
          heading = clean(headingBuffer).slice(0, 200) || heading;
          headingBuffer = undefined;
        } else if (BLOCKS.has(name)) flush();
        else if (MARKS.has(name) && markBuffer !== undefined) {
          const term = clean(markBuffer);
          if (term) marked.push(term);
          markBuffer = undefined;
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, recognizeSelfClosing: true },
  );
  parser.write(html.slice(0, MAX_KB_TEXT));
  parser.end();
  if (headingBuffer !== undefined) buffer += headingBuffer;
  flush();
  return out;
}

/** Plain text of an HTML fragment: its paragraphs joined by blank lines. */
export function htmlToText(html: string): string {
  return htmlToParagraphs(html)
    .map((p) => p.text)
    .join('\n\n');
}

// Inline Markdown, each pattern linear: bounded classes between fixed delimiters.
const IMAGE = /!\[[^\]\n]*\]\([^)\n]*\)/g;
const LINK = /\[([^\]\n]*)\]\([^)\n]*\)/g;
const BOLD = /\*\*([^*\n]{1,200})\*\*|__([^_\n]{1,200})__/g;
const CODE = /`([^`\n]*)`/g;

function inline(text: string, marked: string[]): string {
  let t = text.replace(IMAGE, '').replace(LINK, '$1');
  t = t.replace(BOLD, (_m, a: string | undefined, b: string | undefined) => {
    const term = clean(a ?? b ?? '');
    if (term) marked.push(term);
    return term;
  });
  t = t.replace(CODE, '$1');
  // Remaining single emphasis markers around words (*word*, _word_), and stray HTML tags.
  t = t.replace(/(^|[\s(])[*_]([^*_\s][^*_\n]{0,200}?)[*_](?=[\s).,;:!?]|$)/g, '$1$2');
  t = t.replace(/<[^<>\n]{0,200}>/g, '');
  return clean(t);
}

/** Markdown to paragraphs: headings become context, code blocks and tables are left out. */
export function markdownToParagraphs(markdown: string): RawParagraph[] {
  const out: RawParagraph[] = [];
  const lines = markdown.slice(0, MAX_KB_TEXT).split(/\r\n|\r|\n/);
  let heading: string | undefined;
  let current: string[] = [];
  let marked: string[] = [];
  let fence: string | undefined;
  const flush = () => {
    const text = inline(current.join(' '), marked);
    if (text) out.push({ text: text.slice(0, MAX_PARAGRAPH), marked, ...(heading ? { heading } : {}) });
    current = [];
    marked = [];
  };
  for (const raw of lines) {
    const line = raw.trimEnd();
    const fenceMark = /^\s{0,3}(```|~~~)/.exec(line)?.[1];
    if (fence) {
      if (fenceMark === fence) fence = undefined;
      continue;
    }
    if (fenceMark) {
      flush();
      fence = fenceMark;
      continue;
    }
    const h = /^\s{0,3}#{1,6}\s+(.*)$/.exec(line);
    if (h) {
      flush();
      heading =
        inline(h[1] ?? '', [])
          .replace(/\s#+$/, '')
          .slice(0, 200) || heading;
      continue;
    }
    if (line.trim() === '' || /^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flush();
      continue;
    }
    if (/^\s*\|/.test(line)) {
      flush();
      continue;
    }
    const item = /^\s*(?:[-*+]|\d{1,3}[.)])\s+(.*)$/.exec(line);
    if (item) {
      flush();
      current.push(item[1] ?? '');
      continue;
    }
    current.push(line.replace(/^\s{0,3}>\s?/, ''));
  }
  flush();
  return out;
}

export interface DocumentParagraphs {
  readonly paragraphs: Paragraph[];
  /** True when the document was longer than MAX_KB_TEXT and its end was not read. */
  readonly truncated: boolean;
}

/** Splits one knowledge-base document into traceable paragraphs. Never throws. */
export function documentParagraphs(doc: KbDocument): DocumentParagraphs {
  const raw: RawParagraph[] =
    doc.format === 'html'
      ? htmlToParagraphs(doc.text)
      : doc.format === 'markdown'
        ? markdownToParagraphs(doc.text)
        : doc.text
            .slice(0, MAX_KB_TEXT)
            .split(/\n[ \t]*\n/)
            .map((t): RawParagraph => ({ text: clean(t).slice(0, MAX_PARAGRAPH), marked: [] }))
            .filter((p) => p.text);
  return {
    paragraphs: raw.map((p, index) => ({
      documentId: doc.id,
      index,
      text: p.text,
      hash: sha256(p.text, 16),
      marked: p.marked,
      ...(p.heading ? { heading: p.heading } : {}),
    })),
    truncated: doc.text.length > MAX_KB_TEXT,
  };
}
