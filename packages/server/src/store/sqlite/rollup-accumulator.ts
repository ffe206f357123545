/**
 * Rollup deltas of one write, accumulated in memory and applied once per rollup row at commit.
 *
 * A span contributes when it has ended (ok or error), to the bucket of its start time. A write
 * subtracts the span's previous contribution (computed from the row as it was stored) and adds
 * the new one, so a re-delivered end adds nothing and a correction replaces its contribution.
 */
import type { Database, Statement } from 'better-sqlite3';
import {
  addValue,
  decodeHistogram,
  emptyHistogram,
  encodeHistogram,
  histogramCount,
  mergeInto,
  quantile,
  type Histogram,
} from '../../metrics/histogram.js';
import { ROLLUP_RESOLUTIONS } from './schema.js';
import { durationOf, ttftOf, usageOf, type SpanState } from './span-merge.js';

/** The dimensions and values one ended span adds to the rollups. */
export interface Contribution {
  kind: string;
  name: string;
  provider: string;
  model: string;
  environment: string;
  release: string;
  userId: string;
  time: number;
  error: boolean;
  latency: number | null;
  ttft: number | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  totalTokens: number;
  cost: number;
  errorType: string | null;
  errorMessage: string | null;
  endTime: number;
  traceId: string;
}

/** Trace dimensions stamped on a span when it is written. */
export interface SpanDims {
  userId: string | null;
  environment: string | null;
  release: string | null;
}

export function contributionOf(s: SpanState, dims: SpanDims, traceId: string): Contribution | null {
  if (s.status !== 'ok' && s.status !== 'error') return null;
  const time = s.startTime ?? s.endTime;
  if (time === null) return null;
  const u = usageOf(s);
  const input = u?.input ?? 0;
  const output = u?.output ?? 0;
  return {
    kind: s.kind,
    name: s.name ?? '',
    provider: s.provider ?? '',
    model: s.model ?? '',
    environment: dims.environment ?? '',
    release: dims.release ?? '',
    userId: dims.userId ?? '',
    time,
    error: s.status === 'error',
    latency: durationOf(s),
    ttft: ttftOf(s),
    inputTokens: input,
    outputTokens: output,
    cacheReadTokens: u?.cacheRead ?? 0,
    cacheWriteTokens: u?.cacheWrite ?? 0,
    reasoningTokens: u?.reasoning ?? 0,
    totalTokens: u ? (u.total ?? input + output) : 0,
    cost: s.cost ?? 0,
    errorType: s.status === 'error' ? (s.errorType ?? 'error') : null,
    errorMessage: s.errorMessage,
    endTime: s.endTime ?? time,
    traceId,
  };
}

/** Whether two contributions are identical (then nothing needs to change). */
export function sameContribution(a: Contribution | null, b: Contribution | null): boolean {
  if (a === null || b === null) return a === b;
  for (const k of Object.keys(a) as Array<keyof Contribution>) if (a[k] !== b[k]) return false;
  return true;
}

interface SeriesDelta {
  projectId: string;
  resolution: number;
  bucket: number;
  seriesKey: string;
  dims: [string, string, string, string, string, string];
  count: number;
  errorCount: number;
  latencyCount: number;
  latencySum: number;
  latency: Histogram;
  ttftCount: number;
  ttftSum: number;
  ttft: Histogram;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  totalTokens: number;
  cost: number;
}

interface UserDelta {
  projectId: string;
  resolution: number;
  bucket: number;
  userId: string;
  count: number;
  errorCount: number;
  latencySum: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cost: number;
}

interface ErrorDelta {
  projectId: string;
  resolution: number;
  bucket: number;
  seriesKey: string;
  dims: SeriesDelta['dims'];
  errorType: string;
  count: number;
  lastSeen: number;
  sampleMessage: string | null;
  sampleTraceId: string | null;
}

interface RollupRow {
  count: number;
  error_count: number;
  latency_count: number;
  latency_sum: number;
  latency_hist: Buffer | null;
  ttft_count: number;
  ttft_sum: number;
  ttft_hist: Buffer | null;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  total_tokens: number;
  cost: number;
}

interface CachedRollupRow extends RollupRow {
  latency: Histogram;
  ttft: Histogram;
}

/** Rollup rows kept in memory; live traffic touches the rows of the current minute and hour. */
const MAX_ROWS_CACHED = 5_000;

/** Prepared statements and the series id cache, shared by every write of a store. */
export class RollupWriter {
  private readonly seriesIds = new Map<string, number>();
  /** Rollup rows as last written (the current minutes and hours), with decoded histograms. */
  private readonly rows = new Map<string, CachedRollupRow>();
  private readonly selectSeries: Statement<[string, string, string, string, string, string, string], { id: number }>;
  private readonly insertSeries: Statement<[string, string, string, string, string, string, string]>;
  private readonly selectRollup: Statement<[string, number, number, number], RollupRow>;
  private readonly upsertRollup: Statement<unknown[]>;
  private readonly deleteRollup: Statement<[string, number, number, number]>;
  private readonly upsertUser: Statement<unknown[]>;
  private readonly deleteEmptyUser: Statement<[string, number, number, string]>;
  private readonly upsertError: Statement<unknown[]>;
  private readonly deleteEmptyError: Statement<[string, number, number, number, string]>;

  constructor(db: Database) {
    this.selectSeries = db.prepare(
      `SELECT id FROM rollup_series WHERE project_id = ? AND kind = ? AND name = ? AND provider = ?
       AND model = ? AND environment = ? AND release = ?`,
    );
    this.insertSeries = db.prepare(
      `INSERT INTO rollup_series (project_id, kind, name, provider, model, environment, release) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.selectRollup = db.prepare(
      `SELECT count, error_count, latency_count, latency_sum, latency_hist, ttft_count, ttft_sum,
       ttft_hist, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, total_tokens, cost
       FROM rollups WHERE project_id = ? AND resolution = ? AND bucket = ? AND series_id = ?`,
    );
    this.upsertRollup = db.prepare(
      `INSERT OR REPLACE INTO rollups (project_id, resolution, bucket, series_id, count, error_count, latency_count,
       latency_sum, latency_min, latency_max, latency_hist, ttft_count, ttft_sum, ttft_hist, input_tokens, output_tokens,
       cache_read_tokens, cache_write_tokens, reasoning_tokens, total_tokens, cost)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.deleteRollup = db.prepare('DELETE FROM rollups WHERE project_id = ? AND resolution = ? AND bucket = ? AND series_id = ?');
    this.upsertUser = db.prepare(
      `INSERT INTO rollups_user (project_id, resolution, bucket, user_id, count, error_count, latency_sum, input_tokens,
       output_tokens, total_tokens, cost) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (project_id, resolution, bucket, user_id) DO UPDATE SET
         count = count + excluded.count, error_count = error_count + excluded.error_count,
         latency_sum = round((latency_sum + excluded.latency_sum) * 1e3) / 1e3, input_tokens = input_tokens + excluded.input_tokens,
         output_tokens = output_tokens + excluded.output_tokens, total_tokens = total_tokens + excluded.total_tokens,
         cost = round((cost + excluded.cost) * 1e12) / 1e12`,
    );
    this.deleteEmptyUser = db.prepare(
      'DELETE FROM rollups_user WHERE project_id = ? AND resolution = ? AND bucket = ? AND user_id = ? AND count <= 0',
    );
    this.upsertError = db.prepare(
      `INSERT INTO rollups_error (project_id, resolution, bucket, series_id, error_type, count, last_seen, sample_message,
       sample_trace_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (project_id, resolution, bucket, series_id, error_type) DO UPDATE SET
         count = count + excluded.count,
         sample_message = CASE WHEN excluded.last_seen > last_seen OR (excluded.last_seen = last_seen
           AND excluded.sample_trace_id > sample_trace_id) THEN excluded.sample_message ELSE sample_message END,
         sample_trace_id = CASE WHEN excluded.last_seen > last_seen OR (excluded.last_seen = last_seen
           AND excluded.sample_trace_id > sample_trace_id) THEN excluded.sample_trace_id ELSE sample_trace_id END,
         last_seen = max(last_seen, excluded.last_seen)`,
    );
    this.deleteEmptyError = db.prepare(
      `DELETE FROM rollups_error WHERE project_id = ? AND resolution = ? AND bucket = ? AND series_id = ? AND error_type = ?
       AND count <= 0`,
    );
  }

  /** Forgets cached series ids and rows (after a rollback, or when retention deleted rows). */
  resetCache(): void {
    this.seriesIds.clear();
    this.rows.clear();
  }

  seriesId(projectId: string, dims: SeriesDelta['dims'], key: string): number {
    const cacheKey = projectId + '\u0000' + key;
    let id = this.seriesIds.get(cacheKey);
    if (id !== undefined) return id;
    id = this.selectSeries.get(projectId, ...dims)?.id;
    if (id === undefined) id = Number(this.insertSeries.run(projectId, ...dims).lastInsertRowid);
    this.seriesIds.set(cacheKey, id);
    return id;
  }

  /** Applies the accumulated deltas. Runs inside the write transaction. */
  apply(acc: RollupAccumulator): void {
    acc.withCoarserResolutions();
    for (const d of acc.series.values()) this.applySeries(d);
    for (const d of acc.users.values()) {
      if (d.count === 0 && d.cost === 0 && d.totalTokens === 0 && d.latencySum === 0 && d.errorCount === 0) continue;
      this.upsertUser.run(d.projectId, d.resolution, d.bucket, d.userId, d.count, d.errorCount, roundMicros(d.latencySum),
        d.inputTokens, d.outputTokens, d.totalTokens, roundCost(d.cost));
      if (d.count < 0) this.deleteEmptyUser.run(d.projectId, d.resolution, d.bucket, d.userId);
    }
    for (const d of acc.errors.values()) {
      if (d.count === 0) continue;
      const id = this.seriesId(d.projectId, d.dims, d.seriesKey);
      this.upsertError.run(d.projectId, d.resolution, d.bucket, id, d.errorType, d.count, d.lastSeen, d.sampleMessage,
        d.sampleTraceId);
      if (d.count < 0) this.deleteEmptyError.run(d.projectId, d.resolution, d.bucket, id, d.errorType);
    }
  }

  private applySeries(d: SeriesDelta): void {
    if (d.count === 0 && d.latencyCount === 0 && d.ttftCount === 0 && d.cost === 0 && d.totalTokens === 0 &&
      d.errorCount === 0 && d.latency.buckets.size === 0 && d.ttft.buckets.size === 0 && d.latencySum === 0) return;
    const id = this.seriesId(d.projectId, d.dims, d.seriesKey);
    const key = `${d.projectId}\u0001${d.resolution}\u0001${d.bucket}\u0001${id}`;
    const cached = this.rows.get(key);
    const row = cached ?? this.selectRollup.get(d.projectId, d.resolution, d.bucket, id);
    const latency = cached ? cached.latency : decodeHistogram(row?.latency_hist);
    mergeInto(latency, d.latency);
    const ttft = cached ? cached.ttft : decodeHistogram(row?.ttft_hist);
    mergeInto(ttft, d.ttft);
    const count = (row?.count ?? 0) + d.count;
    if (count <= 0) {
      if (row) this.deleteRollup.run(d.projectId, d.resolution, d.bucket, id);
      this.rows.delete(key);
      return;
    }
    const latencyCount = (row?.latency_count ?? 0) + d.latencyCount;
    const ttftCount = (row?.ttft_count ?? 0) + d.ttftCount;
    const next: CachedRollupRow = {
      count,
      error_count: (row?.error_count ?? 0) + d.errorCount,
      latency_count: latencyCount,
      latency_sum: latencyCount === 0 ? 0 : roundMicros((row?.latency_sum ?? 0) + d.latencySum),
      latency_hist: histogramCount(latency) > 0 ? encodeHistogram(latency) : null,
      ttft_count: ttftCount,
      ttft_sum: ttftCount === 0 ? 0 : roundMicros((row?.ttft_sum ?? 0) + d.ttftSum),
      ttft_hist: histogramCount(ttft) > 0 ? encodeHistogram(ttft) : null,
      input_tokens: (row?.input_tokens ?? 0) + d.inputTokens,
      output_tokens: (row?.output_tokens ?? 0) + d.outputTokens,
      cache_read_tokens: (row?.cache_read_tokens ?? 0) + d.cacheReadTokens,
      cache_write_tokens: (row?.cache_write_tokens ?? 0) + d.cacheWriteTokens,
      reasoning_tokens: (row?.reasoning_tokens ?? 0) + d.reasoningTokens,
      total_tokens: (row?.total_tokens ?? 0) + d.totalTokens,
      cost: roundCost((row?.cost ?? 0) + d.cost),
      latency,
      ttft,
    };
    this.upsertRollup.run(
      d.projectId, d.resolution, d.bucket, id,
      next.count, next.error_count, next.latency_count, next.latency_sum,
      // From the histogram, not from the values: a correction can remove the minimum, and the
      // result must not depend on the order corrections arrive in.
      quantile(latency, 0),
      quantile(latency, 1),
      next.latency_hist, next.ttft_count, next.ttft_sum, next.ttft_hist,
      next.input_tokens, next.output_tokens, next.cache_read_tokens, next.cache_write_tokens, next.reasoning_tokens,
      next.total_tokens, next.cost,
    );
    this.rows.delete(key);
    this.rows.set(key, next);
    if (this.rows.size > MAX_ROWS_CACHED) this.rows.delete(this.rows.keys().next().value as string);
  }

}

/** Sums of rounded terms, rounded again, do not depend on the order of the terms. */
const roundMicros = (x: number): number => Math.round(x * 1e3) / 1e3;
const roundCost = (x: number): number => Math.round(x * 1e12) / 1e12;


/** Deltas of one write, keyed by rollup row. Spans are added at the finest resolution only. */
export class RollupAccumulator {
  readonly series = new Map<string, SeriesDelta>();
  readonly users = new Map<string, UserDelta>();
  readonly errors = new Map<string, ErrorDelta>();

  /** Adds (sign 1) or removes (sign -1) one span's contribution. */
  add(projectId: string, c: Contribution, sign: 1 | -1): void {
    const resolution = FINEST;
    const bucket = Math.floor(c.time / resolution) * resolution;
    const seriesKey = `${c.kind}\u0000${c.name}\u0000${c.provider}\u0000${c.model}\u0000${c.environment}\u0000${c.release}`;
    const key = `${projectId}\u0001${bucket}\u0001${seriesKey}`;
    const d = this.series.get(key) ?? this.seriesDelta(key, projectId, resolution, bucket, seriesKey, [c.kind, c.name, c.provider, c.model, c.environment, c.release]);
    d.count += sign;
    if (c.error) d.errorCount += sign;
    if (c.latency !== null) {
      d.latencyCount += sign;
      d.latencySum += sign * c.latency;
      addValue(d.latency, c.latency, sign);
    }
    if (c.ttft !== null) {
      d.ttftCount += sign;
      d.ttftSum += sign * c.ttft;
      addValue(d.ttft, c.ttft, sign);
    }
    d.inputTokens += sign * c.inputTokens;
    d.outputTokens += sign * c.outputTokens;
    d.cacheReadTokens += sign * c.cacheReadTokens;
    d.cacheWriteTokens += sign * c.cacheWriteTokens;
    d.reasoningTokens += sign * c.reasoningTokens;
    d.totalTokens += sign * c.totalTokens;
    d.cost += sign * c.cost;

    const u = this.userDelta(`${projectId}\u0001${bucket}\u0001${c.userId}`, projectId, resolution, bucket, c.userId);
    u.count += sign;
    if (c.error) u.errorCount += sign;
    u.latencySum += sign * (c.latency ?? 0);
    u.inputTokens += sign * c.inputTokens;
    u.outputTokens += sign * c.outputTokens;
    u.totalTokens += sign * c.totalTokens;
    u.cost += sign * c.cost;

    if (c.errorType !== null) {
      const e = this.errorDelta(`${key}\u0001${c.errorType}`, projectId, resolution, bucket, seriesKey, d.dims, c.errorType);
      e.count += sign;
      if (sign > 0) noteError(e, c.endTime, c.errorMessage, c.traceId);
    }
  }

  /** Adds the coarser resolutions, each the sum of the finest buckets it covers. */
  withCoarserResolutions(): void {
    for (const resolution of ROLLUP_RESOLUTIONS) {
      if (resolution === FINEST) continue;
      for (const d of [...this.series.values()]) {
        if (d.resolution !== FINEST) continue;
        const bucket = Math.floor(d.bucket / resolution) * resolution;
        const into = this.seriesDelta(`${d.projectId}\u0001${resolution}\u0001${bucket}\u0001${d.seriesKey}`, d.projectId, resolution, bucket, d.seriesKey, d.dims);
        for (const k of SERIES_SUMS) into[k] += d[k];
        mergeInto(into.latency, d.latency);
        mergeInto(into.ttft, d.ttft);
      }
      for (const d of [...this.users.values()]) {
        if (d.resolution !== FINEST) continue;
        const bucket = Math.floor(d.bucket / resolution) * resolution;
        const into = this.userDelta(`${d.projectId}\u0001${resolution}\u0001${bucket}\u0001${d.userId}`, d.projectId, resolution, bucket, d.userId);
        for (const k of USER_SUMS) into[k] += d[k];
      }
      for (const d of [...this.errors.values()]) {
        if (d.resolution !== FINEST) continue;
        const bucket = Math.floor(d.bucket / resolution) * resolution;
        const into = this.errorDelta(`${d.projectId}\u0001${resolution}\u0001${bucket}\u0001${d.seriesKey}\u0001${d.errorType}`, d.projectId, resolution, bucket, d.seriesKey, d.dims, d.errorType);
        into.count += d.count;
        if (d.sampleTraceId !== null) noteError(into, d.lastSeen, d.sampleMessage, d.sampleTraceId);
      }
    }
  }

  private seriesDelta(key: string, projectId: string, resolution: number, bucket: number, seriesKey: string, dims: SeriesDelta['dims']): SeriesDelta {
    let d = this.series.get(key);
    if (!d) {
      d = {
        projectId, resolution, bucket, seriesKey, dims,
        count: 0, errorCount: 0, latencyCount: 0, latencySum: 0,
        latency: emptyHistogram(), ttftCount: 0, ttftSum: 0, ttft: emptyHistogram(),
        inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, totalTokens: 0, cost: 0,
      };
      this.series.set(key, d);
    }
    return d;
  }

  private userDelta(key: string, projectId: string, resolution: number, bucket: number, userId: string): UserDelta {
    let u = this.users.get(key);
    if (!u) {
      u = { projectId, resolution, bucket, userId, count: 0, errorCount: 0, latencySum: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, cost: 0 };
      this.users.set(key, u);
    }
    return u;
  }

  private errorDelta(key: string, projectId: string, resolution: number, bucket: number, seriesKey: string, dims: SeriesDelta['dims'], errorType: string): ErrorDelta {
    let e = this.errors.get(key);
    if (!e) {
      e = { projectId, resolution, bucket, seriesKey, dims, errorType, count: 0, lastSeen: 0, sampleMessage: null, sampleTraceId: null };
      this.errors.set(key, e);
    }
    return e;
  }
}

/** Keeps the latest error (ties: the greater trace id, so the sample does not depend on order). */
function noteError(e: ErrorDelta, at: number, message: string | null, traceId: string): void {
  if (at > e.lastSeen || (at === e.lastSeen && (e.sampleTraceId === null || traceId > e.sampleTraceId))) {
    e.lastSeen = at;
    e.sampleMessage = message;
    e.sampleTraceId = traceId;
  }
}

const FINEST = ROLLUP_RESOLUTIONS[0];
const SERIES_SUMS = ['count', 'errorCount', 'latencyCount', 'latencySum', 'ttftCount', 'ttftSum', 'inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'reasoningTokens', 'totalTokens', 'cost'] as const;
const USER_SUMS = ['count', 'errorCount', 'latencySum', 'inputTokens', 'outputTokens', 'totalTokens', 'cost'] as const;
