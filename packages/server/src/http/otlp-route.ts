/**
 * `POST /v1/traces`: OTLP/HTTP (protobuf or JSON, gzip accepted), answered per the OTLP spec in the
 * request's own format: 200 with `ExportTraceServiceResponse` (with `partial_success` when spans
 * were rejected), errors as a `google.rpc.Status` (JSON errors also carry Wisp's `error` object).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { OTLP_TRACES_PATH, type Limits, type SpanEvent } from '@wisp/protocol';
import { WispError } from '../errors.js';
import type { IngestService } from '../ingest/ingest-service.js';
import { assertJsonDepth } from '../ingest/safe-json.js';
import { toWispError } from './error-handler.js';
import { mediaTypeOf, readIngestBody } from './ingest-body.js';

export type OtlpFormat = 'protobuf' | 'json';
export type OtlpDecoder = (body: Buffer, format: OtlpFormat) => { spans: SpanEvent[]; rejectedSpans: number; errorMessage?: string };
export type OtlpResponseEncoder = (result: { rejectedSpans: number; errorMessage?: string }, format: OtlpFormat) => Buffer;

const PROTOBUF_TYPES = ['application/x-protobuf', 'application/protobuf'];
const ACCEPTED = [...PROTOBUF_TYPES, 'application/json'];
/** gRPC status codes used in `google.rpc.Status.code`. */
const GRPC_CODE: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 413: 3, 415: 3, 422: 3, 429: 8, 503: 14, 500: 13 };

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function lengthDelimited(field: number, bytes: Uint8Array): number[] {
  return [(field << 3) | 2, ...varint(bytes.length), ...bytes];
}

/** google.rpc.Status { code = 1; message = 2 }. */
export function encodeStatus(code: number, message: string): Buffer {
  return Buffer.from([0x08, ...varint(code), ...lengthDelimited(2, Buffer.from(message, 'utf8'))]);
}

function sendOtlpError(reply: FastifyReply, format: OtlpFormat, error: WispError): FastifyReply {
  if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
  const code = GRPC_CODE[error.status] ?? 2;
  const message = `${error.code}: ${error.message}`.slice(0, 500);
  void reply.code(error.status);
  if (format === 'protobuf') return reply.type('application/x-protobuf').send(encodeStatus(code, message));
  return reply.type('application/json').send({ code, message, error: { code: error.code, message: error.message.slice(0, 500) } });
}

export function registerOtlpRoute(scope: FastifyInstance, deps: { ingest: IngestService; limits: Limits; decode: OtlpDecoder; encode: OtlpResponseEncoder }): void {
  scope.post(OTLP_TRACES_PATH, async (request, reply) => {
    const format: OtlpFormat = PROTOBUF_TYPES.includes(mediaTypeOf(request)) ? 'protobuf' : 'json';
    try {
      const { bytes } = await readIngestBody(request, ACCEPTED, deps.limits);
      const { rejected, message } = await ingestOtlp(deps, request.auth.projectId, bytes, format);
      const body = deps.encode(message === undefined ? { rejectedSpans: rejected } : { rejectedSpans: rejected, errorMessage: message }, format);
      return reply
        .code(200)
        .type(format === 'protobuf' ? 'application/x-protobuf' : 'application/json')
        .send(body);
    } catch (err) {
      const error = toWispError(err);
      if (error.code === 'WISP_ERR_INTERNAL') request.log.error({ err }, 'unexpected error');
      return sendOtlpError(reply, format, error);
    }
  });
}

/**
 * Decodes and queues a body; resolves with what was rejected once the rest is committed. A plain
 * function, so that the decoded spans are never locals of the route's async frame, which stays
 * alive until the commit (see IngestService.ingestNative).
 */
function ingestOtlp(
  deps: { ingest: IngestService; limits: Limits; decode: OtlpDecoder },
  projectId: string,
  bytes: Buffer,
  format: OtlpFormat,
): Promise<{ rejected: number; message: string | undefined }> {
  if (format === 'json') assertJsonDepth(bytes, deps.limits.maxJsonDepth);
  let decoded: ReturnType<OtlpDecoder>;
  try {
    decoded = deps.decode(bytes, format);
  } catch (err) {
    if (err instanceof WispError) throw err;
    throw format === 'protobuf'
      ? new WispError('WISP_ERR_BAD_PROTOBUF', `The request body is not a valid OTLP ExportTraceServiceRequest: ${(err as Error).message}`)
      : new WispError('WISP_ERR_BAD_JSON', `The request body is not valid OTLP/JSON: ${(err as Error).message}`);
  }
  const { rejectedSpans, errorMessage } = decoded;
  return deps.ingest.ingestSpans(projectId, decoded.spans, bytes.length).then((result) => ({
    rejected: rejectedSpans + result.rejected,
    message: [errorMessage, result.errorMessage].filter(Boolean).join('; ') || undefined,
  }));
}
