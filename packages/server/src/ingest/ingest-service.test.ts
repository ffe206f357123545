import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { SpanEvent } from '@wisp/protocol';
import { DEFAULT_LIMITS } from '@wisp/protocol';
import { CollectorMetrics } from '../ops/collector-metrics.js';
import type { ProjectWrite } from '../store/store.js';
import { testSpan } from '../testing/test-server.js';
import { IngestService } from './ingest-service.js';
import { WriteQueue } from './write-queue.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A queue over a store that keeps only a skeleton of each write (as the worker store does) and holds commits until released. */
function setup() {
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => (open = resolve));
  const written: ProjectWrite[][] = [];
  const store = {
    prepare: (w: ProjectWrite): ProjectWrite => ({
      projectId: w.projectId,
      spans: w.spans.map((e) => ({ type: 'span', phase: e.phase, traceId: e.traceId, spanId: e.spanId, time: e.time })),
      reports: w.reports,
    }),
    write: async (writes: ProjectWrite[]) => {
      await gate;
      written.push(writes);
    },
  };
  const metrics = new CollectorMetrics();
  const queue = new WriteQueue({
    store,
    options: { maxQueuedEvents: 10_000, maxQueuedBytes: 1 << 26, maxCommitEvents: 10_000 },
    metrics,
    onCommit: () => {},
    onError: () => {},
  });
  const service = new IngestService({ queue, limits: DEFAULT_LIMITS, metrics });
  return { service, queue, written, release: () => open() };
}

/** Whether what `ref` points to was collected, after the current job ended (WeakRef targets live until then). */
async function collected(ref: WeakRef<object>): Promise<boolean> {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return ref.deref() === undefined;
}

describe('IngestService', () => {
  // Awaiting the commit inside an async function kept the whole parsed batch reachable from its
  // suspended frame for the duration of the commit, so V8 promoted every payload to the old generation.
  it('does not keep a native batch reachable while its commit is pending', async () => {
    const t = setup();
    let payload: object | null = { messages: [{ role: 'user', content: 'x'.repeat(100) }] };
    const ref = new WeakRef(payload);
    let body: { events: unknown[] } | null = { events: [{ ...testSpan(), input: payload }] };
    const answer = t.service.ingestNative('p', body, 1000);
    payload = null;
    body = null;
    expect(t.queue.depthEvents).toBe(1);
    expect(await collected(ref)).toBe(true);
    t.release();
    expect(await answer).toEqual({ accepted: 1, rejected: 0, errors: [] });
    expect(t.written.flat()[0]!.spans).toHaveLength(1);
  });

  it('does not keep decoded OTLP spans reachable while their commit is pending', async () => {
    const t = setup();
    let spans: SpanEvent[] | null = [testSpan(), testSpan()];
    const ref = new WeakRef(spans[0]!);
    const answer = t.service.ingestSpans('p', spans, 1000);
    spans = null;
    expect(t.queue.depthEvents).toBe(2);
    expect(await collected(ref)).toBe(true);
    t.release();
    expect(await answer).toEqual({ accepted: 2, rejected: 0, errorMessage: undefined });
  });

  it('answers a batch that is not {events: [...]} with a rejected promise, and queues nothing', async () => {
    const t = setup();
    await expect(t.service.ingestNative('p', [1, 2], 10)).rejects.toMatchObject({ code: 'WISP_ERR_INVALID_BATCH' });
    expect(t.queue.depthEvents).toBe(0);
  });

  it('counts accepted events only once they are committed', async () => {
    const t = setup();
    const answer = t.service.ingestNative('p', { events: [testSpan(), { type: 'span' }] }, 100);
    expect(t.queue.depthEvents).toBe(1);
    t.release();
    const result = await answer;
    expect(result.accepted).toBe(1);
    expect(result.rejected).toBe(1);
    expect(result.errors[0]).toMatchObject({ index: 1, code: 'WISP_ERR_INVALID_EVENT' });
  });
});
