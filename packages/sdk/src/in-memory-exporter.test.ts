import { describe, expect, it } from 'vitest';
import type { SpanEvent } from '@wisp/protocol';
import { InMemoryExporter } from './in-memory-exporter.js';

const base = { type: 'span', traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) } as const;

describe('InMemoryExporter', () => {
  it('merges start and end per span; a late start does not revert an ended span', () => {
    const m = new InMemoryExporter();
    const end: SpanEvent = { ...base, phase: 'end', time: 2, name: 'n', startTime: 1, endTime: 2, status: 'ok', output: 'o' };
    const start: SpanEvent = { ...base, phase: 'start', time: 1, name: 'n', startTime: 1, status: 'running', input: 'i' };
    m.enqueue(end, 10);
    m.enqueue(start, 10);
    expect(m.spans()).toEqual([expect.objectContaining({ phase: 'end', status: 'ok', input: 'i', output: 'o' })]);
    expect(m.stats()).toMatchObject({ created: 1, sent: 1, events: { enqueued: 2 } });
    m.reset();
    expect(m.events).toHaveLength(0);
    expect(m.stats().created).toBe(0);
  });
});
