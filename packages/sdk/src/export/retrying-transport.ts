import { retryDelay } from './backoff.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import { sleep, type Clock } from './clock.js';
import type { SendOutcome, Transport } from './transport.js';

export interface RetryOptions {
  clock: Clock;
  breaker: CircuitBreaker;
  /** Requests made for one body before giving up. */
  maxAttempts: number;
  /** Time since the first attempt after which no further attempt starts. */
  maxRetryAgeMs: number;
  /** Called after every attempt that did not succeed (for `failedRequests`). */
  onFailedAttempt?: (outcome: Exclude<SendOutcome, { kind: 'success' }>) => void;
  random?: () => number;
}

/**
 * Wraps a transport with retries: each attempt first waits for the circuit breaker (which also
 * carries `Retry-After` pauses), then sends; retryable outcomes wait a full-jitter backoff and try
 * again until the attempt or age budget runs out. The last outcome is returned as is, so a
 * `retryable` result means "gave up" (or the signal aborted).
 */
export function withRetries(transport: Transport, options: RetryOptions): Transport {
  const { clock, breaker } = options;
  return async (request) => {
    const firstAttemptAt = clock.now();
    for (let attempt = 1; ; attempt++) {
      if (!(await breaker.acquire(request.signal))) return { kind: 'retryable', cause: 'aborted' };
      const outcome = await transport(request);
      if (request.signal.aborted) return { kind: 'retryable', cause: 'aborted' };
      breaker.record(outcome);
      if (outcome.kind === 'success') return outcome;
      options.onFailedAttempt?.(outcome);
      if (outcome.kind === 'failure') return outcome;
      if (attempt >= options.maxAttempts || clock.now() - firstAttemptAt >= options.maxRetryAgeMs) return outcome;
      const delay = retryDelay(attempt, outcome.retryAfterMs, options.random);
      if (outcome.retryAfterMs !== undefined) breaker.pause(delay);
      if (!(await sleep(clock, delay, request.signal))) return { kind: 'retryable', cause: 'aborted' };
    }
  };
}
