// A tiny Markdown reader for lessons: headings, paragraphs, lists, emphasis, code and http(s) links. It builds data,
// never HTML, so raw HTML in a lesson shows as text; it scans each line once (no backtracking patterns).

export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'strong'; children: Inline[] }
  | { kind: 'em'; children: Inline[] }
  | { kind: 'code'; text: string }
  | { kind: 'link'; href: string; children: Inline[] };

export type Block =
  | { kind: 'heading'; level: number; children: Inline[] }
  | { kind: 'paragraph'; children: Inline[] }
  | { kind: 'list'; ordered: boolean; items: Inline[][] };

const MAX_DEPTH = 3;

/** Only web links are followed: javascript:, data: and relative targets stay plain text. */
export function safeHref(href: string): string | null {
  const trimmed = href.trim();
  const lower = trimmed.toLowerCase();
  if (!lower.startsWith('https://') && !lower.startsWith('http://')) return null;
  try {
    const url = new URL(trimmed);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[\p{L}\p{N}]/u.test(c);
}

export function parseInline(text: string, depth = 0): Inline[] {
  const out: Inline[] = [];
  let buffer = '';
  // A marker with no closing partner further on is never looked for again: each scan is paid once.
  const exhausted = new Set<string>();
  const find = (marker: string, from: number): number => {
    if (exhausted.has(marker)) return -1;
    const at = text.indexOf(marker, from);
    if (at < 0) exhausted.add(marker);
    return at;
  };
  const flush = (): void => {
    if (buffer) out.push({ kind: 'text', text: buffer });
    buffer = '';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (depth < MAX_DEPTH && (text.startsWith('**', i) || text.startsWith('__', i))) {
      const marker = text.slice(i, i + 2);
      const end = find(marker, i + 2);
      if (end > i + 2) {
        flush();
        out.push({ kind: 'strong', children: parseInline(text.slice(i + 2, end), depth + 1) });
        i = end + 2;
        continue;
      }
    }
    if (depth < MAX_DEPTH && (c === '*' || (c === '_' && !isWordChar(text[i - 1])))) {
      const end = find(c, i + 1);
      if (end > i + 1 && (c === '*' || !isWordChar(text[end + 1]))) {
        flush();
        out.push({ kind: 'em', children: parseInline(text.slice(i + 1, end), depth + 1) });
        i = end + 1;
        continue;
      }
    }
    if (c === '`') {
      const end = find('`', i + 1);
      if (end > i + 1) {
        flush();
        out.push({ kind: 'code', text: text.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if (c === '[' && depth < MAX_DEPTH) {
      const middle = find('](', i + 1);
      const end = middle > i ? text.indexOf(')', middle + 2) : -1;
      if (middle > i && end > middle) {
        const label = text.slice(i + 1, middle);
        const href = safeHref(text.slice(middle + 2, end));
        flush();
        const children = parseInline(label, depth + 1);
        // A link to anything but the web keeps its words and loses its target.
        if (href) out.push({ kind: 'link', href, children });
        else out.push(...children);
        i = end + 1;
        continue;
      }
    }
    buffer += c;
    i += 1;
  }
  flush();
  return out;
}

const HEADING = /^(#{1,6})[ \t]+(.*)$/;
const BULLET = /^[ \t]{0,3}[-*+][ \t]+(.*)$/;
const NUMBERED = /^[ \t]{0,3}\d{1,4}[.)][ \t]+(.*)$/;

export function parseMarkdown(source: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: string[] } | null = null;

  const closeParagraph = (): void => {
    if (paragraph.length > 0) blocks.push({ kind: 'paragraph', children: parseInline(paragraph.join(' ')) });
    paragraph = [];
  };
  const closeList = (): void => {
    if (list) blocks.push({ kind: 'list', ordered: list.ordered, items: list.items.map((item) => parseInline(item)) });
    list = null;
  };

  for (const raw of source.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trimEnd();
    if (line.trim() === '') {
      closeParagraph();
      closeList();
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      closeParagraph();
      closeList();
      blocks.push({ kind: 'heading', level: heading[1]?.length ?? 1, children: parseInline(heading[2] ?? '') });
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    const item = bullet ?? numbered;
    if (item) {
      closeParagraph();
      const ordered = numbered !== null;
      if (list && list.ordered !== ordered) closeList();
      list ??= { ordered, items: [] };
      list.items.push(item[1] ?? '');
      continue;
    }
    // An indented line under a list item continues that item; otherwise it is prose.
    if (list && /^[ \t]/.test(raw) && list.items.length > 0) {
      const last = list.items.length - 1;
      list.items[last] = `${list.items[last]} ${line.trim()}`;
      continue;
    }
    closeList();
    paragraph.push(line.trim());
  }
  closeParagraph();
  closeList();
  return blocks;
}
