import type { IngestEvent, SpanEvent } from '@wisp/protocol';

/**
 * One slot of the queue. A span's end that finds its start queued is folded into it at once (one
 * fixed-shape `full` event, see SpanQueue.push); with updates in between, or once the slot was
 * shed, merging is lazy: the hot path only links the later events and the encoder builds the
 * merged event off the caller's tick. Events are never mutated, since the same event object may
 * sit in the queues of several exporters.
 */
export interface QueueEntry {
  /** The first event of the entry: a span start, update or end, or an `sdk_report`. */
  event: IngestEvent;
  /** Updates of the span that arrived while its start was queued. */
  updates?: SpanEvent[];
  /** The span's end, when it arrived while its start was queued (the entry becomes `full`). */
  end?: SpanEvent;
  /** Estimated serialized size. */
  bytes: number;
  /** True when the entry carries an end (it counts as a span); false for auxiliary events. */
  span: boolean;
  /** Payloads (input/output) were shed under memory pressure; the encoder leaves them out. */
  shed: boolean;
  /** Enqueue order, so that `flush()` knows when everything before it has left. */
  seq: number;
  /** Set once the entry left the pipeline (sent or dropped), so it is counted exactly once. */
  settled?: boolean;
}

/** Stands in for the events of an entry once they are encoded and no longer needed. */
const RELEASED: SpanEvent = Object.freeze({ type: 'span', phase: 'update', traceId: '', spanId: '', time: 0 });

/** Drops the entry's references to its events (it keeps only what accounting needs). */
export function releaseEvents(entry: QueueEntry): void {
  entry.event = RELEASED;
  entry.end = undefined;
  entry.updates = undefined;
}

/**
 * Memory an event holds beyond its serialized size (its objects and the queue slot), added to the
 * tracer's estimate so that the byte cap bounds the heap, not only the wire size. Measured: a
 * small span's end event and its slot hold about 600 bytes for an estimate of about 360.
 */
export const EVENT_OVERHEAD_BYTES = 256;
/** Memory of one queued event whose input and output were shed (measured: about 560 bytes). */
export const SKELETON_EVENT_BYTES = 640;

/** Estimated memory of an entry once its payloads are shed. */
export function skeletonBytes(entry: QueueEntry): number {
  return SKELETON_EVENT_BYTES * (1 + (entry.end ? 1 : 0) + (entry.updates?.length ?? 0));
}

/**
 * The event to send for an entry: start, updates and end folded into one (later fields win), with
 * phase `full`; or the end itself, unchanged, when it already carries everything the start said.
 */
export function mergedEvent(entry: QueueEntry): IngestEvent {
  const first = entry.event;
  if (first.type !== 'span' || (!entry.updates && !entry.end)) return first;
  if (entry.end && !entry.updates) {
    // An end that covers its start already replaced it in the queue (SpanQueue.push). The usual
    // start + end: the end's fields, and what only the start said (its input, the trace
    // attributes). One literal of fixed shape: cheaper than a spread and a keyed fill.
    return mergeStartEnd(first, entry.end);
  }
  const merged: SpanEvent = { ...first };
  for (const update of entry.updates ?? []) assignDefined(merged, update);
  merged.phase = first.phase;
  if (entry.end) {
    assignDefined(merged, entry.end);
    merged.phase = 'full';
  }
  return merged;
}

/** Replaces the entry's events by copies without input/output, so the payloads can be collected. */
export function shedPayloads(entry: QueueEntry): void {
  entry.shed = true;
  if (entry.event.type === 'span') entry.event = withoutPayloads(entry.event, 'queue_pressure');
  if (entry.end) entry.end = withoutPayloads(entry.end, 'queue_pressure');
  if (entry.updates) entry.updates = entry.updates.map((u) => withoutPayloads(u, 'queue_pressure'));
}

/** A copy of `event` without input/output, noting why in metadata so the dashboard can say so. */
export function withoutPayloads(event: SpanEvent, why: string): SpanEvent {
  // A spread of the whole object keeps its shape (a small, fast object); rest destructuring or
  // `delete` would make a dictionary several times bigger. Undefined fields are not serialized.
  const copy: SpanEvent = { ...event };
  copy.input = undefined;
  copy.output = undefined;
  copy.metadata = { ...event.metadata, 'wisp.payloads_dropped': why };
  if (event.trace && (event.trace.input !== undefined || event.trace.output !== undefined)) {
    copy.trace = { ...event.trace };
    copy.trace.input = undefined;
    copy.trace.output = undefined;
  }
  return copy;
}

export function hasPayload(event: IngestEvent | undefined): boolean {
  if (!event || event.type !== 'span') return false;
  return (
    event.input !== undefined ||
    event.output !== undefined ||
    event.trace?.input !== undefined ||
    event.trace?.output !== undefined
  );
}

/** True when every field `start` sets is also set by `end` (which then wins on all of them). */
export function covers(end: SpanEvent, start: SpanEvent): boolean {
  const e = end as unknown as Record<string, unknown>;
  const s = start as unknown as Record<string, unknown>;
  for (const key in s) if (s[key] !== undefined && e[key] === undefined) return false;
  return true;
}

function assignDefined(target: SpanEvent, source: SpanEvent): void {
  const t = target as unknown as Record<string, unknown>;
  const s = source as unknown as Record<string, unknown>;
  // for-in over a plain object uses V8's enum cache: several times cheaper than Object.entries.
  for (const key in s) {
    const value = s[key];
    if (value !== undefined) t[key] = value;
  }
}

/**
 * True when the event carries none of the fields the plain event shape leaves out. Span.emitEnd
 * checks the same fields on a span and builds the same 16-field literal, in the same key order, so
 * that both are one hidden class (a test in queue-entry.test.ts compares the two).
 */
function isPlainEvent(x: SpanEvent): boolean {
  return (
    x.level === undefined && x.statusMessage === undefined && x.error === undefined && x.metadata === undefined &&
    x.provider === undefined && x.model === undefined && x.modelParameters === undefined && x.usage === undefined &&
    x.cost === undefined && x.completionStartTime === undefined && x.stream === undefined
  );
}

/** A span's start and end as one `full` event: the end's fields, and the start's where the end has none. */
export function mergeStartEnd(s: SpanEvent, e: SpanEvent): SpanEvent {
  if (isPlainEvent(s) && isPlainEvent(e)) {
    // Most spans: the literal without the fields neither event has (fewer keys for JSON.stringify
    // to visit; the same second shape as Span's own plain end event).
    return {
      type: 'span',
      phase: 'full',
      traceId: e.traceId,
      spanId: e.spanId,
      parentId: e.parentId !== undefined ? e.parentId : s.parentId,
      time: e.time,
      name: e.name !== undefined ? e.name : s.name,
      kind: e.kind !== undefined ? e.kind : s.kind,
      startTime: e.startTime !== undefined ? e.startTime : s.startTime,
      endTime: e.endTime !== undefined ? e.endTime : s.endTime,
      status: e.status !== undefined ? e.status : s.status,
      input: e.input !== undefined ? e.input : s.input,
      output: e.output !== undefined ? e.output : s.output,
      // Undefined here, but present: withoutPayloads() sets it on a copy (see Span's plain end event).
      metadata: undefined,
      trace: e.trace !== undefined ? e.trace : s.trace,
      service: e.service !== undefined ? e.service : s.service,
    };
  }
  return {
    type: 'span',
    phase: 'full',
    traceId: e.traceId,
    spanId: e.spanId,
    parentId: e.parentId !== undefined ? e.parentId : s.parentId,
    time: e.time,
    name: e.name !== undefined ? e.name : s.name,
    kind: e.kind !== undefined ? e.kind : s.kind,
    startTime: e.startTime !== undefined ? e.startTime : s.startTime,
    endTime: e.endTime !== undefined ? e.endTime : s.endTime,
    status: e.status !== undefined ? e.status : s.status,
    level: e.level !== undefined ? e.level : s.level,
    statusMessage: e.statusMessage !== undefined ? e.statusMessage : s.statusMessage,
    error: e.error !== undefined ? e.error : s.error,
    input: e.input !== undefined ? e.input : s.input,
    output: e.output !== undefined ? e.output : s.output,
    metadata: e.metadata !== undefined ? e.metadata : s.metadata,
    provider: e.provider !== undefined ? e.provider : s.provider,
    model: e.model !== undefined ? e.model : s.model,
    modelParameters: e.modelParameters !== undefined ? e.modelParameters : s.modelParameters,
    usage: e.usage !== undefined ? e.usage : s.usage,
    cost: e.cost !== undefined ? e.cost : s.cost,
    completionStartTime: e.completionStartTime !== undefined ? e.completionStartTime : s.completionStartTime,
    stream: e.stream !== undefined ? e.stream : s.stream,
    trace: e.trace !== undefined ? e.trace : s.trace,
    service: e.service !== undefined ? e.service : s.service,
  };
}
