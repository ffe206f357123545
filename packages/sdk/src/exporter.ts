/**
 * The seam between the tracer (which builds span events on the caller's tick) and the exporters
 * (which queue, batch, encode and send them in the background). Each exporter owns its queue, so a
 * slow exporter never delays another.
 */
import type { SpanEvent } from '@wisp/protocol';

/** Why an exporter dropped span events; one counter per reason. Mirrors DROP_REASONS. */
export type { DropReason } from '@wisp/protocol';

/**
 * Accounting of one exporter, in spans. A span counts as created when its end (or merged full)
 * event is enqueued; `start`/`update` events are auxiliary and counted under `events` only.
 * Invariant at every instant: `created === sent + queued + inFlight + sum(dropped)`.
 */
export interface ExporterStats {
  created: number;
  sent: number;
  queued: number;
  inFlight: number;
  dropped: Record<string, number>;
  /** Export requests that failed, by cause (`timeout`, `network`, `http_503`, ...). */
  failedRequests: Record<string, number>;
  /** Events of every phase: enqueued, merged in the queue (start+end), payloads shed under pressure. */
  events: { enqueued: number; merged: number; payloadsShed: number; auxDropped: number };
  /** Bytes currently held by the queue (estimate). */
  queuedBytes: number;
  /** `closed` normally; `open` while the backend is considered down; `half-open` while probing. */
  circuit: 'closed' | 'open' | 'half-open';
}

/** What `flush()` and `shutdown()` report: never a rejection. */
export interface FlushResult {
  /** True when everything enqueued before the call was delivered or dropped with a reason. */
  done: boolean;
  /** Spans still queued or in flight when the deadline passed (0 when done). */
  remaining: number;
  /** Milliseconds the call took. */
  elapsedMs: number;
}

export interface SpanExporter {
  /**
   * Hot path: called synchronously on the caller's tick for every span event. Must not throw,
   * perform I/O, await, or serialize the whole event. `bytes` is the tracer's estimate of the
   * event's serialized size (payload snapshots are already bounded).
   */
  enqueue(event: SpanEvent, bytes: number): void;
  /** Sends what is queued; resolves (never rejects) by the deadline. */
  flush(timeoutMs?: number): Promise<FlushResult>;
  /** Flushes, then stops: later enqueues are dropped as `shutdown`. Never rejects. */
  shutdown(timeoutMs?: number): Promise<FlushResult>;
  stats(): ExporterStats;
}
