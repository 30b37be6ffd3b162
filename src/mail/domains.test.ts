import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signalContext } from '../../tests/support/mail.js';
import { SHIPPED_BRANDS } from './brands.js';
import {
  assessDomain,
  damerauLevenshtein,
  decodePunycode,
  hostToUnicode,
  lookalikeReasons,
  mixesScripts,
  registrableDomain,
  skeleton,
} from './domains.js';
import { hasUnsafeText } from './text.js';
import type { DEFAULT_MAIL_SETTINGS, SignalContext } from './types.js';

const targets = { organisationDomains: ['acme-industries.fr'], brands: SHIPPED_BRANDS };

function context(settings: Partial<typeof DEFAULT_MAIL_SETTINGS> = {}): SignalContext {
  return signalContext({
    settings: { organisationDomains: ['acme-industries.fr'], ...settings },
    brands: SHIPPED_BRANDS,
  });
}

describe('registrableDomain', () => {
  it('uses the public suffix list', () => {
    expect(registrableDomain('login.microsoftonline.com')).toBe('microsoftonline.com');
    expect(registrableDomain('www.amazon.co.uk')).toBe('amazon.co.uk');
    expect(registrableDomain('dgfip.finances.gouv.fr')).toBe('finances.gouv.fr');
    expect(registrableDomain('PayPal.COM.')).toBe('paypal.com');
    expect(registrableDomain('1.2.3.4')).toBeUndefined();
    expect(registrableDomain('localhost')).toBeUndefined();
  });
});

describe('punycode', () => {
  it('decodes RFC 3492 labels', () => {
    expect(decodePunycode('pypal-4ve')).toBe('pаypal');
    expect(decodePunycode('80ak6aa92e')).toBe('аррӏе');
    expect(decodePunycode('bcher-kva')).toBe('bücher');
    expect(decodePunycode('')).toBe('');
    expect(hostToUnicode('www.xn--bcher-kva.example')).toBe('www.bücher.example');
  });

  it('refuses invalid input instead of throwing', () => {
    expect(decodePunycode('99999999999999')).toBeUndefined();
    expect(decodePunycode('a-é')).toBeUndefined();
    expect(decodePunycode('x'.repeat(1000))).toBeUndefined();
  });

  it('inverts the encoder of the URL parser', () => {
    const unicodeLabel = fc
      .array(fc.constantFrom(...'abcdeéèàüßаеорсхіαοπ中文xyz0123-'.split('')), { minLength: 1, maxLength: 20 })
      .map((chars) => chars.join(''))
      .filter((label) => /[^\x21-\x7e]/.test(label) && !label.startsWith('-') && !label.endsWith('-'));
    let checked = 0;
    fc.assert(
      fc.property(unicodeLabel, (label) => {
        let host: string;
        try {
          host = new URL(`http://${label}.example/`).hostname;
        } catch {
          return;
        }
        const first = host.split('.')[0] ?? '';
        if (!first.startsWith('xn--')) return;
        checked++;
        expect(decodePunycode(first.slice(4))).toBe(label.normalize('NFC').toLowerCase());
      }),
      { numRuns: 300 },
    );
    expect(checked).toBeGreaterThan(100);
  });

  it('never throws on garbage', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (value) => {
        const decoded = decodePunycode(value);
        // Each code point costs at least one input character (astral ones are two UTF-16 units).
        if (decoded !== undefined) expect([...decoded].length).toBeLessThanOrEqual(value.length);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('skeleton', () => {
  it('folds homoglyphs, accents, digits and invisible characters', () => {
    expect(skeleton('pаypal')).toBe(skeleton('paypal'));
    expect(skeleton('PAYPA1')).toBe(skeleton('paypal'));
    expect(skeleton('rnicrosoft')).toBe(skeleton('microsoft'));
    expect(skeleton('Lеԁgеr')).toBe('ledger');
    expect(skeleton('E\u034FV\u034FR')).toBe('evr');
    expect(skeleton('Société')).toBe('soclete');
    expect(skeleton('ｐａｙｐａｌ')).toBe(skeleton('paypal'));
  });

  it('reads ASCII as the full Unicode fold reads it (property)', () => {
    // A trailing combining mark, which the fold removes, sends the same text down the general path.
    const ascii = fc.string({
      unit: fc.constantFrom('a', 'I', 'l', '1', '0', 'r', 'n', 'v', 'w', '|', '@', '$', '3', '-', '.', ' ', 'M', '~'),
    });
    fc.assert(
      fc.property(ascii, fc.constantFrom('name', 'domain') as fc.Arbitrary<'name' | 'domain'>, (text, mode) => {
        expect(skeleton(text, mode)).toBe(skeleton(`${text}\u034f`, mode));
      }),
      { numRuns: 2000 },
    );
    expect(skeleton(`${'x'.repeat(511)}i`, 'domain')).toBe(skeleton(`${'x'.repeat(511)}i\u034f`, 'domain'));
  });

  it('is idempotent and never longer than twice its input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60, unit: 'grapheme' }), (value) => {
        const once = skeleton(value);
        expect(skeleton(once)).toBe(once);
        expect(once.length).toBeLessThanOrEqual(value.normalize('NFKD').length * 2);
      }),
      { numRuns: 500 },
    );
  });

  it('detects mixed scripts', () => {
    expect(mixesScripts('pаypal')).toBe(true);
    expect(mixesScripts('paypal')).toBe(false);
    expect(mixesScripts('пример')).toBe(false);
  });
});

describe('damerauLevenshtein', () => {
  it('counts edits and transpositions', () => {
    expect(damerauLevenshtein('paypal', 'paypal')).toBe(0);
    expect(damerauLevenshtein('paypal', 'paypall')).toBe(1);
    expect(damerauLevenshtein('paypal', 'papyal')).toBe(1);
    expect(damerauLevenshtein('microsoft', 'micosoft')).toBe(1);
    expect(damerauLevenshtein('kitten', 'sitting')).toBe(3);
    expect(damerauLevenshtein('', 'abc')).toBe(3);
  });

  it('stops early past the bound and agrees with the full computation below it', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 12 }),
        fc.string({ maxLength: 12 }),
        fc.integer({ min: 0, max: 4 }),
        (a, b, max) => {
          const full = damerauLevenshtein(a, b);
          const bounded = damerauLevenshtein(a, b, max);
          expect(bounded).toBe(full <= max ? full : max + 1);
          expect(full).toBe(damerauLevenshtein(b, a));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('damerauLevenshtein against the textbook table', () => {
  /** Optimal string alignment over a full table, built afresh for every pair. */
  const reference = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) =>
      Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
    );
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        let value = Math.min(
          (d[i - 1]?.[j] as number) + 1,
          (d[i]?.[j - 1] as number) + 1,
          (d[i - 1]?.[j - 1] as number) + cost,
        );
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
          value = Math.min(value, (d[i - 2]?.[j - 2] as number) + 1);
        (d[i] as number[])[j] = value;
      }
    }
    return d[a.length]?.[b.length] as number;
  };

  it('agrees pair after pair, whatever the pairs before left in its rows (property)', () => {
    // Few letters, so that transpositions and repeats are common; lengths across the rows' growth.
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 140 });
    fc.assert(
      fc.property(fc.array(fc.tuple(word, word), { minLength: 1, maxLength: 8 }), (pairs) => {
        for (const [a, b] of pairs) expect(damerauLevenshtein(a, b)).toBe(reference(a, b));
      }),
      { numRuns: 300 },
    );
  });
});

describe('assessDomain', () => {
  it('answers per protected list: a remembered answer is never reused for other lists', () => {
    const own = { organisationDomains: ['vigie-demo.fr'], brands: [] };
    const none = { organisationDomains: [], brands: [] };
    for (let round = 0; round < 2; round++) {
      expect(assessDomain('vigie-dem0.fr', own)).toMatchObject({ organisation: true, target: 'vigie-demo.fr' });
      expect(assessDomain('vigie-dem0.fr', none)).toBeUndefined();
      expect(assessDomain('vigie-dem0.fr', { organisationDomains: ['vigie-demo.fr'], brands: [] })).toEqual(
        assessDomain('vigie-dem0.fr', own),
      );
    }
  });

  it('never flags the real domains or their subdomains', () => {
    for (const domain of [
      'paypal.com',
      'www.paypal.com',
      'login.microsoftonline.com',
      'accounts.google.com',
      'impots.gouv.fr',
      'www.ameli.fr',
      'acme-industries.fr',
      'mail.acme-industries.fr',
      'amazon.co.uk',
    ]) {
      expect(assessDomain(domain, targets), domain).toBeUndefined();
    }
  });

  it('leaves ordinary domains alone', () => {
    for (const domain of [
      'example.org',
      'lists.ettus.com',
      'engine.com',
      'appleinsider.com',
      'pineapple.com',
      'counterrevolution.net',
      'w3.org',
      'amazon.com.br',
      'usps.force.com',
      'acme-industries.atlassian.net',
      'acme-industries.1091.n7.nabble.com',
    ]) {
      expect(assessDomain(domain, targets), domain).toBeUndefined();
    }
  });

  it('finds homographs and ASCII confusables', () => {
    expect(assessDomain('xn--pypal-4ve.com', targets)).toMatchObject({
      kind: 'homograph',
      target: 'paypal.com',
      brand: 'PayPal',
      display: 'pаypal.com',
    });
    expect(assessDomain('pаypal.com', targets)?.kind).toBe('homograph');
    expect(assessDomain('pаypal-login.com', targets)).toMatchObject({ kind: 'homograph', brand: 'PayPal' });
    expect(assessDomain('xn--80ak6aa92e.com', targets)).toMatchObject({ kind: 'homograph', brand: 'Apple' });
    expect(assessDomain('paypa1.com', targets)).toMatchObject({ kind: 'confusable', target: 'paypal.com' });
    expect(assessDomain('rnicrosoft.com', targets)).toMatchObject({ kind: 'confusable', brand: 'Microsoft' });
    expect(assessDomain('acrne-industries.fr', targets)).toMatchObject({ kind: 'confusable', organisation: true });
    expect(assessDomain('g00gle.com', targets)).toMatchObject({ kind: 'confusable', brand: 'Google' });
  });

  it('finds typos', () => {
    expect(assessDomain('micosoft.com', targets)).toMatchObject({ kind: 'typo', distance: 1, brand: 'Microsoft' });
    expect(assessDomain('acme-industires.com', targets)).toMatchObject({ kind: 'typo', organisation: true });
    expect(assessDomain('acme-industrles.fr', targets)).toMatchObject({ kind: 'typo', organisation: true });
    expect(assessDomain('paypai.com', targets)).toMatchObject({ kind: 'typo', brand: 'PayPal' });
    expect(assessDomain('gmall-shop.com', targets)).toBeUndefined();
  });

  it('finds brand names inside other domains', () => {
    expect(assessDomain('paypal-secure-login.com', targets)).toMatchObject({ kind: 'combo', brand: 'PayPal' });
    expect(assessDomain('secure.credit-agricole-info.net', targets)).toMatchObject({
      kind: 'combo',
      brand: 'Crédit Agricole',
    });
    expect(assessDomain('ameli-remboursement.com', targets)).toMatchObject({ kind: 'combo', brand: 'Ameli' });
    expect(assessDomain('microsoft.account-verify.xyz', targets)).toMatchObject({
      kind: 'subdomain',
      domain: 'account-verify.xyz',
      brand: 'Microsoft',
    });
    expect(assessDomain('paypal.com.login-user2456.info', targets)?.kind).toBe('subdomain');
    expect(assessDomain('paypal-verify.blogspot.com', targets)?.kind).toBe('subdomain');
    expect(assessDomain('acme-industries-paie.com', targets)).toMatchObject({ kind: 'combo', organisation: true });
    expect(assessDomain('acme-industries-login.atlassian.net', targets)).toMatchObject({
      kind: 'subdomain',
      organisation: true,
    });
  });

  it('finds brand labels under unusual extensions and mixed scripts', () => {
    expect(assessDomain('netflix.top', targets)).toMatchObject({ kind: 'tld_swap', target: 'netflix.com' });
    // Any suffix outside the brand's own list, usual ones too: anyone can register them.
    expect(assessDomain('netflix.de', targets)).toMatchObject({ kind: 'tld_swap', target: 'netflix.com' });
    for (const domain of ['paypal.co', 'paypal.com.co', 'www.paypal.top']) {
      expect(assessDomain(domain, targets), domain).toMatchObject({ kind: 'tld_swap', brand: 'PayPal' });
    }
    expect(assessDomain('paypal.de', targets)).toBeUndefined();
    expect(assessDomain('acme-industries.com', targets)).toMatchObject({ kind: 'tld_swap', organisation: true });
    expect(assessDomain('acme.com', { organisationDomains: ['acme.fr'], brands: [] })).toBeUndefined();
    expect(assessDomain('xn--exmple-4nf.com', targets)?.kind).toBe('mixed_script');
  });

  it("uses the organisation's extra brands, even in a list rebuilt for each message", () => {
    const extra = { name: 'Vigie Sécurité', domains: ['vigie-secu.fr'], keywords: ['vigie secu'] };
    for (let i = 0; i < 3; i++) {
      const brands = [...SHIPPED_BRANDS, extra];
      expect(assessDomain('vigie-secu-login.com', { organisationDomains: [], brands })).toMatchObject({
        kind: 'combo',
        brand: 'Vigie Sécurité',
      });
      expect(assessDomain('www.vigie-secu.fr', { organisationDomains: [], brands })).toBeUndefined();
    }
  });

  it('never throws and stays fast on arbitrary hosts', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (host) => {
        assessDomain(host, targets);
      }),
      { numRuns: 300 },
    );
    for (let i = 0; i < 2000; i++) assessDomain(`host${i}.some-company-${i}.example.com`, targets);
  });
});

describe('lookalikeReasons', () => {
  it('returns one reason with the evidence', () => {
    const [reason] = lookalikeReasons('paypa1.com', context(), 'sender');
    expect(reason).toMatchObject({
      code: 'mail.lookalike.confusable',
      category: 'lookalike',
      data: { where: 'sender', domain: 'paypa1.com', imitates: 'paypal.com', brand: 'PayPal' },
    });
    expect(reason?.weight).toBeGreaterThanOrEqual(3.5);
    expect(reason?.message.fr).toContain('paypa1.com');
    expect(reason?.message.en).toContain('PayPal');
  });

  it('weighs imitations of the organisation higher', () => {
    const own = lookalikeReasons('acrne-industries.fr', context(), 'link')[0];
    const brand = lookalikeReasons('paypa1.com', context(), 'link')[0];
    expect(own?.weight).toBeGreaterThan(brand?.weight ?? 0);
  });

  it('respects the trusted domains', () => {
    expect(lookalikeReasons('paypa1.com', context({ allowedLinkDomains: ['paypa1.com'] }), 'link')).toEqual([]);
    expect(lookalikeReasons('paypa1.com', context({ allowedLinkDomains: ['paypa1.com'] }), 'sender')).toHaveLength(1);
    expect(lookalikeReasons('', context(), 'sender')).toEqual([]);
  });

  it('excuses a trusted sender domain only when a trusted server authenticated the From, never a Reply-To', () => {
    const settings = { allowedSenderDomains: ['paypa1.com'], trustedAuthservIds: ['mx.acme-industries.fr'] };
    const withHeaders = (authservId: string): SignalContext => {
      const base = context(settings);
      return {
        ...base,
        message: {
          ...base.message,
          from: { name: 'PayPal', address: 'service@paypa1.com', domain: 'paypa1.com' },
          headers: [{ name: 'authentication-results', value: `${authservId}; dmarc=pass header.from=paypa1.com` }],
        },
      };
    };
    // Forged results, or none at all: the allow-list does not apply.
    expect(lookalikeReasons('paypa1.com', context(settings), 'sender')).toHaveLength(1);
    expect(lookalikeReasons('paypa1.com', withHeaders('mx.google.com'), 'sender')).toHaveLength(1);
    expect(lookalikeReasons('paypa1.com', withHeaders('mx.acme-industries.fr'), 'sender')).toEqual([]);
    expect(lookalikeReasons('paypa1.com', withHeaders('mx.acme-industries.fr'), 'reply-to')).toHaveLength(1);
  });

  it('quotes domains without control or bidi characters', () => {
    const [reason] = lookalikeReasons('xn--pypal-4ve.com', context(), 'link');
    expect(hasUnsafeText(reason?.message.en ?? '')).toBe(false);
    const [bidi] = lookalikeReasons('xn--paypalcom-secure-lt6i.com', context(), 'link');
    expect(bidi?.data?.display).toBe('paypal\\u{202e}com-secure.com');
    expect(hasUnsafeText(bidi?.message.en ?? 'missing\u202e')).toBe(false);
  });
});
