import { setMaxListeners } from 'node:events';
import type { DropReason, IngestEvent, SpanEvent } from '@wisp/protocol';
import type { ExporterStats, FlushResult, SpanExporter } from '../exporter.js';
import { encodeEntries, prepareRequests, requestBytes, splitRequest, type EncodedRequest } from './batch-encoder.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import * as D from './defaults.js';
import { ExportCounters } from './export-stats.js';
import { compressBody, isCompression, type Compression } from './compress-body.js';
import type { QueueEntry } from './queue-entry.js';
import { withRetries } from './retrying-transport.js';
import { SpanQueue } from './span-queue.js';
import type { Transport } from './transport.js';
import type { WireFormat } from './wire-format.js';

/** Tuning of the queue, batching, sending and retry budget; shared by every exporter. */
export interface ExportPipelineOptions {
  /** Queue cap by estimated bytes. @default 67108864 (64 MiB, `DEFAULT_MAX_QUEUE_BYTES`) */
  maxQueueBytes?: number;
  /** Queue cap by count of events. @default 100000 (`DEFAULT_MAX_QUEUE_EVENTS`) */
  maxQueueEvents?: number;
  /** Events per batch. @default 1000 (`DEFAULT_MAX_BATCH_EVENTS`) */
  maxBatchEvents?: number;
  /** Estimated bytes per batch. @default 4194304 (4 MiB, `DEFAULT_MAX_BATCH_BYTES`) */
  maxBatchBytes?: number;
  /** How long a partial batch waits for company. @default 100 (`DEFAULT_LINGER_MS`) */
  lingerMs?: number;
  /** Requests in flight at once. @default 4 (`DEFAULT_MAX_CONCURRENT_REQUESTS`) */
  maxConcurrentRequests?: number;
  /** Per-attempt deadline in ms. @default 10000 (`DEFAULT_REQUEST_TIMEOUT_MS`) */
  requestTimeoutMs?: number;
  /**
   * Body compression: `br` (brotli, quality 1), `gzip` (level 1) or `none`. When the backend
   * answers 415 to brotli, the exporter switches to gzip and resends. @default the format's
   * (`br` for the native exporter, `gzip` for OTLP)
   */
  compression?: Compression;
  /** Compress bodies above this many bytes. @default 1024 (`DEFAULT_COMPRESS_ABOVE_BYTES`) */
  compressAboveBytes?: number;
  /** Response bytes read at most. @default 262144 (`DEFAULT_MAX_RESPONSE_BYTES`) */
  maxResponseBytes?: number;
  /** Request body limit before compression. @default 20971520 (`DEFAULT_MAX_REQUEST_BYTES`) */
  maxRequestBytes?: number;
  /** Serialized event limit. @default 4194304 (`DEFAULT_MAX_EVENT_BYTES`) */
  maxEventBytes?: number;
  /** Requests per batch before `retries_exhausted`. @default 6 (`DEFAULT_MAX_ATTEMPTS`) */
  maxAttempts?: number;
  /** Ms since a batch's first attempt before `retries_exhausted`. @default 120000 (`DEFAULT_MAX_RETRY_AGE_MS`) */
  maxRetryAgeMs?: number;
  /** Consecutive failures that open the breaker. @default 5 (`DEFAULT_BREAKER_FAILURE_THRESHOLD`) */
  breakerFailureThreshold?: number;
  /** Deadline of `flush()`/`shutdown()` without an argument. @default 5000 (`DEFAULT_FLUSH_TIMEOUT_MS`) */
  flushTimeoutMs?: number;
  /** Internal errors go here, never to the app. @default ignore */
  onError?: (error: unknown) => void;
  /** Time source (tests inject a fake clock). @default systemClock */
  clock?: Clock;
  /** Randomness for backoff jitter. @default Math.random */
  random?: () => number;
}

export type ResolvedPipelineOptions = Required<ExportPipelineOptions>;

export function resolvePipelineOptions(o: ExportPipelineOptions, defaultCompression: Compression = 'gzip'): ResolvedPipelineOptions {
  return {
    // An unknown value (from untyped JavaScript) would label a body with an encoding it is not in.
    compression: isCompression(o.compression) ? o.compression : defaultCompression,
    maxQueueBytes: o.maxQueueBytes ?? D.DEFAULT_MAX_QUEUE_BYTES,
    maxQueueEvents: o.maxQueueEvents ?? D.DEFAULT_MAX_QUEUE_EVENTS,
    maxBatchEvents: o.maxBatchEvents ?? D.DEFAULT_MAX_BATCH_EVENTS,
    maxBatchBytes: o.maxBatchBytes ?? D.DEFAULT_MAX_BATCH_BYTES,
    lingerMs: o.lingerMs ?? D.DEFAULT_LINGER_MS,
    maxConcurrentRequests: o.maxConcurrentRequests ?? D.DEFAULT_MAX_CONCURRENT_REQUESTS,
    requestTimeoutMs: o.requestTimeoutMs ?? D.DEFAULT_REQUEST_TIMEOUT_MS,
    compressAboveBytes: o.compressAboveBytes ?? D.DEFAULT_COMPRESS_ABOVE_BYTES,
    maxResponseBytes: o.maxResponseBytes ?? D.DEFAULT_MAX_RESPONSE_BYTES,
    maxRequestBytes: o.maxRequestBytes ?? D.DEFAULT_MAX_REQUEST_BYTES,
    maxEventBytes: o.maxEventBytes ?? D.DEFAULT_MAX_EVENT_BYTES,
    maxAttempts: o.maxAttempts ?? D.DEFAULT_MAX_ATTEMPTS,
    maxRetryAgeMs: o.maxRetryAgeMs ?? D.DEFAULT_MAX_RETRY_AGE_MS,
    breakerFailureThreshold: o.breakerFailureThreshold ?? D.DEFAULT_BREAKER_FAILURE_THRESHOLD,
    flushTimeoutMs: o.flushTimeoutMs ?? D.DEFAULT_FLUSH_TIMEOUT_MS,
    onError: o.onError ?? (() => {}),
    clock: o.clock ?? systemClock,
    random: o.random ?? Math.random,
  };
}

/** Entries taken from the queue and not yet sent or dropped. */
interface InFlightBatch {
  entries: QueueEntry[];
  minSeq: number;
  open: number;
}

interface FlushWaiter {
  mark: number;
  check(): void;
}

type Settlement = 'sent' | DropReason;

/**
 * The export core shared by every exporter: queue → batch (full or linger) → encode and compress off
 * the caller's tick → send (bounded concurrency, retries, breaker, 413 split) → account. The
 * exporter supplies only a wire format and a transport.
 */
export class ExportPipeline implements SpanExporter {
  readonly options: ResolvedPipelineOptions;
  private readonly clock: Clock;
  private readonly counters = new ExportCounters();
  private readonly queue: SpanQueue;
  private readonly breaker: CircuitBreaker;
  private readonly send: Transport;
  private readonly abort = new AbortController();
  private readonly batches = new Set<InFlightBatch>();
  private readonly waiters = new Set<FlushWaiter>();
  private inFlightSpans = 0;
  private busySlots = 0;
  /** Entries with a smaller seq may leave in a partial batch (a linger passed, or a flush asked). */
  private dueSeq = 0;
  private lingerTimer: TimerHandle | undefined;
  private drainTimer: TimerHandle | undefined;
  private closed = false;
  /** The compression in use: the option's, until the backend refuses brotli (then gzip). */
  private compression: Compression;
  private shutdownResult: Promise<FlushResult> | undefined;

  constructor(
    private readonly format: WireFormat,
    transport: Transport,
    options: ExportPipelineOptions = {},
    /**
     * Makes the final self-report, once, after shutdown's flush delivered everything else (so it
     * counts what was sent); it is then sent within what is left of the deadline.
     */
    private readonly finalReport?: () => { event: IngestEvent; bytes: number } | undefined,
  ) {
    this.options = resolvePipelineOptions(options, format.defaultCompression);
    this.compression = this.options.compression;
    if (options.compression !== undefined && !isCompression(options.compression)) {
      this.options.onError(new Error(`wisp: compression ${JSON.stringify(options.compression)} is not br, gzip or none; using ${this.compression}`));
    }
    this.clock = this.options.clock;
    // Every request and retry wait listens to this one signal; their number is bounded by the slots.
    setMaxListeners(0, this.abort.signal);
    this.queue = new SpanQueue(
      { maxBytes: this.options.maxQueueBytes, maxEvents: this.options.maxQueueEvents },
      this.counters,
    );
    this.breaker = new CircuitBreaker(this.clock, this.options.breakerFailureThreshold, () => this.drainSoon());
    this.send = withRetries(transport, {
      clock: this.clock,
      breaker: this.breaker,
      maxAttempts: this.options.maxAttempts,
      maxRetryAgeMs: this.options.maxRetryAgeMs,
      random: this.options.random,
      onFailedAttempt: (outcome) => this.counters.failRequest(outcome.cause),
    });
  }

  enqueue(event: IngestEvent | SpanEvent, bytes: number): void {
    try {
      if (this.closed) {
        this.refuse(event);
        return;
      }
      const queue = this.queue;
      queue.push(event, bytes);
      if (this.batchFull()) this.drainSoon();
      else if (this.lingerTimer === undefined) this.armLinger();
    } catch (error) {
      this.options.onError(error);
    }
  }

  stats(): ExporterStats {
    return this.counters.snapshot(this.queue.spans, this.queue.bytes, this.inFlightSpans, this.breaker.state);
  }

  flush(timeoutMs = this.options.flushTimeoutMs): Promise<FlushResult> {
    const started = this.clock.now();
    const mark = this.queue.seqMark;
    this.dueSeq = Math.max(this.dueSeq, mark);
    this.drainSoon();
    return new Promise<FlushResult>((resolve) => {
      const finish = (done: boolean) => {
        this.waiters.delete(waiter);
        deadline.cancel();
        const s = this.stats();
        resolve({ done, remaining: done ? 0 : s.queued + s.inFlight, elapsedMs: this.clock.now() - started });
      };
      const waiter: FlushWaiter = { mark, check: () => !this.pendingBefore(mark) && finish(true) };
      const deadline = this.clock.setTimer(() => finish(false), Math.max(0, timeoutMs));
      this.waiters.add(waiter);
      waiter.check();
    });
  }

  shutdown(timeoutMs = this.options.flushTimeoutMs): Promise<FlushResult> {
    this.shutdownResult ??= this.doShutdown(timeoutMs);
    return this.shutdownResult;
  }

  private async doShutdown(timeoutMs: number): Promise<FlushResult> {
    const started = this.clock.now();
    this.closed = true;
    let result = await this.flush(timeoutMs);
    const left = timeoutMs - (this.clock.now() - started);
    if (result.done && left > 0 && this.finalReport) {
      // Built after the flush, so that it reports what was sent; sent within the same deadline.
      try {
        const report = this.finalReport();
        if (report) {
          this.queue.push(report.event, report.bytes);
          result = await this.flush(left);
        }
      } catch (error) {
        this.options.onError(error);
      }
    }
    // Past the deadline (or done): whatever is left is lost, and counted as such.
    this.abort.abort();
    for (const batch of this.batches) this.settleAll(batch, 'shutdown');
    this.dropQueued('shutdown');
    this.lingerTimer?.cancel();
    this.drainTimer?.cancel();
    return { ...result, elapsedMs: this.clock.now() - started };
  }

  private refuse(event: IngestEvent): void {
    const c = this.counters;
    c.enqueued++;
    if (event.type === 'span' && (event.phase === 'end' || event.phase === 'full')) {
      c.created++;
      c.drop('shutdown', 1);
    } else c.auxDropped++;
  }

  private dropQueued(reason: DropReason): void {
    for (const entry of this.queue.takeAll()) {
      if (entry.span) this.counters.drop(reason, 1);
      else this.counters.auxDropped++;
    }
  }

  /** Like a producer's linger: the batch opened by the first waiting event leaves with everything that joined it. */
  private armLinger(): void {
    this.lingerTimer = this.clock.setTimer(() => {
      this.lingerTimer = undefined;
      this.dueSeq = Math.max(this.dueSeq, this.queue.seqMark);
      this.drain();
    }, this.options.lingerMs);
  }

  private drainSoon(): void {
    if (this.drainTimer !== undefined) return;
    this.drainTimer = this.clock.setTimer(() => {
      this.drainTimer = undefined;
      this.drain();
    }, 0);
  }

  /** A batch may leave now: enough events or bytes, or enough big payloads (see BIG_PAYLOAD_BATCH_BYTES). */
  private batchFull(): boolean {
    const o = this.options;
    const { events, bytes } = this.queue;
    if (events >= o.maxBatchEvents || bytes >= o.maxBatchBytes) return true;
    return bytes >= D.BIG_PAYLOAD_BATCH_BYTES && this.bigPayloads();
  }

  private bigPayloads(): boolean {
    return this.queue.bytes >= this.queue.events * D.BIG_PAYLOAD_EVENT_BYTES;
  }

  /** Starts as many batches as slots, the breaker and batching allow. */
  private drain(): void {
    const o = this.options;
    const queue = this.queue;
    while (this.busySlots < o.maxConcurrentRequests && queue.events > 0 && !this.abort.signal.aborted) {
      if (!this.batchFull() && queue.oldestSeq >= this.dueSeq) break;
      // While the backend is down, one batch at a time waits at the breaker (it becomes the probe);
      // the rest stays queued, unserialized.
      if (!this.breaker.acceptsTraffic() && this.busySlots > 0) break;
      const maxBytes = this.bigPayloads() ? Math.min(o.maxBatchBytes, D.BIG_PAYLOAD_BATCH_BYTES) : o.maxBatchBytes;
      this.startBatch(queue.take(o.maxBatchEvents, maxBytes));
    }
    if (queue.events > 0 && this.lingerTimer === undefined && !this.closed) this.armLinger();
  }

  private startBatch(entries: QueueEntry[]): void {
    let spans = 0;
    let minSeq = Infinity;
    for (const entry of entries) {
      if (entry.span) spans++;
      if (entry.seq < minSeq) minSeq = entry.seq;
    }
    const batch: InFlightBatch = { entries, minSeq, open: entries.length };
    this.inFlightSpans += spans;
    this.batches.add(batch);
    this.busySlots++;
    this.deliver(batch)
      .catch((error: unknown) => {
        this.options.onError(error);
        this.settleAll(batch, 'serialize_failed');
      })
      .finally(() => {
        if (batch.open > 0) {
          this.options.onError(new Error('wisp: export batch ended with unsettled events'));
          this.settleAll(batch, 'serialize_failed');
        }
        this.busySlots--;
        this.batches.delete(batch);
        this.drain();
        this.notifyWaiters();
      });
  }

  private async deliver(batch: InFlightBatch): Promise<void> {
    const o = this.options;
    const encoded = await encodeEntries(batch.entries, this.format, o);
    this.counters.payloadsShed += encoded.trimmed;
    for (const { entry, reason } of encoded.dropped) this.settle(batch, entry, reason);
    for (const entry of encoded.skipped) this.settle(batch, entry, 'sent');
    await prepareRequests(encoded.requests, this.format);
    await Promise.all(encoded.requests.map((request) => this.sendRequest(batch, request)));
  }

  private async sendRequest(batch: InFlightBatch, request: EncodedRequest): Promise<void> {
    const raw = await requestBytes(request, this.format);
    const { body, encoding } = await compressBody(raw, this.compression, this.options.compressAboveBytes);
    const headers: Record<string, string> = { 'content-type': this.format.contentType };
    if (encoding) headers['content-encoding'] = encoding;
    const outcome = await this.send({ body, headers, signal: this.abort.signal });
    if (outcome.kind === 'failure' && outcome.status === 415 && encoding === 'br') {
      // A backend (an older collector, a proxy) that does not take brotli: gzip from now on.
      if (this.compression === 'br') {
        this.compression = 'gzip';
        this.options.onError(new Error('wisp: the backend refused brotli (415); compressing with gzip from now on'));
      }
      await this.sendRequest(batch, request);
    } else if (outcome.kind === 'success') {
      this.settleAnswered(batch, request.entries, this.format.rejections(outcome.body));
    } else if (outcome.kind === 'failure' && outcome.status === 413) {
      if (request.entries.length === 1) this.settle(batch, request.entries[0]!, 'too_large');
      else await Promise.all(splitRequest(request, this.format).map((half) => this.sendRequest(batch, half)));
    } else if (outcome.kind === 'failure') {
      for (const entry of request.entries) this.settle(batch, entry, 'rejected');
    } else {
      const reason = this.abort.signal.aborted ? 'shutdown' : 'retries_exhausted';
      for (const entry of request.entries) this.settle(batch, entry, reason);
    }
  }

  private settleAnswered(batch: InFlightBatch, entries: QueueEntry[], rejections: { indexes?: number[]; count: number }): void {
    const rejected = new Set<number>(rejections.indexes ?? []);
    // Without indexes, which ones were rejected is unknown: count the first `count` spans.
    for (let i = 0, extra = rejections.count - rejected.size; i < entries.length && extra > 0; i++) {
      if (!rejected.has(i) && entries[i]!.span) {
        rejected.add(i);
        extra--;
      }
    }
    entries.forEach((entry, i) => this.settle(batch, entry, rejected.has(i) ? 'rejected' : 'sent'));
  }

  private settleAll(batch: InFlightBatch, outcome: Settlement): void {
    for (const entry of batch.entries) this.settle(batch, entry, outcome);
  }

  /** Moves one entry out of "in flight", exactly once. */
  private settle(batch: InFlightBatch, entry: QueueEntry, outcome: Settlement): void {
    if (entry.settled) return;
    entry.settled = true;
    batch.open--;
    if (entry.span) {
      this.inFlightSpans--;
      if (outcome === 'sent') this.counters.sent++;
      else this.counters.drop(outcome, 1);
    } else if (outcome !== 'sent') this.counters.auxDropped++;
    if (batch.open === 0) {
      this.batches.delete(batch);
      this.notifyWaiters();
    }
  }

  private pendingBefore(mark: number): boolean {
    if (this.queue.oldestSeq < mark) return true;
    for (const batch of this.batches) if (batch.open > 0 && batch.minSeq < mark) return true;
    return false;
  }

  private notifyWaiters(): void {
    for (const waiter of this.waiters) waiter.check();
  }
}
