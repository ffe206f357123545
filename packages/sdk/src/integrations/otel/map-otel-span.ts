/**
 * One ended OTel span to Wisp span events (phase `full`): the span itself, with ids, parent, times,
 * status and the GenAI fields mapped, then one child of kind `event` per span event that no rule
 * consumed. Unmapped attributes are kept as metadata. Payload fields hold raw values here; the
 * processor snapshots them (bounds, redaction, masking) before they leave.
 */
import type { ErrorInfo, JsonBounds, SpanEvent, SpanEventView, TraceAttributes } from '@wisp/protocol';
import {
  AttributeBag,
  DEFAULT_LIMITS,
  SPAN_ID_RE,
  TOOL_NAME_KEYS,
  TRACE_ID_RE,
  mapEvents,
  mapGeneration,
  mapIo,
  mapKind,
  mapTraceIdentity,
  setOwn,
} from '@wisp/protocol';
import { newSpanId } from '../../ids.js';
import { hrTimeToMs } from './hr-time.js';
import { SDK_JSON_BOUNDS } from '../json-value.js';
import type { Attributes, OtelSpanEvent, ReadableSpanLike } from './otel-shapes.js';

/** Span events beyond this many become no child observation (their count is kept). */
const MAX_EVENT_CHILDREN = 100;
const MAX_NAME = DEFAULT_LIMITS.maxNameLength;
/** JSON strings are parsed on the app's tick: up to the SDK's size, no deeper check (the snapshot bounds depth). */
const JSON_BOUNDS: JsonBounds = SDK_JSON_BOUNDS;
const ZERO_TRACE = /^0+$/;
/** OTel JS `SpanKind` values. */
const SPAN_KINDS = ['internal', 'server', 'client', 'producer', 'consumer'];

export interface MapContext {
  serviceName: string;
  release: string | undefined;
  environment: string | undefined;
}

export type MappedOtelSpan = { ok: true; events: SpanEvent[] } | { ok: false; reason: string };

function short(v: string | undefined): string | undefined {
  return v === undefined ? undefined : v.slice(0, MAX_NAME);
}

function entries(attributes: Attributes | undefined): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(attributes ?? {})) if (value !== undefined) out.push([key, value]);
  return out;
}

function record(rest: ReadonlyArray<readonly [string, unknown]>): Record<string, unknown> | undefined {
  if (rest.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of rest) setOwn(out, key, value);
  return out;
}

function eventView(event: OtelSpanEvent): SpanEventView<number> | undefined {
  if (event === null || typeof event !== 'object' || typeof event.name !== 'string') return undefined;
  return { name: event.name, time: hrTimeToMs(event.time), attributes: entries(event.attributes) };
}

function validId(id: unknown, re: RegExp): id is string {
  return typeof id === 'string' && re.test(id) && !ZERO_TRACE.test(id);
}

export function mapOtelSpan(span: ReadableSpanLike, context: MapContext): MappedOtelSpan {
  const ctx = span.spanContext();
  const traceId = ctx?.traceId;
  const spanId = ctx?.spanId;
  if (!validId(traceId, TRACE_ID_RE) || !validId(spanId, SPAN_ID_RE)) return { ok: false, reason: 'trace or span id is not valid hex' };
  const parent = span.parentSpanContext?.spanId ?? span.parentSpanId;
  const parentId = validId(parent, SPAN_ID_RE) ? parent : undefined;
  const start = hrTimeToMs(span.startTime);
  const end = hrTimeToMs(span.endTime);
  if (start === undefined || end === undefined) return { ok: false, reason: 'start or end time is missing or outside 2000..2100' };
  if (end < start) return { ok: false, reason: 'end time is before start time' };

  const attrs = new AttributeBag(entries(span.attributes));
  const kind = mapKind(attrs);
  const generation = mapGeneration(attrs, JSON_BOUNDS);
  const io = mapIo(attrs, kind, JSON_BOUNDS);
  const fromEvents = mapEvents(span.events ?? [], eventView, JSON_BOUNDS);

  let name = short(typeof span.name === 'string' && span.name !== '' ? span.name : undefined) ?? '(unnamed span)';
  const toolName = kind === 'tool' ? short(attrs.takeString(...TOOL_NAME_KEYS)) : undefined;
  const renamedFrom = toolName !== undefined && toolName !== name ? name : undefined;
  if (toolName !== undefined) name = toolName;

  const event: SpanEvent = { type: 'span', phase: 'full', traceId, spanId, parentId, time: end, name, kind, startTime: start, endTime: end, status: 'ok' };
  if (generation.provider !== undefined) event.provider = generation.provider;
  if (generation.model !== undefined) event.model = generation.model;
  if (generation.modelParameters !== undefined) event.modelParameters = generation.modelParameters;
  if (generation.usage !== undefined) event.usage = generation.usage;
  const input = io.input ?? (fromEvents.inputMessages.length > 0 ? fromEvents.inputMessages : undefined);
  const output = io.output ?? (fromEvents.outputMessages.length > 0 ? fromEvents.outputMessages : undefined);
  if (input !== undefined) event.input = input;
  if (output !== undefined) event.output = output;

  // Time to first token: an attribute (relative to the start) or a first-token event; kept only
  // when it falls within the span.
  const firstToken = generation.timeToFirstTokenMs !== undefined ? start + generation.timeToFirstTokenMs : fromEvents.firstTokenTime;
  if (firstToken !== undefined && firstToken >= start && firstToken <= end) event.completionStartTime = firstToken;

  const statusMessage = typeof span.status?.message === 'string' && span.status.message !== '' ? span.status.message : undefined;
  if (span.status?.code === 2) {
    const exception = fromEvents.exceptions[0];
    const type = exception?.type ?? attrs.takeString('exception.type') ?? attrs.takeString('error.type') ?? 'Error';
    const error: ErrorInfo = { type: type.slice(0, MAX_NAME), message: exception?.message ?? attrs.takeString('exception.message') ?? statusMessage ?? type };
    const stack = exception?.stack ?? attrs.takeString('exception.stacktrace');
    if (stack !== undefined) error.stack = stack;
    event.status = 'error';
    event.level = 'error';
    event.error = error;
  }
  if (statusMessage !== undefined) event.statusMessage = statusMessage.slice(0, 4096);

  const trace: TraceAttributes = mapTraceIdentity(attrs, JSON_BOUNDS);
  if (parentId === undefined) {
    trace.name = name;
    if (context.release !== undefined) trace.release = context.release;
    if (context.environment !== undefined) trace.environment = context.environment;
    // As with Wisp's own spans, a trace's input and output default to its root's.
    if (event.input !== undefined) trace.input = event.input;
    if (event.output !== undefined) trace.output = event.output;
  }
  if (Object.keys(trace).length > 0) event.trace = trace;
  event.service = context.serviceName;

  const metadata: Record<string, unknown> = {};
  if (renamedFrom !== undefined) metadata['otel.span_name'] = renamedFrom;
  if (typeof span.kind === 'number' && SPAN_KINDS[span.kind] !== undefined && span.kind !== 0) metadata['otel.span_kind'] = SPAN_KINDS[span.kind];
  const scope = span.instrumentationScope ?? span.instrumentationLibrary;
  if (typeof scope?.name === 'string' && scope.name !== '') metadata['otel.scope'] = scope.version ? `${scope.name}@${scope.version}` : scope.name;
  const links = (span.links ?? [])
    .map((l) => l?.context)
    .filter((c) => validId(c?.traceId, TRACE_ID_RE) && validId(c?.spanId, SPAN_ID_RE))
    .map((c) => ({ traceId: c!.traceId, spanId: c!.spanId }));
  if (links.length > 0) metadata['otel.links'] = links;
  if ((span.droppedAttributesCount ?? 0) > 0) metadata['otel.dropped_attributes_count'] = span.droppedAttributesCount;
  const droppedEvents = (span.droppedEventsCount ?? 0) + Math.max(0, fromEvents.other.length - MAX_EVENT_CHILDREN);
  if (droppedEvents > 0) metadata['otel.dropped_events_count'] = droppedEvents;
  if (event.error === undefined && fromEvents.exceptions.length > 0) metadata['otel.exceptions'] = fromEvents.exceptions;
  const rest = record(attrs.rest());
  event.metadata = rest === undefined ? metadata : { ...metadata, ...rest };
  if (Object.keys(event.metadata).length === 0) event.metadata = undefined;

  const events: SpanEvent[] = [event];
  for (const { event: spanEvent } of fromEvents.other.slice(0, MAX_EVENT_CHILDREN)) {
    const at = hrTimeToMs(spanEvent.time) ?? start;
    const childAttributes = spanEvent.attributes === undefined ? undefined : record(entries(spanEvent.attributes));
    events.push({
      type: 'span',
      phase: 'full',
      traceId,
      spanId: newSpanId(),
      parentId: spanId,
      time: at,
      name: short(spanEvent.name) || '(unnamed event)',
      kind: 'event',
      startTime: at,
      endTime: at,
      status: 'ok',
      metadata: childAttributes,
      service: context.serviceName,
    });
  }
  return { ok: true, events };
}
