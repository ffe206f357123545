/** Mapping between an `observations` row and the in-memory SpanState. */
import type { Level, ObservationKind, ObservationStatus } from '@wisp/protocol';
import type { SpanDims } from './rollup-accumulator.js';
import {
  decodeMergeState,
  durationOf,
  encodeMergeState,
  newSpanState,
  ttftOf,
  usageOf,
  type SpanState,
} from './span-merge.js';

/** Columns written for an observation, in this order (after `trace_ref`). */
export const OBSERVATION_COLUMNS = [
  'span_id',
  'parent_id',
  'name',
  'kind',
  'start_time',
  'end_time',
  'duration_ms',
  'status',
  'level',
  'status_message',
  'error_type',
  'error',
  'service',
  'provider',
  'model',
  'model_parameters',
  'usage_input',
  'usage_output',
  'usage_cache_read',
  'usage_cache_write',
  'usage_reasoning',
  'usage_total',
  'cost',
  'cost_computed',
  'completion_start_time',
  'ttft_ms',
  'stream',
  'metadata',
  'input_bytes',
  'output_bytes',
  'user_id',
  'environment',
  'release',
  'counted',
  'merge_state',
] as const;

export interface ObservationRow {
  id: number;
  trace_ref: number;
  span_id: string;
  parent_id: string | null;
  name: string | null;
  kind: string;
  start_time: number | null;
  end_time: number | null;
  duration_ms: number | null;
  status: string;
  level: string;
  status_message: string | null;
  error_type: string | null;
  error: string | null;
  service: string | null;
  provider: string | null;
  model: string | null;
  model_parameters: string | null;
  usage_input: number | null;
  usage_output: number | null;
  usage_cache_read: number | null;
  usage_cache_write: number | null;
  usage_reasoning: number | null;
  usage_total: number | null;
  cost: number | null;
  cost_computed: number;
  completion_start_time: number | null;
  ttft_ms: number | null;
  stream: string | null;
  metadata: string | null;
  input_bytes: number;
  output_bytes: number;
  user_id: string | null;
  environment: string | null;
  release: string | null;
  counted: number;
  merge_state: string;
}

/** The values of OBSERVATION_COLUMNS for a state. */
export function observationValues(s: SpanState, dims: SpanDims, counted: boolean): unknown[] {
  const u = usageOf(s);
  return [
    s.spanId,
    s.parentId,
    s.name,
    s.kind,
    s.startTime,
    s.endTime,
    durationOf(s),
    s.status,
    s.level,
    s.statusMessage,
    s.errorType,
    s.error,
    s.service,
    s.provider,
    s.model,
    s.modelParameters,
    u ? (u.input ?? null) : null,
    u ? (u.output ?? null) : null,
    u ? (u.cacheRead ?? null) : null,
    u ? (u.cacheWrite ?? null) : null,
    u ? (u.reasoning ?? null) : null,
    u ? (u.total ?? (u.input ?? 0) + (u.output ?? 0)) : null,
    s.cost,
    s.costComputed ? 1 : 0,
    s.completionStartTime,
    ttftOf(s),
    s.stream,
    s.metadata,
    s.inputBytes,
    s.outputBytes,
    dims.userId,
    dims.environment,
    dims.release,
    counted ? 1 : 0,
    encodeMergeState(s),
  ];
}

/** Rebuilds the state of a stored observation (payload text not loaded). */
export function stateFromRow(r: ObservationRow): SpanState {
  const s = newSpanState(r.span_id);
  s.parentId = r.parent_id;
  s.name = r.name;
  s.kind = r.kind as ObservationKind;
  s.startTime = r.start_time;
  s.endTime = r.end_time;
  s.status = r.status as ObservationStatus;
  s.level = r.level as Level;
  s.statusMessage = r.status_message;
  s.error = r.error;
  s.errorType = r.error_type;
  if (r.error !== null) {
    try {
      s.errorMessage = (JSON.parse(r.error) as { message?: string }).message ?? null;
    } catch {
      s.errorMessage = null;
    }
  }
  s.service = r.service;
  s.provider = r.provider;
  s.model = r.model;
  s.modelParameters = r.model_parameters;
  s.usage = usageText(r);
  s.cost = r.cost;
  s.costComputed = r.cost_computed === 1;
  s.completionStartTime = r.completion_start_time;
  s.stream = r.stream;
  s.metadata = r.metadata;
  s.inputBytes = r.input_bytes;
  s.outputBytes = r.output_bytes;
  decodeMergeState(s, r.merge_state);
  return s;
}

/** Canonical usage JSON from the usage columns; `total` only when it differs from input + output. */
function usageText(r: ObservationRow): string | null {
  const out: Record<string, number> = {};
  if (r.usage_input !== null) out.input = r.usage_input;
  if (r.usage_output !== null) out.output = r.usage_output;
  if (r.usage_cache_read !== null) out.cacheRead = r.usage_cache_read;
  if (r.usage_cache_write !== null) out.cacheWrite = r.usage_cache_write;
  if (r.usage_reasoning !== null) out.reasoning = r.usage_reasoning;
  if (r.usage_total !== null && r.usage_total !== (r.usage_input ?? 0) + (r.usage_output ?? 0)) out.total = r.usage_total;
  return Object.keys(out).length === 0 ? null : JSON.stringify(out);
}

export function dimsFromRow(r: ObservationRow): SpanDims {
  return { userId: r.user_id, environment: r.environment, release: r.release };
}
