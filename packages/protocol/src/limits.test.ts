import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, MAX_TIMESTAMP_MS, SPAN_ID_RE, TRACE_ID_RE } from './limits.js';

describe('limits', () => {
  it('match the brief', () => {
    expect(DEFAULT_LIMITS.maxRequestBytes).toBe(20 * 1024 * 1024);
    expect(DEFAULT_LIMITS.maxEventBytes).toBe(4 * 1024 * 1024);
    expect(DEFAULT_LIMITS.maxJsonDepth).toBe(64);
    expect(new Date(MAX_TIMESTAMP_MS).getUTCFullYear()).toBe(2100);
  });
  it('id patterns follow W3C trace context', () => {
    expect(TRACE_ID_RE.test('0af7651916cd43dd8448eb211c80319c')).toBe(true);
    expect(TRACE_ID_RE.test('0AF7651916CD43DD8448EB211C80319C')).toBe(false);
    expect(SPAN_ID_RE.test('b7ad6b7169203331')).toBe(true);
    expect(SPAN_ID_RE.test('b7ad6b716920333')).toBe(false);
  });
});
