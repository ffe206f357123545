import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { SpanEvent } from '@wisp/protocol';
import { totalDropped } from './export-stats.js';
import { nanos, toOtlpSpan } from './otlp-format.js';
import { OtlpHttpExporter } from './otlp-http-exporter.js';

interface OtlpBody {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue: string } }> };
    scopeSpans: Array<{ scope: { name: string }; spans: Array<Record<string, unknown>> }>;
  }>;
}

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function otlpSink(answer = '{}') {
  const bodies: OtlpBody[] = [];
  const paths: string[] = [];
  let onBody = () => {};
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      paths.push(`${req.method} ${req.url} ${req.headers['content-type']} ${req.headers.authorization}`);
      bodies.push(JSON.parse(text) as OtlpBody);
      res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
      onBody();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(async () => {
    server.closeAllConnections();
    server.close();
  });
  const spans = () => bodies.flatMap((b) => b.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    paths,
    spans,
    waitForSpans: (n: number) =>
      new Promise<void>((resolve) => {
        onBody = () => spans().length >= n && resolve();
        onBody();
      }),
  };
}

const base = { type: 'span' as const, traceId: 'ab'.repeat(16), time: 1_700_000_000_000 };

describe('OtlpHttpExporter', () => {
  it('sends ended spans to /v1/traces with GenAI attributes, merging start and end', async () => {
    const sink = await otlpSink();
    const exporter = new OtlpHttpExporter({ endpoint: sink.url, headers: { authorization: 'Bearer k' } });
    closers.push(() => exporter.shutdown(100));
    const start: SpanEvent = {
      ...base, phase: 'start', spanId: '1'.repeat(16), parentId: '2'.repeat(16), name: 'chat gpt-x', kind: 'generation',
      startTime: 1_700_000_000_000.5, input: { messages: [{ role: 'user', content: 'hi' }] }, service: 'svc-b',
    };
    const end: SpanEvent = {
      ...base, phase: 'end', spanId: '1'.repeat(16), endTime: 1_700_000_000_250, status: 'ok', output: 'hello',
      provider: 'openai', model: 'gpt-x', usage: { input: 12, output: 3 }, cost: 0.0021, metadata: { tenant: 't1', n: 2 },
    };
    const running: SpanEvent = { ...base, phase: 'start', spanId: '3'.repeat(16), name: 'still running' };
    exporter.enqueue(start, 300);
    exporter.enqueue(running, 100);
    exporter.enqueue(end, 300);
    const flushed = await exporter.flush(2_000);
    expect(flushed.done).toBe(true);
    await sink.waitForSpans(1);
    expect(sink.paths[0]).toBe('POST /v1/traces application/json Bearer k');
    const [span] = sink.spans();
    const attrs = Object.fromEntries((span!.attributes as Array<{ key: string; value: Record<string, unknown> }>).map((a) => [a.key, Object.values(a.value)[0]]));
    expect(span).toMatchObject({
      traceId: base.traceId, spanId: '1'.repeat(16), parentSpanId: '2'.repeat(16), name: 'chat gpt-x', kind: 3,
      startTimeUnixNano: '1700000000000500000', endTimeUnixNano: '1700000000250000000', status: { code: 1 },
    });
    expect(attrs).toMatchObject({
      'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-x', 'gen_ai.usage.input_tokens': '12',
      'gen_ai.usage.output_tokens': '3', 'wisp.kind': 'generation', 'wisp.cost': 0.0021, 'wisp.output': 'hello',
      'wisp.input': '{"messages":[{"role":"user","content":"hi"}]}', 'wisp.metadata.tenant': 't1', 'wisp.metadata.n': '2',
    });
    expect(sink.bodies[0]!.resourceSpans[0]!.resource.attributes[0]).toEqual({ key: 'service.name', value: { stringValue: 'svc-b' } });
    const s = exporter.stats();
    expect(s).toMatchObject({ created: 1, sent: 1, queued: 0, inFlight: 0 });
  });

  it('keeps the input of a start that left before its end (ends carry only what starts did not)', async () => {
    const sink = await otlpSink();
    const exporter = new OtlpHttpExporter({ endpoint: sink.url });
    closers.push(() => exporter.shutdown(100));
    const spanId = '4'.repeat(16);
    exporter.enqueue({ ...base, phase: 'start', spanId, name: 'long', startTime: base.time, input: 'question', trace: { userId: 'u' } }, 200);
    await exporter.flush(2_000);
    exporter.enqueue({ ...base, phase: 'end', spanId, name: 'long', startTime: base.time, endTime: base.time + 5, status: 'ok', output: 'answer' }, 200);
    await exporter.flush(2_000);
    await sink.waitForSpans(1);
    const [span] = sink.spans();
    const attrs = Object.fromEntries((span!.attributes as Array<{ key: string; value: Record<string, unknown> }>).map((a) => [a.key, Object.values(a.value)[0]]));
    expect(attrs).toMatchObject({ 'wisp.input': 'question', 'wisp.output': 'answer', 'wisp.trace.user_id': 'u' });
  });

  it('counts spans an OTLP partial success rejects', async () => {
    const sink = await otlpSink('{"partialSuccess":{"rejectedSpans":"2","errorMessage":"bad"}}');
    const exporter = new OtlpHttpExporter({ endpoint: sink.url });
    closers.push(() => exporter.shutdown(100));
    for (let i = 0; i < 5; i++) exporter.enqueue({ ...base, phase: 'full', spanId: String(i).repeat(16), name: `s${i}` }, 100);
    await exporter.flush(2_000);
    const s = exporter.stats();
    expect(s).toMatchObject({ created: 5, sent: 3, dropped: { rejected: 2 } });
    expect(s.created).toBe(s.sent + s.queued + s.inFlight + totalDropped(s));
  });

  it('maps errors to an error status and an exception event', () => {
    const span = toOtlpSpan({ ...base, phase: 'full', spanId: 'a'.repeat(16), status: 'error', error: { type: 'TypeError', message: 'x is undefined', stack: 'at f' } });
    expect(span.status).toEqual({ code: 2, message: 'x is undefined' });
    expect(span.events).toEqual([
      expect.objectContaining({ name: 'exception', attributes: expect.arrayContaining([{ key: 'exception.type', value: { stringValue: 'TypeError' } }]) }),
    ]);
  });

  it('writes nanoseconds without float overflow (epoch ms doubles carry microseconds)', () => {
    expect(nanos(1_700_000_000_123.456)).toBe('1700000000123456000');
    expect(nanos(1_700_000_000_000 + 0.9996)).toBe('1700000000001000000');
    expect(nanos(1_700_000_000_000)).toBe('1700000000000000000');
  });
});
