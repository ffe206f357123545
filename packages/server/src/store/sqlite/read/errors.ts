/**
 * `errorTypes`: errors by type over a range, from the error rollup (so every metrics filter
 * applies), most frequent first, each with its latest message and trace and the names it occurred in.
 */
import type { Database } from 'better-sqlite3';
import type { ErrorTypeRow, MetricsQuery } from '@wisp/protocol';
import { Deadline, rowsWithin, type ReadOptions } from './deadline.js';
import { matchingSeries } from './metrics.js';
import { HOUR, alignRange, rollupSlices } from './rollup-range.js';

/** Error types returned, most frequent first. */
export const MAX_ERROR_TYPES = 200;
/** Names listed per error type. */
export const MAX_ERROR_NAMES = 20;

interface ErrorRow {
  series_id: number;
  error_type: string;
  count: number;
  last_seen: number;
  sample_message: string | null;
  sample_trace_id: string | null;
}

export function errorTypes(db: Database, projectId: string, query: MetricsQuery, options: ReadOptions = {}): ErrorTypeRow[] {
  const deadline = new Deadline(options);
  const { from, to } = alignRange(query.from, query.to);
  const series = matchingSeries(db, projectId, query);
  const byType = new Map<string, ErrorTypeRow & { nameCounts: Map<string, number> }>();
  const stmt = db.prepare(
    `SELECT series_id, error_type, count, last_seen, sample_message, sample_trace_id
     FROM rollups_error WHERE project_id = ? AND resolution = ? AND bucket >= ? AND bucket < ?`,
  );
  // No series here: whole hours can always come from the hourly rollup.
  for (const s of rollupSlices(from, to, HOUR)) {
    for (const r of rowsWithin<ErrorRow>(stmt.iterate(projectId, s.resolution, s.from, s.to), deadline)) {
      const dims = series.get(r.series_id);
      if (!dims || r.count <= 0) continue;
      let e = byType.get(r.error_type);
      if (!e) {
        e = { errorType: r.error_type, count: 0, lastSeen: r.last_seen, sampleMessage: r.sample_message, sampleTraceId: r.sample_trace_id, names: [], nameCounts: new Map() };
        byType.set(r.error_type, e);
      }
      e.count += r.count;
      if (r.last_seen >= e.lastSeen) {
        e.lastSeen = r.last_seen;
        e.sampleMessage = r.sample_message;
        e.sampleTraceId = r.sample_trace_id;
      }
      e.nameCounts.set(dims.name, (e.nameCounts.get(dims.name) ?? 0) + r.count);
    }
  }
  return [...byType.values()]
    .sort((a, b) => b.count - a.count || a.errorType.localeCompare(b.errorType))
    .slice(0, MAX_ERROR_TYPES)
    .map(({ nameCounts, ...e }) => ({
      ...e,
      names: [...nameCounts.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, MAX_ERROR_NAMES)
        .map(([n]) => n),
    }));
}
