// Organisation templates and landing pages: whatever HTML is given, what comes out has no script,
// no event handler, no frame and no active URL; every form posts with the default encoding and no
// target of its own; placeholders are checked; rendering escapes the target's values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkCustomTemplate,
  fromGophishPlaceholders,
  htmlToMailText,
  landingFields,
  renderCustomLanding,
  renderCustomTemplate,
  sanitiseHtml,
  unknownPlaceholders,
} from './custom.js';

const PIECES = [
  '<script>alert(1)</script>',
  '<SCRIPT src=//x>',
  '<img src=x onerror=alert(1)>',
  '<a href="javascript:alert(1)">',
  '<a href=" JaVa\tScRiPt:x">',
  '<iframe src="https://x">',
  '<form action="https://evil" method=get enctype="multipart/form-data" target=_blank>',
  '<input name="pwd" type="password" onfocus="x()">',
  '<button formaction="https://evil">',
  '<svg><script>1</script></svg>',
  '<base href="https://evil/">',
  '<meta http-equiv="refresh" content="0;url=https://evil">',
  '<div style="background:url(javascript:x)">',
  '<p>',
  '</p>',
  '</form>',
  '<',
  '>',
  '"',
  "'",
  '&lt;script&gt;',
  '<!-- <script> -->',
  '<style>a{}</style>',
  '<textarea><script>x</script></textarea>',
  'text',
];

const html = fc
  .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 12 })), { maxLength: 25 })
  .map((p) => p.join(''));

/** The tags of the output: text is escaped, so every `<` opens a tag the sanitiser wrote. */
function tagsOf(out: string): string[] {
  return [...out.matchAll(/<[^>]*>/g)].map((m) => m[0]);
}

describe('sanitiseHtml', () => {
  it('never lets a script, a handler, a frame or an active URL through, in landings and e-mails', () => {
    fc.assert(
      fc.property(html, fc.constantFrom('landing' as const, 'email' as const), (input, mode) => {
        const out = sanitiseHtml(input, mode);
        for (const tag of tagsOf(out)) {
          expect(tag).not.toMatch(/^<\/?(script|iframe|object|embed|svg|base|meta|frame)/i);
          expect(tag).not.toMatch(/\son[a-z]*=/i);
          expect(tag).not.toMatch(/(href|src|action)="\s*(javascript|vbscript|data:text)/i);
          expect(tag).not.toMatch(/\s(formaction|enctype|target|srcdoc)=/i);
          if (/^<form/.test(tag)) expect(tag).toMatch(/method="post"/);
          if (mode === 'email') expect(tag).not.toMatch(/^<(form|input|button)/);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('closes what a start tag closes even after a tag it dropped, and keeps form attributes off other elements', () => {
    // Found by the properties: a dropped tag (`<A<script>`, `<A!>`) stayed open in the parser,
    // which then nested a <p> in a <p> and a <textarea> in a <button>, read as siblings when run again.
    for (const input of [
      '<p><A<script>alert(1)</script><p>',
      '<button formaction="https://evil"><A!><textarea><script>x</script></textarea>',
    ]) {
      const once = sanitiseHtml(input, 'landing');
      expect(sanitiseHtml(once, 'landing')).toBe(once);
    }
    expect(sanitiseHtml('<p><A<script>alert(1)</script><p>', 'landing')).toBe('<p>alert(1)</p><p></p>');
    // A malformed tag hands a form's attributes to the element before it.
    expect(
      sanitiseHtml('<A <form action="https://evil" method=get enctype="multipart/form-data" target=_blank>', 'landing'),
    ).toBe('<a></a>');
  });

  it('is stable: sanitising its own output changes nothing', () => {
    fc.assert(
      fc.property(html, (input) => {
        const once = sanitiseHtml(input, 'landing');
        expect(sanitiseHtml(once, 'landing')).toBe(once);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps ordinary markup and points links at {{link}} when asked', () => {
    expect(sanitiseHtml('<p class="x">Hi <b>there</b></p>', 'email')).toBe('<p class="x">Hi <b>there</b></p>');
    expect(sanitiseHtml('<a href="https://a.test/x" title="t">go</a>', 'email', { linksToTracked: true })).toBe(
      '<a href="{{link}}" title="t">go</a>',
    );
  });
});

describe('landing pages', () => {
  it('keeps no attribute that could send what is typed elsewhere or let CSS read it', () => {
    const page = sanitiseHtml(
      '<form><input name="u" pattern="a.*" maxlength="9"><input type="password" name="p" minlength="8" autocomplete="on">' +
        '<button formmethod="get" formaction="/x" formenctype="text/plain" formtarget="_blank">Go</button></form>',
      'landing',
    );
    expect(page).not.toMatch(
      /formmethod|formaction|formenctype|formtarget|pattern|minlength|maxlength|autocomplete="on"/,
    );
    expect(page).toContain('<input type="password" name="p" autocomplete="new-password">');
    expect(page).toContain('<input name="u" autocomplete="off">');
  });

  it('lists the named fields and makes every form post back to the tracked URL', () => {
    const page = sanitiseHtml(
      '<form action="https://evil"><input name="u"><input type=password name=p><input type=submit name=go><select name="s"></select></form>',
      'landing',
    );
    expect(landingFields(page)).toEqual([
      { name: 'u', type: 'text' },
      { name: 'p', type: 'password' },
      { name: 's', type: 'text' },
    ]);
    const rendered = renderCustomLanding(
      { name: 'n', title: { fr: 't', en: 't' }, html: { fr: page, en: page }, teaching: null, fields: [] },
      'en',
      '/learn/t/AAAAAAAAAAAAAAAAAAAAAA',
    );
    expect(rendered).toContain('<form method="post" data-vigie-form="" action="/learn/t/AAAAAAAAAAAAAAAAAAAAAA">');
    expect(rendered).not.toContain('evil');
  });
});

describe('templates', () => {
  const base = {
    name: 'n',
    senderName: { fr: 'RH' },
    subject: { fr: 'Objet {{first_name}}' },
    html: { fr: '<p>Bonjour {{first_name}} <a href="{{ link }}">ici</a></p>' },
    landing: 'sso-login',
  };

  it('fills a missing language from the other and derives the text body from the HTML', () => {
    const checked = checkCustomTemplate(base);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.value.subject.en).toBe('Objet {{first_name}}');
    expect(checked.value.text.fr).toBe('Bonjour {{first_name}} ici: {{ link }}');
  });

  it('names every unknown placeholder, GoPhish ones included, and converts the known GoPhish ones', () => {
    expect(unknownPlaceholders('{{first_name}} {{ Nom }} {{.URL}} {{}}')).toEqual(['{{ Nom }}', '{{.URL}}', '{{}}']);
    expect(fromGophishPlaceholders('{{.FirstName}} {{ .URL }} {{.Tracker}}')).toBe('{{first_name}} {{link}} ');
  });

  it('escapes values in the HTML and keeps header-breaking characters out of the subject', () => {
    const checked = checkCustomTemplate(base);
    if (!checked.ok) throw new Error('invalid');
    const out = renderCustomTemplate(checked.value, 'fr', {
      first_name: '<b>Eve</b>\r\nBcc: x@y.z',
      link: 'https://vigie.test/learn/t/abc',
    });
    expect(out.html).toContain('&lt;b&gt;Eve&lt;/b&gt;');
    expect(out.html).toContain('<a href="https://vigie.test/learn/t/abc">ici</a>');
    expect(out.subject).not.toMatch(/[\r\n]/);
    expect(out.text).toContain('ici: https://vigie.test/learn/t/abc');
  });

  it('reads text from e-mail HTML with the link after its label', () => {
    expect(htmlToMailText('<p>A <a href="u">b</a></p><script>x</script><p>c</p>')).toBe('A b: u\n\nc');
  });
});
