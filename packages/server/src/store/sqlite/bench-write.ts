/**
 * Write throughput of the SQLite store:
 *   npx tsx packages/server/src/store/sqlite/bench-write.ts [spans=200000] [batch=2000] [full|split] [live|24h]
 * Generates synthetic batches one at a time and times only the `SqliteStore.write` calls, into a
 * fresh file in a temp directory (WAL, synchronous=NORMAL, the production settings). `live` spreads the traces
 * over the last 5 minutes, as real traffic at this rate would be; `24h` over a day (more rollup rows
 * per batch). Prints spans/s of wall time and of CPU time (the machine may be shared).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticBatches } from './bulk-load.js';
import { SqliteStore } from './sqlite-store.js';

const spanCount = Number(process.argv[2] ?? 200_000);
const batch = Number(process.argv[3] ?? 2_000);
const mode = (process.argv[4] ?? 'full') as 'full' | 'split';
const spread = process.argv[5] ?? 'live';
const now = Date.now();
const from = spread === 'live' ? now - 300_000 : now - 86_400_000;
const dir = mkdtempSync(join(tmpdir(), 'wisp-bench-write-'));
const store = new SqliteStore({ path: join(dir, 'wisp.db') });
await store.migrate();
// Batches are generated one at a time (as a collector receives them) and only the write calls
// are timed, so neither generation nor a heap full of pre-built batches weighs on the result.
let ms = 0;
let cpuMicros = 0;
let events = 0;
for (const spans of syntheticBatches({ projectId: 'bench', spans: spanCount, batchSpans: batch, mode, from, to: now })) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await store.write([{ projectId: 'bench', spans, reports: [] }]);
  ms += performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  cpuMicros += cpu.user + cpu.system;
  events += spans.length;
}
const size = await store.sizeBytes();
await store.close();
rmSync(dir, { recursive: true, force: true });
const written = mode === 'split' ? events / 2 : events;
console.log(JSON.stringify({
  spans: written,
  events,
  batch,
  mode,
  spread,
  seconds: +(ms / 1000).toFixed(2),
  spansPerSecond: Math.round(written / (ms / 1000)),
  spansPerCpuSecond: Math.round(written / (cpuMicros / 1e6)),
  bytesPerSpan: Math.round(size / written),
}));
