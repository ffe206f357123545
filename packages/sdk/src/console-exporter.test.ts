import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Wisp } from './client.js';
import { ConsoleExporter } from './console-exporter.js';
import type { ExporterStats } from './exporter.js';

function identity(s: ExporterStats): number {
  return s.sent + s.queued + s.inFlight + Object.values(s.dropped).reduce((a, b) => a + b, 0);
}

describe('ConsoleExporter', () => {
  it('writes one JSON line per event to a file, in the background', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wisp-console-')), 'spans.jsonl');
    const exporter = new ConsoleExporter({ path });
    const wisp = new Wisp({ exporters: [exporter], flushOnBeforeExit: false });
    wisp.trace('root', () => wisp.startSpan('child').end());
    // Nothing was written synchronously on the caller's tick.
    expect(exporter.stats()).toMatchObject({ created: 2, sent: 0, queued: 2 });
    expect(await wisp.shutdown(2000)).toMatchObject({ done: true, remaining: 0 });
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // Both started and ended on one tick: one `full` line each, the child first.
    expect(lines.map((l) => `${l.phase}:${l.name}`)).toEqual(['full:child', 'full:root']);
    expect(exporter.stats()).toMatchObject({ created: 2, sent: 2, queued: 0, inFlight: 0 });
  });

  it('bounds its buffer behind a slow stream and counts what it drops', async () => {
    let release: (() => void) | undefined;
    const chunks: string[] = [];
    const slow = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk.toString());
        release = cb;
      },
    });
    const exporter = new ConsoleExporter({ stream: slow, maxQueueEvents: 10 });
    const wisp = new Wisp({ exporters: [exporter], flushOnBeforeExit: false });
    for (let i = 0; i < 50; i++) wisp.startSpan(`s${i}`).end();
    const s = exporter.stats();
    expect(s.created).toBe(50);
    expect(s.dropped.queue_full).toBeGreaterThan(0);
    expect(identity(s)).toBe(s.created);
    // While the sink is stuck, flush returns by its deadline and says what is left.
    await new Promise((r) => setImmediate(r));
    const f = await exporter.flush(50);
    expect(f.done).toBe(false);
    expect(f.remaining).toBeGreaterThan(0);
    expect(identity(exporter.stats())).toBe(50);
    // Once the sink moves again, everything still buffered is written.
    const drain = setInterval(() => release?.(), 1);
    const done = await exporter.flush(2000);
    clearInterval(drain);
    expect(done.done).toBe(true);
    const final = exporter.stats();
    expect(final.sent + (final.dropped.queue_full ?? 0)).toBe(50);
    expect(identity(final)).toBe(50);
  });

  it('counts spans enqueued after shutdown as dropped', async () => {
    const sink = new Writable({ write(_c, _e, cb) { cb(); } });
    const exporter = new ConsoleExporter({ stream: sink });
    await exporter.shutdown(100);
    const wisp = new Wisp({ exporters: [exporter], flushOnBeforeExit: false, onInternalError: () => undefined });
    wisp.startSpan('late').end();
    expect(exporter.stats().dropped).toEqual({ shutdown: 1 });
  });
});
