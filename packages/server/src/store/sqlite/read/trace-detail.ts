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
  Totals,
  TraceDetail,
  Usage,
} from '@wisp/protocol';
import { Deadline, type ReadOptions } from './deadline.js';
import { buildTraceTree, type TreeNode } from './trace-tree.js';
import { TRACE_SUMMARY_COLUMNS, parseJson, parseJsonObject, toTraceSummary, type TraceRow } from './trace-row.js';

const OBSERVATION_COLUMNS = `o.id, o.span_id, o.parent_id, o.name, o.kind, o.start_time, o.end_time, o.duration_ms, o.status,
  o.level, o.status_message, o.error, o.service, o.provider, o.model, o.model_parameters, o.usage_input, o.usage_output,
  o.usage_cache_read, o.usage_cache_write, o.usage_reasoning, o.usage_total, o.cost, o.completion_start_time, o.ttft_ms,
  o.stream, o.metadata, o.input_bytes, o.output_bytes`;

/**
 * Observation rows are read in raw (array) mode, indexed by these positions: for a 10,000-span
 * trace, rows as objects with named properties cost more (allocation and GC) than everything else.
 */
const enum O {
  id,
  spanId,
  parentId,
  name,
  kind,
  startTime,
  endTime,
  durationMs,
  status,
  level,
  statusMessage,
  error,
  service,
  provider,
  model,
  modelParameters,
  usageInput,
  usageOutput,
  usageCacheRead,
  usageCacheWrite,
  usageReasoning,
  usageTotal,
  cost,
  completionStartTime,
  ttftMs,
  stream,
  metadata,
  inputBytes,
  outputBytes,
  /** With payloads: `p.input, p.output` follow. */
  input,
  output,
}
type ObservationRow = any[];

const num = (r: ObservationRow, i: O) => r[i] as number | null;
const str = (r: ObservationRow, i: O) => r[i] as string | null;

function observationRows(db: Database, sql: string, params: unknown[], deadline: Deadline): ObservationRow[] {
  const rows = db.prepare(sql).raw().all(...params) as ObservationRow[];
  deadline.check();
  return rows;
}

type TraceRowWithMeta = TraceRow & { root_span_id: string | null; metadata: string | null };

function findTrace(db: Database, projectId: string, traceId: string): TraceRowWithMeta | undefined {
  return db
    .prepare(`SELECT ${TRACE_SUMMARY_COLUMNS}, t.root_span_id, t.metadata FROM traces t WHERE t.project_id = ? AND t.trace_id = ?`)
    .get(projectId, traceId) as TraceRowWithMeta | undefined;
}

function usageOf(r: ObservationRow): Usage | null {
  const input = num(r, O.usageInput);
  const output = num(r, O.usageOutput);
  const cacheRead = num(r, O.usageCacheRead);
  const cacheWrite = num(r, O.usageCacheWrite);
  const reasoning = num(r, O.usageReasoning);
  const total = num(r, O.usageTotal);
  if (input === null && output === null && cacheRead === null && cacheWrite === null && reasoning === null && total === null) return null;
  const u: Usage = {};
  if (input !== null) u.input = input;
  if (output !== null) u.output = output;
  if (cacheRead !== null) u.cacheRead = cacheRead;
  if (cacheWrite !== null) u.cacheWrite = cacheWrite;
  if (reasoning !== null) u.reasoning = reasoning;
  if (total !== null) u.total = total;
  return u;
}

function startOf(r: ObservationRow, fallbackStart: number): number {
  return num(r, O.startTime) ?? num(r, O.endTime) ?? fallbackStart;
}

function treeNode(r: ObservationRow, fallbackStart: number): TreeNode {
  const input = num(r, O.usageInput) ?? 0;
  const output = num(r, O.usageOutput) ?? 0;
  return {
    spanId: r[O.spanId] as string,
    parentId: str(r, O.parentId),
    startTime: startOf(r, fallbackStart),
    endTime: num(r, O.endTime),
    isError: r[O.status] === 'error',
    inputTokens: input,
    outputTokens: output,
    totalTokens: num(r, O.usageTotal) ?? input + output,
    cost: num(r, O.cost) ?? 0,
  };
}

function toObservation(r: ObservationRow, traceId: string, fallbackStart: number, subtree: Totals, critical: boolean): ObservationSummary {
  return {
    spanId: r[O.spanId] as string,
    traceId,
    parentId: str(r, O.parentId),
    name: str(r, O.name) ?? '',
    kind: r[O.kind] as ObservationKind,
    startTime: startOf(r, fallbackStart),
    endTime: num(r, O.endTime),
    durationMs: num(r, O.durationMs),
    status: r[O.status] as ObservationStatus,
    level: r[O.level] as Level,
    statusMessage: str(r, O.statusMessage),
    error: parseJsonObject(str(r, O.error)) as ErrorInfo | null,
    service: str(r, O.service),
    provider: str(r, O.provider),
    model: str(r, O.model),
    modelParameters: parseJsonObject(str(r, O.modelParameters)),
    usage: usageOf(r),
    cost: num(r, O.cost),
    completionStartTime: num(r, O.completionStartTime),
    ttftMs: num(r, O.ttftMs),
    stream: parseJsonObject(str(r, O.stream)) as StreamStats | null,
    metadata: parseJsonObject(str(r, O.metadata)),
    inputBytes: r[O.inputBytes] as number,
    outputBytes: r[O.outputBytes] as number,
    subtree,
    critical,
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

function assemble(db: Database, t: TraceRowWithMeta, rows: ObservationRow[], withPayloads: boolean): TraceDetail {
  const fallback = t.start_time;
  rows.sort((a, b) => startOf(a, fallback) - startOf(b, fallback) || ((a[O.spanId] as string) < (b[O.spanId] as string) ? -1 : 1));
  const tree = buildTraceTree(rows.map((r) => treeNode(r, fallback)));
  const observations = rows.map((r, i) => {
    const o = toObservation(r, t.trace_id, fallback, tree.subtree[i]!, tree.critical[i]!);
    return withPayloads ? ({ ...o, input: parseJson(str(r, O.input)), output: parseJson(str(r, O.output)) } satisfies ObservationDetail) : o;
  });
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
  const rows = observationRows(db, `SELECT ${OBSERVATION_COLUMNS} FROM observations o WHERE o.trace_ref = ?`, [t.id], deadline);
  return assemble(db, t, rows, false);
}

/** The trace with every observation's input and output, for export. */
export function getTraceWithPayloads(db: Database, projectId: string, traceId: string, options: ReadOptions = {}): TraceDetail | null {
  const deadline = new Deadline(options);
  const t = findTrace(db, projectId, traceId);
  if (!t) return null;
  const rows = observationRows(
    db,
    `SELECT ${OBSERVATION_COLUMNS}, p.input, p.output FROM observations o LEFT JOIN observation_payloads p ON p.observation_id = o.id WHERE o.trace_ref = ?`,
    [t.id],
    deadline,
  );
  return assemble(db, t, rows, true);
}

/** One observation with its payloads; its subtree totals need the trace's skeleton. */
export function getObservation(db: Database, projectId: string, traceId: string, spanId: string, options: ReadOptions = {}): ObservationDetail | null {
  const deadline = new Deadline(options);
  const t = findTrace(db, projectId, traceId);
  if (!t) return null;
  const row = db
    .prepare(`SELECT ${OBSERVATION_COLUMNS}, p.input, p.output FROM observations o LEFT JOIN observation_payloads p ON p.observation_id = o.id WHERE o.trace_ref = ? AND o.span_id = ?`)
    .raw()
    .get(t.id, spanId) as ObservationRow | undefined;
  if (!row) return null;
  // Subtree totals and the critical flag need the trace's skeleton (the columns treeNode reads).
  const skeleton = observationRows(db, `SELECT ${OBSERVATION_COLUMNS} FROM observations o WHERE o.trace_ref = ?`, [t.id], deadline);
  const tree = buildTraceTree(skeleton.map((r) => treeNode(r, t.start_time)));
  const i = skeleton.findIndex((r) => r[O.spanId] === spanId);
  return {
    ...toObservation(row, t.trace_id, t.start_time, tree.subtree[i]!, tree.critical[i]!),
    input: parseJson(str(row, O.input)),
    output: parseJson(str(row, O.output)),
  };
}
