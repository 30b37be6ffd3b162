/** The organisation's mail settings as data people write (JSON file, API body), validated. */
import { z } from 'zod';
import type { MailSettings } from './types.js';

const domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63}){1,10}$/, 'a domain such as example.fr (punycode for IDNs)');

export const mailSettingsSchema = z.strictObject({
  organisationDomains: z.array(domain).max(200).readonly().default([]),
  vipNames: z.array(z.string().trim().min(3).max(120)).max(500).readonly().default([]),
  vipAddresses: z.array(z.email().trim().toLowerCase()).max(1000).readonly().default([]),
  extraBrands: z
    .array(
      z.strictObject({
        name: z.string().trim().min(2).max(80),
        domains: z.array(domain).min(1).max(50).readonly(),
        keywords: z.array(z.string().trim().toLowerCase().min(3).max(80)).max(20).readonly().optional(),
      }),
    )
    .max(200)
    .readonly()
    .default([]),
  allowedSenderDomains: z.array(domain).max(1000).readonly().default([]),
  allowedLinkDomains: z.array(domain).max(1000).readonly().default([]),
  trustedAuthservIds: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[a-z0-9.-]{1,253}$/, 'a host name such as mx.example.fr'),
    )
    .max(50)
    .readonly()
    .default([]),
});

/** Validates settings; throws zod's error naming the faulty field. */
export function parseMailSettings(input: unknown): MailSettings {
  return mailSettingsSchema.parse(input);
}
