/**
 * A trace row held in memory during a write: trace attributes merged last-writer-wins (tags as a
 * set union), totals kept as sums of its spans' contributions, and the root-derived columns.
 * No I/O; the writer loads and stores it.
 */
import type { ObservationStatus } from '@wisp/protocol';
import { OBSERVATION_KINDS } from '@wisp/protocol';
import { PREVIEW_CHARS } from './schema.js';
import type { PreparedPayload, PreparedTraceAttributes } from './prepared-event.js';
import { durationOf, roundMicros, usageOf, type SpanState } from './span-merge.js';

export interface TraceTotals {
  spanCount: number;
  errorCount: number;
  runningCount: number;
  abandonedCount: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cost: number;
}

export interface TraceState extends TraceTotals {
  /** traces.id; 0 until inserted. */
  ref: number;
  projectId: string;
  traceId: string;
  rootSpanId: string | null;
  rootStatus: ObservationStatus | null;
  /** Root's start time, to choose among several parentless spans (earliest wins). */
  rootStart: number | null;
  name: string | null;
  startTime: number;
  endTime: number | null;
  status: ObservationStatus;
  userId: string | null;
  sessionId: string | null;
  tags: string[];
  metadata: string | null;
  release: string | null;
  environment: string | null;
  service: string | null;
  inputPreview: string | null;
  outputPreview: string | null;
  kinds: number;
  minStart: number | null;
  maxEnd: number | null;
  /** Attribute -> event time (and payload hashes as `ih`/`oh`). */
  merge: Record<string, number | string>;
  /** Trace-level payload JSON changed by this write (undefined: unchanged). */
  input: string | undefined;
  output: string | undefined;
  /** Models newly seen in this write (for trace_models). */
  newModels: Set<string>;
  /** Values as loaded, to write only what changed. */
  loaded: { startTime: number; tags: string[]; searchText: string | null; sessionId: string | null; userId: string | null; contribution: SessionContribution | null } | null;
}

/** What a trace adds to its session's and user's aggregates. */
export interface SessionContribution extends TraceTotals {
  sessionId: string | null;
  userId: string | null;
  startTime: number;
}

export function newTraceState(projectId: string, traceId: string, firstTime: number): TraceState {
  return {
    ref: 0,
    projectId,
    traceId,
    rootSpanId: null,
    rootStatus: null,
    rootStart: null,
    name: null,
    startTime: firstTime,
    endTime: null,
    status: 'running',
    userId: null,
    sessionId: null,
    tags: [],
    metadata: null,
    release: null,
    environment: null,
    service: null,
    inputPreview: null,
    outputPreview: null,
    kinds: 0,
    minStart: null,
    maxEnd: null,
    merge: {},
    input: undefined,
    output: undefined,
    newModels: new Set(),
    loaded: null,
    spanCount: 0,
    errorCount: 0,
    runningCount: 0,
    abandonedCount: 0,
    inputTokens: 0,
    outputTokens: 0,
    totalTokens: 0,
    cost: 0,
  };
}

function winsAttr(t: TraceState, field: string, time: number, next: string | null, current: string | null): boolean {
  const held = t.merge[field];
  if (typeof held !== 'number' || time > held || (time === held && (next ?? '') > (current ?? ''))) {
    t.merge[field] = time;
    return true;
  }
  return false;
}

/** Merges the `trace` attributes of one event (at event time `time`). */
export function applyTraceAttributes(t: TraceState, a: PreparedTraceAttributes, time: number): void {
  if (a.name !== undefined && winsAttr(t, 'name', time, a.name, t.name)) t.name = a.name;
  if (a.userId !== undefined && winsAttr(t, 'userId', time, a.userId, t.userId)) t.userId = a.userId;
  if (a.sessionId !== undefined && winsAttr(t, 'sessionId', time, a.sessionId, t.sessionId)) t.sessionId = a.sessionId;
  if (a.release !== undefined && winsAttr(t, 'release', time, a.release, t.release)) t.release = a.release;
  if (a.environment !== undefined && winsAttr(t, 'environment', time, a.environment, t.environment)) t.environment = a.environment;
  if (a.metadata !== undefined && winsAttr(t, 'metadata', time, a.metadata, t.metadata)) t.metadata = a.metadata;
  if (Array.isArray(a.tags) && a.tags.length > 0) {
    const set = new Set(t.tags);
    let grew = false;
    for (const tag of a.tags) {
      if (typeof tag === 'string' && !set.has(tag)) {
        set.add(tag);
        grew = true;
      }
    }
    if (grew) t.tags = [...set].sort();
  }
  const input = a.input;
  if (input !== undefined && winsAttr(t, 'input', time, input.hash, (t.merge.ih as string | undefined) ?? null)) {
    t.merge.ih = input.hash;
    t.input = input.json;
    t.inputPreview = payloadPreview(input);
  }
  const output = a.output;
  if (output !== undefined && winsAttr(t, 'output', time, output.hash, (t.merge.oh as string | undefined) ?? null)) {
    t.merge.oh = output.hash;
    t.output = output.json;
    t.outputPreview = payloadPreview(output);
  }
}

/**
 * Text shown for an input/output in the traces table and indexed for search: a string as is,
 * otherwise the string leaves of the value (chat message contents...) joined by spaces, up to
 * PREVIEW_CHARS. Bounded work whatever the size of the value.
 */
export function previewOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value.slice(0, PREVIEW_CHARS);
  const parts: string[] = [];
  let length = 0;
  let visits = 0;
  const walk = (v: unknown, depth: number): void => {
    if (length >= PREVIEW_CHARS || depth > 16 || ++visits > 2_000) return;
    if (typeof v === 'string') {
      parts.push(v);
      length += v.length + 1;
    } else if (typeof v === 'number' || typeof v === 'boolean') {
      parts.push(String(v));
      length += 8;
    } else if (Array.isArray(v)) {
      for (const x of v) walk(x, depth + 1);
    } else if (v !== null && typeof v === 'object') {
      for (const x of Object.values(v as Record<string, unknown>)) walk(x, depth + 1);
    }
  };
  walk(value, 0);
  const text = parts.join(' ').slice(0, PREVIEW_CHARS);
  return text === '' ? null : text;
}

/** The preview of a prepared payload, computed from its JSON when it was not prepared. */
export function payloadPreview(p: PreparedPayload): string | null {
  if (p.preview !== undefined) return p.preview;
  try {
    return previewOf(JSON.parse(p.json));
  } catch {
    return null;
  }
}

/** The bit of a kind in `traces.kinds`. */
export function kindBit(kind: string): number {
  const i = (OBSERVATION_KINDS as readonly string[]).indexOf(kind);
  return i < 0 ? 0 : 1 << i;
}

/** What a span adds to its trace's totals. */
export function spanTotals(s: SpanState | null): TraceTotals {
  if (s === null) return ZERO_TOTALS;
  const u = usageOf(s);
  const input = u?.input ?? 0;
  const output = u?.output ?? 0;
  return {
    spanCount: 1,
    errorCount: s.status === 'error' ? 1 : 0,
    runningCount: s.status === 'running' ? 1 : 0,
    abandonedCount: s.status === 'abandoned' ? 1 : 0,
    inputTokens: input,
    outputTokens: output,
    totalTokens: u ? (u.total ?? input + output) : 0,
    cost: s.cost ?? 0,
  };
}

const ZERO_TOTALS: TraceTotals = {
  spanCount: 0,
  errorCount: 0,
  runningCount: 0,
  abandonedCount: 0,
  inputTokens: 0,
  outputTokens: 0,
  totalTokens: 0,
  cost: 0,
};


/** Adds what `s` adds to its trace's totals into `t` (spanTotals without the object). */
function addSpanTotals(t: TraceTotals, s: SpanState): void {
  const u = usageOf(s);
  t.spanCount += 1;
  if (s.status === 'error') t.errorCount += 1;
  else if (s.status === 'running') t.runningCount += 1;
  else if (s.status === 'abandoned') t.abandonedCount += 1;
  if (u) {
    const input = u.input ?? 0;
    const output = u.output ?? 0;
    t.inputTokens += input;
    t.outputTokens += output;
    t.totalTokens += u.total ?? input + output;
  }
  t.cost += s.cost ?? 0;
}

/** Adds `sign` × `d` into `into`. */
export function addTotals(into: TraceTotals, d: TraceTotals, sign: 1 | -1): void {
  into.spanCount += sign * d.spanCount;
  into.errorCount += sign * d.errorCount;
  into.runningCount += sign * d.runningCount;
  into.abandonedCount += sign * d.abandonedCount;
  into.inputTokens += sign * d.inputTokens;
  into.outputTokens += sign * d.outputTokens;
  into.totalTokens += sign * d.totalTokens;
  into.cost += sign * d.cost;
}

/**
 * Folds a span's new state into the trace (totals by difference with its previous state, kinds,
 * start/end fallbacks, root). `before` is null for a span seen for the first time.
 */
export function applySpanToTrace(t: TraceState, before: TraceTotals | null, s: SpanState, beforeKind?: string, beforeModel?: string | null): void {
  if (before) addTotals(t, before, -1);
  addSpanTotals(t, s);
  t.kinds |= kindBit(s.kind);
  if (s.startTime !== null && (t.minStart === null || s.startTime < t.minStart)) t.minStart = s.startTime;
  if (s.endTime !== null && (t.maxEnd === null || s.endTime > t.maxEnd)) t.maxEnd = s.endTime;
  if (t.service === null && s.service !== null) t.service = s.service;
  // A span already stored with this model and kind has its trace_models row.
  if (s.model !== null && (s.kind === 'generation' || s.kind === 'embedding') && (before === null || beforeModel !== s.model || beforeKind !== s.kind)) {
    t.newModels.add(s.model);
  }
  const isRoot = s.parentId === null && s.startTime !== null;
  if (isRoot) {
    const better =
      t.rootSpanId === null ||
      t.rootSpanId === s.spanId ||
      t.rootStart === null ||
      s.startTime! < t.rootStart ||
      (s.startTime === t.rootStart && s.spanId < t.rootSpanId);
    if (better) applyRoot(t, s);
  } else if (t.rootSpanId === s.spanId) {
    // It turned out to have a parent: the trace has no known root until the next one arrives.
    t.rootSpanId = null;
    t.rootStart = null;
    t.rootStatus = null;
  }
}

function applyRoot(t: TraceState, s: SpanState): void {
  t.rootSpanId = s.spanId;
  t.rootStart = s.startTime;
  if (t.merge.name === undefined) t.name = s.name;
  if (s.service !== null) t.service = s.service;
  if (t.merge.input === undefined && s.inputNew !== undefined) t.inputPreview = payloadPreview(s.inputNew);
  if (t.merge.output === undefined && s.outputNew !== undefined) t.outputPreview = payloadPreview(s.outputNew);
  t.endTime = s.endTime;
  t.rootStatus = s.status;
}

/** Computes the derived columns (start, end, status) after all spans of a write were applied. */
export function finishTrace(t: TraceState): void {
  if (t.rootSpanId !== null && t.rootStart !== null) {
    t.startTime = t.rootStart;
  } else {
    if (t.minStart !== null) t.startTime = t.minStart;
    t.endTime = t.maxEnd;
  }
  let status: ObservationStatus;
  if (t.errorCount > 0) status = 'error';
  else if (t.rootSpanId !== null) status = t.rootStatus ?? 'running';
  else status = t.runningCount > 0 ? 'running' : t.abandonedCount > 0 ? 'abandoned' : 'ok';
  t.status = status;
}

/** Duration of the trace in ms, or null. */
export function traceDuration(t: TraceState): number | null {
  return t.endTime === null ? null : roundMicros(Math.max(0, t.endTime - t.startTime));
}

export function searchText(t: TraceState): string {
  return [t.name ?? '', t.inputPreview ?? '', t.outputPreview ?? ''].join(' ');
}

export function sessionContribution(t: TraceState): SessionContribution {
  return {
    sessionId: t.sessionId,
    userId: t.userId,
    startTime: t.startTime,
    spanCount: t.spanCount,
    errorCount: t.errorCount,
    runningCount: 0,
    abandonedCount: 0,
    inputTokens: t.inputTokens,
    outputTokens: t.outputTokens,
    totalTokens: t.totalTokens,
    cost: t.cost,
  };
}

export { durationOf };
