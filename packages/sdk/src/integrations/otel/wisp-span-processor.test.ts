import type { Span as OtelSpan } from '@opentelemetry/api';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace as otelTrace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { Wisp } from '../../client.js';
import type { Diagnostic } from '../../diagnostics.js';
import type { FinishedSpan } from '../../in-memory-exporter.js';
import { InMemoryExporter } from '../../in-memory-exporter.js';
import type { WispOptions } from '../../options.js';
import { WispSpanProcessor } from './wisp-span-processor.js';

function setup(options: WispOptions = {}, processorOptions: ConstructorParameters<typeof WispSpanProcessor>[0] = {}) {
  const memory = new InMemoryExporter();
  const diagnostics: Diagnostic[] = [];
  const wisp = new Wisp({ exporters: [memory], flushOnBeforeExit: false, onInternalError: (d) => diagnostics.push(d), ...options });
  const processor = new WispSpanProcessor({ client: wisp, ...processorOptions });
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  const tracer = provider.getTracer('ai', '5.0.0');
  const child = (parent: OtelSpan, name: string, attributes: Record<string, string | number | boolean | string[]> = {}) =>
    tracer.startSpan(name, { attributes }, otelTrace.setSpan(ROOT_CONTEXT, parent));
  const byName = (name: string): FinishedSpan => {
    const span = memory.spans().find((s) => s.name === name);
    expect(span, `span ${name} in ${memory.spans().map((s) => s.name).join(', ')}`).toBeDefined();
    return span!;
  };
  return { wisp, memory, diagnostics, processor, provider, tracer, child, byName };
}

const prompt = [{ role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] }];

describe('WispSpanProcessor', () => {
  it('maps a Vercel AI SDK trace: chain, generation with usage and TTFT, tool, ids and nesting kept', async () => {
    const { tracer, child, byName, provider } = setup({ release: 'v7', environment: 'prod' });
    const root = tracer.startSpan('ai.generateText', {
      attributes: {
        'ai.operationId': 'ai.generateText',
        'ai.prompt': JSON.stringify({ prompt: 'Weather in Paris?' }),
        'ai.response.text': 'Sunny, 21°C.',
        'ai.telemetry.metadata.userId': 'u-42',
        'ai.telemetry.metadata.sessionId': 's-7',
        'ai.model.provider': 'openai.chat',
        'ai.model.id': 'gpt-4o-mini',
      },
    });
    const gen = child(root, 'ai.generateText.doGenerate', {
      'ai.operationId': 'ai.generateText.doGenerate',
      'ai.model.provider': 'openai.chat',
      'ai.model.id': 'gpt-4o-mini',
      'ai.prompt.messages': JSON.stringify(prompt),
      'ai.response.text': 'Sunny, 21°C.',
      'ai.response.msToFirstChunk': 0,
      'ai.settings.maxRetries': 2,
      'gen_ai.system': 'openai.chat',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.request.temperature': 0.3,
      'gen_ai.request.max_tokens': 100,
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 4,
      'gen_ai.response.finish_reasons': ['stop'],
      'http.custom': 'kept',
    });
    gen.end();
    const tool = child(root, 'ai.toolCall', {
      'ai.operationId': 'ai.toolCall',
      'ai.toolCall.name': 'weather',
      'ai.toolCall.args': '{"city":"Paris"}',
      'ai.toolCall.result': '{"tempC":21}',
    });
    tool.end();
    root.end();
    await provider.forceFlush();

    const rootSpan = byName('ai.generateText');
    const genSpan = byName('ai.generateText.doGenerate');
    const toolSpan = byName('weather');
    expect(rootSpan).toMatchObject({
      phase: 'full',
      kind: 'chain',
      status: 'ok',
      traceId: root.spanContext().traceId,
      spanId: root.spanContext().spanId,
      input: { prompt: 'Weather in Paris?' },
      output: 'Sunny, 21°C.',
      trace: { name: 'ai.generateText', userId: 'u-42', sessionId: 's-7', release: 'v7', environment: 'prod' },
      metadata: { 'otel.scope': 'ai@5.0.0', 'ai.operationId': 'ai.generateText' },
    });
    expect(rootSpan.parentId).toBeUndefined();
    expect(genSpan).toMatchObject({
      kind: 'generation',
      traceId: root.spanContext().traceId,
      spanId: gen.spanContext().spanId,
      parentId: root.spanContext().spanId,
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
      modelParameters: { temperature: 0.3, max_tokens: 100, maxRetries: 2 },
      usage: { input: 10, output: 4 },
      input: prompt,
      output: 'Sunny, 21°C.',
      metadata: { 'gen_ai.response.finish_reasons': ['stop'], 'http.custom': 'kept', 'ai.operationId': 'ai.generateText.doGenerate' },
    });
    expect(genSpan.completionStartTime).toBe(genSpan.startTime);
    expect(genSpan.metadata?.['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(toolSpan).toMatchObject({
      kind: 'tool',
      parentId: root.spanContext().spanId,
      input: { city: 'Paris' },
      output: { tempC: 21 },
      metadata: { 'otel.span_name': 'ai.toolCall' },
    });
    expect(genSpan.startTime).toBeGreaterThanOrEqual(rootSpan.startTime!);
    expect(genSpan.endTime).toBeLessThanOrEqual(rootSpan.endTime!);
    expect(genSpan.service).toBe(rootSpan.service);
  });

  it('maps old and new GenAI names: provider, operation, usage with cache and reasoning tokens', () => {
    const { tracer, byName } = setup();
    tracer
      .startSpan('old-names', {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.system': 'anthropic',
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'claude-sonnet-4',
          'gen_ai.usage.prompt_tokens': 30,
          'gen_ai.usage.completion_tokens': 7,
          'gen_ai.usage.cache_read_input_tokens': 20,
          'gen_ai.usage.cache_creation_input_tokens': 5,
        },
      })
      .end();
    tracer
      .startSpan('new-names', {
        attributes: {
          'gen_ai.provider.name': 'openai',
          'gen_ai.operation.name': 'embeddings',
          'gen_ai.request.model': 'text-embedding-3-small',
          'gen_ai.usage.input_tokens': 8,
          'gen_ai.usage.reasoning.output_tokens': 3,
          'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]),
          'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'be nice' }]),
        },
      })
      .end();
    expect(byName('old-names')).toMatchObject({
      kind: 'generation',
      provider: 'anthropic',
      model: 'claude-sonnet-4',
      usage: { input: 30, output: 7, cacheRead: 20, cacheWrite: 5 },
      metadata: { 'gen_ai.operation.name': 'chat', 'otel.span_kind': 'client' },
    });
    expect(byName('new-names')).toMatchObject({
      kind: 'embedding',
      provider: 'openai',
      usage: { input: 8, reasoning: 3 },
      input: [
        { role: 'system', parts: [{ type: 'text', content: 'be nice' }] },
        { role: 'user', parts: [{ type: 'text', content: 'hi' }] },
      ],
    });
  });

  it('records errors from status and exception events; other events become child events', () => {
    const { tracer, memory, byName } = setup();
    const span = tracer.startSpan('failing', { attributes: { 'gen_ai.request.model': 'gpt-4o' } });
    span.addEvent('ai.stream.firstChunk');
    span.addEvent('retry', { attempt: 2 });
    span.recordException(new RangeError('rate limited'));
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'provider error' });
    span.end();
    const failing = byName('failing');
    expect(failing).toMatchObject({ status: 'error', level: 'error', statusMessage: 'provider error', error: { type: 'RangeError', message: 'rate limited' } });
    expect(failing.error?.stack).toContain('rate limited');
    expect(failing.completionStartTime).toBeGreaterThanOrEqual(failing.startTime!);
    const retry = byName('retry');
    expect(retry).toMatchObject({ kind: 'event', parentId: failing.spanId, traceId: failing.traceId, metadata: { attempt: 2 } });
    expect(memory.spans()).toHaveLength(2);
  });

  it('uses the client: masking, sampling and stats', () => {
    const masked = setup({ mask: (value, ctx) => (ctx.field === 'input' ? '[masked]' : value) });
    masked.tracer.startSpan('llm', { attributes: { 'gen_ai.request.model': 'm', 'gen_ai.prompt': 'secret prompt' } }).end();
    expect(masked.byName('llm').input).toBe('[masked]');
    expect(masked.wisp.stats()).toMatchObject({ created: 1, sent: 1 });

    const sampledOut = setup({ sampleRate: 0 });
    sampledOut.tracer.startSpan('dropped').end();
    expect(sampledOut.memory.events).toHaveLength(0);

    const filtered = setup({}, { filter: (s) => s.name.startsWith('ai.') });
    filtered.tracer.startSpan('http GET').end();
    filtered.tracer.startSpan('ai.embed').end();
    expect(filtered.memory.spans().map((s) => s.name)).toEqual(['ai.embed']);
  });

  it('a disabled client records nothing', async () => {
    const memory = new InMemoryExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new WispSpanProcessor({ client: new Wisp({ enabled: false, exporters: [memory] }) })] });
    provider.getTracer('t').startSpan('x').end();
    await provider.shutdown();
    expect(memory.events).toHaveLength(0);
  });

  it('forceFlush and shutdown resolve; spans after shutdown are ignored; shutdownClient shuts the client down', async () => {
    const { provider, tracer, memory, wisp } = setup();
    tracer.startSpan('before').end();
    await expect(provider.forceFlush()).resolves.toBeUndefined();
    await expect(provider.shutdown()).resolves.toBeUndefined();
    tracer.startSpan('after').end();
    expect(memory.spans().map((s) => s.name)).toEqual(['before']);
    // The client itself keeps working for its own spans.
    wisp.startSpan('native').end();
    expect(memory.spans().map((s) => s.name)).toEqual(['before', 'native']);

    const owning = setup({}, { shutdownClient: true });
    await owning.processor.shutdown();
    owning.wisp.startSpan('late').end();
    expect(owning.wisp.stats().dropped).toMatchObject({ shutdown: 1 });
  });

  it('bad input is reported, never thrown', () => {
    const { processor, diagnostics, memory, wisp } = setup();
    const anyProcessor = processor as any;
    expect(() => {
      anyProcessor.onEnd(null);
      anyProcessor.onEnd({ name: 'no context' });
      anyProcessor.onEnd({ name: 'bad ids', spanContext: () => ({ traceId: 'xyz', spanId: '1', traceFlags: 1 }), startTime: [1, 0], endTime: [1, 0] });
      anyProcessor.onEnd({
        name: 'bad times',
        spanContext: () => ({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 }),
        startTime: [2_000_000_000, 0],
        endTime: [1_900_000_000, 0],
      });
      anyProcessor.onEnd({ name: 'throws', spanContext: () => { throw new Error('broken span'); } });
      anyProcessor.onStart(undefined, undefined);
    }).not.toThrow();
    expect(memory.events).toHaveLength(0);
    const messages = diagnostics.map((d) => `${d.code}: ${d.message}`);
    expect(messages).toEqual([
      'invalid_argument: WispSpanProcessor.onEnd expects an OpenTelemetry ReadableSpan, got null',
      'invalid_argument: WispSpanProcessor.onEnd expects an OpenTelemetry ReadableSpan, got object',
      'invalid_argument: WispSpanProcessor: span "bad ids" skipped: trace or span id is not valid hex',
      'invalid_argument: WispSpanProcessor: span "bad times" skipped: end time is before start time',
      'internal: WispSpanProcessor: recording an OpenTelemetry span failed',
    ]);

    const badOptions: Diagnostic[] = [];
    const client = new Wisp({ exporters: [new InMemoryExporter()], onInternalError: (d) => badOptions.push(d), flushOnBeforeExit: false });
    new WispSpanProcessor({ client, filter: 'yes' as never });
    expect(badOptions.map((d) => d.message)).toEqual(['WispSpanProcessor: filter must be a function; ignored']);
    expect(wisp.stats().created).toBe(0);
  });
});
