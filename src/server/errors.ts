/**
 * One error shape for the whole API: { statusCode, code, error, message, details? }.
 * Expected failures carry a catalog code; anything else becomes an opaque 500 whose
 * cause goes to the log, never to the caller.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { ERROR_CATALOG, type ErrorCode, negotiateLocale, VigieError } from '../core/index.js';

export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  error: string;
  message: string;
  details?: unknown;
}

/** Fastify's own errors for bad requests, mapped to catalog codes. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'VIGIE_ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'VIGIE_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'VIGIE_ERR_BAD_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'VIGIE_ERR_BAD_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VIGIE_ERR_VALIDATION',
  FST_ERR_VALIDATION: 'VIGIE_ERR_VALIDATION',
};

export function errorBody(code: ErrorCode, request: FastifyRequest, message?: string, details?: unknown): ErrorBody {
  const status = ERROR_CATALOG[code].status;
  const locale = negotiateLocale(request.headers['accept-language']);
  return {
    statusCode: status,
    code,
    error: STATUS_CODES[status] ?? 'Error',
    message: message ?? ERROR_CATALOG[code].message[locale],
    ...(details === undefined ? {} : { details }),
  };
}

function send(reply: FastifyReply, body: ErrorBody) {
  return reply.code(body.statusCode).type('application/json; charset=utf-8').send(body);
}

export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError | VigieError | Error, request, reply) => {
    if (error instanceof VigieError) {
      if (error.status >= 500) {
        // The cause (a driver error, a host name) is for the log, not for the caller.
        request.log.error({ err: error }, error.message);
        return send(reply, errorBody(error.code, request));
      }
      const retryAfter = error.details?.retryAfterSeconds;
      if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
      const defaultMessage = error.message === ERROR_CATALOG[error.code].message.en;
      return send(reply, errorBody(error.code, request, defaultMessage ? undefined : error.message, error.details));
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((v) => ({
        where: error.validationContext,
        path: v.instancePath || '/',
        message: v.message,
      }));
      const summary = issues.map((i) => `${i.where} ${i.path}: ${i.message}`).join('; ');
      return send(reply, errorBody('VIGIE_ERR_VALIDATION', request, summary.slice(0, 500), { issues }));
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause.issues }, 'response does not match its schema');
      return send(reply, errorBody('VIGIE_ERR_INTERNAL', request));
    }
    const fastifyCode = 'code' in error && typeof error.code === 'string' ? FASTIFY_CODES[error.code] : undefined;
    if (fastifyCode) return send(reply, errorBody(fastifyCode, request, error.message));
    const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      const code: ErrorCode =
        status === 404
          ? 'VIGIE_ERR_NOT_FOUND'
          : status === 405
            ? 'VIGIE_ERR_METHOD_NOT_ALLOWED'
            : status === 413
              ? 'VIGIE_ERR_BODY_TOO_LARGE'
              : status === 415
                ? 'VIGIE_ERR_UNSUPPORTED_MEDIA_TYPE'
                : status === 429
                  ? 'VIGIE_ERR_RATE_LIMITED'
                  : 'VIGIE_ERR_VALIDATION';
      return send(reply, errorBody(code, request, error.message));
    }
    request.log.error({ err: error }, 'unexpected error');
    return send(reply, errorBody('VIGIE_ERR_INTERNAL', request));
  });
}
