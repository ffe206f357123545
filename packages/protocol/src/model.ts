/**
 * Wisp's data model: the vocabulary shared by the SDK, the collector, the query API and the dashboard.
 * See docs/protocol.md for the meaning of every field.
 */

/** What an observation represents. `span` is the generic kind; `event` is a point in time. */
export const OBSERVATION_KINDS = [
  'span',
  'agent',
  'chain',
  'tool',
  'generation',
  'retriever',
  'embedding',
  'guardrail',
  'event',
] as const;
export type ObservationKind = (typeof OBSERVATION_KINDS)[number];

/**
 * Lifecycle status. `running` until an end arrives; `abandoned` when no end arrived within the
 * abandon timeout (set by the collector, never by a client).
 */
export const OBSERVATION_STATUSES = ['running', 'ok', 'error', 'abandoned'] as const;
export type ObservationStatus = (typeof OBSERVATION_STATUSES)[number];

/** Statuses a client may send. */
export const CLIENT_STATUSES = ['running', 'ok', 'error'] as const;
export type ClientStatus = (typeof CLIENT_STATUSES)[number];

export const LEVELS = ['debug', 'default', 'warning', 'error'] as const;
export type Level = (typeof LEVELS)[number];

/** An error recorded on an observation. */
export interface ErrorInfo {
  /** The error's class or type, e.g. `TypeError`, `RateLimitError`, `HTTP 429`. */
  type: string;
  message: string;
  stack?: string;
}

/** Token usage of a generation or embedding. All counts are non-negative integers. */
export interface Usage {
  input?: number;
  output?: number;
  /** Input tokens served from the provider's prompt cache. */
  cacheRead?: number;
  /** Input tokens written to the provider's prompt cache. */
  cacheWrite?: number;
  reasoning?: number;
  /** Defaults to input + output when absent. */
  total?: number;
}

/** Streaming statistics of a generation. */
export interface StreamStats {
  chunks?: number;
  /** Largest gap between two chunks, in milliseconds. */
  maxChunkGapMs?: number;
  /** Mean gap between chunks, in milliseconds. */
  meanChunkGapMs?: number;
}

/** Trace-level attributes, carried by any span event of the trace (usually the root). */
export interface TraceAttributes {
  name?: string;
  userId?: string;
  sessionId?: string;
  tags?: string[];
  metadata?: Record<string, unknown>;
  release?: string;
  environment?: string;
  input?: unknown;
  output?: unknown;
}

/** A trace id: 32 lowercase hex characters, not all zero (W3C trace context). */
export type TraceId = string;
/** A span id: 16 lowercase hex characters, not all zero (W3C trace context). */
export type SpanId = string;
