/**
 * The write path: one transaction over all the writes of a group commit.
 *
 * Events are grouped by project, trace and span first, so each row is read at most once and written
 * once per commit. A trace not yet stored costs no reads at all (its spans are new too); spans of a
 * stored trace cost one primary-key read each. Trace totals, sessions, users and rollups are
 * maintained by difference: a span's previous contribution (from its stored row) is subtracted and
 * its new one added, which is what makes re-deliveries free and corrections exact.
 */
import type { Database } from 'better-sqlite3';
import type { SdkReportEvent } from '@wisp/protocol';
import { computeCost, type CostQuery, type PriceOverride } from '../../pricing/index.js';
import type { PreparedSpanEvent, PreparedWrite } from './prepared-event.js';
import { OBSERVATION_COLUMNS, dimsFromRow, observationValues, stateFromRow, type ObservationRow } from './observation-row.js';
import { TRACE_COLUMNS, type SpanWriteStatements, type TraceRow } from './write-statements.js';
import { RollupAccumulator, contributionOf, sameContribution, type Contribution, type SpanDims } from './rollup-accumulator.js';
import { RollupWriter } from './rollup-writer.js';
import { applySpanEvent, hasClientCost, newSpanState, usageOf, type SpanState } from './span-merge.js';
import {
  addTotals,
  applySpanToTrace,
  applyTraceAttributes,
  finishTrace,
  kindBit,
  newTraceState,
  searchText,
  sessionContribution,
  spanTotals,
  traceDuration,
  type SessionContribution,
  type TraceState,
  type TraceTotals,
} from './trace-state.js';
import type { ObservationStatus } from '@wisp/protocol';

/** Price overrides per project (from project settings), if any. */
export type PriceOverridesLookup = (projectId: string) => readonly PriceOverride[] | undefined;

/** Costs are sums of floats; rounding to a pico-dollar keeps sums independent of the order of terms. */
const roundCost = (x: number): number => Math.round(x * 1e12) / 1e12;

interface AggregateDelta extends TraceTotals {
  traceCount: number;
  first: number | null;
  last: number | null;
}

/** A stored span as this writer last wrote it: its row id, merged state and column values. */
interface SpanRecord {
  id: number;
  state: SpanState;
  /** OBSERVATION_COLUMNS values as stored. */
  values: unknown[];
}

const COLUMN = Object.fromEntries(OBSERVATION_COLUMNS.map((c, i) => [c, i])) as Record<(typeof OBSERVATION_COLUMNS)[number], number>;

/**
 * Spans still running, as last written, so that their end (usually a few seconds later) needs no
 * read. Only valid while this writer is the only one changing spans: cleared on rollback and by the
 * abandon sweep and retention, which change rows behind it.
 */
const MAX_RUNNING_CACHED = 20_000;
/** Trace rows as last written, for the same reason (spans of a trace arrive over several commits). */
const MAX_TRACES_CACHED = 20_000;
const MAX_COSTS_CACHED = 10_000;
const DAY_MS = 86_400_000;

function recordFromRow(r: ObservationRow): SpanRecord {
  const row = r as unknown as Record<string, unknown>;
  return { id: r.id, state: stateFromRow(r), values: OBSERVATION_COLUMNS.map((c) => row[c]) };
}

function dimsOf(values: readonly unknown[]): SpanDims {
  return {
    userId: values[COLUMN.user_id] as string | null,
    environment: values[COLUMN.environment] as string | null,
    release: values[COLUMN.release] as string | null,
  };
}

/** Bounded insertion-ordered map: the oldest entries go first. */
function remember<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as K);
}

/** Writes groups of project writes. One instance per store; `writeAll` must run inside a transaction. */
export class SpanWriter {
  private readonly knownProjects = new Set<string>();
  private readonly runningSpans = new Map<string, SpanRecord>();
  private readonly traceRows = new Map<string, TraceRow>();
  /** computeCost results by provider, model, usage and day (see priceSpan). */
  private readonly costs = new Map<string, number | null>();
  readonly rollups: RollupWriter;

  constructor(
    private readonly st: SpanWriteStatements,
    db: Database,
    private readonly priceOverrides: PriceOverridesLookup = () => undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.rollups = new RollupWriter(db);
  }

  /** Forgets caches that a rolled-back transaction may have made stale. */
  afterRollback(): void {
    this.knownProjects.clear();
    this.rollups.resetCache();
    this.forgetRows();
  }

  /** Forgets cached rows; call when something else changed spans or traces (abandon, retention). */
  forgetRows(): void {
    this.runningSpans.clear();
    this.traceRows.clear();
    this.rollups.resetCache();
  }

  writeAll(writes: readonly PreparedWrite[]): void {
    const byProject = new Map<string, { spans: PreparedSpanEvent[]; reports: SdkReportEvent[] }>();
    for (const w of writes) {
      let g = byProject.get(w.projectId);
      if (!g) byProject.set(w.projectId, (g = { spans: [], reports: [] }));
      for (const s of w.spans) g.spans.push(s);
      for (const r of w.reports) g.reports.push(r);
    }
    const acc = new RollupAccumulator();
    const sessions = new Map<string, AggregateDelta & { projectId: string; id: string }>();
    const users = new Map<string, AggregateDelta & { projectId: string; id: string }>();
    for (const [projectId, g] of byProject) {
      if (!this.knownProjects.has(projectId)) {
        this.st.ensureProject.run(projectId, projectId, this.now());
        this.knownProjects.add(projectId);
      }
      const traces = new Map<string, Map<string, PreparedSpanEvent[]>>();
      for (const e of g.spans) {
        let spans = traces.get(e.traceId);
        if (!spans) traces.set(e.traceId, (spans = new Map()));
        const list = spans.get(e.spanId);
        if (list) list.push(e);
        else spans.set(e.spanId, [e]);
      }
      for (const [traceId, spans] of traces) {
        const t = this.writeTrace(projectId, traceId, spans, acc);
        const before = t.loaded?.contribution ?? null;
        const after = sessionContribution(t);
        addAggregate(sessions, projectId, before, after, 'sessionId');
        addAggregate(users, projectId, before, after, 'userId');
      }
      for (const r of g.reports) {
        this.st.insertReport.run(projectId, r.instanceId, r.time, r.service, r.sdkVersion, r.created, r.sent, r.queued,
          r.inFlight, JSON.stringify(r.dropped ?? {}), JSON.stringify(r.failedRequests ?? {}));
      }
    }
    this.rollups.apply(acc);
    for (const d of sessions.values()) {
      this.st.upsertSession.run(...aggregateParams(d));
      if (d.traceCount < 0) this.st.deleteEmptySession.run(d.projectId, d.id);
    }
    for (const d of users.values()) {
      this.st.upsertUser.run(...aggregateParams(d));
      if (d.traceCount < 0) this.st.deleteEmptyUser.run(d.projectId, d.id);
    }
  }

  /**
   * `stored`: the trace is known to be stored (read it). Otherwise a trace not in the cache is
   * taken as new, which it usually is: its row is inserted without a read first, and only when the
   * insert finds the row there is the trace read and merged again.
   */
  private writeTrace(projectId: string, traceId: string, spans: Map<string, PreparedSpanEvent[]>, acc: RollupAccumulator, stored = false): TraceState {
    const traceKey = projectId + '\u0000' + traceId;
    const row = this.traceRows.get(traceKey) ?? (stored ? this.st.selectTrace.get(projectId, traceId) : undefined);
    // Rollup changes of a trace taken as new wait until its insert succeeded.
    const pending: Array<{ c: Contribution; sign: 1 | -1 }> | null = row ? null : [];
    let firstTime = Infinity;
    for (const events of spans.values()) for (const e of events) firstTime = Math.min(firstTime, e.startTime ?? e.time);
    const t = row ? traceFromRow(row) : newTraceState(projectId, traceId, firstTime);
    for (const events of spans.values()) for (const e of events) if (e.trace) applyTraceAttributes(t, e.trace, e.time);
    const dims: SpanDims = { userId: t.userId, environment: t.environment, release: t.release };

    // Merge every span of the batch with its stored row.
    const merged: Array<{ s: SpanState; existing: SpanRecord | undefined }> = [];
    let kindsChanged = false;
    const staleModels = new Set<string>();
    for (const [spanId, events] of spans) {
      let existing: SpanRecord | undefined;
      if (row) {
        existing = this.runningSpans.get(row.id + ':' + spanId);
        if (!existing) {
          const stored = this.st.selectSpan.get(row.id, spanId);
          if (stored) existing = recordFromRow(stored);
        }
      }
      const s = existing ? existing.state : newSpanState(spanId);
      const beforeTotals: TraceTotals | null = existing ? spanTotals(s) : null;
      const beforeContribution = existing ? contributionOf(s, dimsOf(existing.values), traceId) : null;
      const beforeKind = s.kind;
      const beforeModel = s.model;
      for (const e of events) applySpanEvent(s, e);
      this.priceSpan(projectId, s);
      applySpanToTrace(t, beforeTotals, s, beforeKind, beforeModel);
      if (existing) {
        if (beforeKind !== s.kind) kindsChanged = true;
        if (beforeModel !== null && (beforeModel !== s.model || beforeKind !== s.kind)) staleModels.add(beforeModel);
      }
      const afterContribution = contributionOf(s, dims, traceId);
      if (!sameContribution(beforeContribution, afterContribution)) {
        if (pending) {
          // A new span has no previous contribution.
          if (afterContribution) pending.push({ c: afterContribution, sign: 1 });
        } else {
          if (beforeContribution) acc.add(projectId, beforeContribution, -1);
          if (afterContribution) acc.add(projectId, afterContribution, 1);
        }
      }
      merged.push({ s, existing });
    }
    finishTrace(t);
    t.cost = roundCost(t.cost);

    let values: unknown[];
    if (row) {
      // Spans first, so that kinds and models can be recomputed from the stored spans.
      this.writeSpans(t, merged, dims);
      if (kindsChanged) {
        t.kinds = 0;
        for (const { kind } of this.st.selectTraceKinds.all(t.ref)) t.kinds |= kindBit(kind);
      }
      values = traceValues(t, this.now());
      this.st.updateTrace.run(row.id, row as unknown as Record<string, unknown>, values);
    } else {
      values = traceValues(t, this.now());
      const inserted = this.st.insertTrace.run(projectId, traceId, ...values);
      // Stored before (by an earlier write no longer cached): merge with the stored rows instead.
      if (inserted.changes === 0) return this.writeTrace(projectId, traceId, spans, acc, true);
      t.ref = Number(inserted.lastInsertRowid);
      for (const p of pending!) acc.add(projectId, p.c, p.sign);
      this.writeSpans(t, merged, dims);
    }
    // A trace whose root and every span have ended rarely hears more; caching its row (an entry
    // per trace, alive until evicted) costs more than reading it back in that rare case.
    if (t.runningCount > 0 || t.rootSpanId === null) remember(this.traceRows, traceKey, traceRowOf(t, values), MAX_TRACES_CACHED);
    else this.traceRows.delete(traceKey);
    if (t.input !== undefined || t.output !== undefined) this.st.upsertTracePayload.run(t.ref, t.input ?? null, t.output ?? null);
    this.writeTraceIndexes(t, staleModels);
    this.writeUserSession(t);
    if (row && (row.user_id !== t.userId || row.environment !== t.environment || row.release !== t.release)) {
      this.restampSpans(t, new Set(spans.keys()), dims, acc);
    }
    return t;
  }

  private writeSpans(t: TraceState, merged: Array<{ s: SpanState; existing: SpanRecord | undefined }>, dims: SpanDims): void {
    for (const { s, existing } of merged) {
      const counted = s.status === 'ok' || s.status === 'error';
      const values = observationValues(s, dims, counted);
      let id: number;
      if (existing) {
        id = existing.id;
        this.st.updateSpan.run(id, existing.values, values);
      } else {
        id = Number(this.st.insertSpan.run(t.ref, ...values).lastInsertRowid);
      }
      if (s.payloadDirty) this.st.upsertPayload.run(id, s.input ?? null, s.output ?? null);
      const key = t.ref + ':' + s.spanId;
      if (s.status === 'running') {
        // Keep only what a later merge needs: payload text and values stay in the database.
        s.payloadDirty = false;
        s.input = undefined;
        s.output = undefined;
        s.inputNew = undefined;
        s.outputNew = undefined;
        remember(this.runningSpans, key, { id, state: s, values }, MAX_RUNNING_CACHED);
      } else if (existing) {
        this.runningSpans.delete(key);
      }
    }
  }

  /** Cost from the price table when the client sent none (model and usage may come from different events). */
  private priceSpan(projectId: string, s: SpanState): void {
    if (hasClientCost(s)) return;
    s.cost = null;
    s.costComputed = false;
    if (s.usage === null || s.model === null) return;
    try {
      const at = s.startTime ?? s.endTime ?? 0;
      const overrides = this.priceOverrides(projectId);
      // Prices take effect at UTC midnights (find-price.ts), so without overrides the cost depends
      // on the time only through its day: memoized per model, provider, usage and day.
      const key = overrides ? null : `${s.provider ?? ''}\u0000${s.model}\u0000${s.usage}\u0000${Math.floor(at / DAY_MS)}`;
      let cost = key === null ? undefined : this.costs.get(key);
      if (cost === undefined) {
        const query: CostQuery = { model: s.model, usage: usageOf(s)!, at };
        if (s.provider !== null) query.provider = s.provider;
        if (overrides) query.overrides = overrides;
        cost = computeCost(query);
        if (key !== null) {
          if (this.costs.size >= MAX_COSTS_CACHED) this.costs.clear();
          this.costs.set(key, cost);
        }
      }
      if (cost !== null && Number.isFinite(cost)) {
        s.cost = cost;
        s.costComputed = true;
      }
    } catch {
      // A pricing bug must never lose a span: the span is stored without cost.
    }
  }

  /** Tags, models and the search entry of a trace, keyed by its start time. */
  private writeTraceIndexes(t: TraceState, staleModels: ReadonlySet<string>): void {
    const loaded = t.loaded;
    const oldTags = loaded?.tags ?? [];
    const moved = loaded !== null && loaded.startTime !== t.startTime;
    if (moved) for (const tag of oldTags) this.st.deleteTag.run(t.projectId, tag, loaded.startTime, t.ref);
    const oldSet = moved ? new Set<string>() : new Set(oldTags);
    for (const tag of t.tags) if (!oldSet.has(tag)) this.st.insertTag.run(t.projectId, tag, t.startTime, t.ref);
    if (loaded !== null && (moved || staleModels.size > 0)) {
      // Rare (the root arrived after its children, or a span changed model): rebuild from the spans.
      const current = this.st.selectTraceModels.all(t.ref).map((r) => r.model);
      for (const model of new Set([...staleModels, ...current])) this.st.deleteModel.run(t.projectId, model, loaded.startTime, t.ref);
      for (const model of current) this.st.insertModel.run(t.projectId, model, t.startTime, t.ref);
    } else {
      for (const model of t.newModels) this.st.insertModel.run(t.projectId, model, t.startTime, t.ref);
    }
    const text = searchText(t);
    if (text !== loaded?.searchText) {
      if (loaded?.searchText) this.st.deleteSearch.run(t.ref);
      if (text.trim() !== '') this.st.insertSearch.run(t.ref, text);
    }
  }

  /** Keeps the trace's (user, session) pair in user_sessions, and drops the pair it had if no trace has that any more. */
  private writeUserSession(t: TraceState): void {
    const was = t.loaded;
    if (was !== null && was.userId === t.userId && was.sessionId === t.sessionId) return;
    if (t.userId !== null && t.sessionId !== null) this.st.insertUserSession.run(t.projectId, t.userId, t.sessionId);
    if (was !== null && was.userId !== null && was.sessionId !== null) {
      this.st.deleteOrphanUserSession.run({ project: t.projectId, user: was.userId, session: was.sessionId });
    }
  }

  /**
   * The trace's user, environment or release changed: spans written earlier carry the old values
   * as rollup dimensions. Move their contributions so the result does not depend on whether the
   * trace attributes arrived before or after the spans.
   */
  private restampSpans(t: TraceState, skip: Set<string>, dims: SpanDims, acc: RollupAccumulator): void {
    for (const r of this.st.selectTraceSpans.all(t.ref)) {
      if (skip.has(r.span_id)) continue;
      this.runningSpans.delete(t.ref + ':' + r.span_id);
      const s = stateFromRow(r);
      const before = contributionOf(s, dimsFromRow(r), t.traceId);
      const after = contributionOf(s, dims, t.traceId);
      if (before) acc.add(t.projectId, before, -1);
      if (after) acc.add(t.projectId, after, 1);
      this.st.updateSpanDims.run(dims.userId, dims.environment, dims.release, r.id);
    }
  }
}

function traceFromRow(r: TraceRow): TraceState {
  const t = newTraceState(r.project_id, r.trace_id, r.start_time);
  t.ref = r.id;
  t.rootSpanId = r.root_span_id;
  t.rootStatus = r.root_status as ObservationStatus | null;
  t.rootStart = r.root_span_id !== null ? r.start_time : null;
  t.name = r.name;
  t.startTime = r.start_time;
  t.endTime = r.end_time;
  t.status = r.status as ObservationStatus;
  t.userId = r.user_id;
  t.sessionId = r.session_id;
  t.tags = r.tags ? (JSON.parse(r.tags) as string[]) : [];
  t.metadata = r.metadata;
  t.release = r.release;
  t.environment = r.environment;
  t.service = r.service;
  t.inputPreview = r.input_preview;
  t.outputPreview = r.output_preview;
  t.spanCount = r.span_count;
  t.errorCount = r.error_count;
  t.runningCount = r.running_count;
  t.abandonedCount = r.abandoned_count;
  t.inputTokens = r.input_tokens;
  t.outputTokens = r.output_tokens;
  t.totalTokens = r.total_tokens;
  t.cost = r.cost;
  t.kinds = r.kinds;
  t.minStart = r.min_start;
  t.maxEnd = r.max_end;
  t.merge = JSON.parse(r.merge_state) as TraceState['merge'];
  t.loaded = {
    startTime: r.start_time,
    tags: t.tags,
    searchText: searchText(t),
    sessionId: r.session_id,
    userId: r.user_id,
    contribution: sessionContribution(t),
  };
  return t;
}

/** The row as written (what `SELECT *` would give back), for the trace cache. */
function traceRowOf(t: TraceState, values: readonly unknown[]): TraceRow {
  const row: Record<string, unknown> = { id: t.ref, project_id: t.projectId, trace_id: t.traceId };
  TRACE_COLUMNS.forEach((c, i) => (row[c] = values[i]));
  return row as unknown as TraceRow;
}

function traceValues(t: TraceState, now: number): unknown[] {
  return [
    t.rootSpanId,
    t.rootStatus,
    t.name,
    t.startTime,
    t.endTime,
    traceDuration(t),
    t.status,
    t.userId,
    t.sessionId,
    t.tags.length > 0 ? JSON.stringify(t.tags) : null,
    t.metadata,
    t.release,
    t.environment,
    t.service,
    t.inputPreview,
    t.outputPreview,
    t.spanCount,
    t.errorCount,
    t.runningCount,
    t.abandonedCount,
    t.inputTokens,
    t.outputTokens,
    t.totalTokens,
    t.cost,
    t.kinds,
    t.minStart,
    t.maxEnd,
    JSON.stringify(t.merge, Object.keys(t.merge).sort()),
    now,
  ];
}

function addAggregate(
  into: Map<string, AggregateDelta & { projectId: string; id: string }>,
  projectId: string,
  before: SessionContribution | null,
  after: SessionContribution,
  key: 'sessionId' | 'userId',
): void {
  const change = (c: SessionContribution, sign: 1 | -1): void => {
    const id = c[key];
    if (id === null) return;
    const k = projectId + '\u0000' + id;
    let d = into.get(k);
    if (!d) {
      d = { projectId, id, traceCount: 0, first: null, last: null, spanCount: 0, errorCount: 0, runningCount: 0,
        abandonedCount: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, cost: 0 };
      into.set(k, d);
    }
    d.traceCount += sign;
    addTotals(d, c, sign);
    if (sign > 0) {
      d.first = d.first === null ? c.startTime : Math.min(d.first, c.startTime);
      d.last = d.last === null ? c.startTime : Math.max(d.last, c.startTime);
    }
  };
  if (before) change(before, -1);
  change(after, 1);
}

function aggregateParams(d: AggregateDelta & { projectId: string; id: string }): unknown[] {
  const cost = roundCost(d.cost);
  return [d.projectId, d.id, d.traceCount, d.first, d.last, d.spanCount, d.errorCount, d.inputTokens, d.outputTokens,
    d.totalTokens, cost, d.first, d.last];
}
