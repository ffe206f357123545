/**
 * `getTrace` (the tree of a trace without payloads), `getObservation` (one observation with its
 * input and output) and `getTraceWithPayloads` (for export). A trace's observations are one range
 * scan of observations_by_trace; payloads live in observation_payloads and are read only on
 * demand, so a 10,000-span trace with large inputs answers fast.
 */
import type { Database } from 'better-sqlite3';
import type {
  ErrorInfo,
  Level,
  ObservationDetail,
  ObservationKind,
  ObservationStatus,
  ObservationSummary,
  StreamStats,
  TraceDetail,
  Usage,
} from '@wisp/protocol';
import { Deadline, rowsWithin, type ReadOptions } from './deadline.js';
import { buildTraceTree, type TreeNode } from './trace-tree.js';
import { TRACE_SUMMARY_COLUMNS, parseJson, parseJsonObject, toTraceSummary, type TraceRow } from './trace-row.js';

const OBSERVATION_COLUMNS = `o.id, o.span_id, o.parent_id, o.name, o.kind, o.start_time, o.end_time, o.duration_ms, o.status,
  o.level, o.status_message, o.error, o.service, o.provider, o.model, o.model_parameters, o.usage_input, o.usage_output,
  o.usage_cache_read, o.usage_cache_write, o.usage_reasoning, o.usage_total, o.cost, o.completion_start_time, o.ttft_ms,
  o.stream, o.metadata, o.input_bytes, o.output_bytes`;

interface ObservationRow {
  id: number;
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
  completion_start_time: number | null;
  ttft_ms: number | null;
  stream: string | null;
  metadata: string | null;
  input_bytes: number;
  output_bytes: number;
}

type TraceRowWithMeta = TraceRow & { root_span_id: string | null; metadata: string | null };

function findTrace(db: Database, projectId: string, traceId: string): TraceRowWithMeta | undefined {
  return db
    .prepare(`SELECT ${TRACE_SUMMARY_COLUMNS}, t.root_span_id, t.metadata FROM traces t WHERE t.project_id = ? AND t.trace_id = ?`)
    .get(projectId, traceId) as TraceRowWithMeta | undefined;
}

function usageOf(r: ObservationRow): Usage | null {
  const u: Usage = {};
  if (r.usage_input !== null) u.input = r.usage_input;
  if (r.usage_output !== null) u.output = r.usage_output;
  if (r.usage_cache_read !== null) u.cacheRead = r.usage_cache_read;
  if (r.usage_cache_write !== null) u.cacheWrite = r.usage_cache_write;
  if (r.usage_reasoning !== null) u.reasoning = r.usage_reasoning;
  if (r.usage_total !== null) u.total = r.usage_total;
  return Object.keys(u).length > 0 ? u : null;
}

function treeNode(r: ObservationRow, fallbackStart: number): TreeNode {
  return {
    spanId: r.span_id,
    parentId: r.parent_id,
    startTime: r.start_time ?? r.end_time ?? fallbackStart,
    endTime: r.end_time,
    isError: r.status === 'error',
    inputTokens: r.usage_input ?? 0,
    outputTokens: r.usage_output ?? 0,
    totalTokens: r.usage_total ?? (r.usage_input ?? 0) + (r.usage_output ?? 0),
    cost: r.cost ?? 0,
  };
}

function toObservation(r: ObservationRow, traceId: string, fallbackStart: number): Omit<ObservationSummary, 'subtree' | 'critical'> {
  return {
    spanId: r.span_id,
    traceId,
    parentId: r.parent_id,
    name: r.name ?? '',
    kind: r.kind as ObservationKind,
    startTime: r.start_time ?? r.end_time ?? fallbackStart,
    endTime: r.end_time,
    durationMs: r.duration_ms,
    status: r.status as ObservationStatus,
    level: r.level as Level,
    statusMessage: r.status_message,
    error: parseJsonObject(r.error) as ErrorInfo | null,
    service: r.service,
    provider: r.provider,
    model: r.model,
    modelParameters: parseJsonObject(r.model_parameters),
    usage: usageOf(r),
    cost: r.cost,
    completionStartTime: r.completion_start_time,
    ttftMs: r.ttft_ms,
    stream: parseJsonObject(r.stream) as StreamStats | null,
    metadata: parseJsonObject(r.metadata),
    inputBytes: r.input_bytes,
    outputBytes: r.output_bytes,
  };
}

/** A trace's input/output: the trace attributes', else the root span's. */
function tracePayloads(db: Database, t: TraceRowWithMeta): { input: unknown; output: unknown } {
  const own = db.prepare('SELECT input, output FROM trace_payloads WHERE trace_ref = ?').get(t.id) as
    | { input: string | null; output: string | null }
    | undefined;
  let input = own?.input ?? null;
  let output = own?.output ?? null;
  if ((input === null || output === null) && t.root_span_id !== null) {
    const root = db
      .prepare('SELECT p.input, p.output FROM observations o JOIN observation_payloads p ON p.observation_id = o.id WHERE o.trace_ref = ? AND o.span_id = ?')
      .get(t.id, t.root_span_id) as { input: string | null; output: string | null } | undefined;
    input ??= root?.input ?? null;
    output ??= root?.output ?? null;
  }
  return { input: parseJson(input), output: parseJson(output) };
}

function assemble<O extends ObservationSummary>(
  db: Database,
  t: TraceRowWithMeta,
  rows: ObservationRow[],
  extra: (r: ObservationRow) => Omit<O, keyof ObservationSummary>,
): TraceDetail & { observations: O[] } {
  rows.sort((a, b) => (a.start_time ?? a.end_time ?? t.start_time) - (b.start_time ?? b.end_time ?? t.start_time) || (a.span_id < b.span_id ? -1 : 1));
  const tree = buildTraceTree(rows.map((r) => treeNode(r, t.start_time)));
  const observations = rows.map(
    (r, i) => ({ ...toObservation(r, t.trace_id, t.start_time), subtree: tree.subtree[i]!, critical: tree.critical[i]!, ...extra(r) }) as O,
  );
  return {
    trace: { ...toTraceSummary(t), metadata: parseJsonObject(t.metadata), ...tracePayloads(db, t) },
    observations,
    criticalPath: tree.criticalPath,
  };
}

export function getTrace(db: Database, projectId: string, traceId: string, options: ReadOptions = {}): TraceDetail | null {
  const deadline = new Deadline(options);
  const t = findTrace(db, projectId, traceId);
  if (!t) return null;
  const rows = [...rowsWithin<ObservationRow>(db.prepare(`SELECT ${OBSERVATION_COLUMNS} FROM observations o WHERE o.trace_ref = ?`).iterate(t.id), deadline)];
  return assemble(db, t, rows, () => ({}));
}

/** The trace with every observation's input and output, for export. */
export function getTraceWithPayloads(db: Database, projectId: string, traceId: string, options: ReadOptions = {}): TraceDetail | null {
  const deadline = new Deadline(options);
  const t = findTrace(db, projectId, traceId);
  if (!t) return null;
  const rows = [
    ...rowsWithin<ObservationRow & { input: string | null; output: string | null }>(
      db
        .prepare(`SELECT ${OBSERVATION_COLUMNS}, p.input, p.output FROM observations o LEFT JOIN observation_payloads p ON p.observation_id = o.id WHERE o.trace_ref = ?`)
        .iterate(t.id),
      deadline,
    ),
  ];
  return assemble<ObservationDetail>(db, t, rows, (r) => {
    const p = r as ObservationRow & { input: string | null; output: string | null };
    return { input: parseJson(p.input), output: parseJson(p.output) };
  });
}

/** One observation with its payloads; its subtree totals need the trace's skeleton. */
export function getObservation(db: Database, projectId: string, traceId: string, spanId: string, options: ReadOptions = {}): ObservationDetail | null {
  const deadline = new Deadline(options);
  const t = findTrace(db, projectId, traceId);
  if (!t) return null;
  const row = db
    .prepare(`SELECT ${OBSERVATION_COLUMNS}, p.input, p.output FROM observations o LEFT JOIN observation_payloads p ON p.observation_id = o.id WHERE o.trace_ref = ? AND o.span_id = ?`)
    .get(t.id, spanId) as (ObservationRow & { input: string | null; output: string | null }) | undefined;
  if (!row) return null;
  const skeleton = [
    ...rowsWithin<ObservationRow>(
      db
        .prepare(
          `SELECT o.span_id, o.parent_id, o.start_time, o.end_time, o.status, o.usage_input, o.usage_output, o.usage_total, o.cost
           FROM observations o WHERE o.trace_ref = ?`,
        )
        .iterate(t.id),
      deadline,
    ),
  ];
  const tree = buildTraceTree(skeleton.map((r) => treeNode(r, t.start_time)));
  const i = skeleton.findIndex((r) => r.span_id === spanId);
  return {
    ...toObservation(row, t.trace_id, t.start_time),
    subtree: tree.subtree[i]!,
    critical: tree.critical[i]!,
    input: parseJson(row.input),
    output: parseJson(row.output),
  };
}
