/** First retry waits up to this long (full jitter: a uniform draw in [0, ceiling]). */
export const BACKOFF_BASE_MS = 500;
/** The ceiling doubles with every attempt... */
export const BACKOFF_MULTIPLIER = 2;
/** ...up to this. */
export const BACKOFF_MAX_MS = 30_000;
/** `Retry-After` is honoured up to this long, so a hostile or broken header cannot park the SDK. */
export const RETRY_AFTER_MAX_MS = 30_000;

/**
 * Full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff and Jitter"): clients
 * that failed together do not retry together. `attempt` counts failed attempts, from 1.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * BACKOFF_MULTIPLIER ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/** The wait before the next attempt: the server's `Retry-After` when given (capped), else backoff. */
export function retryDelay(attempt: number, retryAfterMs: number | undefined, random?: () => number): number {
  if (retryAfterMs !== undefined) return Math.min(Math.max(0, retryAfterMs), RETRY_AFTER_MAX_MS);
  return backoffDelay(attempt, random);
}
