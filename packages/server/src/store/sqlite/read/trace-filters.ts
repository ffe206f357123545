/**
 * SQL conditions for the trace filters of TraceListQuery, over `traces t`. Every value is a bound
 * parameter; LIKE patterns are escaped. A driver (the index a list walks) may cover some filters,
 * which are then left out here.
 */
import type { Database } from 'better-sqlite3';
import { OBSERVATION_KINDS, type TraceListQuery } from '@wisp/protocol';
import { containsPattern } from './like.js';

export interface SqlPart {
  sql: string;
  params: unknown[];
}

/** Filters a driver can cover. */
export type CoverableFilter = 'range' | 'name' | 'status' | 'userId' | 'sessionId' | 'tags0' | 'model' | 'search' | 'traceIds';

/**
 * How a text search runs: `hits` when the trigram index found few matching traces (they become the
 * candidate set), `fts` (a per-row index probe) when the needle is common, `like` for needles under
 * 3 characters, which the trigram index cannot look up.
 */
export type SearchPlan = { mode: 'hits'; ids: number[] } | { mode: 'fts'; match: string } | { mode: 'like'; pattern: string };

/** Above this many trigram hits (over all projects) a search probes per row instead. */
export const SEARCH_HITS_CAP = 5_000;

export function ftsPhrase(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

export function planSearch(db: Database, text: string, cap = SEARCH_HITS_CAP): SearchPlan {
  if ([...text].length < 3) return { mode: 'like', pattern: containsPattern(text) };
  const match = ftsPhrase(text);
  const ids = db
    .prepare<[string, number], { rowid: number }>('SELECT rowid FROM trace_search WHERE trace_search MATCH ? LIMIT ?')
    .all(match, cap + 1)
    .map((r) => r.rowid);
  return ids.length <= cap ? { mode: 'hits', ids } : { mode: 'fts', match };
}

export function kindMask(kind: string): number {
  const i = (OBSERVATION_KINDS as readonly string[]).indexOf(kind);
  return i < 0 ? 0 : 1 << i;
}

export function traceConditions(projectId: string, q: TraceListQuery, search: SearchPlan | null, covered: ReadonlySet<CoverableFilter>): SqlPart[] {
  const parts: SqlPart[] = [{ sql: 't.project_id = ?', params: [projectId] }];
  const eq = (column: string, value: string | undefined, key?: CoverableFilter) => {
    if (value !== undefined && !(key && covered.has(key))) parts.push({ sql: `t.${column} = ?`, params: [value] });
  };
  if (q.from !== undefined && !covered.has('range')) parts.push({ sql: 't.start_time >= ?', params: [q.from] });
  if (q.to !== undefined && !covered.has('range')) parts.push({ sql: 't.start_time <= ?', params: [q.to] });
  eq('name', q.name, 'name');
  eq('status', q.status, 'status');
  eq('user_id', q.userId, 'userId');
  eq('session_id', q.sessionId, 'sessionId');
  eq('release', q.release);
  eq('environment', q.environment);
  if (q.kind !== undefined) parts.push({ sql: '(t.kinds & ?) != 0', params: [kindMask(q.kind)] });
  if (q.spanName !== undefined) {
    // Walks the trace's own spans through observations_by_trace: a handful of rows per candidate
    // trace, and lists stop at their scan budget, so a rare name costs a bounded partial page.
    parts.push({ sql: 'EXISTS (SELECT 1 FROM observations o WHERE o.trace_ref = t.id AND o.name = ?)', params: [q.spanName] });
  }
  (q.tags ?? []).forEach((tag, i) => {
    if (i === 0 && covered.has('tags0')) return;
    parts.push({
      sql: 'EXISTS (SELECT 1 FROM trace_tags g WHERE g.project_id = t.project_id AND g.tag = ? AND g.start_time = t.start_time AND g.trace_ref = t.id)',
      params: [tag],
    });
  });
  if (q.model !== undefined && !covered.has('model')) {
    parts.push({
      sql: 'EXISTS (SELECT 1 FROM trace_models m WHERE m.project_id = t.project_id AND m.model = ? AND m.start_time = t.start_time AND m.trace_ref = t.id)',
      params: [q.model],
    });
  }
  if (q.minLatencyMs !== undefined) parts.push({ sql: 't.duration_ms >= ?', params: [q.minLatencyMs] });
  if (q.maxLatencyMs !== undefined) parts.push({ sql: 't.duration_ms <= ?', params: [q.maxLatencyMs] });
  if (q.minCost !== undefined) parts.push({ sql: 't.cost >= ?', params: [q.minCost] });
  if (q.traceIds !== undefined && !covered.has('traceIds')) {
    parts.push({ sql: 't.trace_id IN (SELECT value FROM json_each(?))', params: [JSON.stringify(q.traceIds)] });
  }
  if (search && !covered.has('search')) {
    if (search.mode === 'hits') parts.push({ sql: 't.id IN (SELECT value FROM json_each(?))', params: [JSON.stringify(search.ids)] });
    else if (search.mode === 'fts') {
      parts.push({ sql: 'EXISTS (SELECT 1 FROM trace_search s WHERE trace_search MATCH ? AND s.rowid = t.id)', params: [search.match] });
    } else {
      parts.push({
        sql: "(t.name LIKE ? ESCAPE '\\' OR t.input_preview LIKE ? ESCAPE '\\' OR t.output_preview LIKE ? ESCAPE '\\')",
        params: [search.pattern, search.pattern, search.pattern],
      });
    }
  }
  return parts;
}

export function joinConditions(parts: readonly SqlPart[]): SqlPart {
  return { sql: parts.map((p) => p.sql).join(' AND ') || '1', params: parts.flatMap((p) => p.params) };
}
