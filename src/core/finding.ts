/**
 * Finding: the one shape in which every module states a verdict, with its evidence.
 * A score is never shown without reasons, so a Finding without evidence is rejected.
 */
import { z } from 'zod';
import { SEVERITIES } from './severity.js';

export const MODULES = ['platform', 'mail', 'guard', 'detect', 'sense', 'learn', 'govern', 'respond'] as const;
export type ModuleId = (typeof MODULES)[number];

const localizedText = z.strictObject({
  fr: z.string().min(1).max(2000),
  en: z.string().min(1).max(2000),
});

/** One reason behind a verdict: a stable code, how much it weighed, and what it saw. */
export const evidenceSchema = z.strictObject({
  code: z.string().regex(/^[a-z0-9_.-]{1,80}$/, 'lower-case code of letters, digits, _ . -'),
  weight: z.number().min(-1).max(1),
  message: localizedText,
  data: z.record(z.string(), z.unknown()).optional(),
});
export type Evidence = z.infer<typeof evidenceSchema>;

/** Who and what a finding is about; used to group findings into incidents and posture. */
export const entitiesSchema = z.strictObject({
  users: z.array(z.string().max(256)).max(100).optional(),
  hosts: z.array(z.string().max(256)).max(100).optional(),
  ips: z.array(z.string().max(64)).max(100).optional(),
  domains: z.array(z.string().max(256)).max(100).optional(),
  devices: z.array(z.string().max(256)).max(100).optional(),
});
export type Entities = z.infer<typeof entitiesSchema>;

/** ATT&CK (T1566.001) or ATLAS (AML.T0051.000) technique id. */
export const techniqueIdSchema = z.string().regex(/^(T\d{4}(\.\d{3})?|AML\.T\d{4}(\.\d{3})?)$/);

const isoTimestamp = z.iso.datetime({ offset: true });

export const findingInputSchema = z.strictObject({
  module: z.enum(MODULES),
  kind: z.string().regex(/^[a-z0-9_.-]{1,80}$/),
  severity: z.enum(SEVERITIES),
  score: z.number().min(0).max(1),
  title: localizedText,
  evidence: z.array(evidenceSchema).min(1).max(200),
  entities: entitiesSchema.default({}),
  techniques: z.array(techniqueIdSchema).max(50).default([]),
  observedAt: isoTimestamp,
});
export type FindingInput = z.input<typeof findingInputSchema>;

export const findingSchema = findingInputSchema.extend({
  id: z.string(),
  createdAt: isoTimestamp,
});
export type Finding = z.infer<typeof findingSchema>;

/** Evidence sorted by absolute weight, strongest reason first, as people read them. */
export function sortEvidence(evidence: readonly Evidence[]): Evidence[] {
  return [...evidence].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
}
