import type { Usage } from '@wisp/protocol';
import type { PriceOverride } from './price-entry.js';
import { findPrice } from './find-price.js';

export interface CostQuery {
  provider?: string;
  model: string;
  usage: Usage;
  /** Epoch ms of the call (the span's start); selects the price in effect then. */
  at: number;
  overrides?: readonly PriceOverride[];
}

const PER_MILLION = 1_000_000;
// Costs are sums of products of floats; rounding to a pico-dollar removes the 0.30000000000000004
// noise without losing anything a human or a sum over billions of calls would see.
const ROUND = 1e12;

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * The cost in USD of one generation or embedding, or `null` when no price matches the model or the
 * usage carries no token counts.
 *
 * Token convention (OpenAI and OpenTelemetry GenAI): `usage.input` counts every input token,
 * including those read from (`cacheRead`) and written to (`cacheWrite`) the prompt cache. Cached
 * tokens are charged at their cache price and only the rest of `input` at the input price, so no
 * token is charged twice. If `cacheRead + cacheWrite` exceeds `input` (a client that reported
 * Anthropic's raw `input_tokens`, which exclude cached tokens), `input` is taken as the uncached
 * part. `output` includes reasoning tokens, as providers bill them; `reasoning` alone is charged as
 * output only when `output` is absent.
 *
 * @example
 * ```ts
 * computeCost({ model: 'gpt-4o', usage: { input: 1000, output: 500, cacheRead: 200 }, at: Date.now() });
 * // 800 × 2.50/M + 200 × 1.25/M + 500 × 10/M = 0.00725
 * ```
 */
export function computeCost(query: CostQuery): number | null {
  const usage = query.usage as Usage | undefined;
  if (!usage || typeof usage !== 'object') return null;
  const input = count(usage.input);
  const output = count(usage.output) ?? count(usage.reasoning);
  const cacheRead = count(usage.cacheRead) ?? 0;
  const cacheWrite = count(usage.cacheWrite) ?? 0;
  const hasCounts = [usage.input, usage.output, usage.cacheRead, usage.cacheWrite, usage.reasoning].some(
    (value) => typeof value === 'number' && Number.isFinite(value),
  );
  if (!hasCounts) return null;
  const price = findPrice(
    query.provider === undefined
      ? { model: query.model, at: query.at, overrides: query.overrides }
      : { provider: query.provider, model: query.model, at: query.at, overrides: query.overrides },
  );
  if (!price) return null;

  const cached = cacheRead + cacheWrite;
  const uncached = input === undefined ? 0 : input >= cached ? input - cached : input;
  const usd =
    (uncached * price.input +
      cacheRead * (price.cacheRead ?? price.input) +
      cacheWrite * (price.cacheWrite ?? price.input) +
      (output ?? 0) * price.output) /
    PER_MILLION;
  return Math.round(usd * ROUND) / ROUND;
}
