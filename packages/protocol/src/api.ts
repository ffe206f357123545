/**
 * The query API (`/api/v1`): request and response types. The dashboard and user scripts are built
 * on these and nothing else. Documented with examples in docs/api.md. Times are epoch ms.
 */
import type {
  ErrorInfo,
  Level,
  ObservationKind,
  ObservationStatus,
  StreamStats,
  Usage,
} from './model.js';

export const API_PREFIX = '/api/v1';

/** A page of results with an opaque cursor for the next page (null at the end). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Totals rolled up over a set of observations (a trace, a subtree, a session). */
export interface Totals {
  spanCount: number;
  errorCount: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** USD. */
  cost: number;
}

/** One row of the traces table. */
export interface TraceSummary extends Totals {
  traceId: string;
  name: string | null;
  startTime: number;
  endTime: number | null;
  durationMs: number | null;
  /** `error` when the root or any span failed; `running` while the root has not ended. */
  status: ObservationStatus;
  userId: string | null;
  sessionId: string | null;
  tags: string[];
  release: string | null;
  environment: string | null;
  service: string | null;
  /** First characters of the trace input and output as text, for the table. */
  inputPreview: string | null;
  outputPreview: string | null;
}

export const TRACE_SORT_FIELDS = ['startTime', 'durationMs', 'cost', 'totalTokens'] as const;
export type TraceSortField = (typeof TRACE_SORT_FIELDS)[number];

/** Query string of `GET /api/v1/traces` (arrays as repeated parameters). */
export interface TraceListQuery {
  from?: number;
  to?: number;
  name?: string;
  status?: ObservationStatus;
  /**
   * Traces containing at least one observation with this name (a node, tool or model call deep in
   * the tree, where `name` matches the trace's own name only).
   */
  spanName?: string;
  /** Traces containing at least one observation of this kind. */
  kind?: ObservationKind;
  userId?: string;
  sessionId?: string;
  /** Traces having all of these tags. */
  tags?: string[];
  release?: string;
  environment?: string;
  /** Traces containing a generation with this model. */
  model?: string;
  minLatencyMs?: number;
  maxLatencyMs?: number;
  minCost?: number;
  /** Case-insensitive substring search in trace names, inputs and outputs. */
  search?: string;
  /** Only these traces (at most 200), e.g. to refresh rows the live view reported. */
  traceIds?: string[];
  sort?: TraceSortField;
  order?: 'asc' | 'desc';
  /** Page size, 1..200, default 50. */
  limit?: number;
  cursor?: string;
}

/** `GET /api/v1/traces/facets?field=...`: distinct values of a filter with counts. */
export const FACET_FIELDS = [
  'name',
  'status',
  'kind',
  'userId',
  'sessionId',
  'tags',
  'release',
  'environment',
  'model',
  'service',
] as const;
export type FacetField = (typeof FACET_FIELDS)[number];
export interface FacetResponse {
  field: FacetField;
  values: Array<{ value: string; count: number }>;
}

/** An observation in a trace detail, without its input and output (fetched on demand). */
export interface ObservationSummary {
  spanId: string;
  traceId: string;
  parentId: string | null;
  name: string;
  kind: ObservationKind;
  startTime: number;
  endTime: number | null;
  durationMs: number | null;
  status: ObservationStatus;
  level: Level;
  statusMessage: string | null;
  error: ErrorInfo | null;
  service: string | null;
  provider: string | null;
  model: string | null;
  modelParameters: Record<string, unknown> | null;
  usage: Usage | null;
  cost: number | null;
  completionStartTime: number | null;
  /** Time to first token in ms, for streamed generations. */
  ttftMs: number | null;
  stream: StreamStats | null;
  metadata: Record<string, unknown> | null;
  /** Serialized sizes in bytes of the input and output (0 when absent). */
  inputBytes: number;
  outputBytes: number;
  /** Totals of this observation and all its descendants. */
  subtree: Totals;
  /** Whether this observation lies on the trace's critical path. */
  critical: boolean;
}

/** `GET /api/v1/traces/{traceId}`. Observations sorted by start time; parents may be missing. */
export interface TraceDetail {
  trace: TraceSummary & {
    metadata: Record<string, unknown> | null;
    input: unknown;
    output: unknown;
  };
  observations: ObservationSummary[];
  /** Span ids of the critical path, root first. */
  criticalPath: string[];
}

/** `GET /api/v1/traces/{traceId}/observations/{spanId}`: one observation with its payloads. */
export interface ObservationDetail extends ObservationSummary {
  input: unknown;
  output: unknown;
}

/** `GET /api/v1/sessions` rows and `GET /api/v1/sessions/{sessionId}`. */
export interface SessionSummary extends Totals {
  sessionId: string;
  traceCount: number;
  firstTime: number;
  lastTime: number;
  userIds: string[];
}
export interface SessionDetail {
  session: SessionSummary;
  /** In start-time order. */
  traces: TraceSummary[];
}

/** `GET /api/v1/users` rows and `GET /api/v1/users/{userId}`. */
export interface UserSummary extends Totals {
  userId: string;
  traceCount: number;
  sessionCount: number;
  firstTime: number;
  lastTime: number;
}

export const METRIC_GROUP_BY = [
  'name',
  'kind',
  'model',
  'provider',
  'userId',
  'release',
  'environment',
] as const;
export type MetricGroupBy = (typeof METRIC_GROUP_BY)[number];

/** Query string of `GET /api/v1/metrics`. */
export interface MetricsQuery {
  from: number;
  to: number;
  /** Bucket size in ms for the time series; default chosen to give about 60 buckets. */
  bucketMs?: number;
  groupBy?: MetricGroupBy;
  /** Filters applied before grouping. */
  kind?: ObservationKind;
  name?: string;
  model?: string;
  provider?: string;
  environment?: string;
  release?: string;
  /** Groups returned, ranked by `sort` (default impact), at most 500. Default 100. */
  limit?: number;
  sort?: 'impact' | 'count' | 'errorRate' | 'p95' | 'cost' | 'tokens';
}

export interface Quantiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface MetricValues {
  count: number;
  errorCount: number;
  /** errorCount / count, 0..1. */
  errorRate: number;
  /** Observations per second over the range (or the bucket, in a series). */
  rate: number;
  latency: Quantiles & { avg: number | null };
  /** Time to first token, only for streamed generations. */
  ttft: Quantiles;
  tokens: Required<Omit<Usage, 'reasoning'>> & { reasoning: number };
  cost: number;
}

export interface MetricsGroup extends MetricValues {
  /** The value of the grouping field (null for observations without it). */
  key: string | null;
  /** The kind of the group's observations when grouped by name (the most frequent one). */
  kind: ObservationKind | null;
  /** rate × mean latency: how much waiting this group causes; ranks what matters. */
  impact: number;
  /** Per bucket, oldest first; only buckets with data. */
  series: Array<MetricValues & { t: number }>;
}

export interface MetricsResponse {
  from: number;
  to: number;
  bucketMs: number;
  groupBy: MetricGroupBy | null;
  /** Over all observations matching the filters. */
  total: MetricValues;
  totalSeries: Array<MetricValues & { t: number }>;
  groups: MetricsGroup[];
  /** Relative error bound of the quantiles, from the rollup histograms (e.g. 0.05). */
  quantileRelativeError: number;
}

/** `GET /api/v1/metrics/errors`: errors by type. Same filters as metrics. */
export interface ErrorTypeRow {
  errorType: string;
  count: number;
  lastSeen: number;
  /** One recent message of this type and where it happened. */
  sampleMessage: string | null;
  sampleTraceId: string | null;
  names: string[];
}

/** `GET /api/v1/sdk-health?from&to`: what SDKs reported about themselves, per service. */
export interface SdkHealthRow {
  service: string;
  instances: number;
  lastSeen: number;
  created: number;
  sent: number;
  dropped: Record<string, number>;
  failedRequests: Record<string, number>;
  series: Array<{ t: number; created: number; sent: number; dropped: number; failed: number }>;
}

/** Projects and keys (`/api/v1/projects`, `/api/v1/projects/{id}/keys`), admin only. */
export interface ProjectInfo {
  id: string;
  name: string;
  createdAt: number;
  retentionDays: number;
}
export interface ApiKeyInfo {
  id: string;
  projectId: string;
  name: string;
  /** The first characters of the key, to recognize it. */
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}
/** Returned once, when the key is created; the secret is never shown again. */
export interface CreatedApiKey extends ApiKeyInfo {
  secret: string;
}

/** `GET /api/v1/live` is a server-sent event stream of `trace` events with a TraceSummary. */
export interface LiveTraceEvent {
  type: 'trace';
  trace: TraceSummary;
}

/** One price of `GET /api/v1/pricing`: USD per 1 M tokens of a model from `effectiveFrom` on. */
export interface ModelPrice {
  /** Base model name; matches names equal to it or starting with it followed by `-`, `@`, `:` or `/`. */
  model: string;
  vendor: string;
  /** Only for spans whose provider is one of these (host-specific prices), when set. */
  hosts: string[] | null;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  /** `YYYY-MM-DD` (UTC). */
  effectiveFrom: string;
}

/** `GET /api/v1/pricing`: the built-in price table the collector uses to cost spans without a cost. */
export interface PricingResponse {
  currency: 'USD';
  unit: 'per 1M tokens';
  /** Where the prices come from and the date they were checked. */
  source: { asOf: string; note: string };
  models: ModelPrice[];
}
