/**
 * A Store whose write side runs in a worker thread. better-sqlite3 is synchronous, so on the main
 * thread every group commit blocks HTTP parsing and validation for its whole duration; with the
 * writes in a worker, the next requests are parsed while the previous batch commits, and the two
 * halves use two cores. Reads, projects and keys stay on the main thread's connection (SQLite WAL
 * lets readers run beside the writer). All span and rollup writes (ingest, the abandoned sweep,
 * retention) go to the worker, so its in-memory caches are never made stale by another connection.
 */
import { Worker } from 'node:worker_threads';
import type { SpanEvent } from '@wisp/protocol';
import type { ProjectWrite, Store } from './store.js';
import type { WriteAnswer, WriteOp, WriteRequest } from './store-write-worker.js';
import { packWrites, type PackedWrites } from './sqlite/packed-writes.js';
import { prepareWrites } from './sqlite/prepared-event.js';

export class WorkerWriteStoreError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'WorkerWriteStoreError';
  }
}

/**
 * A larger young generation for the writer: each commit allocates a few MiB of short-lived rows and
 * encodings, and with V8's default semi-spaces most of them are promoted and collected again by
 * full collections (measured: +3–8 % writes per CPU-second with 64 MiB).
 */
const WRITE_WORKER_LIMITS = { maxYoungGenerationSizeMb: 96 } as const;

function startWorker(path: string): Worker {
  if (import.meta.url.endsWith('.ts')) {
    // From the TypeScript sources (tests, tsx), the worker registers tsx itself before loading its
    // entry: loaders given as execArgv do not reach a worker's entry module on Node 20.
    const entry = new URL('./store-write-worker.ts', import.meta.url).href;
    const bootstrap = `import('tsx/esm/api').then((tsx) => tsx.register()).then(() => import(${JSON.stringify(entry)}))`;
    return new Worker(bootstrap, { eval: true, workerData: { path }, resourceLimits: WRITE_WORKER_LIMITS });
  }
  return new Worker(new URL('./store-write-worker.js', import.meta.url), { workerData: { path }, resourceLimits: WRITE_WORKER_LIMITS });
}

/**
 * One stub span per trace of `spans` (the commit feed reads only trace ids). A stub per span kept
 * ~170 bytes per span alive until the commit, which the scavenger copied and promoted: ~1 MB per
 * scavenge at 45,000 spans/s.
 */
function traceStubs(spans: readonly SpanEvent[]): SpanEvent[] {
  const seen = new Set<string>();
  const stubs: SpanEvent[] = [];
  for (const e of spans) {
    if (seen.has(e.traceId)) continue;
    seen.add(e.traceId);
    stubs.push({ type: 'span', phase: e.phase, traceId: e.traceId, spanId: e.spanId, time: e.time });
  }
  return stubs;
}

/** Starts the write worker on `path` and wraps `reads` (an open, migrated store on the same file). */
export async function withWriteWorker(reads: Store, path: string): Promise<Store> {
  const worker = startWorker(path);
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let nextId = 1;
  let dead: Error | null = null;
  const ready = new Promise<void>((resolve, reject) => {
    pending.set(0, { resolve: () => resolve(), reject });
  });
  worker.on('message', (answer: WriteAnswer) => {
    const p = pending.get(answer.id);
    if (!p) return;
    pending.delete(answer.id);
    if (answer.ok) p.resolve(answer.result);
    else p.reject(new WorkerWriteStoreError(answer.message, answer.code));
  });
  const fail = (err: Error) => {
    dead = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('error', (err) => fail(err));
  worker.on('exit', (code) => fail(new Error(`store write worker exited (${code})`)));
  await ready;

  const call = (op: WriteOp, args: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      if (dead) return reject(dead);
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, op, args } satisfies WriteRequest);
    });

  // Serializing payloads and packing happen on this thread, as each write is queued: the write
  // thread is the bottleneck, and receives flat streams instead of event objects (packed-writes.ts).
  // The queue then holds the packed form and one stub span per trace for the commit feed: the
  // parsed events die young instead of being copied by every scavenge until their commit.
  const packs = new WeakMap<ProjectWrite, PackedWrites>();
  const pack = (w: ProjectWrite): PackedWrites => packWrites(prepareWrites([w]));
  const overrides: Partial<Store> = {
    prepare: (write: ProjectWrite): ProjectWrite => {
      const packed = pack(write);
      const skeleton: ProjectWrite = { projectId: write.projectId, spans: traceStubs(write.spans), reports: write.reports };
      packs.set(skeleton, packed);
      return skeleton;
    },
    write: async (writes: ProjectWrite[]) => {
      if (writes.length === 0) return;
      await call('writePacked', [writes.map((w) => packs.get(w) ?? pack(w))]);
    },
    markAbandoned: async (olderThan: number) => (await call('markAbandoned', [olderThan])) as number,
    deleteExpired: async (now: number, batchSize: number) => (await call('deleteExpired', [now, batchSize])) as number,
    close: async () => {
      if (!dead) await call('close', []).catch(() => {});
      await worker.terminate();
      await reads.close();
    },
  };
  // Every other member of the Store stays the main-thread store's own, bound to it.
  return new Proxy(reads, {
    get(target, prop) {
      if (Object.hasOwn(overrides, prop)) return overrides[prop as keyof Store];
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
