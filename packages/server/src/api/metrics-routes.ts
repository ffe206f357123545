/** `GET /api/v1/metrics`, `/metrics/errors`, `/sdk-health`. */
import type { FastifyInstance } from 'fastify';
import { API_PREFIX, type MetricsQuery } from '@wisp/protocol';
import type { MetricsReader } from '../store/store.js';
import { WispError } from '../errors.js';
import { MAX_RANGE_MS, METRICS_PARAMS, SDK_HEALTH_PARAMS } from './params.js';
import { projectOf } from './project-of.js';
import { checkRange, parseQuery } from './query-params.js';

/** Default range of aggregate endpoints when `from`/`to` are omitted. */
export const DEFAULT_RANGE_MS = 86_400_000;
/** Most buckets of one series. */
export const MAX_BUCKETS = 1_500;

function resolveRange(q: { from?: number; to?: number; bucketMs?: number }, now: number): { from: number; to: number } {
  const to = q.to ?? (q.from !== undefined ? Math.min(q.from + DEFAULT_RANGE_MS, now) : now);
  const from = q.from ?? to - DEFAULT_RANGE_MS;
  checkRange(from, to, MAX_RANGE_MS);
  if (q.bucketMs !== undefined && (to - from) / q.bucketMs > MAX_BUCKETS) {
    throw new WispError('WISP_ERR_BAD_QUERY', `Query parameter \`bucketMs\` gives more than ${MAX_BUCKETS} buckets over this range.`);
  }
  return { from, to };
}

export function parseMetricsQuery(raw: unknown, now = Date.now()): MetricsQuery {
  const q = parseQuery(raw, METRICS_PARAMS);
  return { ...q, ...resolveRange(q, now) };
}

export function registerMetricsRoutes(app: FastifyInstance, store: MetricsReader): void {
  app.get(`${API_PREFIX}/metrics`, async (request) => store.metrics(projectOf(request), parseMetricsQuery(request.query)));

  app.get(`${API_PREFIX}/metrics/errors`, async (request) => ({
    items: await store.errorTypes(projectOf(request), parseMetricsQuery(request.query)),
  }));

  app.get(`${API_PREFIX}/sdk-health`, async (request) => {
    const projectId = projectOf(request);
    const q = parseQuery(request.query, SDK_HEALTH_PARAMS);
    return { items: await store.sdkHealth(projectId, { ...q, ...resolveRange(q, Date.now()) }) };
  });
}
