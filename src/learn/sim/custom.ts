/**
 * The organisation's own simulation templates (HTML and text e-mails) and landing pages (HTML
 * with a form), written in the web editor or imported from an e-mail: validation (known
 * placeholders only, the tracked link required), HTML sanitising (no script, no event handler,
 * no active URL, forms that can only post back to us), rendering with merge fields escaped, and
 * the names of the fields a landing form has — the only thing a submission may leave behind.
 */
import { Parser } from 'htmlparser2';
import { z } from 'zod';
import type { Locale } from '../../core/index.js';
import { AUDIENCES, idSchema } from '../content/schema.js';
import { escapeHtml, MERGE_FIELDS, type MergeField, type MergeValues, type RenderedMessage } from './templates.js';

/** A problem with a template or landing page the editor shows, in both languages. */
export interface CustomProblem {
  readonly path: string;
  readonly fr: string;
  readonly en: string;
}

export const MAX_CUSTOM_HTML = 256 * 1024;

/** One text per language; a language left empty takes the other's text. */
const bilingual = (max: number) =>
  z
    .object({ fr: z.string().max(max).default(''), en: z.string().max(max).default('') })
    .transform((t) => ({ fr: t.fr.trim() || t.en.trim(), en: t.en.trim() || t.fr.trim() }));

export const customTemplateInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  audiences: z.array(z.enum(AUDIENCES)).min(1).max(AUDIENCES.length).default(['all-staff']),
  difficulty: z.union([z.literal(1), z.literal(2), z.literal(3)]).default(2),
  topic: z.string().min(1).max(40).default('ai-phishing'),
  senderName: bilingual(200),
  subject: bilingual(500),
  html: bilingual(MAX_CUSTOM_HTML),
  /** Optional: derived from the HTML when empty. */
  text: bilingual(MAX_CUSTOM_HTML).optional(),
  landing: idSchema,
  cues: z.array(bilingual(500)).max(10).default([]),
});
export type CustomTemplateInput = z.input<typeof customTemplateInputSchema>;

/** A validated organisation template, as stored (HTML already sanitised). */
export interface CustomTemplate {
  readonly name: string;
  readonly audiences: readonly (typeof AUDIENCES)[number][];
  readonly difficulty: 1 | 2 | 3;
  readonly topic: string;
  readonly senderName: { fr: string; en: string };
  readonly subject: { fr: string; en: string };
  readonly html: { fr: string; en: string };
  readonly text: { fr: string; en: string };
  readonly landing: string;
  readonly cues: readonly { fr: string; en: string }[];
}

export const customLandingInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  title: bilingual(200),
  html: bilingual(MAX_CUSTOM_HTML),
  /** The teaching page shown after a submission (Markdown); a generic one when empty. */
  teaching: bilingual(8000).optional(),
});
export type CustomLandingInput = z.input<typeof customLandingInputSchema>;

export interface LandingField {
  readonly name: string;
  readonly type: 'text' | 'email' | 'password';
}

export interface CustomLanding {
  readonly name: string;
  readonly title: { fr: string; en: string };
  readonly html: { fr: string; en: string };
  readonly teaching: { fr: string; en: string } | null;
  /** The named fields of the page's forms, in both languages' pages together. */
  readonly fields: readonly LandingField[];
}

// Any `{{…}}` (a bounded class, no nesting: linear); names are checked against MERGE_FIELDS.
const ANY_PLACEHOLDER = /\{\{([^{}\n]{0,64})\}\}/g;
const FIELD_NAME = /^ ?([a-z_]{1,32}) ?$/;

/** Placeholders in `text` that are not merge fields, as written. */
export function unknownPlaceholders(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(ANY_PLACEHOLDER)) {
    const name = FIELD_NAME.exec(m[1] ?? '')?.[1];
    if (!name || !(MERGE_FIELDS as readonly string[]).includes(name)) out.push(m[0]);
  }
  return out;
}

const hasLink = (text: string) =>
  [...text.matchAll(ANY_PLACEHOLDER)].some((m) => FIELD_NAME.exec(m[1] ?? '')?.[1] === 'link');

/** GoPhish's placeholders, as an imported e-mail or template may carry them, turned into ours. */
const GOPHISH: Readonly<Record<string, string>> = {
  '.FirstName': '{{first_name}}',
  '.LastName': '{{last_name}}',
  '.Email': '{{email}}',
  '.Position': '{{role}}',
  '.URL': '{{link}}',
  '.Tracker': '',
  '.TrackingURL': '',
  '.From': '{{company}}',
  '.RId': '',
  '.BaseURL': '',
};

export function fromGophishPlaceholders(text: string): string {
  return text.replace(ANY_PLACEHOLDER, (whole, inner: string) => GOPHISH[inner.trim()] ?? whole);
}

function placeholderProblems(path: string, text: string, requireLink: boolean): CustomProblem[] {
  const problems: CustomProblem[] = [];
  const unknown = [...new Set(unknownPlaceholders(text))];
  if (unknown.length > 0) {
    const list = unknown.slice(0, 5).join(', ');
    const known = MERGE_FIELDS.map((f) => `{{${f}}}`).join(', ');
    problems.push({
      path,
      fr: `Champ de fusion inconnu : ${list}. Champs connus : ${known}.`,
      en: `Unknown placeholder: ${list}. Known placeholders: ${known}.`,
    });
  }
  if (requireLink && !hasLink(text)) {
    problems.push({
      path,
      fr: 'Le lien suivi {{link}} est obligatoire (par exemple <a href="{{link}}">…</a>).',
      en: 'The tracked link {{link}} is required (for example <a href="{{link}}">…</a>).',
    });
  }
  return problems;
}

function zodProblems(error: z.ZodError): CustomProblem[] {
  return error.issues.slice(0, 20).map((i) => ({
    path: i.path.join('.'),
    fr: `Valeur invalide : ${i.message}`,
    en: `Invalid value: ${i.message}`,
  }));
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: CustomProblem[] };

/** Validates an organisation template: known placeholders only, `{{link}}` in every body. */
export function checkCustomTemplate(input: unknown): Checked<CustomTemplate> {
  const parsed = customTemplateInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problems: zodProblems(parsed.error) };
  const t = parsed.data;
  const problems: CustomProblem[] = [];
  for (const locale of ['fr', 'en'] as const) {
    if (!t.subject[locale]) problems.push(required(`subject.${locale}`, 'l’objet', 'the subject'));
    if (!t.senderName[locale])
      problems.push(required(`senderName.${locale}`, 'le nom d’expéditeur', 'the sender name'));
    if (!t.html[locale]) problems.push(required(`html.${locale}`, 'le corps HTML', 'the HTML body'));
  }
  if (problems.length > 0) return { ok: false, problems };
  const html = { fr: sanitiseHtml(t.html.fr, 'email'), en: sanitiseHtml(t.html.en, 'email') };
  const written = t.text !== undefined && (t.text.fr !== '' || t.text.en !== '');
  const text = written && t.text ? t.text : { fr: htmlToMailText(html.fr), en: htmlToMailText(html.en) };
  // A language left empty is a copy of the other: its problems are the other's, said once.
  const check = (field: string, value: { fr: string; en: string }, requireLink: boolean) => {
    problems.push(...placeholderProblems(`${field}.fr`, value.fr, requireLink));
    if (value.en !== value.fr) problems.push(...placeholderProblems(`${field}.en`, value.en, requireLink));
  };
  check('subject', t.subject, false);
  check('senderName', t.senderName, false);
  check('html', html, true);
  // A text derived from the HTML has the HTML's problems, already reported.
  if (written) check('text', text, true);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      name: t.name,
      audiences: [...new Set(t.audiences)],
      difficulty: t.difficulty,
      topic: t.topic,
      senderName: t.senderName,
      subject: t.subject,
      html,
      text,
      landing: t.landing,
      cues: t.cues.filter((c) => c.fr && c.en),
    },
  };
}

function required(path: string, fr: string, en: string): CustomProblem {
  return { path, fr: `Il manque ${fr}.`, en: `${en[0]?.toUpperCase()}${en.slice(1)} is missing.` };
}

/** Validates an organisation landing page; its HTML is sanitised and its form fields read. */
export function checkCustomLanding(input: unknown): Checked<CustomLanding> {
  const parsed = customLandingInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problems: zodProblems(parsed.error) };
  const l = parsed.data;
  const problems: CustomProblem[] = [];
  for (const locale of ['fr', 'en'] as const) {
    if (!l.title[locale]) problems.push(required(`title.${locale}`, 'le titre', 'the title'));
    if (!l.html[locale]) problems.push(required(`html.${locale}`, 'le HTML', 'the HTML'));
  }
  if (problems.length > 0) return { ok: false, problems };
  const html = { fr: sanitiseHtml(l.html.fr, 'landing'), en: sanitiseHtml(l.html.en, 'landing') };
  for (const locale of ['fr', 'en'] as const) {
    if (unknownPlaceholders(html[locale]).length > 0 || hasLink(html[locale])) {
      problems.push({
        path: `html.${locale}`,
        fr: 'Une page d’atterrissage n’accepte aucun champ de fusion {{…}}.',
        en: 'A landing page takes no {{…}} placeholder.',
      });
    }
  }
  const fields = [...landingFields(html.fr), ...landingFields(html.en)];
  const unique = [...new Map(fields.map((f) => [f.name, f])).values()];
  if (unique.length === 0) {
    problems.push({
      path: 'html',
      fr: 'La page doit contenir un formulaire avec au moins un champ nommé (<input name="…">).',
      en: 'The page must hold a form with at least one named field (<input name="…">).',
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      name: l.name,
      title: l.title,
      html,
      teaching: l.teaching && (l.teaching.fr || l.teaching.en) ? l.teaching : null,
      fields: unique.slice(0, 20),
    },
  };
}

// Sanitising ------------------------------------------------------------------------------------

/** Dropped with everything inside them. */
const DROPPED = new Set([
  'script',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'noscript',
  'template',
  'svg',
  'math',
  'canvas',
  'audio',
  'video',
  'portal',
  'title',
  // Raw-text elements whose content the tokenizer does not decode: dropped rather than re-escaped.
  'xmp',
  'plaintext',
  'noembed',
  'noframes',
  'listing',
]);
/** Dropped, their content kept. */
const UNWRAPPED = new Set(['html', 'head', 'body', 'base', 'meta', 'link', 'param', 'source', 'track', 'dialog']);
const VOID = new Set(['area', 'br', 'col', 'hr', 'img', 'input', 'wbr']);
const ATTRIBUTE = /^[a-z][a-z0-9_:-]{0,40}$/;
const TAG = /^[a-z][a-z0-9-]{0,30}$/;
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'background', 'poster', 'cite', 'longdesc', 'usemap']);
const FORBIDDEN_ATTRIBUTES = new Set(['formaction', 'srcdoc', 'srcset', 'ping', 'http-equiv', 'nonce', 'is']);

/**
 * Open elements that a start tag closes, as HTML parsers read it (htmlparser2's table, which it
 * does not export): `<p>` closes an open `<p>`, `<textarea>` an open `<button>`, ... The parser
 * applies it to its own innermost element, which may be one we dropped (`<a<script>`), so the
 * sanitiser applies it to what it wrote: otherwise the output nests what a browser, or this
 * sanitiser run again, reads as siblings.
 */
const P_CLOSED = new Set(['p']);
const FORM_CLOSED = new Set(['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea']);
const IMPLIED_CLOSES = new Map<string, ReadonlySet<string>>([
  ['tr', new Set(['tr', 'th', 'td'])],
  ['th', new Set(['th'])],
  ['td', new Set(['thead', 'th', 'td'])],
  ['li', new Set(['li'])],
  ['option', new Set(['option'])],
  ['optgroup', new Set(['optgroup', 'option'])],
  ['dd', new Set(['dd', 'dt'])],
  ['dt', new Set(['dd', 'dt'])],
  ['rt', new Set(['rt', 'rp'])],
  ['rp', new Set(['rt', 'rp'])],
  ['tbody', new Set(['thead', 'tbody'])],
  ['tfoot', new Set(['thead', 'tbody'])],
  ...['select', 'input', 'output', 'button', 'datalist', 'textarea'].map((t): [string, ReadonlySet<string>] => [
    t,
    FORM_CLOSED,
  ]),
  ...[
    'p',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'address',
    'article',
    'aside',
    'blockquote',
    'details',
    'div',
    'dl',
    'fieldset',
    'figcaption',
    'figure',
    'footer',
    'form',
    'header',
    'hr',
    'main',
    'nav',
    'ol',
    'pre',
    'section',
    'table',
    'ul',
  ].map((t): [string, ReadonlySet<string>] => [t, P_CLOSED]),
]);

/** True when a URL can run code or load something active. Control characters and spaces are ignored, as browsers do. */
function activeUrl(value: string, allowDataImage: boolean): boolean {
  let compact = '';
  for (const ch of value.slice(0, 4096)) {
    const code = ch.codePointAt(0) ?? 0;
    if (code > 0x20 && code !== 0x7f) compact += ch.toLowerCase();
  }
  if (compact.startsWith('javascript:') || compact.startsWith('vbscript:')) return true;
  if (compact.startsWith('data:')) return !(allowDataImage && /^data:image\/(png|gif|jpeg|webp);/.test(compact));
  return false;
}

function activeStyle(value: string): boolean {
  const compact = value.slice(0, 4096).toLowerCase().replace(/\s+/g, '');
  return compact.includes('expression(') || compact.includes('javascript:') || compact.includes('behavior:');
}

/**
 * Rewrites organisation HTML to what we serve: no script, no event handler, no frame, no active
 * URL, no `<base>` or `<meta>`; in a landing page every form posts back (`action` set at render)
 * with the default encoding, and in an e-mail there is no form at all. The output is rebuilt from
 * tokens, so a malformed input cannot smuggle markup through.
 */
export function sanitiseHtml(
  html: string,
  mode: 'email' | 'landing',
  options: { readonly linksToTracked?: boolean } = {},
): string {
  let out = '';
  let dropDepth = 0;
  let rawText: 'style' | 'textarea' | null = null;
  const open: string[] = [];
  const parser = new Parser(
    {
      onopentag(rawName, attributes) {
        const name = rawName.toLowerCase();
        if (dropDepth > 0 || DROPPED.has(name)) {
          if (!VOID.has(name)) dropDepth++;
          return;
        }
        if (UNWRAPPED.has(name) || !TAG.test(name)) return;
        if (mode === 'email' && (name === 'form' || name === 'input' || name === 'button' || name === 'select')) {
          return;
        }
        let attrs = '';
        for (const [rawAttr, value] of Object.entries(attributes)) {
          const attr = rawAttr.toLowerCase();
          if (!ATTRIBUTE.test(attr) || attr.startsWith('on') || FORBIDDEN_ATTRIBUTES.has(attr)) continue;
          // `formmethod="get"` on a button would put what is typed in the URL (and so in logs and
          // history); `pattern` and length limits let CSS tell what was typed. None is ours to keep.
          if (attr.startsWith('form') || attr === 'pattern' || attr === 'minlength' || attr === 'maxlength') continue;
          // Ours, written below: never taken from the input (no duplicate, no forged marker).
          if (attr === 'data-vigie-form' || (name === 'input' && attr === 'autocomplete')) continue;
          // Where a form posts, and how, is ours (set below and at render); on any other element
          // these mean nothing or open another window (`target`), and a malformed tag such as
          // `<a <form action=… target=…>` hands a form's attributes to the element before it.
          if (attr === 'action' || attr === 'method' || attr === 'enctype' || attr === 'target') continue;
          if (name === 'a' && attr === 'href' && options.linksToTracked) continue;
          if (URL_ATTRIBUTES.has(attr) && activeUrl(value, name === 'img' && attr === 'src')) continue;
          if (attr === 'style' && activeStyle(value)) continue;
          attrs += ` ${attr}="${escapeHtml(value)}"`;
        }
        const closes = IMPLIED_CLOSES.get(name);
        while (closes && open.length > 0 && closes.has(open[open.length - 1] as string)) out += `</${open.pop()}>`;
        if (name === 'form') attrs += ' method="post" data-vigie-form=""';
        // GoPhish's "change links to point to the landing page", for imported e-mails.
        if (name === 'a' && options.linksToTracked && attributes.href !== undefined) attrs = ` href="{{link}}"${attrs}`;
        // Never the browser's saved password for this site (the landing shares Vigie's origin).
        if (name === 'input')
          attrs +=
            attributes.type?.toLowerCase() === 'password' ? ' autocomplete="new-password"' : ' autocomplete="off"';
        out += `<${name}${attrs}>`;
        if (!VOID.has(name)) open.push(name);
        rawText = name === 'style' ? 'style' : name === 'textarea' ? 'textarea' : null;
      },
      ontext(text) {
        if (dropDepth > 0) return;
        // CSS is raw text: kept as is, without any `<` that could close the element early.
        if (rawText === 'style') {
          out += text.replace(/</g, '');
          return;
        }
        // A text area's default content is not needed by a landing form: left empty.
        if (rawText === 'textarea') return;
        // The tokenizer decoded entities: encode again so text stays text.
        out += escapeHtml(text)
          .replace(/&#39;/g, "'")
          .replace(/&quot;/g, '"');
      },
      onclosetag(rawName) {
        const name = rawName.toLowerCase();
        if (dropDepth > 0) {
          if (!VOID.has(name)) dropDepth--;
          return;
        }
        if (VOID.has(name)) return;
        rawText = null;
        const at = open.lastIndexOf(name);
        if (at < 0) return;
        while (open.length > at) out += `</${open.pop()}>`;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true },
  );
  parser.write(html.slice(0, MAX_CUSTOM_HTML));
  parser.end();
  while (open.length > 0) out += `</${open.pop()}>`;
  return out;
}

/** The named fields of a (sanitised) landing page's forms. */
export function landingFields(html: string): LandingField[] {
  const fields: LandingField[] = [];
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name !== 'input' && name !== 'textarea' && name !== 'select') return;
        const fieldName = attributes.name ?? '';
        if (!/^[A-Za-z0-9_.-]{1,64}$/.test(fieldName)) return;
        const type = (attributes.type ?? 'text').toLowerCase();
        if (['submit', 'button', 'reset', 'image', 'hidden', 'file'].includes(type)) return;
        fields.push({ name: fieldName, type: type === 'password' ? 'password' : type === 'email' ? 'email' : 'text' });
      },
    },
    { lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return fields;
}

/** The landing page's HTML for one visit: every form posts to `action` (our tracked URL). */
export function renderCustomLanding(landing: CustomLanding, locale: Locale, action: string): string {
  const safeAction = /^\/[A-Za-z0-9/_-]{1,200}$/.test(action) ? action : '/';
  // Sanitised again: the stored text is ours, but a page served under our name is worth a second pass.
  return sanitiseHtml(landing.html[locale], 'landing').replace(
    /<form([^>]*) data-vigie-form="">/g,
    `<form$1 data-vigie-form="" action="${escapeHtml(safeAction)}">`,
  );
}

/** Plain text from e-mail HTML: blocks on their own lines, a link's URL after its label. */
export function htmlToMailText(html: string): string {
  let out = '';
  let href: string | undefined;
  let dropDepth = 0;
  const blocks = new Set(['p', 'div', 'br', 'tr', 'li', 'h1', 'h2', 'h3', 'h4', 'table', 'hr']);
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (DROPPED.has(name) || name === 'style') dropDepth++;
        if (blocks.has(name)) out += '\n';
        if (name === 'a') href = attributes.href;
      },
      ontext(text) {
        if (dropDepth === 0) out += text.replace(/\s+/g, ' ');
      },
      onclosetag(name) {
        if (DROPPED.has(name) || name === 'style') dropDepth = Math.max(0, dropDepth - 1);
        if (name === 'a' && href) {
          out += `: ${href}`;
          href = undefined;
        }
        if (blocks.has(name)) out += '\n';
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  return out
    .split('\n')
    .map((l) => l.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

// Rendering -----------------------------------------------------------------------------------

function flatten(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    out += code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0) ? ' ' : ch;
  }
  return out.slice(0, 200).trim();
}

function fillWith(text: string, value: (field: MergeField) => string): string {
  return text.replace(ANY_PLACEHOLDER, (whole, inner: string) => {
    const name = FIELD_NAME.exec(inner)?.[1];
    return name && (MERGE_FIELDS as readonly string[]).includes(name) ? value(name as MergeField) : whole;
  });
}

/**
 * Renders an organisation template for one target: in the HTML every value is escaped and
 * `{{link}}` is the tracked URL (put it in an `href`); in the text it is the URL as is.
 */
export function renderCustomTemplate(template: CustomTemplate, locale: Locale, values: MergeValues): RenderedMessage {
  const url = values.link ?? '';
  const safeUrl = /^https?:\/\/[^\s"'<>]{1,2000}$/i.test(url) ? url : '';
  const plain = (f: MergeField) => (f === 'link' ? safeUrl : flatten(values[f] ?? ''));
  return {
    subject: flatten(fillWith(template.subject[locale], plain)),
    senderName: flatten(fillWith(template.senderName[locale], plain)),
    text: fillWith(template.text[locale], plain),
    html: fillWith(template.html[locale], (f) => escapeHtml(plain(f))),
  };
}
