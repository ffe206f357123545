/**
 * `metrics`: rate, errors, latency and TTFT quantiles, tokens and cost per group and per bucket,
 * read from the rollups kept at ingest (never from spans, so the cost of a query depends on the
 * range and the number of series, not on the number of stored spans). Quantiles come from merged
 * log-scale histograms and are within RELATIVE_ERROR of the exact quantile of the same spans.
 *
 * A span counts once it has ended, in the bucket of its start time. The range is widened to whole
 * buckets (`from` down, `to` up; the response says which range was used), so buckets of whole
 * hours read only the hourly rollup: ~24 rows per series for a day whatever the traffic.
 * Grouping by userId reads the
 * per-user rollup, which has counts, errors, latency sums, input/output/total tokens and cost but
 * no histograms and no other dimensions: user groups have null quantiles, zero cache/reasoning
 * tokens, and cannot be combined with the kind/name/model/provider/environment/release filters.
 */
import type { Database } from 'better-sqlite3';
import type { MetricGroupBy, MetricValues, MetricsGroup, MetricsQuery, MetricsResponse, ObservationKind } from '@wisp/protocol';
import { WispError } from '../../../errors.js';
import { RELATIVE_ERROR } from '../../../metrics/histogram.js';
import { Deadline, type ReadOptions } from './deadline.js';
import { DecodedHistogram, HistogramSum } from './histogram-sum.js';
import { alignRange, resolveBucket, rollupSlices } from './rollup-range.js';

export const DEFAULT_GROUPS = 100;
export const MAX_GROUPS = 500;

export interface SeriesDims {
  id: number;
  kind: string;
  name: string;
  provider: string;
  model: string;
  environment: string;
  release: string;
}

const DIM_OF: Record<Exclude<MetricGroupBy, 'userId'>, keyof SeriesDims> = {
  name: 'name',
  kind: 'kind',
  model: 'model',
  provider: 'provider',
  release: 'release',
  environment: 'environment',
};

const FILTERS = ['kind', 'name', 'model', 'provider', 'environment', 'release'] as const;

/** The rollup series of a project matching the metrics filters, by id. */
export function matchingSeries(db: Database, projectId: string, q: Pick<MetricsQuery, (typeof FILTERS)[number]>): Map<number, SeriesDims> {
  const where = ['project_id = ?'];
  const params: unknown[] = [projectId];
  for (const f of FILTERS) {
    const v = q[f];
    if (v !== undefined) {
      where.push(`${f} = ?`);
      params.push(v);
    }
  }
  const rows = db.prepare(`SELECT id, kind, name, provider, model, environment, release FROM rollup_series WHERE ${where.join(' AND ')}`).all(...params) as SeriesDims[];
  return new Map(rows.map((r) => [r.id, r]));
}

interface Acc {
  count: number;
  errorCount: number;
  latencyCount: number;
  latencySum: number;
  latency: HistogramSum | null;
  ttft: HistogramSum | null;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
  total: number;
  cost: number;
}

function newAcc(histograms: boolean): Acc {
  return {
    count: 0,
    errorCount: 0,
    latencyCount: 0,
    latencySum: 0,
    latency: histograms ? new HistogramSum() : null,
    ttft: histograms ? new HistogramSum() : null,
    input: 0,
    output: 0,
    cacheRead: 0,
    cacheWrite: 0,
    reasoning: 0,
    total: 0,
    cost: 0,
  };
}

/** Columns of a rollup row, read in raw (array) mode: building objects costs more than the rest. */
const ROLLUP_COLUMNS = `bucket, series_id, count, error_count, latency_count, latency_sum, latency_hist, ttft_hist, input_tokens,
  output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, total_tokens, cost`;
const enum C {
  bucket,
  series,
  count,
  errors,
  latencyCount,
  latencySum,
  latencyHist,
  ttftHist,
  input,
  output,
  cacheRead,
  cacheWrite,
  reasoning,
  total,
  cost,
}
type RollupRow = [number, number | string, number, number, number, number, Buffer | null, Buffer | null, number, number, number, number, number, number, number];

function addAcc(a: Acc, b: Acc): void {
  a.count += b.count;
  a.errorCount += b.errorCount;
  a.latencyCount += b.latencyCount;
  a.latencySum += b.latencySum;
  if (a.latency && b.latency) a.latency.addSum(b.latency);
  if (a.ttft && b.ttft) a.ttft.addSum(b.ttft);
  a.input += b.input;
  a.output += b.output;
  a.cacheRead += b.cacheRead;
  a.cacheWrite += b.cacheWrite;
  a.reasoning += b.reasoning;
  a.total += b.total;
  a.cost += b.cost;
}

function addRow(a: Acc, r: RollupRow, latency: DecodedHistogram | null, ttft: DecodedHistogram | null): void {
  a.count += r[C.count];
  a.errorCount += r[C.errors];
  a.latencyCount += r[C.latencyCount];
  a.latencySum += r[C.latencySum];
  if (a.latency && latency) a.latency.add(latency);
  if (a.ttft && ttft) a.ttft.add(ttft);
  a.input += r[C.input];
  a.output += r[C.output];
  a.cacheRead += r[C.cacheRead];
  a.cacheWrite += r[C.cacheWrite];
  a.reasoning += r[C.reasoning];
  a.total += r[C.total];
  a.cost += r[C.cost];
}

function valuesOf(a: Acc, seconds: number): MetricValues {
  const q = (h: HistogramSum | null, p: number) => (h ? h.quantile(p) : null);
  return {
    count: a.count,
    errorCount: a.errorCount,
    errorRate: a.count > 0 ? a.errorCount / a.count : 0,
    rate: seconds > 0 ? a.count / seconds : 0,
    latency: { p50: q(a.latency, 0.5), p95: q(a.latency, 0.95), p99: q(a.latency, 0.99), avg: a.latencyCount > 0 ? a.latencySum / a.latencyCount : null },
    ttft: { p50: q(a.ttft, 0.5), p95: q(a.ttft, 0.95), p99: q(a.ttft, 0.99) },
    tokens: { input: a.input, output: a.output, cacheRead: a.cacheRead, cacheWrite: a.cacheWrite, reasoning: a.reasoning, total: a.total },
    cost: a.cost,
  };
}

class SeriesAcc {
  readonly all: Acc;
  readonly buckets = new Map<number, Acc>();
  readonly kinds = new Map<string, number>();
  constructor(private readonly histograms: boolean) {
    this.all = newAcc(histograms);
  }
  at(t: number): Acc {
    let a = this.buckets.get(t);
    if (!a) this.buckets.set(t, (a = newAcc(this.histograms)));
    return a;
  }
  series(bucketMs: number): Array<MetricValues & { t: number }> {
    return [...this.buckets.entries()].sort((x, y) => x[0] - y[0]).map(([t, a]) => ({ t, ...valuesOf(a, bucketMs / 1000) }));
  }
}

const SORTS: Record<NonNullable<MetricsQuery['sort']>, (g: MetricsGroup) => number> = {
  impact: (g) => g.impact,
  count: (g) => g.count,
  errorRate: (g) => g.errorRate,
  p95: (g) => g.latency.p95 ?? -1,
  cost: (g) => g.cost,
  tokens: (g) => g.tokens.total,
};

export function metrics(db: Database, projectId: string, query: MetricsQuery, options: ReadOptions = {}): MetricsResponse {
  const deadline = new Deadline(options);
  const minutes = alignRange(query.from, query.to);
  const bucketMs = resolveBucket(minutes.from, minutes.to, query.bucketMs);
  const from = Math.floor(minutes.from / bucketMs) * bucketMs;
  const to = Math.ceil(minutes.to / bucketMs) * bucketMs;
  const groupBy = query.groupBy ?? null;
  if (groupBy === 'userId' && FILTERS.some((f) => query[f] !== undefined)) {
    throw new WispError('WISP_ERR_BAD_QUERY', 'groupBy=userId cannot be combined with kind, name, model, provider, environment or release filters (the per-user rollup has no such dimensions).');
  }
  const seconds = (to - from) / 1000;
  const series = matchingSeries(db, projectId, query);
  const total = new SeriesAcc(true);
  const groups = new Map<string, SeriesAcc>();
  const groupOf = (key: string) => {
    let g = groups.get(key);
    if (!g) groups.set(key, (g = new SeriesAcc(groupBy !== 'userId')));
    return g;
  };
  const slices = rollupSlices(from, to, bucketMs);
  const latency = new DecodedHistogram();
  const ttft = new DecodedHistogram();
  const byDims = groupBy !== null && groupBy !== 'userId' ? DIM_OF[groupBy] : null;
  const rollups = db.prepare(`SELECT ${ROLLUP_COLUMNS} FROM rollups WHERE project_id = ? AND resolution = ? AND bucket >= ? AND bucket < ?`).raw();
  let n = 0;
  for (const s of slices) {
    for (const row of rollups.iterate(projectId, s.resolution, s.from, s.to)) {
      if ((++n & 255) === 0) deadline.check();
      const r = row as RollupRow;
      const dims = series.get(r[C.series] as number);
      if (!dims) continue;
      const l = r[C.latencyHist] ? latency.read(r[C.latencyHist]) : null;
      const f = r[C.ttftHist] ? ttft.read(r[C.ttftHist]) : null;
      const t = Math.floor(r[C.bucket] / bucketMs) * bucketMs;
      // Each row goes into one (group, bucket) sum; group totals and the total series are sums of
      // those, made once at the end (far fewer histogram additions than per row).
      if (byDims !== null) {
        const g = groupOf(dims[byDims] as string);
        addRow(g.at(t), r, l, f);
        if (groupBy === 'name') g.kinds.set(dims.kind, (g.kinds.get(dims.kind) ?? 0) + r[C.count]);
      } else {
        addRow(total.at(t), r, l, f);
      }
    }
  }
  if (groupBy === 'userId') {
    const users = db
      .prepare(
        `SELECT bucket, user_id, count, error_count, count, latency_sum, NULL, NULL, input_tokens, output_tokens, 0, 0, 0, total_tokens, cost
         FROM rollups_user WHERE project_id = ? AND resolution = ? AND bucket >= ? AND bucket < ?`,
      )
      .raw();
    for (const s of slices) {
      for (const row of users.iterate(projectId, s.resolution, s.from, s.to)) {
        if ((++n & 255) === 0) deadline.check();
        const r = row as RollupRow;
        const g = groupOf(r[C.series] as string);
        const t = Math.floor(r[C.bucket] / bucketMs) * bucketMs;
        addRow(g.at(t), r, null, null);
      }
    }
  }
  for (const g of groups.values()) {
    for (const [t, a] of g.buckets) {
      addAcc(g.all, a);
      if (byDims !== null) addAcc(total.at(t), a);
    }
  }
  for (const a of total.buckets.values()) addAcc(total.all, a);
  deadline.check();
  const out: MetricsGroup[] = [...groups.entries()].map(([key, g]) => {
    const v = valuesOf(g.all, seconds);
    let kind: string | null = null;
    let best = -1;
    for (const [k, n] of g.kinds) if (n > best || (n === best && k < kind!)) [kind, best] = [k, n];
    return { key: key === '' ? null : key, kind: (kind as ObservationKind | null), impact: v.rate * (v.latency.avg ?? 0), series: g.series(bucketMs), ...v };
  });
  const by = SORTS[query.sort ?? 'impact'];
  out.sort((a, b) => by(b) - by(a) || (a.key ?? '').localeCompare(b.key ?? ''));
  const limit = Math.min(Math.max(1, Math.trunc(query.limit ?? DEFAULT_GROUPS)), MAX_GROUPS);
  return {
    from,
    to,
    bucketMs,
    groupBy,
    total: valuesOf(total.all, seconds),
    totalSeries: total.series(bucketMs),
    groups: out.slice(0, limit),
    quantileRelativeError: RELATIVE_ERROR,
  };
}
