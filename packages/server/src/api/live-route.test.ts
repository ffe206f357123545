import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Page, TraceListQuery, TraceSummary } from '@wisp/protocol';
import type { CommitFeed } from '../http/commit-feed.js';
import type { TraceReader } from '../store/store.js';
import '../http/request-auth.js';
import { registerLiveRoute, type LiveOptions } from './live-route.js';

class FakeFeed implements CommitFeed {
  readonly listeners = new Set<(projectId: string, traceIds: readonly string[]) => void>();
  subscribe(listener: (projectId: string, traceIds: readonly string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  publish(projectId: string, traceIds: string[]): void {
    for (const l of this.listeners) l(projectId, traceIds);
  }
}

function summary(traceId: string): TraceSummary {
  return { traceId, name: 'n', startTime: 1, endTime: null, durationMs: null, status: 'running', userId: null, sessionId: null, tags: [], release: null, environment: null, service: null, inputPreview: null, outputPreview: null, spanCount: 1, errorCount: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, cost: 0 };
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(options: LiveOptions) {
  const feed = new FakeFeed();
  const queries: TraceListQuery[] = [];
  const store = {
    async listTraces(_projectId: string, q: TraceListQuery): Promise<Page<TraceSummary>> {
      queries.push(q);
      return { items: (q.traceIds ?? []).map(summary), nextCursor: null };
    },
  } as unknown as TraceReader;
  app = Fastify({ forceCloseConnections: true });
  app.addHook('onRequest', async (request) => {
    request.auth = { projectId: 'p1', admin: false, keyId: null };
  });
  registerLiveRoute(app, store, feed, options);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as { port: number };
  const controller = new AbortController();
  const res = await fetch(`http://127.0.0.1:${address.port}/api/v1/live`, { signal: controller.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const until = async (pred: (text: string) => boolean) => {
    const giveUp = setTimeout(() => controller.abort(), 5_000);
    try {
      while (!pred(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        text += decoder.decode(value, { stream: true });
      }
    } finally {
      clearTimeout(giveUp);
    }
  };
  await until((t) => t.includes(': connected'));
  return { feed, queries, until, controller, text: () => text };
}

describe('GET /api/v1/live', () => {
  it('sends heartbeat comments', async () => {
    const live = await start({ heartbeatMs: 20 });
    await live.until((t) => t.split(': heartbeat').length > 3);
    live.controller.abort();
  });

  it('keeps at most maxPending trace ids per client, the newest, and ignores other projects', async () => {
    const live = await start({ flushIntervalMs: 200, maxPending: 5 });
    // First flush happens at once; the ids published meanwhile wait for the next one.
    live.feed.publish('p1', ['first']);
    await live.until((t) => t.includes('"first"'));
    live.feed.publish('other-project', ['foreign']);
    live.feed.publish('p1', Array.from({ length: 100 }, (_, i) => `t${i}`));
    await live.until((t) => t.includes('"t99"'));
    expect(live.queries.at(-1)!.traceIds).toEqual(['t95', 't96', 't97', 't98', 't99']);
    expect(live.text()).not.toContain('foreign');
    live.controller.abort();
  });

  it('unsubscribes when the client goes away, and server close ends open streams', async () => {
    const live = await start({});
    expect(live.feed.listeners.size).toBe(1);
    live.controller.abort();
    for (let i = 0; i < 100 && live.feed.listeners.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(live.feed.listeners.size).toBe(0);
    await app!.close();

    const second = await start({});
    expect(second.feed.listeners.size).toBe(1);
    await app!.close();
    app = undefined;
    expect(second.feed.listeners.size).toBe(0);
  });
});
