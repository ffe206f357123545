import { WispError } from '../errors.js';
import { fromProtobufAttributes, longToBigInt } from './any-value.js';
import type { PbKeyValue } from './any-value.js';
import { ExportTraceServiceRequest } from './otlp-proto.js';
import { OTLP_VALUE_LIMITS } from './otlp-span.js';
import type { OtlpEvent, OtlpLink, OtlpReadResult, OtlpSpan } from './otlp-span.js';

// Shapes of the decoded protobufjs messages, as far as the reader relies on them.
interface PbEvent {
  timeUnixNano?: unknown;
  name?: string;
  attributes?: PbKeyValue[];
}
interface PbLink {
  traceId?: Uint8Array;
  spanId?: Uint8Array;
}
interface PbSpan {
  traceId?: Uint8Array;
  spanId?: Uint8Array;
  parentSpanId?: Uint8Array;
  name?: string;
  kind?: number;
  startTimeUnixNano?: unknown;
  endTimeUnixNano?: unknown;
  attributes?: PbKeyValue[];
  droppedAttributesCount?: number;
  events?: PbEvent[];
  droppedEventsCount?: number;
  links?: PbLink[];
  status?: { code?: number; message?: string } | null;
}
interface PbScopeSpans {
  scope?: { name?: string; version?: string } | null;
  spans?: PbSpan[];
}
interface PbResourceSpans {
  resource?: { attributes?: PbKeyValue[] } | null;
  scopeSpans?: PbScopeSpans[];
  instrumentationLibrarySpans?: PbScopeSpans[];
}

function nanos(value: unknown): bigint | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : null;
  if (typeof value === 'object' && value !== null && 'low' in value && 'high' in value) {
    return longToBigInt(value as { low: number; high: number }, true);
  }
  return null;
}

function bytes(value: Uint8Array | undefined): Uint8Array | null {
  return value instanceof Uint8Array ? value : null;
}

function readSpan(span: PbSpan): OtlpSpan {
  const attributes = fromProtobufAttributes(span.attributes);
  const events: OtlpEvent[] = [];
  const pbEvents = span.events ?? [];
  for (let i = 0; i < pbEvents.length && i < OTLP_VALUE_LIMITS.maxEvents; i++) {
    const e = pbEvents[i];
    if (!e) continue;
    events.push({ name: String(e.name ?? ''), timeNanos: nanos(e.timeUnixNano), attributes: fromProtobufAttributes(e.attributes) });
  }
  const links: OtlpLink[] = [];
  for (const link of (span.links ?? []).slice(0, OTLP_VALUE_LIMITS.maxLinks)) {
    links.push({ traceId: bytes(link.traceId), spanId: bytes(link.spanId) });
  }
  return {
    traceId: bytes(span.traceId),
    spanId: bytes(span.spanId),
    parentSpanId: bytes(span.parentSpanId) ?? new Uint8Array(0),
    name: String(span.name ?? ''),
    kind: typeof span.kind === 'number' ? span.kind : 0,
    startNanos: nanos(span.startTimeUnixNano),
    endNanos: nanos(span.endTimeUnixNano),
    attributes,
    droppedAttributesCount: (span.droppedAttributesCount ?? 0) + Math.max(0, (span.attributes?.length ?? 0) - attributes.length),
    events,
    droppedEventsCount: (span.droppedEventsCount ?? 0) + Math.max(0, pbEvents.length - events.length),
    links,
    statusCode: typeof span.status?.code === 'number' ? span.status.code : 0,
    statusMessage: String(span.status?.message ?? ''),
  };
}

/**
 * Decodes an OTLP/HTTP protobuf ExportTraceServiceRequest. Throws `WISP_ERR_BAD_PROTOBUF` when the
 * bytes are not a well-formed message (wire-level damage cannot be pinned to one span); per-span
 * problems are left for the mapper to reject span by span.
 */
export function readProtobuf(body: Uint8Array): OtlpReadResult {
  let request: { resourceSpans?: PbResourceSpans[] };
  try {
    request = ExportTraceServiceRequest.decode(body) as unknown as { resourceSpans?: PbResourceSpans[] };
  } catch (err) {
    const detail =
      err instanceof RangeError && /call stack/i.test(err.message)
        ? 'values are nested too deeply'
        : err instanceof Error
          ? err.message
          : String(err);
    throw new WispError('WISP_ERR_BAD_PROTOBUF', `The body is not a valid OTLP ExportTraceServiceRequest: ${detail}.`, { cause: err });
  }
  const result: OtlpReadResult = { groups: [] };
  for (const rs of request.resourceSpans ?? []) {
    const resource = fromProtobufAttributes(rs.resource?.attributes);
    for (const ss of [...(rs.scopeSpans ?? []), ...(rs.instrumentationLibrarySpans ?? [])]) {
      const spans = (ss.spans ?? []).map(readSpan);
      if (spans.length === 0) continue;
      result.groups.push({
        context: { resource, scopeName: String(ss.scope?.name ?? ''), scopeVersion: String(ss.scope?.version ?? '') },
        spans,
      });
    }
  }
  return result;
}
