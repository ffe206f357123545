/**
 * One OTLP span as both readers (protobuf and JSON) hand it to the mapper: ids as bytes, times as
 * exact bigint nanoseconds, attribute values already converted to bounded JS values. Whatever the
 * reader could not make sense of is left null/empty, and the mapper rejects the span, so one bad
 * span never costs the others.
 */
export interface OtlpAttribute {
  key: string;
  value: unknown;
}

export interface OtlpEvent {
  name: string;
  timeNanos: bigint | null;
  attributes: OtlpAttribute[];
}

export interface OtlpLink {
  traceId: Uint8Array | null;
  spanId: Uint8Array | null;
}

export interface OtlpSpan {
  traceId: Uint8Array | null;
  spanId: Uint8Array | null;
  /** Empty (length 0) for a root span. */
  parentSpanId: Uint8Array | null;
  name: string;
  /** OTLP SpanKind number (0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer). */
  kind: number;
  startNanos: bigint | null;
  endNanos: bigint | null;
  attributes: OtlpAttribute[];
  droppedAttributesCount: number;
  events: OtlpEvent[];
  droppedEventsCount: number;
  links: OtlpLink[];
  /** OTLP StatusCode number (0 unset, 1 ok, 2 error). */
  statusCode: number;
  statusMessage: string;
}

/** What spans of one resource and scope share. */
export interface OtlpScopeContext {
  resource: OtlpAttribute[];
  scopeName: string;
  scopeVersion: string;
}

/** A reader's output: spans grouped by the resource and scope they share. */
export interface OtlpReadResult {
  groups: Array<{ context: OtlpScopeContext; spans: OtlpSpan[] }>;
}

/** Limits on what one span may bring in; beyond them values are truncated and counts kept. */
export const OTLP_VALUE_LIMITS = {
  /** Nesting depth of one attribute value (arrays and key-value lists). */
  maxValueDepth: 8,
  /** Elements of one array or key-value list value. */
  maxValueItems: 1_000,
  /** Characters of one string value kept at all (bigger strings are cut and marked). */
  maxStringChars: 1_048_576,
  /** Attributes of one span, resource or event considered. */
  maxAttributes: 1_000,
  /** Span events considered per span. */
  maxEvents: 1_000,
  /** Links kept per span. */
  maxLinks: 32,
} as const;
