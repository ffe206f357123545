/**
 * The native ingest wire format: what `POST /v1/ingest` accepts and answers.
 * Documented in docs/protocol.md. Times are Unix epoch milliseconds as numbers (fractions carry
 * microseconds), which JSON represents exactly enough for the years the collector accepts.
 */
import type {
  ClientStatus,
  ErrorInfo,
  Level,
  ObservationKind,
  SpanId,
  StreamStats,
  TraceAttributes,
  TraceId,
  Usage,
} from './model.js';

/**
 * `start`: the span began (small: no output, no end). `end`: the span finished. `update`: any
 * fields changed in between. `full`: start and end merged in the SDK's queue before sending.
 */
export const SPAN_PHASES = ['start', 'update', 'end', 'full'] as const;
export type SpanPhase = (typeof SPAN_PHASES)[number];

/**
 * One span event. Every field but the identity is optional so that an `update` carries only what
 * changed. The collector merges events of the same span order-insensitively: immutable fields
 * (traceId, spanId, startTime) are fixed by the first event that carries them; for the rest the
 * event with the later `time` wins (ties broken deterministically), so replays are idempotent.
 */
export interface SpanEvent {
  type: 'span';
  phase: SpanPhase;
  traceId: TraceId;
  spanId: SpanId;
  /** Absent for a root span. May name a span that has not arrived yet. */
  parentId?: SpanId;
  /** When this event was produced (epoch ms); orders events for last-writer-wins. */
  time: number;
  name?: string;
  kind?: ObservationKind;
  /** Epoch ms, taken once from the wall clock when the span started. */
  startTime?: number;
  /** Epoch ms: startTime plus a duration measured on a monotonic clock. */
  endTime?: number;
  status?: ClientStatus;
  level?: Level;
  /** A short human-readable status or warning message. */
  statusMessage?: string;
  error?: ErrorInfo;
  input?: unknown;
  output?: unknown;
  metadata?: Record<string, unknown>;
  /** For generations and embeddings. */
  provider?: string;
  model?: string;
  /** Model parameters (temperature, max tokens...). */
  modelParameters?: Record<string, unknown>;
  usage?: Usage;
  /** Total cost in USD. When absent the collector computes it from its price table. */
  cost?: number;
  /** Epoch ms of the first token of a streamed completion (time to first token = this - startTime). */
  completionStartTime?: number;
  stream?: StreamStats;
  /** Trace-level attributes; usually sent by the root span. */
  trace?: TraceAttributes;
  /** The name of the service (process) that produced the span. */
  service?: string;
}

/**
 * The SDK's own health, sent from time to time so the dashboard can show drops per service.
 * Counters are cumulative since the SDK instance started; the collector stores deltas.
 */
export interface SdkReportEvent {
  type: 'sdk_report';
  time: number;
  service: string;
  /** Random id of the SDK instance (one per process and client). */
  instanceId: string;
  sdkVersion: string;
  created: number;
  sent: number;
  queued: number;
  inFlight: number;
  /** Dropped spans by reason (see DROP_REASONS). */
  dropped: Record<string, number>;
  /** Failed export requests by cause (`timeout`, `network`, `http_500`...). */
  failedRequests: Record<string, number>;
}

export type IngestEvent = SpanEvent | SdkReportEvent;

/** The body of `POST /v1/ingest`. */
export interface IngestBatch {
  events: IngestEvent[];
}

/** Why the SDK dropped a span. Every drop is counted under one of these. */
export const DROP_REASONS = [
  /** The queue's byte or count cap was reached. */
  'queue_full',
  /** Sampled out (counted apart from losses, but still accounted for). */
  'sampled_out',
  /** The collector rejected the event as invalid (4xx other than 408/413/429). */
  'rejected',
  /** Retries were exhausted or the retry budget expired. */
  'retries_exhausted',
  /** A single event larger than the request limit. */
  'too_large',
  /** Still queued or in flight when shutdown's deadline passed. */
  'shutdown',
  /** Could not be serialized (should never happen; counted to be sure). */
  'serialize_failed',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/**
 * The answer to `POST /v1/ingest`: 200 when every event was accepted, 207 when some were rejected.
 * `errors` lists only the rejected items (by index in `events`) to keep answers small; a client
 * must not retry them.
 */
export interface IngestResponse {
  accepted: number;
  rejected: number;
  errors: Array<{ index: number; code: string; message: string }>;
}

/** The body of every 4xx/5xx answer of the collector. */
export interface ErrorResponse {
  error: {
    /** A stable code from the registry, e.g. `WISP_ERR_BODY_TOO_LARGE`. See docs/errors.md. */
    code: string;
    message: string;
  };
}

/** HTTP header the SDK sends the API key in (`Authorization: Bearer <key>` is accepted too). */
export const API_KEY_HEADER = 'x-wisp-api-key';

/** Paths on the collector. */
export const INGEST_PATH = '/v1/ingest';
export const OTLP_TRACES_PATH = '/v1/traces';
