import type { IngestEvent, SpanEvent } from '@wisp/protocol';

/**
 * One slot of the queue. Merging is lazy: the hot path only links a span's later events to its
 * queued start, and the encoder builds the merged event off the caller's tick. Events are never
 * mutated, since the same event object may sit in the queues of several exporters.
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
}

/** Estimated size of an event whose input and output were shed. */
export const SKELETON_BYTES = 512;

/** The event to send for an entry: start, updates and end folded into one (later fields win). */
export function mergedEvent(entry: QueueEntry): IngestEvent {
  const first = entry.event;
  if (first.type !== 'span' || (!entry.updates && !entry.end && !entry.shed)) return first;
  const merged: SpanEvent = { ...first };
  for (const update of entry.updates ?? []) assignDefined(merged, update);
  merged.phase = first.phase;
  if (entry.end) {
    assignDefined(merged, entry.end);
    merged.phase = 'full';
  }
  if (entry.shed) return withoutPayloads(merged, 'queue_pressure');
  return merged;
}

/** A copy of `event` without input/output, noting why in metadata so the dashboard can say so. */
export function withoutPayloads(event: SpanEvent, why: string): SpanEvent {
  const copy: SpanEvent = { ...event };
  delete copy.input;
  delete copy.output;
  if (copy.trace && (copy.trace.input !== undefined || copy.trace.output !== undefined)) {
    copy.trace = { ...copy.trace };
    delete copy.trace.input;
    delete copy.trace.output;
  }
  copy.metadata = { ...copy.metadata, 'wisp.payloads_dropped': why };
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

function assignDefined(target: SpanEvent, source: SpanEvent): void {
  const t = target as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(source)) if (value !== undefined) t[key] = value;
}
