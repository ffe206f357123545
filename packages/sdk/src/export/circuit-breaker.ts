import { sleep, type Clock } from './clock.js';
import type { SendOutcome } from './transport.js';

/** The breaker stays open this long after it first opens... */
export const BREAKER_OPEN_MIN_MS = 1_000;
/** ...doubling after every failed probe, up to this. */
export const BREAKER_OPEN_MAX_MS = 30_000;

export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * Stops hammering a backend that is down. After `failureThreshold` consecutive retryable failures
 * it opens: nobody sends until the cool-down passes, then one request probes (half-open); the
 * probe's outcome closes it or opens it again for twice as long. It also holds the sender-wide
 * pause asked for by `Retry-After`, so that one 429 pauses every request slot, not just one.
 */
export class CircuitBreaker {
  state: CircuitState = 'closed';
  private failures = 0;
  private cooldownMs = BREAKER_OPEN_MIN_MS;
  private openUntil = 0;
  private pausedUntil = 0;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly clock: Clock,
    private readonly failureThreshold: number,
    /** Called whenever the state changes (the pipeline then looks for work to send). */
    private readonly onChange: () => void = () => {},
  ) {}

  /** True when a new request may start at once. */
  acceptsTraffic(): boolean {
    return this.state === 'closed' && this.clock.now() >= this.pausedUntil;
  }

  /** Pauses every sender for `ms` (the server asked, with `Retry-After`). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
  }

  /**
   * Waits until a request may be sent. Resolves `false` only when `signal` aborts. When the
   * breaker is open, the first caller after the cool-down becomes the probe.
   */
  async acquire(signal: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal.aborted) return false;
      const now = this.clock.now();
      if (this.state === 'half-open') {
        await this.nextChange(signal);
        continue;
      }
      const readyAt = Math.max(this.pausedUntil, this.state === 'open' ? this.openUntil : 0);
      if (now < readyAt) {
        await sleep(this.clock, readyAt - now, signal);
        continue;
      }
      if (this.state === 'open') this.setState('half-open');
      return true;
    }
  }

  /** Feeds the outcome of one request. Any answer that is not retryable proves the backend alive. */
  record(outcome: SendOutcome): void {
    if (outcome.kind !== 'retryable') {
      this.failures = 0;
      this.cooldownMs = BREAKER_OPEN_MIN_MS;
      if (this.state !== 'closed') this.setState('closed');
      return;
    }
    this.failures++;
    if (this.state === 'half-open') {
      this.cooldownMs = Math.min(this.cooldownMs * 2, BREAKER_OPEN_MAX_MS);
      this.open();
    } else if (this.state === 'closed' && this.failures >= this.failureThreshold) {
      this.open();
    }
  }

  private open(): void {
    this.openUntil = this.clock.now() + this.cooldownMs;
    this.setState('open');
  }

  private setState(state: CircuitState): void {
    this.state = state;
    for (const wake of this.waiters) wake();
    this.waiters.clear();
    this.onChange();
  }

  private nextChange(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
