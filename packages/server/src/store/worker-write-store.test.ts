import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testSpan } from '../testing/test-server.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';

let store: Store | null = null;
let dir: string | null = null;
afterEach(async () => {
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  store = null;
  dir = null;
});

describe('store with a write worker', () => {
  it('queues one stub span per trace, and writing it stores every span of the original', async () => {
    dir = mkdtempSync(join(tmpdir(), 'wisp-worker-store-'));
    store = await openStore(dir, { writeWorker: true });
    const a = testSpan();
    const b = testSpan();
    const c = testSpan();
    // Interleaved traces, as a batch from several concurrent requests of an app looks.
    const spans = [a, b, testSpan({ traceId: a.traceId }), c, testSpan({ traceId: b.traceId }), testSpan({ traceId: a.traceId })];
    const queued = store.prepare!({ projectId: 'p', spans, reports: [] });
    expect(queued.spans.map((s) => s.traceId)).toEqual([a.traceId, b.traceId, c.traceId]);
    await store.write([queued]);
    const stored = await Promise.all([a, b, c].map((s) => store!.getTrace('p', s.traceId)));
    expect(stored.map((t) => t?.observations.length)).toEqual([3, 2, 1]);
  });
});
