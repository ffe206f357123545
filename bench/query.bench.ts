/**
 * Query benchmark: fills SQLite stores of 1 M and 10 M spans with the store's bulk loader (agent
 * traffic spread over the last 24 h, plus one 10,000-span trace), then times the queries of the
 * query API, warm: the store call plus JSON serialization of the answer (what the route adds).
 * Prints a table and writes bench/results/query.json.
 *
 *   node --import tsx --expose-gc bench/query.bench.ts
 *   npm run bench -- query
 *
 * Env:
 *   WISP_BENCH_SPANS   comma-separated store sizes (default 1000000,10000000), e.g. 200000 for a quick run
 *   WISP_BENCH_RUNS    timed runs per query (default 30, after 3 warm-up runs)
 *   WISP_BENCH_DIR     where the temp databases go (default the OS temp dir); removed afterwards
 *   WISP_BENCH_KEEP    a directory where loaded databases are kept and reused by later runs
 *                      (query-<spans>.db and .json), to iterate on queries without reloading 10 M spans
 *
 * Times are wall-clock; the CPU time of the process per query is reported too, because this
 * machine is shared (other benchmarks and builds run beside it) and wall time includes waiting.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { TraceListQuery } from '@wisp/protocol';
import { bulkLoad } from '../packages/server/src/store/sqlite/bulk-load.js';
import { SqliteStore } from '../packages/server/src/store/sqlite/sqlite-store.js';
import { metrics } from '../packages/server/src/store/sqlite/read/metrics.js';
import { errorTypes } from '../packages/server/src/store/sqlite/read/errors.js';

const SIZES = (process.env.WISP_BENCH_SPANS ?? '1000000,10000000').split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
const RUNS = Number(process.env.WISP_BENCH_RUNS ?? 30);
const WARMUP = 3;
const BIG_TRACE_SPANS = 10_000;
const TARGETS: Record<string, number> = {
  'trace list, first page': 50,
  'filtered list (user + model)': 50,
  'text search (common word)': 50,
  'text search (rare token)': 50,
  'trace detail, 10,000 spans': 50,
  'metrics 24 h by name': 100,
  'metrics 24 h by model': 100,
};

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function time(fn: () => Promise<unknown>): Promise<{ median: number; p95: number; cpuMedian: number; bytes: number }> {
  let bytes = 0;
  for (let i = 0; i < WARMUP; i++) bytes = JSON.stringify(await fn()).length;
  const samples: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    JSON.stringify(await fn());
    samples.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  samples.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { median: +quantile(samples, 0.5).toFixed(2), p95: +quantile(samples, 0.95).toFixed(2), cpuMedian: +quantile(cpu, 0.5).toFixed(2), bytes };
}

interface Row {
  spans: number;
  query: string;
  median: number;
  p95: number;
  cpuMedian: number;
  target: number | null;
  detail: string;
}

const rows: Row[] = [];
const began = performance.now();
const loads: Array<{ spans: number; traces: number; loadSeconds: number; spansPerSecond: number; bytes: number }> = [];

for (const size of SIZES) {
  const keep = process.env.WISP_BENCH_KEEP;
  if (keep) mkdirSync(keep, { recursive: true });
  const dir = keep ?? mkdtempSync(join(process.env.WISP_BENCH_DIR ?? os.tmpdir(), 'wisp-bench-query-'));
  const dbPath = join(dir, `query-${size}.db`);
  const infoPath = join(dir, `query-${size}.json`);
  try {
    const reuse = keep !== undefined && existsSync(infoPath);
    const store = new SqliteStore({ path: dbPath });
    await store.migrate();
    const projectId = 'bench';
    let load: { spans: number; traces: number; bigTraceId: string | null; ms: number; from: number; to: number };
    if (reuse) {
      load = JSON.parse(readFileSync(infoPath, 'utf8')) as typeof load;
      console.log(`reusing ${dbPath} (${load.spans.toLocaleString('en-US')} spans)`);
    } else {
      await store.ensureProject({ id: projectId, name: 'bench' });
      const to = Date.now();
      const from = to - 86_400_000;
      let next = 0;
      console.log(`loading ${size.toLocaleString('en-US')} spans...`);
      const result = await bulkLoad(store, {
        projectId,
        spans: size,
        from,
        to,
        bigTraceSpans: BIG_TRACE_SPANS,
        onProgress: (written) => {
          if (written >= next) {
            console.log(`  ${written.toLocaleString('en-US')} spans written (${((performance.now() - began) / 1000).toFixed(0)} s)`);
            next += Math.max(500_000, Math.round(size / 10));
          }
        },
      });
      load = { ...result, from, to };
      if (keep) writeFileSync(infoPath, JSON.stringify(load));
    }
    const { from, to } = load;
    const bytes = await store.sizeBytes();
    loads.push({ spans: load.spans, traces: load.traces, loadSeconds: +(load.ms / 1000).toFixed(1), spansPerSecond: Math.round(load.spans / (load.ms / 1000)), bytes });
    console.log(`loaded ${load.spans.toLocaleString('en-US')} spans in ${load.traces.toLocaleString('en-US')} traces in ${(load.ms / 1000).toFixed(1)} s; ${(bytes / 2 ** 30).toFixed(2)} GiB`);
    store.db.pragma('optimize');

    // Filter values taken from the data: a frequent user, and a rare token from an output preview.
    const user = (store.db.prepare("SELECT user_id FROM users WHERE project_id = ? ORDER BY trace_count DESC LIMIT 1 OFFSET 10").get(projectId) as { user_id: string }).user_id;
    const preview = (store.db.prepare('SELECT output_preview FROM traces WHERE project_id = ? AND output_preview IS NOT NULL ORDER BY id DESC LIMIT 1 OFFSET 5000').get(projectId) as { output_preview: string }).output_preview;
    const rare = /\(([0-9a-f]{6})\)/.exec(preview)?.[1] ?? preview.slice(-8);
    const list = (q: TraceListQuery) => () => store.listTraces(projectId, q);
    const queries: Array<[string, () => Promise<unknown>, (r: any) => string]> = [
      ['trace list, first page', list({ limit: 50 }), (r) => `${r.items.length} rows`],
      ['filtered list (user + model)', list({ limit: 50, userId: user, model: 'gpt-4o' }), (r) => `${r.items.length} rows`],
      ['text search (common word)', list({ limit: 50, search: 'refund' }), (r) => `${r.items.length} rows`],
      ['text search (rare token)', list({ limit: 50, search: rare }), (r) => `${r.items.length} rows`],
      ['trace detail, 10,000 spans', () => store.getTrace(projectId, load.bigTraceId!), (r) => `${r.observations.length} spans`],
      ['metrics 24 h by name', async () => metrics(store.db, projectId, { from, to, groupBy: 'name' }), (r) => `${r.groups.length} groups × ${r.totalSeries.length} buckets`],
      ['metrics 24 h by model', async () => metrics(store.db, projectId, { from, to, groupBy: 'model' }), (r) => `${r.groups.length} groups × ${r.totalSeries.length} buckets`],
      ['metrics 24 h by user', async () => metrics(store.db, projectId, { from, to, groupBy: 'userId' }), (r) => `${r.groups.length} groups`],
      ['metrics 24 h, 1-minute buckets', async () => metrics(store.db, projectId, { from, to, bucketMs: 60_000 }), (r) => `${r.totalSeries.length} buckets`],
      ['errors by type, 24 h', async () => errorTypes(store.db, projectId, { from, to }), (r) => `${r.length} types`],
      ['facet: model', () => store.facets(projectId, 'model', {}), (r) => `${r.values.length} values`],
      ['sessions, first page', () => store.listSessions(projectId, { limit: 50 }), (r) => `${r.items.length} rows`],
      ['users, first page', () => store.listUsers(projectId, { limit: 50 }), (r) => `${r.items.length} rows`],
    ];
    for (const [name, fn, describe] of queries) {
      let result: unknown;
      let t: Awaited<ReturnType<typeof time>>;
      try {
        result = await fn();
        t = await time(fn);
      } catch (err) {
        // A query past its time limit (503 in the API) is a result too.
        const code = (err as { code?: string }).code ?? String(err);
        rows.push({ spans: load.spans, query: name, median: NaN, p95: NaN, cpuMedian: NaN, target: TARGETS[name] ?? null, detail: code });
        console.log(`  ${name}: ${code}`);
        continue;
      }
      rows.push({ spans: load.spans, query: name, median: t.median, p95: t.p95, cpuMedian: t.cpuMedian, target: TARGETS[name] ?? null, detail: `${describe(result)}, ${(t.bytes / 1024).toFixed(0)} KiB JSON` });
      console.log(`  ${name}: median ${t.median} ms, p95 ${t.p95} ms, CPU ${t.cpuMedian} ms (${describe(result)})`);
    }
    await store.close();
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` };
console.log('\n| spans | query | median ms | p95 ms | CPU ms (median) | target ms | result |');
console.log('|---:|---|---:|---:|---:|---:|---|');
for (const r of rows) {
  const ok = r.target === null ? '' : r.p95 <= r.target ? ' ✓' : ' ✗';
  console.log(`| ${r.spans.toLocaleString('en-US')} | ${r.query} | ${r.median} | ${r.p95} | ${r.cpuMedian} | ${r.target ?? ''}${ok} | ${r.detail} |`);
}
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/query.json', JSON.stringify({ machine, date: new Date().toISOString(), command: 'node --import tsx --expose-gc bench/query.bench.ts', sizes: SIZES, runs: RUNS, loads, rows }, null, 2));
console.log('\nwrote bench/results/query.json');
