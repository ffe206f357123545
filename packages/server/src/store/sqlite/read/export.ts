/**
 * `exportTraces`: full traces (observations with payloads) matching a filter, one at a time. Built
 * on listTraces pages and one trace read per step, each a short synchronous statement, so the
 * async generator never holds a statement open across an await (better-sqlite3 would refuse other
 * statements meanwhile) and the consumer's pace (socket backpressure) sets the read pace.
 */
import type { Database } from 'better-sqlite3';
import type { TraceDetail, TraceListQuery } from '@wisp/protocol';
import type { ReadOptions } from './deadline.js';
import { getTraceWithPayloads } from './trace-detail.js';
import { MAX_LIMIT, listTraces } from './traces.js';

/** Most traces one export streams. */
export const MAX_EXPORT_TRACES = 10_000;

export async function* exportTraces(db: Database, projectId: string, q: TraceListQuery, options: ReadOptions = {}): AsyncGenerator<TraceDetail> {
  let remaining = Math.min(Math.max(1, Math.trunc(q.limit ?? MAX_EXPORT_TRACES)), MAX_EXPORT_TRACES);
  let cursor = q.cursor;
  while (remaining > 0) {
    const page = listTraces(db, projectId, { ...q, limit: Math.min(MAX_LIMIT, remaining), ...(cursor !== undefined ? { cursor } : {}) }, options);
    for (const summary of page.items) {
      if (remaining <= 0) return;
      const detail = getTraceWithPayloads(db, projectId, summary.traceId, options);
      if (detail === null) continue; // deleted by retention meanwhile
      remaining -= 1;
      yield detail;
    }
    if (page.nextCursor === null) return;
    cursor = page.nextCursor;
  }
}
