/**
 * The Guard proxy, OpenAI-compatible: `POST /v1/chat/completions` (whole or streamed as
 * server-sent events) and `GET /v1/models`. The caller is a Vigie user, by API token
 * (`Authorization: Bearer vgt_…`) with `guard:use`; their role and department feed the policy.
 * Every error leaves in OpenAI's shape (`{ error: { message, type, param, code } }`, which SDKs
 * read), with Vigie's `code` and `statusCode` beside it.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ERROR_CATALOG, type ErrorCode, negotiateLocale, VigieError } from '../../core/index.js';
import {
  ClientGone,
  type GuardCaller,
  type Platform,
  type ProxyPlan,
  type UpstreamCall,
} from '../../platform/index.js';
import { guardCallerOf } from './guard.js';

/** A conversation's body at most: long histories and pasted documents, not uploads. */
const CHAT_BODY_LIMIT = 8 * 1024 * 1024;

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'VIGIE_ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'VIGIE_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'VIGIE_ERR_BAD_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'VIGIE_ERR_BAD_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VIGIE_ERR_VALIDATION',
  FST_ERR_VALIDATION: 'VIGIE_ERR_VALIDATION',
};

/** OpenAI's error `type` for an HTTP status, as its SDKs map them to exception classes. */
function openAiType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: null; code: string; [key: string]: unknown };
  statusCode: number;
  code: ErrorCode;
}

export function openAiError(
  code: ErrorCode,
  request: FastifyRequest,
  message?: string,
  extra: Record<string, unknown> = {},
): OpenAiErrorBody {
  const status = ERROR_CATALOG[code].status;
  const locale = negotiateLocale(request.headers['accept-language']);
  return {
    error: {
      message: message ?? ERROR_CATALOG[code].message[locale],
      type: openAiType(status),
      param: null,
      code: code.toLowerCase().replace('vigie_err_', 'vigie_'),
      ...extra,
    },
    statusCode: status,
    code,
  };
}

function sendError(reply: FastifyReply, body: OpenAiErrorBody) {
  return reply.code(body.statusCode).type('application/json; charset=utf-8').send(body);
}

const messageSchema = z.looseObject({
  role: z.string().min(1).max(64),
  content: z.union([z.string(), z.array(z.unknown()).max(1000), z.null()]).optional(),
});

const chatSchema = z.looseObject({
  model: z.string().min(1).max(256),
  messages: z.array(messageSchema).min(1).max(10_000),
  stream: z.boolean().nullable().optional(),
});

/** Finding types and counts for a header: `pii.iban=1,pii.email=2` (types are [a-z0-9_.-]). */
function findingsHeader(plan: ProxyPlan): string {
  const counts = new Map<string, number>();
  for (const f of plan.findings) counts.set(f.type, (counts.get(f.type) ?? 0) + 1);
  return [...counts]
    .map(([t, n]) => `${t.replace(/[^a-z0-9_.*-]/gi, '_')}=${n}`)
    .join(',')
    .slice(0, 2000);
}

export const guardProxyRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  const proxy = platform.guardProxy;

  app.setErrorHandler((error: FastifyError | VigieError | Error, request, reply) => {
    if (error instanceof VigieError) {
      if (error.status >= 500 && error.code === 'VIGIE_ERR_INTERNAL') {
        request.log.error({ err: error }, error.message);
        return sendError(reply, openAiError(error.code, request));
      }
      // What the caller is not told (the upstream's address, the network error) is for the operator.
      if (error.cause !== undefined) request.log.warn({ err: error.cause, code: error.code }, error.message);
      const retryAfter = error.details?.retryAfterSeconds;
      if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
      const defaultMessage = error.message === ERROR_CATALOG[error.code].message.en;
      return sendError(
        reply,
        openAiError(error.code, request, defaultMessage ? undefined : error.message, error.details ?? {}),
      );
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const summary = error.validation
        .map((v) => `${error.validationContext} ${v.instancePath || '/'}: ${v.message}`)
        .join('; ');
      return sendError(reply, openAiError('VIGIE_ERR_VALIDATION', request, summary.slice(0, 500)));
    }
    const fastifyCode = 'code' in error && typeof error.code === 'string' ? FASTIFY_CODES[error.code] : undefined;
    if (fastifyCode) return sendError(reply, openAiError(fastifyCode, request, error.message));
    const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      return sendError(reply, openAiError(status === 404 ? 'VIGIE_ERR_NOT_FOUND' : 'VIGIE_ERR_VALIDATION', request));
    }
    request.log.error({ err: error }, 'unexpected error in the Guard proxy');
    return sendError(reply, openAiError('VIGIE_ERR_INTERNAL', request));
  });

  app.get(
    '/models',
    {
      config: { access: { permission: 'guard:use' } },
      schema: { tags: ['guard-proxy'], summary: "The upstream's models (OpenAI-compatible); empty when none is set" },
    },
    async (_request, reply) => {
      if (!proxy.configured) return { object: 'list', data: [] };
      const client = abortOnClose(reply);
      const { response, call } = await proxy.call('/models', { method: 'GET', client });
      const json = (await proxy.json(response, call)) as { data?: unknown } | null;
      if (!json || typeof json !== 'object' || !Array.isArray(json.data)) {
        throw new VigieError('VIGIE_ERR_UPSTREAM', 'The AI service sent a model list without data.');
      }
      return { object: 'list', data: json.data };
    },
  );

  app.post(
    '/chat/completions',
    {
      bodyLimit: CHAT_BODY_LIMIT,
      config: { access: { permission: 'guard:use' } },
      schema: {
        tags: ['guard-proxy'],
        summary:
          'OpenAI-compatible chat completion through the Guard policy (blocked, rewritten or passed), streamed or not',
        body: chatSchema,
      },
    },
    async (request, reply) => {
      if (!proxy.configured) throw new VigieError('VIGIE_ERR_UPSTREAM_UNCONFIGURED');
      const caller = guardCallerOf(request);
      const body = request.body;
      const model = body.model.slice(0, 200);
      // Recording never holds an answer up (it is written behind it), and a failed write is logged.
      const onError = (err: unknown) => request.log.error({ err }, 'guard decision not recorded');
      const { plan, decision } = await proxy.plan(body, caller, onError);
      const locale = negotiateLocale(request.headers['accept-language']);
      if (plan.blocked) {
        const why = plan.result.reasons.slice(1).map((r) => r[locale]);
        throw new VigieError(
          'VIGIE_ERR_GUARD_BLOCKED',
          locale === 'fr'
            ? `Bloqué par la politique Vigie Guard : ${why.join(' ')}`
            : `Blocked by the Vigie Guard policy: ${why.join(' ')}`,
          {
            reasons: plan.result.reasons,
            findings: plan.findings.map((f) => ({ type: f.type, action: f.action, masked: f.masked })),
            policyVersion: plan.result.policyVersion,
            decision,
          },
        );
      }
      reply.header('x-vigie-guard-action', plan.action);
      reply.header('x-vigie-guard-policy', plan.result.policyVersion);
      if (plan.findings.length > 0) reply.header('x-vigie-guard-findings', findingsHeader(plan));
      if (decision) reply.header('x-vigie-guard-decision', decision);

      const stream = body.stream === true;
      const client = abortOnClose(reply);
      try {
        const asked = performance.now();
        const { response, call } = await proxy.call('/chat/completions', {
          method: 'POST',
          body: JSON.stringify(plan.body),
          client,
          stream,
        });
        if (!stream) {
          const json = await proxy.json(response, call);
          const upstreamMs = performance.now() - asked;
          const answer = proxy.answer(json, plan, caller, model, onError);
          reply.header('x-vigie-guard-answer-action', answer.action);
          // What the proxy itself added (sign-in, policy, rewriting) beside the upstream's time.
          reply.header(
            'server-timing',
            `guard;dur=${(reply.elapsedTime - upstreamMs).toFixed(2)}, upstream;dur=${upstreamMs.toFixed(2)}`,
          );
          return reply.type('application/json; charset=utf-8').send(answer.body);
        }
        const type = response.headers.get('content-type') ?? '';
        if (!type.includes('text/event-stream')) {
          call.done();
          await response.body?.cancel().catch(() => undefined);
          throw new VigieError('VIGIE_ERR_UPSTREAM', 'The AI service did not answer with an event stream.');
        }
        const out = new SseOut();
        void pump(response, call, out, plan, caller, model, request);
        return reply
          .type('text/event-stream; charset=utf-8')
          .header('cache-control', 'no-cache')
          .header('x-accel-buffering', 'no')
          .send(out.stream);
      } catch (error) {
        if (error instanceof ClientGone) {
          // No one is left to answer: end quietly.
          reply.hijack();
          reply.raw.destroy();
          return reply;
        }
        throw error;
      }
    },
  );

  /** Upstream SSE → rewritten SSE; a failure mid-stream becomes an error event (the status is sent). */
  async function pump(
    response: Response,
    call: UpstreamCall,
    out: SseOut,
    plan: ProxyPlan,
    caller: GuardCaller,
    model: string,
    request: FastifyRequest,
  ): Promise<void> {
    const rewriter = proxy.rewriter(plan);
    const decoder = new TextDecoder();
    try {
      const reader = response.body?.getReader();
      if (reader) {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          call.touch();
          const text = rewriter.push(decoder.decode(value, { stream: true }));
          if (text) out.write(text);
          // The policy cut the answer: the client has its end, the upstream stops generating.
          if (rewriter.stopped) {
            call.abort();
            await reader.cancel().catch(() => undefined);
            break;
          }
        }
      }
      call.done();
      const rest = rewriter.stopped ? '' : rewriter.push(decoder.decode()) + rewriter.end();
      out.end(rest);
    } catch (error) {
      // `failure` stops the time-out too, and keeps a VigieError (a malformed event) as it is.
      const failure = call.failure(error);
      if (failure instanceof ClientGone || out.closed) {
        out.destroy();
        return;
      }
      const code = failure instanceof VigieError ? failure.code : 'VIGIE_ERR_UPSTREAM';
      // Text held back for the scan leaves (scanned) before the error, as it would have without it.
      try {
        out.write(rewriter.flush());
      } catch (err) {
        request.log.warn({ err }, 'guard proxy held text not released');
      }
      const body = openAiError(code, request, failure.message);
      out.end(`data: ${JSON.stringify(body)}\n\n`);
      request.log.warn({ code }, 'guard proxy stream ended with an error');
    }
    try {
      proxy.streamed(rewriter, plan, caller, model, (err) => request.log.error({ err }, 'guard decision not recorded'));
    } catch (err) {
      request.log.error({ err }, 'guard answer not scanned');
    }
  }
};

/** The client side of a stream: a web stream Fastify sends, written as the upstream's events arrive. */
class SseOut {
  readonly stream: ReadableStream<Uint8Array>;
  readonly #encoder = new TextEncoder();
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  closed = false;

  constructor() {
    this.stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
      },
      cancel: () => {
        this.closed = true;
      },
    });
  }

  write(text: string): void {
    if (!this.closed && text) this.#controller?.enqueue(this.#encoder.encode(text));
  }

  end(text = ''): void {
    this.write(text);
    if (!this.closed) this.#controller?.close();
    this.closed = true;
  }

  destroy(): void {
    if (!this.closed) this.#controller?.error(new ClientGone());
    this.closed = true;
  }
}

/** An abort signal that fires when the client goes away before its answer was fully sent. */
function abortOnClose(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
