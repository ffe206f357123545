import { describe, expect, it } from 'vitest';
import { mapEvents } from './map-events.js';

interface TestEvent {
  name: string;
  time?: number;
  attributes?: Record<string, unknown>;
}

const view = (e: TestEvent) => ({ name: e.name, time: e.time, attributes: Object.entries(e.attributes ?? {}) });
const BOUNDS = { maxChars: 10_000 };

describe('mapEvents', () => {
  it('sorts exceptions, first-token events, message events and the rest', () => {
    const events: TestEvent[] = [
      { name: 'exception', attributes: { 'exception.type': 'RangeError', 'exception.message': 'boom', 'exception.stacktrace': 'at x' } },
      { name: 'ai.stream.firstChunk', time: 20 },
      { name: 'First Token Stream Event', time: 10 },
      { name: 'gen_ai.user.message', attributes: { content: 'hi', 'gen_ai.system': 'openai' } },
      { name: 'gen_ai.choice', attributes: { message: '{"role":"assistant"}' } },
      { name: 'gen_ai.content.completion', attributes: { 'gen_ai.completion': '[{"text":"a"}]' } },
      { name: 'retry', time: 30, attributes: { attempt: 2 } },
    ];
    const out = mapEvents(events, view, BOUNDS);
    expect(out.exceptions).toEqual([{ type: 'RangeError', message: 'boom', stack: 'at x' }]);
    expect(out.firstTokenTime).toBe(10);
    expect(out.inputMessages).toEqual([{ role: 'user', content: 'hi' }]);
    expect(out.outputMessages).toEqual([{ message: { role: 'assistant' } }, { text: 'a' }]);
    expect(out.other).toEqual([{ index: 6, event: events[6] }]);
  });

  it('works in nanoseconds as bigint; a first-token event without a time is another event', () => {
    const out = mapEvents(
      [{ name: 'first_token', time: 5n }, { name: 'first_token', time: undefined }],
      (e) => ({ name: e.name, time: e.time, attributes: [] }),
      BOUNDS,
    );
    expect(out.firstTokenTime).toBe(5n);
    expect(out.other.map((o) => o.index)).toEqual([1]);
  });

  it('skips what the view rejects; content events without content are other events', () => {
    const out = mapEvents(
      [{ name: 'bad' }, { name: 'gen_ai.content.prompt' }],
      (e: TestEvent) => (e.name === 'bad' ? undefined : view(e)),
      BOUNDS,
    );
    expect(out.other.map((o) => o.index)).toEqual([1]);
  });
});
