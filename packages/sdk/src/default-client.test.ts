import { afterEach, describe, expect, it } from 'vitest';
import { extract, getActiveSpan, getClient, init, inject, observe, shutdown, startSpan, stats, trace } from './default-client.js';
import { InMemoryExporter } from './in-memory-exporter.js';

describe('the default client', () => {
  afterEach(async () => {
    await shutdown(100);
  });

  it('observe() wrapped before init() uses the client init() creates later', async () => {
    const double = observe(async (x: number) => x * 2, { name: 'double' });
    const memory = new InMemoryExporter();
    init({ exporters: [memory], flushOnBeforeExit: false });
    expect(await trace('root', () => double(4))).toBe(8);
    const spans = memory.spans();
    expect(spans.map((s) => s.name).sort()).toEqual(['double', 'root']);
    expect(spans.find((s) => s.name === 'double')!.parentId).toBe(spans.find((s) => s.name === 'root')!.spanId);
    expect(stats().created).toBe(2);
    // Re-initialising replaces the client; wrapped functions follow.
    const second = new InMemoryExporter();
    init({ exporters: [second], flushOnBeforeExit: false });
    await double(1);
    expect(second.spans().map((s) => s.name)).toEqual(['double']);
    expect(getClient().options.exporters).toEqual([second]);
  });

  it('top-level inject/extract/getActiveSpan/startSpan', () => {
    const memory = new InMemoryExporter();
    init({ exporters: [memory], flushOnBeforeExit: false });
    expect(getActiveSpan()).toBeUndefined();
    const headers: Record<string, string> = {};
    trace('t', (span) => {
      expect(getActiveSpan()).toBe(span);
      inject(headers);
      startSpan('child').end();
    });
    const ctx = extract(headers)!;
    expect(ctx.traceId).toBe(memory.spans()[0]!.traceId);
    expect(extract(undefined)).toBeUndefined();
  });

  it('init({ enabled: false }) makes every top-level call a no-op', async () => {
    const memory = new InMemoryExporter();
    init({ enabled: false, exporters: [memory] });
    const f = observe((x: number) => x + 1);
    expect(f(1)).toBe(2);
    expect(await trace('t', async () => 3)).toBe(3);
    expect(memory.events).toHaveLength(0);
  });
});
