import { describe, expect, it } from 'vitest';
import { Wisp } from './client.js';
import type { Diagnostic, DiagnosticCode } from './diagnostics.js';
import { InMemoryExporter } from './in-memory-exporter.js';

function setup() {
  const memory = new InMemoryExporter();
  const diagnostics: Diagnostic[] = [];
  const wisp = new Wisp({ exporters: [memory], flushOnBeforeExit: false, onInternalError: (d) => diagnostics.push(d) });
  const saw = (code: DiagnosticCode, text: RegExp) =>
    expect(diagnostics.some((d) => d.code === code && text.test(d.message)), `${code} ${text} in ${JSON.stringify(diagnostics)}`).toBe(true);
  return { wisp, memory, diagnostics, saw };
}

// Deliberately wrong calls, as JavaScript callers (or `any`) can make them.
const anyWisp = (w: Wisp) => w as any;

describe('bad input never throws and is reported clearly', () => {
  it('null, empty and non-string names become "unnamed"', () => {
    const { wisp, memory, saw } = setup();
    expect(() => {
      anyWisp(wisp).startSpan(null).end();
      anyWisp(wisp).startSpan('').end();
      anyWisp(wisp).startSpan(42, 'not options').end();
      anyWisp(wisp).trace(undefined, () => 1);
      anyWisp(wisp).event({});
    }).not.toThrow();
    expect(memory.spans().map((s) => s.name)).toEqual(['unnamed', 'unnamed', 'unnamed', 'unnamed', 'unnamed']);
    saw('invalid_argument', /name must be a non-empty string, got null/);
    saw('invalid_argument', /startSpan options must be an object/);
  });

  it('non-functions given to observe, trace, startActiveSpan and bind', () => {
    const { wisp, saw } = setup();
    expect(anyWisp(wisp).observe(null)).toBeNull();
    expect(anyWisp(wisp).trace('t', 'nope')).toBeUndefined();
    expect(anyWisp(wisp).startActiveSpan('t', 5)).toBeUndefined();
    expect(anyWisp(wisp).bind(undefined)).toBeUndefined();
    saw('invalid_argument', /observe\(\) needs a function, got null/);
    saw('invalid_argument', /trace\("t"\) needs a function/);
  });

  it('unknown kinds, wrong option types and bad attribute values', () => {
    const { wisp, memory, saw } = setup();
    const span = anyWisp(wisp).startSpan('s', { kind: 'banana', level: 'loud', usage: { input: -1, output: NaN }, cost: 'free', metadata: 'flat' });
    span.update(null).update({ model: 42, completionStartTime: 'soon', name: 7 });
    span.end({ endTime: NaN });
    const [s] = memory.spans();
    expect(s).toMatchObject({ name: 's', kind: 'span', status: 'ok' });
    expect(s!.usage).toBeUndefined();
    expect(s!.cost).toBeUndefined();
    expect(s!.level).toBeUndefined();
    expect(s!.endTime!).toBeGreaterThanOrEqual(s!.startTime!);
    saw('invalid_argument', /unknown span kind "banana"/);
    saw('invalid_argument', /invalid usage/);
    saw('invalid_argument', /metadata must be an object/);
    saw('invalid_argument', /endTime must be a Date or epoch ms/);
  });

  it('NaN, negative and pre-start times', () => {
    const { wisp, memory, saw } = setup();
    anyWisp(wisp).startSpan('t1', { startTime: NaN }).end({ endTime: -5 });
    const s = wisp.startSpan('t2');
    s.end({ endTime: s.startTime - 1000 });
    for (const span of memory.spans()) {
      expect(span.endTime! - span.startTime!).toBeGreaterThanOrEqual(0);
      expect(span.endTime! - span.startTime!).toBeLessThan(1000);
    }
    saw('invalid_argument', /startTime must be a Date or epoch ms; using now/);
  });

  it('ending a span twice sends one end and reports the second', () => {
    const { wisp, memory, saw } = setup();
    const s = wisp.startSpan('twice');
    s.end({ output: 1 });
    s.end({ output: 2 });
    s.update({ output: 3 });
    expect(memory.events.filter((e) => e.phase === 'end' || e.phase === 'full')).toHaveLength(1);
    expect(memory.spans()[0]!.output).toBe(1);
    saw('span_already_ended', /span "twice" ended twice/);
    saw('span_already_ended', /update\(\) on span "twice" after it ended/);
  });

  it('ending a child after its parent is recorded and reported', () => {
    const { wisp, memory, saw } = setup();
    const parent = wisp.startSpan('parent');
    const child = parent.startSpan('child');
    parent.end();
    child.end();
    expect(memory.spans().find((s) => s.name === 'child')!.parentId).toBe(parent.spanId);
    saw('parent_already_ended', /span "child" ended after its parent "parent"/);
  });

  it('a shut-down client keeps working without throwing; late spans are counted as dropped', async () => {
    const { wisp, saw } = setup();
    await wisp.shutdown(100);
    expect(() => wisp.trace('late', () => wisp.startSpan('late-child').end())).not.toThrow();
    saw('client_shut_down', /span "late" started on a shut-down client/);
    const stats = wisp.stats();
    expect(stats.created).toBe(2);
    expect(stats.dropped).toEqual({ shutdown: 2 });
    expect(await wisp.flush(10)).toMatchObject({ done: true });
    expect(await wisp.shutdown(10)).toMatchObject({ done: true });
  });

  it('bad timeouts, bad carriers, bad parents and bad options', async () => {
    const { wisp, memory, saw } = setup();
    expect(await anyWisp(wisp).flush('soon')).toMatchObject({ done: true });
    saw('invalid_argument', /timeoutMs must be a non-negative number/);
    expect(() => anyWisp(wisp).inject(null)).not.toThrow();
    expect(() => anyWisp(wisp).inject('str')).not.toThrow();
    const s = anyWisp(wisp).startSpan('orphan', { parent: { traceId: 'xyz', spanId: 1 } });
    s.end();
    expect(memory.spans()[0]!.parentId).toBeUndefined();
    saw('invalid_argument', /parent is not a span or span context/);
    const diagnostics: Diagnostic[] = [];
    const odd = new Wisp({ exporters: [], sampleRate: 7, enabled: 'yes', onInternalError: (d: Diagnostic) => diagnostics.push(d) } as any);
    expect(odd.options.sampleRate).toBe(1);
    expect(odd.options.enabled).toBe(true);
    expect(diagnostics.map((d) => d.message).join('\n')).toMatch(/option sampleRate has an invalid value[\s\S]*option enabled/);
  });

  it('a throwing diagnostic handler is contained and reports are rate-limited per code', () => {
    let calls = 0;
    const wisp = new Wisp({ exporters: [new InMemoryExporter()], flushOnBeforeExit: false, onInternalError: () => {
      calls++;
      throw new Error('handler bug');
    } });
    const s = wisp.startSpan('x');
    s.end();
    expect(() => {
      for (let i = 0; i < 100; i++) s.end();
    }).not.toThrow();
    expect(calls).toBe(5);
    expect(wisp.stats().diagnostics.span_already_ended).toBe(100);
  });

  it('a hostile input (throwing Proxy) given to observe is captured safely', () => {
    const { wisp, memory } = setup();
    const hostile = new Proxy({}, { ownKeys() { throw new Error('no keys'); }, get() { throw new Error('no get'); } });
    const f = wisp.observe((x: unknown) => typeof x, { name: 'f' });
    expect(f(hostile)).toBe('object');
    expect(String(memory.spans()[0]!.input)).toMatch(/Unserializable/);
  });
});
