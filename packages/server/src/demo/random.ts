import { seededRandom } from '../seeded-random.js';

/**
 * A small seeded random source (mulberry32), so `wisp demo --seed N` tells the same story each run.
 */
export class Random {
  /** Uniform in [0, 1). */
  readonly next: () => number;

  constructor(seed: number) {
    this.next = seededRandom(seed);
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Float in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** A right-skewed duration around `median` ms, as latencies are. */
  latency(median: number, spread = 0.5): number {
    const u = Math.max(1e-9, this.next());
    const v = this.next();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.max(1, Math.round(median * Math.exp(normal * spread)));
  }
}
