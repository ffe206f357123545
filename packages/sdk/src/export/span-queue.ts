import type { IngestEvent, SpanEvent } from '@wisp/protocol';
import type { ExportCounters } from './export-stats.js';
import {
  covers,
  EVENT_OVERHEAD_BYTES,
  hasPayload,
  mergeStartEnd,
  shedPayloads,
  SKELETON_EVENT_BYTES,
  skeletonBytes,
  withoutPayloads,
  type QueueEntry,
} from './queue-entry.js';

export interface SpanQueueLimits {
  /** Cap on the estimated bytes held. */
  maxBytes: number;
  /** Cap on the number of entries held. */
  maxEvents: number;
}

/**
 * Estimated bytes a start and its end merged into one event need less than the two apart: one
 * event's in-memory overhead, and the tracer's fixed per-event estimate (ids, times, field names).
 */
const MERGE_SAVING_BYTES = EVENT_OVERHEAD_BYTES + 200;
/** Compact the backing array once this many taken slots sit before the head. */
const COMPACT_AFTER = 4096;

/**
 * The bounded queue between the caller's tick and the sender. `push` is O(1) amortized: no I/O,
 * no serialization, no await. Under byte pressure it sheds the payloads of the oldest queued
 * entries first and drops span skeletons (newest first) only when that is not enough.
 */
export class SpanQueue {
  private items: Array<QueueEntry | undefined> = [];
  private head = 0;
  /** Entries before this index have been considered for shedding already. */
  private shedCursor = 0;
  /** Queued start entries by span id, so that the span's update and end merge into them. */
  private readonly openStarts = new Map<string, QueueEntry>();
  private nextSeq = 0;
  /** Entries held. */
  events = 0;
  /** Entries held that count as spans. */
  spans = 0;
  /** Estimated bytes held. */
  bytes = 0;

  constructor(
    private readonly limits: SpanQueueLimits,
    private readonly counters: ExportCounters,
  ) {}

  /** Seq number the next pushed entry will get; everything pushed before has a smaller one. */
  get seqMark(): number {
    return this.nextSeq;
  }

  /** Seq of the oldest entry held, or Infinity when empty. */
  get oldestSeq(): number {
    return this.head < this.items.length ? this.items[this.head]!.seq : Infinity;
  }

  push(event: IngestEvent, bytes: number): void {
    const c = this.counters;
    c.enqueued++;
    bytes += EVENT_OVERHEAD_BYTES;
    if (event.type !== 'span') {
      this.append(event, bytes, false);
      return;
    }
    const phase = event.phase;
    if (phase === 'end' || phase === 'full') {
      c.created++;
      const start = phase === 'end' ? this.openStarts.get(event.spanId) : undefined;
      if (start) {
        this.openStarts.delete(event.spanId);
        start.span = true;
        this.spans++;
        c.merged++;
        const first = start.event as SpanEvent;
        if (!start.updates && !start.shed) {
          // Ends from the tracer leave out an input their start carried: not covering, known at once.
          if ((event.input !== undefined || first.input === undefined) && covers(event, first)) {
            // The end says everything its start said: keep only the end.
            start.event = event;
            this.resize(start, bytes);
            return;
          }
          // The usual start + end: one `full` event now, so that the slot holds one event object,
          // not two (a 100,000-span burst must fit in the byte cap), and the pair's fixed costs
          // (ids, times, names, the slot's overhead) are counted once.
          start.event = mergeStartEnd(first, event);
          this.resize(start, Math.max(start.bytes, bytes, start.bytes + bytes - MERGE_SAVING_BYTES));
          return;
        }
        start.end = start.shed ? withoutPayloads(event, 'queue_pressure') : event;
        this.grow(start, bytes);
        return;
      }
      this.append(event, bytes, true);
      return;
    }
    if (phase === 'update') {
      const start = this.openStarts.get(event.spanId);
      if (start) {
        (start.updates ??= []).push(start.shed ? withoutPayloads(event, 'queue_pressure') : event);
        c.merged++;
        this.grow(start, bytes);
        return;
      }
    }
    const entry = this.append(event, bytes, false);
    if (entry && phase === 'start') this.openStarts.set(event.spanId, entry);
  }

  /** Removes and returns up to `maxEvents` entries whose estimated bytes stay within `maxBytes`. */
  take(maxEvents: number, maxBytes: number): QueueEntry[] {
    const out: QueueEntry[] = [];
    let bytes = 0;
    while (this.head < this.items.length && out.length < maxEvents) {
      const entry = this.items[this.head]!;
      if (out.length > 0 && bytes + entry.bytes > maxBytes) break;
      this.items[this.head++] = undefined;
      bytes += entry.bytes;
      this.release(entry);
      out.push(entry);
    }
    this.compact();
    return out;
  }

  /** Removes and returns everything held. */
  takeAll(): QueueEntry[] {
    return this.take(Infinity, Infinity);
  }

  private append(event: IngestEvent, bytes: number, span: boolean): QueueEntry | undefined {
    let shed = false;
    if (this.events >= this.limits.maxEvents) return this.reject(span);
    if (!this.makeRoom(bytes)) {
      // Keep the skeleton of the incoming span if its payloads were what did not fit.
      if (event.type !== 'span' || !hasPayload(event) || !this.makeRoom(SKELETON_EVENT_BYTES)) return this.reject(span);
      shed = true;
      event = withoutPayloads(event, 'queue_pressure');
      bytes = SKELETON_EVENT_BYTES;
      this.counters.payloadsShed++;
    }
    const entry: QueueEntry = { event, bytes, span, shed, seq: this.nextSeq++ };
    this.items.push(entry);
    this.events++;
    this.bytes += bytes;
    if (span) this.spans++;
    return entry;
  }

  private grow(entry: QueueEntry, bytes: number): void {
    if (!entry.shed && !this.makeRoom(bytes)) {
      this.shed(entry);
      return;
    }
    // A shed entry took its new event without payloads: only a skeleton is added.
    if (entry.shed) bytes = SKELETON_EVENT_BYTES;
    entry.bytes += bytes;
    this.bytes += bytes;
  }

  /** Gives an entry a new size (its start was replaced by its end). */
  private resize(entry: QueueEntry, bytes: number): void {
    const delta = bytes - entry.bytes;
    if (delta > 0) {
      this.grow(entry, delta);
      return;
    }
    entry.bytes += delta;
    this.bytes += delta;
  }

  private reject(span: boolean): undefined {
    if (span) this.counters.drop('queue_full', 1);
    else this.counters.auxDropped++;
    return undefined;
  }

  /** Sheds payloads of queued entries, oldest first, until `bytes` more fit. */
  private makeRoom(bytes: number): boolean {
    const max = this.limits.maxBytes;
    if (this.bytes + bytes <= max) return true;
    if (this.shedCursor < this.head) this.shedCursor = this.head;
    while (this.bytes + bytes > max && this.shedCursor < this.items.length) {
      const entry = this.items[this.shedCursor++]!;
      if (!entry.shed && entry.bytes > skeletonBytes(entry) && entryHasPayload(entry)) this.shed(entry);
    }
    return this.bytes + bytes <= max;
  }

  private shed(entry: QueueEntry): void {
    shedPayloads(entry);
    this.counters.payloadsShed++;
    const freed = entry.bytes - Math.min(entry.bytes, skeletonBytes(entry));
    entry.bytes -= freed;
    this.bytes -= freed;
  }

  private release(entry: QueueEntry): void {
    this.events--;
    this.bytes -= entry.bytes;
    if (entry.span) this.spans--;
    else if (entry.event.type === 'span' && this.openStarts.get(entry.event.spanId) === entry) {
      this.openStarts.delete(entry.event.spanId);
    }
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.shedCursor = Math.max(0, this.shedCursor - this.head);
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.shedCursor = Math.max(0, this.shedCursor - this.head);
      this.head = 0;
    }
  }
}

function entryHasPayload(entry: QueueEntry): boolean {
  if (hasPayload(entry.event) || hasPayload(entry.end)) return true;
  return entry.updates?.some((u) => hasPayload(u)) ?? false;
}
