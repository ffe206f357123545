/**
 * The one place where errors become HTTP answers: `{ error: { code, message } }` with the status of
 * the code in the registry. Fastify's own errors (body too large, bad content type...) are mapped to
 * registry codes; anything unexpected is a 500 that is logged (without the request body).
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { ERRORS, WispError, type ErrorCode } from '../errors.js';

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'WISP_ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'WISP_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'WISP_ERR_BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'WISP_ERR_BAD_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'WISP_ERR_BAD_JSON',
  FST_ERR_CTP_EMPTY_TYPE: 'WISP_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_TYPE: 'WISP_ERR_UNSUPPORTED_MEDIA_TYPE',
};

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'WISP_ERR_BAD_REQUEST',
  401: 'WISP_ERR_UNAUTHORIZED',
  403: 'WISP_ERR_FORBIDDEN',
  404: 'WISP_ERR_NOT_FOUND',
  413: 'WISP_ERR_BODY_TOO_LARGE',
  415: 'WISP_ERR_UNSUPPORTED_MEDIA_TYPE',
  429: 'WISP_ERR_OVERLOADED',
  503: 'WISP_ERR_UNAVAILABLE',
};

const MAX_MESSAGE = 500;

/** Converts anything thrown by a route into a WispError. */
export function toWispError(err: unknown): WispError {
  if (err instanceof WispError) return err;
  const fe = err as Partial<FastifyError> & { message?: string };
  const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  if (mapped) return new WispError(mapped, ERRORS[mapped].message + (fe.message ? ` (${fe.message})` : ''));
  if (fe.validation) return new WispError('WISP_ERR_BAD_REQUEST', fe.message);
  const status = fe.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new WispError(BY_STATUS[status] ?? 'WISP_ERR_BAD_REQUEST', fe.message);
  }
  return new WispError('WISP_ERR_INTERNAL', undefined, { cause: err });
}

export function sendError(reply: FastifyReply, error: WispError): FastifyReply {
  if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
  const message = error.message.length > MAX_MESSAGE ? `${error.message.slice(0, MAX_MESSAGE)}…` : error.message;
  return reply.code(error.status).type('application/json; charset=utf-8').send({ error: { code: error.code, message } });
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const error = toWispError(err);
    if (error.status >= 500 && error.code === 'WISP_ERR_INTERNAL') {
      request.log.error({ err }, 'unexpected error');
    } else if (error.status >= 500) {
      request.log.warn({ code: error.code, cause: (error.cause as Error | undefined)?.message }, error.message);
    }
    return sendError(reply, error);
  });
}
