import { WispError } from '../errors.js';
import { field, fromJsonAttributes, jsonInt64 } from './any-value.js';
import { OTLP_VALUE_LIMITS } from './otlp-span.js';
import type { OtlpEvent, OtlpLink, OtlpReadResult, OtlpSpan } from './otlp-span.js';

type JsonObject = Record<string, unknown>;

const HEX = /^[0-9a-fA-F]*$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * An id from OTLP/JSON: hex per the spec, base64 tolerated (some exporters apply protobuf's
 * canonical JSON mapping). Hex wins when the string is valid hex of the expected length.
 */
export function jsonId(value: unknown, expectedBytes: number): Uint8Array | null {
  if (value === undefined || value === null || value === '') return new Uint8Array(0);
  if (typeof value !== 'string' || value.length > 64) return null;
  if (value.length === expectedBytes * 2 && HEX.test(value)) return Buffer.from(value, 'hex');
  if (BASE64.test(value)) {
    const buf = Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
    if (buf.length === expectedBytes) return buf;
  }
  return null;
}

function nanos(value: unknown): bigint | null {
  const n = jsonInt64(value);
  return n !== null && n >= 0n ? n : null;
}

const SPAN_KINDS: Readonly<Record<string, number>> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODES: Readonly<Record<string, number>> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

/** An enum as the spec's integer or as its name (with or without the prefix). */
function enumValue(value: unknown, names: Readonly<Record<string, number>>, prefix: string): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string') {
    const upper = value.trim().toUpperCase();
    const n = names[upper] ?? names[prefix + upper];
    if (n !== undefined) return n;
    if (/^\d+$/.test(upper)) return Number(upper);
  }
  return 0;
}

function readSpan(span: unknown): OtlpSpan {
  const s = isObject(span) ? span : {};
  const rawAttributes = list(s.attributes);
  const attributes = fromJsonAttributes(rawAttributes);
  const rawEvents = list(s.events);
  const events: OtlpEvent[] = [];
  for (let i = 0; i < rawEvents.length && i < OTLP_VALUE_LIMITS.maxEvents; i++) {
    const e = rawEvents[i];
    if (!isObject(e)) continue;
    events.push({
      name: typeof e.name === 'string' ? e.name : '',
      timeNanos: nanos(field(e, 'timeUnixNano', 'time_unix_nano')),
      attributes: fromJsonAttributes(e.attributes),
    });
  }
  const links: OtlpLink[] = [];
  for (const link of list(s.links).slice(0, OTLP_VALUE_LIMITS.maxLinks)) {
    if (!isObject(link)) continue;
    links.push({ traceId: jsonId(field(link, 'traceId', 'trace_id'), 16), spanId: jsonId(field(link, 'spanId', 'span_id'), 8) });
  }
  const status = isObject(s.status) ? s.status : {};
  const dropped = (key: string, snake: string): number => {
    const v = field(s, key, snake);
    return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : 0;
  };
  const name = s.name;
  const statusMessage = status.message;
  return {
    traceId: jsonId(field(s, 'traceId', 'trace_id'), 16),
    spanId: jsonId(field(s, 'spanId', 'span_id'), 8),
    parentSpanId: jsonId(field(s, 'parentSpanId', 'parent_span_id'), 8),
    name: typeof name === 'string' ? name : '',
    kind: enumValue(s.kind, SPAN_KINDS, 'SPAN_KIND_'),
    startNanos: nanos(field(s, 'startTimeUnixNano', 'start_time_unix_nano')),
    endNanos: nanos(field(s, 'endTimeUnixNano', 'end_time_unix_nano')),
    attributes,
    droppedAttributesCount: dropped('droppedAttributesCount', 'dropped_attributes_count') + Math.max(0, rawAttributes.length - attributes.length),
    events,
    droppedEventsCount: dropped('droppedEventsCount', 'dropped_events_count') + Math.max(0, rawEvents.length - events.length),
    links,
    statusCode: enumValue(status.code, STATUS_CODES, 'STATUS_CODE_'),
    statusMessage: typeof statusMessage === 'string' ? statusMessage : '',
  };
}

/**
 * Parses an OTLP/JSON ExportTraceServiceRequest. Throws `WISP_ERR_BAD_JSON` for a body that is not
 * JSON and `WISP_ERR_INVALID_BATCH` for JSON that is not a request (not an object, or
 * `resourceSpans` not an array); anything wrong inside a span is left for the mapper.
 */
export function readJson(body: Uint8Array): OtlpReadResult {
  let parsed: unknown;
  try {
    const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
    // Some clients (Windows tooling) prefix a byte-order mark, which JSON.parse refuses.
    parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new WispError('WISP_ERR_BAD_JSON', `The body is not valid JSON: ${err instanceof Error ? err.message : String(err)}.`, { cause: err });
  }
  if (!isObject(parsed)) {
    throw new WispError('WISP_ERR_INVALID_BATCH', 'An OTLP/JSON body must be an ExportTraceServiceRequest object: {"resourceSpans": [...]}.');
  }
  const resourceSpans = field(parsed, 'resourceSpans', 'resource_spans');
  if (resourceSpans !== undefined && !Array.isArray(resourceSpans)) {
    throw new WispError('WISP_ERR_INVALID_BATCH', '`resourceSpans` must be an array.');
  }
  const result: OtlpReadResult = { groups: [] };
  for (const rs of list(resourceSpans)) {
    if (!isObject(rs)) continue;
    const resource = isObject(rs.resource) ? fromJsonAttributes(rs.resource.attributes) : [];
    const scopes = [...list(field(rs, 'scopeSpans', 'scope_spans')), ...list(field(rs, 'instrumentationLibrarySpans', 'instrumentation_library_spans'))];
    for (const ss of scopes) {
      if (!isObject(ss)) continue;
      const spans = list(ss.spans).map(readSpan);
      if (spans.length === 0) continue;
      const scopeRaw = ss.scope ?? field(ss, 'instrumentationLibrary', 'instrumentation_library');
      const scope = isObject(scopeRaw) ? scopeRaw : {};
      result.groups.push({
        context: {
          resource,
          scopeName: typeof scope.name === 'string' ? scope.name : '',
          scopeVersion: typeof scope.version === 'string' ? scope.version : '',
        },
        spans,
      });
    }
  }
  return result;
}
