import { describe, expect, it } from 'vitest';
import { toChatMessages } from './chat-format.js';

describe('toChatMessages', () => {
  it('reads OpenAI messages with tool calls and tool results', () => {
    const messages = toChatMessages([
      { role: 'system', content: 'be brief' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'search', arguments: '{"q":"x"}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'found' },
    ]);
    expect(messages).toEqual([
      { role: 'system', name: null, toolCallId: null, parts: [{ type: 'text', text: 'be brief' }] },
      { role: 'assistant', name: null, toolCallId: null, parts: [{ type: 'tool-call', id: 'c1', name: 'search', args: { q: 'x' } }] },
      { role: 'tool', name: null, toolCallId: 'c1', parts: [{ type: 'text', text: 'found' }] },
    ]);
  });

  it('reads Anthropic content blocks, {messages}, {choices} and a single message', () => {
    const anthropic = toChatMessages({
      messages: [
        { role: 'assistant', content: [{ type: 'text', text: 'hi' }, { type: 'tool_use', id: 't1', name: 'calc', input: { a: 1 } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: '2' }] },
      ],
    });
    expect(anthropic?.[0]?.parts).toEqual([
      { type: 'text', text: 'hi' },
      { type: 'tool-call', id: 't1', name: 'calc', args: { a: 1 } },
    ]);
    expect(anthropic?.[1]?.parts).toEqual([{ type: 'tool-result', toolCallId: 't1', content: '2' }]);
    expect(toChatMessages({ choices: [{ message: { role: 'assistant', content: 'ok' } }] })?.[0]?.role).toBe('assistant');
    expect(toChatMessages({ role: 'user', content: 'q' })).toHaveLength(1);
  });

  it('turns image parts into a text reference, never a URL to load', () => {
    const [m] = toChatMessages([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://evil/x.png' } }] }])!;
    expect(m!.parts).toEqual([{ type: 'image', source: 'http://evil/x.png' }]);
  });

  it('leaves anything else to the JSON view', () => {
    expect(toChatMessages({ question: 'x' })).toBeNull();
    expect(toChatMessages([])).toBeNull();
    expect(toChatMessages([{ role: 'user', content: 'a' }, { nope: 1 }])).toBeNull();
    expect(toChatMessages('text')).toBeNull();
  });
});
