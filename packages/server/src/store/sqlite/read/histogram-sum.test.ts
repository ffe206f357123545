import { describe, expect, it } from 'vitest';
import { addValue, decodeHistogram, emptyHistogram, encodeHistogram, mergeHistograms, quantile } from '../../../metrics/histogram.js';
import { DecodedHistogram, HistogramSum } from './histogram-sum.js';

describe('HistogramSum', () => {
  it('reads the encoding of metrics/histogram.ts and gives the same quantiles as its merge', () => {
    let seed = 3;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const histograms = Array.from({ length: 40 }, (_, i) => {
      const h = emptyHistogram();
      for (let k = 0; k < 50 + i; k++) addValue(h, random() < 0.05 ? 0 : Math.exp(random() * 14 - 4));
      return h;
    });
    const sum = new HistogramSum();
    const scratch = new DecodedHistogram();
    for (const h of histograms) sum.add(scratch.read(encodeHistogram(h)!));
    const merged = mergeHistograms(histograms.map((h) => decodeHistogram(encodeHistogram(h))));
    for (const q of [0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1]) expect(sum.quantile(q)).toBe(quantile(merged, q));
    expect(new HistogramSum().quantile(0.5)).toBeNull();
    // Sums of sums (per bucket, then per group) answer the same as one sum of everything.
    const halves = [new HistogramSum(), new HistogramSum()];
    histograms.forEach((h, i) => halves[i % 2]!.add(scratch.read(encodeHistogram(h)!)));
    const combined = new HistogramSum();
    combined.addSum(halves[1]!);
    combined.addSum(new HistogramSum());
    combined.addSum(halves[0]!);
    for (const q of [0, 0.5, 0.95, 0.99, 1]) expect(combined.quantile(q)).toBe(quantile(merged, q));
  });
});
