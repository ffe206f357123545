/**
 * `getTrace` (the tree of a trace without payloads), `getObservation` (one observation with its
 * input and output) and `getTraceWithPayloads` (for export). A trace's observations are one range
 * scan of observations_by_trace; payloads live in observation_payloads and are read only on
 * demand, so a 10,000-span trace with large inputs answers fast.
 *
 * `getTrace` of 10,000 spans is mostly the cost of turning SQLite values into JavaScript values
 * (about 0.1 µs each, NULLs included), so it reads few columns (DETAIL_COLUMNS): the columns that
 * are NULL for most spans (usage, cost, model, error...) come packed as one JSON array, NULL when
 * all are; kind, status, level and service as one text; both payload sizes as one integer. The
 * tree is computed in typed arrays.
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
import { computeTree, totalsAt, treeColumns, type TreeArrays } from './trace-tree.js';
import { TRACE_SUMMARY_COLUMNS, parseJson, parseJsonObject, toTraceSummary, type TraceRow } from './trace-row.js';

const OBSERVATION_COLUMNS = `o.id, o.span_id, o.parent_id, o.name, o.kind, o.start_time, o.end_time, o.duration_ms, o.status,
  o.level, o.status_message, o.error, o.service, o.provider, o.model, o.model_parameters, o.usage_input, o.usage_output,
  o.usage_cache_read, o.usage_cache_write, o.usage_reasoning, o.usage_total, o.cost, o.completion_start_time, o.ttft_ms,
  o.stream, o.metadata, o.input_bytes, o.output_bytes`;

/** The columns of a span that are NULL for most spans, packed by DETAIL_COLUMNS (in this order). */
const RARE = [
  'status_message',
  'error',
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
  'completion_start_time',
  'ttft_ms',
  'stream',
  'metadata',
] as const;
const enum R {
  statusMessage,
  error,
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
}
type Rare = [string | null, string | null, string | null, string | null, string | null, ...Array<number | null>] & Array<string | number | null>;

/** Payload sizes are packed as one integer when input < 2 × BYTES_BASE and output < BYTES_BASE (2^26). */
const BYTES_BASE = 67_108_864;

/**
 * What `getTrace` reads of each span (`?` is the trace's start, for spans without start or end).
 * REAL values in the packed array keep their exact value: the bundled SQLite (3.53) writes them
 * with enough digits to read back the same double (api/trace-routes.test.ts checks it).
 */
const DETAIL_COLUMNS = `o.span_id, o.parent_id, o.name,
  o.kind || ' ' || o.status || ' ' || o.level || CASE WHEN o.service IS NULL THEN '' ELSE ' ' || o.service END,
  coalesce(o.start_time, o.end_time, ?) AS start, o.end_time, o.duration_ms,
  CASE WHEN o.input_bytes BETWEEN 0 AND ${BYTES_BASE * 2 - 1} AND o.output_bytes BETWEEN 0 AND ${BYTES_BASE - 1}
    THEN o.input_bytes * ${BYTES_BASE} + o.output_bytes ELSE o.input_bytes || ' ' || o.output_bytes END,
  CASE WHEN coalesce(${RARE.map((c) => `o.${c}`).join(', ')}) IS NOT NULL THEN json_array(${RARE.map((c) => `o.${c}`).join(', ')}) END`;
const enum D {
  spanId,
  parentId,
  name,
  /** `kind status level`, then ` service` unless NULL. */
  enums,
  start,
  endTime,
  durationMs,
  /** input_bytes × BYTES_BASE + output_bytes (exact below 2^53), else the text `input output`. */
  bytes,
  rare,
  /** With payloads: `p.input, p.output` follow. */
  input,
  output,
}

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
  return usageFrom(
    num(r, O.usageInput),
    num(r, O.usageOutput),
    num(r, O.usageCacheRead),
    num(r, O.usageCacheWrite),
    num(r, O.usageReasoning),
    num(r, O.usageTotal),
  );
}

/** A usage object with the token counts that are set, or null when none is. */
function usageFrom(
  input: number | null,
  output: number | null,
  cacheRead: number | null,
  cacheWrite: number | null,
  reasoning: number | null,
  total: number | null,
): Usage | null {
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

/** kind, status, level and service as read (D.enums), split once per distinct text. */
type Enums = [ObservationKind, ObservationStatus, Level, string | null];
const enumCache = new Map<string, Enums>();
function enumsOf(text: string): Enums {
  let e = enumCache.get(text);
  if (e === undefined) {
    const a = text.indexOf(' ');
    const b = text.indexOf(' ', a + 1);
    const c = text.indexOf(' ', b + 1);
    e = [
      text.slice(0, a) as ObservationKind,
      text.slice(a + 1, b) as ObservationStatus,
      (c < 0 ? text.slice(b + 1) : text.slice(b + 1, c)) as Level,
      c < 0 ? null : text.slice(c + 1),
    ];
    if (enumCache.size < 10_000) enumCache.set(text, e);
  }
  return e;
}

function bytesOf(v: number | string): [number, number] {
  if (typeof v === 'number') {
    const output = v % BYTES_BASE;
    return [(v - output) / BYTES_BASE, output];
  }
  const space = v.indexOf(' ');
  return [Number(v.slice(0, space)), Number(v.slice(space + 1))];
}

const NO_RARE: Rare = new Array(RARE.length).fill(null) as Rare;

function rareOf(r: ObservationRow): Rare {
  const text = r[D.rare] as string | null;
  return text === null ? NO_RARE : (JSON.parse(text) as Rare);
}

function usageOfRare(x: Rare): Usage | null {
  return usageFrom(
    x[R.usageInput] as number | null,
    x[R.usageOutput] as number | null,
    x[R.usageCacheRead] as number | null,
    x[R.usageCacheWrite] as number | null,
    x[R.usageReasoning] as number | null,
    x[R.usageTotal] as number | null,
  );
}

/** The trace's detail from its DETAIL_COLUMNS rows (in start order, then span id). */
function assembleDetail(db: Database, t: TraceRowWithMeta, rows: ObservationRow[], withPayloads: boolean, deadline: Deadline): TraceDetail {
  const n = rows.length;
  const rare: Rare[] = new Array<Rare>(n);
  const c = treeColumns(n);
  const spanIds = c.spanIds as string[];
  const parentIds = c.parentIds as (string | null)[];
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    const x = rareOf(r);
    rare[i] = x;
    spanIds[i] = r[D.spanId] as string;
    parentIds[i] = r[D.parentId] as string | null;
    c.start[i] = r[D.start] as number;
    c.end[i] = (r[D.endTime] as number | null) ?? NaN;
    const input = (x[R.usageInput] as number | null) ?? 0;
    const output = (x[R.usageOutput] as number | null) ?? 0;
    c.inputTokens[i] = input;
    c.outputTokens[i] = output;
    c.totalTokens[i] = (x[R.usageTotal] as number | null) ?? input + output;
    c.cost[i] = (x[R.cost] as number | null) ?? 0;
  }
  const enums = rows.map((r) => enumsOf(r[D.enums] as string));
  for (let i = 0; i < n; i++) c.isError[i] = enums[i]![1] === 'error' ? 1 : 0;
  const tree: TreeArrays = computeTree(c);
  deadline.check();
  const traceId = t.trace_id;
  const observations: ObservationSummary[] = new Array<ObservationSummary>(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    const x = rare[i]!;
    const [kind, status, level, service] = enums[i]!;
    const [inputBytes, outputBytes] = bytesOf(r[D.bytes] as number | string);
    const o: ObservationSummary = {
      spanId: spanIds[i]!,
      traceId,
      parentId: parentIds[i]!,
      name: (r[D.name] as string | null) ?? '',
      kind,
      startTime: c.start[i]!,
      endTime: r[D.endTime] as number | null,
      durationMs: r[D.durationMs] as number | null,
      status,
      level,
      statusMessage: x[R.statusMessage] as string | null,
      error: parseJsonObject(x[R.error] as string | null) as ErrorInfo | null,
      service,
      provider: x[R.provider] as string | null,
      model: x[R.model] as string | null,
      modelParameters: parseJsonObject(x[R.modelParameters] as string | null),
      usage: usageOfRare(x),
      cost: x[R.cost] as number | null,
      completionStartTime: x[R.completionStartTime] as number | null,
      ttftMs: x[R.ttftMs] as number | null,
      stream: parseJsonObject(x[R.stream] as string | null) as StreamStats | null,
      metadata: parseJsonObject(x[R.metadata] as string | null),
      inputBytes,
      outputBytes,
      subtree: totalsAt(tree, i),
      critical: tree.critical[i] === 1,
    };
    if (withPayloads) {
      const full: ObservationDetail = { ...o, input: parseJson(r[D.input] as string | null), output: parseJson(r[D.output] as string | null) };
      observations[i] = full;
    } else {
      observations[i] = o;
    }
  }
  return {
    trace: { ...toTraceSummary(t), metadata: parseJsonObject(t.metadata), ...tracePayloads(db, t) },
    observations,
    criticalPath: tree.criticalPath.map((i) => spanIds[i]!),
  };
}

function detailRows(db: Database, t: TraceRowWithMeta, withPayloads: boolean, deadline: Deadline): ObservationRow[] {
  const sql = withPayloads
    ? `SELECT ${DETAIL_COLUMNS}, p.input, p.output FROM observations o LEFT JOIN observation_payloads p ON p.observation_id = o.id WHERE o.trace_ref = ? `
    : `SELECT ${DETAIL_COLUMNS} FROM observations o WHERE o.trace_ref = ?`;
  const rows = observationRows(db, sql, [t.start_time, t.id], deadline);
  // Start order, then span id (sorting here costs less than ORDER BY in SQLite, which copies rows).
  rows.sort((a, b) => (a[D.start] as number) - (b[D.start] as number) || ((a[D.spanId] as string) < (b[D.spanId] as string) ? -1 : 1));
  return rows;
}

export function getTrace(db: Database, projectId: string, traceId: string, options: ReadOptions = {}): TraceDetail | null {
  const deadline = new Deadline(options);
  const t = findTrace(db, projectId, traceId);
  if (!t) return null;
  return assembleDetail(db, t, detailRows(db, t, false, deadline), false, deadline);
}

/** The trace with every observation's input and output, for export. */
export function getTraceWithPayloads(db: Database, projectId: string, traceId: string, options: ReadOptions = {}): TraceDetail | null {
  const deadline = new Deadline(options);
  const t = findTrace(db, projectId, traceId);
  if (!t) return null;
  return assembleDetail(db, t, detailRows(db, t, true, deadline), true, deadline);
}

/** A trace's skeleton for one observation's tree: what computeTree reads, usage and cost packed. */
const SKELETON_SQL = `SELECT o.span_id, o.parent_id, coalesce(o.start_time, o.end_time, ?), o.end_time, o.status = 'error',
  CASE WHEN coalesce(o.usage_input, o.usage_output, o.usage_total, o.cost) IS NOT NULL THEN json_array(o.usage_input, o.usage_output, o.usage_total, o.cost) END
  FROM observations o WHERE o.trace_ref = ?`;
const NO_USAGE: Array<number | null> = [null, null, null, null];

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
  // Subtree totals and the critical flag need the trace's skeleton: as few columns as the tree needs.
  const skeleton = observationRows(db, SKELETON_SQL, [t.start_time, t.id], deadline);
  const n = skeleton.length;
  const c = treeColumns(n);
  for (let k = 0; k < n; k++) {
    const r = skeleton[k]!;
    (c.spanIds as string[])[k] = r[0] as string;
    (c.parentIds as (string | null)[])[k] = r[1] as string | null;
    c.start[k] = r[2] as number;
    c.end[k] = (r[3] as number | null) ?? NaN;
    c.isError[k] = r[4] as number;
    const [input, output, total, cost] = r[5] === null ? NO_USAGE : (JSON.parse(r[5] as string) as Array<number | null>);
    c.inputTokens[k] = input ?? 0;
    c.outputTokens[k] = output ?? 0;
    c.totalTokens[k] = total ?? (input ?? 0) + (output ?? 0);
    c.cost[k] = cost ?? 0;
  }
  const tree = computeTree(c);
  const i = c.spanIds.indexOf(spanId);
  return {
    ...toObservation(row, t.trace_id, t.start_time, totalsAt(tree, i), tree.critical[i] === 1),
    input: parseJson(str(row, O.input)),
    output: parseJson(str(row, O.output)),
  };
}
