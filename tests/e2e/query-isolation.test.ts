/**
 * Project isolation: every route the collector registers (enumerated from Fastify's route table,
 * not from a list kept by hand) is called with project B's key, with A's ids in the path and A's
 * values in the filters; nothing of A may come back. The live stream and the exports are read too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpanEvent } from '@wisp/protocol';
import { startQueryServer, type QueryServer } from './query-harness.js';

let server: QueryServer;
const T0 = Date.now() - 10 * 60_000;
const A_TRACE = 'a'.repeat(31) + '1';
const A_ROOT = 'a'.repeat(15) + '1';
const A_CHILD = 'a'.repeat(15) + '2';
const B_TRACE = 'b'.repeat(31) + '1';

function traceOf(prefix: 'alice' | 'bob', traceId: string, root: string, child: string): SpanEvent[] {
  return [
    {
      type: 'span', phase: 'full', traceId, spanId: child, parentId: root, time: T0 + 50, name: `${prefix}-llm`, kind: 'generation',
      startTime: T0 + 10, endTime: T0 + 50, status: 'error', error: { type: `${prefix}-error`, message: `${prefix} failed` },
      provider: `${prefix}-provider`, model: `${prefix}-model`, usage: { input: 5, output: 6, total: 11 }, cost: 0.5,
      input: `${prefix.toUpperCase()}-MARKER input`, output: `${prefix.toUpperCase()}-MARKER output`,
    },
    {
      type: 'span', phase: 'full', traceId, spanId: root, time: T0 + 60, name: `${prefix}-agent`, kind: 'agent', startTime: T0, endTime: T0 + 60,
      status: 'ok', service: `${prefix}-service`, input: `${prefix.toUpperCase()}-MARKER root`,
      trace: { userId: `${prefix}-user`, sessionId: `${prefix}-session`, tags: [`${prefix}-tag`], release: `${prefix}-release`, environment: `${prefix}-env` },
    },
    {
      type: 'sdk_report', time: T0 + 70, service: `${prefix}-service`, instanceId: `${prefix}-instance`, sdkVersion: '0.1.0', created: 10, sent: 8, queued: 0,
      inFlight: 0, dropped: { queue_full: 2 }, failedRequests: { timeout: 1 },
    } as never,
  ];
}

/** Routes from Fastify's own table: `printRoutes` lines are a tree of path segments. */
function registeredRoutes(): Array<{ method: string; url: string }> {
  const out: Array<{ method: string; url: string }> = [];
  const stack: string[] = [];
  for (const line of server.wisp.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (.+?) \(([^)]+)\)$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    // A wildcard under a static node prints as `*` without its slash.
    const segment = depth > 0 && m[2]!.startsWith('*') ? `/${m[2]!}` : m[2]!;
    stack[depth] = (stack[depth - 1] ?? '') + segment;
    stack.length = depth + 1;
    for (const method of m[3]!.split(',').map((s) => s.trim())) if (method !== 'HEAD' && method !== '-') out.push({ method, url: stack[depth]! });
  }
  return out;
}

const A_PARAMS: Record<string, string> = {
  traceId: A_TRACE,
  spanId: A_CHILD,
  sessionId: 'alice-session',
  userId: 'alice-user',
  id: 'proj-a',
  keyId: 'any',
};

/** A's ids in the path: named parameters by name, the wildcard of /sessions/* and /users/* by route. */
function fillParams(url: string): string {
  const wildcard = url.startsWith('/api/v1/sessions/') ? 'alice-session' : url.startsWith('/api/v1/users/') ? 'alice-user' : 'x';
  return url.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(A_PARAMS[name] ?? 'x')).replace('*', encodeURIComponent(wildcard));
}

/** Query strings that would select A's data if a route forgot the project scope. */
const A_FILTERS = [
  '',
  `from=${T0 - 60_000}&to=${T0 + 60_000}`,
  'userId=alice-user',
  'sessionId=alice-session',
  'name=alice-agent',
  'tags=alice-tag',
  'model=alice-model',
  'search=ALICE-MARKER',
  `traceIds=${A_TRACE}`,
  'groupBy=name',
  'groupBy=userId',
  'field=userId',
  'field=model',
];

beforeAll(async () => {
  server = await startQueryServer();
  await server.ingest(traceOf('alice', A_TRACE, A_ROOT, A_CHILD), server.keyA);
  await server.ingest(traceOf('bob', B_TRACE, 'b'.repeat(15) + '1', 'b'.repeat(15) + '2'), server.keyB);
});

afterAll(async () => {
  await server?.close();
});

describe('project isolation', () => {
  it('enumerates the routes from Fastify, including every query API route', () => {
    const urls = registeredRoutes().map((r) => `${r.method} ${r.url}`);
    for (const path of ['/api/v1/traces', '/api/v1/traces/facets', '/api/v1/traces/:traceId', '/api/v1/traces/:traceId/observations/:spanId', '/api/v1/sessions', '/api/v1/sessions/*', '/api/v1/users', '/api/v1/users/*', '/api/v1/metrics', '/api/v1/metrics/errors', '/api/v1/sdk-health', '/api/v1/export/traces.ndjson', '/api/v1/export/traces.csv', '/api/v1/live']) {
      expect(urls).toContain(`GET ${path}`);
    }
  });

  it('A sees its own data through the same calls (the probes can find it)', async () => {
    const list = await server.get('/api/v1/traces?search=ALICE-MARKER', server.keyA);
    expect(list.body.items.map((t: { traceId: string }) => t.traceId)).toEqual([A_TRACE]);
    expect((await server.get(`/api/v1/traces/${A_TRACE}`, server.keyA)).status).toBe(200);
    expect((await server.get('/api/v1/users/alice-user', server.keyA)).status).toBe(200);
    expect((await server.get('/api/v1/export/traces.ndjson', server.keyA)).text).toContain('ALICE-MARKER');
    const health = await server.get(`/api/v1/sdk-health?from=${T0 - 60_000}&to=${T0 + 60_000}`, server.keyA);
    expect(health.text).toContain('alice-service');
    const metrics = await server.get(`/api/v1/metrics?from=${T0 - 60_000}&to=${T0 + 120_000}&groupBy=name`, server.keyA);
    expect(metrics.text).toContain('alice-agent');
  });

  it("never shows A's data to B's key, on any registered route", async () => {
    let probed = 0;
    for (const route of registeredRoutes()) {
      if (route.url === '*' || route.url === '/api/v1/live') continue; // static files; the live stream is read below
      const path = fillParams(route.url);
      for (const query of route.method === 'GET' ? A_FILTERS : ['']) {
        const url = `${server.url}${path}${query ? `?${query}` : ''}`;
        const res = await fetch(url, {
          method: route.method,
          headers: { authorization: `Bearer ${server.keyB}`, ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { 'content-type': 'application/json' }) },
          ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: '{}' }),
        });
        const text = await res.text();
        probed++;
        expect(res.status, `${route.method} ${url}`).toBeLessThan(500);
        expect(text.toLowerCase(), `${route.method} ${url}`).not.toContain('alice');
        expect(text, `${route.method} ${url}`).not.toContain(A_TRACE);
        if (/:traceId|\/sessions\/\*|\/users\/\*/.test(route.url) && route.method === 'GET') expect([400, 404], `${route.method} ${url}`).toContain(res.status);
      }
    }
    expect(probed).toBeGreaterThan(100);
  });

  it('answers 401 to every query route without a key', async () => {
    for (const route of registeredRoutes().filter((r) => r.url.startsWith('/api/v1/') && r.method === 'GET')) {
      const path = fillParams(route.url);
      const res = await fetch(server.url + path);
      expect(res.status, path).toBe(401);
      await res.arrayBuffer();
    }
  });

  it("does not stream A's traces to B's live view", async () => {
    const controller = new AbortController();
    const res = await fetch(`${server.url}/api/v1/live`, { headers: { authorization: `Bearer ${server.keyB}` }, signal: controller.signal });
    expect(res.status).toBe(200);
    const giveUp = setTimeout(() => controller.abort(), 10_000);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    const until = async (pred: () => boolean) => {
      while (!pred()) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        received += decoder.decode(value, { stream: true });
      }
    };
    await until(() => received.includes(': connected'));
    // A writes first, then B: when B's event arrives, A's (if leaked) would have been flushed before it.
    await server.ingest(traceOf('alice', 'a'.repeat(31) + '2', 'a'.repeat(15) + '3', 'a'.repeat(15) + '4'), server.keyA);
    await server.ingest(traceOf('bob', 'b'.repeat(31) + '2', 'b'.repeat(15) + '3', 'b'.repeat(15) + '4'), server.keyB);
    await until(() => received.includes('b'.repeat(31) + '2'));
    expect(received.toLowerCase()).not.toContain('alice');
    expect(received).not.toContain('a'.repeat(31) + '2');
    clearTimeout(giveUp);
    controller.abort();
  });
});
