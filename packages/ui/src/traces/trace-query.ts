import {
  OBSERVATION_KINDS,
  OBSERVATION_STATUSES,
  TRACE_SORT_FIELDS,
  type ObservationKind,
  type ObservationStatus,
  type TraceListQuery,
  type TraceSortField,
} from '@wisp/protocol';
import type { TraceFilters } from '../api/client.js';
import { toQueryString } from '../api/query-string.js';

/** Relative time ranges offered by the picker; `from`/`to` in the URL win over them. */
export const RANGES = { '15m': 15 * 60_000, '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
export type RangeName = keyof typeof RANGES;

/** The traces view as it lives in the URL: filters, search, sort and the time range. */
export interface TraceView extends TraceFilters {
  sort: TraceSortField;
  order: 'asc' | 'desc';
  range?: RangeName;
}

const TEXT_FIELDS = ['name', 'spanName', 'userId', 'sessionId', 'release', 'environment', 'model', 'search'] as const;
const NUMBER_FIELDS = ['from', 'to', 'minLatencyMs', 'maxLatencyMs', 'minCost'] as const;

const oneOf = <T extends string>(list: readonly T[], v: string | null): T | undefined =>
  v !== null && (list as readonly string[]).includes(v) ? (v as T) : undefined;

/** Reads the view from `?name=...&tags=a&tags=b&sort=...`; unknown or malformed values are ignored. */
export function parseTraceView(query: URLSearchParams): TraceView {
  const view: TraceView = {
    sort: oneOf(TRACE_SORT_FIELDS, query.get('sort')) ?? 'startTime',
    order: query.get('order') === 'asc' ? 'asc' : 'desc',
  };
  for (const field of TEXT_FIELDS) {
    const v = query.get(field);
    if (v) view[field] = v;
  }
  for (const field of NUMBER_FIELDS) {
    const v = Number(query.get(field) ?? NaN);
    if (query.get(field) && Number.isFinite(v)) view[field] = v;
  }
  const status = oneOf<ObservationStatus>(OBSERVATION_STATUSES, query.get('status'));
  if (status) view.status = status;
  const kind = oneOf<ObservationKind>(OBSERVATION_KINDS, query.get('kind'));
  if (kind) view.kind = kind;
  const tags = query.getAll('tags').filter(Boolean);
  if (tags.length) view.tags = tags;
  const range = oneOf(Object.keys(RANGES) as RangeName[], query.get('range'));
  if (range) view.range = range;
  return view;
}

/** The URL of a view (defaults left out, so shared links stay short). */
export function traceViewUrl(view: TraceView): string {
  const { sort, order, ...rest } = view;
  return `/traces${toQueryString({
    ...rest,
    sort: sort === 'startTime' ? undefined : sort,
    order: order === 'desc' ? undefined : order,
  })}`;
}

/** The filters the API understands, with a relative range turned into `from` at `now`. */
export function viewFilters(view: TraceView, now: number): TraceFilters {
  const { sort: _sort, order: _order, range, ...filters } = view;
  if (range && filters.from === undefined) filters.from = now - RANGES[range];
  return filters;
}

export function viewQuery(view: TraceView, now: number, limit: number): TraceListQuery {
  return { ...viewFilters(view, now), sort: view.sort, order: view.order, limit };
}

/** Whether any filter narrows the list (for the empty state's wording). */
export function hasFilters(view: TraceView): boolean {
  const { sort: _s, order: _o, ...rest } = view;
  return Object.keys(rest).length > 0;
}
