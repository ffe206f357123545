export { computeCost } from './compute-cost.js';
export type { CostQuery } from './compute-cost.js';
export { findPrice } from './find-price.js';
export type { PriceQuery, MatchedPrice } from './find-price.js';
export { PRICE_TABLE, PRICE_TABLE_SOURCE } from './price-table.js';
export type { PriceEntry, PriceOverride } from './price-entry.js';
export { normalizeModel, normalizeProvider } from './model-name.js';
