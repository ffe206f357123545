import { Agent, createServer, request } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Wisp } from './client.js';
import type { FinishedSpan } from './in-memory-exporter.js';
import { InMemoryExporter } from './in-memory-exporter.js';

const STEPS = 5;
const memory = new InMemoryExporter();
const wisp = new Wisp({ exporters: [memory], flushOnBeforeExit: false, serviceName: 'http-test' });

/** Step i calls step i+1 inside itself, with an await (and a timer on odd steps) in between. */
const steps: Array<(id: string) => Promise<string>> = [];
for (let i = STEPS - 1; i >= 0; i--) {
  const next = steps[0];
  steps.unshift(wisp.observe(async (id: string) => {
    if (i % 2 === 1) await sleep(Math.random() * 2);
    else await Promise.resolve();
    // Each step checks that it sees its own request: a mixed context would show another id.
    const active = wisp.getActiveSpan();
    if (active?.name !== `step-${i}`) throw new Error(`context mixed: ${active?.name} in step-${i}`);
    return next === undefined ? id : next(id);
  }, { name: `step-${i}` }));
}

let server: Server;
let port: number;
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

beforeAll(async () => {
  server = createServer((req, res) => {
    const id = String(req.headers['x-request-id']);
    void wisp.trace('request', () => steps[0]!(id), { userId: id, input: id }).then(
      (echo) => res.end(JSON.stringify({ echo, traceId: memory.events.at(-1)?.traceId })),
      (err: Error) => {
        res.statusCode = 500;
        res.end(err.message);
      },
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  agent.destroy();
  await new Promise((r) => server.close(r));
});

function get(id: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, agent, path: '/', headers: { 'x-request-id': id } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Checks one request's trace: a root and a chain of 5 steps, properly nested in time and in order. */
function checkTrace(id: string, byTrace: Map<string, FinishedSpan[]>): void {
  const root = memory.spans().find((s) => s.name === 'request' && s.trace?.userId === id);
  expect(root, `trace of ${id}`).toBeDefined();
  const spans = byTrace.get(root!.traceId)!;
  expect(spans).toHaveLength(STEPS + 1);
  let parent = root!;
  for (let i = 0; i < STEPS; i++) {
    const step = spans.find((s) => s.name === `step-${i}`)!;
    expect(step.parentId).toBe(parent.spanId);
    expect(step.input).toBe(id);
    expect(step.status).toBe('ok');
    expect(step.startTime!).toBeGreaterThanOrEqual(parent.startTime!);
    expect(step.endTime!).toBeLessThanOrEqual(parent.endTime!);
    parent = step;
  }
  // Order of events: starts go down the chain, ends come back up. A span still running at the end
  // of its tick sends a start then an end; one that starts and ends on one tick sends one `full`.
  const events = memory.events.filter((e) => e.traceId === root!.traceId);
  const names = ['request', ...Array.from({ length: STEPS }, (_, i) => `step-${i}`)];
  const starts = events.filter((e) => e.phase === 'start').map((e) => e.name);
  expect(starts).toEqual(names.slice(0, starts.length));
  const completions = events.filter((e) => e.phase === 'end' || e.phase === 'full');
  expect(completions.map((e) => e.name)).toEqual([...names].reverse());
  for (const e of completions) expect(e.phase).toBe(starts.includes(e.name!) ? 'end' : 'full');
  // The request awaits I/O between its steps: its root is seen running before it ends.
  expect(starts[0]).toBe('request');
}

function groupByTrace(): Map<string, FinishedSpan[]> {
  const map = new Map<string, FinishedSpan[]>();
  for (const s of memory.spans()) {
    const list = map.get(s.traceId) ?? [];
    list.push(s);
    map.set(s.traceId, list);
  }
  return map;
}

describe('tracing a real HTTP server', () => {
  it('100 rapid requests of 5 nested steps: every trace arrives, nested and ordered', async () => {
    memory.reset();
    const ids = Array.from({ length: 100 }, (_, i) => `rapid-${i}`);
    for (const id of ids) {
      const r = await get(id);
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body).echo).toBe(id);
    }
    const byTrace = groupByTrace();
    expect(byTrace.size).toBe(100);
    for (const id of ids) checkTrace(id, byTrace);
    expect(wisp.stats()).toMatchObject({ created: 600, sent: 600, queued: 0, inFlight: 0, dropped: {} });
  });

  it('50 concurrent requests never mix their contexts', async () => {
    memory.reset();
    const ids = Array.from({ length: 50 }, (_, i) => `concurrent-${i}`);
    const results = await Promise.all(ids.map(get));
    for (const [i, r] of results.entries()) {
      expect(r.status, r.body).toBe(200);
      expect(JSON.parse(r.body).echo).toBe(ids[i]);
    }
    const byTrace = groupByTrace();
    expect(byTrace.size).toBe(50);
    for (const id of ids) checkTrace(id, byTrace);
  });
});
