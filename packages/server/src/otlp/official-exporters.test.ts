/**
 * The official OpenTelemetry JS exporters (protobuf and JSON over HTTP) send GenAI-attributed spans
 * to a bare HTTP server that runs the decoder on what arrives: the bytes real SDKs produce map to
 * the expected Wisp span events.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { SpanEvent } from '@wisp/protocol';
import { decodeOtlpTraces, encodeOtlpResponse } from './index.js';
import type { OtlpDecodeResult } from './index.js';

interface Received {
  contentType: string;
  result: OtlpDecodeResult;
}

let received: Received[] = [];
let url = '';
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let body = Buffer.concat(chunks);
    if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
    const contentType = String(req.headers['content-type'] ?? '');
    const format = contentType.includes('json') ? 'json' : 'protobuf';
    const result = decodeOtlpTraces(body, format);
    received.push({ contentType, result });
    res.writeHead(200, { 'content-type': format === 'json' ? 'application/json' : 'application/x-protobuf' });
    res.end(encodeOtlpResponse(result, format));
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function sendAgentTrace(exporter: SpanExporter): Promise<{ traceId: string; ids: Record<string, string> }> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'support-bot',
      'service.version': '1.4.2',
      'deployment.environment.name': 'staging',
      'host.name': 'worker-7',
    }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('genai-test', '0.1.0');
  const t0 = Date.parse('2026-11-22T10:00:00.000Z');

  const agent = tracer.startSpan(
    'invoke_agent support',
    {
      kind: SpanKind.INTERNAL,
      startTime: t0,
      attributes: {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': 'support',
        'gen_ai.conversation.id': 'conv-42',
        'user.id': 'user-7',
        'tag.tags': ['beta', 'eu'],
      },
    },
    ROOT_CONTEXT,
  );
  const agentCtx = trace.setSpan(ROOT_CONTEXT, agent);

  const chat = tracer.startSpan(
    'chat gpt-4o',
    {
      kind: SpanKind.CLIENT,
      startTime: t0 + 10,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
        'gen_ai.request.temperature': 0.2,
        'gen_ai.request.max_tokens': 512,
        'gen_ai.usage.input_tokens': 1200,
        'gen_ai.usage.output_tokens': 300,
        'gen_ai.usage.cache_read.input_tokens': 1000,
        'gen_ai.response.time_to_first_chunk': 0.25,
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Where is my order?' }] }]),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Looking it up.' }] }]),
        'server.address': 'api.openai.com',
      },
    },
    agentCtx,
  );
  chat.end(t0 + 1010);

  const tool = tracer.startSpan(
    'execute_tool lookup_order',
    {
      startTime: t0 + 1020,
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'lookup_order',
        'gen_ai.tool.call.id': 'call_1',
        'gen_ai.tool.call.arguments': '{"orderId":"A-17"}',
      },
    },
    agentCtx,
  );
  tool.recordException({ name: 'TimeoutError', message: 'db timed out after 2000 ms', stack: 'TimeoutError: db timed out\n    at lookup' }, t0 + 3020);
  tool.setStatus({ code: SpanStatusCode.ERROR, message: 'db timed out after 2000 ms' });
  tool.addEvent('retry scheduled', { attempt: 2 }, t0 + 3021);
  tool.end(t0 + 3030);

  agent.end(t0 + 3100);
  await provider.forceFlush();
  await provider.shutdown();
  const ids = {
    agent: agent.spanContext().spanId,
    chat: chat.spanContext().spanId,
    tool: tool.spanContext().spanId,
  };
  return { traceId: agent.spanContext().traceId, ids };
}

function assertMapped(spans: SpanEvent[], traceId: string, ids: Record<string, string>): void {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const agent = byId.get(ids.agent as string);
  const chat = byId.get(ids.chat as string);
  const tool = byId.get(ids.tool as string);
  expect(agent).toBeDefined();
  expect(chat).toBeDefined();
  expect(tool).toBeDefined();
  const t0 = Date.parse('2026-11-22T10:00:00.000Z');

  expect(agent).toMatchObject({
    type: 'span',
    phase: 'full',
    traceId,
    kind: 'agent',
    name: 'invoke_agent support',
    startTime: t0,
    endTime: t0 + 3100,
    status: 'ok',
    service: 'support-bot',
    trace: { name: 'invoke_agent support', userId: 'user-7', sessionId: 'conv-42', tags: ['beta', 'eu'], release: '1.4.2', environment: 'staging' },
  });
  expect(agent?.parentId).toBeUndefined();
  expect(agent?.metadata).toMatchObject({ 'gen_ai.agent.name': 'support', resource: { 'host.name': 'worker-7' }, 'otel.scope': { name: 'genai-test', version: '0.1.0' } });

  expect(chat).toMatchObject({
    parentId: ids.agent,
    kind: 'generation',
    provider: 'openai',
    model: 'gpt-4o-2024-08-06',
    modelParameters: { temperature: 0.2, max_tokens: 512 },
    usage: { input: 1200, output: 300, cacheRead: 1000 },
    startTime: t0 + 10,
    endTime: t0 + 1010,
    completionStartTime: t0 + 260,
    input: [{ role: 'user', parts: [{ type: 'text', content: 'Where is my order?' }] }],
    output: [{ role: 'assistant', parts: [{ type: 'text', content: 'Looking it up.' }] }],
  });
  expect(chat?.metadata).toMatchObject({ 'server.address': 'api.openai.com', 'gen_ai.request.model': 'gpt-4o', 'otel.span_kind': 'client' });

  expect(tool).toMatchObject({
    parentId: ids.agent,
    kind: 'tool',
    name: 'lookup_order',
    input: { orderId: 'A-17' },
    status: 'error',
    level: 'error',
    statusMessage: 'db timed out after 2000 ms',
    error: { type: 'TimeoutError', message: 'db timed out after 2000 ms', stack: expect.stringContaining('at lookup') as unknown as string },
  });
  expect(tool?.metadata).toMatchObject({ 'otel.span_name': 'execute_tool lookup_order', 'gen_ai.tool.call.id': 'call_1' });

  // The non-GenAI span event became a child observation of kind `event`.
  const retry = spans.find((s) => s.kind === 'event');
  expect(retry).toMatchObject({ parentId: ids.tool, name: 'retry scheduled', startTime: t0 + 3021, metadata: { attempt: 2 } });
  expect(spans).toHaveLength(4);
}

describe('official OpenTelemetry JS exporters', () => {
  it('protobuf exporter (@opentelemetry/exporter-trace-otlp-proto)', async () => {
    received = [];
    const { traceId, ids } = await sendAgentTrace(new ProtoExporter({ url }));
    expect(received.length).toBeGreaterThan(0);
    expect(received.every((r) => r.contentType.includes('protobuf'))).toBe(true);
    const spans = received.flatMap((r) => r.result.spans);
    expect(received.every((r) => r.result.rejectedSpans === 0)).toBe(true);
    assertMapped(spans, traceId, ids);
  });

  it('JSON exporter (@opentelemetry/exporter-trace-otlp-http)', async () => {
    received = [];
    const { traceId, ids } = await sendAgentTrace(new JsonExporter({ url }));
    expect(received.length).toBeGreaterThan(0);
    expect(received.every((r) => r.contentType.includes('json'))).toBe(true);
    const spans = received.flatMap((r) => r.result.spans);
    expect(received.every((r) => r.result.rejectedSpans === 0)).toBe(true);
    assertMapped(spans, traceId, ids);
  });

  it('the exporters accept our answer (export resolves as success)', async () => {
    received = [];
    const exporter = new ProtoExporter({ url });
    const provider = new BasicTracerProvider({ spanProcessors: [] });
    const span = provider.getTracer('t').startSpan('x');
    span.end();
    const outcome = await new Promise<number>((resolve) => {
      exporter.export([span as unknown as Parameters<SpanExporter['export']>[0][number]], (r) => resolve(r.code));
    });
    expect(outcome).toBe(0); // ExportResultCode.SUCCESS
    await exporter.shutdown();
  });
});
