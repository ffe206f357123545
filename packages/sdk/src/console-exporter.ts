/**
 * An exporter for debugging: one JSON line per span event, to stdout or appended to a file
 * (JSONL). Writing happens in the background through a stream, from a bounded buffer; events that
 * do not fit are dropped and counted, like every other loss.
 */
import { createWriteStream } from 'node:fs';
import type { SpanEvent } from '@wisp/protocol';
import type { ExporterStats, FlushResult, SpanExporter } from './exporter.js';
import { emptyExporterStats } from './stats.js';

export interface ConsoleExporterOptions {
  /** Append JSON lines to this file instead of writing to stdout. */
  path?: string;
  /** Write to this stream instead (tests, custom sinks). Takes precedence over `path`. */
  stream?: NodeJS.WritableStream;
  /** Events buffered while the stream is busy; beyond that they are dropped as `queue_full`. @default 10000 */
  maxQueueEvents?: number;
}

export const DEFAULT_CONSOLE_MAX_QUEUE_EVENTS = 10_000;
/** Events written per stream write. */
const LINES_PER_WRITE = 256;

/**
 * @example
 * const wisp = new Wisp({ exporters: [new ConsoleExporter({ path: './spans.jsonl' })] });
 */
export class ConsoleExporter implements SpanExporter {
  private readonly stream: NodeJS.WritableStream;
  private readonly ownsStream: boolean;
  private readonly maxQueue: number;
  private queue: SpanEvent[] = [];
  private readonly c: ExporterStats = emptyExporterStats();
  private scheduled = false;
  private waitingForDrain = false;
  private isShutDown = false;
  private broken = false;
  private waiters: Array<() => void> = [];

  constructor(options: ConsoleExporterOptions = {}) {
    if (options.stream !== undefined) {
      this.stream = options.stream;
      this.ownsStream = false;
    } else if (options.path !== undefined) {
      this.stream = createWriteStream(options.path, { flags: 'a' });
      this.ownsStream = true;
    } else {
      this.stream = process.stdout;
      this.ownsStream = false;
    }
    this.stream.on('error', () => {
      // A broken sink (EPIPE, disk full): drop what is queued, counted, and stop writing.
      this.broken = true;
      this.dropQueued('rejected');
    });
    const max = options.maxQueueEvents;
    this.maxQueue = typeof max === 'number' && max > 0 ? max : DEFAULT_CONSOLE_MAX_QUEUE_EVENTS;
  }

  enqueue(event: SpanEvent, _bytes: number): void {
    const complete = isComplete(event);
    this.c.events.enqueued++;
    if (complete) this.c.created++;
    if (this.isShutDown || this.broken || this.queue.length >= this.maxQueue) {
      const reason = this.isShutDown ? 'shutdown' : this.broken ? 'rejected' : 'queue_full';
      if (complete) this.c.dropped[reason] = (this.c.dropped[reason] ?? 0) + 1;
      else this.c.events.auxDropped++;
      return;
    }
    this.queue.push(event);
    if (complete) this.c.queued++;
    this.schedule();
  }

  async flush(timeoutMs = 5_000): Promise<FlushResult> {
    const started = performance.now();
    const deadline = started + Math.max(0, timeoutMs);
    while (!this.idle() && !this.broken && performance.now() < deadline) {
      await this.progress(deadline - performance.now());
    }
    const remaining = this.broken ? 0 : this.c.queued + this.c.inFlight;
    return { done: remaining === 0, remaining, elapsedMs: Math.round(performance.now() - started) };
  }

  async shutdown(timeoutMs = 5_000): Promise<FlushResult> {
    if (this.isShutDown) return { done: true, remaining: 0, elapsedMs: 0 };
    this.isShutDown = true;
    const result = await this.flush(timeoutMs);
    this.dropQueued('shutdown');
    if (this.ownsStream) this.stream.end();
    return result;
  }

  stats(): ExporterStats {
    const c = this.c;
    return { ...c, dropped: { ...c.dropped }, failedRequests: { ...c.failedRequests }, events: { ...c.events }, queuedBytes: 0 };
  }

  private idle(): boolean {
    return this.queue.length === 0 && this.c.inFlight === 0;
  }

  private schedule(): void {
    if (this.scheduled || this.waitingForDrain) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.write();
    }).unref();
  }

  private write(): void {
    if (this.broken || this.queue.length === 0) return;
    const batch = this.queue.splice(0, LINES_PER_WRITE);
    let text = '';
    let spans = 0;
    for (const e of batch) {
      const complete = isComplete(e);
      if (complete) this.c.queued--;
      try {
        text += JSON.stringify(e) + '\n';
        if (complete) spans++;
      } catch {
        if (complete) this.c.dropped.serialize_failed = (this.c.dropped.serialize_failed ?? 0) + 1;
      }
    }
    this.c.inFlight += spans;
    const ok = this.stream.write(text, (err) => {
      this.c.inFlight -= spans;
      if (err) this.c.dropped.rejected = (this.c.dropped.rejected ?? 0) + spans;
      else this.c.sent += spans;
      this.notify();
    });
    if (ok) {
      if (this.queue.length > 0) this.schedule();
    } else {
      this.waitingForDrain = true;
      this.stream.once('drain', () => {
        this.waitingForDrain = false;
        this.schedule();
      });
    }
  }

  private dropQueued(reason: 'shutdown' | 'rejected'): void {
    let spans = 0;
    for (const e of this.queue) if (isComplete(e)) spans++;
    this.queue = [];
    this.c.queued -= spans;
    if (spans > 0) this.c.dropped[reason] = (this.c.dropped[reason] ?? 0) + spans;
    this.notify();
  }

  private progress(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(1, ms));
      timer.unref();
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

function isComplete(e: SpanEvent): boolean {
  return e.phase === 'end' || e.phase === 'full';
}
