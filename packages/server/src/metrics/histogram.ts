/**
 * Log-scale histograms with a bounded relative error (DDSketch-style), used for the latency and
 * time-to-first-token rollups.
 *
 * A positive value v falls in bucket i = ceil(log_γ v) with γ = (1 + α) / (1 − α), covering
 * (γ^(i−1), γ^i]. The bucket is represented by 2γ^i / (γ + 1), which is within a relative error α
 * of every value in it, so any quantile read from the histogram is within α of the exact
 * quantile of the same samples (rank-wise: the value returned is the representative of the bucket
 * holding the sample of rank ⌊q(n−1)⌋). Values ≤ ZERO_THRESHOLD (in ms: a microsecond or less,
 * including 0 and negatives from clock skew) are counted in a separate zero bucket and read as 0.
 *
 * With α = 0.01 a range of 1 µs .. 10 days needs about 1,400 buckets at most; real latency
 * distributions touch a few dozen, so the encoding is sparse.
 *
 * Encoding (a Buffer, stored as a BLOB): varint zeroCount, varint n, then n pairs
 * (zigzag varint delta of bucket index from the previous one, varint count), indexes ascending.
 * Histograms merge by summing counts bucket by bucket; subtracting (for corrected spans) is the
 * same with negative counts, dropping buckets that reach zero.
 */

/** α: relative error bound of every quantile read from a histogram. */
export const RELATIVE_ERROR = 0.01;
const GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR);
const LOG_GAMMA = Math.log(GAMMA);
/** Values at or below this are counted as zero. */
export const ZERO_THRESHOLD = 1e-3;

/** A decoded histogram: sparse bucket counts plus the zero bucket. */
export interface Histogram {
  zeroCount: number;
  /** bucket index -> count (> 0). */
  buckets: Map<number, number>;
}

export function emptyHistogram(): Histogram {
  return { zeroCount: 0, buckets: new Map() };
}

/** The bucket index of a value > ZERO_THRESHOLD. */
export function bucketIndex(value: number): number {
  return Math.ceil(Math.log(value) / LOG_GAMMA);
}

/** The value a bucket stands for (relative error ≤ RELATIVE_ERROR for every value in it). */
export function bucketValue(index: number): number {
  return (2 * Math.pow(GAMMA, index)) / (GAMMA + 1);
}

/** Adds `count` samples of `value` (negative count removes them). Non-finite values are ignored. */
export function addValue(h: Histogram, value: number, count = 1): void {
  if (!Number.isFinite(value)) return;
  if (value <= ZERO_THRESHOLD) {
    h.zeroCount += count;
    return;
  }
  const i = bucketIndex(value);
  const next = (h.buckets.get(i) ?? 0) + count;
  if (next === 0) h.buckets.delete(i);
  else h.buckets.set(i, next);
}

/** Adds every count of `from` into `into` (times `sign`, -1 to subtract). Returns `into`. */
export function mergeInto(into: Histogram, from: Histogram, sign: 1 | -1 = 1): Histogram {
  into.zeroCount += sign * from.zeroCount;
  for (const [i, c] of from.buckets) {
    const next = (into.buckets.get(i) ?? 0) + sign * c;
    if (next === 0) into.buckets.delete(i);
    else into.buckets.set(i, next);
  }
  return into;
}

/** A new histogram holding the sum of all given ones. */
export function mergeHistograms(histograms: Iterable<Histogram>): Histogram {
  const out = emptyHistogram();
  for (const h of histograms) mergeInto(out, h);
  return out;
}

export function histogramCount(h: Histogram): number {
  let n = h.zeroCount;
  for (const c of h.buckets.values()) n += c;
  return n;
}

/**
 * The q-quantile (0 ≤ q ≤ 1) of the samples, within RELATIVE_ERROR of the exact sample quantile
 * of rank ⌊q(n−1)⌋; null for an empty histogram.
 */
export function quantile(h: Histogram, q: number): number | null {
  const n = histogramCount(h);
  if (n <= 0) return null;
  const rank = Math.floor(Math.min(Math.max(q, 0), 1) * (n - 1));
  if (rank < h.zeroCount) return 0;
  let seen = h.zeroCount;
  const indexes = [...h.buckets.keys()].sort((a, b) => a - b);
  for (const i of indexes) {
    seen += h.buckets.get(i) ?? 0;
    if (seen > rank) return bucketValue(i);
  }
  const last = indexes[indexes.length - 1];
  return last === undefined ? 0 : bucketValue(last);
}

/** Sparse binary encoding (see the file comment). An empty histogram encodes as null. */
export function encodeHistogram(h: Histogram): Buffer | null {
  if (h.zeroCount === 0 && h.buckets.size === 0) return null;
  const indexes = [...h.buckets.keys()].sort((a, b) => a - b);
  const bytes: number[] = [];
  writeVarint(bytes, Math.max(0, h.zeroCount));
  writeVarint(bytes, indexes.length);
  let prev = 0;
  for (const i of indexes) {
    writeVarint(bytes, zigzag(i - prev));
    writeVarint(bytes, Math.max(0, h.buckets.get(i) ?? 0));
    prev = i;
  }
  return Buffer.from(bytes);
}

/** Decodes `encodeHistogram`'s output; null/empty input gives an empty histogram. */
export function decodeHistogram(data: Uint8Array | null | undefined): Histogram {
  const h = emptyHistogram();
  if (!data || data.length === 0) return h;
  const pos = { at: 0 };
  h.zeroCount = readVarint(data, pos);
  const n = readVarint(data, pos);
  let prev = 0;
  for (let k = 0; k < n; k++) {
    const i = prev + unzigzag(readVarint(data, pos));
    const c = readVarint(data, pos);
    if (c !== 0) h.buckets.set(i, c);
    prev = i;
  }
  return h;
}

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}
function unzigzag(n: number): number {
  return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
}

// Varints with arithmetic rather than bit operators, so counts above 2^31 stay exact.
function writeVarint(out: number[], n: number): void {
  let v = Math.floor(n);
  while (v >= 128) {
    out.push((v % 128) + 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

function readVarint(data: Uint8Array, pos: { at: number }): number {
  let result = 0;
  let scale = 1;
  for (;;) {
    const b = data[pos.at++];
    if (b === undefined) throw new Error('truncated histogram');
    result += (b & 127) * scale;
    if (b < 128) return result;
    scale *= 128;
  }
}
