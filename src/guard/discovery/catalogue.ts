/**
 * The catalogue of generative-AI services: its shape (validated with zod, so an admin's
 * extension file gets clear errors), the merge of the shipped list with the organisation's
 * extension, and the host matcher (exact names, then domain suffixes on label boundaries,
 * longest first: `api.openai.com` is the API even though `openai.com` is ChatGPT's).
 */
import { z } from 'zod';
import { SHIPPED_SERVICES } from './catalogue-data.js';

export const SERVICE_CATEGORIES = [
  'chat',
  'code',
  'api',
  'image',
  'video',
  'audio',
  'search',
  'writing',
  'agent',
  'platform',
  'other',
] as const;

const domain = z
  .string()
  .min(1)
  .max(253)
  .transform((d) => d.toLowerCase().replace(/^\*\./, '').replace(/\.$/, ''))
  .refine((d) => /^[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})*$/.test(d), 'a domain name such as chat.example.com');

export const catalogueServiceSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lowercase letters, digits, - and _'),
    name: z.string().min(1).max(200),
    vendor: z.string().min(1).max(200),
    /** Main hosting region (`US`, `EU`, `CN`, ...; `configurable`; `unknown`). */
    region: z.string().min(2).max(40),
    category: z.enum(SERVICE_CATEGORIES),
    /** Approved by the organisation. */
    sanctioned: z.boolean(),
    /** The domain and every name under it. */
    suffixes: z.array(domain).max(10_000),
    /** Exactly these names. */
    full: z.array(domain).max(10_000),
  })
  .strict();

export type CatalogueService = z.output<typeof catalogueServiceSchema>;

/**
 * An admin's extension: new services, and changes to shipped ones by id (any field; domains
 * are added to the shipped ones unless `replaceDomains` is true).
 */
export const catalogueExtensionSchema = z
  .object({
    services: z
      .array(
        catalogueServiceSchema
          .partial()
          .extend({ id: catalogueServiceSchema.shape.id, replaceDomains: z.boolean().optional() })
          .strict(),
      )
      .max(10_000)
      .default([]),
    /** Shortcut: ids of services the organisation approves. */
    sanctioned: z.array(z.string()).max(10_000).default([]),
    /** Ids of shipped services to drop. */
    remove: z.array(z.string()).max(10_000).default([]),
  })
  .strict();

export type CatalogueExtension = z.input<typeof catalogueExtensionSchema>;

export interface Catalogue {
  readonly services: readonly CatalogueService[];
  /** Returns the service a host belongs to, if any. */
  match(host: string): CatalogueService | undefined;
}

/** Builds the matcher over a list of services (later services win on duplicate domains). */
export function buildCatalogue(services: readonly CatalogueService[]): Catalogue {
  const full = new Map<string, CatalogueService>();
  const suffixes = new Map<string, CatalogueService>();
  for (const s of services) {
    for (const d of s.full) full.set(d, s);
    for (const d of s.suffixes) suffixes.set(d, s);
  }
  return {
    services,
    match(raw: string) {
      const host = raw.toLowerCase().replace(/\.$/, '');
      const exact = full.get(host);
      if (exact) return exact;
      // Walk from the full name to its parents: the first hit is the longest suffix.
      let h = host;
      for (let guard = 0; guard < 128; guard++) {
        const hit = suffixes.get(h);
        if (hit) return hit;
        const dot = h.indexOf('.');
        if (dot < 0) return undefined;
        h = h.slice(dot + 1);
      }
      return undefined;
    },
  };
}

/**
 * The shipped catalogue merged with an extension. Throws a zod error (with the path of the bad
 * field) when the extension is invalid, or an Error naming an unknown id it refers to.
 */
export function mergeCatalogue(
  extension: unknown = {},
  base: readonly CatalogueService[] = SHIPPED_SERVICES,
): Catalogue {
  const ext = catalogueExtensionSchema.parse(extension);
  const byId = new Map(base.map((s) => [s.id, { ...s }]));
  for (const id of ext.remove) {
    if (!byId.delete(id)) throw new Error(`catalogue: cannot remove unknown service "${id}"`);
  }
  for (const change of ext.services) {
    const { replaceDomains, ...fields } = change;
    const current = byId.get(change.id);
    if (!current) {
      const created = catalogueServiceSchema.safeParse({ sanctioned: false, suffixes: [], full: [], ...fields });
      if (!created.success) {
        const first = created.error.issues[0];
        throw new Error(`catalogue: new service "${change.id}": ${first?.path.join('.')}: ${first?.message}`);
      }
      byId.set(change.id, created.data);
      continue;
    }
    byId.set(change.id, {
      ...current,
      ...fields,
      suffixes: replaceDomains ? (fields.suffixes ?? []) : [...current.suffixes, ...(fields.suffixes ?? [])],
      full: replaceDomains ? (fields.full ?? []) : [...current.full, ...(fields.full ?? [])],
    });
  }
  for (const id of ext.sanctioned) {
    const s = byId.get(id);
    if (!s) throw new Error(`catalogue: cannot sanction unknown service "${id}"`);
    byId.set(id, { ...s, sanctioned: true });
  }
  return buildCatalogue([...byId.values()]);
}

export { SHIPPED_SERVICES };
