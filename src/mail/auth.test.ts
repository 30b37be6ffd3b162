import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signalContext } from '../../tests/support/mail.js';
import {
  alignedDomains,
  authenticatedFromDomain,
  authenticationReasons,
  parseArcAuthenticationResults,
  parseAuthenticationResults,
  parseReceivedSpf,
  parseTagList,
  trustedAuthentication,
} from './auth.js';
import { SHIPPED_BRANDS } from './brands.js';
import { parseMessage } from './parse.js';

/** The receiving servers the tests' organisation trusts (their "pass" is believed). */
const TRUSTED = ['mx.acme.fr', 'mx.google.com'];

async function contextFor(headers: string, organisationDomains: string[] = [], trustedAuthservIds = TRUSTED) {
  const raw = Buffer.from(`${headers.trim().replace(/\n/g, '\r\n')}\r\nSubject: test\r\n\r\nBonjour.\r\n`, 'utf8');
  const message = await parseMessage(raw);
  return {
    ...signalContext({ settings: { organisationDomains, trustedAuthservIds }, brands: SHIPPED_BRANDS }),
    message,
  };
}

async function reasonsFor(headers: string, organisationDomains: string[] = [], trustedAuthservIds = TRUSTED) {
  return authenticationReasons(await contextFor(headers, organisationDomains, trustedAuthservIds));
}

const codes = (reasons: { code: string }[]) => reasons.map((r) => r.code).sort();

const GMAIL_STYLE =
  'mx.google.com; dkim=pass header.i=@paypal.fr header.s=pp-dkim1 header.b="Xy1/+=="; ' +
  'spf=pass (google.com: domain of service@paypal.fr designates 173.0.84.226 as permitted sender) ' +
  'smtp.mailfrom=service@paypal.fr; dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=paypal.fr';

describe('parseAuthenticationResults', () => {
  it('reads several results with comments, quoted strings and properties', () => {
    const parsed = parseAuthenticationResults(GMAIL_STYLE);
    expect(parsed.authservId).toBe('mx.google.com');
    expect(parsed.results.map((r) => `${r.method}=${r.result}`)).toEqual(['dkim=pass', 'spf=pass', 'dmarc=pass']);
    expect(parsed.results[0]?.properties).toMatchObject({
      'header.i': '@paypal.fr',
      'header.s': 'pp-dkim1',
      'header.b': 'Xy1/+==',
    });
    expect(parsed.results[1]?.properties['smtp.mailfrom']).toBe('service@paypal.fr');
    expect(parsed.results[1]?.comment).toContain('designates 173.0.84.226');
    expect(parsed.results[2]?.comment).toBe('p=REJECT sp=REJECT dis=NONE');
  });

  it('reads versions, reasons, nested comments and "none"', () => {
    const parsed = parseAuthenticationResults(
      'example.org 1; auth/1=pass (a (nested) comment) smtp.auth=sender@example.net; ' +
        'dkim = fail reason="signature (body hash) did not verify" header.d = example.com',
    );
    expect(parsed.version).toBe('1');
    expect(parsed.results[0]).toMatchObject({ method: 'auth', version: '1', result: 'pass' });
    expect(parsed.results[0]?.comment).toBe('a (nested) comment');
    expect(parsed.results[1]).toMatchObject({
      method: 'dkim',
      result: 'fail',
      reason: 'signature (body hash) did not verify',
      properties: { 'header.d': 'example.com' },
    });
    expect(parseAuthenticationResults('example.com; none').results).toEqual([]);
    expect(parseAuthenticationResults('').results).toEqual([]);
  });

  it('reads Microsoft-style results', () => {
    const parsed = parseAuthenticationResults(
      'spf=fail (sender IP is 203.0.113.5) smtp.mailfrom=evil.example; dkim=none (message not signed) ' +
        'header.d=none;dmarc=fail action=quarantine header.from=acme.fr;compauth=fail reason=000',
    );
    expect(parsed.authservId).toBe('');
    expect(parsed.results.map((r) => `${r.method}=${r.result}`)).toEqual([
      'spf=fail',
      'dkim=none',
      'dmarc=fail',
      'compauth=fail',
    ]);
  });

  it('never throws, returns bounded results, and finishes on hostile input within the test time-out', () => {
    const pieces = fc.constantFrom(';', '=', '(', ')', '"', '\\', ' ', 'spf', 'pass', 'header.d', '/', '.', 'a', '@');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.array(pieces, { maxLength: 200 }).map((a) => a.join('')),
        ),
        (value) => {
          const parsed = parseAuthenticationResults(value);
          expect(parsed.results.length).toBeLessThanOrEqual(64);
          for (const r of parsed.results) {
            expect(r.method).toBe(r.method.toLowerCase());
            expect(r.result.length).toBeGreaterThan(0);
          }
          parseReceivedSpf(value);
          parseArcAuthenticationResults(value);
          parseTagList(value);
        },
      ),
      { numRuns: 1000 },
    );
    for (const hostile of ['('.repeat(16_000), '"'.repeat(16_000), 'a=b '.repeat(4000), ';x=y'.repeat(4000)]) {
      parseAuthenticationResults(hostile);
      parseReceivedSpf(hostile);
    }
  });
});

describe('other authentication headers', () => {
  it('reads Received-SPF, ARC results and ARC-Seal tags', () => {
    expect(
      parseReceivedSpf(
        'softfail (mx.example.net: domain of transitioning x@bad.example does not designate 1.2.3.4) client-ip=1.2.3.4; envelope-from="x@bad.example"; helo=bad.example;',
      ),
    ).toMatchObject({ result: 'softfail', properties: { 'client-ip': '1.2.3.4', 'envelope-from': 'x@bad.example' } });
    const arc = parseArcAuthenticationResults('i=2; mx.example.net; dkim=pass header.d=lists.example.org');
    expect(arc.instance).toBe(2);
    expect(arc.results.authservId).toBe('mx.example.net');
    expect(parseTagList('i=1; a=rsa-sha256; cv=none; d=google.com')).toMatchObject({ i: '1', cv: 'none' });
  });

  it('relaxed alignment compares organisational domains', () => {
    expect(alignedDomains('mail.paypal.fr', 'paypal.fr')).toBe(true);
    expect(alignedDomains('bounce.mailer.example', 'paypal.fr')).toBe(false);
    expect(alignedDomains('a.b.co.uk', 'c.b.co.uk')).toBe(true);
    expect(alignedDomains('x.co.uk', 'y.co.uk')).toBe(false);
  });

  it('trusts only the topmost results, written by a receiving server', () => {
    const trusted = trustedAuthentication([
      { name: 'authentication-results', value: 'mx.acme.fr; spf=fail smtp.mailfrom=evil.example' },
      { name: 'authentication-results', value: 'mx.acme.fr; dkim=none' },
      { name: 'received', value: 'from relay by mx.acme.fr' },
      { name: 'authentication-results', value: 'mx.acme.fr; dmarc=pass' },
      { name: 'received', value: 'from sender by relay' },
      { name: 'authentication-results', value: 'forged.example; dmarc=pass' },
    ]);
    expect(trusted.results.map((r) => `${r.method}=${r.result}`)).toEqual(['spf=fail', 'dkim=none']);
    expect(trusted.untrusted).toEqual([]);
    const forged = trustedAuthentication([
      { name: 'received', value: 'from sender by mx' },
      { name: 'authentication-results', value: 'forged.example; dmarc=pass' },
    ]);
    expect(forged.results).toEqual([]);
    expect(forged.untrusted.map((r) => r.method)).toEqual(['dmarc']);
  });
});

describe('authenticationReasons', () => {
  it('gives nothing without authentication headers', async () => {
    expect(await reasonsFor('From: PayPal <service@paypal.fr>')).toEqual([]);
  });

  it('reassures, modestly, on an aligned pass', async () => {
    const reasons = await reasonsFor(`Authentication-Results: ${GMAIL_STYLE}\nFrom: PayPal <service@paypal.fr>`);
    expect(codes(reasons)).toEqual(['mail.authentication.aligned_pass']);
    expect(reasons[0]?.weight).toBe(-1);
  });

  it('flags DMARC failure, heavier with an enforced policy and for the organisation', async () => {
    const plain = await reasonsFor(
      'Authentication-Results: mx.acme.fr; dmarc=fail header.from=exemple.org\nFrom: <a@exemple.org>',
    );
    expect(codes(plain)).toEqual(['mail.authentication.dmarc_fail']);
    expect(plain[0]?.weight).toBe(2.5);
    const relaxed = await reasonsFor(
      'Authentication-Results: mx.acme.fr; dmarc=fail (p=NONE sp=NONE dis=NONE) header.from=exemple.org; arc=pass\nFrom: <a@exemple.org>',
    );
    expect(relaxed[0]?.weight).toBe(1);
    const enforced = await reasonsFor(
      'Authentication-Results: mx.acme.fr; spf=fail smtp.mailfrom=evil.example; dmarc=fail (p=REJECT) header.from=acme.fr\nFrom: Direction <direction@acme.fr>',
      ['acme.fr'],
    );
    expect(codes(enforced)).toEqual(['mail.authentication.dmarc_fail']);
    expect(enforced[0]?.weight).toBe(4);
    expect(enforced[0]?.data).toMatchObject({ policy: 'reject', organisation: true });
    expect(enforced[0]?.message.fr).toContain('rejeter');
  });

  it('flags SPF and DKIM failures and unaligned passes', async () => {
    expect(
      codes(
        await reasonsFor(
          'Authentication-Results: mx.acme.fr; spf=softfail smtp.mailfrom=x@bad.example; dkim=fail header.d=exemple.org\nFrom: <a@exemple.org>',
        ),
      ),
    ).toEqual(['mail.authentication.dkim_fail', 'mail.authentication.spf_softfail']);
    const unaligned = await reasonsFor(
      'Authentication-Results: mx.acme.fr; spf=pass smtp.mailfrom=bounce@sender-paypal.example; dkim=pass header.d=sender-paypal.example\nFrom: PayPal <service@paypal.fr>',
    );
    expect(codes(unaligned)).toEqual(['mail.authentication.not_aligned']);
    expect(unaligned[0]?.data).toMatchObject({ authenticated: ['sender-paypal.example', 'sender-paypal.example'] });
  });

  it('ignores an SPF failure when DKIM passes aligned (forwarded mail)', async () => {
    expect(
      codes(
        await reasonsFor(
          'Authentication-Results: mx.acme.fr; spf=fail smtp.mailfrom=forwarder.example; dkim=pass header.d=exemple.org\nFrom: <a@exemple.org>',
        ),
      ),
    ).toEqual(['mail.authentication.aligned_pass']);
  });

  it('reads the policy from Exchange actions', async () => {
    const reasons = await reasonsFor(
      'Authentication-Results: spf=fail smtp.mailfrom=evil.example; dmarc=fail action=oreject header.from=exemple.org\nFrom: <a@exemple.org>',
    );
    expect(reasons[0]?.data).toMatchObject({ policy: 'reject' });
  });

  it('reads Exchange Online composite authentication', async () => {
    const reasons = await reasonsFor(
      'Authentication-Results: spf=none (sender IP is 203.0.113.9) smtp.mailfrom=evil.example; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=exemple.org;compauth=fail reason=601\nFrom: <direction@exemple.org>',
    );
    expect(codes(reasons)).toEqual(['mail.authentication.compauth_fail']);
  });

  it('falls back on Received-SPF and reads the ARC chain', async () => {
    expect(
      codes(
        await reasonsFor(
          'Received-SPF: fail (mx.acme.fr: domain of x@exemple.org does not designate 1.2.3.4) envelope-from=x@exemple.org\nFrom: <x@exemple.org>',
        ),
      ),
    ).toEqual(['mail.authentication.spf_fail']);
    expect(
      codes(
        await reasonsFor(
          'ARC-Seal: i=1; a=rsa-sha256; cv=none; d=a.example\nARC-Seal: i=2; cv=fail; d=b.example\nFrom: <x@exemple.org>',
        ),
      ),
    ).toEqual(['mail.authentication.arc_fail']);
  });

  it('believes a pass only from a trusted authserv-id, a failure from anyone', async () => {
    const lure =
      'Received: from mx.evil.top by mx.victim.fr\nAuthentication-Results: mx.google.com; dkim=pass header.d=paypal.com; spf=pass smtp.mailfrom=paypal.com; dmarc=pass header.from=paypal.com\nReceived: from a by b\nFrom: PayPal <service@paypal.com>';
    expect(await reasonsFor(lure, [], [])).toEqual([]);
    expect(await reasonsFor(lure, [], ['mx.victim.fr'])).toEqual([]);
    expect(authenticatedFromDomain(await contextFor(lure, [], []))).toBe(false);
    expect(codes(await reasonsFor(lure, [], ['MX.Google.com']))).toEqual(['mail.authentication.aligned_pass']);
    expect(authenticatedFromDomain(await contextFor(lure, [], ['mx.google.com']))).toBe(true);
    // An untrusted "pass" does not excuse failures either, nor soften DMARC through ARC.
    const forwarded =
      'Authentication-Results: mx.other.example; spf=fail smtp.mailfrom=forwarder.example; dkim=pass header.d=exemple.org\nFrom: <a@exemple.org>';
    expect(codes(await reasonsFor(forwarded, [], []))).toEqual(['mail.authentication.spf_fail']);
    const relaxed = await reasonsFor(
      'Authentication-Results: mx.other.example; dmarc=fail (p=NONE) header.from=exemple.org; arc=pass\nFrom: <a@exemple.org>',
      [],
      [],
    );
    expect(relaxed[0]).toMatchObject({ code: 'mail.authentication.dmarc_fail', weight: 2 });
    expect(
      authenticatedFromDomain(
        await contextFor('Authentication-Results: mx.acme.fr; dmarc=fail\nFrom: <a@exemple.org>'),
      ),
    ).toBe(false);
  });

  it('reports passing results written by the sender itself', async () => {
    const reasons = await reasonsFor(
      'Received: from sender.example by mx.acme.fr\nAuthentication-Results: mx.acme.fr; dmarc=pass header.from=paypal.fr\nFrom: PayPal <service@paypal.fr>',
    );
    expect(codes(reasons)).toEqual(['mail.authentication.forged_results']);
  });
});
