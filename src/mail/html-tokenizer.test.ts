import fc from 'fast-check';
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { SkippingTokenizer } from './html-tokenizer.js';

/** Every callback with its arguments, in order. */
function callbacks(
  TokenizerClass: typeof Tokenizer,
  chunks: readonly string[],
  options: { decodeEntities?: boolean; xmlMode?: boolean },
): string[] {
  const log: string[] = [];
  const record =
    (name: string) =>
    (...args: unknown[]): void => {
      log.push(`${name} ${args.join(' ')}`);
    };
  const cbs: TokenizerCallbacks = {
    onattribdata: record('attribdata'),
    onattribentity: record('attribentity'),
    onattribend: record('attribend'),
    onattribname: record('attribname'),
    oncdata: record('cdata'),
    onclosetag: record('closetag'),
    oncomment: record('comment'),
    ondeclaration: record('declaration'),
    onend: record('end'),
    onopentagend: record('opentagend'),
    onopentagname: record('opentagname'),
    onprocessinginstruction: record('processinginstruction'),
    onselfclosingtag: record('selfclosingtag'),
    ontext: record('text'),
    ontextentity: record('textentity'),
  };
  const tokenizer = new TokenizerClass(options, cbs);
  for (const chunk of chunks) tokenizer.write(chunk);
  tokenizer.end();
  return log;
}

/** Pieces of HTML rich in what the states act on, and in what they skip. */
const PIECES = [
  // Entities, valid, legacy (no `;`), numeric, out of range, unterminated, unknown.
  '&amp;',
  '&amp',
  '&AMP;',
  '&lt',
  '&gt;x',
  '&notin;',
  '&noti',
  '&notit;',
  '&ampx',
  '&amp=',
  '&#38;',
  '&#x26;',
  '&#X26',
  '&#x;',
  '&#',
  '&#;',
  '&#0;',
  '&#1234567;',
  '&#x110000;',
  '&#xD800;',
  '&#128;',
  '&zwnj;',
  '&',
  '&&',
  '&;',
  '&a',
  // Tags and their parts.
  '<',
  '</',
  '>',
  '/>',
  '/',
  '<a',
  '<A HREF',
  '<div',
  '<p>',
  '</p>',
  '</ p>',
  '</p x="y">',
  '<br/>',
  '<img src=x>',
  ' href="',
  " title='",
  ' style=',
  ' a=b',
  ' c',
  '=',
  '="',
  "='",
  '"',
  "'",
  '""',
  // Special tags.
  '<script>',
  '</script>',
  '</SCRIPT >',
  '<</script>',
  '<style>',
  '</style>',
  '<title>',
  '</title>',
  '</TITLE\n>',
  '<textarea>',
  '</textarea>',
  '<xmp>',
  '</xmp>',
  '<scr',
  '<sty',
  '<tit',
  '<text',
  // Comments, declarations, CDATA, processing instructions.
  '<!--',
  '-->',
  '--->',
  '<!-->',
  '-',
  '--',
  '<!',
  '<!DOCTYPE html>',
  '<![CDATA[',
  ']]>',
  ']]]>',
  '<?',
  '<?xml version="1.0"?>',
  '?',
  '!',
  // Whitespace, the Tokenizer's and not (\v), and the control that lower-cases to `<`.
  ' ',
  '  ',
  '\t',
  '\n',
  '\r\n',
  '\f',
  '\v',
  '\u001c',
  // Text, ASCII and not, astral.
  'x',
  'text',
  'Hello world, some longer text here',
  'é',
  '\u212a',
  '\u0130',
  '😀',
  '\ud83d',
  '\u00a0',
  ';',
  '#',
];
const piece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PIECES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
);
const html = fc.array(piece, { maxLength: 60 }).map((pieces) => pieces.join(''));
/** `html` and where to cut it into chunks for `write`. */
const chunked = html.chain((text) =>
  fc.uniqueArray(fc.integer({ min: 0, max: text.length }), { maxLength: 6 }).map((cuts) => {
    const at = [0, ...cuts.sort((a, b) => a - b), text.length];
    return at.slice(1).map((end, i) => text.slice(at[i], end));
  }),
);
const OPTIONS = [{ decodeEntities: true }, { decodeEntities: false }, { xmlMode: true }];

describe('SkippingTokenizer', () => {
  it('replaces methods the Tokenizer has (renamed by an upgrade, a skip would silently stop serving)', () => {
    const replaced = Object.getOwnPropertyNames(SkippingTokenizer.prototype).filter((name) => name !== 'constructor');
    expect(replaced).toHaveLength(7);
    for (const name of replaced) {
      expect(typeof Reflect.get(Tokenizer.prototype, name), name).toBe('function');
    }
  });

  it("makes the unmodified Tokenizer's callbacks, with entities decoded, read in one write", () => {
    fc.assert(
      fc.property(html, (text) => {
        expect(callbacks(SkippingTokenizer, [text], OPTIONS[0] ?? {})).toEqual(
          callbacks(Tokenizer, [text], OPTIONS[0] ?? {}),
        );
      }),
      { numRuns: 5_000 },
    );
  });

  it("makes the unmodified Tokenizer's callbacks, read in chunks, in every mode", () => {
    fc.assert(
      fc.property(chunked, fc.constantFrom(...OPTIONS), (chunks, options) => {
        expect(callbacks(SkippingTokenizer, chunks, options)).toEqual(callbacks(Tokenizer, chunks, options));
      }),
      { numRuns: 5_000 },
    );
  });

  it('makes the same callbacks at the end of the buffer in each skipping state', () => {
    for (const text of [
      'abc',
      'a &amp b',
      '<div',
      '<div ',
      '<div a',
      '<div a="xyz',
      "<div a='xyz",
      '<div a=xyz',
      '</div',
      '<div a="x&amp;y" b=\'&lt\' c=d&gt e>t&amp;u</div >',
    ]) {
      for (const chunks of [[text], [...text], [text.slice(0, 3), text.slice(3)]]) {
        expect(callbacks(SkippingTokenizer, chunks, {}), text).toEqual(callbacks(Tokenizer, chunks, {}));
      }
    }
  });
});
