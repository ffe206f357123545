import { describe, expect, it } from 'vitest';
import {
  RELATIVE_ERROR,
  addValue,
  decodeHistogram,
  emptyHistogram,
  encodeHistogram,
  histogramCount,
  mergeHistograms,
  mergeInto,
  quantile,
} from './histogram.js';
import { seededRandom } from '../seeded-random.js';


function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

const QS = [0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1];

describe('histogram', () => {
  const distributions: Array<[string, (r: () => number) => number]> = [
    ['uniform 0..1000 ms', (r) => r() * 1000],
    ['log-normal latencies', (r) => Math.exp(4 + 1.5 * Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r()))],
    ['heavy tail (pareto)', (r) => 5 / Math.pow(r() || 1e-12, 1.2)],
    ['tiny values', (r) => r() * 0.05],
  ];

  for (const [label, draw] of distributions) {
    it(`quantiles within RELATIVE_ERROR of exact: ${label}`, () => {
      const r = seededRandom(label.length * 7919);
      const samples = Array.from({ length: 20_000 }, () => draw(r));
      const h = emptyHistogram();
      for (const v of samples) addValue(h, v);
      const sorted = [...samples].sort((a, b) => a - b);
      for (const q of QS) {
        const exact = exactQuantile(sorted, q);
        const got = quantile(h, q)!;
        if (exact <= 1e-3) expect(got).toBe(0);
        else expect(Math.abs(got - exact) / exact).toBeLessThanOrEqual(RELATIVE_ERROR + 1e-9);
      }
    });
  }

  it('encodes sparsely and decodes to the same histogram, including zero and huge counts', () => {
    const h = emptyHistogram();
    addValue(h, 0);
    addValue(h, -3);
    addValue(h, 0.5);
    addValue(h, 12.3, 5_000_000_000);
    addValue(h, 1e9);
    const bytes = encodeHistogram(h)!;
    expect(bytes.length).toBeLessThan(30);
    const back = decodeHistogram(bytes);
    expect(back.zeroCount).toBe(2);
    expect([...back.buckets.entries()].sort()).toEqual([...h.buckets.entries()].sort());
    expect(histogramCount(back)).toBe(5_000_000_004);
    expect(encodeHistogram(emptyHistogram())).toBeNull();
    expect(histogramCount(decodeHistogram(null))).toBe(0);
  });

  it('merges by summing: quantiles of merged parts equal those of the whole', () => {
    const r = seededRandom(42);
    const samples = Array.from({ length: 9_000 }, () => r() * r() * 5000);
    const parts = [emptyHistogram(), emptyHistogram(), emptyHistogram()];
    const whole = emptyHistogram();
    samples.forEach((v, i) => {
      addValue(parts[i % 3]!, v);
      addValue(whole, v);
    });
    const merged = mergeHistograms(parts.map((p) => decodeHistogram(encodeHistogram(p))));
    for (const q of QS) expect(quantile(merged, q)).toBe(quantile(whole, q));
  });

  it('subtracting a contribution restores the previous histogram exactly', () => {
    const a = emptyHistogram();
    addValue(a, 10);
    addValue(a, 20);
    const b = emptyHistogram();
    addValue(b, 20);
    addValue(b, 3000);
    mergeInto(a, b);
    mergeInto(a, b, -1);
    expect(histogramCount(a)).toBe(2);
    expect(quantile(a, 1)).toBeCloseTo(20, -1);
    expect(encodeHistogram(a)).toEqual(encodeHistogram((() => { const h = emptyHistogram(); addValue(h, 10); addValue(h, 20); return h; })()));
  });

  it('returns null for an empty histogram and rejects truncated data', () => {
    expect(quantile(emptyHistogram(), 0.5)).toBeNull();
    const bytes = encodeHistogram((() => { const h = emptyHistogram(); addValue(h, 100, 300); return h; })())!;
    expect(() => decodeHistogram(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated/);
  });
});
