/**
 * The small XML subset that EVTX records render to: elements, attributes, text and the five
 * named entities plus numeric references. One pass with an explicit stack (no recursion, no
 * regular expression): linear in the input, whatever it holds.
 */

export interface XmlElement {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: XmlElement[];
  /** Text directly inside, entities decoded, trimmed when the element also has children. */
  text: string;
}

const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
export const MAX_XML_DEPTH = 64;

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '&') {
      out += c;
      continue;
    }
    const end = text.indexOf(';', i);
    const body = end > i && end - i <= 12 ? text.slice(i + 1, end) : '';
    let decoded: string | undefined;
    if (Object.hasOwn(NAMED, body)) decoded = NAMED[body];
    else if (/^#x[0-9a-fA-F]{1,6}$/.test(body) || /^#\d{1,7}$/.test(body)) {
      const code = body[1] === 'x' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      if (code <= 0x10ffff) decoded = String.fromCodePoint(code);
    }
    if (decoded === undefined) out += c;
    else {
      out += decoded;
      i = end;
    }
  }
  return out;
}

/** `[A-Za-z0-9_:.-]`, by character code (a regular expression per character was the reader's main cost). */
function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 58) || c === 95 || c === 46 || c === 45;
}

/** What `\s` matches, by character code for ASCII (the common case). */
function isSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return /\s/.test(String.fromCharCode(c));
}

export function xmlToElement(xml: string): { element: XmlElement } | { reason: string } {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let i = 0;
  const n = xml.length;
  while (i < n) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > i) {
      const top = stack[stack.length - 1];
      if (top) top.text += xml.slice(i, textEnd);
      else if (xml.slice(i, textEnd).trim() !== '') return { reason: 'text outside the root element' };
    }
    if (lt < 0) break;
    i = lt;
    if (xml.startsWith('<?', i) || xml.startsWith('<!--', i)) {
      const end = xml.indexOf(xml.startsWith('<?', i) ? '?>' : '-->', i);
      if (end < 0) return { reason: 'unterminated declaration or comment' };
      i = end + (xml.startsWith('<?', i) ? 2 : 3);
      continue;
    }
    if (xml.startsWith('<![CDATA[', i)) {
      const end = xml.indexOf(']]>', i);
      if (end < 0) return { reason: 'unterminated CDATA' };
      const top = stack[stack.length - 1];
      if (top) top.text += xml.slice(i + 9, end).replace(/&/g, '&amp;');
      i = end + 3;
      continue;
    }
    if (xml[i + 1] === '/') {
      const end = xml.indexOf('>', i);
      if (end < 0) return { reason: 'unterminated closing tag' };
      const name = xml.slice(i + 2, end).trim();
      const top = stack.pop();
      if (!top || top.name !== name) return { reason: `closing </${name}> does not match` };
      finish(top);
      i = end + 1;
      continue;
    }
    // Opening tag: name, attributes, optional self-close.
    let j = i + 1;
    while (j < n && isNameChar(xml.charCodeAt(j))) j++;
    const name = xml.slice(i + 1, j);
    if (name === '') return { reason: `bad tag at offset ${i}` };
    const attributes: Record<string, string> = {};
    let selfClosing = false;
    for (;;) {
      while (j < n && isSpace(xml.charCodeAt(j))) j++;
      if (xml[j] === '>') {
        j++;
        break;
      }
      if (xml[j] === '/' && xml[j + 1] === '>') {
        selfClosing = true;
        j += 2;
        break;
      }
      const start = j;
      while (j < n && isNameChar(xml.charCodeAt(j))) j++;
      const attr = xml.slice(start, j);
      if (attr === '' || xml[j] !== '=') return { reason: `bad attribute in <${name}>` };
      const quote = xml[j + 1];
      if (quote !== '"' && quote !== "'") return { reason: `unquoted attribute ${attr} in <${name}>` };
      const close = xml.indexOf(quote, j + 2);
      if (close < 0) return { reason: `unterminated attribute ${attr} in <${name}>` };
      if (attr !== '__proto__' && attr !== 'constructor' && attr !== 'prototype')
        attributes[attr] = decodeEntities(xml.slice(j + 2, close));
      j = close + 1;
    }
    const element: XmlElement = { name, attributes, children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else if (root) return { reason: 'more than one root element' };
    else root = element;
    if (!selfClosing) {
      if (stack.length >= MAX_XML_DEPTH) return { reason: `nested deeper than ${MAX_XML_DEPTH} elements` };
      stack.push(element);
    }
    i = j;
  }
  if (stack.length > 0) return { reason: `<${stack[stack.length - 1]?.name}> is not closed` };
  if (!root) return { reason: 'no element' };
  return { element: root };
}

function finish(element: XmlElement): void {
  const text = element.children.length > 0 ? element.text.trim() : element.text;
  element.text = decodeEntities(text);
}
