import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { type HtmlEvents, NAMES_WITH_RULES, readHtml } from './html-events.js';

// ---- Nasty HTML: the tags whose opening and closing the Parser treats specially, in any order. ----

/**
 * Every name in the tables of htmlparser2's Parser (its Parser.js, above the class), read from
 * its source rather than from html-events.ts: a name deleted there is still tried, and one an
 * upgrade adds is tried too.
 */
const PARSER_TABLE_NAMES = (() => {
  const source = readFileSync(
    join(dirname(createRequire(import.meta.url).resolve('htmlparser2')), 'Parser.js'),
    'utf8',
  );
  const tables = source.slice(source.indexOf('new Set(['), source.indexOf('class Parser'));
  return [...new Set(Array.from(tables.matchAll(/"([a-z][a-z0-9-]*)"/g), (match) => match[1] as string))];
})();
/** Names the Parser opens or closes in its own way (the reader's too, should they differ). */
const PARSER_TAGS = [...new Set([...PARSER_TABLE_NAMES, ...NAMES_WITH_RULES, 'foreignObject'])];
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
  'h\u0130dden',
  'H\u0130DDEN',
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
      '<p h\u0130dden style=x>a<p H\u0130DDEN hidden>b',
      `<div>${'<span>'.repeat(600)}</div>a${'</span>'.repeat(300)}</div>b</span>c`,
    ]) {
      expect(readerEvents(html)).toEqual(parserEvents(html));
    }
  });

  it("has rules for the names of the Parser's tables", () => {
    expect(PARSER_TABLE_NAMES).toEqual(expect.arrayContaining(['p', 'tfoot', 'keygen', 'svg', 'annotation-xml']));
    expect([...NAMES_WITH_RULES].sort()).toEqual([...PARSER_TABLE_NAMES].sort());
  });

  it('gives the events of htmlparser2 Parser for every pair of the names the Parser has rules for', () => {
    const names = [...PARSER_TAGS, 'span'];
    for (const a of names) {
      for (const b of names) {
        for (const html of [
          `<${a}>x<${b}>y</${b}>z</${a}>w`,
          `<${a}><${b}/>x</${a}>y<${b}/>`,
          `<svg><${a}>x<${b}/>y</${a}>z<${b}/></svg>`,
        ]) {
          expect(readerEvents(html), html).toEqual(parserEvents(html));
        }
      }
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
