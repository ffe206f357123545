export {
  OBSERVATION_KINDS,
  OBSERVATION_STATUSES,
  CLIENT_STATUSES,
  LEVELS,
} from './model.js';
export type {
  ObservationKind,
  ObservationStatus,
  ClientStatus,
  Level,
  ErrorInfo,
  Usage,
  StreamStats,
  TraceAttributes,
  TraceId,
  SpanId,
} from './model.js';
export { SPAN_PHASES, DROP_REASONS, API_KEY_HEADER, INGEST_PATH, OTLP_TRACES_PATH } from './wire.js';
export type {
  SpanPhase,
  SpanEvent,
  SdkReportEvent,
  IngestEvent,
  IngestBatch,
  IngestResponse,
  ErrorResponse,
  DropReason,
} from './wire.js';
export {
  DEFAULT_LIMITS,
  MIN_TIMESTAMP_MS,
  MAX_TIMESTAMP_MS,
  TRACE_ID_RE,
  SPAN_ID_RE,
  ZERO_TRACE_ID,
  ZERO_SPAN_ID,
} from './limits.js';
export type { Limits } from './limits.js';
export { API_PREFIX, TRACE_SORT_FIELDS, FACET_FIELDS, METRIC_GROUP_BY } from './api.js';
export type {
  Page,
  Totals,
  TraceSummary,
  TraceSortField,
  TraceListQuery,
  FacetField,
  FacetResponse,
  ObservationSummary,
  TraceDetail,
  ObservationDetail,
  SessionSummary,
  SessionDetail,
  UserSummary,
  MetricGroupBy,
  MetricsQuery,
  Quantiles,
  MetricValues,
  MetricsGroup,
  MetricsResponse,
  ErrorTypeRow,
  SdkHealthRow,
  ProjectInfo,
  ApiKeyInfo,
  CreatedApiKey,
  LiveTraceEvent,
  ModelPrice,
  PricingResponse,
} from './api.js';
// OpenTelemetry attributes to Wisp fields, shared by the collector's OTLP endpoint and the SDK's OTel bridge.
export { AttributeBag } from './otel-mapping/attribute-bag.js';
export type { AttributeEntries } from './otel-mapping/attribute-bag.js';
export { parseJsonish } from './otel-mapping/parse-jsonish.js';
export type { JsonBounds } from './otel-mapping/parse-jsonish.js';
export { setOwn } from './otel-mapping/set-own.js';
export { mapKind, TOOL_NAME_KEYS } from './otel-mapping/map-kind.js';
export { mapGeneration } from './otel-mapping/map-generation.js';
export type { GenerationFields } from './otel-mapping/map-generation.js';
export { mapIo } from './otel-mapping/map-io.js';
export type { IoFields } from './otel-mapping/map-io.js';
export { mapEvents } from './otel-mapping/map-events.js';
export type { SpanEventView, EventFields, ExceptionInfo } from './otel-mapping/map-events.js';
export { mapTraceIdentity } from './otel-mapping/map-trace-identity.js';
export type { TraceIdentity } from './otel-mapping/map-trace-identity.js';
