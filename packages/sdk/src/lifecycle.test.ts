import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Wisp } from './client.js';
import type { FlushResult, SpanExporter } from './exporter.js';
import { InMemoryExporter } from './in-memory-exporter.js';
import { decodedBody } from './export/test-collector.js';

const SRC = fileURLToPath(new URL('.', import.meta.url));
const ok: FlushResult = { done: true, remaining: 0, elapsedMs: 0 };

/** An exporter whose flush/shutdown behave as told. */
function scripted(behaviour: 'hang' | 'reject' | 'throw' | { delayMs: number }, log: string[] = []): SpanExporter {
  const memory = new InMemoryExporter();
  const run = (what: string): Promise<FlushResult> => {
    log.push(what);
    if (behaviour === 'hang') return new Promise(() => undefined);
    if (behaviour === 'reject') return Promise.reject(new Error('rejected'));
    if (behaviour === 'throw') throw new Error('thrown');
    return new Promise((r) => setTimeout(() => {
      log.push(`${what} done`);
      r(ok);
    }, behaviour.delayMs));
  };
  return { enqueue: (e, b) => memory.enqueue(e, b), flush: () => run('flush'), shutdown: () => run('shutdown'), stats: () => memory.stats() };
}

describe('flush and shutdown', () => {
  it('resolve by the deadline even when exporters hang, reject or throw', async () => {
    const wisp = new Wisp({ exporters: [scripted('hang'), scripted('reject'), scripted('throw'), new InMemoryExporter()], flushOnBeforeExit: false, onInternalError: () => undefined });
    wisp.startSpan('s').end();
    const t0 = performance.now();
    const r = await wisp.flush(100);
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeLessThan(400);
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(r.done).toBe(false);
    const s = await wisp.shutdown(50);
    expect(s.done).toBe(false);
    expect(wisp.stats().diagnostics.exporter_failed).toBeGreaterThanOrEqual(4);
  });

  it('fan out in parallel: every exporter starts flushing before any finishes', async () => {
    const log: string[] = [];
    const wisp = new Wisp({ exporters: [scripted({ delayMs: 50 }, log), scripted({ delayMs: 50 }, log)], flushOnBeforeExit: false });
    const r = await wisp.flush(1000);
    expect(r.done).toBe(true);
    expect(log).toEqual(['flush', 'flush', 'flush done', 'flush done']);
  });

  it('flushOnRootEnd: trace() resolves only after the flush, bounded by its timeout', async () => {
    const log: string[] = [];
    const wisp = new Wisp({ exporters: [scripted({ delayMs: 30 }, log)], flushOnBeforeExit: false, flushOnRootEnd: true });
    const v = await wisp.trace('lambda', async () => {
      log.push('handler');
      return 1;
    });
    log.push('resolved');
    expect(v).toBe(1);
    expect(log).toEqual(['handler', 'flush', 'flush done', 'resolved']);

    const stuck = new Wisp({ exporters: [scripted('hang')], flushOnBeforeExit: false, flushOnRootEnd: true, rootFlushTimeoutMs: 50 });
    const t0 = performance.now();
    await expect(stuck.trace('x', async () => {
      throw new Error('handler failed');
    })).rejects.toThrow('handler failed');
    expect(performance.now() - t0).toBeLessThan(300);
  });
});

/** Runs a TypeScript snippet in a child process (with tsx), importing the SDK sources. */
function runChild(code: string, onStdout?: (text: string, child: ReturnType<typeof spawn>) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'wisp-sdk-'));
  const file = join(dir, 'child.mts');
  writeFileSync(file, code.replaceAll('$SRC', SRC));
  const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: join(SRC, '../../..'), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    onStdout?.(out, child);
  });
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const started = performance.now();
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string; ms: number }>((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, out, err, ms: performance.now() - started });
    });
  });
}

const EXPORTER = `
const flushes: string[] = [];
const exporter = {
  enqueue() {},
  flush: async () => { process.stdout.write('flushed\\n'); return { done: true, remaining: 0, elapsedMs: 0 }; },
  shutdown: async () => { process.stdout.write('shut down\\n'); return { done: true, remaining: 0, elapsedMs: 0 }; },
  stats: () => ({ created: 0, sent: 0, queued: 0, inFlight: 0, dropped: {}, failedRequests: {}, events: { enqueued: 0, merged: 0, payloadsShed: 0, auxDropped: 0 }, queuedBytes: 0, circuit: 'closed' }),
};
`;

describe('process hooks', () => {
  it('flushes each client once on beforeExit and lets the process exit, without a listener leak', async () => {
    const r = await runChild(`
      import { Wisp } from '$SRC/index.ts';
      ${EXPORTER}
      // More clients than the default max listeners (10): one process listener serves them all.
      for (let i = 0; i < 12; i++) new Wisp({ exporters: [exporter] }).startSpan('s').end();
      const shut = new Wisp({ exporters: [{ ...exporter, shutdown: async () => ({ done: true, remaining: 0, elapsedMs: 0 }) }] });
      await shut.shutdown(100);
    `);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe('flushed\n'.repeat(12));
  });

  it('handleSignals: shuts down (flushing) on SIGTERM, then the signal terminates the process', async () => {
    const r = await runChild(`
      import { Wisp } from '$SRC/index.ts';
      ${EXPORTER}
      const wisp = new Wisp({ exporters: [exporter], handleSignals: true, flushOnBeforeExit: false });
      wisp.startSpan('s').end();
      setInterval(() => {}, 1000);
      process.stdout.write('ready\\n');
    `, (out, child) => {
      if (out === 'ready\n') child.kill('SIGTERM');
    });
    expect(r.out).toBe('ready\nshut down\n');
    expect(r.signal).toBe('SIGTERM');
  });

  it('with the default exporter and a dead collector, no timer keeps the process alive', async () => {
    const r = await runChild(`
      import { createServer } from 'node:net';
      import { Wisp } from '$SRC/index.ts';
      // A port that refuses connections: bind, read the port, close.
      const srv = createServer();
      await new Promise((r) => srv.listen(0, '127.0.0.1', r));
      const port = srv.address().port;
      await new Promise((r) => srv.close(r));
      const wisp = new Wisp({ endpoint: 'http://127.0.0.1:' + port, shutdownTimeoutMs: 300, onInternalError: () => {} });
      for (let i = 0; i < 100; i++) wisp.trace('t', () => wisp.startSpan('c').end());
      process.stdout.write(JSON.stringify(wisp.stats().created) + '\\n');
    `);
    expect(r.err).toBe('');
    expect(r.out).toBe('200\n');
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(5_000);
  });

  it('a short script that just ends still delivers its spans: the beforeExit flush keeps the process alive until done', async () => {
    let spans = 0;
    const sink = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const b = decodedBody(req.headers['content-encoding'], Buffer.concat(chunks));
        const batch = JSON.parse(b.toString()) as { events: Array<{ type: string; phase?: string }> };
        spans += batch.events.filter((e) => e.type === 'span' && (e.phase === 'end' || e.phase === 'full')).length;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ accepted: batch.events.length, rejected: 0, errors: [] }));
      });
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    try {
      const { port } = sink.address() as AddressInfo;
      const r = await runChild(`
        import { Wisp } from '$SRC/index.ts';
        const wisp = new Wisp({ endpoint: 'http://127.0.0.1:${port}', onInternalError: (d) => console.error(d) });
        for (let i = 0; i < 100; i++) wisp.trace('t', () => wisp.startSpan('c').end());
      `);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(spans).toBe(200);
    } finally {
      await new Promise((r) => sink.close(r));
    }
  });

  it('against a collector that accepts and never answers, the process exits at the flush deadline', async () => {
    const silent = createNetServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const { port } = silent.address() as AddressInfo;
      const r = await runChild(`
        import { Wisp } from '$SRC/index.ts';
        const wisp = new Wisp({ endpoint: 'http://127.0.0.1:${port}', shutdownTimeoutMs: 500, onInternalError: () => {} });
        for (let i = 0; i < 100; i++) wisp.trace('t', () => wisp.startSpan('c').end());
        process.on('exit', () => process.stdout.write(JSON.stringify(wisp.stats().dropped.shutdown)));
      `);
      expect(r.code).toBe(0);
      // Everything still queued or in flight at the deadline is counted, not silently lost.
      expect(r.out).toBe('200');
      expect(r.ms).toBeLessThan(4_000);
    } finally {
      silent.close();
    }
  });
});
