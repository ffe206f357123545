/**
 * A transport sends one request body and says what happened. Policy (retries, the breaker,
 * splitting, accounting) lives in the pipeline; a platform supplies only this function.
 */
export interface TransportRequest {
  /** The encoded (possibly gzipped) body. */
  body: Uint8Array;
  headers: Record<string, string>;
  /** Aborts the request (shutdown deadline). */
  signal: AbortSignal;
}

export type SendOutcome =
  /** The collector took the request; `body` (capped) may list rejected items. */
  | { kind: 'success'; status: number; body: string }
  /** Retrying cannot help: a 4xx, or 413 (`status` tells the pipeline to split). */
  | { kind: 'failure'; status: number; cause: string }
  /** Worth retrying: network error, timeout, 408/429/5xx. `retryAfterMs` from `Retry-After`. */
  | { kind: 'retryable'; cause: string; retryAfterMs?: number };

export type Transport = (request: TransportRequest) => Promise<SendOutcome>;
