import { Document } from '@langchain/core/documents';
import { AIMessage, HumanMessage, SystemMessage } from '@langchain/core/messages';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { RunnableLambda, RunnableSequence } from '@langchain/core/runnables';
import { DynamicTool } from '@langchain/core/tools';
import { FakeListChatModel, FakeRetriever } from '@langchain/core/utils/testing';
import { describe, expect, it } from 'vitest';
import { Wisp } from '../../client.js';
import type { Diagnostic } from '../../diagnostics.js';
import type { FinishedSpan } from '../../in-memory-exporter.js';
import { InMemoryExporter } from '../../in-memory-exporter.js';
import type { WispOptions } from '../../options.js';
import { WispCallbackHandler } from './wisp-callback-handler.js';

function setup(options: WispOptions = {}) {
  const memory = new InMemoryExporter();
  const diagnostics: Diagnostic[] = [];
  const wisp = new Wisp({ exporters: [memory], flushOnBeforeExit: false, onInternalError: (d) => diagnostics.push(d), ...options });
  const handler = new WispCallbackHandler({ client: wisp });
  const byName = (name: string): FinishedSpan => {
    const span = memory.spans().find((s) => s.name === name);
    expect(span, `span ${name} in ${memory.spans().map((s) => s.name).join(', ')}`).toBeDefined();
    return span!;
  };
  return { wisp, memory, diagnostics, handler, byName };
}

describe('WispCallbackHandler with real LangChain runnables', () => {
  it('a prompt → chat model → parser chain with a retriever and a tool, nested under the active Wisp span', async () => {
    const { wisp, memory, handler, byName } = setup();
    const retriever = new FakeRetriever({ output: [new Document({ pageContent: 'Paris is in France.', metadata: { source: 'atlas' } })] });
    const weather = new DynamicTool({ name: 'get_weather', description: 'Weather of a city', func: async (city: string) => `Sunny in ${city}` });
    const gather = RunnableLambda.from(async (input: { question: string }, config) => {
      const docs = await retriever.invoke(input.question, config);
      const forecast = await weather.invoke('Paris', config);
      return { question: input.question, context: `${docs.map((d) => d.pageContent).join('\n')}\n${forecast}` };
    }).withConfig({ runName: 'gather' });
    const prompt = ChatPromptTemplate.fromMessages([
      ['system', 'Context: {context}'],
      ['human', '{question}'],
    ]);
    const model = new FakeListChatModel({ responses: ['It is sunny.'] });
    const chain = RunnableSequence.from([gather, prompt, model, new StringOutputParser()]);

    const answer = await wisp.trace('request', () => chain.invoke({ question: 'Weather in Paris?' }, { callbacks: [handler] }));
    expect(answer).toBe('It is sunny.');

    const root = byName('request');
    const sequence = byName('RunnableSequence');
    const gatherSpan = byName('gather');
    const retrieverSpan = byName('FakeRetriever');
    const tool = byName('get_weather');
    const generation = byName('FakeListChatModel');
    expect(memory.spans().every((s) => s.traceId === root.traceId && s.status === 'ok' && s.endTime !== undefined)).toBe(true);
    expect(sequence).toMatchObject({ kind: 'chain', parentId: root.spanId, input: { question: 'Weather in Paris?' }, output: { output: 'It is sunny.' } });
    expect(gatherSpan).toMatchObject({ kind: 'chain', parentId: sequence.spanId });
    expect(retrieverSpan).toMatchObject({
      kind: 'retriever',
      parentId: gatherSpan.spanId,
      input: 'Weather in Paris?',
      output: [{ pageContent: 'Paris is in France.', metadata: { source: 'atlas' } }],
    });
    expect(tool).toMatchObject({ kind: 'tool', parentId: gatherSpan.spanId, input: { input: 'Paris' }, output: 'Sunny in Paris' });
    expect(generation).toMatchObject({
      kind: 'generation',
      parentId: sequence.spanId,
      input: [
        { role: 'system', content: 'Context: Paris is in France.\nSunny in Paris' },
        { role: 'user', content: 'Weather in Paris?' },
      ],
      output: { role: 'assistant', content: 'It is sunny.' },
    });
    expect(byName('ChatPromptTemplate')).toMatchObject({ kind: 'chain', parentId: sequence.spanId, metadata: { runType: 'prompt' } });
    expect(byName('StrOutputParser').parentId).toBe(sequence.spanId);
  });

  it('streaming a chat model records chunks and time to first token', async () => {
    const { handler, byName } = setup();
    const model = new FakeListChatModel({ responses: ['It is sunny.'] });
    let text = '';
    for await (const chunk of await model.stream([new HumanMessage('Weather?')], { callbacks: [handler] })) text += String(chunk.content);
    expect(text).toBe('It is sunny.');
    const span = byName('FakeListChatModel');
    expect(span).toMatchObject({ kind: 'generation', status: 'ok', output: { role: 'assistant', content: 'It is sunny.' }, stream: { chunks: 12 } });
    expect(span.parentId).toBeUndefined();
    expect(span.completionStartTime).toBeGreaterThanOrEqual(span.startTime!);
    expect(span.completionStartTime).toBeLessThanOrEqual(span.endTime!);
  });

  it('errors of models, tools and chains are recorded and reach the caller unchanged', async () => {
    const { handler, byName } = setup();
    const model = new FakeListChatModel({ responses: ['x'] });
    const streamed = (async () => {
      for await (const _ of await model.stream('hi', { callbacks: [handler], thrownErrorString: 'model exploded' })) void _;
    })();
    await expect(streamed).rejects.toThrow('model exploded');
    expect(byName('FakeListChatModel')).toMatchObject({ status: 'error', error: { message: 'model exploded' } });

    const failure = new RangeError('no such city');
    const tool = new DynamicTool({ name: 'lookup', description: 'd', func: async () => Promise.reject(failure) });
    await expect(tool.invoke('Atlantis', { callbacks: [handler] })).rejects.toBe(failure);
    expect(byName('lookup')).toMatchObject({ kind: 'tool', status: 'error', error: { type: 'RangeError', message: 'no such city' } });

    const broken = RunnableLambda.from(() => {
      throw failure;
    }).withConfig({ runName: 'broken' });
    await expect(broken.invoke(1, { callbacks: [handler] })).rejects.toBe(failure);
    expect(byName('broken')).toMatchObject({ kind: 'chain', status: 'error', error: { type: 'RangeError' } });
  });
});

describe('WispCallbackHandler with the callback sequences LangChain documents', () => {
  it('an agent run: chat model with usage and tool calls, agent action, hidden runs, tool, agent finish', () => {
    const { handler, memory, byName } = setup();
    handler.handleChainStart({ id: ['langchain', 'agents', 'AgentExecutor'] }, { input: 'weather?' }, 'run-agent', undefined, ['prod'], { team: 'a' }, 'chain', 'agent');
    handler.handleChatModelStart(
      { id: ['langchain', 'chat_models', 'openai', 'ChatOpenAI'] },
      [[new SystemMessage('be brief'), new HumanMessage('weather?')]],
      'run-llm',
      'run-agent',
      { invocation_params: { model: 'gpt-4o', temperature: 0.1, max_tokens: 20, tools: [{ type: 'function', function: { name: 'search' } }] } },
      [],
      { ls_provider: 'openai', ls_model_name: 'gpt-4o', ls_temperature: 0.1 },
    );
    handler.handleLLMNewToken('', { prompt: 0, completion: 0 }, 'run-llm');
    handler.handleLLMNewToken('Let', { prompt: 0, completion: 0 }, 'run-llm');
    handler.handleLLMEnd(
      {
        generations: [
          [
            {
              text: '',
              message: new AIMessage({
                content: '',
                tool_calls: [{ name: 'search', args: { q: 'weather' }, id: 'call_1', type: 'tool_call' }],
                usage_metadata: {
                  input_tokens: 30,
                  output_tokens: 9,
                  total_tokens: 39,
                  input_token_details: { cache_read: 10 },
                  output_token_details: { reasoning: 4 },
                },
                response_metadata: { model_name: 'gpt-4o-2024-08-06', finish_reason: 'tool_calls' },
              }),
            },
          ],
        ],
      },
      'run-llm',
    );
    handler.handleAgentAction({ tool: 'search', toolInput: { q: 'weather' }, log: 'calling search' }, 'run-agent');
    handler.handleChainStart({ id: ['RunnableLambda'] }, {}, 'run-hidden', 'run-agent', ['langsmith:hidden']);
    handler.handleToolStart({ name: 'search' }, '{"q":"weather"}', 'run-tool', 'run-hidden', [], {}, undefined, 'call_1');
    handler.handleToolEnd('sunny', 'run-tool');
    handler.handleChainEnd({}, 'run-hidden');
    handler.handleAgentEnd({ returnValues: { output: 'It is sunny.' }, log: 'done' }, 'run-agent');
    handler.handleChainEnd({ output: 'It is sunny.' }, 'run-agent');

    const agent = byName('agent');
    expect(agent).toMatchObject({ kind: 'chain', output: { output: 'It is sunny.' }, metadata: { team: 'a', tags: ['prod'], runType: 'chain' } });
    expect(agent.trace).toMatchObject({ name: 'agent', output: { output: 'It is sunny.' } });
    expect(byName('ChatOpenAI')).toMatchObject({
      kind: 'generation',
      parentId: agent.spanId,
      provider: 'openai',
      model: 'gpt-4o-2024-08-06',
      modelParameters: { temperature: 0.1, max_tokens: 20 },
      input: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'weather?' },
      ],
      output: { role: 'assistant', content: '', tool_calls: [{ name: 'search', args: { q: 'weather' }, id: 'call_1', type: 'tool_call' }] },
      usage: { input: 30, output: 9, total: 39, cacheRead: 10, reasoning: 4 },
      metadata: { finishReason: 'tool_calls', tools: [{ type: 'function', function: { name: 'search' } }] },
      stream: { chunks: 1 },
    });
    expect(byName('search')).toMatchObject({ kind: 'tool', parentId: agent.spanId, input: { q: 'weather' }, output: 'sunny', metadata: { toolCallId: 'call_1' } });
    expect(byName('agent-action: search')).toMatchObject({ kind: 'event', parentId: agent.spanId, input: { q: 'weather' } });
    expect(byName('agent-finish')).toMatchObject({ kind: 'event', parentId: agent.spanId, output: { output: 'It is sunny.' } });
    expect(memory.spans().some((s) => s.name === 'RunnableLambda')).toBe(false);
  });

  it('a text LLM run with usage in llmOutput', () => {
    const { handler, byName } = setup();
    handler.handleLLMStart({ id: ['llms', 'OpenAI'] }, ['Say hi'], 'run-1', undefined, { invocation_params: { model_name: 'gpt-3.5-turbo-instruct' } });
    handler.handleLLMEnd({ generations: [[{ text: 'hi' }]], llmOutput: { tokenUsage: { promptTokens: 3, completionTokens: 1, totalTokens: 4 } } }, 'run-1');
    expect(byName('OpenAI')).toMatchObject({ model: 'gpt-3.5-turbo-instruct', input: 'Say hi', output: 'hi', usage: { input: 3, output: 1, total: 4 } });
  });

  it('capture options, a disabled client, and bad input: reported, never thrown', () => {
    const { wisp, memory, diagnostics } = setup();
    const quiet = new WispCallbackHandler({ client: wisp, captureInput: false, captureOutput: false });
    quiet.handleChainStart({}, { secret: 1 }, 'q1');
    quiet.handleChainEnd({ secret: 2 }, 'q1');
    expect(memory.spans()[0]).toMatchObject({ name: 'chain' });
    expect(memory.spans()[0]!.input).toBeUndefined();
    expect(memory.spans()[0]!.output).toBeUndefined();

    const disabled = new WispCallbackHandler({ client: new Wisp({ enabled: false, exporters: [memory] }) });
    disabled.handleChainStart({}, {}, 'd1');
    disabled.handleChainEnd({}, 'd1');
    expect(memory.spans()).toHaveLength(1);

    const h = new WispCallbackHandler({ client: wisp });
    const anyHandler = h as any;
    expect(() => {
      anyHandler.handleChainStart(null, undefined, undefined);
      anyHandler.handleChainEnd(null, 'never-started');
      anyHandler.handleLLMEnd(null, 'never-started');
      anyHandler.handleLLMNewToken(42, null, 'never-started');
      anyHandler.handleChatModelStart(null, null, 'weird', undefined, 'not params', 'not tags', 7);
      anyHandler.handleLLMEnd({ generations: 'nope' }, 'weird');
      anyHandler.handleAgentAction(null, 'weird');
      anyHandler.handleToolStart(undefined, undefined, 'weird-tool');
      anyHandler.handleToolError('a string error', 'weird-tool');
    }).not.toThrow();
    expect(diagnostics.map((d) => d.message)).toContain('WispCallbackHandler: run "chain" has no runId; not traced');
    expect(memory.spans().find((s) => s.name === 'chat-model')).toMatchObject({ kind: 'generation', status: 'ok' });
    expect(memory.spans().find((s) => s.name === 'tool')).toMatchObject({ status: 'error', error: { message: 'a string error' } });
    expect(h.copy()).toBe(h);

    const reported: Diagnostic[] = [];
    const client = new Wisp({ exporters: [new InMemoryExporter()], onInternalError: (d) => reported.push(d), flushOnBeforeExit: false });
    new WispCallbackHandler({ client, captureInput: 'yes' as never });
    expect(reported).toHaveLength(0);
  });
});
