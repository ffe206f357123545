/**
 * Child process of the kill -9 test (crash.test.ts): writes batches of synthetic traces into the
 * store at argv[2] forever, printing `ack <batch> <first trace id> <spans>` after each write
 * resolved. The parent kills it with SIGKILL at a random moment and checks every acked batch.
 */
import { SqliteStore } from './sqlite-store.js';
import { syntheticTrace } from './bulk-load.js';
import type { SpanEvent } from '@wisp/protocol';

const path = process.argv[2]!;
const run = Number(process.argv[3] ?? 0);
const store = new SqliteStore({ path });
await store.migrate();
let seed = 1 + run * 1_000_003;
const r = (): number => {
  seed = (seed * 16807) % 2147483647;
  return seed / 2147483647;
};
for (let batch = 0; ; batch++) {
  const spans: SpanEvent[] = [];
  const traces: string[] = [];
  while (spans.length < 500) {
    const events = syntheticTrace(r, Date.now() - 60_000);
    traces.push(events[0]!.traceId);
    spans.push(...events);
  }
  await store.write([{ projectId: 'crash', spans, reports: [] }]);
  process.stdout.write(`ack ${run}-${batch} ${traces.join(',')} ${spans.length}\n`);
}
