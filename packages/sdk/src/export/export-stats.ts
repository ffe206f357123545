import { DROP_REASONS, type DropReason } from '@wisp/protocol';
import type { ExporterStats } from '../exporter.js';

/**
 * The counters behind `ExporterStats`. Spans move between exactly one of queued, in flight, sent
 * and dropped, so `created === sent + queued + inFlight + sum(dropped)` holds at every instant.
 * Queued and in-flight counts are owned by the queue and the pipeline; this holds the rest.
 */
export class ExportCounters {
  created = 0;
  sent = 0;
  readonly dropped: Record<DropReason, number> = Object.fromEntries(
    DROP_REASONS.map((r) => [r, 0]),
  ) as Record<DropReason, number>;
  readonly failedRequests: Record<string, number> = {};
  enqueued = 0;
  merged = 0;
  payloadsShed = 0;
  auxDropped = 0;

  drop(reason: DropReason, spans: number): void {
    this.dropped[reason] += spans;
  }

  failRequest(cause: string): void {
    this.failedRequests[cause] = (this.failedRequests[cause] ?? 0) + 1;
  }

  snapshot(queued: number, queuedBytes: number, inFlight: number, circuit: ExporterStats['circuit']): ExporterStats {
    return {
      created: this.created,
      sent: this.sent,
      queued,
      inFlight,
      dropped: { ...this.dropped },
      failedRequests: { ...this.failedRequests },
      events: {
        enqueued: this.enqueued,
        merged: this.merged,
        payloadsShed: this.payloadsShed,
        auxDropped: this.auxDropped,
      },
      queuedBytes,
      circuit,
    };
  }
}

/** Sum of the drop counters. */
export function totalDropped(stats: Pick<ExporterStats, 'dropped'>): number {
  let n = 0;
  for (const v of Object.values(stats.dropped)) n += v;
  return n;
}
