/**
 * The official OpenTelemetry JS SDK with its OTLP exporters (protobuf and JSON) sends a GenAI agent
 * trace to a real collector on port 0 with SQLite; the stored trace, read back through the query
 * API, carries the mapped kinds, provider, model, usage, time to first token, user and session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { TraceDetail } from '@wisp/protocol';
import { startTestServer, type TestServer } from '../../packages/server/src/testing/test-server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.dispose();
});

/** Sends one agent trace (agent → chat generation with old GenAI names → tool) and returns its id. */
async function sendTrace(exporter: SpanExporter, t0: number): Promise<string> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'otel-agent', 'service.version': '2.0.1', 'deployment.environment.name': 'staging' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('e2e');
  const agent = tracer.startSpan(
    'invoke_agent planner',
    { startTime: t0, attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.conversation.id': 'conv-9', 'user.id': 'user-9' } },
    ROOT_CONTEXT,
  );
  const ctx = trace.setSpan(ROOT_CONTEXT, agent);
  const chat = tracer.startSpan(
    'chat gpt-4o',
    {
      startTime: t0 + 10,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.prompt_tokens': 1200,
        'gen_ai.usage.completion_tokens': 300,
      },
    },
    ctx,
  );
  chat.addEvent('gen_ai.content.completion.first_token', t0 + 160);
  chat.end(t0 + 900);
  const tool = tracer.startSpan(
    'execute_tool lookup_order',
    { startTime: t0 + 910, attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup_order' } },
    ctx,
  );
  tool.setStatus({ code: SpanStatusCode.ERROR, message: 'order service timed out' });
  tool.end(t0 + 1400);
  agent.end(t0 + 1500);
  await provider.forceFlush();
  await provider.shutdown();
  return agent.spanContext().traceId;
}

describe('OTLP from the official OpenTelemetry exporters into a real collector', () => {
  it.each([
    ['protobuf', (url: string) => new ProtoExporter({ url })],
    ['JSON', (url: string) => new JsonExporter({ url })],
  ])('%s: spans are stored and mapped to the Wisp model', async (_format, makeExporter) => {
    const t0 = Date.now() - 60_000;
    const traceId = await sendTrace(makeExporter(`${server.url}/v1/traces`), t0);
    const res = await fetch(`${server.url}/api/v1/traces/${traceId}`);
    expect(res.status).toBe(200);
    const detail = (await res.json()) as TraceDetail;
    const byName = new Map(detail.observations.map((o) => [o.name, o]));
    expect(detail.observations).toHaveLength(3);
    expect(detail.trace).toMatchObject({ userId: 'user-9', sessionId: 'conv-9', environment: 'staging', status: 'error', durationMs: 1500 });

    const agent = byName.get('invoke_agent planner')!;
    expect(agent).toMatchObject({ kind: 'agent', parentId: null, service: 'otel-agent' });
    const chat = byName.get('chat gpt-4o')!;
    expect(chat).toMatchObject({ kind: 'generation', provider: 'openai', model: 'gpt-4o', parentId: agent.spanId, status: 'ok', ttftMs: 150 });
    expect(chat.usage).toMatchObject({ input: 1200, output: 300 });
    // No cost was sent: the collector priced the call from its table.
    expect(chat.cost).toBeGreaterThan(0);
    // Tool spans are named after the tool they ran (docs/otlp.md).
    const tool = byName.get('lookup_order')!;
    expect(tool).toMatchObject({ kind: 'tool', status: 'error', parentId: agent.spanId });
    expect(tool.error?.message).toBe('order service timed out');
  });
});
