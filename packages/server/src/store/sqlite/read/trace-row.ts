/** The columns of a trace row and their mapping to the API's TraceSummary. */
import type { ObservationStatus, TraceSummary } from '@wisp/protocol';

/** Columns selected from `traces t` for a TraceSummary (plus `id` and `start_time` for cursors). */
export const TRACE_SUMMARY_COLUMNS = `t.id, t.trace_id, t.name, t.start_time, t.end_time, t.duration_ms, t.status,
  t.user_id, t.session_id, t.tags, t.release, t.environment, t.service, t.input_preview, t.output_preview,
  t.span_count, t.error_count, t.input_tokens, t.output_tokens, t.total_tokens, t.cost`;

export interface TraceRow {
  id: number;
  trace_id: string;
  name: string | null;
  start_time: number;
  end_time: number | null;
  duration_ms: number | null;
  status: string;
  user_id: string | null;
  session_id: string | null;
  tags: string | null;
  release: string | null;
  environment: string | null;
  service: string | null;
  input_preview: string | null;
  output_preview: string | null;
  span_count: number;
  error_count: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  cost: number;
}

export function parseJsonArray(text: string | null): string[] {
  if (text === null || text === '') return [];
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export function parseJsonObject(text: string | null): Record<string, unknown> | null {
  const v = parseJson(text);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

export function toTraceSummary(r: TraceRow): TraceSummary {
  return {
    traceId: r.trace_id,
    name: r.name,
    startTime: r.start_time,
    endTime: r.end_time,
    durationMs: r.duration_ms,
    status: r.status as ObservationStatus,
    userId: r.user_id,
    sessionId: r.session_id,
    tags: parseJsonArray(r.tags),
    release: r.release,
    environment: r.environment,
    service: r.service,
    inputPreview: r.input_preview,
    outputPreview: r.output_preview,
    spanCount: r.span_count,
    errorCount: r.error_count,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    totalTokens: r.total_tokens,
    cost: r.cost,
  };
}
