/** Span events for the exporter's tests and benchmarks. Test-only. */
import type { SpanEvent } from '@wisp/protocol';

let counter = 0;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** A pair of events (start, end) for a new span with `payloadBytes` of input and of output. */
export function spanPair(payloadBytes = 32): { start: SpanEvent; end: SpanEvent; bytes: number } {
  const n = ++counter;
  const traceId = hex(n, 32);
  const spanId = hex(n, 16);
  const now = Date.now();
  const payload = 'x'.repeat(payloadBytes);
  const start: SpanEvent = {
    type: 'span', phase: 'start', traceId, spanId, time: now, name: `step-${n}`, kind: 'span', startTime: now, input: payload,
  };
  const end: SpanEvent = {
    type: 'span', phase: 'end', traceId, spanId, time: now + 1, endTime: now + 1, status: 'ok', output: payload,
  };
  return { start, end, bytes: 200 + payloadBytes };
}

/** Enqueues `n` spans (start then end) and returns the milliseconds the calls took. */
export function enqueueSpans(
  exporter: { enqueue(event: SpanEvent, bytes: number): void },
  n: number,
  payloadBytes = 32,
): number {
  const pairs = Array.from({ length: n }, () => spanPair(payloadBytes));
  const t0 = performance.now();
  for (const { start, end, bytes } of pairs) {
    exporter.enqueue(start, bytes);
    exporter.enqueue(end, bytes);
  }
  return performance.now() - t0;
}
