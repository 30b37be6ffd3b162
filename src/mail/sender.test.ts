import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signalContext } from '../../tests/support/mail.js';
import { SHIPPED_BRANDS } from './brands.js';
import { parseMessage } from './parse.js';
import {
  addressInDisplayName,
  brandsInDisplayName,
  countMailboxes,
  foldName,
  namesVip,
  senderReasons,
} from './sender.js';
import type { MailSettings, ParsedMessage } from './types.js';
import { DEFAULT_MAIL_SETTINGS } from './types.js';

const SETTINGS: MailSettings = {
  ...DEFAULT_MAIL_SETTINGS,
  organisationDomains: ['acme.fr'],
  vipNames: ['Marie Dupont', 'Jean-Luc Lefèvre'],
};

async function reasonsFor(headers: string, settings: MailSettings = SETTINGS) {
  const raw = Buffer.from(`${headers.trim().replace(/\n/g, '\r\n')}\r\nSubject: test\r\n\r\nBonjour.\r\n`, 'utf8');
  const message: ParsedMessage = await parseMessage(raw);
  return senderReasons({ ...signalContext({ settings, brands: SHIPPED_BRANDS }), message });
}

const codes = (reasons: { code: string }[]) => reasons.map((r) => r.code).sort();

describe('brandsInDisplayName', () => {
  const names = (display: string) => brandsInDisplayName(display, SHIPPED_BRANDS).map((m) => m.brand.name);

  it('finds brands whatever the case, accents, homoglyphs and invisible characters', () => {
    expect(names('PayPal')).toContain('PayPal');
    expect(names('Service client Ameli')).toContain('Ameli');
    expect(names("L'Assurance Maladie")).toContain('Ameli');
    expect(names('Microsoft 365 Team')).toContain('Microsoft');
    expect(names('Lеԁgеr')).toContain('Ledger');
    expect(names('N\u034Fe\u034Ft\u034Ff\u034Fl\u034Fi\u034Fx')).toContain('Netflix');
    expect(names('Crédit Agricole')).toContain('Crédit Agricole');
    expect(names('DocuSignService')).toContain('DocuSign');
  });

  it('counts ambiguous words only with generic company words around them', () => {
    expect(names('Orange')).toContain('Orange');
    expect(names('Service client Orange')).toContain('Orange');
    expect(names('Orange County Register')).toEqual([]);
    expect(names('Free Software Foundation')).toEqual([]);
    expect(names('Free Mobile')).toContain('Free');
    expect(names('Lockergnome Windows Daily')).toEqual([]);
    expect(names('Apple')).toContain('Apple');
    expect(names('Big Apple Deli')).toEqual([]);
  });
});

describe('namesVip', () => {
  it('tolerates accents, case and order', () => {
    expect(namesVip('marie DUPONT', 'Marie Dupont')).toBe(true);
    expect(namesVip('Dupont, Marie', 'Marie Dupont')).toBe(true);
    expect(namesVip('Jean-Luc Lefevre', 'Jean-Luc Lefèvre')).toBe(true);
    expect(namesVip('Marie Dupont (CEO)', 'Marie Dupont')).toBe(true);
    expect(namesVip('Marie Durand', 'Marie Dupont')).toBe(false);
    expect(namesVip('Marie', 'Marie Dupont')).toBe(false);
  });
});

describe('addressInDisplayName and countMailboxes', () => {
  it('finds an address in a display name', () => {
    expect(addressInDisplayName('support@paypal.com')).toEqual({ address: 'support@paypal.com', domain: 'paypal.com' });
    expect(addressInDisplayName('Jean (jean@acme.fr)')).toEqual({ address: 'jean@acme.fr', domain: 'acme.fr' });
    expect(addressInDisplayName('Jean Dupont')).toBeUndefined();
    expect(addressInDisplayName('@home')).toBeUndefined();
  });

  it('counts mailboxes with an address only', () => {
    expect(countMailboxes('Jean <jean@acme.fr>')).toBe(1);
    expect(countMailboxes('"Doe, John" <john@x.com>')).toBe(1);
    expect(countMailboxes('Doe, John <john@x.com>')).toBe(1);
    expect(countMailboxes('Temu, <a@b.fr.>, <a@b.fr>')).toBe(2);
    expect(countMailboxes('a@b.com, c@d.com')).toBe(2);
    expect(countMailboxes('undisclosed-recipients:;')).toBe(0);
  });

  it('are bounded and never throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (value) => {
        expect(countMailboxes(value)).toBeLessThanOrEqual(value.length);
        addressInDisplayName(value);
        expect(foldName(value).length).toBeLessThanOrEqual(1024);
      }),
      { numRuns: 500 },
    );
  });
});

describe('senderReasons', () => {
  it('says nothing about an ordinary sender', async () => {
    expect(await reasonsFor('From: Jean Martin <jean.martin@exemple.org>')).toEqual([]);
    expect(await reasonsFor('From: PayPal <service@paypal.fr>')).toEqual([]);
    expect(await reasonsFor('From: "Amazon.co.uk" <auto-confirm@amazon.co.uk>')).toEqual([]);
    expect(await reasonsFor('From: Marie Dupont <marie.dupont@acme.fr>')).toEqual([]);
    expect(await reasonsFor('From: Crédit Agricole Ile-de-France <info@ca-paris.fr>')).toEqual([]);
    expect(await reasonsFor('From: AWS Notifications <no-reply@sns.amazonaws.com>')).toEqual([]);
  });

  it('flags a brand display name from another domain', async () => {
    const reasons = await reasonsFor('From: "PayPal" <service@exemple.xyz>');
    expect(codes(reasons)).toEqual(['mail.sender.brand_display_name']);
    expect(reasons[0]?.message.fr).toBe(
      "Le nom affiché « PayPal » se réclame de PayPal, mais le domaine d'envoi exemple.xyz n'est pas celui de PayPal.",
    );
    expect(reasons[0]?.weight).toBe(3);
    const free = await reasonsFor('From: Service client Ameli <ameli.remboursement@gmail.com>');
    expect(codes(free)).toEqual(['mail.sender.brand_display_name']);
    expect(free[0]?.weight).toBe(3.5);
  });

  it('flags VIP impersonation from outside', async () => {
    const reasons = await reasonsFor('From: "DUPONT Marie" <marie.dupont.pdg@gmail.com>');
    expect(codes(reasons)).toEqual(['mail.sender.vip_impersonation']);
    expect(reasons[0]?.weight).toBe(4);
    expect(reasons[0]?.data).toMatchObject({ vip: 'Marie Dupont', domain: 'gmail.com' });
  });

  it("does not take a VIP's own known outside address for an impersonation", async () => {
    const settings = { ...SETTINGS, vipAddresses: ['marie.dupont@perso.example'] };
    expect(codes(await reasonsFor('From: Marie Dupont <marie.dupont@perso.example>', settings))).toEqual([]);
    const other = await reasonsFor('From: Marie Dupont <marie.dupont.pdg@gmail.com>', settings);
    expect(codes(other)).toEqual(['mail.sender.vip_impersonation']);
  });

  it("flags the organisation's name from outside, strongly from a free webmail", async () => {
    const settings = { ...SETTINGS, organisationDomains: ['acme-industries.fr'] };
    const free = await reasonsFor('From: ACME Industries - Paie <paie.acme@gmail.com>', settings);
    expect(codes(free)).toEqual(['mail.sender.freemail_corporate_name', 'mail.sender.organisation_display_name']);
    expect(free.find((r) => r.code === 'mail.sender.organisation_display_name')?.weight).toBe(2.5);
    const saas = await reasonsFor('From: Acme Industries <notifications@hr-platform.example>', settings);
    expect(saas.map((r) => r.weight)).toEqual([1]);
    expect(await reasonsFor('From: Acme Industries <rh@acme-industries.fr>', settings)).toEqual([]);
  });

  it('flags an address shown as display name that is not the real one', async () => {
    const reasons = await reasonsFor('From: "direction@acme.fr" <x@mailer.example>');
    expect(codes(reasons)).toEqual(['mail.sender.display_name_address', 'mail.sender.organisation_display_name']);
    expect(reasons.find((r) => r.code === 'mail.sender.display_name_address')?.data).toMatchObject({
      shown: 'direction@acme.fr',
      address: 'x@mailer.example',
    });
    expect(await reasonsFor('From: "jean@exemple.org" <jean.martin@exemple.org>')).toEqual([]);
  });

  it('flags free-mail accounts named like a department', async () => {
    expect(codes(await reasonsFor('From: Service Facturation <facturation.fr@outlook.com>'))).toEqual([
      'mail.sender.freemail_corporate_name',
    ]);
    expect(codes(await reasonsFor('From: IT Helpdesk <helpdesk8@gmail.com>'))).toEqual([
      'mail.sender.freemail_corporate_name',
    ]);
    expect(codes(await reasonsFor('From: IT <it.dept.acme@gmail.com>'))).toEqual([
      'mail.sender.freemail_corporate_name',
    ]);
    expect(await reasonsFor('From: Jean Martin <jean.martin@gmail.com>')).toEqual([]);
    expect(await reasonsFor('From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>')).toEqual([]);
  });

  it('flags Reply-To and Return-Path that lead elsewhere', async () => {
    expect(codes(await reasonsFor('From: Jean <jean@exemple.org>\nReply-To: jean.martin.paiement@gmail.com'))).toEqual([
      'mail.sender.reply_to_freemail',
    ]);
    expect(codes(await reasonsFor('From: Jean <jean@exemple.org>\nReply-To: contact@autre.example'))).toEqual([
      'mail.sender.reply_to_mismatch',
    ]);
    expect(codes(await reasonsFor('From: A <a.one@gmail.com>\nReply-To: b.two@gmail.com'))).toEqual([
      'mail.sender.reply_to_other_account',
    ]);
    expect(codes(await reasonsFor('From: Jean <jean@exemple.org>\nReturn-Path: <b@bounce.other.example>'))).toEqual([
      'mail.sender.return_path_mismatch',
    ]);
    expect(await reasonsFor('From: Jean <jean@exemple.org>\nReturn-Path: <b@em123.amazonses.com>')).toEqual([]);
  });

  it('does not flag mailing lists that rewrite From', async () => {
    expect(
      await reasonsFor('From: "Jane Doe via users" <users@lists.example.org>\nReply-To: jane.doe@gmail.com'),
    ).toEqual([]);
    expect(
      await reasonsFor(
        'From: Bob <bob@exemple.org>\nReply-To: list@lists.example.net\nSender: list-bounces@lists.example.net',
      ),
    ).toEqual([]);
  });

  it('flags a missing or odd From', async () => {
    expect(codes(await reasonsFor('To: x@acme.fr'))).toEqual(['mail.sender.from_missing']);
    expect(codes(await reasonsFor('From: Temu, <ne-pas-repondre@exemple.fr.>, <ne-pas-repondre@exemple.fr>'))).toEqual(
      expect.arrayContaining(['mail.sender.from_multiple']),
    );
    expect(codes(await reasonsFor('From: Notification <info@correios>'))).toEqual(['mail.sender.from_domain_invalid']);
  });

  it('gives no identity reason for trusted sender domains, once a trusted server authenticated them', async () => {
    const settings = { ...SETTINGS, allowedSenderDomains: ['partner.example'], trustedAuthservIds: ['mx.acme.fr'] };
    const pass = 'Authentication-Results: mx.acme.fr; dmarc=pass header.from=partner.example\n';
    expect(await reasonsFor(`${pass}From: "PayPal" <pp@mail.partner.example>`, settings)).toEqual([]);
    // The answers still go elsewhere: the Reply-To checks are never suppressed.
    expect(
      codes(await reasonsFor(`${pass}From: "PayPal" <pp@mail.partner.example>\nReply-To: x@gmail.com`, settings)),
    ).toEqual(['mail.sender.reply_to_freemail']);
  });

  it('does not let a forged From borrow a trusted sender domain', async () => {
    const forged = 'From: "PayPal" <service@partner.example>\nReply-To: paypal.support.team@gmail.com';
    const noServer = { ...SETTINGS, allowedSenderDomains: ['partner.example'] };
    expect(codes(await reasonsFor(forged, noServer))).toEqual([
      'mail.sender.brand_display_name',
      'mail.sender.reply_to_freemail',
    ]);
    // A "pass" from a server the organisation does not list proves nothing either.
    const settings = { ...noServer, trustedAuthservIds: ['mx.acme.fr'] };
    const fake = 'Authentication-Results: mx.google.com; dmarc=pass header.from=partner.example\n';
    expect(codes(await reasonsFor(`${fake}${forged}`, settings))).toEqual([
      'mail.sender.brand_display_name',
      'mail.sender.reply_to_freemail',
    ]);
  });

  it('does not let a Sender header excuse a Reply-To to a free webmail', async () => {
    const headers = 'From: Jean Martin <jean.martin@fournisseur.example>\nReply-To: jean.martin.compta@gmail.com';
    expect(codes(await reasonsFor(`${headers}\nSender: jean.martin.compta@gmail.com`))).toEqual([
      'mail.sender.reply_to_freemail',
    ]);
    // A list (or any organisation) naming itself in Sender: may take the answers: weak at most.
    expect(
      codes(await reasonsFor(`${headers.replace('gmail.com', 'other.example')}\nSender: x@other.example`)),
    ).toEqual([]);
  });

  it('reads brand sender tables without touching the object prototype', () => {
    const brands = [
      { name: 'constructor', domains: ['constructor.example'] },
      { name: 'toString', domains: ['ts.example'] },
    ];
    const ctx = signalContext({
      settings: SETTINGS,
      brands,
      message: { from: { name: 'constructor', address: 'a@evil.example', domain: 'evil.example' } },
    });
    expect(() => senderReasons(ctx)).not.toThrow();
    expect(codes(senderReasons(ctx))).toEqual(['mail.sender.brand_display_name']);
  });

  it('strips control and bidi characters from the names it quotes', async () => {
    const ctx = signalContext({
      settings: SETTINGS,
      brands: SHIPPED_BRANDS,
      message: { from: { name: 'Pay\u202ePal\u001b[2K', address: 'a@evil.example', domain: 'evil.example' } },
    });
    const [reason] = senderReasons(ctx);
    expect(reason?.message.en).toContain('"PayPal[2K"');
    expect(reason?.data?.name).toBe('PayPal[2K');
  });
});
