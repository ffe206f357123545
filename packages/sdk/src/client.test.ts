import { describe, expect, it } from 'vitest';
import { Wisp } from './client.js';
import type { Diagnostic } from './diagnostics.js';
import type { WispOptions } from './options.js';
import { InMemoryExporter } from './in-memory-exporter.js';
import { NOOP_SPAN } from './noop-span.js';

function setup(options: WispOptions = {}) {
  const memory = new InMemoryExporter();
  const diagnostics: Diagnostic[] = [];
  const wisp = new Wisp({ exporters: [memory], flushOnBeforeExit: false, onInternalError: (d) => diagnostics.push(d), ...options });
  return { wisp, memory, diagnostics };
}

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
/** Resolves after the check phase of this loop turn: start events deferred to the end of the tick have left. */
const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Wisp client', () => {
  it('observe wraps a sync function: span with input, output, ids and times', () => {
    const { wisp, memory } = setup({ serviceName: 'svc' });
    const add = wisp.observe((a: number, b: number) => a + b, { name: 'add', kind: 'tool' });
    expect(add(2, 3)).toBe(5);
    const [span] = memory.spans();
    expect(span).toMatchObject({ name: 'add', kind: 'tool', input: [2, 3], output: 5, status: 'ok', service: 'svc' });
    expect(span!.traceId).toMatch(HEX32);
    expect(span!.spanId).toMatch(HEX16);
    expect(span!.parentId).toBeUndefined();
    expect(span!.endTime!).toBeGreaterThanOrEqual(span!.startTime!);
    expect(Math.abs(span!.startTime! - Date.now())).toBeLessThan(5_000);
    // Started and ended on one tick: one `full` event, no start event.
    expect(memory.events.map((e) => e.phase)).toEqual(['full']);
  });

  it('the end event names exactly the fields the span has, whether or not it carries model or error fields', () => {
    const { wisp, memory } = setup({ serviceName: 'svc' });
    wisp.startSpan('plain', { input: 'q' }).end({ output: 'a' });
    const gen = wisp.startSpan('gen', { kind: 'generation', model: 'gpt-4o', level: 'warning' });
    gen.end({ output: 'b' });
    const [plain, full] = memory.events.map((e) => JSON.parse(JSON.stringify(e)) as Record<string, unknown>);
    const common = ['type', 'phase', 'traceId', 'spanId', 'time', 'name', 'kind', 'startTime', 'endTime', 'status', 'output', 'trace', 'service'];
    expect(Object.keys(plain!).sort()).toEqual([...common, 'input'].sort());
    expect(Object.keys(full!).sort()).toEqual([...common, 'level', 'model'].sort());
    expect(full).toMatchObject({ kind: 'generation', model: 'gpt-4o', level: 'warning', output: 'b' });
  });

  it('a span still running at the end of its tick sends a start event first, the end then carries the rest', async () => {
    const { wisp, memory } = setup();
    const span = wisp.startSpan('slow', { input: 'q' });
    expect(memory.events).toHaveLength(0);
    await nextTick();
    expect(memory.events.map((e) => e.phase)).toEqual(['start']);
    expect(memory.events[0]).toMatchObject({ name: 'slow', status: 'running', input: 'q' });
    span.end({ output: 'a' });
    expect(memory.events.map((e) => e.phase)).toEqual(['start', 'end']);
    expect(memory.events[1]).toMatchObject({ input: undefined, output: 'a', status: 'ok' });
    // flush() emits the starts still pending, so a flushed running span is visible at once.
    wisp.startSpan('pending');
    await wisp.flush(1_000);
    expect(memory.events.at(-1)).toMatchObject({ name: 'pending', phase: 'start' });
  });

  it('a long synchronous burst does not hold every span until the tick ends: pending starts leave every 1,024 spans', () => {
    const { wisp, memory } = setup();
    const outer = wisp.startSpan('outer');
    for (let i = 0; i < 1_100; i++) wisp.startSpan(`s${i}`).end();
    // Still on the same tick: the outer span (running) has sent its start, the ended ones one full event each.
    expect(memory.events.filter((e) => e.phase === 'start').map((e) => e.name)).toEqual(['outer']);
    expect(memory.events.filter((e) => e.phase === 'full')).toHaveLength(1_100);
    outer.end();
    expect(memory.spans()).toHaveLength(1_101);
  });

  it('observe wraps async functions, records errors and re-throws them unchanged', async () => {
    const { wisp, memory } = setup();
    const boom = new RangeError('bad range');
    const fail = wisp.observe(async () => {
      await Promise.resolve();
      throw boom;
    }, { name: 'fail' });
    await expect(fail()).rejects.toBe(boom);
    expect(memory.spans()[0]).toMatchObject({ name: 'fail', status: 'error', level: 'error', error: { type: 'RangeError', message: 'bad range' } });
    const syncFail = wisp.observe(() => {
      throw boom;
    });
    expect(() => syncFail()).toThrow(boom);
  });

  it('observe honours captureInput/captureOutput and keeps `this`', () => {
    const { wisp, memory } = setup();
    const obj = {
      factor: 3,
      times: wisp.observe(function (this: { factor: number }, x: number) {
        return x * this.factor;
      }, { name: 'times', captureInput: false, captureOutput: false }),
    };
    expect(obj.times(2)).toBe(6);
    const [span] = memory.spans();
    expect(span!.input).toBeUndefined();
    expect(span!.output).toBeUndefined();
  });

  it('observe over an async generator: span ends when iteration ends, yields captured, children nest', async () => {
    const { wisp, memory } = setup();
    const inner = wisp.observe(async (i: number) => i, { name: 'inner' });
    const stream = wisp.observe(async function* (n: number) {
      for (let i = 0; i < n; i++) {
        await inner(i);
        yield `tok${i} `;
      }
    }, { name: 'stream', kind: 'generation' });
    const it = stream(3);
    await nextTick();
    expect(memory.spans().find((s) => s.name === 'stream')!.phase).toBe('start');
    const out: string[] = [];
    for await (const t of it) out.push(t);
    expect(out).toEqual(['tok0 ', 'tok1 ', 'tok2 ']);
    const spans = memory.spans();
    const gen = spans.find((s) => s.name === 'stream')!;
    expect(gen).toMatchObject({ phase: 'end', output: 'tok0 tok1 tok2 ', stream: { chunks: 3 } });
    expect(gen.completionStartTime).toBeGreaterThanOrEqual(gen.startTime!);
    for (const s of spans.filter((x) => x.name === 'inner')) expect(s.parentId).toBe(gen.spanId);
  });

  it('an async generator abandoned with break ends its span; one that throws records the error', async () => {
    const { wisp, memory } = setup();
    const nums = wisp.observe(async function* () {
      yield 1;
      yield 2;
      yield 3;
    }, { name: 'nums' });
    for await (const n of nums()) if (n === 2) break;
    expect(memory.spans()[0]).toMatchObject({ name: 'nums', phase: 'full', status: 'ok', output: [1, 2] });
    memory.reset();
    const bad = wisp.observe(async function* () {
      yield 1;
      throw new Error('mid-stream');
    }, { name: 'bad' });
    await expect((async () => {
      for await (const _ of bad()) void _;
    })()).rejects.toThrow('mid-stream');
    expect(memory.spans()[0]).toMatchObject({ name: 'bad', status: 'error', error: { message: 'mid-stream' } });
  });

  it('observe over a sync generator', () => {
    const { wisp, memory } = setup();
    const g = wisp.observe(function* () {
      yield { a: 1 };
      yield { a: 2 };
    }, { name: 'gen' });
    expect([...g()]).toEqual([{ a: 1 }, { a: 2 }]);
    expect(memory.spans()[0]).toMatchObject({ name: 'gen', phase: 'full', output: [{ a: 1 }, { a: 2 }] });
  });

  it('trace runs a root with trace attributes; nested observe calls are children', async () => {
    const { wisp, memory } = setup({ release: 'r1', environment: 'prod' });
    const step = wisp.observe(async (x: number) => x + 1, { name: 'step' });
    const result = await wisp.trace('request', async (root) => {
      expect(wisp.getActiveSpan()).toBe(root);
      await nextTick();
      return step(await step(1));
    }, { userId: 'u1', sessionId: 's1', tags: ['a', 'b'], metadata: { plan: 'pro' }, input: { q: 'hi' } });
    expect(result).toBe(3);
    const spans = memory.spans();
    const root = spans.find((s) => s.name === 'request')!;
    expect(root.parentId).toBeUndefined();
    expect(root.trace).toMatchObject({ name: 'request', userId: 'u1', sessionId: 's1', tags: ['a', 'b'], metadata: { plan: 'pro' }, release: 'r1', environment: 'prod' });
    // The trace's input and output are its root's: the collector derives them, the SDK sends them once.
    expect(root).toMatchObject({ input: { q: 'hi' }, output: 3 });
    expect(root.trace!.input).toBeUndefined();
    expect(root.trace!.output).toBeUndefined();
    // The root's start event already carries the trace attributes.
    expect(memory.events[0]!.trace).toMatchObject({ userId: 'u1' });
    const steps = spans.filter((s) => s.name === 'step');
    expect(steps).toHaveLength(2);
    for (const s of steps) {
      expect(s.parentId).toBe(root.spanId);
      expect(s.traceId).toBe(root.traceId);
      expect(s.trace).toBeUndefined();
    }
    expect(wisp.getActiveSpan()).toBeUndefined();
  });

  it('startSpan / update / end, updateTrace from a child, setError, events', () => {
    const { wisp, memory } = setup();
    const root = wisp.startSpan('manual', { input: 'in', metadata: { a: 1 } });
    const child = root.startSpan('child', { kind: 'retriever' });
    child.update({ metadata: { hits: 3 }, level: 'warning', statusMessage: 'slow' }).update({ metadata: { more: true } });
    child.updateTrace({ userId: 'late-user', tags: ['x'] });
    child.event('cache-miss', { metadata: { key: 'k' } });
    child.setError(new TypeError('bad'));
    child.end({ output: ['doc'] });
    root.end({ output: 'out' });
    const spans = memory.spans();
    const r = spans.find((s) => s.name === 'manual')!;
    const c = spans.find((s) => s.name === 'child')!;
    const e = spans.find((s) => s.name === 'cache-miss')!;
    expect(r).toMatchObject({ input: 'in', output: 'out', metadata: { a: 1 }, trace: { userId: 'late-user', tags: ['x'] } });
    expect(c).toMatchObject({ parentId: r.spanId, kind: 'retriever', metadata: { hits: 3, more: true }, level: 'error', statusMessage: 'slow', status: 'error', error: { type: 'TypeError', message: 'bad' }, output: ['doc'] });
    expect(e).toMatchObject({ kind: 'event', parentId: c.spanId, metadata: { key: 'k' }, phase: 'full' });
    expect(e.endTime).toBe(e.startTime);
  });

  it('startActiveSpan makes the span active and ends it on exit unless told otherwise', async () => {
    const { wisp, memory } = setup();
    const v = await wisp.startActiveSpan('active', async (span) => {
      expect(wisp.getActiveSpan()).toBe(span);
      // A turn of the loop: the span is seen running (a start event), and stays active after it.
      await nextTick();
      return wisp.startSpan('inner').parentId;
    });
    const active = memory.spans().find((s) => s.name === 'active')!;
    expect(v).toBe(active.spanId);
    expect(active.phase).toBe('end');
    const kept = wisp.startActiveSpan('kept', (span) => span, { endOnExit: false });
    expect(kept.ended).toBe(false);
    kept.end();
    expect(kept.ended).toBe(true);
  });

  it('generations record provider, model, parameters, usage, cost and time to first token', async () => {
    const { wisp, memory } = setup();
    const gen = wisp.startGeneration('chat', { provider: 'openai', model: 'gpt-4o', modelParameters: { temperature: 0.2 }, input: [{ role: 'user', content: 'hi' }] });
    await nextTick();
    await new Promise((r) => setTimeout(r, 5));
    gen.markFirstToken();
    gen.recordChunk().recordChunk();
    gen.end({ output: 'hello', usage: { input: 10, output: 2, cacheRead: 4 }, cost: 0.0012 });
    const [g] = memory.spans();
    expect(g).toMatchObject({ kind: 'generation', provider: 'openai', model: 'gpt-4o', modelParameters: { temperature: 0.2 }, usage: { input: 10, output: 2, cacheRead: 4 }, cost: 0.0012, stream: { chunks: 2 } });
    expect(g!.completionStartTime! - g!.startTime!).toBeGreaterThanOrEqual(4);
    expect(memory.events[0]).toMatchObject({ phase: 'start', model: 'gpt-4o', provider: 'openai' });
  });

  it('samples per trace at the root: children follow, sampled-out spans are counted, not exported', () => {
    const { wisp, memory } = setup({ sampleRate: 0 });
    wisp.trace('root', () => {
      wisp.startSpan('child').end();
    });
    expect(memory.events).toHaveLength(0);
    expect(wisp.stats().sampledOut).toBe(2);
    const half = setup({ sampleRate: 0.5 });
    for (let i = 0; i < 400; i++) half.wisp.trace('t', () => half.wisp.startSpan('c').end());
    const roots = half.memory.spans().filter((s) => s.name === 't').length;
    expect(roots).toBeGreaterThan(120);
    expect(roots).toBeLessThan(280);
    // Every kept trace is complete: children are sampled with their root.
    expect(half.memory.spans().filter((s) => s.name === 'c').length).toBe(roots);
    expect(half.wisp.stats().sampledOut).toBe(2 * (400 - roots));
  });

  it('a disabled client is a true no-op', async () => {
    const memory = new InMemoryExporter();
    const listeners = process.listenerCount('beforeExit') + process.listenerCount('SIGTERM');
    const wisp = new Wisp({ enabled: false, exporters: [memory], handleSignals: true });
    // No process hooks (and no exporter, context or timer) for a disabled client.
    expect(process.listenerCount('beforeExit') + process.listenerCount('SIGTERM')).toBe(listeners);
    const fn = (x: number) => x;
    expect(wisp.observe(fn)).toBe(fn);
    expect(wisp.startSpan('x')).toBe(NOOP_SPAN);
    expect(wisp.trace('t', (span) => span)).toBe(NOOP_SPAN);
    expect(await wisp.trace('t', async () => 7)).toBe(7);
    expect(wisp.getActiveSpan()).toBeUndefined();
    NOOP_SPAN.update({ output: 1 }).end();
    expect(memory.events).toHaveLength(0);
    expect(await wisp.flush()).toEqual({ done: true, remaining: 0, elapsedMs: 0 });
    expect(wisp.stats()).toMatchObject({ created: 0, sampledOut: 0, exporters: [] });
  });

  it('fans events out to every exporter; one that throws does not affect the others', () => {
    const a = new InMemoryExporter();
    const b = new InMemoryExporter();
    const diagnostics: Diagnostic[] = [];
    const thrower = { enqueue() { throw new Error('x'); }, flush: async () => ({ done: true, remaining: 0, elapsedMs: 0 }), shutdown: async () => ({ done: true, remaining: 0, elapsedMs: 0 }), stats: () => a.stats() };
    const wisp = new Wisp({ exporters: [a, thrower, b], flushOnBeforeExit: false, onInternalError: (d) => diagnostics.push(d) });
    wisp.startSpan('s').end();
    expect(a.spans()).toHaveLength(1);
    expect(b.spans()).toHaveLength(1);
    expect(diagnostics.some((d) => d.code === 'exporter_failed')).toBe(true);
    expect(wisp.stats().exporters).toHaveLength(3);
  });

  it('masks captured values with the hook; a throwing mask replaces only that value', () => {
    const { wisp, memory, diagnostics } = setup({
      mask: (value, ctx) => {
        if (ctx.field === 'output') throw new Error('mask bug');
        return typeof value === 'object' && value !== null ? { ...value, email: '***' } : value;
      },
    });
    wisp.startSpan('m', { input: { email: 'a@b.c', q: 'x' } }).end({ output: 'secret answer' });
    expect(memory.spans()[0]).toMatchObject({ input: { email: '***', q: 'x' }, output: '[mask failed]' });
    expect(diagnostics.some((d) => d.code === 'mask_failed')).toBe(true);
  });

  it('ids are unique and well formed across many spans', () => {
    const { wisp } = setup();
    const ids = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const s = wisp.startSpan('s', { root: true });
      expect(s.spanId).toMatch(HEX16);
      expect(s.traceId).toMatch(HEX32);
      ids.add(s.spanId);
    }
    expect(ids.size).toBe(5000);
  });

  it('a child never starts before its parent', () => {
    const { wisp } = setup();
    const parent = wisp.startSpan('p', { startTime: Date.now() + 1000 });
    const child = parent.startSpan('c');
    expect(child.startTime).toBeGreaterThanOrEqual(parent.startTime);
  });

  it('sends input and trace attributes once: the end event carries only what the start did not', async () => {
    const { wisp, memory } = setup();
    const big = 'x'.repeat(10_000);
    await wisp.trace('t', async (root) => {
      const same = wisp.startSpan('same', { input: big });
      const changed = wisp.startSpan('changed', { input: 'a' });
      await nextTick();
      same.end({ output: 'o' });
      changed.update({ input: 'b' });
      changed.end();
      root.updateTrace({ userId: 'u2' });
    }, { userId: 'u', input: { q: 1 } });
    const ends = memory.events.filter((e) => e.phase === 'end');
    const same = ends.find((e) => e.name === 'same')!;
    expect(same.input).toBeUndefined();
    expect(same.output).toBe('o');
    expect(memory.events.find((e) => e.name === 'same' && e.phase === 'start')!.input).toBe(big);
    expect(ends.find((e) => e.name === 'changed')!.input).toBe('b');
    const rootEnd = ends.find((e) => e.name === 't')!;
    expect(rootEnd.input).toBeUndefined();
    // The trace attributes changed after the start: the end carries them, without the root's payloads.
    expect(rootEnd.trace).toMatchObject({ userId: 'u2' });
    expect(rootEnd.trace!.input).toBeUndefined();
    expect(JSON.stringify(memory.events).split(big).length - 1).toBe(1);
    // Merged, the span is complete.
    expect(memory.spans().find((s) => s.name === 'same')).toMatchObject({ input: big, output: 'o' });
  });

  it('passes an estimate of each event\'s serialized size to the exporter, without stringifying on the hot path', async () => {
    const seen: Array<{ json: number; bytes: number }> = [];
    const measuring = new InMemoryExporter();
    const exporter = {
      enqueue: (e: Parameters<InMemoryExporter['enqueue']>[0], bytes: number) => {
        seen.push({ json: JSON.stringify(e).length, bytes });
        measuring.enqueue(e, bytes);
      },
      flush: () => measuring.flush(),
      shutdown: () => measuring.shutdown(),
      stats: () => measuring.stats(),
    };
    const wisp = new Wisp({ exporters: [exporter], flushOnBeforeExit: false });
    const messages = Array.from({ length: 50 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: 'lorem ipsum '.repeat(20) }));
    await wisp.trace('t', async () => {
      wisp.startSpan('small').end({ output: 'ok' });
      wisp.startSpan('big', { input: { messages } }).end({ output: { text: 'x'.repeat(50_000) }, metadata: { a: 1 } });
      // Running across a tick: these send a start and an end each.
      const small = wisp.startSpan('small-running');
      const big = wisp.startSpan('big-running', { input: { messages } });
      await nextTick();
      small.end({ output: 'ok' });
      big.end({ output: { text: 'x'.repeat(50_000) }, metadata: { a: 1 } });
    }, { userId: 'u', tags: ['a'] });
    // full + full, then start + start for the running ones and the root, then end + end + end.
    expect(seen.length).toBe(8);
    for (const { json, bytes } of seen) {
      expect(bytes).toBeGreaterThan(json * 0.5);
      expect(bytes).toBeLessThan(json * 2 + 300);
    }
  });
});
