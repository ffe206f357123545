/**
 * The bounded write queue in front of the store, with group commit: requests that arrive while a
 * commit is running (or in the same event-loop turn) are written together in one `store.write`
 * transaction, and each request's promise resolves only after the transaction holding its data is
 * durable. When the queue is full the request is refused at once (429, or 503 while the store is
 * failing) so memory stays bounded and the client retries later.
 */
import type { WriteQueueOptions } from '../config/config.js';
import { WispError } from '../errors.js';
import type { ProjectWrite, SpanWriter } from '../store/store.js';
import type { CollectorMetrics } from '../ops/collector-metrics.js';

/**
 * Group commits handed to the store at once. With two, the next group is already waiting at the
 * writer when a commit ends: the write thread goes straight on to it instead of idling until this
 * thread (busy parsing requests) hears of the commit and sends the next. Each group is still its own
 * transaction, and each request is still answered only after the commit holding its data.
 */
export const COMMITS_IN_FLIGHT = 2;

/** Seconds a client should wait after a 429 (queue full) or a 503 (store failing or closing). */
export const RETRY_AFTER_OVERLOADED_S = 1;
export const RETRY_AFTER_UNAVAILABLE_S = 5;

interface PendingWrite {
  write: ProjectWrite;
  events: number;
  bytes: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface WriteQueueDeps {
  store: Pick<SpanWriter, 'write' | 'prepare'>;
  options: WriteQueueOptions;
  metrics: CollectorMetrics;
  /** Called after each successful commit with the writes it made durable. Must not throw. */
  onCommit: (writes: readonly ProjectWrite[]) => void;
  /** Where unexpected store errors are reported (the logger). */
  onError: (err: unknown) => void;
}

export class WriteQueue {
  private pending: PendingWrite[] = [];
  private queuedEvents = 0;
  private queuedBytes = 0;
  /** Commits started and not yet settled (at most COMMITS_IN_FLIGHT). */
  private committing = 0;
  private scheduled = false;
  private closed = false;
  private storeFailing = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly deps: WriteQueueDeps) {
    deps.metrics.watchQueue(
      () => this.queuedEvents,
      () => this.queuedBytes,
    );
  }

  /** Events waiting (queued or being committed). */
  get depthEvents(): number {
    return this.queuedEvents;
  }

  /** Bytes waiting (queued or being committed). */
  get depthBytes(): number {
    return this.queuedBytes;
  }

  get maxQueuedBytes(): number {
    return this.deps.options.maxQueuedBytes;
  }

  /** True when new writes would likely be refused; /readyz reports not ready. */
  get saturated(): boolean {
    const o = this.deps.options;
    return this.closed || this.queuedEvents >= o.maxQueuedEvents * 0.9 || this.queuedBytes >= o.maxQueuedBytes * 0.9;
  }

  get failing(): boolean {
    return this.storeFailing;
  }

  /**
   * Queues one request's events; resolves once they are committed. Throws WISP_ERR_OVERLOADED /
   * WISP_ERR_UNAVAILABLE (with a Retry-After) synchronously when the queue cannot take them.
   * `bytes` is the request's decoded body size.
   */
  enqueue(write: ProjectWrite, bytes: number): Promise<void> {
    if (this.closed) {
      throw new WispError('WISP_ERR_UNAVAILABLE', 'The collector is shutting down', { retryAfterSeconds: RETRY_AFTER_UNAVAILABLE_S });
    }
    const events = write.spans.length + write.reports.length;
    const o = this.deps.options;
    // An empty queue always takes one request, so a single large batch can never be refused forever.
    const full = this.queuedEvents > 0 && (this.queuedEvents + events > o.maxQueuedEvents || this.queuedBytes + bytes > o.maxQueuedBytes);
    if (full) {
      if (this.storeFailing) {
        throw new WispError('WISP_ERR_UNAVAILABLE', 'The store is failing to commit; the write queue is full', {
          retryAfterSeconds: RETRY_AFTER_UNAVAILABLE_S,
        });
      }
      throw new WispError('WISP_ERR_OVERLOADED', `The write queue is full (${this.queuedEvents} events waiting)`, {
        retryAfterSeconds: RETRY_AFTER_OVERLOADED_S,
      });
    }
    let queued = write;
    try {
      // While the running commit holds the store, not after it.
      queued = this.deps.store.prepare?.(write) ?? write;
    } catch {
      // `write` meets the same error and reports it for this request alone.
    }
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ write: queued, events, bytes, resolve, reject });
      this.queuedEvents += events;
      this.queuedBytes += bytes;
      this.schedule();
    });
  }

  /** Refuses new writes and resolves when everything queued has been committed or failed. */
  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
  }

  /** Resolves when nothing is queued or being committed. */
  idle(): Promise<void> {
    if (this.committing === 0 && this.pending.length === 0 && !this.scheduled) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.committing >= COMMITS_IN_FLIGHT || this.scheduled) return;
    this.scheduled = true;
    // setImmediate runs after the current I/O phase, so every request whose body finished reading
    // in this turn joins the same transaction.
    setImmediate(() => {
      this.scheduled = false;
      this.startCommits();
    });
  }

  /** Hands groups to the store while a commit slot is free. */
  private startCommits(): void {
    while (this.pending.length > 0 && this.committing < COMMITS_IN_FLIGHT) {
      const batch = this.takeBatch();
      this.committing++;
      void this.commitGroup(batch).finally(() => {
        this.committing--;
        if (this.pending.length > 0) this.schedule();
        else if (this.committing === 0 && !this.scheduled) for (const w of this.idleWaiters.splice(0)) w();
      });
    }
  }

  private takeBatch(): PendingWrite[] {
    const max = this.deps.options.maxCommitEvents;
    let events = 0;
    let n = 0;
    while (n < this.pending.length) {
      const e = this.pending[n]!.events;
      if (n > 0 && events + e > max) break;
      events += e;
      n++;
    }
    return this.pending.splice(0, n);
  }

  /** Commits one group; when it fails with several requests, commits each alone (one bad request cannot fail the others). */
  private async commitGroup(batch: PendingWrite[]): Promise<void> {
    const ok = await this.commit(batch);
    if (!ok && batch.length > 1) for (const one of batch) await this.commit([one]);
  }

  /** Commits a batch; settles its promises unless it failed with several requests (retried alone). */
  private async commit(batch: PendingWrite[]): Promise<boolean> {
    const { metrics } = this.deps;
    const writes = batch.map((p) => p.write);
    const started = performance.now();
    try {
      await this.deps.store.write(writes);
    } catch (err) {
      metrics.commitFailures.inc();
      this.storeFailing = true;
      this.deps.onError(err);
      if (batch.length === 1) {
        this.release(batch[0]!);
        batch[0]!.reject(
          new WispError('WISP_ERR_UNAVAILABLE', 'The store could not commit this batch; retry later', {
            retryAfterSeconds: RETRY_AFTER_UNAVAILABLE_S,
            cause: err,
          }),
        );
      }
      return false;
    }
    this.storeFailing = false;
    metrics.commits.inc();
    metrics.commitLatency.observe((performance.now() - started) / 1000);
    metrics.commitBatchRequests.observe(batch.length);
    metrics.commitBatchEvents.observe(batch.reduce((n, p) => n + p.events, 0));
    for (const p of batch) {
      this.release(p);
      p.resolve();
    }
    this.deps.onCommit(writes);
    return true;
  }

  /** Frees the queue space of a settled request (before its promise settles, so callers see it). */
  private release(p: PendingWrite): void {
    this.queuedEvents -= p.events;
    this.queuedBytes -= p.bytes;
  }
}
