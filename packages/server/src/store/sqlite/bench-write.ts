/**
 * Write throughput of the SQLite store:
 *   npx tsx packages/server/src/store/sqlite/bench-write.ts [spans=200000] [batch=2000] [full|split] [live|24h]
 * Builds synthetic batches first, then times only `SqliteStore.write` calls into a fresh file in a
 * temp directory (WAL, synchronous=NORMAL, the production settings). `live` spreads the traces
 * over the last 5 minutes, as real traffic at this rate would be; `24h` over a day (more rollup rows
 * per batch). Prints spans/s of wall time and of CPU time (the machine may be shared).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticBatches } from './bulk-load.js';
import { SqliteStore } from './sqlite-store.js';

const spans = Number(process.argv[2] ?? 200_000);
const batch = Number(process.argv[3] ?? 2_000);
const mode = (process.argv[4] ?? 'full') as 'full' | 'split';
const spread = process.argv[5] ?? 'live';
const now = Date.now();
const from = spread === 'live' ? now - 300_000 : now - 86_400_000;
const batches = [...syntheticBatches({ projectId: 'bench', spans, batchSpans: batch, mode, from, to: now })];
const dir = mkdtempSync(join(tmpdir(), 'wisp-bench-write-'));
const store = new SqliteStore({ path: join(dir, 'wisp.db') });
await store.migrate();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (const spans of batches) await store.write([{ projectId: 'bench', spans, reports: [] }]);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const size = await store.sizeBytes();
await store.close();
rmSync(dir, { recursive: true, force: true });
const events = batches.reduce((n, b) => n + b.length, 0);
const written = mode === 'split' ? events / 2 : events;
console.log(JSON.stringify({
  spans: written,
  events,
  batch,
  mode,
  spread,
  seconds: +(ms / 1000).toFixed(2),
  spansPerSecond: Math.round(written / (ms / 1000)),
  spansPerCpuSecond: Math.round(written / ((cpu.user + cpu.system) / 1e6)),
  bytesPerSpan: Math.round(size / written),
}));
