/** One test per mapping rule, old and new attribute names, through the public decoder. */
import { describe, expect, it } from 'vitest';
import type { SpanEvent } from '@wisp/protocol';
import { findPrice } from '../pricing/index.js';
import { decodeOtlpTraces } from './index.js';
import { jsonBody, PARENT_ID, protobufBody, SPAN_ID, START_MS, START_NANOS, TRACE_ID } from './otlp-test-bodies.js';
import type { TestSpan } from './otlp-test-bodies.js';

function decode(span: TestSpan, resource?: Record<string, unknown>, format: 'json' | 'protobuf' = 'json'): SpanEvent[] {
  const body = format === 'json' ? jsonBody([span], resource) : protobufBody([span], resource);
  const result = decodeOtlpTraces(body, format);
  expect(result.rejectedSpans).toBe(0);
  return result.spans;
}

function one(attributes: Record<string, unknown>, extra: Omit<TestSpan, 'attributes'> = {}): SpanEvent {
  const spans = decode({ ...extra, attributes });
  return spans[0] as SpanEvent;
}

describe.each(['json', 'protobuf'] as const)('identity and times (%s)', (format) => {
  it('maps ids, parent, name, times to a full span event', () => {
    const [span] = decode({ parentSpanId: PARENT_ID, name: 'step', endNanos: START_NANOS + 1_500_000_001n }, undefined, format);
    expect(span).toEqual({
      type: 'span',
      phase: 'full',
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      parentId: PARENT_ID,
      name: 'step',
      kind: 'span',
      time: START_MS + 1500, // 1_500_000_001 ns: kept to the microsecond
      startTime: START_MS,
      endTime: START_MS + 1500,
      status: 'ok',
      service: 'test-service',
      metadata: { 'otel.span_kind': 'internal', 'otel.scope': { name: 'test-scope', version: '1.0.0' } },
    });
  });

  it('keeps microseconds exactly from uint64 nanoseconds', () => {
    const [span] = decode({ startNanos: 1_795_341_600_123_456_789n, endNanos: 1_795_341_600_123_457_999n }, undefined, format);
    expect(span?.startTime).toBe(1_795_341_600_123.456);
    expect(span?.endTime).toBe(1_795_341_600_123.457);
  });

  it('treats an all-zero parent id as no parent and names a root trace after its span', () => {
    const [span] = decode({ parentSpanId: '0000000000000000', name: 'handle request' }, undefined, format);
    expect(span?.parentId).toBeUndefined();
    expect(span?.trace?.name).toBe('handle request');
  });
});

describe('kind', () => {
  it.each([
    ['LLM', 'generation'],
    ['CHAIN', 'chain'],
    ['TOOL', 'tool'],
    ['RETRIEVER', 'retriever'],
    ['RERANKER', 'retriever'],
    ['EMBEDDING', 'embedding'],
    ['AGENT', 'agent'],
    ['GUARDRAIL', 'guardrail'],
    ['EVALUATOR', 'span'],
    ['UNKNOWN', 'span'],
    ['llm', 'generation'],
  ])('openinference.span.kind %s → %s', (value, kind) => {
    expect(one({ 'openinference.span.kind': value }).kind).toBe(kind);
  });

  it.each([
    ['chat', 'generation'],
    ['text_completion', 'generation'],
    ['generate_content', 'generation'],
    ['embeddings', 'embedding'],
    ['execute_tool', 'tool'],
    ['invoke_agent', 'agent'],
    ['create_agent', 'agent'],
    ['invoke_workflow', 'chain'],
    ['retrieval', 'retriever'],
  ])('gen_ai.operation.name %s → %s', (value, kind) => {
    const span = one({ 'gen_ai.operation.name': value });
    expect(span.kind).toBe(kind);
    expect(span.metadata?.['gen_ai.operation.name']).toBe(value);
  });

  it.each([
    ['ai.streamText.doStream', 'generation'],
    ['ai.generateText.doGenerate', 'generation'],
    ['ai.embed.doEmbed', 'embedding'],
    ['ai.toolCall', 'tool'],
    ['ai.generateText', 'chain'],
  ])('Vercel AI SDK ai.operationId %s → %s', (value, kind) => {
    expect(one({ 'ai.operationId': value }).kind).toBe(kind);
  });

  it('infers from the presence of attributes, else span', () => {
    expect(one({ 'gen_ai.system': 'openai', 'gen_ai.usage.prompt_tokens': 3 }).kind).toBe('generation');
    expect(one({ 'gen_ai.request.model': 'gpt-4o' }).kind).toBe('generation');
    expect(one({ 'llm.model_name': 'claude-3-5-sonnet' }).kind).toBe('generation');
    expect(one({ 'gen_ai.tool.name': 'search' }).kind).toBe('tool');
    expect(one({ 'http.method': 'GET' }).kind).toBe('span');
  });

  it('OpenInference wins over gen_ai.operation.name; Langfuse type over both', () => {
    expect(one({ 'openinference.span.kind': 'AGENT', 'gen_ai.operation.name': 'chat' }).kind).toBe('agent');
    expect(one({ 'langfuse.observation.type': 'guardrail', 'openinference.span.kind': 'AGENT' }).kind).toBe('guardrail');
  });
});

describe('provider and model', () => {
  it.each([
    [{ 'gen_ai.provider.name': 'anthropic' }, 'anthropic'],
    [{ 'gen_ai.system': 'openai' }, 'openai'],
    [{ 'llm.provider': 'google' }, 'google'],
    [{ 'llm.system': 'mistralai' }, 'mistralai'],
    [{ 'ai.model.provider': 'openai.chat' }, 'openai'],
    [{ 'gen_ai.provider.name': 'gcp.vertex_ai', 'gen_ai.system': 'vertex_ai' }, 'gcp.vertex_ai'],
  ])('%o → %s', (attributes, provider) => {
    const span = one(attributes);
    expect(span.provider).toBe(provider);
    expect(span.metadata?.['gen_ai.system']).toBeUndefined();
  });

  it('a Vercel AI SDK generation: `openai.chat` in gen_ai.system and ai.model.provider is provider `openai`, priced as such', () => {
    const span = one({
      'ai.operationId': 'ai.generateText.doGenerate',
      'ai.model.provider': 'openai.chat',
      'ai.model.id': 'gpt-4o-mini',
      'ai.response.model': 'gpt-4o-mini-2024-07-18',
      'ai.settings.maxRetries': 2,
      'gen_ai.system': 'openai.chat',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    });
    expect(span).toMatchObject({ kind: 'generation', provider: 'openai', model: 'gpt-4o-mini-2024-07-18', modelParameters: { maxRetries: 2 } });
    // The provider's and response model's other spellings are not kept a second time; the requested alias is.
    for (const key of ['ai.model.provider', 'gen_ai.system', 'ai.response.model', 'ai.settings.maxRetries']) {
      expect(span.metadata?.[key]).toBeUndefined();
    }
    expect(span.metadata).toMatchObject({ 'gen_ai.request.model': 'gpt-4o-mini', 'ai.model.id': 'gpt-4o-mini' });
    // Per-provider price overrides name the plain provider; `openai.chat` would match none.
    const overrides = [{ model: 'gpt-4o-mini', provider: 'openai', input: 1, output: 2 }];
    expect(findPrice({ provider: span.provider, model: span.model as string, overrides })?.source).toBe('override');
    expect(findPrice({ provider: 'openai.chat', model: span.model as string, overrides })?.source).toBe('builtin');
  });

  it('keeps a provider that is not the Vercel AI SDK\'s whole, dots included', () => {
    expect(one({ 'gen_ai.system': 'aws.bedrock' }).provider).toBe('aws.bedrock');
    const both = one({ 'gen_ai.provider.name': 'azure.ai.openai', 'ai.model.provider': 'azure.chat' });
    expect(both.provider).toBe('azure.ai.openai');
  });

  it('prefers the response model and keeps a different requested model as metadata', () => {
    const span = one({ 'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.model': 'gpt-4o-2024-08-06' });
    expect(span.model).toBe('gpt-4o-2024-08-06');
    expect(span.metadata?.['gen_ai.request.model']).toBe('gpt-4o');
    const same = one({ 'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.model': 'gpt-4o' });
    expect(same.metadata?.['gen_ai.request.model']).toBeUndefined();
  });

  it('takes the model from the request or OpenInference', () => {
    expect(one({ 'gen_ai.request.model': 'gemini-2.5-pro' }).model).toBe('gemini-2.5-pro');
    expect(one({ 'llm.model_name': 'claude-sonnet-4' }).model).toBe('claude-sonnet-4');
  });

  it('collects model parameters from gen_ai.request.* and llm.invocation_parameters', () => {
    const span = one({
      'gen_ai.request.model': 'x',
      'gen_ai.request.temperature': 0.7,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.stop_sequences': ['END'],
      'llm.invocation_parameters': '{"temperature": 0.1, "seed": 42}',
    });
    expect(span.modelParameters).toEqual({ temperature: 0.7, top_p: 0.9, stop_sequences: ['END'], seed: 42 });
  });
});

describe('usage', () => {
  it('new GenAI names', () => {
    expect(
      one({
        'gen_ai.usage.input_tokens': 100,
        'gen_ai.usage.output_tokens': 20,
        'gen_ai.usage.cache_read.input_tokens': 60,
        'gen_ai.usage.cache_creation.input_tokens': 30,
        'gen_ai.usage.reasoning.output_tokens': 5,
      }).usage,
    ).toEqual({ input: 100, output: 20, cacheRead: 60, cacheWrite: 30, reasoning: 5 });
  });

  it('old GenAI names', () => {
    expect(
      one({
        'gen_ai.usage.prompt_tokens': 100,
        'gen_ai.usage.completion_tokens': 20,
        'gen_ai.usage.cache_read_input_tokens': 60,
        'gen_ai.usage.cache_creation_input_tokens': 30,
        'gen_ai.usage.total_tokens': 120,
      }).usage,
    ).toEqual({ input: 100, output: 20, cacheRead: 60, cacheWrite: 30, total: 120 });
  });

  it('OpenInference llm.token_count.*', () => {
    expect(
      one({
        'llm.token_count.prompt': 100,
        'llm.token_count.completion': 20,
        'llm.token_count.total': 120,
        'llm.token_count.prompt_details.cache_read': 40,
        'llm.token_count.prompt_details.cache_write': 10,
        'llm.token_count.completion_details.reasoning': 7,
      }).usage,
    ).toEqual({ input: 100, output: 20, total: 120, cacheRead: 40, cacheWrite: 10, reasoning: 7 });
  });

  it('new names win over old ones; counts as strings or doubles are accepted', () => {
    expect(one({ 'gen_ai.usage.input_tokens': 5, 'gen_ai.usage.prompt_tokens': 9 }).usage).toEqual({ input: 5 });
    expect(one({ 'gen_ai.usage.input_tokens': '17', 'gen_ai.usage.output_tokens': 3.0 }).usage).toEqual({ input: 17, output: 3 });
  });

  it('ignores negative and non-numeric counts', () => {
    expect(one({ 'gen_ai.usage.input_tokens': -5, 'gen_ai.usage.output_tokens': 'many' }).usage).toBeUndefined();
  });
});

describe('time to first token', () => {
  const end = START_NANOS + 2_000_000_000n;
  it('gen_ai.response.time_to_first_chunk (seconds)', () => {
    expect(one({ 'gen_ai.response.time_to_first_chunk': 0.35 }).completionStartTime).toBeCloseTo(START_MS + 350, 3);
  });
  it('gen_ai.server.time_to_first_token (seconds)', () => {
    expect(one({ 'gen_ai.server.time_to_first_token': 1.25 }).completionStartTime).toBeCloseTo(START_MS + 1250, 3);
  });
  it('Vercel ai.response.msToFirstChunk (ms)', () => {
    expect(one({ 'ai.response.msToFirstChunk': 120 }).completionStartTime).toBeCloseTo(START_MS + 120, 3);
  });
  it.each(['First Token Stream Event', 'gen_ai.content.first_chunk', 'first_token', 'llm.first-token'])('event "%s"', (name) => {
    const span = one({}, { endNanos: end, events: [{ name, timeNanos: START_NANOS + 400_000_000n }] });
    expect(span.completionStartTime).toBe(START_MS + 400);
  });
  it('is dropped when outside the span', () => {
    expect(one({ 'gen_ai.response.time_to_first_chunk': 10 }).completionStartTime).toBeUndefined();
  });
});

describe('input and output', () => {
  it('gen_ai.input.messages / gen_ai.output.messages (JSON strings), with system instructions first', () => {
    const span = one({
      'gen_ai.system_instructions': '[{"type":"text","content":"Be brief."}]',
      'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"hi"}]}]',
      'gen_ai.output.messages': '[{"role":"assistant","parts":[{"type":"text","content":"hello"}],"finish_reason":"stop"}]',
    });
    expect(span.input).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'hi' }] },
    ]);
    expect(span.output).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'hello' }], finish_reason: 'stop' }]);
  });

  it('old flattened gen_ai.prompt.N.* / gen_ai.completion.N.*', () => {
    const span = one({
      'gen_ai.prompt.0.role': 'system',
      'gen_ai.prompt.0.content': 'You are helpful.',
      'gen_ai.prompt.1.role': 'user',
      'gen_ai.prompt.1.content': 'Weather in Paris?',
      'gen_ai.completion.0.role': 'assistant',
      'gen_ai.completion.0.finish_reason': 'tool_calls',
      'gen_ai.completion.0.tool_calls.0.name': 'get_weather',
      'gen_ai.completion.0.tool_calls.0.arguments': '{"city":"Paris"}',
    });
    expect(span.input).toEqual([
      { role: 'system', content: 'You are helpful.' },
      { role: 'user', content: 'Weather in Paris?' },
    ]);
    expect(span.output).toEqual([
      { role: 'assistant', finish_reason: 'tool_calls', tool_calls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] },
    ]);
    expect(Object.keys(span.metadata ?? {}).some((k) => k.startsWith('gen_ai.prompt'))).toBe(false);
  });

  it('old gen_ai.prompt / gen_ai.completion strings', () => {
    const span = one({ 'gen_ai.prompt': 'Tell me a joke', 'gen_ai.completion': 'No.' });
    expect(span.input).toBe('Tell me a joke');
    expect(span.output).toBe('No.');
  });

  it('OpenInference llm.input_messages / llm.output_messages, superseding input.value', () => {
    const span = one({
      'openinference.span.kind': 'LLM',
      'input.value': '{"model":"gpt-4o","messages":[]}',
      'input.mime_type': 'application/json',
      'llm.input_messages.0.message.role': 'user',
      'llm.input_messages.0.message.content': 'hi',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'search',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"q":"x"}',
    });
    expect(span.input).toEqual([{ role: 'user', content: 'hi' }]);
    expect(span.output).toEqual([{ role: 'assistant', tool_calls: [{ function: { name: 'search', arguments: '{"q":"x"}' } }] }]);
    expect(span.metadata?.['input.value']).toBeUndefined();
  });

  it('OpenInference input.value / output.value, parsed when JSON, kept as text when text/plain', () => {
    const span = one({
      'openinference.span.kind': 'CHAIN',
      'input.value': '{"question":"why?"}',
      'input.mime_type': 'application/json',
      'output.value': '{"not":"parsed"}',
      'output.mime_type': 'text/plain',
    });
    expect(span.input).toEqual({ question: 'why?' });
    expect(span.output).toBe('{"not":"parsed"}');
  });

  it('GenAI message events (gen_ai.user.message, gen_ai.choice) when attributes carry none', () => {
    const span = one(
      { 'gen_ai.system': 'openai' },
      {
        events: [
          { name: 'gen_ai.system.message', attributes: { content: 'Be terse.', 'gen_ai.system': 'openai' } },
          { name: 'gen_ai.user.message', attributes: { content: 'hi' } },
          { name: 'gen_ai.choice', attributes: { index: 0, finish_reason: 'stop', message: '{"role":"assistant","content":"hey"}' } },
        ],
      },
    );
    expect(span.input).toEqual([
      { role: 'system', content: 'Be terse.' },
      { role: 'user', content: 'hi' },
    ]);
    expect(span.output).toEqual([{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'hey' } }]);
  });

  it('gen_ai.content.prompt / gen_ai.content.completion events', () => {
    const span = one(
      {},
      {
        events: [
          { name: 'gen_ai.content.prompt', attributes: { 'gen_ai.prompt': '[{"role":"user","content":"q"}]' } },
          { name: 'gen_ai.content.completion', attributes: { 'gen_ai.completion': '[{"role":"assistant","content":"a"}]' } },
        ],
      },
    );
    expect(span.input).toEqual([{ role: 'user', content: 'q' }]);
    expect(span.output).toEqual([{ role: 'assistant', content: 'a' }]);
  });

  it('retriever query and documents (GenAI and OpenInference)', () => {
    const genai = one({ 'gen_ai.operation.name': 'retrieval', 'gen_ai.retrieval.query.text': 'refund policy', 'gen_ai.retrieval.documents': '[{"id":"d1","score":0.9}]' });
    expect(genai.input).toBe('refund policy');
    expect(genai.output).toEqual([{ id: 'd1', score: 0.9 }]);
    const oi = one({
      'openinference.span.kind': 'RETRIEVER',
      'input.value': 'refund policy',
      'retrieval.documents.0.document.id': 'd1',
      'retrieval.documents.0.document.content': 'Refunds within 30 days.',
      'retrieval.documents.0.document.score': 0.8,
    });
    expect(oi.input).toBe('refund policy');
    expect(oi.output).toEqual([{ id: 'd1', content: 'Refunds within 30 days.', score: 0.8 }]);
  });
});

describe('tools', () => {
  it('GenAI execute_tool: name, arguments, result; the span is named after the tool', () => {
    const span = one(
      {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'get_weather',
        'gen_ai.tool.call.arguments': '{"city":"Paris"}',
        'gen_ai.tool.call.result': '{"temp":21}',
        'gen_ai.tool.call.id': 'call_9',
      },
      { name: 'execute_tool get_weather' },
    );
    expect(span).toMatchObject({ kind: 'tool', name: 'get_weather', input: { city: 'Paris' }, output: { temp: 21 } });
    expect(span.metadata).toMatchObject({ 'otel.span_name': 'execute_tool get_weather', 'gen_ai.tool.call.id': 'call_9' });
  });

  it('OpenInference TOOL: tool.name, input.value arguments; tool.parameters kept as metadata then', () => {
    const span = one({
      'openinference.span.kind': 'TOOL',
      'tool.name': 'calculator',
      'tool.parameters': '{"type":"object"}',
      'input.value': '{"expr":"2+2"}',
      'output.value': '4',
    });
    expect(span).toMatchObject({ kind: 'tool', name: 'calculator', input: { expr: '2+2' }, output: '4' });
    expect(span.metadata?.['tool.parameters']).toBe('{"type":"object"}');
  });

  it('tool.parameters is the input when nothing else is', () => {
    expect(one({ 'openinference.span.kind': 'TOOL', 'tool.name': 'x', 'tool.parameters': '{"a":1}' }).input).toEqual({ a: 1 });
  });
});

describe('trace attributes', () => {
  it.each([
    [{ 'session.id': 's1', 'user.id': 'u1' }, { sessionId: 's1', userId: 'u1' }],
    [{ 'gen_ai.conversation.id': 's2', 'enduser.id': 'u2' }, { sessionId: 's2', userId: 'u2' }],
    [{ 'langfuse.session.id': 's3', 'langfuse.user.id': 'u3' }, { sessionId: 's3', userId: 'u3' }],
  ])('%o', (attributes, expected) => {
    expect(one(attributes, { parentSpanId: PARENT_ID }).trace).toMatchObject(expected);
  });

  it('a root span\'s input and output are the trace\'s, unless Langfuse trace attributes say otherwise', () => {
    expect(one({ 'input.value': 'q', 'output.value': 'a' }).trace).toMatchObject({ input: 'q', output: 'a' });
    expect(one({ 'input.value': 'q' }, { parentSpanId: PARENT_ID }).trace?.input).toBeUndefined();
    expect(one({ 'input.value': 'q', 'langfuse.trace.input': '{"x":1}' }).trace?.input).toEqual({ x: 1 });
  });

  it('tags from tag.tags (list) and langfuse.trace.tags (JSON string), deduplicated', () => {
    expect(one({ 'tag.tags': ['a', 'b', 'a'] }).trace?.tags).toEqual(['a', 'b']);
    expect(one({ 'langfuse.trace.tags': '["x","y"]' }).trace?.tags).toEqual(['x', 'y']);
  });

  it('service, release and environment from the resource; other resource attributes under `resource`', () => {
    const spans = decode({}, { 'service.name': 'api', 'service.version': '2.0.1', 'deployment.environment.name': 'prod', 'k8s.pod.name': 'api-1' });
    expect(spans[0]).toMatchObject({ service: 'api', trace: { release: '2.0.1', environment: 'prod' }, metadata: { resource: { 'k8s.pod.name': 'api-1' } } });
    const old = decode({}, { 'service.name': 'api', 'deployment.environment': 'dev' });
    expect(old[0]?.trace?.environment).toBe('dev');
    expect(old[0]?.metadata?.resource).toBeUndefined();
  });
});

describe('status and errors', () => {
  it('STATUS_CODE_ERROR with an exception event → error with type, message, stack', () => {
    const span = one(
      {},
      {
        status: { code: 2, message: 'rate limited' },
        events: [{ name: 'exception', attributes: { 'exception.type': 'RateLimitError', 'exception.message': '429 Too Many Requests', 'exception.stacktrace': 'at x' } }],
      },
    );
    expect(span).toMatchObject({
      status: 'error',
      level: 'error',
      statusMessage: 'rate limited',
      error: { type: 'RateLimitError', message: '429 Too Many Requests', stack: 'at x' },
    });
  });

  it('STATUS_CODE_ERROR without exception uses error.type and the status message', () => {
    expect(one({ 'error.type': 'timeout' }, { status: { code: 2, message: 'deadline exceeded' } }).error).toEqual({
      type: 'timeout',
      message: 'deadline exceeded',
    });
    expect(one({}, { status: { code: 2 } }).error).toEqual({ type: 'Error', message: 'Error' });
  });

  it('an exception on a span that did not fail is kept as metadata, not an error', () => {
    const span = one({}, { status: { code: 1 }, events: [{ name: 'exception', attributes: { 'exception.type': 'Retryable', 'exception.message': 'first try failed' } }] });
    expect(span.status).toBe('ok');
    expect(span.error).toBeUndefined();
    expect(span.metadata?.['otel.exceptions']).toEqual([{ type: 'Retryable', message: 'first try failed' }]);
  });
});

describe('older and odd encodings', () => {
  it('instrumentationLibrarySpans (pre-1.0 OTLP) in JSON', () => {
    const req = { resourceSpans: [{ instrumentationLibrarySpans: [{ instrumentationLibrary: { name: 'old-lib', version: '0.9' }, spans: [{ traceId: TRACE_ID, spanId: SPAN_ID, name: 'old', startTimeUnixNano: String(START_NANOS), endTimeUnixNano: String(START_NANOS + 1n) }] }] }] };
    const result = decodeOtlpTraces(Buffer.from(JSON.stringify(req)), 'json');
    expect(result.spans[0]).toMatchObject({ name: 'old', metadata: { 'otel.scope': { name: 'old-lib', version: '0.9' } } });
  });

  it.each(['json', 'protobuf'] as const)('int64 attribute values beyond 2^53 stay exact as strings (%s)', (format) => {
    const [span] = decode({ attributes: { big: 9_007_199_254_740_993n, small: -42n } }, undefined, format);
    expect(span?.metadata).toMatchObject({ big: '9007199254740993', small: -42 });
  });
});

describe('span events and metadata', () => {
  it('turns other span events into `event` children with stable ids', () => {
    const span: TestSpan = { events: [{ name: 'cache.miss', timeNanos: START_NANOS + 5_000_000n, attributes: { key: 'k1' } }] };
    const first = decode(span);
    const again = decode(span, undefined, 'protobuf');
    expect(first).toHaveLength(2);
    expect(first[1]).toMatchObject({ kind: 'event', name: 'cache.miss', parentId: SPAN_ID, traceId: TRACE_ID, startTime: START_MS + 5, endTime: START_MS + 5, metadata: { key: 'k1' } });
    expect(first[1]?.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(again[1]?.spanId).toBe(first[1]?.spanId);
  });

  it('keeps unmapped attributes (and OpenInference metadata) as metadata', () => {
    const span = one({ 'http.status_code': 200, 'app.flag': true, metadata: '{"team":"search"}', 'list.value': [1, 2] });
    expect(span.metadata).toMatchObject({ 'http.status_code': 200, 'app.flag': true, metadata: { team: 'search' }, 'list.value': [1, 2] });
  });
});
