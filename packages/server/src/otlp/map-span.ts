import { createHash } from 'node:crypto';
import type { AttributeEntries, ErrorInfo, Level, SpanEvent, SpanEventView, TraceAttributes } from '@wisp/protocol';
import {
  AttributeBag,
  LEVELS,
  MAX_TIMESTAMP_MS,
  MIN_TIMESTAMP_MS,
  TOOL_NAME_KEYS,
  mapEvents,
  mapGeneration,
  mapIo,
  mapKind,
  mapTraceIdentity,
  parseJsonish,
} from '@wisp/protocol';
import type { OtlpAttribute, OtlpEvent, OtlpSpan } from './otlp-span.js';
import type { SpanContext } from './span-context.js';
import { OTLP_JSON_BOUNDS, boundMetadata, boundPayload } from './bounds.js';

/** Events beyond this many per span are not turned into child observations (their count is kept). */
const MAX_EVENT_CHILDREN = 100;
const MAX_NAME_CHARS = 1_000;
const SPAN_KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

export type MappedSpan = { ok: true; events: SpanEvent[] } | { ok: false; reason: string };

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function isZero(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0) return false;
  return true;
}

/** Epoch ms with microsecond precision from exact nanoseconds (never through a lossy double). */
export function nanosToMs(nanos: bigint): number {
  return Number(nanos / 1000n) / 1000;
}

function validTime(ms: number): boolean {
  return ms >= MIN_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS;
}

function short(value: string | undefined): string | undefined {
  return value === undefined ? undefined : value.slice(0, MAX_NAME_CHARS);
}

function entries(attributes: readonly OtlpAttribute[]): AttributeEntries {
  return attributes.map(({ key, value }) => [key, value] as const);
}

function eventView(event: OtlpEvent): SpanEventView<bigint> {
  return { name: event.name, time: event.timeNanos ?? undefined, attributes: entries(event.attributes) };
}

/** A stable id for a span event's child observation, so a replayed export maps to the same rows. */
function eventSpanId(traceId: string, spanId: string, index: number, event: OtlpEvent): string {
  const id = createHash('sha256')
    .update(`${traceId}/${spanId}/${index}/${event.timeNanos ?? ''}/${event.name}`)
    .digest('hex')
    .slice(0, 16);
  return id === '0000000000000000' ? '0000000000000001' : id;
}

function validate(span: OtlpSpan): string | { traceId: string; spanId: string; parentId?: string; start: number; end: number } {
  const { traceId, spanId, parentSpanId } = span;
  if (!traceId || traceId.length !== 16 || isZero(traceId)) return 'trace_id must be 16 bytes and not all zero';
  if (!spanId || spanId.length !== 8 || isZero(spanId)) return 'span_id must be 8 bytes and not all zero';
  if (parentSpanId === null || (parentSpanId.length !== 0 && parentSpanId.length !== 8)) return 'parent_span_id must be empty or 8 bytes';
  if (span.startNanos === null || span.startNanos === 0n) return 'start_time_unix_nano is missing';
  if (span.endNanos === null || span.endNanos === 0n) return 'end_time_unix_nano is missing';
  const start = nanosToMs(span.startNanos);
  const end = nanosToMs(span.endNanos);
  if (!validTime(start)) return 'start_time_unix_nano is outside 2000-01-01..2100-01-01';
  if (!validTime(end)) return 'end_time_unix_nano is outside 2000-01-01..2100-01-01';
  if (span.endNanos < span.startNanos) return 'end_time_unix_nano is before start_time_unix_nano';
  const out: { traceId: string; spanId: string; parentId?: string; start: number; end: number } = {
    traceId: hex(traceId),
    spanId: hex(spanId),
    start,
    end,
  };
  // An all-zero parent id is what some exporters send for "no parent".
  if (parentSpanId.length === 8 && !isZero(parentSpanId)) out.parentId = hex(parentSpanId);
  return out;
}

/**
 * Maps one OTLP span to Wisp span events (phase `full`): the span itself, then one child of kind
 * `event` per span event that no rule consumed. Returns the reason instead when the span is invalid.
 */
export function mapSpan(span: OtlpSpan, context: SpanContext): MappedSpan {
  const ids = validate(span);
  if (typeof ids === 'string') return { ok: false, reason: ids };
  const { traceId, spanId, start, end } = ids;

  const bag = new AttributeBag(entries(span.attributes));
  const kind = mapKind(bag);
  const generation = mapGeneration(bag, OTLP_JSON_BOUNDS);
  const io = mapIo(bag, kind, OTLP_JSON_BOUNDS);
  const fromEvents = mapEvents(span.events, eventView, OTLP_JSON_BOUNDS);

  const event: SpanEvent = { type: 'span', phase: 'full', traceId, spanId, time: end, kind, startTime: start, endTime: end, status: 'ok' };
  if (ids.parentId) event.parentId = ids.parentId;

  let name = short(span.name) || '(unnamed span)';
  const toolName = short(kind === 'tool' ? bag.takeString(...TOOL_NAME_KEYS) : undefined);
  const renamedFrom = toolName !== undefined && toolName !== name ? name : undefined;
  if (toolName !== undefined) name = toolName;
  event.name = name;

  if (generation.provider) event.provider = generation.provider;
  if (generation.model) event.model = generation.model;
  if (generation.modelParameters) event.modelParameters = generation.modelParameters;
  if (generation.usage) event.usage = generation.usage;

  const input = io.input ?? (fromEvents.inputMessages.length > 0 ? fromEvents.inputMessages : undefined);
  const output = io.output ?? (fromEvents.outputMessages.length > 0 ? fromEvents.outputMessages : undefined);
  if (input !== undefined) event.input = boundPayload(input);
  if (output !== undefined) event.output = boundPayload(output);

  // Time to first token: an attribute (seconds or ms after start), a first-token event, or Langfuse's
  // absolute timestamp; kept only when it falls within the span.
  let firstToken: number | undefined;
  if (generation.timeToFirstTokenMs !== undefined) firstToken = start + generation.timeToFirstTokenMs;
  else if (fromEvents.firstTokenTime !== undefined) firstToken = nanosToMs(fromEvents.firstTokenTime);
  else {
    const iso = bag.takeString('langfuse.observation.completion_start_time');
    const parsed = iso === undefined ? Number.NaN : Date.parse(iso.replace(/^"|"$/g, ''));
    if (!Number.isNaN(parsed)) firstToken = parsed;
  }
  if (firstToken !== undefined && firstToken >= start && firstToken <= end) event.completionStartTime = firstToken;

  // Status and error.
  const level = bag.takeString('langfuse.observation.level')?.toLowerCase();
  if (level !== undefined && (LEVELS as readonly string[]).includes(level)) event.level = level as Level;
  const langfuseMessage = bag.takeString('langfuse.observation.status_message');
  if (span.statusCode === 2) {
    const exception = fromEvents.exceptions[0];
    const errorType = bag.takeString('error.type');
    const attrType = bag.takeString('exception.type');
    const attrMessage = bag.takeString('exception.message');
    const attrStack = bag.takeString('exception.stacktrace');
    const type = exception?.type ?? attrType ?? errorType ?? 'Error';
    const error: ErrorInfo = {
      type: type.slice(0, MAX_NAME_CHARS),
      message: exception?.message ?? attrMessage ?? (span.statusMessage || type),
    };
    const stack = exception?.stack ?? attrStack;
    if (stack !== undefined) error.stack = stack;
    event.status = 'error';
    event.level = 'error';
    event.error = error;
  }
  const statusMessage = span.statusMessage || langfuseMessage;
  if (statusMessage) event.statusMessage = statusMessage.slice(0, 4096);

  // Trace-level attributes.
  const trace: TraceAttributes = mapTraceIdentity(bag, OTLP_JSON_BOUNDS);
  const traceName = short(bag.takeString('langfuse.trace.name'));
  const release = short(bag.takeString('langfuse.release', 'service.version')) ?? context.release;
  const environment = short(bag.takeString('langfuse.environment', 'deployment.environment.name', 'deployment.environment')) ?? context.environment;
  if (traceName) trace.name = traceName;
  else if (!ids.parentId) trace.name = name;
  if (release) trace.release = release;
  if (environment) trace.environment = environment;
  const traceInput = bag.take('langfuse.trace.input');
  const traceOutput = bag.take('langfuse.trace.output');
  if (traceInput !== undefined) trace.input = boundPayload(parseJsonish(traceInput, OTLP_JSON_BOUNDS));
  if (traceOutput !== undefined) trace.output = boundPayload(parseJsonish(traceOutput, OTLP_JSON_BOUNDS));
  // As with Wisp's SDK, a trace's input and output default to its root span's.
  if (!ids.parentId) {
    if (trace.input === undefined && event.input !== undefined) trace.input = event.input;
    if (trace.output === undefined && event.output !== undefined) trace.output = event.output;
  }
  if (Object.keys(trace).length > 0) event.trace = trace;
  if (context.service) event.service = context.service;

  // Everything else is metadata.
  const extra: Array<[string, unknown]> = [];
  const oiMetadata = parseJsonish(bag.take('metadata'), OTLP_JSON_BOUNDS);
  if (oiMetadata !== undefined) extra.push(['metadata', oiMetadata]);
  if (renamedFrom !== undefined) extra.push(['otel.span_name', renamedFrom]);
  if (span.kind > 0) extra.push(['otel.span_kind', SPAN_KIND_NAMES[span.kind] ?? String(span.kind)]);
  if (context.scope) extra.push(['otel.scope', context.scope]);
  if (span.links.length > 0) {
    extra.push([
      'otel.links',
      span.links
        .filter((l) => l.traceId?.length === 16 && l.spanId?.length === 8)
        .map((l) => ({ traceId: hex(l.traceId as Uint8Array), spanId: hex(l.spanId as Uint8Array) })),
    ]);
  }
  if (span.droppedAttributesCount > 0) extra.push(['otel.dropped_attributes_count', span.droppedAttributesCount]);
  const droppedEvents = span.droppedEventsCount + Math.max(0, fromEvents.other.length - MAX_EVENT_CHILDREN);
  if (droppedEvents > 0) extra.push(['otel.dropped_events_count', droppedEvents]);
  if (!event.error && fromEvents.exceptions.length > 0) {
    // An exception recorded on a span that did not fail (handled, retried): kept, not an error.
    extra.push(['otel.exceptions', fromEvents.exceptions]);
  }
  if (context.resource) extra.push(['resource', context.resource]);
  // Wisp's own keys first, so that a span with thousands of attributes still carries them.
  const metadata = boundMetadata([...extra, ...bag.rest()]);
  if (metadata) event.metadata = metadata;

  const events: SpanEvent[] = [event];
  for (const { index, event: spanEvent } of fromEvents.other.slice(0, MAX_EVENT_CHILDREN)) {
    const at = spanEvent.timeNanos === null ? start : nanosToMs(spanEvent.timeNanos);
    const time = validTime(at) ? at : start;
    const child: SpanEvent = {
      type: 'span',
      phase: 'full',
      traceId,
      spanId: eventSpanId(traceId, spanId, index, spanEvent),
      parentId: spanId,
      time,
      name: short(spanEvent.name) || '(unnamed event)',
      kind: 'event',
      startTime: time,
      endTime: time,
      status: 'ok',
    };
    const childMetadata = boundMetadata(spanEvent.attributes.map(({ key, value }) => [key, value]));
    if (childMetadata) child.metadata = childMetadata;
    if (context.service) child.service = context.service;
    events.push(child);
  }
  return { ok: true, events };
}
