import { describe, expect, it } from 'vitest';
import { analyzeHtml } from './html.js';
import { htmlTrickReasons, mixedScriptWords } from './htmltricks.js';
import { extractLinks } from './links.js';
import { DEFAULT_MAIL_SETTINGS, type ParsedMessage, type SignalContext } from './types.js';

function context(html: string, text = ''): SignalContext {
  const message: ParsedMessage = {
    headers: [],
    from: { name: 'x', address: 'a@b.test', domain: 'b.test' },
    sender: undefined,
    replyTo: [],
    returnPath: undefined,
    subject: 's',
    text,
    html,
    attachments: [],
    problems: [],
    size: html.length,
  };
  const facts = analyzeHtml(html);
  return { message, settings: DEFAULT_MAIL_SETTINGS, html: facts, links: extractLinks(message, facts), brands: [] };
}

const codes = (html: string, text = '') => htmlTrickReasons(context(html, text)).map((r) => r.code);
const prose = 'Your account statement for this month is ready. Thank you for being a customer. '.repeat(3);

describe('htmlTrickReasons', () => {
  it('says nothing about an ordinary newsletter with a short hidden preheader', () => {
    const html = `<div style="display:none;max-height:0;overflow:hidden">Your weekly news &zwnj;&nbsp;&zwnj;&nbsp;</div><p>${prose}</p><a href="https://b.test/">Read</a><img src="https://b.test/logo.png">`;
    expect(codes(html)).toEqual([]);
  });

  it('flags hidden text stuffed to fool filters, more when there is a lot', () => {
    const stuffing = 'lorem ipsum dolor sit amet consectetur adipiscing elit '.repeat(5);
    const weak = htmlTrickReasons(context(`<p>${prose}</p><div style="font-size:0">${stuffing}</div>`));
    expect(weak.map((r) => r.code)).toEqual(['mail.html.hidden_text']);
    const strong = htmlTrickReasons(context(`<p>${prose}</p><div style="color:#fff">${stuffing.repeat(4)}</div>`));
    expect(strong[0]?.weight).toBeGreaterThan(weak[0]?.weight ?? 0);
    expect(String(strong[0]?.data?.excerpt)).toContain('lorem');
  });

  it('flags zero-width characters inside words', () => {
    expect(codes(`<p>${prose} Pa&#8203;yP&#8203;al pass&#8204;word ver&#8205;ify</p>`)).toContain(
      'mail.html.zero_width',
    );
  });

  it('flags words mixing alphabets (homoglyphs), not text in two languages', () => {
    // "Lеdgеr" and "Pаypal" with Cyrillic е / а.
    const reasons = htmlTrickReasons(context(`<p>${prose} Your L\u0435dg\u0435r wallet and P\u0430ypal account</p>`));
    const mixed = reasons.find((r) => r.code === 'mail.html.mixed_script');
    expect(mixed?.data?.count).toBe(2);
    expect(mixed?.data?.words).toEqual(['L\u0435dg\u0435r', 'P\u0430ypal']);
    expect(codes(`<p>${prose} Привет, как дела? Hello world. Ελληνικά και English.</p>`)).toEqual([]);
    // Astral letters next to the switches: still terminates, still counts the Latin-Cyrillic pairs.
    expect(mixedScriptWords('\u{1D400}a\u0430 '.repeat(1_000)).count).toBe(1_000);
  });

  it('flags a password form strongly, another form weakly', () => {
    const pw = htmlTrickReasons(
      context(`<p>${prose}</p><form action="https://x.test/p"><input type="password"></form>`),
    );
    expect(pw.map((r) => r.code)).toEqual(['mail.html.password_form']);
    expect(pw[0]?.weight).toBeGreaterThanOrEqual(3.5);
    const form = htmlTrickReasons(context(`<p>${prose}</p><form action="/search"><input name="q"></form>`));
    expect(form.map((r) => r.code)).toEqual(['mail.html.form']);
    expect(form[0]?.weight).toBeLessThanOrEqual(1);
  });

  it('flags scripts and smuggled payloads', () => {
    expect(codes(`<p>${prose}</p><script>alert(1)</script>`)).toEqual(['mail.html.script']);
    const blob = 'TVqQAAMAAAAEAAAA'.repeat(2_000);
    const smuggling = htmlTrickReasons(context(`<p>${prose}</p><script>const b = "${blob}";</script>`));
    const reason = smuggling.find((r) => r.code === 'mail.html.base64_blob');
    expect(reason?.weight).toBeGreaterThanOrEqual(3);
  });

  it('flags a mail that is only a picture and a link, not one with words', () => {
    const picture = '<a href="https://x.test/win"><img src="https://x.test/offer.png"></a>';
    expect(codes(picture)).toEqual(['mail.html.image_only']);
    expect(codes(`${picture}<p>${prose}</p>`)).toEqual([]);
    expect(codes(picture, prose.repeat(2))).toEqual([]);
  });

  it('writes both languages and stable codes', () => {
    const reasons = htmlTrickReasons(
      context(
        `<div style="display:none">${prose.repeat(3)}</div><form><input type="password"></form><script></script>`,
      ),
    );
    expect(reasons.length).toBeGreaterThan(1);
    for (const r of reasons) {
      expect(r.code).toMatch(/^mail\.html\.[a-z_]+$/);
      expect(r.category).toBe('html');
      expect(r.message.fr.length).toBeGreaterThan(10);
      expect(r.message.en.length).toBeGreaterThan(10);
    }
  });
});
