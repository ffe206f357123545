/**
 * The SDK's integrations end to end: the real `openai` client (pointed at a local OpenAI-shaped
 * server) wrapped by `wrapOpenAI`, and the real OpenTelemetry `BasicTracerProvider` with
 * `WispSpanProcessor`, both recording through a Wisp client into a real collector (port 0, SQLite
 * in a temp dir); the stored generations are read back through the query API, priced by the
 * collector's table.
 */
import { ROOT_CONTEXT, trace as otelTrace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Wisp } from '@wisp/sdk';
import { wrapOpenAI } from '@wisp/sdk/openai';
import { WispSpanProcessor } from '@wisp/sdk/otel';
import type { ObservationSummary, TraceDetail } from '@wisp/protocol';
import { startOpenAITestServer, TEXT_PIECES, type OpenAITestServer } from '../../packages/sdk/src/integrations/openai/openai-test-server.js';
import { startTestServer, type TestServer } from '../../packages/server/src/testing/test-server.js';

let collector: TestServer;
let openaiServer: OpenAITestServer;

beforeAll(async () => {
  collector = await startTestServer();
  openaiServer = await startOpenAITestServer();
});
afterAll(async () => {
  await openaiServer.close();
  await collector.dispose();
});

async function detail(traceId: string): Promise<TraceDetail> {
  const res = await fetch(`${collector.url}/api/v1/traces/${traceId}`);
  expect(res.status).toBe(200);
  return (await res.json()) as TraceDetail;
}

function client(): Wisp {
  return new Wisp({ endpoint: collector.url, serviceName: 'integrations-e2e', flushOnBeforeExit: false });
}

describe('integrations → collector → query API', () => {
  it('wrapOpenAI: a completion and a stream are stored as priced generations under the trace', async () => {
    const wisp = client();
    const openai = wrapOpenAI(new OpenAI({ apiKey: 'sk-test-not-a-real-key-000000', baseURL: openaiServer.url, maxRetries: 0 }), { client: wisp });
    let traceId = '';
    const text = await wisp.trace('answer', async (root) => {
      traceId = root.traceId;
      const completion = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], temperature: 0.2 });
      const stream = await openai.chat.completions.create({
        model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true },
      });
      let streamed = '';
      for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
      return `${completion.choices[0]!.message.content ?? ''}|${streamed}`;
    });
    // The wrapper changes nothing the app sees.
    expect(text).toBe(`${TEXT_PIECES.join('')}|${TEXT_PIECES.join('')}`);
    expect((await wisp.shutdown(10_000)).done).toBe(true);
    expect(wisp.stats()).toMatchObject({ created: 3, sent: 3, queued: 0, inFlight: 0 });

    const d = await detail(traceId);
    const gens = d.observations.filter((o) => o.kind === 'generation');
    expect(gens).toHaveLength(2);
    const root = d.observations.find((o) => o.parentId === null)!;
    for (const g of gens) {
      expect(g).toMatchObject({ parentId: root.spanId, provider: 'openai', status: 'ok' });
      expect(g.model).toMatch(/^gpt-4o-mini/);
      expect(g.usage).toMatchObject({ input: 12, output: 3, cacheRead: 4 });
      // Priced at ingest from the collector's table (the client sent no cost).
      expect(g.cost).toBeGreaterThan(0);
    }
    const streamed = gens.find((g) => g.stream !== null) as ObservationSummary;
    expect(streamed.ttftMs).not.toBeNull();
    expect(streamed.ttftMs!).toBeGreaterThanOrEqual(0);
    expect(streamed.stream!.chunks).toBeGreaterThanOrEqual(TEXT_PIECES.length);
    expect(d.trace.inputTokens).toBe(24);
    expect(d.trace.cost).toBeCloseTo(gens[0]!.cost! + gens[1]!.cost!, 12);
  });

  it('wrapOpenAI: an API error is re-thrown unchanged and stored as a failed generation', async () => {
    const wisp = client();
    const openai = wrapOpenAI(new OpenAI({ apiKey: 'sk-test-not-a-real-key-000000', baseURL: openaiServer.url, maxRetries: 0 }), { client: wisp });
    let traceId = '';
    const err = await wisp
      .trace('fails', async (root) => {
        traceId = root.traceId;
        return openai.chat.completions.create({ model: 'error-400', messages: [{ role: 'user', content: 'hi' }] });
      })
      .then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    await wisp.shutdown(10_000);
    const gen = (await detail(traceId)).observations.find((o) => o.kind === 'generation')!;
    expect(gen.status).toBe('error');
    expect(gen.error?.type).toBe('BadRequestError');
  });

  it('WispSpanProcessor: a Vercel AI SDK span (provider openai.chat) is stored as an openai generation, priced', async () => {
    const wisp = client();
    const provider = new BasicTracerProvider({ spanProcessors: [new WispSpanProcessor({ client: wisp })] });
    const tracer = provider.getTracer('ai', '5.0.0');
    const root = tracer.startSpan('ai.generateText', { attributes: { 'ai.operationId': 'ai.generateText', 'ai.model.provider': 'openai.chat', 'ai.model.id': 'gpt-4o-mini' } });
    const gen = tracer.startSpan(
      'ai.generateText.doGenerate',
      {
        attributes: {
          'ai.operationId': 'ai.generateText.doGenerate',
          'ai.model.provider': 'openai.chat',
          'ai.model.id': 'gpt-4o-mini',
          'gen_ai.system': 'openai.chat',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.usage.input_tokens': 1000,
          'gen_ai.usage.output_tokens': 200,
          'ai.response.text': 'Sunny.',
        },
      },
      otelTrace.setSpan(ROOT_CONTEXT, root),
    );
    gen.end();
    root.end();
    await provider.forceFlush();
    await wisp.shutdown(10_000);
    const d = await detail(root.spanContext().traceId);
    expect(d.observations).toHaveLength(2);
    const g = d.observations.find((o) => o.kind === 'generation')!;
    expect(g).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', parentId: root.spanContext().spanId });
    expect(g.usage).toMatchObject({ input: 1000, output: 200 });
    // gpt-4o-mini: $0.15 / $0.60 per million tokens.
    expect(g.cost).toBeCloseTo((1000 * 0.15 + 200 * 0.6) / 1e6, 9);
    await provider.shutdown();
  });
});
