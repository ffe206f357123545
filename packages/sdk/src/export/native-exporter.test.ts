import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExporterStats } from '../exporter.js';
import { totalDropped } from './export-stats.js';
import { NativeExporter, type NativeExporterOptions } from './native-exporter.js';
import { closedPort, startCollector, type CollectorMode, type TestCollector } from './test-collector.js';
import { enqueueSpans } from './test-spans.js';

const SPANS = 2_000;
/** Enqueueing SPANS spans must take a small fraction of any fault's duration. */
const MAX_ENQUEUE_MS = 100;
const SHUTDOWN_MS = 1_000;
/** Slack for timers and GC on a loaded CI machine. */
const DEADLINE_SLACK_MS = 150;

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

function expectIdentity(s: ExporterStats): void {
  expect(s.created).toBe(s.sent + s.queued + s.inFlight + totalDropped(s));
}

function exporterFor(url: string, options: NativeExporterOptions = {}): NativeExporter {
  const exporter = new NativeExporter({
    endpoint: url,
    apiKey: 'test-key',
    requestTimeoutMs: 300,
    // Short, deterministic backoff so that retries happen within the test's time.
    random: () => 0.1,
    reportIntervalMs: 0,
    ...options,
  });
  cleanup.push(() => exporter.shutdown(100));
  return exporter;
}

async function collector(mode: CollectorMode, port = 0): Promise<TestCollector> {
  const c = await startCollector(mode, port);
  cleanup.push(() => c.close());
  return c;
}

/** Polls `ok` on every turn of the event loop until it holds or `timeoutMs` passes. */
async function until(ok: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!ok()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** After recovery, every span not dropped reaches the collector, and shutdown is prompt. */
async function expectRecovery(exporter: NativeExporter, c: TestCollector): Promise<void> {
  c.mode = 'healthy';
  await until(() => {
    const s = exporter.stats();
    expectIdentity(s);
    return s.queued === 0 && s.inFlight === 0;
  }, 'the queue to drain after recovery', 15_000);
  const s = exporter.stats();
  expect(s.sent).toBe(s.created - totalDropped(s));
  await c.waitForSpans(s.sent);
  const t0 = performance.now();
  const result = await exporter.shutdown(SHUTDOWN_MS);
  expect(performance.now() - t0).toBeLessThan(SHUTDOWN_MS + DEADLINE_SLACK_MS);
  expect(result.done).toBe(true);
  expectIdentity(exporter.stats());
}

describe('NativeExporter against a real collector', () => {
  it('delivers everything to a healthy collector, brotli-compressed, with the api key', async () => {
    const c = await collector('healthy');
    const exporter = exporterFor(c.url);
    const enqueueMs = enqueueSpans(exporter, SPANS);
    expect(enqueueMs).toBeLessThan(MAX_ENQUEUE_MS);
    expectIdentity(exporter.stats());
    await c.waitForSpans(SPANS);
    const flushed = await exporter.flush(2_000);
    expect(flushed.done).toBe(true);
    const s = exporter.stats();
    expect(s).toMatchObject({ created: SPANS, sent: SPANS, queued: 0, inFlight: 0 });
    expect(s.events.merged).toBe(SPANS);
    expect(c.requests.every((r) => r.encoding === 'br')).toBe(true);
    expect(Math.max(...c.requests.map((r) => r.events))).toBeLessThanOrEqual(1_000);
    await expectRecovery(exporter, c);
  });

  it('sends gzip or uncompressed bodies when asked', async () => {
    for (const compression of ['gzip', 'none'] as const) {
      const c = await collector('healthy');
      const exporter = exporterFor(c.url, { compression });
      enqueueSpans(exporter, 500);
      await c.waitForSpans(500);
      expect(c.requests.length).toBeGreaterThan(0);
      // A body under 1 KiB goes uncompressed either way; none is ever brotli.
      if (compression === 'gzip') expect(c.requests.some((r) => r.encoding === 'gzip')).toBe(true);
      expect(c.requests.every((r) => r.encoding === (compression === 'gzip' ? 'gzip' : undefined) || r.encoding === undefined)).toBe(true);
      expect((await exporter.shutdown(2_000)).done).toBe(true);
      expect(exporter.stats()).toMatchObject({ created: 500, sent: 500, queued: 0, inFlight: 0 });
    }
  });

  it('an unknown compression (untyped JavaScript) is reported and the default used, so no body is mislabelled', async () => {
    const c = await collector('healthy');
    const errors: unknown[] = [];
    const exporter = exporterFor(c.url, { compression: 'zstd' as never, onError: (e) => errors.push(e) });
    expect(errors.map(String).join('\n')).toMatch(/compression "zstd" is not br, gzip or none; using br/);
    enqueueSpans(exporter, 200);
    await c.waitForSpans(200);
    expect(c.requests.every((r) => r.encoding === 'br')).toBe(true);
    expect((await exporter.shutdown(2_000)).done).toBe(true);
  });

  it('a backend that answers 415 to brotli gets the same spans again in gzip, none lost', async () => {
    const c = await collector('healthy');
    c.acceptBrotli = false;
    const errors: unknown[] = [];
    const exporter = exporterFor(c.url, { onError: (e) => errors.push(e) });
    enqueueSpans(exporter, SPANS);
    await c.waitForSpans(SPANS);
    expect((await exporter.flush(2_000)).done).toBe(true);
    expect(exporter.stats()).toMatchObject({ created: SPANS, sent: SPANS, queued: 0, inFlight: 0 });
    expectIdentity(exporter.stats());
    expect(totalDropped(exporter.stats())).toBe(0);
    const refused = c.requests.filter((r) => r.encoding === 'br');
    expect(refused.length).toBeGreaterThan(0);
    // Once refused, brotli is not tried again: only requests already being made then (one per
    // request slot, 4 by default) can still go out in brotli; every resend and later batch is gzip.
    expect(refused.length).toBeLessThanOrEqual(4);
    expect(c.requests.at(-1)!.encoding).toBe('gzip');
    expect(c.requests.filter((r) => r.encoding === 'gzip').reduce((n, r) => n + r.events, 0)).toBeGreaterThanOrEqual(SPANS);
    expect(errors.map(String).join('\n')).toMatch(/refused brotli/);
  });

  it('a slow collector (500 ms) delays nothing and loses nothing', async () => {
    const c = await collector('slow');
    const exporter = exporterFor(c.url, { requestTimeoutMs: 2_000 });
    expect(enqueueSpans(exporter, SPANS)).toBeLessThan(MAX_ENQUEUE_MS);
    await c.waitForRequests(1);
    expectIdentity(exporter.stats());
    expect(exporter.stats().inFlight).toBeGreaterThan(0);
    await c.waitForSpans(SPANS);
    await expectRecovery(exporter, c);
    expect(exporter.stats().sent).toBe(SPANS);
  });

  it('retries 500s, then delivers once the collector recovers', async () => {
    const c = await collector('error500');
    const exporter = exporterFor(c.url);
    expect(enqueueSpans(exporter, SPANS)).toBeLessThan(MAX_ENQUEUE_MS);
    await until(() => (exporter.stats().failedRequests.http_500 ?? 0) >= 3, 'three failed requests');
    expectIdentity(exporter.stats());
    expect(c.ended.size).toBe(0);
    await expectRecovery(exporter, c);
    expect(exporter.stats().sent).toBeGreaterThan(0);
  });

  it('honours Retry-After on 429 for every slot', async () => {
    const c = await collector('retry429');
    const exporter = exporterFor(c.url);
    expect(enqueueSpans(exporter, SPANS)).toBeLessThan(MAX_ENQUEUE_MS);
    await c.waitForRequests(1);
    const first = c.requests[0]!.at;
    await c.waitForRequests(3);
    // The first answer paused the whole sender for 1 s; only requests already in flight came sooner.
    const later = c.requests.filter((r) => r.at - first > 900);
    expect(c.requests.length - later.length).toBeLessThanOrEqual(2);
    expectIdentity(exporter.stats());
    await expectRecovery(exporter, c);
    expect(exporter.stats().sent).toBe(SPANS);
  });

  it('survives refused connections, opens the breaker, and delivers once a server listens', async () => {
    const port = await closedPort();
    const exporter = exporterFor(`http://127.0.0.1:${port}`);
    // More batches than request slots, so that some must wait in the queue.
    expect(enqueueSpans(exporter, 4 * SPANS)).toBeLessThan(4 * MAX_ENQUEUE_MS);
    await until(() => exporter.stats().circuit !== 'closed', 'the breaker to open');
    const s = exporter.stats();
    expectIdentity(s);
    expect(s.failedRequests.network).toBeGreaterThanOrEqual(5);
    // While the breaker is open the rest stays queued.
    expect(s.queued).toBeGreaterThan(0);
    const c = await collector('healthy', port);
    await expectRecovery(exporter, c);
    expect(exporter.stats().sent).toBe(4 * SPANS);
  });

  it('times out a collector that accepts and never answers, then delivers after recovery', async () => {
    const c = await collector('silent');
    const exporter = exporterFor(c.url);
    expect(enqueueSpans(exporter, SPANS)).toBeLessThan(MAX_ENQUEUE_MS);
    await until(() => (exporter.stats().failedRequests.timeout ?? 0) >= 1, 'a timeout');
    expectIdentity(exporter.stats());
    await expectRecovery(exporter, c);
    expect(exporter.stats().sent).toBe(SPANS);
  });

  it('retries a response reset midway, then delivers', async () => {
    const c = await collector('reset');
    const exporter = exporterFor(c.url);
    expect(enqueueSpans(exporter, SPANS)).toBeLessThan(MAX_ENQUEUE_MS);
    await until(() => (exporter.stats().failedRequests.network ?? 0) >= 2, 'two resets');
    expectIdentity(exporter.stats());
    await expectRecovery(exporter, c);
    expect(exporter.stats().sent).toBe(SPANS);
    expect(c.ended.size).toBe(SPANS);
  });

  it('splits batches on 413 until they fit', async () => {
    const c = await collector('too_large');
    const exporter = exporterFor(c.url);
    expect(enqueueSpans(exporter, SPANS)).toBeLessThan(MAX_ENQUEUE_MS);
    await c.waitForSpans(SPANS);
    const s = exporter.stats();
    expect(s.failedRequests.http_413).toBeGreaterThan(0);
    expect(s.dropped.too_large).toBe(0);
    expectIdentity(s);
    await expectRecovery(exporter, c);
    expect(exporter.stats().sent).toBe(SPANS);
  });

  it('reads at most a capped head of a 1 GiB answer', async () => {
    const c = await collector('huge_body');
    const exporter = exporterFor(c.url, { requestTimeoutMs: 5_000 });
    const rssBefore = process.memoryUsage().rss;
    expect(enqueueSpans(exporter, SPANS)).toBeLessThan(MAX_ENQUEUE_MS);
    await until(() => exporter.stats().sent === SPANS, 'all spans sent');
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
    expectIdentity(exporter.stats());
    await expectRecovery(exporter, c);
  });

  it.each(['silent', 'refused'] as const)('shutdown returns by its deadline against a %s backend and counts the loss', async (mode) => {
    const url = mode === 'silent' ? (await collector('silent')).url : `http://127.0.0.1:${await closedPort()}`;
    const exporter = exporterFor(url, { requestTimeoutMs: 10_000 });
    expect(enqueueSpans(exporter, SPANS)).toBeLessThan(MAX_ENQUEUE_MS);
    const t0 = performance.now();
    const result = await exporter.shutdown(SHUTDOWN_MS);
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(SHUTDOWN_MS - 5);
    expect(elapsed).toBeLessThan(SHUTDOWN_MS + DEADLINE_SLACK_MS);
    expect(result.done).toBe(false);
    expect(result.remaining).toBe(SPANS);
    const s = exporter.stats();
    expectIdentity(s);
    expect(s).toMatchObject({ queued: 0, inFlight: 0, sent: 0 });
    expect(s.dropped.shutdown).toBe(SPANS);
    exporter.enqueue(enqueueOne(), 100);
    expect(exporter.stats().dropped.shutdown).toBe(SPANS + 1);
  });

  it('reports its own counters to the collector (sdk_report), periodically and at shutdown', async () => {
    const c = await collector('healthy');
    const exporter = exporterFor(c.url, { reportIntervalMs: 200, serviceName: 'svc-a' });
    enqueueSpans(exporter, 10);
    await until(() => c.reports.length >= 1, 'a periodic report');
    await exporter.shutdown(1_000);
    const last = c.reports.at(-1)!;
    expect(last).toMatchObject({ type: 'sdk_report', service: 'svc-a', created: 10 });
    expect(c.reports.length).toBeGreaterThanOrEqual(2);
  });
});

describe('NativeExporter final report', () => {
  it('builds the shutdown report after the final flush, so it counts what was sent, and sends it', async () => {
    const c = await collector('healthy');
    const exporter = exporterFor(c.url, { reportIntervalMs: 600_000, serviceName: 'svc-f' });
    enqueueSpans(exporter, 495);
    const result = await exporter.shutdown(2_000);
    expect(result.done).toBe(true);
    expect(c.reports).toHaveLength(1);
    expect(c.reports[0]).toMatchObject({ type: 'sdk_report', service: 'svc-f', created: 495, sent: 495, queued: 0, inFlight: 0 });
  });
});

describe('NativeExporter timers', () => {
  it('never keep the process alive: an app that forgets shutdown still exits against a dead backend', async () => {
    const port = await closedPort();
    const modulePath = fileURLToPath(new URL('./native-exporter.ts', import.meta.url));
    const spansPath = fileURLToPath(new URL('./test-spans.ts', import.meta.url));
    const script = `
      const { NativeExporter } = await import(${JSON.stringify(modulePath)});
      const { enqueueSpans } = await import(${JSON.stringify(spansPath)});
      const exporter = new NativeExporter({ endpoint: 'http://127.0.0.1:${port}' });
      enqueueSpans(exporter, 100);
      setTimeout(() => console.log(JSON.stringify(exporter.stats())), 300);
    `;
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.on('exit', (c) => {
        clearTimeout(kill);
        resolve(c);
      });
    });
    expect(code).toBe(0);
    // Retries back off on unref'd timers and the report timer is unref'd: the process ends on its own.
    expect(performance.now() - t0).toBeLessThan(8_000);
    const stats = JSON.parse(out) as ExporterStats;
    expect(stats.created).toBe(100);
    expect(stats.failedRequests.network).toBeGreaterThan(0);
  });
});

function enqueueOne() {
  return { type: 'span' as const, phase: 'full' as const, traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), time: Date.now() };
}
