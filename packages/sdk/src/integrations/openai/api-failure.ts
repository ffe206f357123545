/**
 * Errors the API reports inside a successful HTTP answer (a failed response, an `error` stream
 * event) become the span's error. They carry no stack: a stack would point into the SDK, not to
 * anything in the app.
 */
import type { SpanEndOptions } from '../../span-types.js';
import type { ApiErrorLike } from './openai-shapes.js';

export function apiFailure(type: string, message: string): Error {
  const err = new Error(message);
  err.name = type;
  err.stack = undefined;
  return err;
}

/** HTTP status, error type and code and request id of an OpenAI `APIError`, for the span's metadata. */
export function apiErrorMetadata(err: unknown): Record<string, unknown> | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const e = err as ApiErrorLike;
  const out: Record<string, unknown> = {};
  if (typeof e.status === 'number') out['error.status'] = e.status;
  if (typeof e.type === 'string') out['error.type'] = e.type;
  if (typeof e.code === 'string') out['error.code'] = e.code;
  if (typeof e.param === 'string') out['error.param'] = e.param;
  const requestId = e.requestID ?? e.request_id;
  if (typeof requestId === 'string') out.requestId = requestId;
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The error recorded on a span for an error the app receives. OpenAI's error classes keep the
 * default `name` "Error"; the span should say `BadRequestError`, `RateLimitError`... without
 * touching the object the app catches, so the span gets a view of it with the class name.
 */
export function spanError(err: unknown): unknown {
  try {
    if (!(err instanceof Error) || err.name !== 'Error') return err;
    const className = (err.constructor as { name?: unknown } | undefined)?.name;
    if (typeof className !== 'string' || className === '' || className === 'Error') return err;
    return Object.create(err, { name: { value: className } }) as Error;
  } catch {
    return err;
  }
}

/** End options of a call that failed with `err`: the error, and the API's details as metadata. */
export function failedEnd(err: unknown): SpanEndOptions {
  const metadata = apiErrorMetadata(err);
  return metadata === undefined ? { error: spanError(err) } : { error: spanError(err), metadata };
}
