import { describe, expect, it } from 'vitest';
import { BACKOFF_MAX_MS, backoffDelay, RETRY_AFTER_MAX_MS, retryDelay } from './backoff.js';
import { parseRetryAfter } from './retry-after.js';
import { outcomeFromResponse } from './response-outcome.js';

describe('backoff', () => {
  it('draws uniformly below a doubling, capped ceiling (full jitter)', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, () => 0.999999))).toEqual([499, 999, 1_999, 3_999]);
    expect(backoffDelay(50, () => 0.999999)).toBe(BACKOFF_MAX_MS - 1);
    expect(backoffDelay(3, () => 0)).toBe(0);
  });

  it('prefers Retry-After, capped', () => {
    expect(retryDelay(1, 2_000)).toBe(2_000);
    expect(retryDelay(1, 3_600_000)).toBe(RETRY_AFTER_MAX_MS);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3', now)).toBe(3_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:10 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('the retry matrix', () => {
  it.each([
    [200, 'success'],
    [207, 'success'],
    [400, 'failure'],
    [401, 'failure'],
    [413, 'failure'],
    [422, 'failure'],
    [408, 'retryable'],
    [429, 'retryable'],
    [500, 'retryable'],
    [502, 'retryable'],
    [503, 'retryable'],
    [504, 'retryable'],
  ])('%i is %s', (status, kind) => {
    expect(outcomeFromResponse(status, undefined, '', 0).kind).toBe(kind);
  });

  it('carries Retry-After on 429 and 503', () => {
    expect(outcomeFromResponse(429, '7', '', 0)).toEqual({ kind: 'retryable', cause: 'http_429', retryAfterMs: 7_000 });
  });
});
