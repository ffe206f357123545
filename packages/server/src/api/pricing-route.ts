/** `GET /api/v1/pricing`: the built-in price table (cost is computed at ingest from it). */
import type { FastifyInstance } from 'fastify';
import { API_PREFIX, type PricingResponse } from '@wisp/protocol';
import { PRICE_TABLE, PRICE_TABLE_SOURCE } from '../pricing/index.js';
import { projectOf } from './project-of.js';
import { parseQuery } from './query-params.js';

export function pricingResponse(): PricingResponse {
  return {
    currency: 'USD',
    unit: 'per 1M tokens',
    source: { asOf: PRICE_TABLE_SOURCE.asOf, note: PRICE_TABLE_SOURCE.note },
    models: PRICE_TABLE.map((p) => ({
      model: p.model,
      vendor: p.vendor,
      hosts: p.hosts ? [...p.hosts] : null,
      input: p.input,
      output: p.output,
      cacheRead: p.cacheRead ?? p.input,
      cacheWrite: p.cacheWrite ?? p.input,
      effectiveFrom: p.effectiveFrom,
    })),
  };
}

export function registerPricingRoute(app: FastifyInstance): void {
  const body = pricingResponse();
  app.get(`${API_PREFIX}/pricing`, async (request) => {
    projectOf(request);
    parseQuery(request.query, {});
    return body;
  });
}
