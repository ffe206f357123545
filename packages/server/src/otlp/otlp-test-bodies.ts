/**
 * Builders of OTLP request bodies for the decoder's tests: one span description, encoded as OTLP/JSON
 * or as protobuf (through the same message definitions the decoder uses).
 */
import { ExportTraceServiceRequest } from './otlp-proto.js';

export const TRACE_ID = '5b8efff798038103d269b633813fc60c';
export const SPAN_ID = 'eee19b7ec3c1b174';
export const PARENT_ID = 'eee19b7ec3c1b173';
/** 2026-11-22T10:00:00.123456789Z in nanoseconds. */
export const START_NANOS = 1_795_341_600_123_456_789n;
export const START_MS = 1_795_341_600_123.456;

export interface TestEvent {
  name: string;
  timeNanos?: bigint;
  attributes?: Record<string, unknown>;
}

export interface TestSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  kind?: number;
  startNanos?: bigint;
  endNanos?: bigint;
  attributes?: Record<string, unknown>;
  events?: TestEvent[];
  status?: { code?: number; message?: string };
}

/** An OTLP/JSON AnyValue for a JS value. */
export function anyValue(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'bigint') return { intValue: value.toString() };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  if (typeof value === 'object' && value !== null) {
    return { kvlistValue: { values: Object.entries(value).map(([key, v]) => ({ key, value: anyValue(v) })) } };
  }
  return {};
}

export function keyValues(attributes: Record<string, unknown> | undefined): Array<{ key: string; value: unknown }> {
  return Object.entries(attributes ?? {}).map(([key, value]) => ({ key, value: anyValue(value) }));
}

function jsonSpan(span: TestSpan): Record<string, unknown> {
  const start = span.startNanos ?? START_NANOS;
  return {
    traceId: span.traceId ?? TRACE_ID,
    spanId: span.spanId ?? SPAN_ID,
    parentSpanId: span.parentSpanId ?? '',
    name: span.name ?? 'test span',
    kind: span.kind ?? 1,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(span.endNanos ?? start + 2_000_000_000n),
    attributes: keyValues(span.attributes),
    events: (span.events ?? []).map((e) => ({ name: e.name, timeUnixNano: String(e.timeNanos ?? start), attributes: keyValues(e.attributes) })),
    status: span.status ?? {},
  };
}

export function jsonRequest(spans: TestSpan[], resource: Record<string, unknown> = { 'service.name': 'test-service' }): Record<string, unknown> {
  return {
    resourceSpans: [{ resource: { attributes: keyValues(resource) }, scopeSpans: [{ scope: { name: 'test-scope', version: '1.0.0' }, spans: spans.map(jsonSpan) }] }],
  };
}

export function jsonBody(spans: TestSpan[], resource?: Record<string, unknown>): Buffer {
  return Buffer.from(JSON.stringify(jsonRequest(spans, resource)));
}

/** The same request as protobuf: hex ids become bytes, int values int64, times fixed64. */
export function protobufBody(spans: TestSpan[], resource?: Record<string, unknown>): Buffer {
  const json = jsonRequest(spans, resource);
  const toProto = (value: unknown, key?: string): unknown => {
    if (Array.isArray(value)) return value.map((v) => toProto(v));
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = toProto(v, k);
      return out;
    }
    if (typeof value === 'string' && (key === 'traceId' || key === 'spanId' || key === 'parentSpanId')) {
      return Buffer.from(value, 'hex').toString('base64');
    }
    return value;
  };
  const message = ExportTraceServiceRequest.fromObject(toProto(json) as Record<string, unknown>);
  return Buffer.from(ExportTraceServiceRequest.encode(message).finish());
}
