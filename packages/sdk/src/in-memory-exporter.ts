/**
 * An exporter that keeps span events in memory, for tests (yours and ours). Its stats are honest:
 * every span is `sent` (kept) unless it arrives after `shutdown()`, when it is dropped as `shutdown`.
 */
import type { SpanEvent } from '@wisp/protocol';
import type { ExporterStats, FlushResult, SpanExporter } from './exporter.js';
import { emptyExporterStats } from './stats.js';

/** A span as the collector would store it: its events merged in order, later fields winning. */
export type FinishedSpan = Omit<SpanEvent, 'phase'> & { phase: SpanEvent['phase'] };

/**
 * @example
 * const memory = new InMemoryExporter();
 * const wisp = new Wisp({ exporters: [memory] });
 * await wisp.trace('t', async () => {});
 * expect(memory.spans()[0].name).toBe('t');
 */
export class InMemoryExporter implements SpanExporter {
  /** Every event received, in order. */
  readonly events: SpanEvent[] = [];
  private counters: ExporterStats = emptyExporterStats();
  private isShutDown = false;

  enqueue(event: SpanEvent, _bytes: number): void {
    const spanComplete = event.phase === 'end' || event.phase === 'full';
    this.counters.events.enqueued++;
    if (spanComplete) this.counters.created++;
    if (this.isShutDown) {
      if (spanComplete) this.counters.dropped.shutdown = (this.counters.dropped.shutdown ?? 0) + 1;
      else this.counters.events.auxDropped++;
      return;
    }
    this.events.push(event);
    if (spanComplete) this.counters.sent++;
  }

  /** Spans with their events merged (start + updates + end), in the order they started. */
  spans(): FinishedSpan[] {
    const byId = new Map<string, FinishedSpan>();
    for (const e of this.events) {
      const prev = byId.get(e.spanId);
      byId.set(e.spanId, prev === undefined ? { ...e } : mergeEvents(prev, e));
    }
    return [...byId.values()];
  }

  /** The spans of one trace. */
  trace(traceId: string): FinishedSpan[] {
    return this.spans().filter((s) => s.traceId === traceId);
  }

  /** Forgets every event and counter. */
  reset(): void {
    this.events.length = 0;
    this.counters = emptyExporterStats();
  }

  flush(_timeoutMs?: number): Promise<FlushResult> {
    return Promise.resolve({ done: true, remaining: 0, elapsedMs: 0 });
  }

  shutdown(_timeoutMs?: number): Promise<FlushResult> {
    this.isShutDown = true;
    return Promise.resolve({ done: true, remaining: 0, elapsedMs: 0 });
  }

  stats(): ExporterStats {
    const c = this.counters;
    return { ...c, dropped: { ...c.dropped }, failedRequests: { ...c.failedRequests }, events: { ...c.events } };
  }
}

function mergeEvents(prev: FinishedSpan, next: SpanEvent): FinishedSpan {
  const merged: FinishedSpan = { ...prev };
  for (const [k, v] of Object.entries(next)) {
    if (v === undefined) continue;
    // Immutable fields keep their first value, as in the collector.
    if ((k === 'startTime' || k === 'traceId') && merged[k] !== undefined) continue;
    (merged as unknown as Record<string, unknown>)[k] = v;
  }
  // A late start never reverts an ended span to running.
  if (prev.phase === 'end' || prev.phase === 'full') {
    merged.phase = prev.phase;
    merged.status = prev.status;
  }
  return merged;
}
