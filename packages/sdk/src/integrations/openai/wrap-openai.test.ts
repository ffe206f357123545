import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Wisp } from '../../client.js';
import type { Diagnostic } from '../../diagnostics.js';
import type { FinishedSpan } from '../../in-memory-exporter.js';
import { InMemoryExporter } from '../../in-memory-exporter.js';
import type { OpenAITestServer } from './openai-test-server.js';
import { CHAT_USAGE, RESPONSE_USAGE, startOpenAITestServer, TEXT_PIECES } from './openai-test-server.js';
import { wrapOpenAI } from './wrap-openai.js';

let server: OpenAITestServer;
beforeAll(async () => {
  server = await startOpenAITestServer();
});
afterAll(async () => {
  await server.close();
});

const messages = [
  { role: 'system' as const, content: 'Be brief.' },
  { role: 'user' as const, content: 'Say hello' },
];

function setup(options: ConstructorParameters<typeof Wisp>[0] = {}) {
  const memory = new InMemoryExporter();
  const diagnostics: Diagnostic[] = [];
  const wisp = new Wisp({ exporters: [memory], flushOnBeforeExit: false, onInternalError: (d) => diagnostics.push(d), ...options });
  const raw = new OpenAI({ apiKey: 'sk-test', baseURL: server.url, maxRetries: 0 });
  const openai = wrapOpenAI(raw, { client: wisp });
  const only = (): FinishedSpan => {
    const spans = memory.spans().filter((s) => s.name?.startsWith('openai.') === true);
    expect(spans).toHaveLength(1);
    return spans[0]!;
  };
  return { wisp, memory, diagnostics, raw, openai, only };
}

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

describe('wrapOpenAI: chat.completions.create', () => {
  it('records a generation and returns exactly what the unwrapped client returns', async () => {
    const { raw, openai, only } = setup();
    const params = { model: 'gpt-test', messages, temperature: 0.2, max_tokens: 50, seed: 7 };
    const expected = await raw.chat.completions.create(params);
    const result = await openai.chat.completions.create(params);
    expect(result).toEqual(expected);
    expect((result as unknown as { _request_id?: string })._request_id).toBe('req_test_1');
    expect(server.requests.at(-1)?.body).toEqual(server.requests.at(-2)?.body);

    const span = only();
    expect(span).toMatchObject({
      name: 'openai.chat',
      kind: 'generation',
      status: 'ok',
      provider: 'openai',
      model: 'gpt-test-2026-01-01',
      modelParameters: { temperature: 0.2, max_tokens: 50, seed: 7 },
      input: messages,
      output: { role: 'assistant', content: 'Hello there', refusal: null },
      usage: { input: 12, output: 3, total: 15, cacheRead: 4, reasoning: 1 },
      metadata: { responseId: 'chatcmpl-1', systemFingerprint: 'fp_test', requestId: 'req_test_1', finishReason: 'stop' },
    });
    expect(span.usage).toEqual({ input: CHAT_USAGE.prompt_tokens, output: 3, total: 15, cacheRead: 4, reasoning: 1 });
  });

  it('records tool calls as the output message', async () => {
    const { openai, only } = setup();
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object' } } }];
    await openai.chat.completions.create({ model: 'tools', messages, tools, tool_choice: 'auto' });
    const span = only();
    expect(span.output).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
    });
    expect(span.modelParameters).toEqual({ tool_choice: 'auto' });
    expect(span.metadata).toMatchObject({ tools, finishReason: 'tool_calls' });
  });

  it('nests under the active span, and starts its own trace outside any span', async () => {
    const { wisp, memory, openai } = setup();
    await wisp.trace('answer', async () => {
      await wisp.startActiveSpan('step', () => openai.chat.completions.create({ model: 'gpt-test', messages }));
    });
    await openai.chat.completions.create({ model: 'gpt-test', messages });
    const spans = memory.spans();
    const root = spans.find((s) => s.name === 'answer')!;
    const step = spans.find((s) => s.name === 'step')!;
    const [inside, outside] = spans.filter((s) => s.name === 'openai.chat');
    expect(inside).toMatchObject({ traceId: root.traceId, parentId: step.spanId });
    expect(outside!.parentId).toBeUndefined();
    expect(outside!.traceId).not.toBe(root.traceId);
  });

  it('re-throws API errors unchanged and records status, type and code', async () => {
    const { raw, openai, only } = setup();
    const params = { model: 'error-400', messages };
    const expected = await raw.chat.completions.create(params).catch((e: unknown) => e);
    const thrown = await openai.chat.completions.create(params).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(OpenAI.BadRequestError);
    expect(thrown).toMatchObject({ status: 400, code: 'model_not_found', type: 'invalid_request_error', message: (expected as Error).message });
    const span = only();
    expect(span.status).toBe('error');
    expect(span.error).toMatchObject({ type: 'BadRequestError', message: (expected as Error).message });
    expect(span.metadata).toMatchObject({
      'error.status': 400,
      'error.type': 'invalid_request_error',
      'error.code': 'model_not_found',
      'error.param': 'model',
      requestId: 'req_test_1',
    });
  });

  it('keeps the lazy APIPromise: asResponse() leaves the body to the caller, withResponse() works', async () => {
    const { openai, memory } = setup();
    const response = await openai.chat.completions.create({ model: 'gpt-test', messages }).asResponse();
    const body = (await response.json()) as { model: string };
    expect(body.model).toBe('gpt-test-2026-01-01');
    const { data, response: raw, request_id } = await openai.chat.completions.create({ model: 'gpt-test', messages }).withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello there');
    expect(raw.status).toBe(200);
    expect(request_id).toBe('req_test_1');
    const [rawSpan, parsedSpan] = memory.spans();
    expect(rawSpan).toMatchObject({ status: 'ok', metadata: { rawResponse: true, 'http.status': 200 } });
    expect(rawSpan!.output).toBeUndefined();
    expect(parsedSpan).toMatchObject({ status: 'ok', output: { content: 'Hello there' }, usage: { input: 12 } });
  });

  it('the client helpers built on create (parse) are traced through it', async () => {
    const { openai, only } = setup();
    const completion = await openai.chat.completions.parse({
      model: 'gpt-test',
      messages,
      response_format: { type: 'json_schema', json_schema: { name: 'greeting', schema: { type: 'object' } } },
    });
    expect(completion.choices[0]?.message.parsed).toEqual({ greeting: 'Hello there' });
    expect(only()).toMatchObject({ name: 'openai.chat', status: 'ok', model: 'gpt-test-2026-01-01', output: { content: '{"greeting":"Hello there"}' } });
  });
});

describe('wrapOpenAI: streaming', () => {
  it('returns the same Stream (controller, tee, toReadableStream) with the same chunks, and records TTFT, chunks and usage', async () => {
    const { raw, openai, only, memory } = setup();
    const params = { model: 'gpt-test', messages, stream: true as const, stream_options: { include_usage: true } };
    const expected = await collect(await raw.chat.completions.create(params));
    const stream = await openai.chat.completions.create(params);
    const unwrapped = await raw.chat.completions.create(params);
    expect(Object.getPrototypeOf(stream)).toBe(Object.getPrototypeOf(unwrapped));
    expect(stream.controller).toBeInstanceOf(AbortController);
    expect(typeof stream.tee).toBe('function');
    expect(typeof stream.toReadableStream).toBe('function');
    await collect(unwrapped);

    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    // Running while the stream is read: the generation ends with the stream, not with the call.
    expect(memory.spans().find((s) => s.name === 'openai.chat')?.endTime).toBeUndefined();
    const rest: unknown[] = [];
    for (let r = await iterator.next(); r.done !== true; r = await iterator.next()) rest.push(r.value);
    expect([first.value, ...rest]).toEqual(expected);

    const span = only();
    expect(span).toMatchObject({
      status: 'ok',
      model: 'gpt-test-2026-01-01',
      modelParameters: { stream: true },
      output: { role: 'assistant', content: TEXT_PIECES.join('') },
      usage: { input: 12, output: 3, total: 15, cacheRead: 4, reasoning: 1 },
      metadata: { stream_options: { include_usage: true }, finishReason: 'stop', responseId: 'chatcmpl-1' },
    });
    expect(span.stream?.chunks).toBe(TEXT_PIECES.length);
    expect(span.stream?.maxChunkGapMs).toBeGreaterThanOrEqual(0);
    expect(span.stream?.meanChunkGapMs).toBeGreaterThanOrEqual(0);
    expect(span.completionStartTime).toBeGreaterThanOrEqual(span.startTime!);
    expect(span.completionStartTime).toBeLessThanOrEqual(span.endTime!);
  });

  it('reassembles streamed tool calls', async () => {
    const { openai, only } = setup();
    await collect(await openai.chat.completions.create({ model: 'tools', messages, stream: true }));
    expect(only().output).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
    });
    expect(only().stream?.chunks).toBe(3);
  });

  it('tee() and toReadableStream() still work and are recorded once', async () => {
    const { openai, memory } = setup();
    const [left, right] = (await openai.chat.completions.create({ model: 'gpt-test', messages, stream: true })).tee();
    const [a, b] = await Promise.all([collect(left), collect(right)]);
    expect(a).toEqual(b);
    const readable = (await openai.chat.completions.create({ model: 'gpt-test', messages, stream: true })).toReadableStream();
    const reader = readable.getReader();
    let bytes = 0;
    for (let r = await reader.read(); r.done !== true; r = await reader.read()) bytes += r.value.length;
    expect(bytes).toBeGreaterThan(0);
    const spans = memory.spans();
    expect(spans).toHaveLength(2);
    for (const span of spans) expect(span).toMatchObject({ status: 'ok', output: { content: 'Hello there' }, stream: { chunks: 3 } });
  });

  it('a consumer that stops early ends the generation with what it read', async () => {
    const { openai, only } = setup();
    const stream = await openai.chat.completions.create({ model: 'gpt-test', messages, stream: true });
    let seen = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) seen++;
      if (seen === 1) break;
    }
    expect(only()).toMatchObject({ status: 'ok', output: { content: 'Hel' }, metadata: { streamClosedEarly: true }, stream: { chunks: 1 } });
  });

  it('an error in the middle of a stream reaches the consumer unchanged and is recorded', async () => {
    const { raw, openai, only } = setup();
    const params = { model: 'stream-error', messages, stream: true as const };
    const expected = await collect(await raw.chat.completions.create(params)).catch((e: unknown) => e);
    const thrown = await collect(await openai.chat.completions.create(params)).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(OpenAI.APIError);
    expect((thrown as Error).message).toBe((expected as Error).message);
    expect(only()).toMatchObject({ status: 'error', error: { message: (expected as Error).message } });
  });

  it('the chat.completions.stream() helper is traced through create', async () => {
    const { openai, only } = setup();
    const runner = openai.chat.completions.stream({ model: 'gpt-test', messages });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe('Hello there');
    expect(only()).toMatchObject({ status: 'ok', output: { content: 'Hello there' }, stream: { chunks: 3 } });
  });
});

describe('wrapOpenAI: responses and embeddings', () => {
  it('responses.create (JSON) records input with instructions, output items and usage', async () => {
    const { raw, openai, only } = setup();
    const params = { model: 'gpt-test', instructions: 'Be brief.', input: 'Say hello', max_output_tokens: 40 };
    const expected = await raw.responses.create(params);
    const result = await openai.responses.create(params);
    expect(result).toEqual(expected);
    expect(result.output_text).toBe('Hello there');
    expect(only()).toMatchObject({
      name: 'openai.responses',
      kind: 'generation',
      model: 'gpt-test-2026-01-01',
      modelParameters: { max_output_tokens: 40 },
      input: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hello' },
      ],
      output: expected.output,
      usage: { input: RESPONSE_USAGE.input_tokens, output: 5, total: 25, cacheRead: 8, reasoning: 2 },
      metadata: { responseId: 'resp_1', responseStatus: 'completed' },
    });
  });

  it('responses.create (stream) counts text deltas and takes usage from response.completed', async () => {
    const { raw, openai, only } = setup();
    const params = { model: 'gpt-test', input: 'Say hello', stream: true as const };
    const expected = await collect(await raw.responses.create(params));
    expect(await collect(await openai.responses.create(params))).toEqual(expected);
    const span = only();
    expect(span).toMatchObject({ status: 'ok', model: 'gpt-test-2026-01-01', usage: { input: 20, output: 5 }, stream: { chunks: 3 } });
    expect(span.completionStartTime).toBeGreaterThanOrEqual(span.startTime!);
  });

  it('embeddings.create records an embedding span without the vectors', async () => {
    const { raw, openai, only } = setup();
    const params = { model: 'text-embedding-test', input: ['a', 'b'] };
    const expected = await raw.embeddings.create(params);
    expect(await openai.embeddings.create(params)).toEqual(expected);
    expect(only()).toMatchObject({
      name: 'openai.embeddings',
      kind: 'embedding',
      provider: 'openai',
      model: 'text-embedding-test-2026-01-01',
      input: ['a', 'b'],
      output: { embeddings: 2, dimensions: 4 },
      usage: { input: 6, total: 6 },
    });
  });
});

describe('wrapOpenAI: options, no-op modes and bad input', () => {
  it('a disabled client records nothing and changes nothing', async () => {
    const { raw, memory } = setup();
    const disabled = new Wisp({ enabled: false, exporters: [memory] });
    const openai = wrapOpenAI(raw, { client: disabled });
    const result = await openai.chat.completions.create({ model: 'gpt-test', messages });
    const chunks = await collect(await openai.chat.completions.create({ model: 'gpt-test', messages, stream: true }));
    expect(result.choices[0]?.message.content).toBe('Hello there');
    expect(chunks.length).toBeGreaterThan(0);
    expect(memory.events).toHaveLength(0);
  });

  it('a trace sampled out records nothing and leaves the stream untouched', async () => {
    const { raw, memory } = setup();
    const sampledOut = new Wisp({ sampleRate: 0, exporters: [memory], flushOnBeforeExit: false });
    const stream = await wrapOpenAI(raw, { client: sampledOut }).chat.completions.create({ model: 'gpt-test', messages, stream: true });
    expect(Object.hasOwn(stream, 'iterator')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(stream, 'iterator')?.enumerable).toBe(true);
    await collect(stream);
    expect(memory.events).toHaveLength(0);
  });

  it('does not modify the client it wraps', async () => {
    const { raw, openai } = setup();
    const before = Object.getOwnPropertyNames(raw.chat.completions);
    const create = raw.chat.completions.create;
    await openai.chat.completions.create({ model: 'gpt-test', messages });
    expect(raw.chat.completions.create).toBe(create);
    expect(Object.getOwnPropertyNames(raw.chat.completions)).toEqual(before);
    expect(openai).toBeInstanceOf(OpenAI);
    expect(openai.baseURL).toBe(server.url);
    expect(wrapOpenAI(openai)).toBe(openai);
  });

  it('provider, metadata and capture options', async () => {
    const { wisp, raw, memory } = setup();
    const openai = wrapOpenAI(raw, { client: wisp, provider: 'azure', metadata: { team: 'search' }, captureInput: false, captureOutput: false });
    await openai.chat.completions.create({ model: 'gpt-test', messages });
    const [span] = memory.spans();
    expect(span).toMatchObject({ provider: 'azure', metadata: { team: 'search' }, usage: { input: 12 } });
    expect(span!.input).toBeUndefined();
    expect(span!.output).toBeUndefined();
  });

  it('null, non-clients and bad options are reported and returned unchanged', () => {
    const { wisp, diagnostics } = setup();
    const weird = { chat: 'nope' };
    expect(wrapOpenAI(null, { client: wisp })).toBeNull();
    expect(wrapOpenAI(weird, { client: wisp })).toBe(weird);
    expect(wrapOpenAI(42 as unknown as object, { client: wisp })).toBe(42);
    const messages = diagnostics.map((d) => `${d.code}: ${d.message}`);
    expect(messages).toEqual([
      'invalid_argument: wrapOpenAI() expects an OpenAI client, got null; returned unchanged',
      'invalid_argument: wrapOpenAI(): the object has none of chat.completions.create, responses.create, embeddings.create; returned unchanged',
      'invalid_argument: wrapOpenAI() expects an OpenAI client, got number; returned unchanged',
    ]);
  });

  it('weird options and arguments: the call behaves as unwrapped', async () => {
    const { raw, memory, diagnostics, wisp } = setup();
    const openai = wrapOpenAI(raw, 'fast' as never);
    expect(diagnostics).toHaveLength(0); // reported to the default client, not this one
    const wrapped = wrapOpenAI(raw, { client: wisp });
    const attempt = async (call: () => unknown) => {
      try {
        return await call();
      } catch (err) {
        return err;
      }
    };
    const a = await attempt(() => raw.chat.completions.create(undefined as never));
    const b = await attempt(() => wrapped.chat.completions.create(undefined as never));
    expect(b).toBeInstanceOf(TypeError);
    expect(Object.prototype.toString.call(b)).toBe(Object.prototype.toString.call(a));
    expect((b as { constructor: unknown }).constructor).toBe((a as { constructor: unknown }).constructor);
    expect(typeof openai.chat.completions.create).toBe('function');
    expect(memory.spans()).toHaveLength(1);
  });

  it('a hand-made client: sync throws re-thrown as is, plain values and promises recorded', async () => {
    const { wisp, memory } = setup();
    const boom = new TypeError('bad body');
    const fake = {
      chat: {
        completions: {
          create: (p: { model: string }) => {
            if (p.model === 'throw') throw boom;
            return p.model === 'sync' ? { model: 'sync-1', choices: [] } : Promise.resolve({ model: 'async-1', choices: [] });
          },
        },
      },
    };
    const openai = wrapOpenAI(fake, { client: wisp });
    expect(() => openai.chat.completions.create({ model: 'throw' })).toThrow(boom);
    expect(openai.chat.completions.create({ model: 'sync' })).toEqual({ model: 'sync-1', choices: [] });
    await expect(openai.chat.completions.create({ model: 'async' })).resolves.toEqual({ model: 'async-1', choices: [] });
    const spans = memory.spans();
    expect(spans.map((s) => [s.status, s.model])).toEqual([
      ['error', 'throw'],
      ['ok', 'sync-1'],
      ['ok', 'async-1'],
    ]);
    expect(spans[0]!.error).toMatchObject({ type: 'TypeError', message: 'bad body' });
  });
});
