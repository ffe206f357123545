import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import type { SpanEvent } from '@wisp/protocol';
import { packWrites, unpackWrites } from './packed-writes.js';
import { prepareWrites, type PreparedWrite } from './prepared-event.js';

const T = 'a'.repeat(32);

function roundTrip(writes: PreparedWrite[]): PreparedWrite[] {
  // Through a structured clone, as between the threads.
  return unpackWrites(v8.deserialize(v8.serialize(packWrites(writes))) as ReturnType<typeof packWrites>);
}

describe('packWrites / unpackWrites', () => {
  it('gives back every prepared event exactly, whatever the values', () => {
    const events: SpanEvent[] = [
      { type: 'span', phase: 'start', traceId: T, spanId: '1'.repeat(16), time: 1.5, name: 'root', startTime: 1.5, trace: { name: 'n', tags: ['x', 'y'], metadata: { a: 1 }, input: { q: 'é' }, output: null } },
      {
        type: 'span', phase: 'full', traceId: T, spanId: '2'.repeat(16), parentId: '1'.repeat(16), time: 1e12 + 0.123, kind: 'generation',
        status: 'error', error: { type: 'E', message: 'm\u0000\n"' }, input: 'plain \ud800 lone surrogate', output: [1, 'two', { three: 3 }],
        metadata: { k: 'v' }, modelParameters: { temperature: 0.2 }, usage: { input: 3, output: 4 }, stream: { chunks: 2 },
        cost: 0.001, completionStartTime: 1e12 + 50, provider: 'p', model: 'm', service: 's', level: 'warning', statusMessage: '日本語',
      },
      // Values validation never lets through still travel unchanged.
      { type: 'span', phase: 'end', traceId: T, spanId: '3'.repeat(16), time: NaN, cost: Infinity, endTime: -0, name: '' } as SpanEvent,
      { type: 'span', phase: 'update', traceId: T, spanId: '4'.repeat(16), time: 2, error: null, usage: {} } as unknown as SpanEvent,
    ];
    const writes = prepareWrites([
      { projectId: 'p1', spans: events.slice(0, 3), reports: [] },
      { projectId: 'p2', spans: [], reports: [{ type: 'sdk_report', time: 1, service: 's', instanceId: 'i', sdkVersion: 'v', created: 1, sent: 1, queued: 0, inFlight: 0, dropped: {}, failedRequests: {} }] },
      { projectId: 'p1', spans: events.slice(3), reports: [] },
    ]);
    const back = roundTrip(writes);
    expect(back).toEqual(writes);
    // toEqual treats undefined and missing alike: check the fixed record shape as well.
    expect(Object.keys(back[0]!.spans[0]!)).toEqual(Object.keys(writes[0]!.spans[0]!));
    expect(Object.is(back[0]!.spans[2]!.endTime, -0)).toBe(true);
    expect(back[0]!.spans[1]!.input!.json).toBe(JSON.stringify('plain \ud800 lone surrogate'));
  });

  it('packs a thousand-span batch', () => {
    const spans: SpanEvent[] = Array.from({ length: 1000 }, (_, i) => ({
      type: 'span', phase: 'full', traceId: T, spanId: i.toString(16).padStart(16, '0'), time: i, input: { i }, metadata: { i },
    }));
    const writes = prepareWrites([{ projectId: 'p', spans, reports: [] }]);
    expect(roundTrip(writes)).toEqual(writes);
  });
});
