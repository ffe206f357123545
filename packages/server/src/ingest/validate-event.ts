/**
 * Validation of native ingest events into normalized `SpanEvent` / `SdkReportEvent` values.
 * Unknown fields are dropped (forward compatibility); known fields are checked for type, range and
 * size. A problem is reported as a message naming the field, for the 207 answer.
 */
import {
  CLIENT_STATUSES,
  type ClientStatus,
  type Level,
  type ObservationKind,
  type SpanPhase,
  LEVELS,
  MAX_TIMESTAMP_MS,
  MIN_TIMESTAMP_MS,
  OBSERVATION_KINDS,
  SPAN_ID_RE,
  SPAN_PHASES,
  TRACE_ID_RE,
  ZERO_SPAN_ID,
  ZERO_TRACE_ID,
  type ErrorInfo,
  type Limits,
  type SdkReportEvent,
  type SpanEvent,
  type StreamStats,
  type TraceAttributes,
  type Usage,
} from '@wisp/protocol';

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; message: string };

/** Thrown inside the validators and caught once per event; never escapes this module. */
class Invalid {
  constructor(readonly message: string) {}
}

const KINDS = new Set<string>(OBSERVATION_KINDS);
const PHASES = new Set<string>(SPAN_PHASES);
const STATUSES = new Set<string>(CLIENT_STATUSES);
const LEVEL_SET = new Set<string>(LEVELS);
/** Free text (status messages, error messages, stacks) is bounded by the event size only. */
const USAGE_KEYS = ['input', 'output', 'cacheRead', 'cacheWrite', 'reasoning', 'total'] as const;
const STREAM_KEYS = ['chunks', 'maxChunkGapMs', 'meanChunkGapMs'] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return v.length > 40 ? `a string of ${v.length} characters` : JSON.stringify(v);
  if (typeof v === 'number') return String(v);
  return typeof v;
}

function traceId(field: string, v: unknown): string {
  if (typeof v !== 'string' || !TRACE_ID_RE.test(v)) throw new Invalid(`${field}: must be 32 lowercase hex characters, got ${describe(v)}`);
  if (v === ZERO_TRACE_ID) throw new Invalid(`${field}: must not be all zeros`);
  return v;
}

function spanId(field: string, v: unknown): string {
  if (typeof v !== 'string' || !SPAN_ID_RE.test(v)) throw new Invalid(`${field}: must be 16 lowercase hex characters, got ${describe(v)}`);
  if (v === ZERO_SPAN_ID) throw new Invalid(`${field}: must not be all zeros`);
  return v;
}

function timestamp(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Invalid(`${field}: must be a finite number of epoch milliseconds, got ${describe(v)}`);
  if (v < MIN_TIMESTAMP_MS || v > MAX_TIMESTAMP_MS) {
    throw new Invalid(`${field}: ${v} is outside the accepted window 2000-01-01..2100-01-01 (epoch milliseconds)`);
  }
  return v;
}

function nonNegative(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Invalid(`${field}: must be a finite non-negative number, got ${describe(v)}`);
  return v;
}

function name(field: string, v: unknown, limits: Limits): string {
  if (typeof v !== 'string') throw new Invalid(`${field}: must be a string, got ${describe(v)}`);
  if (v.length > limits.maxNameLength) throw new Invalid(`${field}: longer than ${limits.maxNameLength} characters`);
  return v;
}

function text(field: string, v: unknown): string {
  if (typeof v !== 'string') throw new Invalid(`${field}: must be a string, got ${describe(v)}`);
  return v;
}

function oneOf<T extends string>(field: string, v: unknown, allowed: Set<string>): T {
  if (typeof v !== 'string' || !allowed.has(v)) throw new Invalid(`${field}: must be one of ${[...allowed].join(', ')}, got ${describe(v)}`);
  return v as T;
}

function attributes(field: string, v: unknown, limits: Limits): Record<string, unknown> {
  if (!isObject(v)) throw new Invalid(`${field}: must be an object, got ${describe(v)}`);
  let n = 0;
  for (const key in v) {
    if (++n > limits.maxAttributes) throw new Invalid(`${field}: more than ${limits.maxAttributes} attributes`);
    if (key.length > limits.maxNameLength) throw new Invalid(`${field}: an attribute name is longer than ${limits.maxNameLength} characters`);
  }
  return v;
}

function errorInfo(v: unknown, limits: Limits): ErrorInfo {
  if (!isObject(v)) throw new Invalid(`error: must be an object {type, message, stack?}, got ${describe(v)}`);
  const out: ErrorInfo = { type: name('error.type', v.type ?? 'Error', limits), message: text('error.message', v.message ?? '') };
  if (v.stack !== undefined && v.stack !== null) out.stack = text('error.stack', v.stack);
  return out;
}

function usage(v: unknown): Usage {
  if (!isObject(v)) throw new Invalid(`usage: must be an object, got ${describe(v)}`);
  const out: Usage = {};
  for (const k of USAGE_KEYS) {
    const x = v[k];
    if (x !== undefined && x !== null) out[k] = nonNegative(`usage.${k}`, x);
  }
  return out;
}

function stream(v: unknown): StreamStats {
  if (!isObject(v)) throw new Invalid(`stream: must be an object, got ${describe(v)}`);
  const out: StreamStats = {};
  for (const k of STREAM_KEYS) {
    const x = v[k];
    if (x !== undefined && x !== null) out[k] = nonNegative(`stream.${k}`, x);
  }
  return out;
}

function traceAttributes(v: unknown, limits: Limits): TraceAttributes {
  if (!isObject(v)) throw new Invalid(`trace: must be an object, got ${describe(v)}`);
  const out: TraceAttributes = {};
  if (v.name != null) out.name = name('trace.name', v.name, limits);
  if (v.userId != null) out.userId = name('trace.userId', v.userId, limits);
  if (v.sessionId != null) out.sessionId = name('trace.sessionId', v.sessionId, limits);
  if (v.release != null) out.release = name('trace.release', v.release, limits);
  if (v.environment != null) out.environment = name('trace.environment', v.environment, limits);
  if (v.tags != null) {
    if (!Array.isArray(v.tags)) throw new Invalid(`trace.tags: must be an array of strings, got ${describe(v.tags)}`);
    if (v.tags.length > limits.maxTags) throw new Invalid(`trace.tags: more than ${limits.maxTags} tags`);
    out.tags = v.tags.map((t, i) => name(`trace.tags[${i}]`, t, limits));
  }
  if (v.metadata != null) out.metadata = attributes('trace.metadata', v.metadata, limits);
  if (v.input !== undefined) out.input = v.input;
  if (v.output !== undefined) out.output = v.output;
  return out;
}

function spanEvent(v: Record<string, unknown>, limits: Limits): SpanEvent {
  const out: SpanEvent = {
    type: 'span',
    phase: oneOf<SpanPhase>('phase', v.phase, PHASES),
    traceId: traceId('traceId', v.traceId),
    spanId: spanId('spanId', v.spanId),
    time: timestamp('time', v.time),
  };
  if (v.parentId != null) {
    out.parentId = spanId('parentId', v.parentId);
    if (out.parentId === out.spanId) throw new Invalid('parentId: a span cannot be its own parent');
  }
  if (v.name != null) out.name = name('name', v.name, limits);
  if (v.kind != null) out.kind = oneOf<ObservationKind>('kind', v.kind, KINDS);
  if (v.startTime != null) out.startTime = timestamp('startTime', v.startTime);
  if (v.endTime != null) out.endTime = timestamp('endTime', v.endTime);
  if (out.startTime !== undefined && out.endTime !== undefined && out.endTime < out.startTime) {
    throw new Invalid(`endTime: ${out.endTime} is before startTime ${out.startTime}`);
  }
  if (v.status != null) out.status = oneOf<ClientStatus>('status', v.status, STATUSES);
  if (v.level != null) out.level = oneOf<Level>('level', v.level, LEVEL_SET);
  if (v.statusMessage != null) out.statusMessage = text('statusMessage', v.statusMessage);
  if (v.error != null) out.error = errorInfo(v.error, limits);
  if (v.input !== undefined) out.input = v.input;
  if (v.output !== undefined) out.output = v.output;
  if (v.metadata != null) out.metadata = attributes('metadata', v.metadata, limits);
  if (v.provider != null) out.provider = name('provider', v.provider, limits);
  if (v.model != null) out.model = name('model', v.model, limits);
  if (v.modelParameters != null) out.modelParameters = attributes('modelParameters', v.modelParameters, limits);
  if (v.usage != null) out.usage = usage(v.usage);
  if (v.cost != null) out.cost = nonNegative('cost', v.cost);
  if (v.completionStartTime != null) out.completionStartTime = timestamp('completionStartTime', v.completionStartTime);
  if (v.stream != null) out.stream = stream(v.stream);
  if (v.trace != null) out.trace = traceAttributes(v.trace, limits);
  if (v.service != null) out.service = name('service', v.service, limits);
  return out;
}

function counters(field: string, v: unknown, limits: Limits): Record<string, number> {
  if (v == null) return {};
  if (!isObject(v)) throw new Invalid(`${field}: must be an object of counts, got ${describe(v)}`);
  const out: Record<string, number> = {};
  let n = 0;
  for (const [k, x] of Object.entries(v)) {
    if (++n > 100) throw new Invalid(`${field}: more than 100 entries`);
    out[name(`${field} key`, k, limits)] = nonNegative(`${field}.${k.slice(0, 40)}`, x);
  }
  return out;
}

function sdkReport(v: Record<string, unknown>, limits: Limits): SdkReportEvent {
  return {
    type: 'sdk_report',
    time: timestamp('time', v.time),
    service: name('service', v.service, limits),
    instanceId: name('instanceId', v.instanceId, limits),
    sdkVersion: name('sdkVersion', v.sdkVersion ?? 'unknown', limits),
    created: nonNegative('created', v.created ?? 0),
    sent: nonNegative('sent', v.sent ?? 0),
    queued: nonNegative('queued', v.queued ?? 0),
    inFlight: nonNegative('inFlight', v.inFlight ?? 0),
    dropped: counters('dropped', v.dropped, limits),
    failedRequests: counters('failedRequests', v.failedRequests, limits),
  };
}

/** Validates one event of a native batch. Never throws. */
export function validateEvent(v: unknown, limits: Limits): ValidationResult<SpanEvent | SdkReportEvent> {
  try {
    if (!isObject(v)) return { ok: false, message: `an event must be an object, got ${describe(v)}` };
    if (v.type === 'span') return { ok: true, value: spanEvent(v, limits) };
    if (v.type === 'sdk_report') return { ok: true, value: sdkReport(v, limits) };
    return { ok: false, message: `type: must be "span" or "sdk_report", got ${describe(v.type)}` };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, message: err.message };
    return { ok: false, message: 'the event could not be validated' };
  }
}

/** Validates a span produced by another decoder (OTLP) with the same rules. */
export function validateSpan(v: SpanEvent, limits: Limits): ValidationResult<SpanEvent> {
  try {
    return { ok: true, value: spanEvent(v as unknown as Record<string, unknown>, limits) };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, message: err.message };
    return { ok: false, message: 'the span could not be validated' };
  }
}
