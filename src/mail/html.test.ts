import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  analyzeHtml,
  countZeroWidthInWords,
  HTML_LIMITS,
  longestBase64Run,
  normalizeColor,
  readStyle,
} from './html.js';

describe('analyzeHtml', () => {
  it('renders the visible text with line breaks between blocks and decoded entities', () => {
    const facts = analyzeHtml(
      '<html><head><title>T</title><style>p{color:red}</style></head><body><p>Hello&nbsp;&amp;   welcome</p><div>Second<br>line</div><script>var x=1</script></body></html>',
    );
    expect(facts.visibleText).toBe('Hello & welcome\nSecond\nline');
    expect(facts.scriptCount).toBe(1);
  });

  it('separates table cells and keeps words of inline elements together', () => {
    const facts = analyzeHtml('<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table><span>x</span><b>y</b>');
    expect(facts.visibleText).toBe('a b\nc\nxy');
  });

  it('puts text hidden by inline styles and attributes in hiddenText', () => {
    const facts = analyzeHtml(
      [
        '<p>shown</p>',
        '<div style="display:none">one</div>',
        '<span style="visibility:hidden">two</span>',
        '<span style="font-size:0px">three</span>',
        '<span style="font-size:1px">four</span>',
        '<span style="opacity:0">five</span>',
        '<div style="max-height:0;overflow:hidden">six</div>',
        '<div hidden>seven</div>',
        '<div style="width:0;height:0">eight</div>',
        '<span style="color:#fff">nine</span>',
        '<td bgcolor="#123456"><font color="#123456">ten</font></td>',
        '<span style="color:transparent">eleven</span>',
        '<div style="position:absolute;left:-9999px">twelve</div>',
      ].join(''),
    );
    expect(facts.visibleText).toBe('shown');
    for (const word of [
      'one',
      'two',
      'three',
      'four',
      'five',
      'six',
      'seven',
      'eight',
      'nine',
      'ten',
      'eleven',
      'twelve',
    ]) {
      expect(facts.hiddenText).toContain(word);
    }
  });

  it('lets a descendant undo inherited font-size 0 (responsive templates) and white text on a dark background show', () => {
    const facts = analyzeHtml(
      '<td style="font-size:0"><div style="font-size:16px">Your parcel</div></td><td style="background-color:#000"><span style="color:#ffffff">White on black</span></td>',
    );
    expect(facts.visibleText).toBe('Your parcel\nWhite on black');
    expect(facts.hiddenText).toBe('');
    // A relative size of nothing is still nothing.
    expect(analyzeHtml('<div style="font-size:0"><span style="font-size:150%">gone</span></div>').hiddenText).toBe(
      'gone',
    );
  });

  it('hides elements of classes hidden by a style sheet, not those only hidden in @media', () => {
    const facts = analyzeHtml(
      '<style>.hide{display:none} .mob{display:none} @media (max-width:600px){ .mob{display:block !important} .desk{display:none} }</style><div class="x hide">stuffing</div><div class="mob">mobile</div><div class="desk">desktop</div>',
    );
    expect(facts.hiddenText).toBe('stuffing');
    expect(facts.visibleText).toBe('mobile\ndesktop');
  });

  it('collects anchors with their visible text and image alt, images, forms', () => {
    const facts = analyzeHtml(
      '<a href=" https://example.com/a ">Click <b>here</b></a><a href="https://x.test/"><img src="cid:logo" alt="Logo"></a>' +
        '<form action="https://evil.test/post"><input type="text"><input type="password"></form><form action="/search"></form>',
    );
    expect(facts.anchors).toEqual([
      { href: 'https://example.com/a', text: 'Click here' },
      { href: 'https://x.test/', text: 'Logo' },
    ]);
    expect(facts.imageSources).toEqual(['cid:logo']);
    expect(analyzeHtml('<a href="https://x.test/">Sign<br>in<div>now</div></a>').anchors[0]?.text).toBe('Sign in now');
    expect(facts.forms).toEqual([
      { action: 'https://evil.test/post', hasPassword: true },
      { action: '/search', hasPassword: false },
    ]);
  });

  it('counts zero-width characters inside words and removes them from the visible text', () => {
    const facts = analyzeHtml(
      '<p>Pa&#8203;y&#8204;Pal pass\u00adword</p><p>&zwnj;&nbsp;&zwnj;&nbsp;&zwnj; preheader padding</p>',
    );
    expect(facts.zeroWidthCount).toBe(3);
    expect(facts.visibleText).toBe('PayPal password\npreheader padding');
  });

  it('measures base64 runs but not inline images', () => {
    const blob = 'QUJD'.repeat(3000);
    expect(analyzeHtml(`<script>var b = atob("${blob}")</script>`).longestBase64Run).toBe(blob.length);
    expect(analyzeHtml(`<a href="data:application/octet-stream;base64,${blob}">x</a>`).longestBase64Run).toBe(
      blob.length,
    );
    expect(analyzeHtml(`<img src="data:image/png;base64,${blob}">`).longestBase64Run).toBe(0);
  });

  it('bounds what it stores', () => {
    const many = '<a href="https://e.test/x">x</a>'.repeat(HTML_LIMITS.anchors + 50);
    const facts = analyzeHtml(
      `${many}<p>${'word '.repeat(50_000)}</p><div style="display:none">${'h '.repeat(30_000)}</div>`,
    );
    expect(facts.anchors.length).toBe(HTML_LIMITS.anchors);
    expect(facts.visibleText.length).toBeLessThanOrEqual(HTML_LIMITS.visibleChars);
    expect(facts.hiddenText.length).toBeLessThanOrEqual(HTML_LIMITS.hiddenChars);
  });

  it('never throws on arbitrary input and keeps its outputs bounded', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2_000 }), (s) => {
        const facts = analyzeHtml(s);
        expect(facts.visibleText.length).toBeLessThanOrEqual(HTML_LIMITS.visibleChars);
        expect(facts.anchors.length).toBeLessThanOrEqual(HTML_LIMITS.anchors);
        expect(facts.longestBase64Run).toBeLessThanOrEqual(s.length);
      }),
      { numRuns: 300 },
    );
  });

  it('always finds a known anchor wherever it is inserted', () => {
    const noise = fc.stringMatching(/^[a-z <>/="'.;:&#0-9-]{0,200}$/);
    fc.assert(
      fc.property(noise, noise, (before, after) => {
        // Close whatever the noise may have left open (an attribute quote, a comment, a raw-text tag).
        const html = `<p>${before.replace(/[<>"']/g, ' ')}</p><a href="https://known.example/path">Known</a><p>${after}</p>`;
        const facts = analyzeHtml(html);
        expect(facts.anchors.some((a) => a.href === 'https://known.example/path' && a.text === 'Known')).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('finishes on large and pathological inputs within the test time-out', () => {
    const inputs = [
      '<div>'.repeat(100_000),
      `${'<span style="display:none">'.repeat(50_000)}x`,
      `<p>${'A'.repeat(2_000_000)}</p>`,
      '&#8203;a'.repeat(200_000),
      `<style>${'.a{display:none}'.repeat(50_000)}</style>`,
      '<a href="x">'.repeat(50_000),
      '<svg>'.repeat(100_000),
      `${'<div>'.repeat(600)}${'</x>'.repeat(200_000)}`,
    ];
    for (const html of inputs) {
      analyzeHtml(html);
    }
  });
});

describe('style helpers', () => {
  it('reads colours', () => {
    expect(normalizeColor('#FFF')).toBe('#ffffff');
    expect(normalizeColor('rgb(255, 255, 255)')).toBe('#ffffff');
    expect(normalizeColor('White')).toBe('#ffffff');
    expect(normalizeColor('rgba(0,0,0,0)')).toBe('transparent');
    expect(normalizeColor('ffffff')).toBe('#ffffff');
    expect(normalizeColor('inherit')).toBe('');
  });

  it('reads hiding declarations', () => {
    expect(readStyle('DISPLAY: none !important').hides).toBe(true);
    expect(readStyle('font-size:0').tinyFont).toBe(true);
    expect(readStyle('font-size:14px').tinyFont).toBe(false);
    expect(readStyle('height:0').hides).toBe(false);
    expect(readStyle('height:0;overflow:hidden').hides).toBe(true);
  });

  it('measures base64 runs on one line', () => {
    expect(longestBase64Run(`x ${'QUJD'.repeat(19)}\r\n${'QUJD'.repeat(29)}\n${'QUJD'.repeat(10)} y`)).toBe(29 * 4);
    expect(longestBase64Run('hello world, this is prose')).toBe(0);
    expect(longestBase64Run(`data:image/png;base64,${'QUJD'.repeat(100)}`)).toBe(0);
    expect(longestBase64Run(`${'a '.repeat(100)}${'Q'.repeat(70)} ${'Q'.repeat(65)}`)).toBe(70);
  });

  it('counts zero-width characters inside words only', () => {
    expect(countZeroWidthInWords('a\u200bb c\u200c\u200dd')).toBe(3);
    expect(countZeroWidthInWords('\u200c \u200c \u200c')).toBe(0);
    expect(countZeroWidthInWords('\ufeffhello')).toBe(0);
  });
});

// readStyle as it was when it split the style into an array of declarations: the reading in
// place must find the same declarations.
const STYLE_PROPERTIES_AS_BEFORE = new Set([
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
function readStyleAsBefore(style: string): ReturnType<typeof readStyle> {
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
  for (const declaration of bounded.split(';')) {
    const colon = declaration.indexOf(':');
    if (colon <= 0) continue;
    const property = declaration.slice(0, colon).trim();
    if (!STYLE_PROPERTIES_AS_BEFORE.has(property)) continue;
    let value = declaration.slice(colon + 1);
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
          if (!relative || tinyLengthAsBefore(value, 0)) tinyFont = tinyLengthAsBefore(value, 1);
        }
        break;
      case 'opacity': {
        const n = Number.parseFloat(value);
        if (Number.isFinite(n) && n <= 0.05) hides = true;
        break;
      }
      case 'max-height':
        if (tinyLengthAsBefore(value, 0)) zeroMaxHeight = true;
        break;
      case 'height':
        if (tinyLengthAsBefore(value, 0)) zeroHeight = true;
        break;
      case 'width':
        if (tinyLengthAsBefore(value, 0)) zeroWidth = true;
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
function tinyLengthAsBefore(value: string, maxPx: number): boolean {
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

describe('readStyle read in place', () => {
  it('reads the declarations the split did', () => {
    const space = fc.constantFrom('', ' ', '\n', '\u00a0');
    const property = fc.constantFrom(
      'display',
      'DISPLAY',
      'font-size',
      'color',
      'background',
      'background-color',
      'height',
      'width',
      'max-height',
      'overflow',
      'visibility',
      'opacity',
      'left',
      'mso-hide',
      'font-family',
      '',
      '\u212a',
    );
    const value = fc.constantFrom(
      'none',
      '0',
      '1px',
      '150%',
      '#fff',
      'White',
      'transparent',
      'url(x) #000',
      'hidden',
      'collapse',
      '0.01',
      '-9999px',
      'all',
      'Arial',
      '',
      'a:b',
      '\u0130',
    );
    const declaration = fc
      .tuple(
        space,
        property,
        space,
        fc.constantFrom(':', '', '::'),
        space,
        value,
        fc.constantFrom('', '!important', ' !IMPORTANT'),
      )
      .map((parts) => parts.join(''));
    const style = fc
      .array(fc.tuple(declaration, fc.constantFrom(';', ';;', ' ; ', ';\n', '')), { maxLength: 12, size: 'max' })
      .map((parts) => parts.flat().join(''));
    fc.assert(
      fc.property(style, (css) => {
        expect(readStyle(css)).toEqual(readStyleAsBefore(css));
      }),
      { numRuns: 2_000 },
    );
    const long = `${'color:#fff;'.repeat(300)}${'x;'.repeat(1_000)}display:none`;
    expect(readStyle(long)).toEqual(readStyleAsBefore(long));
  });
});
