import { describe, expect, it } from 'vitest';
import { computeCost, findPrice, normalizeModel, normalizeProvider, PRICE_TABLE, PRICE_TABLE_SOURCE } from './index.js';
import type { PriceOverride } from './index.js';

const NOW = Date.parse('2025-11-30T12:00:00Z');

describe('normalizeModel', () => {
  it.each([
    ['openai/gpt-4o', 'gpt-4o'],
    ['models/gemini-1.5-pro-002', 'gemini-1.5-pro-002'],
    ['us.anthropic.claude-3-5-sonnet-20241022-v2:0', 'claude-3-5-sonnet-20241022-v2:0'],
    ['anthropic.claude-3-haiku-20240307-v1:0', 'claude-3-haiku-20240307-v1:0'],
    ['anthropic/claude-3.5-sonnet', 'claude-3-5-sonnet'],
    ['claude-sonnet-4.5', 'claude-sonnet-4-5'],
    ['meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo', 'llama-3.1-8b-instruct-turbo'],
    ['meta.llama3-3-70b-instruct-v1:0', 'llama-3.3-70b-instruct-v1:0'],
    ['llama-3.3-70b-versatile', 'llama-3.3-70b-versatile'],
    ['meta-llama/llama-4-scout-17b-16e-instruct', 'llama-4-scout-17b-16e-instruct'],
    ['meta.llama3-70b-instruct-v1:0', 'llama-3-70b-instruct-v1:0'],
    ['  GPT-4O-MINI ', 'gpt-4o-mini'],
  ])('%s → %s', (raw, normalized) => {
    expect(normalizeModel(raw)).toBe(normalized);
  });

  it('normalizes provider aliases from both GenAI conventions', () => {
    expect(normalizeProvider('gcp.vertex_ai')).toBe('google');
    expect(normalizeProvider('gcp.gemini')).toBe('google');
    expect(normalizeProvider('mistral_ai')).toBe('mistral');
    expect(normalizeProvider('aws.bedrock')).toBe('bedrock');
    expect(normalizeProvider('OpenAI')).toBe('openai');
  });
});

describe('findPrice', () => {
  it('matches date-suffixed names to their base', () => {
    expect(findPrice({ model: 'gpt-4o-mini-2024-07-18', at: NOW })).toMatchObject({ model: 'gpt-4o-mini', input: 0.15 });
    expect(findPrice({ model: 'claude-3-5-sonnet-20241022', at: NOW })).toMatchObject({ model: 'claude-3-5-sonnet', input: 3 });
    expect(findPrice({ model: 'claude-3-5-sonnet@20240620', at: NOW })).toMatchObject({ model: 'claude-3-5-sonnet' });
    expect(findPrice({ model: 'gemini-2.5-flash-preview-05-20', at: NOW })).toMatchObject({ model: 'gemini-2.5-flash' });
  });

  it('prefers the most specific base', () => {
    expect(findPrice({ model: 'gpt-4o-mini', at: NOW })?.model).toBe('gpt-4o-mini');
    expect(findPrice({ model: 'gpt-4-turbo-2024-04-09', at: NOW })?.model).toBe('gpt-4-turbo');
    expect(findPrice({ model: 'gpt-4-0613', at: NOW })?.model).toBe('gpt-4');
    expect(findPrice({ model: 'gemini-2.5-flash-lite', at: NOW })?.model).toBe('gemini-2.5-flash-lite');
    expect(findPrice({ model: 'command-r-plus-08-2024', at: NOW })?.model).toBe('command-r-plus');
    expect(findPrice({ model: 'command-r7b-12-2024', at: NOW })?.model).toBe('command-r7b');
    // An exact snapshot row beats the alias row.
    expect(findPrice({ model: 'gpt-4o-2024-05-13', at: NOW })).toMatchObject({ model: 'gpt-4o-2024-05-13', input: 5 });
  });

  it('never matches across a non-separator boundary', () => {
    expect(findPrice({ model: 'gpt-4o', at: NOW })?.model).toBe('gpt-4o'); // not gpt-4
    expect(findPrice({ model: 'o1x', at: NOW })).toBeNull();
    expect(findPrice({ model: 'gpt-4.7-unknown', at: NOW })).toBeNull(); // not priced as gpt-4
    expect(findPrice({ model: 'totally-unknown-model', at: NOW })).toBeNull();
    expect(findPrice({ model: '', at: NOW })).toBeNull();
  });

  it('selects the price in effect at the call time', () => {
    expect(findPrice({ model: 'gpt-4o', at: Date.parse('2024-07-01') })).toMatchObject({ input: 5, output: 15 });
    expect(findPrice({ model: 'gpt-4o', at: Date.parse('2024-10-02T00:00:00Z') })).toMatchObject({ input: 2.5 });
    expect(findPrice({ model: 'deepseek-chat', at: Date.parse('2025-09-10') })).toMatchObject({ input: 0.56 });
    expect(findPrice({ model: 'deepseek-chat', at: NOW })).toMatchObject({ input: 0.28, output: 0.42 });
    // Before the first known price: the earliest known.
    expect(findPrice({ model: 'gpt-4o', at: Date.parse('2020-01-01') })).toMatchObject({ input: 5 });
  });

  it('uses host-specific prices only for that host', () => {
    expect(findPrice({ provider: 'groq', model: 'llama-3.3-70b-versatile', at: NOW })).toMatchObject({ input: 0.59, output: 0.79 });
    expect(findPrice({ provider: 'aws.bedrock', model: 'meta.llama3-3-70b-instruct-v1:0', at: NOW })).toMatchObject({ input: 0.72 });
    expect(findPrice({ provider: 'together_ai', model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo', at: NOW })).toMatchObject({ input: 0.88 });
    expect(findPrice({ model: 'llama-3.3-70b-versatile', at: NOW })).toMatchObject({ input: 0.88 });
    // Anthropic on Bedrock bills the Anthropic list price.
    expect(findPrice({ provider: 'aws.bedrock', model: 'us.anthropic.claude-sonnet-4-20250514-v1:0', at: NOW })).toMatchObject({ input: 3 });
  });

  it('lets overrides win, by base name or by pattern, optionally per provider', () => {
    const overrides: PriceOverride[] = [
      { model: 'gpt-4o', input: 2, output: 8 },
      { pattern: '^acme-ft-', input: 3, output: 12 },
      { provider: 'azure.ai.openai', model: 'gpt-4o-mini', input: 0.1, output: 0.5 },
      { pattern: '([', input: 1, output: 1 }, // invalid: ignored
    ];
    expect(findPrice({ model: 'gpt-4o-2024-11-20', at: NOW, overrides })).toMatchObject({ input: 2, source: 'override' });
    expect(findPrice({ model: 'acme-ft-support-v3', at: NOW, overrides })).toMatchObject({ input: 3, source: 'override' });
    expect(findPrice({ model: 'gpt-4o-mini', at: NOW, overrides })).toMatchObject({ input: 0.15, source: 'builtin' });
    expect(findPrice({ provider: 'azure.ai.openai', model: 'gpt-4o-mini', at: NOW, overrides })).toMatchObject({
      input: 0.1,
      source: 'override',
    });
  });

  it('keeps a price history in overrides', () => {
    const overrides: PriceOverride[] = [
      { model: 'my-model', input: 1, output: 2, effectiveFrom: '2025-01-01' },
      { model: 'my-model', input: 0.5, output: 1, effectiveFrom: '2025-06-01' },
    ];
    expect(findPrice({ model: 'my-model', at: Date.parse('2025-03-01'), overrides })?.input).toBe(1);
    expect(findPrice({ model: 'my-model', at: Date.parse('2025-07-01'), overrides })?.input).toBe(0.5);
  });
});

describe('computeCost (worked examples)', () => {
  it('gpt-4o: 1,000 input (200 cached) and 500 output tokens', () => {
    // 800 × $2.50/M + 200 × $1.25/M + 500 × $10/M = 0.002 + 0.00025 + 0.005
    expect(computeCost({ model: 'gpt-4o', usage: { input: 1000, output: 500, cacheRead: 200 }, at: NOW })).toBe(0.00725);
  });

  it('claude-sonnet-4: cache read and cache write charged at their own prices, not as input', () => {
    // input 10,000 of which 6,000 read from cache and 2,000 written to it:
    // 2,000 × $3 + 6,000 × $0.30 + 2,000 × $3.75 + 1,000 output × $15, per M
    const cost = computeCost({
      provider: 'anthropic',
      model: 'claude-sonnet-4-20250514',
      usage: { input: 10_000, output: 1_000, cacheRead: 6_000, cacheWrite: 2_000 },
      at: NOW,
    });
    expect(cost).toBe(0.0303);
  });

  it('treats input smaller than the cached tokens as the uncached part (Anthropic raw counts)', () => {
    // Anthropic reports input_tokens=50 (uncached), cache_read=4,000.
    const cost = computeCost({ model: 'claude-3-5-haiku-20241022', usage: { input: 50, output: 100, cacheRead: 4000 }, at: NOW });
    // 50 × 0.80 + 4,000 × 0.08 + 100 × 4, per M
    expect(cost).toBe(0.00076);
  });

  it('charges reasoning tokens as output only when output is absent', () => {
    // 1,000 × $1.10 + 3,000 × $4.40, per M
    expect(computeCost({ model: 'o3-mini', usage: { input: 1000, output: 3000, reasoning: 2500 }, at: NOW })).toBe(0.0143);
    expect(computeCost({ model: 'o3-mini', usage: { input: 1000, reasoning: 2500 }, at: NOW })).toBe(0.0121);
  });

  it('uses the input price for cache tokens when the model has no cache price', () => {
    expect(computeCost({ model: 'mistral-large-latest', usage: { input: 1000, cacheRead: 400, output: 0 }, at: NOW })).toBe(0.002);
  });

  it('embeddings cost only input', () => {
    expect(computeCost({ model: 'text-embedding-3-small', usage: { input: 1_000_000 }, at: NOW })).toBe(0.02);
  });

  it('prices an old call at the price of its day', () => {
    const usage = { input: 1_000_000, output: 1_000_000 };
    expect(computeCost({ model: 'gpt-4o', usage, at: Date.parse('2024-06-01') })).toBe(20);
    expect(computeCost({ model: 'gpt-4o', usage, at: NOW })).toBe(12.5);
  });

  it('returns null when nothing can be priced, 0 for zero tokens', () => {
    expect(computeCost({ model: 'unknown-model', usage: { input: 10, output: 10 }, at: NOW })).toBeNull();
    expect(computeCost({ model: 'gpt-4o', usage: {}, at: NOW })).toBeNull();
    expect(computeCost({ model: 'gpt-4o', usage: { input: 0, output: 0 }, at: NOW })).toBe(0);
  });

  it('ignores negative, NaN and non-number counts instead of producing nonsense', () => {
    const usage = { input: -5, output: Number.NaN, cacheRead: 'x' } as unknown as { input: number };
    expect(computeCost({ model: 'gpt-4o', usage, at: NOW })).toBe(0);
  });

  it('applies overrides', () => {
    const overrides: PriceOverride[] = [{ model: 'gpt-4o', input: 1, output: 1 }];
    expect(computeCost({ model: 'gpt-4o', usage: { input: 500_000, output: 500_000 }, at: NOW, overrides })).toBe(1);
  });
});

describe('PRICE_TABLE', () => {
  it('has sane rows: lowercase names, non-negative prices, valid dates', () => {
    for (const entry of PRICE_TABLE) {
      expect(entry.model).toBe(normalizeModel(entry.model));
      expect(entry.input).toBeGreaterThanOrEqual(0);
      expect(entry.output).toBeGreaterThanOrEqual(0);
      expect(entry.effectiveFrom).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Number.isNaN(Date.parse(entry.effectiveFrom))).toBe(false);
    }
    expect(PRICE_TABLE_SOURCE.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('covers every vendor the docs promise', () => {
    const vendors = new Set(PRICE_TABLE.map((e) => e.vendor));
    for (const v of ['openai', 'anthropic', 'google', 'mistral', 'meta', 'deepseek', 'cohere']) expect(vendors.has(v)).toBe(true);
  });

  it('has no two rows with the same model, hosts and date', () => {
    const keys = PRICE_TABLE.map((e) => `${e.model}|${(e.hosts ?? []).join(',')}|${e.effectiveFrom}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
