import { describe, expect, it } from 'vitest';
import type { SpanEvent } from '@wisp/protocol';
import { mergeStartEnd, withoutPayloads } from './queue-entry.js';
import { Wisp } from '../client.js';
import { InMemoryExporter } from '../in-memory-exporter.js';

const ids = { type: 'span', traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) } as const;
const start: SpanEvent = { ...ids, phase: 'start', time: 1, name: 'n', kind: 'tool', startTime: 1, status: 'running', input: 'q', trace: { name: 'n' }, service: 's' };
const end: SpanEvent = { ...ids, phase: 'end', time: 2, name: 'n', kind: 'tool', startTime: 1, endTime: 2, status: 'ok', output: 'a', service: 's' };
/** The event as it goes on the wire (undefined fields are not sent). */
const wire = (e: SpanEvent) => JSON.parse(JSON.stringify(e)) as Record<string, unknown>;

describe('mergeStartEnd', () => {
  it('folds a plain start and end into one full event with every field either had', () => {
    expect(wire(mergeStartEnd(start, end))).toEqual({
      ...ids, phase: 'full', time: 2, name: 'n', kind: 'tool', startTime: 1, endTime: 2, status: 'ok', input: 'q', output: 'a', trace: { name: 'n' }, service: 's',
    });
  });

  it('keeps model, usage, error and the other fields of either event', () => {
    const genStart: SpanEvent = { ...start, kind: 'generation', provider: 'openai', model: 'gpt-4o', modelParameters: { temperature: 0 } };
    const failedEnd: SpanEvent = { ...end, status: 'error', error: { type: 'E', message: 'm' }, usage: { input: 3, output: 4 }, metadata: { k: 1 }, level: 'error' };
    expect(wire(mergeStartEnd(genStart, failedEnd))).toMatchObject({
      phase: 'full', kind: 'tool', provider: 'openai', model: 'gpt-4o', modelParameters: { temperature: 0 }, status: 'error',
      error: { type: 'E', message: 'm' }, usage: { input: 3, output: 4 }, metadata: { k: 1 }, level: 'error', input: 'q', output: 'a',
    });
    // The end's field wins where both have one.
    expect(mergeStartEnd({ ...start, completionStartTime: 1.5, cost: 1 }, { ...end, cost: 2 })).toMatchObject({ completionStartTime: 1.5, cost: 2 });
  });
});

describe('withoutPayloads', () => {
  it('only overwrites fields of the event shapes the SDK builds, so a shed copy stays as small as the event', () => {
    // Adding a field to a copy made each shed event ~400 bytes bigger (live heap 100 MiB instead of
    // 60 with the backend down): every shape the queue holds must already have the fields it sets.
    const memory = new InMemoryExporter();
    const wisp = new Wisp({ exporters: [memory], flushOnBeforeExit: false });
    wisp.startSpan('same tick', { input: 'q' }).end({ output: 'a' });
    wisp.startSpan('generation', { kind: 'generation', model: 'm' }).end({ output: 'a' });
    const events = [...memory.events, mergeStartEnd(start, end)];
    expect(events).toHaveLength(3);
    // A span's own plain end event and a merged plain start + end are one shape, key for key.
    expect(Object.keys(events[0]!)).toEqual(Object.keys(events[2]!));
    for (const e of events) {
      const shed = withoutPayloads(e, 'queue_pressure');
      expect(Object.keys(shed)).toEqual(Object.keys(e));
      expect(shed).toMatchObject({ input: undefined, output: undefined, metadata: { 'wisp.payloads_dropped': 'queue_pressure' } });
    }
  });
});
