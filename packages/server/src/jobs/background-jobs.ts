/**
 * Periodic maintenance: the abandoned-span sweep, retention in small batches (yielding to the event
 * loop between batches so ingest never waits long), and writing keys' lastUsedAt. Timers are unref'd
 * and stopped on close; a job never runs twice at once.
 */
import type { SpanWriter } from '../store/store.js';

/** Rows deleted per retention batch; small, so each batch is a short transaction. */
export const RETENTION_BATCH_SIZE = 1000;
const KEY_USAGE_FLUSH_MS = 30_000;

export interface BackgroundJobsOptions {
  store: Pick<SpanWriter, 'markAbandoned' | 'deleteExpired'>;
  abandonAfterMs: number;
  abandonSweepIntervalMs: number;
  retentionIntervalMs: number;
  flushKeyUsage: () => Promise<void>;
  onError: (job: string, err: unknown) => void;
  now?: () => number;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class BackgroundJobs {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Map<string, Promise<unknown>>();
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly options: BackgroundJobsOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    const o = this.options;
    this.every('abandon-sweep', o.abandonSweepIntervalMs, () => this.sweepAbandoned());
    this.every('retention', o.retentionIntervalMs, () => this.applyRetention());
    this.every('key-usage', KEY_USAGE_FLUSH_MS, () => o.flushKeyUsage());
  }

  /** Marks spans without an end after abandonAfterMs; returns how many. */
  sweepAbandoned(): Promise<number> {
    return this.options.store.markAbandoned(this.now() - this.options.abandonAfterMs);
  }

  /** Deletes expired rows batch by batch until none is left; returns how many. */
  async applyRetention(): Promise<number> {
    let total = 0;
    while (!this.stopped) {
      const n = await this.options.store.deleteExpired(this.now(), RETENTION_BATCH_SIZE);
      total += n;
      if (n < RETENTION_BATCH_SIZE) break;
      await yieldToEventLoop();
    }
    return total;
  }

  /** Stops the timers and waits for running jobs, then writes the last key usage. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await Promise.allSettled([...this.running.values()]);
    await this.options.flushKeyUsage().catch((err: unknown) => this.options.onError('key-usage', err));
  }

  private every(name: string, ms: number, job: () => Promise<unknown>): void {
    const timer = setInterval(() => {
      if (this.stopped || this.running.has(name)) return;
      const run = job()
        .catch((err: unknown) => this.options.onError(name, err))
        .finally(() => this.running.delete(name));
      this.running.set(name, run);
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }
}
