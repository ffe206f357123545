import { describe, expect, it } from 'vitest';
import { addValue, emptyHistogram, encodeHistogram } from '../../metrics/histogram.js';
import { encodeHistogramFast } from './rollup-writer.js';

describe('encodeHistogramFast', () => {
  it('encodes exactly as encodeHistogram', () => {
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    expect(encodeHistogramFast(emptyHistogram())).toBeNull();
    for (let round = 0; round < 200; round++) {
      const h = emptyHistogram();
      const n = Math.floor(rnd() * (round < 100 ? 20 : 3000));
      for (let k = 0; k < n; k++) addValue(h, rnd() < 0.05 ? 0 : Math.exp(rnd() * 30 - 10), rnd() < 0.01 ? 300 : 1);
      if (round % 7 === 0) h.zeroCount += 2 ** 40;
      if (round % 11 === 0) h.buckets.set(5, 2 ** 45 + 3);
      expect(encodeHistogramFast(h)).toEqual(encodeHistogram(h));
    }
  });
});
