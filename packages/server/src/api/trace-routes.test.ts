import { afterEach, describe, expect, it } from 'vitest';
import type { ObservationDetail, SpanEvent, TraceDetail } from '@wisp/protocol';
import { post, startTestServer, testId, type TestServer } from '../testing/test-server.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.dispose()));
});

async function ingest(s: TestServer, events: SpanEvent[]): Promise<void> {
  const res = await post(`${s.url}/v1/ingest`, { events });
  expect(res.status).toBe(200);
}

async function getJson(url: string): Promise<{ status: number; body: any; contentType: string | null }> {
  const res = await fetch(url);
  return { status: res.status, body: JSON.parse(await res.text()), contentType: res.headers.get('content-type') };
}

/**
 * A trace as the SDK sends it now: the root span's input in its start event and its output in its
 * end event, no trace-level input/output (only trace attributes such as the user).
 */
function sdkTrace(traceId: string, rootId: string, childId: string, t0: number, trace: SpanEvent['trace'] = { userId: 'u1' }): SpanEvent[] {
  return [
    { type: 'span', phase: 'start', traceId, spanId: rootId, time: t0, name: 'agent', kind: 'agent', startTime: t0, input: { question: 'where is my order?' }, trace },
    { type: 'span', phase: 'full', traceId, spanId: childId, parentId: rootId, time: t0 + 5, name: 'lookup_order', kind: 'tool', startTime: t0 + 1, endTime: t0 + 5, status: 'ok', input: { id: 7 }, output: { status: 'shipped' } },
    { type: 'span', phase: 'end', traceId, spanId: rootId, time: t0 + 10, endTime: t0 + 10, status: 'ok', output: { answer: 'it shipped' } },
  ];
}

describe('GET /api/v1/traces/:traceId', () => {
  it("answers trace.input/output from the root span's payloads when the trace has none of its own", async () => {
    const s = await startTestServer();
    servers.push(s);
    const traceId = testId(16);
    const rootId = testId(8);
    const childId = testId(8);
    await ingest(s, sdkTrace(traceId, rootId, childId, Date.now() - 1000));

    const { status, body, contentType } = await getJson(`${s.url}/api/v1/traces/${traceId}`);
    expect(status).toBe(200);
    expect(contentType).toMatch(/^application\/json/);
    const detail = body as TraceDetail;
    expect(detail.trace.input).toEqual({ question: 'where is my order?' });
    expect(detail.trace.output).toEqual({ answer: 'it shipped' });
    expect(detail.trace.inputPreview).toBe('where is my order?');
    expect(detail.trace.outputPreview).toBe('it shipped');
    expect(detail.trace.userId).toBe('u1');
    expect(detail.observations.map((o) => o.spanId)).toEqual([rootId, childId]);
    expect(detail.observations[0]).toMatchObject({ inputBytes: JSON.stringify({ question: 'where is my order?' }).length, critical: true });
    expect(detail.observations[0]).not.toHaveProperty('input');

    // The NDJSON export: the same trace-level fallback, and every observation's payloads.
    const res = await fetch(`${s.url}/api/v1/export/traces.ndjson`);
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as Omit<TraceDetail, 'observations'> & { observations: ObservationDetail[] });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.trace.input).toEqual({ question: 'where is my order?' });
    expect(lines[0]!.trace.output).toEqual({ answer: 'it shipped' });
    expect(lines[0]!.observations.map((o) => [o.input, o.output])).toEqual([
      [{ question: 'where is my order?' }, { answer: 'it shipped' }],
      [{ id: 7 }, { status: 'shipped' }],
    ]);
  });

  it("prefers the trace's own input/output, field by field, and falls back to null without a root", async () => {
    const s = await startTestServer();
    servers.push(s);
    const own = testId(16);
    const t0 = Date.now() - 1000;
    await ingest(s, sdkTrace(own, testId(8), testId(8), t0, { input: 'trace-level input' }));
    const detail = (await getJson(`${s.url}/api/v1/traces/${own}`)).body as TraceDetail;
    expect(detail.trace.input).toBe('trace-level input');
    expect(detail.trace.output).toEqual({ answer: 'it shipped' });

    // Only a child has arrived (its parent has not): no root, no trace-level payloads.
    const orphan = testId(16);
    await ingest(s, [
      { type: 'span', phase: 'full', traceId: orphan, spanId: testId(8), parentId: testId(8), time: t0, name: 'child', kind: 'span', startTime: t0, endTime: t0 + 1, status: 'ok', input: 'x', output: 'y' },
    ]);
    const orphanDetail = (await getJson(`${s.url}/api/v1/traces/${orphan}`)).body as TraceDetail;
    expect(orphanDetail.trace.input).toBeNull();
    expect(orphanDetail.trace.output).toBeNull();
    expect(orphanDetail.observations).toHaveLength(1);
  });

  it("agrees with each observation's own detail, to the last digit of every number", async () => {
    const s = await startTestServer();
    servers.push(s);
    const traceId = testId(16);
    const rootId = testId(8);
    const t0 = 1795312602116.741;
    const tricky = [0.1 + 0.2, 5e-7, 1.2345678901234568e-5, 123.456789012345, 1e21, 3];
    const events: SpanEvent[] = [
      { type: 'span', phase: 'full', traceId, spanId: rootId, time: t0 + 100, name: 'root', kind: 'agent', startTime: t0, endTime: t0 + 99.999, status: 'ok', metadata: { a: [1, 'x'], b: { c: null } } },
    ];
    tricky.forEach((cost, i) => {
      events.push({
        type: 'span', phase: 'full', traceId, spanId: testId(8), parentId: rootId, time: t0 + i * 10 + 9, name: `gen ${i} "quoted" \u0001`, kind: 'generation', startTime: t0 + i * 10 + 0.001,
        endTime: t0 + i * 10 + 9.123, status: i === 2 ? 'error' : 'ok', ...(i === 2 ? { error: { type: 'RateLimitError', message: 'slow down' }, level: 'error' as const, statusMessage: 'ratelimited' } : {}),
        provider: 'openai', model: 'gpt-4o', modelParameters: { temperature: 0.7, stop: ['\n'] }, usage: { input: 10 + i, output: i, cacheRead: 1, reasoning: 2 }, cost,
        completionStartTime: t0 + i * 10 + 1.0004, stream: { chunks: 3 }, metadata: { i, 'ключ': 'значение 😀' }, input: { q: i }, output: `a${i}`,
      });
    });
    events.push({ type: 'span', phase: 'start', traceId, spanId: testId(8), parentId: rootId, time: t0 + 70, name: 'running', kind: 'tool', startTime: t0 + 70 });
    await ingest(s, events);
    const detail = (await getJson(`${s.url}/api/v1/traces/${traceId}`)).body as TraceDetail;
    expect(detail.observations).toHaveLength(events.length);
    for (const o of detail.observations) {
      const one = (await getJson(`${s.url}/api/v1/traces/${traceId}/observations/${o.spanId}`)).body as ObservationDetail;
      const { input: _input, output: _output, ...summary } = one;
      expect(summary).toStrictEqual(o);
    }
    const costs = detail.observations.filter((o) => o.kind === 'generation').map((o) => o.cost);
    expect(costs).toEqual(tricky);
    expect(detail.observations[0]!.subtree.cost).toBeCloseTo(tricky.reduce((a, b) => a + b, 0), 6);
  });

  it('answers 404 for an unknown trace and 400 for a bad id', async () => {
    const s = await startTestServer();
    servers.push(s);
    expect((await fetch(`${s.url}/api/v1/traces/${testId(16)}`)).status).toBe(404);
    expect((await fetch(`${s.url}/api/v1/traces/not-hex`)).status).toBe(400);
  });
});
