/**
 * Default limits of the native wire. The collector enforces them (all configurable); the SDK keeps
 * its batches and events under them so that a healthy SDK never sees a 413.
 */
export const DEFAULT_LIMITS = {
  /** Request body size after decompression. */
  maxRequestBytes: 20 * 1024 * 1024,
  /** One event, serialized. */
  maxEventBytes: 4 * 1024 * 1024,
  /** JSON nesting depth of a request. */
  maxJsonDepth: 64,
  /** Events in one request. */
  maxEventsPerRequest: 10_000,
  /** Keys of one metadata/attributes object (top level). */
  maxAttributes: 1_000,
  /** Length of a name, id-like string (user id, session id, tag, model...). */
  maxNameLength: 1_000,
  /** Tags per trace. */
  maxTags: 100,
  /** Ratio of decompressed to compressed size beyond which a gzip body is refused as a bomb. */
  maxCompressionRatio: 200,
} as const;
export type Limits = { -readonly [K in keyof typeof DEFAULT_LIMITS]: number };

/** Timestamps outside this window (epoch ms) are rejected: 2000-01-01 to 2100-01-01. */
export const MIN_TIMESTAMP_MS = 946_684_800_000;
export const MAX_TIMESTAMP_MS = 4_102_444_800_000;

/** W3C trace context id formats. */
export const TRACE_ID_RE = /^[0-9a-f]{32}$/;
export const SPAN_ID_RE = /^[0-9a-f]{16}$/;
export const ZERO_TRACE_ID = '0'.repeat(32);
export const ZERO_SPAN_ID = '0'.repeat(16);
