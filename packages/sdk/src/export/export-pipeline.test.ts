import { describe, expect, it } from 'vitest';
import type { IngestEvent, SpanEvent } from '@wisp/protocol';
import type { ExporterStats } from '../exporter.js';
import { ExportPipeline, type ExportPipelineOptions } from './export-pipeline.js';
import { totalDropped } from './export-stats.js';
import { FakeClock } from './fake-clock.js';
import { nativeFormat } from './native-format.js';
import type { SendOutcome, TransportRequest } from './transport.js';
import { spanPair } from './test-spans.js';

interface Harness {
  clock: FakeClock;
  pipeline: ExportPipeline;
  /** Every request's events, in order. */
  requests: IngestEvent[][];
  signals: AbortSignal[];
  check(): ExporterStats;
}

const OK: SendOutcome = { kind: 'success', status: 200, body: '{"accepted":0,"rejected":0,"errors":[]}' };

/** A pipeline on fake time whose transport answers with `answer` (which may never resolve). */
function harness(
  answer: (events: IngestEvent[], n: number) => SendOutcome | Promise<SendOutcome> = () => OK,
  options: ExportPipelineOptions = {},
): Harness {
  const clock = new FakeClock();
  const requests: IngestEvent[][] = [];
  const signals: AbortSignal[] = [];
  const ref: { pipeline?: ExportPipeline } = {};
  const check = () => {
    const s = ref.pipeline!.stats();
    expect(s.created).toBe(s.sent + s.queued + s.inFlight + totalDropped(s));
    return s;
  };
  const transport = (req: TransportRequest) => {
    check();
    const events = (JSON.parse(Buffer.from(req.body).toString('utf8')) as { events: IngestEvent[] }).events;
    requests.push(events);
    signals.push(req.signal);
    return Promise.resolve(answer(events, requests.length));
  };
  const pipeline = new ExportPipeline(nativeFormat, transport, {
    clock,
    compression: 'none',
    random: () => 1,
    ...options,
  });
  ref.pipeline = pipeline;
  return { clock, pipeline, requests, signals, check };
}

function enqueueFull(h: Harness, n: number, payloadBytes = 8): SpanEvent[] {
  const out: SpanEvent[] = [];
  for (let i = 0; i < n; i++) {
    const { start, end, bytes } = spanPair(payloadBytes);
    const full: SpanEvent = { ...start, ...end, phase: 'full', input: start.input };
    h.pipeline.enqueue(full, bytes);
    out.push(full);
  }
  h.check();
  return out;
}

const never = () => new Promise<SendOutcome>(() => {});

describe('batching on fake time', () => {
  it('sends a partial batch only when the linger passes', async () => {
    const h = harness();
    enqueueFull(h, 10);
    await h.clock.advance(99);
    expect(h.requests).toHaveLength(0);
    await h.clock.advance(1);
    expect(h.requests.map((r) => r.length)).toEqual([10]);
    expect(h.check()).toMatchObject({ sent: 10, queued: 0, inFlight: 0 });
  });

  it('sends a full batch at once, without waiting for the linger', async () => {
    const h = harness(undefined, { maxBatchEvents: 100 });
    enqueueFull(h, 250);
    await h.clock.advance(0);
    expect(h.requests.map((r) => r.length)).toEqual([100, 100]);
    await h.clock.advance(100);
    expect(h.requests.map((r) => r.length)).toEqual([100, 100, 50]);
    h.check();
  });

  it('caps batches by estimated bytes', async () => {
    // 300 estimated bytes + 256 of in-memory overhead each: three fit in 1,700.
    const h = harness(undefined, { maxBatchBytes: 1_700 });
    for (let i = 0; i < 10; i++) h.pipeline.enqueue({ ...spanPair().end, phase: 'full' }, 300);
    await h.clock.advance(100);
    expect(h.requests.map((r) => r.length)).toEqual([3, 3, 3, 1]);
  });

  it('merges start and end of a span that have not left, and sends them apart otherwise', async () => {
    const h = harness();
    const a = spanPair();
    h.pipeline.enqueue(a.start, a.bytes);
    h.pipeline.enqueue({ ...a.end, phase: 'update', end: undefined, metadata: { k: 1 } } as SpanEvent, 50);
    h.pipeline.enqueue(a.end, a.bytes);
    const b = spanPair();
    h.pipeline.enqueue(b.start, b.bytes);
    expect(h.check()).toMatchObject({ created: 1, queued: 1 });
    await h.clock.advance(100);
    h.pipeline.enqueue(b.end, b.bytes);
    await h.clock.advance(100);
    const [first, second] = h.requests;
    expect(first).toHaveLength(2);
    expect(first![0]).toMatchObject({ phase: 'full', name: a.start.name, input: a.start.input, output: a.end.output, metadata: { k: 1 }, status: 'ok' });
    expect(first![1]).toMatchObject({ phase: 'start', spanId: b.start.spanId });
    expect(second).toEqual([b.end]);
    expect(h.check()).toMatchObject({ created: 2, sent: 2, events: { enqueued: 5, merged: 2 } });
    // The caller's objects are never mutated.
    expect(a.start.phase).toBe('start');
  });
});

describe('merging', () => {
  it('keeps only the end when it carries everything its start said, and frees the start', async () => {
    const h = harness();
    const a = spanPair(100);
    const end: SpanEvent = { ...a.start, ...a.end, phase: 'end' };
    h.pipeline.enqueue(a.start, 400);
    h.pipeline.enqueue(end, 500);
    // The slot now counts the end alone (500 + 256), not start and end.
    expect(h.check()).toMatchObject({ created: 1, queued: 1, queuedBytes: 756, events: { merged: 1 } });
    await h.clock.advance(100);
    expect(h.requests).toEqual([[end]]);
  });
});

describe('merging lean ends', () => {
  it('folds a queued start (input, trace) and an end without them into one complete full event', async () => {
    const h = harness();
    const a = spanPair(100);
    const start: SpanEvent = { ...a.start, trace: { userId: 'u' } };
    const end: SpanEvent = { ...a.end, name: a.start.name, kind: 'span', startTime: a.start.startTime };
    h.pipeline.enqueue(start, 400);
    h.pipeline.enqueue(end, 300);
    expect(h.check()).toMatchObject({ created: 1, queued: 1, events: { merged: 1 } });
    await h.clock.advance(100);
    expect(h.requests).toHaveLength(1);
    expect(h.requests[0]).toEqual([
      { ...end, phase: 'full', input: a.start.input, trace: { userId: 'u' } },
    ]);
    // The caller's objects are never mutated.
    expect(end.phase).toBe('end');
    expect(end.input).toBeUndefined();
  });
});

describe('encoding', () => {
  it('writes multi-byte text and big events exactly', async () => {
    const h = harness();
    const names = ['é✓😀'.repeat(1_000), 'plain', '\u2028"quoted"\n'];
    for (const name of names) h.pipeline.enqueue({ ...spanPair(30_000).start, name, phase: 'full' }, 40_000);
    await h.clock.advance(100);
    expect((h.requests.flat() as SpanEvent[]).map((e) => e.name)).toEqual(names);
    expect(h.check().sent).toBe(3);
  });
});

describe('queue bounds', () => {
  it('drops spans beyond the count cap as queue_full', async () => {
    const h = harness(never, { maxQueueEvents: 10, maxBatchEvents: 5, maxConcurrentRequests: 1 });
    enqueueFull(h, 30);
    const s = h.check();
    expect(s.dropped.queue_full).toBe(30 - 10);
    await h.clock.advance(0);
    // One batch left the queue, making room for five more.
    enqueueFull(h, 10);
    expect(h.check()).toMatchObject({ inFlight: 5, queued: 10, dropped: { queue_full: 25 } });
  });

  it('sheds payloads of the oldest spans before dropping any span', async () => {
    const h = harness(never, { maxQueueBytes: 12_000, maxConcurrentRequests: 1, maxBatchEvents: 1 });
    // Each span costs 5,000 + 256 bytes: 15 of them need 78,840 bytes, 15 skeletons 9,600.
    for (let i = 0; i < 15; i++) h.pipeline.enqueue({ ...spanPair(1_000).start, phase: 'full' }, 5_000);
    const s = h.check();
    expect(s.dropped.queue_full).toBe(0);
    expect(s.events.payloadsShed).toBeGreaterThan(0);
    expect(s.queuedBytes).toBeLessThanOrEqual(12_000);
    // Only skeletons fit beyond this point, and only so many.
    for (let i = 0; i < 10; i++) h.pipeline.enqueue({ ...spanPair(1_000).start, phase: 'full' }, 5_000);
    expect(h.check().dropped.queue_full).toBeGreaterThan(0);
    expect(h.check().queuedBytes).toBeLessThanOrEqual(12_000);
  });

  it('sends shed spans without their payloads, saying why', async () => {
    const h = harness(undefined, { maxQueueBytes: 10_000 });
    for (let i = 0; i < 4; i++) h.pipeline.enqueue({ ...spanPair(1_000).start, phase: 'full' }, 5_000);
    await h.clock.advance(100);
    const events = h.requests.flat() as SpanEvent[];
    expect(events).toHaveLength(4);
    const shed = events.filter((e) => e.input === undefined);
    expect(shed.length).toBe(h.check().events.payloadsShed);
    expect(shed.length).toBeGreaterThan(0);
    expect(shed[0]!.metadata).toMatchObject({ 'wisp.payloads_dropped': 'queue_pressure' });
    expect(h.check().sent).toBe(4);
  });

  it('trims the payloads of an event above the event limit, and drops it if that is not enough', async () => {
    const h = harness(undefined, { maxEventBytes: 2_000 });
    h.pipeline.enqueue({ ...spanPair(5_000).start, phase: 'full' }, 5_200);
    h.pipeline.enqueue({ ...spanPair(8).start, name: 'n'.repeat(5_000), phase: 'full' }, 5_200);
    await h.clock.advance(100);
    const s = h.check();
    expect(s).toMatchObject({ sent: 1, dropped: { too_large: 1 } });
    expect((h.requests[0]![0] as SpanEvent).input).toBeUndefined();
  });

  it('counts an event that cannot be serialized', async () => {
    const h = harness();
    h.pipeline.enqueue({ ...spanPair().end, phase: 'full', input: { big: 1n } }, 100);
    enqueueFull(h, 1);
    await h.clock.advance(100);
    expect(h.check()).toMatchObject({ sent: 1, dropped: { serialize_failed: 1 } });
  });
});

describe('answers', () => {
  it('counts the items a 207 rejects and sends the rest', async () => {
    const h = harness(() => ({
      kind: 'success',
      status: 207,
      body: JSON.stringify({ accepted: 8, rejected: 2, errors: [{ index: 0, code: 'x', message: 'bad' }, { index: 3, code: 'x', message: 'bad' }] }),
    }));
    enqueueFull(h, 10);
    await h.clock.advance(100);
    expect(h.check()).toMatchObject({ sent: 8, dropped: { rejected: 2 } });
  });

  it('drops a batch the collector refuses with a 4xx, without retrying', async () => {
    const h = harness(() => ({ kind: 'failure', status: 400, cause: 'http_400' }));
    enqueueFull(h, 10);
    await h.clock.advance(100);
    await h.clock.advance(60_000);
    expect(h.requests).toHaveLength(1);
    expect(h.check()).toMatchObject({ sent: 0, dropped: { rejected: 10 }, failedRequests: { http_400: 1 } });
  });

  it('splits on 413 down to single events, then counts too_large', async () => {
    const h = harness((events) =>
      events.length > 2 ? { kind: 'failure', status: 413, cause: 'http_413' } : events.some((e) => (e as SpanEvent).name === 'big') ? { kind: 'failure', status: 413, cause: 'http_413' } : OK,
    );
    const spans = enqueueFull(h, 7);
    void spans;
    h.pipeline.enqueue({ ...spanPair().end, phase: 'full', name: 'big' }, 100);
    await h.clock.advance(100);
    const s = h.check();
    expect(s).toMatchObject({ sent: 7, dropped: { too_large: 1 } });
    expect(s.failedRequests.http_413).toBeGreaterThanOrEqual(3);
  });

  it('retries with full-jitter backoff, opens the breaker, and drops after the attempt budget', async () => {
    const h = harness(() => ({ kind: 'retryable', cause: 'http_503' }), { maxAttempts: 4, breakerFailureThreshold: 100 });
    enqueueFull(h, 3);
    await h.clock.advance(100);
    expect(h.requests).toHaveLength(1);
    // random() = 1: the waits are the ceilings, 500, 1000, 2000 ms.
    await h.clock.advance(499);
    expect(h.requests).toHaveLength(1);
    await h.clock.advance(1);
    expect(h.requests).toHaveLength(2);
    await h.clock.advance(1_000);
    expect(h.requests).toHaveLength(3);
    await h.clock.advance(2_000);
    expect(h.requests).toHaveLength(4);
    expect(h.check()).toMatchObject({ sent: 0, inFlight: 0, dropped: { retries_exhausted: 3 }, failedRequests: { http_503: 4 } });
  });

  it('waits as long as Retry-After says (capped), for every slot', async () => {
    let n = 0;
    const h = harness(() => (++n === 1 ? { kind: 'retryable', cause: 'http_429', retryAfterMs: 120_000 } : OK), { maxBatchEvents: 1 });
    enqueueFull(h, 1);
    await h.clock.advance(100);
    enqueueFull(h, 3);
    await h.clock.advance(29_000);
    expect(h.requests).toHaveLength(1);
    await h.clock.advance(1_100);
    expect(h.check()).toMatchObject({ sent: 4, queued: 0 });
  });

  it('keeps spans queued while the breaker is open and delivers them when a probe succeeds', async () => {
    let down = true;
    const h = harness(() => (down ? { kind: 'retryable', cause: 'network' } : OK), {
      maxBatchEvents: 10,
      maxAttempts: 1_000,
      random: () => 0,
    });
    enqueueFull(h, 100);
    await h.clock.advance(0);
    const s = h.check();
    expect(s.circuit).toBe('open');
    const requestsWhenOpened = h.requests.length;
    expect(requestsWhenOpened).toBeLessThanOrEqual(8);
    expect(s.queued).toBeGreaterThanOrEqual(60);
    // Open for 1 s, then a single probe, which fails: open for 2 s.
    await h.clock.advance(999);
    expect(h.requests.length).toBe(requestsWhenOpened);
    await h.clock.advance(1);
    expect(h.requests.length).toBe(requestsWhenOpened + 1);
    expect(h.check().circuit).toBe('open');
    down = false;
    await h.clock.advance(2_000);
    expect(h.check()).toMatchObject({ circuit: 'closed', sent: 100, queued: 0, inFlight: 0 });
  });
});

describe('flush and shutdown', () => {
  it('flush resolves when everything before it has left, ignoring the linger', async () => {
    const h = harness();
    enqueueFull(h, 5);
    const flushed = h.pipeline.flush(1_000);
    await h.clock.advance(0);
    expect(await flushed).toEqual({ done: true, remaining: 0, elapsedMs: 0 });
    expect(h.check().sent).toBe(5);
  });

  it('flush resolves at its deadline with what is left, and shutdown aborts and counts it', async () => {
    const h = harness(never);
    enqueueFull(h, 1_500);
    const flushed = h.pipeline.flush(1_000);
    await h.clock.advance(1_000);
    expect(await flushed).toEqual({ done: false, remaining: 1_500, elapsedMs: 1_000 });
    const down = h.pipeline.shutdown(500);
    await h.clock.advance(500);
    expect(await down).toMatchObject({ done: false, remaining: 1_500, elapsedMs: 500 });
    expect(h.signals.every((s) => s.aborted)).toBe(true);
    expect(h.check()).toMatchObject({ queued: 0, inFlight: 0, dropped: { shutdown: 1_500 } });
    h.pipeline.enqueue({ ...spanPair().end, phase: 'full' }, 100);
    expect(h.check().dropped.shutdown).toBe(1_501);
    expect(h.clock.pending).toBe(0);
  });

  it('concurrent flushes all resolve', async () => {
    const h = harness();
    enqueueFull(h, 3);
    const all = Promise.all([h.pipeline.flush(100), h.pipeline.flush(100), h.pipeline.shutdown(100)]);
    await h.clock.advance(0);
    expect((await all).map((r) => r.done)).toEqual([true, true, true]);
  });

  it('never throws into the caller', () => {
    const h = harness(undefined, { onError: () => {} });
    expect(() => h.pipeline.enqueue(null as unknown as SpanEvent, 1)).not.toThrow();
  });
});
