import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import type { TraceDetail, TraceListQuery } from '@wisp/protocol';
import type { TraceReader } from '../store/store.js';
import '../http/request-auth.js';
import { registerExportRoutes } from './export-routes.js';

const TOTAL = 300;
const BIG = 'x'.repeat(100_000);

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function bigTrace(i: number): TraceDetail {
  return { trace: { traceId: i.toString(16).padStart(32, '0'), input: BIG } as never, observations: [], criticalPath: [] };
}

describe('GET /api/v1/export/traces.ndjson', () => {
  it('reads the store only as fast as the client reads the stream, and stops when it goes away', async () => {
    let produced = 0;
    let finished = false;
    const store = {
      async *exportTraces(_projectId: string, _q: TraceListQuery): AsyncGenerator<TraceDetail> {
        try {
          for (let i = 0; i < TOTAL; i++) {
            produced++;
            yield bigTrace(i);
          }
        } finally {
          finished = true;
        }
      },
    } as unknown as TraceReader;
    app = Fastify({ forceCloseConnections: true });
    app.addHook('onRequest', async (request) => {
      request.auth = { projectId: 'p1', admin: false, keyId: null };
    });
    registerExportRoutes(app, store);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const controller = new AbortController();
    const res = await fetch(`http://127.0.0.1:${(app.server.address() as { port: number }).port}/api/v1/export/traces.ndjson`, { signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read();
    // The client stops reading: production must stall well before 300 × 100 KB.
    let before = -1;
    while (before !== produced) {
      before = produced;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(produced).toBeLessThan(TOTAL / 2);
    controller.abort();
    for (let i = 0; i < 100 && !finished; i++) await new Promise((r) => setTimeout(r, 10));
    expect(finished).toBe(true);
    expect(produced).toBeLessThan(TOTAL);
  });
});
