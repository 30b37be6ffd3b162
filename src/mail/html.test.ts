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

  it('reads each attribute it asks for in its own place', () => {
    expect(analyzeHtml('<div width=0 height=0>x</div>').hiddenText).toBe('x');
    expect(analyzeHtml('<div width=0 height=5>x</div>').visibleText).toBe('x');
    expect(analyzeHtml('<div width=5 height=0>x</div>').visibleText).toBe('x');
    expect(analyzeHtml('<td style="color:#fff">x</td>').hiddenText).toBe('x');
    expect(analyzeHtml('<td background=x.png style="color:#fff">x</td>').visibleText).toBe('x');
    expect(analyzeHtml('<td bgcolor=#123456><font color=#123456>x</font></td>').hiddenText).toBe('x');
    expect(analyzeHtml('<form action=/a><input type=PassWord></form>').forms).toEqual([
      { action: '/a', hasPassword: true },
    ]);
    expect(analyzeHtml('<form action=/a><input type=text></form>').forms).toEqual([
      { action: '/a', hasPassword: false },
    ]);
    expect(analyzeHtml('<script type="application/ld+json">{}</script><script>x()</script>').scriptCount).toBe(1);
    expect(analyzeHtml('<map><area href="https://e.test/" alt="Pay"></map>').anchors).toEqual([
      { href: 'https://e.test/', text: 'Pay' },
    ]);
    // Names read as the Parser lower-cases them: the Kelvin sign is a k, İ is no i.
    expect(analyzeHtml('<p HIDDEN>x').hiddenText).toBe('x');
    expect(analyzeHtml('<p h\u0130dden>x').visibleText).toBe('x');
    expect(analyzeHtml('<td bac\u212aground=x.png style="color:#fff">x</td>').visibleText).toBe('x');
    // A hidden input is void: closed at once, it hides nothing after it.
    expect(analyzeHtml('<input type=hidden hidden>after').visibleText).toBe('after');
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

  it('reads each declaration between semicolons, past those without a colon and colons in values', () => {
    const cases: [string, Partial<ReturnType<typeof readStyle>>][] = [
      ['x;display:none', { hides: true }],
      ['display;none:x;opacity:0', { hides: true }],
      [':display:none', { hides: false }],
      [';;DISPLAY : NONE ;;', { hides: true }],
      ['display', { hides: false }],
      ['color:#fff:x', { hides: false, color: '' }],
      ['background:url(http://x/a.png) #000', { hides: false, background: 'image' }],
      ['background-color : #000 ; color : #FFF', { hides: false, color: '#ffffff', background: '#000000' }],
      ['font-size:12px;font-size:0', { hides: false, tinyFont: true }],
      ['font-size:0;;font-size:150%', { hides: false, tinyFont: true }],
      ['visibility:hidden;visibility:visible', { hides: false, invisible: false }],
      ['width:0', { hides: false }],
      ['width:0;height:0px', { hides: true }],
      ['\u212aey:x;display:none', { hides: true }],
      ['margin-left:-1000px', { hides: true }],
      // Only the first 4,000 characters are read.
      [`${'x;'.repeat(2_000)}display:none`, { hides: false }],
      [`${'color:#fff;'.repeat(300)}${'x;'.repeat(1_000)}display:none`, { hides: false, color: '#ffffff' }],
    ];
    for (const [style, declarations] of cases) expect(readStyle(style), style).toEqual(declarations);
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
