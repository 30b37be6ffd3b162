/** Request and response schemas shared by the routes; they also generate the OpenAPI document. */
import { z } from 'zod';
import { LOCALES, MODULES, PERMISSIONS, ROLES, SEVERITIES } from '../core/index.js';

export const localizedTextSchema = z.object({ fr: z.string(), en: z.string() });

export const userSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string().nullable(),
    role: z.enum(ROLES),
    department: z.string().nullable(),
    locale: z.enum(LOCALES).nullable(),
    disabled: z.boolean(),
    createdAt: z.string(),
    lastLoginAt: z.string().nullable(),
    lockedUntil: z.string().nullable(),
  })
  .meta({ id: 'User' });

export const tokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    userId: z.string(),
    username: z.string(),
    prefix: z.string(),
    scopes: z.array(z.enum(PERMISSIONS)),
    createdAt: z.string(),
    expiresAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiToken' });

export const sessionSchema = z.object({
  user: userSchema,
  csrfToken: z.string(),
  permissions: z.array(z.enum(PERMISSIONS)),
});

export const errorSchema = z
  .object({
    statusCode: z.number().int(),
    code: z.string(),
    error: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  })
  .meta({ id: 'Error' });

export const chainVerdictSchema = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  head: z.object({ seq: z.number().int(), hash: z.string() }).nullable(),
  firstBad: z.object({ seq: z.number().int(), reason: z.string(), message: localizedTextSchema }).nullable(),
});

export const auditEntrySchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    target: z.string().nullable(),
    requestId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEntry' });

export const moduleInfoSchema = z.object({ id: z.enum(MODULES), name: localizedTextSchema, enabled: z.boolean() });

export const findingSummarySchema = z.object({
  id: z.string(),
  module: z.enum(MODULES),
  kind: z.string(),
  severity: z.enum(SEVERITIES),
  score: z.number(),
  title: localizedTextSchema,
  observedAt: z.string(),
});

/** Record ids are UUIDs or hex strings: anything else is refused before it reaches a query. */
export const idParamsSchema = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });

/** Bounded free text: trimmed, no control characters. */
export const label = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');
