/**
 * The registry of every error the collector answers with: a stable code, its HTTP status and a
 * default message. Errors map to HTTP in one place (http/error-handler.ts). Each code is documented
 * in docs/errors.md; a test keeps the two in sync. Add codes here, never inline in a route.
 */
export const ERRORS = {
  WISP_ERR_BAD_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  WISP_ERR_BAD_PROTOBUF: { status: 400, message: 'The request body is not a valid OTLP protobuf message.' },
  WISP_ERR_BAD_GZIP: { status: 400, message: 'The request body is not valid gzip.' },
  WISP_ERR_BAD_BROTLI: { status: 400, message: 'The request body is not valid brotli.' },
  WISP_ERR_BAD_REQUEST: { status: 400, message: 'The request is malformed.' },
  WISP_ERR_BAD_QUERY: { status: 400, message: 'A query parameter is invalid.' },
  WISP_ERR_UNAUTHORIZED: { status: 401, message: 'A valid API key is required.' },
  WISP_ERR_FORBIDDEN: { status: 403, message: 'This key may not do that.' },
  WISP_ERR_NOT_FOUND: { status: 404, message: 'Not found.' },
  WISP_ERR_BODY_TOO_LARGE: { status: 413, message: 'The request body is larger than the limit.' },
  WISP_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported Content-Type or Content-Encoding.' },
  WISP_ERR_INVALID_BATCH: { status: 422, message: 'The batch does not have the expected shape.' },
  WISP_ERR_INVALID_EVENT: { status: 422, message: 'The event is invalid.' },
  WISP_ERR_OVERLOADED: { status: 429, message: 'The collector is overloaded; retry after the given delay.' },
  WISP_ERR_UNAVAILABLE: { status: 503, message: 'The collector is not ready; retry after the given delay.' },
  WISP_ERR_QUERY_TIMEOUT: { status: 503, message: 'The query took longer than its time limit.' },
  WISP_ERR_INTERNAL: { status: 500, message: 'Internal error.' },
  WISP_ERR_EVENT_TOO_LARGE: { status: 413, message: 'One event is larger than the per-event limit.' },
  WISP_ERR_CONFLICT: { status: 409, message: 'The resource already exists.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** An error with a registry code. `detail` says what exactly is wrong, for the client. */
export class WispError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, detail?: string, options?: { retryAfterSeconds?: number; cause?: unknown }) {
    super(detail ?? ERRORS[code].message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WispError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}
