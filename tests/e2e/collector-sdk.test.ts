/**
 * The real SDK sends to the real collector (port 0, SQLite in a temp dir, API keys required) and the
 * stored rows are read back through the query API: every span arrives, in the key's project, with
 * its tree, kinds, usage and trace attributes; the SDK's accounting shows nothing dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Wisp } from '@wisp/sdk';
import { startTestServer, type TestServer } from '../../packages/server/src/testing/test-server.js';

const ADMIN = 'sdk-e2e-admin-secret-0123456789';
let server: TestServer;
let apiKey: string;

beforeAll(async () => {
  server = await startTestServer({ requireApiKeys: true, adminSecret: ADMIN });
  const res = await fetch(`${server.url}/api/v1/projects`, {
    method: 'POST',
    headers: { 'x-wisp-api-key': ADMIN, 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'shop', name: 'Shop' }),
  });
  expect(res.status).toBe(201);
  const key = await fetch(`${server.url}/api/v1/projects/shop/keys`, {
    method: 'POST',
    headers: { 'x-wisp-api-key': ADMIN, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'sdk' }),
  });
  apiKey = ((await key.json()) as { secret: string }).secret;
});
afterAll(() => server.dispose());

async function get(path: string): Promise<any> {
  const res = await fetch(`${server.url}${path}`, { headers: { 'x-wisp-api-key': apiKey } });
  expect(res.status, path).toBe(200);
  return res.json();
}

describe('SDK → collector → store', () => {
  it('delivers every span of 100 five-step traces, readable back in the key’s project', async () => {
    const wisp = new Wisp({ endpoint: server.url, apiKey, serviceName: 'sdk-e2e' });
    const traceIds: string[] = [];
    for (let i = 0; i < 100; i++) {
      await wisp.trace(
        'chat',
        async (root) => {
          traceIds.push(root.traceId);
          const retrieve = wisp.startSpan('retrieve', { kind: 'retriever', input: { q: `question ${i}` } });
          retrieve.end({ output: ['doc-1', 'doc-2'] });
          const gen = wisp.startGeneration('llm', { model: 'gpt-4o-mini', provider: 'openai' });
          gen.end({ output: 'answer', usage: { input: 100, output: 20 } });
          const tool = wisp.startSpan('search-tool', { kind: 'tool' });
          tool.end();
          wisp.event('cache-miss');
          return 'done';
        },
        { userId: `user-${i % 7}`, sessionId: `session-${i % 13}`, tags: ['e2e'], input: { i } },
      );
    }
    const result = await wisp.shutdown(10_000);
    const stats = wisp.stats();
    expect(result).toBeDefined();
    expect(stats.created).toBe(500);
    expect(stats.sent).toBe(500);
    expect(stats.queued).toBe(0);
    expect(stats.inFlight).toBe(0);
    expect(Object.values(stats.dropped).reduce((a, b) => a + (b ?? 0), 0)).toBe(0);

    const list = await get('/api/v1/traces?limit=200');
    expect(list.items).toHaveLength(100);
    const detail = await get(`/api/v1/traces/${traceIds[3]}`);
    expect(detail.trace).toMatchObject({ name: 'chat', userId: 'user-3', sessionId: 'session-3', tags: ['e2e'], spanCount: 5, inputTokens: 100, outputTokens: 20 });
    const kinds = detail.observations.map((o: { kind: string }) => o.kind).sort();
    expect(kinds).toEqual(['event', 'generation', 'retriever', 'span', 'tool']);
    const root = detail.observations.find((o: { parentId: string | null }) => o.parentId === null);
    expect(detail.observations.filter((o: { parentId: string | null }) => o.parentId === root.spanId)).toHaveLength(4);
    const gen = detail.observations.find((o: { kind: string }) => o.kind === 'generation');
    expect(gen).toMatchObject({ model: 'gpt-4o-mini', provider: 'openai', status: 'ok' });

    // Nothing landed in the default project.
    const other = await fetch(`${server.url}/api/v1/traces`, { headers: { 'x-wisp-api-key': ADMIN } });
    expect(((await other.json()) as { items: unknown[] }).items).toHaveLength(0);
  });

  it('a key of one project cannot read another project’s data', async () => {
    const now = Date.now();
    const traceId = 'feedface'.repeat(4);
    const res = await fetch(`${server.url}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wisp-api-key': ADMIN },
      body: JSON.stringify({ events: [{ type: 'span', phase: 'full', traceId, spanId: 'feedface00000001', time: now, startTime: now, endTime: now, name: 'secret', status: 'ok' }] }),
    });
    expect(res.status).toBe(200);
    // The admin sees it in `default`; the shop key gets "not found", even when naming the project.
    expect((await fetch(`${server.url}/api/v1/traces/${traceId}`, { headers: { 'x-wisp-api-key': ADMIN } })).status).toBe(200);
    expect((await fetch(`${server.url}/api/v1/traces/${traceId}`, { headers: { 'x-wisp-api-key': apiKey } })).status).toBe(404);
    const named = await fetch(`${server.url}/api/v1/traces/${traceId}`, { headers: { 'x-wisp-api-key': apiKey, 'x-wisp-project': 'default' } });
    expect(named.status).toBe(403);
    const list = (await (await fetch(`${server.url}/api/v1/traces?search=secret`, { headers: { 'x-wisp-api-key': apiKey } })).json()) as { items: Array<{ traceId: string }> };
    expect(list.items.map((t) => t.traceId)).not.toContain(traceId);
  });
});
