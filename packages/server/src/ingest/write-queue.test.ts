import { describe, expect, it } from 'vitest';
import { WispError } from '../errors.js';
import { CollectorMetrics } from '../ops/collector-metrics.js';
import type { ProjectWrite } from '../store/store.js';
import { testSpan } from '../testing/test-server.js';
import { WriteQueue } from './write-queue.js';

function write(projectId = 'p', n = 1): ProjectWrite {
  return { projectId, spans: Array.from({ length: n }, () => testSpan()), reports: [] };
}

function setup(options: Partial<ConstructorParameters<typeof WriteQueue>[0]['options']> = {}) {
  const commits: ProjectWrite[][] = [];
  const committed: ProjectWrite[][] = [];
  // While held, every commit waits at the gate; releasing opens it for all of them.
  let gate: Promise<void> | null = null;
  let open: (() => void) | null = null;
  let fail: Error | null = null;
  const store = {
    async write(writes: ProjectWrite[]) {
      commits.push(writes);
      if (gate) await gate;
      if (fail) throw fail;
    },
  };
  const errors: unknown[] = [];
  const metrics = new CollectorMetrics();
  const queue = new WriteQueue({
    store,
    options: { maxQueuedEvents: 1000, maxQueuedBytes: 1 << 20, maxCommitEvents: 1000, ...options },
    metrics,
    onCommit: (w) => committed.push([...w]),
    onError: (e) => errors.push(e),
  });
  return {
    queue,
    commits,
    committed,
    errors,
    metrics,
    holdCommits: () => {
      gate = new Promise<void>((r) => (open = r));
    },
    releaseCommit: () => {
      const o = open;
      gate = null;
      open = null;
      o?.();
    },
    failWith: (e: Error | null) => (fail = e),
  };
}

describe('WriteQueue', () => {
  it('writes concurrent requests together in one transaction (group commit)', async () => {
    const t = setup();
    await Promise.all(Array.from({ length: 50 }, (_, i) => t.queue.enqueue(write(`p${i % 3}`), 100)));
    expect(t.commits).toHaveLength(1);
    expect(t.commits[0]).toHaveLength(50);
    expect(t.metrics.commitBatchRequests.observations).toBe(1);
  });

  it('requests arriving during a commit join the next one, and resolve only after it', async () => {
    const t = setup();
    t.holdCommits();
    let firstDone = false;
    const first = t.queue.enqueue(write(), 10).then(() => (firstDone = true));
    await new Promise((r) => setImmediate(r));
    expect(t.commits).toHaveLength(1);
    const later = Array.from({ length: 20 }, () => t.queue.enqueue(write(), 10));
    let laterDone = 0;
    for (const p of later) void p.then(() => laterDone++);
    await new Promise((r) => setTimeout(r, 20));
    expect(firstDone).toBe(false);
    expect(laterDone).toBe(0);
    t.releaseCommit();
    await Promise.all([first, ...later]);
    expect(t.commits).toHaveLength(2);
    expect(t.commits[1]).toHaveLength(20);
  });

  it('keeps two commits in flight: the next group reaches the store while one commits, a third waits for a slot', async () => {
    const t = setup();
    t.holdCommits();
    const settled: string[] = [];
    const a = t.queue.enqueue(write('a'), 1).then(() => settled.push('a'));
    await new Promise((r) => setImmediate(r));
    const b = t.queue.enqueue(write('b'), 1).then(() => settled.push('b'));
    await new Promise((r) => setImmediate(r));
    expect(t.commits.map((c) => c.map((w) => w.projectId))).toEqual([['a'], ['b']]);
    const rest = [t.queue.enqueue(write('c'), 1), t.queue.enqueue(write('d'), 1)];
    await new Promise((r) => setTimeout(r, 20));
    // Both slots are taken: c and d wait in the queue, and nothing was answered before its commit.
    expect(t.commits).toHaveLength(2);
    expect(settled).toEqual([]);
    expect(t.queue.depthEvents).toBe(4);
    t.releaseCommit();
    await Promise.all([a, b, ...rest]);
    expect(t.commits.map((c) => c.map((w) => w.projectId))).toEqual([['a'], ['b'], ['c', 'd']]);
    expect(t.queue.depthEvents).toBe(0);
    await t.queue.idle();
  });

  it('splits commits at maxCommitEvents', async () => {
    const t = setup({ maxCommitEvents: 10 });
    await Promise.all(Array.from({ length: 10 }, () => t.queue.enqueue(write('p', 4), 10)));
    expect(t.commits.map((c) => c.length)).toEqual([2, 2, 2, 2, 2]);
  });

  it('refuses with 429 and Retry-After when full, and always takes one request when empty', async () => {
    const t = setup({ maxQueuedEvents: 10, maxCommitEvents: 10 });
    t.holdCommits();
    const big = t.queue.enqueue(write('p', 50), 10); // larger than the cap, but the queue is empty
    let err: unknown;
    try {
      void t.queue.enqueue(write('p', 1), 10);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WispError);
    expect((err as WispError).status).toBe(429);
    expect((err as WispError).retryAfterSeconds).toBeGreaterThan(0);
    expect(t.queue.saturated).toBe(true);
    t.releaseCommit();
    await big;
    expect(t.queue.depthEvents).toBe(0);
    await t.queue.enqueue(write('p', 1), 10);
  });

  it('a failing store answers 503, isolates the failing request, and recovers', async () => {
    const t = setup();
    t.failWith(new Error('disk full'));
    const results = await Promise.allSettled([t.queue.enqueue(write(), 1), t.queue.enqueue(write(), 1)]);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      const e = (r as PromiseRejectedResult).reason as WispError;
      expect(e.code).toBe('WISP_ERR_UNAVAILABLE');
      expect(e.retryAfterSeconds).toBeGreaterThan(0);
    }
    // One group attempt, then each request alone.
    expect(t.commits.map((c) => c.length)).toEqual([2, 1, 1]);
    expect(t.queue.failing).toBe(true);
    expect(t.committed).toHaveLength(0);
    t.failWith(null);
    await t.queue.enqueue(write(), 1);
    expect(t.queue.failing).toBe(false);
    expect(t.committed).toHaveLength(1);
  });

  it('queues what store.prepare returns, and the original when prepare throws', async () => {
    const written: ProjectWrite[][] = [];
    const committed: ProjectWrite[] = [];
    const prepared = new Map<ProjectWrite, ProjectWrite>();
    const store = {
      prepare(w: ProjectWrite): ProjectWrite {
        if (w.projectId === 'bad') throw new Error('cannot prepare');
        const p = { ...w, projectId: `${w.projectId}+prepared` };
        prepared.set(w, p);
        return p;
      },
      async write(writes: ProjectWrite[]) {
        written.push(writes);
      },
    };
    const queue = new WriteQueue({
      store,
      options: { maxQueuedEvents: 1000, maxQueuedBytes: 1 << 20, maxCommitEvents: 1000 },
      metrics: new CollectorMetrics(),
      onCommit: (w) => committed.push(...w),
      onError: () => {},
    });
    const a = write('a');
    const bad = write('bad');
    await Promise.all([queue.enqueue(a, 1), queue.enqueue(bad, 1)]);
    expect(written).toEqual([[prepared.get(a), bad]]);
    expect(committed.map((w) => w.projectId)).toEqual(['a+prepared', 'bad']);
  });

  it('close drains what is queued and refuses new writes', async () => {
    const t = setup();
    t.holdCommits();
    const pending = t.queue.enqueue(write(), 1);
    await new Promise((r) => setImmediate(r));
    const closed = t.queue.close();
    expect(() => t.queue.enqueue(write(), 1)).toThrow(/shutting down/);
    t.releaseCommit();
    await pending;
    await closed;
    expect(t.commits).toHaveLength(1);
  });
});
