import type { SpanEvent } from '@wisp/protocol';
import { mapSpan } from './map-span.js';
import type { OtlpReadResult } from './otlp-span.js';
import { readJson } from './read-json.js';
import { readProtobuf } from './read-protobuf.js';
import { spanContext } from './span-context.js';

export type OtlpFormat = 'protobuf' | 'json';

/** The outcome of decoding one `/v1/traces` body. */
export interface OtlpDecodeResult {
  /** Wisp span events (phase `full`): the accepted spans, each followed by its `event` children. */
  spans: SpanEvent[];
  /** OTLP spans rejected as invalid (children of accepted spans are not counted). */
  rejectedSpans: number;
  /** Why spans were rejected (the first few reasons), for the OTLP partial-success answer. */
  errorMessage?: string;
}

const MAX_REASONS = 5;
const MAX_ERROR_MESSAGE_CHARS = 1_024;

/**
 * Decodes an OTLP/HTTP ExportTraceServiceRequest (protobuf or JSON, already decompressed) into Wisp
 * span events. Pure: no I/O, no clock. Invalid spans are rejected one by one and counted; the call
 * throws only when the body as a whole cannot be read.
 *
 * @throws WispError `WISP_ERR_BAD_PROTOBUF` (bytes are not a protobuf request), `WISP_ERR_BAD_JSON`
 * (not JSON), `WISP_ERR_INVALID_BATCH` (JSON that is not a request).
 *
 * @example
 * ```ts
 * const { spans, rejectedSpans, errorMessage } = decodeOtlpTraces(body, 'protobuf');
 * reply.send(encodeOtlpResponse({ rejectedSpans, errorMessage }, 'protobuf'));
 * ```
 */
export function decodeOtlpTraces(body: Buffer, format: OtlpFormat): OtlpDecodeResult {
  const read: OtlpReadResult = format === 'protobuf' ? readProtobuf(body) : readJson(body);
  const spans: SpanEvent[] = [];
  const reasons: string[] = [];
  let rejectedSpans = 0;
  for (const group of read.groups) {
    const context = spanContext(group.context);
    for (const span of group.spans) {
      let mapped;
      try {
        mapped = mapSpan(span, context);
      } catch (err) {
        // A mapping bug must cost one span, not the batch; the reason says so.
        mapped = { ok: false as const, reason: `could not be mapped (${err instanceof Error ? err.message : String(err)})` };
      }
      if (mapped.ok) {
        for (const event of mapped.events) spans.push(event);
      } else {
        rejectedSpans++;
        if (reasons.length < MAX_REASONS) {
          const id = span.spanId && span.spanId.length > 0 ? Buffer.from(span.spanId).toString('hex').slice(0, 32) : '?';
          reasons.push(`span ${id}: ${mapped.reason}`);
        }
      }
    }
  }
  const result: OtlpDecodeResult = { spans, rejectedSpans };
  if (rejectedSpans > 0) {
    const more = rejectedSpans > reasons.length ? ` (and ${rejectedSpans - reasons.length} more)` : '';
    result.errorMessage = `${rejectedSpans} span(s) rejected: ${reasons.join('; ')}${more}`.slice(0, MAX_ERROR_MESSAGE_CHARS);
  }
  return result;
}
