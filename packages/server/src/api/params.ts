/**
 * The query parameters of each endpoint, declared once: the routes parse with these and
 * docs/api.md lists them.
 */
import {
  FACET_FIELDS,
  METRIC_GROUP_BY,
  OBSERVATION_KINDS,
  OBSERVATION_STATUSES,
  TRACE_ID_RE,
  TRACE_SORT_FIELDS,
  type TraceListQuery,
} from '@wisp/protocol';
import { WispError } from '../errors.js';
import { checkRange, parseQuery, type ParamSpec } from './query-params.js';

/** Page sizes of list endpoints. */
export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;
/** Longest time range of aggregate endpoints (metrics, errors, SDK health). */
export const MAX_RANGE_MS = 90 * 86_400_000;
/** Most traces one export request streams. */
export const MAX_EXPORT_TRACES = 10_000;
/** Longest search text. */
export const MAX_SEARCH_LENGTH = 200;

const LATENCY_MAX_MS = 366 * 86_400_000;
const COST_MAX_USD = 1e9;

const text = { type: 'string' } as const;

export const TRACE_FILTER_PARAMS = {
  from: { type: 'time' },
  to: { type: 'time' },
  name: text,
  spanName: text,
  status: { type: 'enum', values: OBSERVATION_STATUSES },
  kind: { type: 'enum', values: OBSERVATION_KINDS },
  userId: text,
  sessionId: text,
  tags: { type: 'strings' },
  release: text,
  environment: text,
  model: text,
  minLatencyMs: { type: 'number', min: 0, max: LATENCY_MAX_MS },
  maxLatencyMs: { type: 'number', min: 0, max: LATENCY_MAX_MS },
  minCost: { type: 'number', min: 0, max: COST_MAX_USD },
  search: { type: 'string', maxLength: MAX_SEARCH_LENGTH },
  traceIds: { type: 'strings', maxItems: MAX_PAGE_SIZE, maxLength: 32 },
} as const satisfies Record<string, ParamSpec>;

export const TRACE_LIST_PARAMS = {
  ...TRACE_FILTER_PARAMS,
  sort: { type: 'enum', values: TRACE_SORT_FIELDS },
  order: { type: 'enum', values: ['asc', 'desc'] },
  limit: { type: 'int', min: 1, max: MAX_PAGE_SIZE },
  cursor: { type: 'string', maxLength: 512, pattern: /^[A-Za-z0-9_-]+$/ },
} as const satisfies Record<string, ParamSpec>;

export const FACET_PARAMS = {
  ...TRACE_FILTER_PARAMS,
  field: { type: 'enum', values: FACET_FIELDS },
} as const satisfies Record<string, ParamSpec>;

export const EXPORT_PARAMS = {
  ...TRACE_FILTER_PARAMS,
  sort: TRACE_LIST_PARAMS.sort,
  order: TRACE_LIST_PARAMS.order,
  limit: { type: 'int', min: 1, max: MAX_EXPORT_TRACES },
} as const satisfies Record<string, ParamSpec>;

export const PAGE_PARAMS = {
  from: { type: 'time' },
  to: { type: 'time' },
  limit: TRACE_LIST_PARAMS.limit,
  cursor: TRACE_LIST_PARAMS.cursor,
} as const satisfies Record<string, ParamSpec>;

export const METRICS_PARAMS = {
  from: { type: 'time' },
  to: { type: 'time' },
  bucketMs: { type: 'int', min: 60_000, max: MAX_RANGE_MS },
  groupBy: { type: 'enum', values: METRIC_GROUP_BY },
  kind: TRACE_FILTER_PARAMS.kind,
  name: text,
  model: text,
  provider: text,
  environment: text,
  release: text,
  limit: { type: 'int', min: 1, max: 500 },
  sort: { type: 'enum', values: ['impact', 'count', 'errorRate', 'p95', 'cost', 'tokens'] },
} as const satisfies Record<string, ParamSpec>;

export const SDK_HEALTH_PARAMS = {
  from: { type: 'time' },
  to: { type: 'time' },
  bucketMs: METRICS_PARAMS.bucketMs,
} as const satisfies Record<string, ParamSpec>;

/** Parses trace filters (and list options, when the spec has them) into a TraceListQuery. */
export function parseTraceQuery(raw: unknown, spec: typeof TRACE_LIST_PARAMS | typeof EXPORT_PARAMS | typeof TRACE_FILTER_PARAMS): TraceListQuery {
  const q = parseQuery(raw, spec as typeof TRACE_LIST_PARAMS) as TraceListQuery;
  checkRange(q.from, q.to);
  if (q.minLatencyMs !== undefined && q.maxLatencyMs !== undefined && q.minLatencyMs > q.maxLatencyMs) {
    throw new WispError('WISP_ERR_BAD_QUERY', 'Query parameter `minLatencyMs` must not exceed `maxLatencyMs`.');
  }
  if (q.traceIds) {
    q.traceIds = q.traceIds.map((id) => id.toLowerCase());
    if (!q.traceIds.every((id) => TRACE_ID_RE.test(id))) {
      throw new WispError('WISP_ERR_BAD_QUERY', 'Query parameter `traceIds` must hold trace ids of 32 hex characters.');
    }
  }
  return q;
}
