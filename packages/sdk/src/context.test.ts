import { EventEmitter, once } from 'node:events';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Wisp } from './client.js';
import { InMemoryExporter } from './in-memory-exporter.js';

function setup() {
  const memory = new InMemoryExporter();
  const wisp = new Wisp({ exporters: [memory], flushOnBeforeExit: false, onInternalError: () => undefined });
  const parentOf = (name: string) => memory.spans().find((s) => s.name === name)?.parentId;
  const idOf = (name: string) => memory.spans().find((s) => s.name === name)?.spanId;
  return { wisp, memory, parentOf, idOf };
}

describe('context propagation', () => {
  it('getActiveSpan is undefined outside a span', () => {
    const { wisp } = setup();
    expect(wisp.getActiveSpan()).toBeUndefined();
  });

  it('follows await chains', async () => {
    const { wisp, parentOf, idOf } = setup();
    await wisp.trace('root', async () => {
      await sleep(1);
      await Promise.resolve();
      wisp.startSpan('after-await').end();
    });
    expect(parentOf('after-await')).toBe(idOf('root'));
  });

  it('keeps Promise.all fan-out branches apart', async () => {
    const { wisp, memory } = setup();
    const leaf = wisp.observe(async (_branch: string) => {
      await sleep(Math.random() * 3);
      return wisp.getActiveSpan()?.name;
    }, { name: 'leaf' });
    const branch = (name: string) => wisp.observe(async () => {
      await sleep(Math.random() * 3);
      return Promise.all([leaf(name), leaf(name)]);
    }, { name })();
    await wisp.trace('root', () => Promise.all(['b1', 'b2', 'b3'].map(branch)));
    const spans = memory.spans();
    for (const b of ['b1', 'b2', 'b3']) {
      const bs = spans.find((s) => s.name === b)!;
      const leaves = spans.filter((s) => s.name === 'leaf' && s.parentId === bs.spanId);
      expect(leaves).toHaveLength(2);
      for (const l of leaves) expect(l.input).toBe(b);
    }
  });

  it('follows timers (setTimeout, setImmediate, setInterval)', async () => {
    const { wisp, parentOf, idOf } = setup();
    await wisp.trace('root', () => new Promise<void>((resolve) => {
      setTimeout(() => {
        wisp.startSpan('in-timeout').end();
        setImmediate(() => {
          wisp.startSpan('in-immediate').end();
          const iv = setInterval(() => {
            clearInterval(iv);
            wisp.startSpan('in-interval').end();
            resolve();
          }, 1);
        });
      }, 1);
    }));
    for (const n of ['in-timeout', 'in-immediate', 'in-interval']) expect(parentOf(n)).toBe(idOf('root'));
  });

  it('EventEmitter callbacks run in the emitter context unless bound', async () => {
    const { wisp, parentOf, idOf } = setup();
    const emitter = new EventEmitter();
    await wisp.trace('listener-owner', async () => {
      emitter.on('bound', wisp.bind(() => wisp.startSpan('bound-cb').end()));
      emitter.on('unbound', () => wisp.startSpan('unbound-cb').end());
    });
    await wisp.trace('emitter-side', async () => {
      emitter.emit('bound');
      emitter.emit('unbound');
    });
    expect(parentOf('bound-cb')).toBe(idOf('listener-owner'));
    expect(parentOf('unbound-cb')).toBe(idOf('emitter-side'));
  });

  it('follows Node streams: a transform in a pipeline and async iteration over a Readable', async () => {
    const { wisp, memory, idOf } = setup();
    await wisp.trace('streaming', async () => {
      const seen: string[] = [];
      await pipeline(
        Readable.from(['a', 'b', 'c']),
        new Transform({
          objectMode: true,
          transform(chunk: string, _enc, cb) {
            wisp.startSpan(`chunk-${chunk}`).end();
            cb(null, chunk.toUpperCase());
          },
        }),
        async function (source: AsyncIterable<string>) {
          for await (const c of source) {
            seen.push(c);
            wisp.startSpan(`sink-${c}`).end();
          }
        },
      );
      expect(seen).toEqual(['A', 'B', 'C']);
    });
    const root = idOf('streaming');
    const names = memory.spans().filter((s) => s.name !== 'streaming');
    expect(names).toHaveLength(6);
    for (const s of names) expect(s.parentId).toBe(root);
  });

  it('follows async generators consumed outside the span that created them', async () => {
    const { wisp, memory, idOf } = setup();
    const produce = wisp.observe(async function* () {
      for (let i = 0; i < 3; i++) {
        await sleep(1);
        wisp.startSpan(`step-${i}`).end();
        yield i;
      }
    }, { name: 'producer' });
    const gen = produce();
    // Consumed from another trace: steps still belong to the producer span.
    await wisp.trace('consumer', async () => {
      for await (const _ of gen) void _;
    });
    for (let i = 0; i < 3; i++) expect(memory.spans().find((s) => s.name === `step-${i}`)!.parentId).toBe(idOf('producer'));
  });

  it('keeps clients apart: each has its own active span', async () => {
    const a = setup();
    const b = setup();
    await a.wisp.trace('a-root', async () => {
      expect(b.wisp.getActiveSpan()).toBeUndefined();
      await b.wisp.trace('b-root', async () => {
        expect(a.wisp.getActiveSpan()?.name).toBe('a-root');
        a.wisp.startSpan('a-child').end();
      });
    });
    expect(a.parentOf('a-child')).toBe(a.idOf('a-root'));
    expect(b.memory.spans().map((s) => s.name)).toEqual(['b-root']);
  });

  it('bind outside a span returns the function itself', () => {
    const { wisp } = setup();
    const f = () => 1;
    expect(wisp.bind(f)).toBe(f);
  });

  it('a promise-based event wait keeps context', async () => {
    const { wisp, parentOf, idOf } = setup();
    const emitter = new EventEmitter();
    await wisp.trace('waiter', async () => {
      setTimeout(() => emitter.emit('go'), 1);
      await once(emitter, 'go');
      wisp.startSpan('after-once').end();
    });
    expect(parentOf('after-once')).toBe(idOf('waiter'));
  });
});
