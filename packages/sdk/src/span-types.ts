/**
 * Public types of spans: what can be set on a span at start, while it runs, and at its end.
 */
import type { Level, ObservationKind, StreamStats, TraceAttributes, Usage } from '@wisp/protocol';

/** The identity of a span in another process or client, e.g. from `extract(headers)`. */
export interface SpanContext {
  traceId: string;
  spanId: string;
  /** The upstream sampling decision (`traceparent` flag `01`). When absent, the local sampler decides. */
  sampled?: boolean;
  /** The W3C `tracestate` header, passed through unchanged. */
  traceState?: string;
}

/** Fields that can be set on a span at any time before it ends. */
export interface SpanAttributes {
  name?: string;
  input?: unknown;
  output?: unknown;
  /** Merged (shallowly) with the metadata already set. */
  metadata?: Record<string, unknown>;
  level?: Level;
  statusMessage?: string;
  /** For generations and embeddings: `openai`, `anthropic`... */
  provider?: string;
  model?: string;
  modelParameters?: Record<string, unknown>;
  usage?: Usage;
  /** Total cost in USD. */
  cost?: number;
  /** When the first token arrived: epoch ms or a Date. Prefer `span.markFirstToken()`. */
  completionStartTime?: number | Date;
  stream?: StreamStats;
}

/** Options of `span.end()`. */
export interface SpanEndOptions extends SpanAttributes {
  /** Epoch ms or Date; defaults to now (start + monotonic duration). */
  endTime?: number | Date;
  /** Marks the span as failed with this error. */
  error?: unknown;
  /** Defaults to `error` when an error was set, `ok` otherwise. */
  status?: 'ok' | 'error';
}

/** Options when starting a span. */
export interface SpanOptions extends SpanAttributes {
  /** @default 'span' (or 'generation' for `startGeneration`) */
  kind?: ObservationKind;
  /** The parent: a span, or a remote context from `extract()`. Defaults to the active span. */
  parent?: SpanContext;
  /** Start a new trace even inside an active span. @default false */
  root?: boolean;
  /** Epoch ms or Date, for spans recorded after the fact. @default now */
  startTime?: number | Date;
}

/** Trace-level attributes, set with `trace(..., options)` or `span.updateTrace()`: the wire's `TraceAttributes`. */
export type TraceAttributesInput = TraceAttributes;
