import { describe, expect, it } from 'vitest';
import { isValidSpanId, isValidTraceId, newSpanId, newTraceId } from './ids.js';

describe('ids', () => {
  it('are lowercase hex of the W3C lengths, valid, and unique across pool refills', () => {
    const traces = new Set<string>();
    const spans = new Set<string>();
    // Several refills of the 32 KiB pool.
    for (let i = 0; i < 10_000; i++) {
      const t = newTraceId();
      const s = newSpanId();
      expect(t).toMatch(/^[0-9a-f]{32}$/);
      expect(s).toMatch(/^[0-9a-f]{16}$/);
      traces.add(t);
      spans.add(s);
    }
    expect(traces.size).toBe(10_000);
    expect(spans.size).toBe(10_000);
  });

  it('validation rejects all-zero and malformed ids', () => {
    expect(isValidTraceId('0'.repeat(32))).toBe(false);
    expect(isValidSpanId('0'.repeat(16))).toBe(false);
    expect(isValidTraceId('A'.repeat(32))).toBe(false);
    expect(isValidSpanId('abc')).toBe(false);
    expect(isValidTraceId(newTraceId())).toBe(true);
    expect(isValidSpanId(newSpanId())).toBe(true);
  });
});
