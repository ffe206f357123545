/**
 * Applies a write's rollup deltas to the rollup tables: one read-modify-write per touched row of
 * `rollups` (histograms are merged in memory), SQL upserts for the per-user and error-type rows.
 */
import type { Database, Statement } from 'better-sqlite3';
import { bucketValue, decodeHistogram, histogramCount, mergeInto, type Histogram } from '../../metrics/histogram.js';
import type { RollupAccumulator, SeriesDelta } from './rollup-accumulator.js';

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
  private readonly insertRollup: Statement<unknown[]>;
  private readonly updateRollup: Statement<unknown[]>;
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
    const VALUE_COLUMNS = `count, error_count, latency_count, latency_sum, latency_min, latency_max, latency_hist, ttft_count,
       ttft_sum, ttft_hist, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, total_tokens, cost`;
    this.insertRollup = db.prepare(
      `INSERT INTO rollups (${VALUE_COLUMNS}, project_id, resolution, bucket, series_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // An UPDATE in place: INSERT OR REPLACE would delete and re-insert the row.
    this.updateRollup = db.prepare(
      `UPDATE rollups SET ${VALUE_COLUMNS.split(',').map((c) => `${c.trim()} = ?`).join(', ')}
       WHERE project_id = ? AND resolution = ? AND bucket = ? AND series_id = ?`,
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
      latency_hist: histogramCount(latency) > 0 ? encodeHistogramFast(latency) : null,
      ttft_count: ttftCount,
      ttft_sum: ttftCount === 0 ? 0 : roundMicros((row?.ttft_sum ?? 0) + d.ttftSum),
      ttft_hist: histogramCount(ttft) > 0 ? encodeHistogramFast(ttft) : null,
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
    const [min, max] = extremes(latency);
    (row ? this.updateRollup : this.insertRollup).run(
      next.count, next.error_count, next.latency_count, next.latency_sum,
      // From the histogram, not from the values: a correction can remove the minimum, and the
      // result must not depend on the order corrections arrive in.
      min, max,
      next.latency_hist, next.ttft_count, next.ttft_sum, next.ttft_hist,
      next.input_tokens, next.output_tokens, next.cache_read_tokens, next.cache_write_tokens, next.reasoning_tokens,
      next.total_tokens, next.cost,
      d.projectId, d.resolution, d.bucket, id,
    );
    this.rows.delete(key);
    this.rows.set(key, next);
    if (this.rows.size > MAX_ROWS_CACHED) this.rows.delete(this.rows.keys().next().value as string);
  }

}

/** Smallest and largest bucket values of a histogram (0 for the zero bucket), or nulls. */
function extremes(h: Histogram): [number | null, number | null] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const i of h.buckets.keys()) {
    if (i < lo) lo = i;
    if (i > hi) hi = i;
  }
  if (h.zeroCount > 0) return [0, hi === -Infinity ? 0 : bucketValue(hi)];
  return lo === Infinity ? [null, null] : [bucketValue(lo), bucketValue(hi)];
}

let scratch = new Uint8Array(4096);
let indexScratch = new Float64Array(1024);

/**
 * `encodeHistogram` of metrics/histogram.ts, byte for byte (rollup-writer.test.ts checks it), into a
 * reused buffer: every touched rollup row re-encodes its two histograms at each commit, and the
 * generic encoder's number[] and sorted key array were a tenth of the write path's garbage.
 */
export function encodeHistogramFast(h: Histogram): Buffer | null {
  const n = h.buckets.size;
  if (h.zeroCount === 0 && n === 0) return null;
  if (indexScratch.length < n) indexScratch = new Float64Array(n * 2);
  let k = 0;
  for (const i of h.buckets.keys()) indexScratch[k++] = i;
  const indexes = indexScratch.subarray(0, n).sort();
  // At most 8 bytes per varint for counts below 2^53.
  const need = 16 + n * 16;
  if (scratch.length < need) scratch = new Uint8Array(need * 2);
  let at = writeVarint(scratch, 0, Math.max(0, h.zeroCount));
  at = writeVarint(scratch, at, n);
  let prev = 0;
  for (let j = 0; j < n; j++) {
    const i = indexes[j]!;
    const d = i - prev;
    at = writeVarint(scratch, at, d >= 0 ? d * 2 : -d * 2 - 1);
    at = writeVarint(scratch, at, Math.max(0, h.buckets.get(i) ?? 0));
    prev = i;
  }
  return Buffer.from(scratch.subarray(0, at));
}

function writeVarint(out: Uint8Array, at: number, n: number): number {
  let v = Math.floor(n);
  if (v < 0x80000000) {
    // Bit operations are exact below 2^31 (and avoid a floating-point modulo per byte).
    while (v >= 128) {
      out[at++] = (v & 127) | 128;
      v >>>= 7;
    }
    out[at++] = v;
    return at;
  }
  while (v >= 128) {
    out[at++] = (v % 128) + 128;
    v = Math.floor(v / 128);
  }
  out[at++] = v;
  return at;
}

/** Sums of rounded terms, rounded again, do not depend on the order of the terms. */
const roundMicros = (x: number): number => Math.round(x * 1e3) / 1e3;
const roundCost = (x: number): number => Math.round(x * 1e12) / 1e12;
