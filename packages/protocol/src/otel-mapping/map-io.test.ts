import { describe, expect, it } from 'vitest';
import type { ObservationKind } from '../model.js';
import { AttributeBag } from './attribute-bag.js';
import { mapIo } from './map-io.js';

const BOUNDS = { maxChars: 10_000 };

function map(attributes: Record<string, unknown>, kind: ObservationKind = 'generation') {
  const bag = new AttributeBag(Object.entries(attributes));
  return { io: mapIo(bag, kind, BOUNDS), rest: Object.fromEntries(bag.rest()) };
}

describe('mapIo', () => {
  it('GenAI messages with system instructions first', () => {
    const { io } = map({
      'gen_ai.input.messages': '[{"role":"user","parts":[]}]',
      'gen_ai.system_instructions': '[{"type":"text","content":"be nice"}]',
      'gen_ai.output.messages': '[{"role":"assistant","parts":[]}]',
    });
    expect(io).toEqual({
      input: [
        { role: 'system', parts: [{ type: 'text', content: 'be nice' }] },
        { role: 'user', parts: [] },
      ],
      output: [{ role: 'assistant', parts: [] }],
    });
  });

  it('OpenInference messages unwrap message, contents and tool calls, superseding input.value', () => {
    const { io, rest } = map({
      'llm.input_messages.0.message.role': 'user',
      'llm.input_messages.0.message.contents.0.message_content.text': 'hi',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'search',
      'input.value': '{"raw":true}',
    });
    expect(io).toEqual({
      input: [{ role: 'user', contents: [{ text: 'hi' }] }],
      output: [{ tool_calls: [{ function: { name: 'search' } }] }],
    });
    expect(rest).toEqual({});
  });

  it('input.value stays text when its mime type says so', () => {
    expect(map({ 'input.value': '{"a":1}', 'input.mime_type': 'text/plain' }).io.input).toBe('{"a":1}');
    expect(map({ 'output.value': '{"a":1}' }).io.output).toEqual({ a: 1 });
  });

  it('tools: call arguments and result first; tool.parameters only as a last resort', () => {
    expect(map({ 'ai.toolCall.args': '{"city":"Paris"}', 'ai.toolCall.result': '21' }, 'tool').io).toEqual({ input: { city: 'Paris' }, output: '21' });
    expect(map({ 'tool.parameters': '{"type":"object"}' }, 'tool').io.input).toEqual({ type: 'object' });
    expect(map({ 'tool.parameters': '{"type":"object"}' }, 'span').rest).toEqual({ 'tool.parameters': '{"type":"object"}' });
  });

  it('retrievers: query and documents', () => {
    const { io } = map({ 'gen_ai.retrieval.query.text': 'paris', 'retrieval.documents.0.document.content': 'Paris is…' }, 'retriever');
    expect(io).toEqual({ input: 'paris', output: [{ content: 'Paris is…' }] });
  });

  it('Vercel AI SDK prompt and response', () => {
    expect(map({ 'ai.prompt.messages': '[{"role":"user"}]', 'ai.response.text': 'Sunny' }).io).toEqual({ input: [{ role: 'user' }], output: 'Sunny' });
  });
});
