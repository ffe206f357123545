/**
 * `traceFacets`: the distinct values of one filter with counts, for the dashboard's pickers.
 * Counted over the FACET_SCAN_TRACES most recent traces of the range that match the other filters
 * (a bounded scan: the pickers need the common values, not exact counts over months).
 */
import type { Database } from 'better-sqlite3';
import { OBSERVATION_KINDS, type FacetField, type FacetResponse, type TraceListQuery } from '@wisp/protocol';
import { Deadline, type ReadOptions } from './deadline.js';
import { joinConditions, planSearch, traceConditions } from './trace-filters.js';

/** Most recent traces a facet count looks at. */
export const FACET_SCAN_TRACES = 20_000;
/** Values returned per facet, most frequent first. */
export const FACET_VALUES = 100;

const COLUMN: Partial<Record<FacetField, string>> = {
  name: 't.name',
  status: 't.status',
  userId: 't.user_id',
  sessionId: 't.session_id',
  release: 't.release',
  environment: 't.environment',
  service: 't.service',
};

export function traceFacets(db: Database, projectId: string, field: FacetField, q: TraceListQuery, options: ReadOptions = {}): FacetResponse {
  const deadline = new Deadline(options);
  // The field's own filter would reduce the picker to the chosen value: leave it out.
  const others: TraceListQuery = { ...q };
  if (field === 'tags') delete others.tags;
  else if (field !== 'service') delete others[field];
  const search = others.search !== undefined ? planSearch(db, others.search) : null;
  const range = [
    ...(q.from !== undefined ? [{ sql: 'start_time >= ?', params: [q.from] }] : []),
    ...(q.to !== undefined ? [{ sql: 'start_time <= ?', params: [q.to] }] : []),
  ];
  const win = joinConditions([{ sql: 'project_id = ?', params: [projectId] }, ...range]);
  const recent = `(SELECT id FROM traces INDEXED BY traces_by_start WHERE ${win.sql} ORDER BY start_time DESC LIMIT ${FACET_SCAN_TRACES}) w CROSS JOIN traces t ON t.id = w.id`;
  const filters = joinConditions(traceConditions(projectId, others, search, new Set()));
  const params = [...win.params, ...filters.params];
  let values: Array<{ value: string; count: number }>;
  const column = COLUMN[field];
  if (column !== undefined) {
    values = db
      .prepare(`SELECT ${column} AS value, count(*) AS count FROM ${recent} WHERE ${filters.sql} AND ${column} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${FACET_VALUES}`)
      .all(...params) as typeof values;
  } else if (field === 'tags') {
    values = db
      .prepare(`SELECT j.value AS value, count(*) AS count FROM ${recent}, json_each(t.tags) j WHERE ${filters.sql} AND t.tags IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${FACET_VALUES}`)
      .all(...params) as typeof values;
  } else if (field === 'kind') {
    const sums = OBSERVATION_KINDS.map((_, i) => `sum((t.kinds >> ${i}) & 1) AS k${i}`).join(', ');
    const row = db.prepare(`SELECT ${sums} FROM ${recent} WHERE ${filters.sql}`).get(...params) as Record<string, number | null>;
    values = OBSERVATION_KINDS.map((kind, i) => ({ value: kind, count: row[`k${i}`] ?? 0 }))
      .filter((v) => v.count > 0)
      .sort((a, b) => b.count - a.count);
  } else {
    // model: the models a project has used are few (read from the rollup series); count each
    // among the recent traces through the trace_models key.
    const models = (db
      .prepare("SELECT DISTINCT model FROM rollup_series WHERE project_id = ? AND model != '' LIMIT 1000")
      .all(projectId) as Array<{ model: string }>).map((r) => r.model);
    values = [];
    const onlyRange = Object.keys(others).every((k) => k === 'from' || k === 'to' || (others as Record<string, unknown>)[k] === undefined);
    if (models.length > 0 && onlyRange) {
      // No other filter: count each model's rows in trace_models from the start time of the
      // FACET_SCAN_TRACES-th most recent trace on (index range counts, no trace rows read).
      const edge = db
        .prepare(`SELECT start_time FROM traces INDEXED BY traces_by_start WHERE ${win.sql} ORDER BY start_time DESC LIMIT 1 OFFSET ${FACET_SCAN_TRACES - 1}`)
        .get(...win.params) as { start_time: number } | undefined;
      const lo = Math.max(edge?.start_time ?? -Infinity, q.from ?? -Infinity);
      const hi = q.to ?? Infinity;
      const count = db.prepare('SELECT count(*) AS n FROM trace_models WHERE project_id = ? AND model = ? AND start_time >= ? AND start_time <= ?');
      values = models
        .map((model) => ({ value: model, count: (count.get(projectId, model, lo, hi) as { n: number }).n }))
        .filter((v) => v.count > 0)
        .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1))
        .slice(0, FACET_VALUES);
    } else if (models.length > 0) {
      values = db
        .prepare(
          `SELECT m.model AS value, count(*) AS count FROM ${recent} CROSS JOIN json_each(?) j
             CROSS JOIN trace_models m ON m.project_id = t.project_id AND m.model = j.value AND m.start_time = t.start_time AND m.trace_ref = t.id
           WHERE ${filters.sql} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${FACET_VALUES}`,
        )
        .all(...win.params, JSON.stringify(models), ...filters.params) as typeof values;
    }
  }
  deadline.check();
  return { field, values };
}
