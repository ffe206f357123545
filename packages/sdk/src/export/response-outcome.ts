import { parseRetryAfter } from './retry-after.js';
import type { SendOutcome } from './transport.js';

/** Statuses worth retrying: the request may succeed later unchanged. */
const RETRYABLE_STATUSES = new Set([408, 429, 502, 503, 504]);

/** Maps an HTTP answer to an outcome. 5xx other than 502/503/504 are retried too: bad input never yields a 5xx from the collector, so a 500 is the server's fault and transient. */
export function outcomeFromResponse(
  status: number,
  retryAfter: string | undefined,
  body: string,
  wallNowMs: number,
): SendOutcome {
  if (status >= 200 && status < 300) return { kind: 'success', status, body };
  const cause = `http_${status}`;
  if (RETRYABLE_STATUSES.has(status) || status >= 500) {
    const retryAfterMs = parseRetryAfter(retryAfter, wallNowMs);
    return retryAfterMs === undefined ? { kind: 'retryable', cause } : { kind: 'retryable', cause, retryAfterMs };
  }
  return { kind: 'failure', status, cause };
}
