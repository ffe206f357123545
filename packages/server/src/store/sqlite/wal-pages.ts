/**
 * Which B-trees one group commit writes, and how much WAL that costs per span:
 *   npx tsx packages/server/src/store/sqlite/wal-pages.ts [warmSpans=200000] [commitSpans=4000]
 * Fills a fresh store with `warmSpans` synthetic spans (bulk-load.ts, live spread), checkpoints the
 * WAL away, writes one more commit of `commitSpans` spans and reads the page number of every WAL
 * frame, named by the B-tree that owns the page (the dbstat virtual table). A commit writes every
 * page it touched in full, so an index whose inserts land on many different pages (random keys,
 * or one position per active user) costs a page per insert, whatever the size of its entries.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticBatches } from './bulk-load.js';
import { SqliteStore } from './sqlite-store.js';

const warmSpans = Number(process.argv[2] ?? 200_000);
const commitSpans = Number(process.argv[3] ?? 4_000);
if (!Number.isSafeInteger(warmSpans) || warmSpans < 0 || !Number.isSafeInteger(commitSpans) || commitSpans < 1) {
  console.error('usage: wal-pages.ts [warmSpans >= 0] [commitSpans >= 1]');
  process.exit(2);
}
const now = Date.now();
const dir = mkdtempSync(join(tmpdir(), 'wisp-wal-pages-'));
const path = join(dir, 'wisp.db');
const store = new SqliteStore({ path });
await store.migrate();
store.db.pragma('wal_autocheckpoint = 0');
let written = 0;
let measured = 0;
for (const spans of syntheticBatches({ projectId: 'bench', spans: warmSpans + commitSpans * 2, batchSpans: commitSpans, from: now - 300_000, to: now })) {
  if (written >= warmSpans) {
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    await store.write([{ projectId: 'bench', spans, reports: [] }]);
    measured = spans.length;
    break;
  }
  await store.write([{ projectId: 'bench', spans, reports: [] }]);
  written += spans.length;
}
const wal = readFileSync(`${path}-wal`);
const pageSize = wal.readUInt32BE(8);
const owner = new Map<number, string>();
for (const r of store.db.prepare('SELECT name, pageno FROM dbstat').all() as Array<{ name: string; pageno: number }>) owner.set(r.pageno, r.name);
const frames = new Map<string, number>();
let total = 0;
for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
  const name = owner.get(wal.readUInt32BE(at)) ?? '(other)';
  frames.set(name, (frames.get(name) ?? 0) + 1);
  total++;
}
await store.close();
rmSync(dir, { recursive: true, force: true });
const perSpan = (pages: number): number => Math.round((pages * (pageSize + 24)) / measured);
console.log(`one commit of ${measured} spans after ${written}: ${total} WAL frames of ${pageSize} bytes, ${perSpan(total)} bytes per span`);
console.table(
  [...frames]
    .sort((a, b) => b[1] - a[1])
    .map(([btree, pages]) => ({ btree, pages, 'bytes/span': perSpan(pages), share: `${((100 * pages) / total).toFixed(1)} %` })),
);
