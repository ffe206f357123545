/**
 * The parts of OpenTelemetry JS's `ReadableSpan` and `SpanProcessor` the bridge reads, as
 * structural types: `@wisp/sdk` never imports `@opentelemetry/*`. Both the 1.x shape
 * (`parentSpanId`, `instrumentationLibrary`) and the 2.x shape (`parentSpanContext`,
 * `instrumentationScope`) are accepted.
 */

/** Seconds and nanoseconds since the epoch. */
export type HrTime = [number, number];

export type AttributeValue = string | number | boolean | ReadonlyArray<string | number | boolean | null | undefined>;
export type Attributes = Readonly<Record<string, AttributeValue | undefined>>;

export interface OtelSpanContext {
  traceId: string;
  spanId: string;
  traceFlags?: number;
  traceState?: { serialize(): string };
}

export interface OtelSpanEvent {
  name: string;
  time?: HrTime;
  attributes?: Attributes;
}

export interface ReadableSpanLike {
  name: string;
  /** OTel JS `SpanKind`: 0 internal, 1 server, 2 client, 3 producer, 4 consumer. */
  kind?: number;
  spanContext(): OtelSpanContext;
  parentSpanContext?: OtelSpanContext;
  parentSpanId?: string;
  startTime: HrTime;
  endTime: HrTime;
  /** 0 unset, 1 ok, 2 error. */
  status?: { code?: number; message?: string };
  attributes?: Attributes;
  links?: ReadonlyArray<{ context?: OtelSpanContext; attributes?: Attributes }>;
  events?: readonly OtelSpanEvent[];
  resource?: { attributes?: Attributes };
  instrumentationScope?: { name?: string; version?: string };
  instrumentationLibrary?: { name?: string; version?: string };
  droppedAttributesCount?: number;
  droppedEventsCount?: number;
  droppedLinksCount?: number;
}
