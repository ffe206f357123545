/**
 * Span events with their JSON already serialized: what the write path consumes.
 *
 * Everything here depends on one event alone (no stored state), so it can run on any thread. With
 * the write worker it runs on the main thread, next to validation: the write thread, which is the
 * collector's bottleneck, then neither serializes payloads nor receives nested objects (strings
 * and flat records travel between threads far more cheaply, see packed-writes.ts).
 */
import type { ClientStatus, Level, ObservationKind, SdkReportEvent, SpanEvent, SpanPhase, TraceAttributes } from '@wisp/protocol';
import type { ProjectWrite } from '../store.js';
import { canonicalUsage, payloadHash } from './span-merge.js';
import { previewOf } from './trace-state.js';

/** An input or output value as the store keeps it. */
export interface PreparedPayload {
  /** JSON text. */
  json: string;
  /** payloadHash(json): the merge's tie-break key. */
  hash: string;
  /** UTF-8 bytes of json. */
  bytes: number;
  /** previewOf(value), when computed (always for trace attributes; for spans that may be roots). */
  preview: string | null | undefined;
}

export interface PreparedTraceAttributes {
  name: string | undefined;
  userId: string | undefined;
  sessionId: string | undefined;
  release: string | undefined;
  environment: string | undefined;
  /** JSON text. */
  metadata: string | undefined;
  tags: string[] | undefined;
  input: PreparedPayload | undefined;
  output: PreparedPayload | undefined;
}

/** A SpanEvent whose object-valued fields are JSON text (undefined: the event does not carry it). */
export interface PreparedSpanEvent {
  phase: SpanPhase;
  traceId: string;
  spanId: string;
  parentId: string | undefined;
  time: number;
  name: string | undefined;
  kind: ObservationKind | undefined;
  startTime: number | undefined;
  endTime: number | undefined;
  status: ClientStatus | undefined;
  level: Level | undefined;
  statusMessage: string | undefined;
  /** JSON of ErrorInfo (null when the event carried `error: null`). */
  error: string | null | undefined;
  errorType: string | null | undefined;
  errorMessage: string | null | undefined;
  service: string | undefined;
  provider: string | undefined;
  model: string | undefined;
  /** JSON. */
  modelParameters: string | null | undefined;
  /** canonicalUsage() of the usage (null: no counts). */
  usage: string | null | undefined;
  cost: number | undefined;
  completionStartTime: number | undefined;
  /** JSON. */
  stream: string | null | undefined;
  /** JSON. */
  metadata: string | null | undefined;
  input: PreparedPayload | undefined;
  output: PreparedPayload | undefined;
  trace: PreparedTraceAttributes | undefined;
}

export interface PreparedWrite {
  projectId: string;
  spans: PreparedSpanEvent[];
  reports: SdkReportEvent[];
}

function json(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(value);
}

function payload(value: unknown, withPreview: boolean): PreparedPayload | undefined {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined) return undefined;
  return { json: text, hash: payloadHash(text), bytes: Buffer.byteLength(text), preview: withPreview ? previewOf(value) : undefined };
}

function prepareTrace(a: TraceAttributes): PreparedTraceAttributes {
  return {
    name: a.name,
    userId: a.userId,
    sessionId: a.sessionId,
    release: a.release,
    environment: a.environment,
    metadata: a.metadata !== undefined ? (JSON.stringify(a.metadata) as string | undefined) : undefined,
    tags: Array.isArray(a.tags) ? a.tags : undefined,
    input: payload(a.input, true),
    output: payload(a.output, true),
  };
}

export function prepareSpanEvent(e: SpanEvent): PreparedSpanEvent {
  // Only a root's input/output becomes the trace's preview; a span with a parent is no root.
  const mayBeRoot = e.parentId === undefined || e.parentId === null;
  return {
    phase: e.phase,
    traceId: e.traceId,
    spanId: e.spanId,
    parentId: e.parentId,
    time: e.time,
    name: e.name,
    kind: e.kind,
    startTime: e.startTime,
    endTime: e.endTime,
    status: e.status,
    level: e.level,
    statusMessage: e.statusMessage,
    error: e.error !== undefined ? json(e.error) : undefined,
    errorType: e.error !== undefined ? (e.error?.type ?? null) : undefined,
    errorMessage: e.error !== undefined ? (e.error?.message ?? null) : undefined,
    service: e.service,
    provider: e.provider,
    model: e.model,
    modelParameters: e.modelParameters !== undefined ? json(e.modelParameters) : undefined,
    usage: e.usage !== undefined ? canonicalUsage(e.usage) : undefined,
    cost: e.cost,
    completionStartTime: e.completionStartTime,
    stream: e.stream !== undefined ? json(e.stream) : undefined,
    metadata: e.metadata !== undefined ? json(e.metadata) : undefined,
    input: payload(e.input, mayBeRoot),
    output: payload(e.output, mayBeRoot),
    trace: e.trace !== undefined && e.trace !== null ? prepareTrace(e.trace) : undefined,
  };
}

export function prepareWrites(writes: readonly ProjectWrite[]): PreparedWrite[] {
  return writes.map((w) => ({ projectId: w.projectId, spans: w.spans.map(prepareSpanEvent), reports: w.reports }));
}
