import type { PriceEntry, PriceOverride } from './price-entry.js';
import { PRICE_TABLE } from './price-table.js';
import { normalizeModel, normalizeProvider } from './model-name.js';

/** What to price: the model as the client reported it, and when the call happened. */
export interface PriceQuery {
  provider?: string;
  model: string;
  /** Epoch ms of the call; selects the price in effect then. Defaults to now. */
  at?: number;
  overrides?: readonly PriceOverride[];
}

/** A matched price, with where it came from. */
export interface MatchedPrice extends PriceEntry {
  source: 'override' | 'builtin';
}

const SEPARATORS = new Set(['-', '@', ':', '/', '_']);
// Cached candidate lists per (provider, model): ingest prices the same few models over and over.
const CACHE_LIMIT = 2_000;
const builtinCache = new Map<string, BuiltinMatch>();
const normalizedModels = new Map<string, string>();

function matchesBase(name: string, base: string): boolean {
  if (!name.startsWith(base)) return false;
  return name.length === base.length || SEPARATORS.has(name.charAt(base.length));
}

// Effective dates parsed once: `inEffect` runs for every priced span at ingest.
const dayMsCache = new Map<string, number>();

function dayMs(date: string | undefined): number {
  if (date === undefined) return Number.NEGATIVE_INFINITY;
  let ms = dayMsCache.get(date);
  if (ms === undefined) {
    ms = Date.parse(`${date}T00:00:00Z`);
    if (Number.isNaN(ms)) ms = Number.NEGATIVE_INFINITY;
    if (dayMsCache.size >= CACHE_LIMIT) dayMsCache.clear();
    dayMsCache.set(date, ms);
  }
  return ms;
}

/**
 * Of the rows of one model (its price history), the one in effect at `at`; when `at` predates them
 * all, the earliest, since an old call priced at the first known price beats no price.
 */
function inEffect<T extends { effectiveFrom?: string }>(history: T[], at: number): T | undefined {
  let best: T | undefined;
  let earliest: T | undefined;
  for (const row of history) {
    const from = dayMs(row.effectiveFrom);
    if (earliest === undefined || from < dayMs(earliest.effectiveFrom)) earliest = row;
    if (from <= at && (best === undefined || from >= dayMs(best.effectiveFrom))) best = row;
  }
  return best ?? earliest;
}

interface BuiltinMatch {
  /** Length of the matched base name; -1 when nothing matched. */
  baseLength: number;
  /** The rows of that base (its price history). */
  rows: PriceEntry[];
}

/** The built-in rows for the most specific base matching this model, all dates. */
function builtinMatch(model: string, provider: string | undefined): BuiltinMatch {
  const key = `${provider ?? ''}\u0000${model}`;
  const cached = builtinCache.get(key);
  if (cached) return cached;
  let bestScore = -1;
  let rows: PriceEntry[] = [];
  for (const entry of PRICE_TABLE) {
    if (!matchesBase(model, entry.model)) continue;
    let score = entry.model.length * 2;
    if (entry.hosts) {
      if (provider === undefined || !entry.hosts.includes(provider)) continue;
      score += 1; // same base: the host's own price beats the generic one
    }
    if (score > bestScore) {
      bestScore = score;
      rows = [entry];
    } else if (score === bestScore) rows.push(entry);
  }
  const match = { baseLength: bestScore < 0 ? -1 : Math.floor(bestScore / 2), rows };
  if (builtinCache.size >= CACHE_LIMIT) builtinCache.clear();
  builtinCache.set(key, match);
  return match;
}

const compiledPatterns = new WeakMap<PriceOverride, RegExp | null>();

function overridePattern(override: PriceOverride): RegExp | null {
  let re = compiledPatterns.get(override);
  if (re === undefined) {
    try {
      re = new RegExp(override.pattern ?? '', 'i');
    } catch {
      re = null; // an invalid pattern in a config matches nothing rather than failing ingest
    }
    compiledPatterns.set(override, re);
  }
  return re;
}

// A pattern is an explicit choice by the operator: it beats any base-name match.
const PATTERN_SCORE = 1_000_000;

function overrideCandidates(
  overrides: readonly PriceOverride[],
  rawModel: string,
  model: string,
  provider: string | undefined,
): { score: number; found: PriceOverride[] } {
  let bestScore = -1;
  let found: PriceOverride[] = [];
  for (const override of overrides) {
    if (override.provider !== undefined && normalizeProvider(override.provider) !== provider) continue;
    let score: number;
    if (override.model !== undefined) {
      const base = normalizeModel(override.model);
      if (!matchesBase(model, base)) continue;
      score = base.length;
    } else if (override.pattern !== undefined) {
      const re = overridePattern(override);
      if (!re || !(re.test(rawModel) || re.test(model))) continue;
      score = PATTERN_SCORE + override.pattern.length;
    } else continue;
    if (override.provider !== undefined) score += 0.5;
    if (score > bestScore) {
      bestScore = score;
      found = [override];
    } else if (score === bestScore) found.push(override);
  }
  return { score: bestScore, found };
}

/**
 * The price of a model at a point in time: a matching per-project override if any, else the most
 * specific built-in row (longest base name; for equal names, the provider's own host price), taking
 * the row in effect at `at`. `null` when nothing matches.
 *
 * @example
 * ```ts
 * findPrice({ model: 'gpt-4o-2024-08-06' })?.input; // 2.5 (USD per 1 M tokens)
 * ```
 */
export function findPrice(query: PriceQuery): MatchedPrice | null {
  if (typeof query.model !== 'string') return null;
  let model = normalizedModels.get(query.model);
  if (model === undefined) {
    model = normalizeModel(query.model);
    if (normalizedModels.size >= CACHE_LIMIT) normalizedModels.clear();
    normalizedModels.set(query.model, model);
  }
  if (model === '') return null;
  const provider = query.provider ? normalizeProvider(query.provider) : undefined;
  const at = query.at ?? Date.now();

  const builtin = builtinMatch(model, provider);
  if (query.overrides && query.overrides.length > 0) {
    const rawModel = query.model.trim().toLowerCase();
    const candidates = overrideCandidates(query.overrides, rawModel, model, provider);
    // An override for `gpt-4o` must not reprice `gpt-4o-mini`, which the table knows better.
    const override = candidates.score >= builtin.baseLength ? inEffect(candidates.found, at) : undefined;
    if (override) {
      const matched: MatchedPrice = {
        model: override.model ?? override.pattern ?? model,
        vendor: provider ?? 'custom',
        input: override.input,
        output: override.output,
        effectiveFrom: override.effectiveFrom ?? '1970-01-01',
        source: 'override',
      };
      if (override.cacheRead !== undefined) matched.cacheRead = override.cacheRead;
      if (override.cacheWrite !== undefined) matched.cacheWrite = override.cacheWrite;
      return matched;
    }
  }
  const entry = inEffect(builtin.rows, at);
  return entry ? { ...entry, source: 'builtin' } : null;
}
