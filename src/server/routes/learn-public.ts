/**
 * The public pages a phishing simulation needs, as plain HTML (no web app, no script):
 * the open pixel, the tracked link (→ landing page), the landing form (→ teaching page), the
 * teaching page, and the report link. No sign-in: the 128-bit token in the path is the only
 * key. What a person types in the landing form is reduced to field names at once and never
 * stored, logged or echoed; an unknown token or a bad request gets a plain page, never a 500.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { type Locale, negotiateLocale } from '../../core/index.js';
import { escapeHtml, renderCustomLanding } from '../../learn/index.js';
import { type Platform, TOKEN_PATTERN, type TrackedVisit } from '../../platform/index.js';

const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
/** A landing form is a handful of short fields: anything bigger is refused before it is read. */
const FORM_LIMIT = 16 * 1024;

const STYLE = `body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1b1f24}
label{display:block;margin-top:.8rem}input{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}
button{margin-top:1rem;padding:.6rem 1.2rem;font-size:1rem}.cues li{margin:.3rem 0}.box{border:1px solid #ccd;border-radius:8px;padding:1rem 1.5rem}`;

function page(locale: Locale, title: string, body: string): string {
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

/** Minimal, safe Markdown: escaped first, then headings, bold and paragraphs. */
function markdown(text: string): string {
  return text
    .split(/\n[ \t]*\n/)
    .map((block) => {
      const escaped = escapeHtml(block.trim()).replace(/\*\*([^*\n]{1,200})\*\*/g, '<strong>$1</strong>');
      const heading = /^(#{1,3}) (.*)$/s.exec(escaped);
      if (heading) {
        const level = (heading[1] ?? '#').length + 1;
        const [first = '', ...rest] = (heading[2] ?? '').split('\n');
        return `<h${level}>${first}</h${level}>${rest.length ? `<p>${rest.join('<br>')}</p>` : ''}`;
      }
      return `<p>${escaped.replace(/\n/g, '<br>')}</p>`;
    })
    .join('\n');
}

const T = {
  unknown: { fr: 'Ce lien n’est plus valable.', en: 'This link is no longer valid.' },
  submit: { fr: 'Continuer', en: 'Continue' },
  cues: { fr: 'Ce qui aurait dû vous alerter', en: 'What should have alerted you' },
  module: { fr: 'Suivre le module', en: 'Take the module' },
  exercise: { fr: 'C’était un exercice', en: 'This was an exercise' },
  reportTitle: { fr: 'Signaler ce message', en: 'Report this message' },
  reportAsk: {
    fr: 'Vous pensez que ce message est un hameçonnage ? Confirmez le signalement.',
    en: 'You think this message is phishing? Confirm the report.',
  },
  reportButton: { fr: 'Signaler', en: 'Report' },
  reportThanks: {
    fr: 'Merci ! Signaler un message douteux est le meilleur réflexe. Celui-ci était un exercice.',
    en: 'Thank you! Reporting a doubtful message is the best reflex. This one was an exercise.',
  },
} as const;

function localeOf(request: FastifyRequest): Locale {
  return negotiateLocale(request.headers['accept-language']);
}

function html(reply: FastifyReply, status: number, body: string) {
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);
}

function unknown(request: FastifyRequest, reply: FastifyReply) {
  const l = localeOf(request);
  return html(reply, 404, page(l, T.unknown[l], `<p>${T.unknown[l]}</p>`));
}

/**
 * An organisation's landing page: its HTML sanitised again (no script, no handler, no frame) with
 * every form posting back here. The Content-Security-Policy it is served with forbids scripts and
 * any form target but this server, whatever the HTML holds; what is posted is reduced to field
 * names by the form parser below, like on our own pages.
 */
export const CUSTOM_LANDING_CSP =
  // Nothing from elsewhere: CSS that loads a URL when an input matches (or a font per character)
  // would report what is typed, and would tell another host who opened the page.
  "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; font-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

function customLandingPage(visit: TrackedVisit, token: string, l: Locale): string | undefined {
  const custom = visit.customLanding;
  if (!custom) return undefined;
  return `<!doctype html><html lang="${l}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(custom.title[l])}</title></head><body>${renderCustomLanding(custom, l, `/learn/t/${token}`)}</body></html>`;
}

function landingPage(visit: TrackedVisit, token: string, l: Locale): string {
  const landing = visit.landing;
  if (!landing) return teachingPage(visit, l);
  const fields = landing.fields
    .map(
      (f) =>
        `<label for="f-${f.name}">${escapeHtml(f.label[l])}</label><input id="f-${f.name}" name="${f.name}" type="${f.type}" autocomplete="off">`,
    )
    .join('');
  return page(
    l,
    landing.title[l],
    `<div class="box"><h1>${escapeHtml(landing.title[l])}</h1><form method="post" action="/learn/t/${token}">${fields}<button type="submit">${T.submit[l]}</button></form></div>`,
  );
}

function teachingPage(visit: TrackedVisit, l: Locale): string {
  const teaching = visit.landing ? markdown(visit.landing.teaching[l]) : `<h1>${T.exercise[l]}</h1>`;
  const cues =
    visit.template && visit.template.cues.length > 0
      ? `<h2>${T.cues[l]}</h2><ul class="cues">${visit.template.cues.map((c) => `<li>${escapeHtml(c[l])}</li>`).join('')}</ul>`
      : '';
  const module = visit.module
    ? `<p><a href="/learn/modules/${encodeURIComponent(visit.module.id)}">${T.module[l]} : ${escapeHtml(visit.module.title[l])}</a></p>`
    : '';
  return page(l, T.exercise[l], `<div class="box" id="teaching">${teaching}${cues}${module}</div>`);
}

function clientOf(request: FastifyRequest) {
  const ua = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof ua === 'string' ? ua : undefined, method: request.method };
}

export const learnPublicRoutes: FastifyPluginAsync<{ platform: Platform }> = async (app, { platform }) => {
  const learn = platform.learn;
  const access = { access: { public: true as const } };
  // After the app's own hook (which sets its CSP on every answer): an organisation's page gets the stricter one.
  const customReplies = new WeakSet<FastifyReply>();
  app.addHook('onSend', async (_request, reply, payload) => {
    if (customReplies.has(reply)) reply.header('content-security-policy', CUSTOM_LANDING_CSP);
    return payload;
  });
  const hide = { hide: true };

  // Only the names of non-empty fields survive parsing: values never reach a handler or a log.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_LIMIT },
    (_request, body, done) => {
      const filled: Record<string, string> = {};
      try {
        for (const [name, value] of new URLSearchParams(String(body))) {
          if (name.length <= 64 && value.length > 0) filled[name] = 'x';
        }
      } catch {
        // An unreadable form counts as a form with nothing filled in.
      }
      done(null, filled);
    },
  );

  const tokenOf = (request: FastifyRequest): string | undefined => {
    const token = (request.params as { token?: unknown }).token;
    return typeof token === 'string' && TOKEN_PATTERN.test(token) ? token : undefined;
  };

  app.get('/learn/t/:token/o.gif', { config: access, schema: hide }, async (request, reply) => {
    const token = tokenOf(request);
    if (token) await learn.track(token, { type: 'opened', ...clientOf(request) });
    return reply.header('cache-control', 'no-store').type('image/gif').send(PIXEL);
  });

  app.get('/learn/t/:token', { config: access, schema: hide }, async (request, reply) => {
    const token = tokenOf(request);
    const visit = token ? await learn.track(token, { type: 'clicked', ...clientOf(request) }) : undefined;
    if (!token || !visit) return unknown(request, reply);
    const custom = customLandingPage(visit, token, localeOf(request));
    if (custom) {
      customReplies.add(reply);
      return html(reply, 200, custom);
    }
    return html(reply, 200, landingPage(visit, token, localeOf(request)));
  });

  app.post('/learn/t/:token', { config: access, schema: hide }, async (request, reply) => {
    const token = tokenOf(request);
    const form =
      request.body !== null && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};
    const visit = token ? await learn.track(token, { type: 'submitted', ...clientOf(request), form }) : undefined;
    if (!token || !visit) return unknown(request, reply);
    // After a POST, a redirect: reloading the teaching page never re-submits the form.
    return reply.code(303).header('location', `/learn/t/${token}/lesson`).send();
  });

  app.get('/learn/t/:token/lesson', { config: access, schema: hide }, async (request, reply) => {
    const token = tokenOf(request);
    const visit = token ? await learn.lookup(token) : undefined;
    if (!visit) return unknown(request, reply);
    return html(reply, 200, teachingPage(visit, localeOf(request)));
  });

  // The report link asks for a confirmation: link scanners follow links, they do not post forms.
  app.get('/learn/t/:token/report', { config: access, schema: hide }, async (request, reply) => {
    const token = tokenOf(request);
    if (!token) return unknown(request, reply);
    const l = localeOf(request);
    return html(
      reply,
      200,
      page(
        l,
        T.reportTitle[l],
        `<div class="box"><h1>${T.reportTitle[l]}</h1><p>${T.reportAsk[l]}</p><form method="post" action="/learn/t/${token}/report"><button type="submit">${T.reportButton[l]}</button></form></div>`,
      ),
    );
  });

  app.post('/learn/t/:token/report', { config: access, schema: hide }, async (request, reply) => {
    const token = tokenOf(request);
    const visit = token
      ? await learn.track(token, { type: 'reported', via: 'button', ...clientOf(request) })
      : undefined;
    if (!visit) return unknown(request, reply);
    const l = localeOf(request);
    return html(reply, 200, page(l, T.reportTitle[l], `<div class="box"><p>${T.reportThanks[l]}</p></div>`));
  });
};
