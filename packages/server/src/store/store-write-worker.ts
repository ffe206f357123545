/**
 * Worker thread that owns the store's write side (see worker-write-store.ts): it opens its own
 * store on the same file and runs `write`, `markAbandoned` and `deleteExpired` on request, answering
 * each only after the call returned (for `write`: after the transaction committed).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Store } from './store.js';
import { unpackWrites, type PackedWrites } from './sqlite/packed-writes.js';
import type { PreparedWrite } from './sqlite/prepared-event.js';

export type WriteOp = 'write' | 'writePacked' | 'markAbandoned' | 'deleteExpired' | 'close';
export interface WriteRequest {
  id: number;
  op: WriteOp;
  args: unknown[];
}
export type WriteAnswer = { id: number; ok: true; result: unknown } | { id: number; ok: false; message: string; code?: string };

const { path } = workerData as { path: string };
// The specifier is a variable so that this file compiles before the SQLite store module exists.
const specifier = './sqlite/sqlite-store.js';
const { SqliteStore } = (await import(specifier)) as {
  SqliteStore: new (o: { path: string }) => Store & { writePrepared(writes: PreparedWrite[]): void };
};
const store = new SqliteStore({ path });
await store.migrate();

parentPort!.on('message', (req: WriteRequest) => {
  void (async () => {
    try {
      let result: unknown;
      if (req.op === 'writePacked') store.writePrepared((req.args[0] as PackedWrites[]).flatMap(unpackWrites));
      else if (req.op === 'write') result = await store.write(req.args[0] as Parameters<Store['write']>[0]);
      else if (req.op === 'markAbandoned') result = await store.markAbandoned(req.args[0] as number);
      else if (req.op === 'deleteExpired') result = await store.deleteExpired(req.args[0] as number, req.args[1] as number);
      else {
        await store.close();
        result = null;
      }
      parentPort!.postMessage({ id: req.id, ok: true, result } satisfies WriteAnswer);
    } catch (err) {
      const e = err as Error & { code?: string };
      parentPort!.postMessage({ id: req.id, ok: false, message: e.message, code: e.code } satisfies WriteAnswer);
    }
  })();
});
parentPort!.postMessage({ id: 0, ok: true, result: 'ready' } satisfies WriteAnswer);
