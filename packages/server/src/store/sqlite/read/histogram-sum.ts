/**
 * Fast sums of rollup histograms for metrics queries. A 24-hour query merges thousands of encoded
 * histograms into hundreds of sums (per group, per bucket, totals); doing that with the decoded
 * Map form costs most of the query, so here each encoded histogram is read once into a scratch
 * buffer and added into sums that are growable dense arrays (bucket indexes are small, contiguous
 * integers). The encoding and the quantile rule are those of metrics/histogram.ts (a test checks
 * that both give the same answers), so the RELATIVE_ERROR bound holds unchanged.
 */
import { bucketValue } from '../../../metrics/histogram.js';

/** An encoded histogram read into parallel arrays: `size` buckets plus the zero bucket. */
export class DecodedHistogram {
  zero = 0;
  size = 0;
  indexes = new Int32Array(64);
  counts = new Float64Array(64);

  /** Reads the encoding of metrics/histogram.ts (varint zeroCount, varint n, n × (zigzag delta, varint count)). */
  read(data: Uint8Array): this {
    let at = 0;
    const varint = (): number => {
      let result = 0;
      let scale = 1;
      for (;;) {
        const b = data[at++];
        if (b === undefined) throw new Error('truncated histogram');
        result += (b & 127) * scale;
        if (b < 128) return result;
        scale *= 128;
      }
    };
    this.zero = varint();
    const n = varint();
    if (n > this.indexes.length) {
      this.indexes = new Int32Array(n);
      this.counts = new Float64Array(n);
    }
    let prev = 0;
    for (let k = 0; k < n; k++) {
      const z = varint();
      prev += z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      this.indexes[k] = prev;
      this.counts[k] = varint();
    }
    this.size = n;
    return this;
  }
}

export class HistogramSum {
  zero = 0;
  private lo = 0;
  private counts: Float64Array | null = null;

  private ensure(index: number): void {
    if (this.counts === null) {
      this.lo = index - 32;
      this.counts = new Float64Array(96);
      return;
    }
    const hi = this.lo + this.counts.length;
    if (index >= this.lo && index < hi) return;
    const lo = Math.min(this.lo, index - 32);
    const size = Math.max(this.counts.length * 2, Math.max(hi, index + 33) - lo);
    const grown = new Float64Array(size);
    grown.set(this.counts, this.lo - lo);
    this.counts = grown;
    this.lo = lo;
  }

  add(h: DecodedHistogram): void {
    this.zero += h.zero;
    for (let k = 0; k < h.size; k++) {
      const i = h.indexes[k]!;
      this.ensure(i);
      const counts = this.counts!;
      counts[i - this.lo] = counts[i - this.lo]! + h.counts[k]!;
    }
  }

  /** Adds every count of another sum. */
  addSum(other: HistogramSum): void {
    this.zero += other.zero;
    const from = other.counts;
    if (from === null) return;
    let first = -1;
    let last = -1;
    for (let i = 0; i < from.length; i++) {
      if (from[i] === 0) continue;
      if (first < 0) first = i;
      last = i;
    }
    if (first < 0) return;
    this.ensure(other.lo + first);
    this.ensure(other.lo + last);
    const counts = this.counts!;
    const shift = other.lo - this.lo;
    for (let i = first; i <= last; i++) counts[i + shift] = counts[i + shift]! + from[i]!;
  }

  /** The q-quantile with the rank rule of metrics/histogram.ts `quantile`; null when empty. */
  quantile(q: number): number | null {
    let n = this.zero;
    const counts = this.counts;
    if (counts) for (let i = 0; i < counts.length; i++) n += counts[i]!;
    if (n <= 0) return null;
    const rank = Math.floor(Math.min(Math.max(q, 0), 1) * (n - 1));
    if (rank < this.zero) return 0;
    let seen = this.zero;
    let last = -1;
    if (counts) {
      for (let i = 0; i < counts.length; i++) {
        if (counts[i] === 0) continue;
        last = i;
        seen += counts[i]!;
        if (seen > rank) return bucketValue(this.lo + i);
      }
    }
    return last < 0 ? 0 : bucketValue(this.lo + last);
  }
}
