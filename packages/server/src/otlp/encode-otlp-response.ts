import { ExportTraceServiceResponse } from './otlp-proto.js';
import type { OtlpFormat } from './decode-otlp-traces.js';

export interface OtlpResponseInput {
  rejectedSpans: number;
  errorMessage?: string;
}

/**
 * The body of a successful `/v1/traces` answer: an ExportTraceServiceResponse, with
 * `partial_success` only when spans were rejected (the OTLP spec asks servers to leave it unset
 * on full success). JSON uses the OTLP/JSON field names and int64 as a decimal string.
 *
 * @example
 * ```ts
 * encodeOtlpResponse({ rejectedSpans: 0 }, 'json').toString(); // '{}'
 * ```
 */
export function encodeOtlpResponse(result: OtlpResponseInput, format: OtlpFormat): Buffer {
  const rejected = Math.max(0, Math.floor(result.rejectedSpans));
  const partial = rejected > 0 || result.errorMessage ? { rejectedSpans: rejected, errorMessage: result.errorMessage ?? '' } : undefined;
  if (format === 'json') {
    return Buffer.from(JSON.stringify(partial ? { partialSuccess: { rejectedSpans: String(rejected), errorMessage: partial.errorMessage } } : {}));
  }
  const message = ExportTraceServiceResponse.create(partial ? { partialSuccess: partial } : {});
  const bytes = ExportTraceServiceResponse.encode(message).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
