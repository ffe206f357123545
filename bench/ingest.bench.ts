/**
 * Collector ingest bench: starts the built collector (`packages/server/dist/cli.js serve`) with
 * SQLite in a temp dir as a child process, drives it from a separate load process
 * (bench/ingest-load.ts) with concurrent keep-alive requests of 500-span batches, for the native
 * JSON wire and for OTLP protobuf, and reports sustained spans/s and p50/p99 acknowledgement latency
 * (an acknowledgement means committed to SQLite). Writes bench/results/ingest.json.
 *
 * Run: npm run bench -- ingest   (or: npm run build && node --import tsx --expose-gc bench/ingest.bench.ts)
 * Env: WISP_BENCH_SECONDS (measured seconds per protocol, default 15), WISP_BENCH_CONCURRENCY (default 16: four SDK processes with their 4 requests in flight each), WISP_BENCH_ROUNDS (alternating rounds per configuration, default 3; the median is reported).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CLI = join(ROOT, 'packages/server/dist/cli.js');
const LOAD = join(ROOT, 'bench/ingest-load.ts');
const MEASURE_MS = Number(process.env.WISP_BENCH_SECONDS ?? 15) * 1000;
const WARMUP_MS = 3000;
const CONCURRENCY = Number(process.env.WISP_BENCH_CONCURRENCY ?? 16);
const SPANS_PER_BATCH = 500;
const TARGET_SPANS_PER_S = 50_000;
const ROUNDS = Math.max(1, Number(process.env.WISP_BENCH_ROUNDS ?? 3));

interface LoadResult {
  protocol: string;
  compression: string;
  concurrency: number;
  spansPerBatch: number;
  requestBytes: number;
  seconds: number;
  requests: number;
  failures: number;
  statuses: Record<string, number>;
  spansPerSecond: number;
  ackP50Ms: number;
  ackP99Ms: number;
  loadCpuUsPerSpan: number | null;
}

/** CPU seconds (user + system) used so far by a process, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat, i.e. 11 and 12 after the command name.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function startCollector(dataDir: string) {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, WISP_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /Wisp listening on (http:\/\/[^"\s]+)/.exec(line);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`collector exited with ${code}`)));
  });
  return { child, url };
}

function runLoad(url: string, protocol: 'native' | 'otlp', compression: 'none' | 'br'): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', LOAD, url, protocol, String(CONCURRENCY), String(WARMUP_MS), String(MEASURE_MS), String(SPANS_PER_BATCH), compression],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`load process exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!) as LoadResult);
    });
  });
}

async function benchProtocol(protocol: 'native' | 'otlp', compression: 'none' | 'br' = 'none') {
  const dataDir = mkdtempSync(join(tmpdir(), 'wisp-bench-ingest-'));
  const { child, url } = await startCollector(dataDir);
  try {
    const cpu0 = cpuSeconds(child.pid!);
    const result = await runLoad(url, protocol, compression);
    const collectorCpuSeconds = cpuSeconds(child.pid!) - cpu0;
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const spansTotal = Number(new RegExp(`^wisp_ingest_spans_accepted_total\\{protocol="${protocol}"\\} (\\d+)`, 'm').exec(metrics)?.[1] ?? 0);
    const commits = Number(/^wisp_store_commits_total (\d+)/m.exec(metrics)?.[1] ?? 0);
    const commitP = /^wisp_store_commit_seconds_sum ([\d.e-]+)/m.exec(metrics);
    const commitCount = Number(/^wisp_store_commit_seconds_count (\d+)/m.exec(metrics)?.[1] ?? 0);
    const dbBytes = statSync(join(dataDir, 'wisp.db')).size;
    return {
      ...result,
      commits,
      meanCommitMs: commitCount ? Number(((Number(commitP?.[1] ?? 0) / commitCount) * 1000).toFixed(1)) : null,
      dbBytes,
      spansTotal,
      collectorCpuSeconds,
      /** Capacity independent of other load on the machine: spans committed per CPU-second of the collector. */
      spansPerCollectorCpuSecond: Math.round(spansTotal / collectorCpuSeconds),
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// Alternating rounds: this machine's speed drifts by tens of percent within minutes, so each
// configuration is measured ROUNDS times, interleaved, and the run with the median rate is reported.
const CONFIGS: Array<['native' | 'otlp', 'none' | 'br']> = [['native', 'none'], ['native', 'br'], ['otlp', 'none']];
const runs: Array<Array<Awaited<ReturnType<typeof benchProtocol>>>> = CONFIGS.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  for (const [i, [protocol, compression]] of CONFIGS.entries()) runs[i]!.push(await benchProtocol(protocol, compression));
}
const results = runs.map((list) => {
  const sorted = [...list].sort((a, b) => a.spansPerSecond - b.spansPerSecond);
  return { ...sorted[Math.floor((sorted.length - 1) / 2)]!, roundsSpansPerSecond: list.map((r) => r.spansPerSecond) };
});

console.log(`\nCollector ingest (SQLite, ${CONCURRENCY} concurrent keep-alive requests of ${SPANS_PER_BATCH} spans, ${MEASURE_MS / 1000} s measured after ${WARMUP_MS / 1000} s warm-up; separate load process; the median of ${ROUNDS} alternating rounds)`);
console.table(
  results.map((r) => ({
    protocol: r.protocol === 'native' ? (r.compression === 'br' ? 'native JSON, brotli (as the SDK sends)' : 'native JSON') : 'OTLP protobuf',
    'spans/s': r.spansPerSecond,
    rounds: r.roundsSpansPerSecond.join(' / '),
    'ack p50 ms': r.ackP50Ms,
    'ack p99 ms': r.ackP99Ms,
    requests: r.requests,
    'non-200': r.failures,
    'KiB/request': Math.round(r.requestBytes / 1024),
    'mean commit ms': r.meanCommitMs,
    'spans/CPU-s': r.spansPerCollectorCpuSecond,
    'load µs/span': r.loadCpuUsPerSpan,
    target: r.spansPerSecond >= TARGET_SPANS_PER_S ? `>= ${TARGET_SPANS_PER_S} ok` : `< ${TARGET_SPANS_PER_S} MISSED`,
  })),
);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results/ingest.json'), JSON.stringify({ targetSpansPerSecond: TARGET_SPANS_PER_S, rounds: ROUNDS, results }, null, 2));
console.log('wrote bench/results/ingest.json');
