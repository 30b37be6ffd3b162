/**
 * Phishing-simulation templates and landing pages as data, and their rendering with merge fields.
 * Templates are plain text with `{{field}}` placeholders from a fixed list; rendering escapes every
 * value for HTML and builds the only link itself, so neither a template author nor a target's
 * CSV row (a department named `<script>`) can inject markup.
 */
import { z } from 'zod';
import type { Locale } from '../../core/index.js';
import { AUDIENCES, idSchema, textSchema } from '../content/schema.js';

/** Merge fields a template may use; anything else is a load error. */
export const MERGE_FIELDS = [
  'first_name',
  'last_name',
  'email',
  'department',
  'role',
  'company',
  'executive_name',
  'supplier_name',
  'date',
  'link',
] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];

// Linear: a fixed prefix, a bounded class, a fixed suffix; no nested repetition.
const PLACEHOLDER = /\{\{ ?([a-z_]{1,32}) ?\}\}/g;

function unknownFields(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) {
    const name = m[1] ?? '';
    if (!(MERGE_FIELDS as readonly string[]).includes(name)) out.push(name);
  }
  return out;
}

const templateText = textSchema.superRefine((t, ctx) => {
  for (const locale of ['fr', 'en'] as const) {
    for (const name of unknownFields(t[locale])) {
      ctx.addIssue({ code: 'custom', message: `unknown merge field {{${name}}}`, path: [locale] });
    }
  }
});

export const templateSchema = z.strictObject({
  id: idSchema,
  /** Who the lure is written for; `all-staff` fits anyone. */
  audiences: z.array(z.enum(AUDIENCES)).min(1),
  /** 1 generic, 2 contextual, 3 spear-phishing with personal details. */
  difficulty: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  /** The topic a click on it trains: the recommendation engine assigns the matching module. */
  topic: z.string().min(1).max(40),
  sender_name: templateText,
  subject: templateText,
  /** Plain text; blank lines separate paragraphs; `{{link}}` is where the tracked link goes. */
  body: templateText.refine((t) => t.fr.includes('{{link}}') && t.en.includes('{{link}}'), {
    message: 'the body must contain {{link}} in both languages',
  }),
  link_text: textSchema,
  landing: idSchema,
  /** The red flags the teaching page points out after a click. */
  cues: z.array(textSchema).min(1).max(10),
});
export type SimulationTemplate = z.infer<typeof templateSchema>;

export const landingSchema = z.strictObject({
  id: idSchema,
  title: textSchema,
  /** Form fields shown; values typed in them are never kept, only that a submission happened. */
  fields: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z_]{1,32}$/),
        label: textSchema,
        type: z.enum(['text', 'email', 'password']),
      }),
    )
    .min(1)
    .max(6),
  /** The teaching page shown right after a click or a submission (Markdown). */
  teaching: textSchema,
});
export type LandingPage = z.infer<typeof landingSchema>;

export type MergeValues = Partial<Record<MergeField, string>>;

export interface RenderedMessage {
  readonly subject: string;
  readonly senderName: string;
  readonly text: string;
  readonly html: string;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;',
  );
}

/** Removes control characters and line breaks a value could use to forge headers or layout. */
function flatten(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    out +=
      code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0) || code === 0x2028 || code === 0x2029 ? ' ' : ch;
  }
  return out.slice(0, 200).trim();
}

function fill(text: string, values: MergeValues, link: (label: string) => string, linkLabel: string): string {
  return text.replace(PLACEHOLDER, (_m, name: string) => {
    if (name === 'link') return link(linkLabel);
    return flatten(values[name as MergeField] ?? '');
  });
}

/**
 * Renders a template for one target. `values.link` must be the tracked URL the outer ring built;
 * it is accepted only if it is http(s), otherwise the link renders as plain text.
 */
export function renderTemplate(template: SimulationTemplate, locale: Locale, values: MergeValues): RenderedMessage {
  const url = values.link ?? '';
  const safeUrl = /^https?:\/\/[^\s"'<>]{1,2000}$/i.test(url) ? url : '';
  const label = template.link_text[locale];
  const text = fill(template.body[locale], values, (l) => (safeUrl ? `${l}: ${safeUrl}` : l), label);
  const paragraphs = template.body[locale].split(/\n[ \t]*\n/);
  const html = paragraphs
    .map((p) => {
      const parts = p.split(PLACEHOLDER);
      // split with one capture group alternates text, field name, text, ...
      const inner = parts
        .map((part, i) => {
          if (i % 2 === 0) return escapeHtml(part);
          if (part === 'link') {
            return safeUrl ? `<a href="${escapeHtml(safeUrl)}">${escapeHtml(label)}</a>` : escapeHtml(label);
          }
          return escapeHtml(flatten(values[part as MergeField] ?? ''));
        })
        .join('')
        .trim()
        .replace(/\n/g, '<br>\n');
      return `<p>${inner}</p>`;
    })
    .join('\n');
  return {
    subject: flatten(fill(template.subject[locale], values, (l) => l, label)),
    senderName: flatten(fill(template.sender_name[locale], values, (l) => l, label)),
    text,
    html,
  };
}

/**
 * What a landing-page submission leaves behind: the names of the fields that were filled in,
 * never their values. The outer ring calls this before anything is recorded or logged.
 */
export function redactSubmission(
  landing: LandingPage,
  form: Readonly<Record<string, unknown>>,
): { filled: string[]; passwordTyped: boolean } {
  const filled = landing.fields
    .filter((f) => typeof form[f.name] === 'string' && (form[f.name] as string).length > 0)
    .map((f) => f.name);
  const passwordTyped = landing.fields.some((f) => f.type === 'password' && filled.includes(f.name));
  return { filled, passwordTyped };
}
