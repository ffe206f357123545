/**
 * Sessions, from the `sessions` table the store keeps up to date at write time. The list is ordered
 * by last activity (newest first), keyset-paginated on (last_time, session_id) over
 * sessions_by_last; a range keeps the sessions active in it (first_time <= to, last_time >= from).
 */
import type { Database } from 'better-sqlite3';
import type { Page, SessionDetail, SessionSummary } from '@wisp/protocol';
import { decodeCursor, encodeCursor } from './cursor.js';
import { Deadline, type ReadOptions } from './deadline.js';
import { TRACE_SUMMARY_COLUMNS, toTraceSummary, type TraceRow } from './trace-row.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from './traces.js';

export interface PageQuery {
  from?: number;
  to?: number;
  limit?: number;
  cursor?: string;
}

/** Traces returned with a session, oldest first. */
export const MAX_SESSION_TRACES = 1_000;
/** User ids listed per session. */
export const MAX_SESSION_USERS = 20;

export interface ActivityRow {
  id: string;
  trace_count: number;
  first_time: number;
  last_time: number;
  span_count: number;
  error_count: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  cost: number;
}

export const totalsOf = (r: ActivityRow) => ({
  spanCount: r.span_count,
  errorCount: r.error_count,
  inputTokens: r.input_tokens,
  outputTokens: r.output_tokens,
  totalTokens: r.total_tokens,
  cost: r.cost,
});

const ACTIVITY_COLUMNS = 'trace_count, first_time, last_time, span_count, error_count, input_tokens, output_tokens, total_tokens, cost';

/** One page of `table` (sessions or users) by last activity; shared by sessions and users. */
export function activityPage(db: Database, table: 'sessions' | 'users', idColumn: string, projectId: string, q: PageQuery, options: ReadOptions): { rows: ActivityRow[]; nextCursor: string | null } {
  const deadline = new Deadline(options);
  const limit = Math.min(Math.max(1, Math.trunc(q.limit ?? DEFAULT_LIMIT)), MAX_LIMIT);
  const where = ['project_id = ?'];
  const params: unknown[] = [projectId];
  if (q.from !== undefined) {
    where.push('last_time >= ?');
    params.push(q.from);
  }
  if (q.to !== undefined) {
    where.push('first_time <= ?');
    params.push(q.to);
  }
  if (q.cursor !== undefined) {
    const [k, id] = decodeCursor(q.cursor, table, ['number', 'string']) as [number, string];
    where.push(`last_time <= ? AND (last_time < ? OR ${idColumn} < ?)`);
    params.push(k, k, id);
  }
  const rows = db
    .prepare(`SELECT ${idColumn} AS id, ${ACTIVITY_COLUMNS} FROM ${table} INDEXED BY ${table}_by_last WHERE ${where.join(' AND ')} ORDER BY last_time DESC, ${idColumn} DESC LIMIT ?`)
    .all(...params, limit + 1) as ActivityRow[];
  deadline.check();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, nextCursor: rows.length > limit && last ? encodeCursor(table, [last.last_time, last.id]) : null };
}

/** Traces of a session looked at for its user ids (a session usually has one user). */
export const SESSION_USER_SCAN = 100;

/** The users of the session's most recent traces: bounded, as a session may hold thousands. */
function sessionUsers(db: Database, projectId: string, sessionId: string): string[] {
  return (db
    .prepare(
      `SELECT DISTINCT user_id FROM (SELECT user_id FROM traces INDEXED BY traces_by_session WHERE project_id = ? AND session_id = ?
         ORDER BY start_time DESC LIMIT ${SESSION_USER_SCAN}) WHERE user_id IS NOT NULL LIMIT ${MAX_SESSION_USERS}`,
    )
    .all(projectId, sessionId) as Array<{ user_id: string }>).map((r) => r.user_id);
}

function toSession(db: Database, projectId: string, r: ActivityRow): SessionSummary {
  return { sessionId: r.id, traceCount: r.trace_count, firstTime: r.first_time, lastTime: r.last_time, userIds: sessionUsers(db, projectId, r.id), ...totalsOf(r) };
}

export function listSessions(db: Database, projectId: string, q: PageQuery, options: ReadOptions = {}): Page<SessionSummary> {
  const { rows, nextCursor } = activityPage(db, 'sessions', 'session_id', projectId, q, options);
  return { items: rows.map((r) => toSession(db, projectId, r)), nextCursor };
}

export function getSession(db: Database, projectId: string, sessionId: string, options: ReadOptions = {}): SessionDetail | null {
  const deadline = new Deadline(options);
  const row = db.prepare(`SELECT session_id AS id, ${ACTIVITY_COLUMNS} FROM sessions WHERE project_id = ? AND session_id = ?`).get(projectId, sessionId) as
    | ActivityRow
    | undefined;
  if (!row) return null;
  const traces = db
    .prepare(`SELECT ${TRACE_SUMMARY_COLUMNS} FROM traces t INDEXED BY traces_by_session WHERE t.project_id = ? AND t.session_id = ? ORDER BY t.start_time, t.id LIMIT ${MAX_SESSION_TRACES}`)
    .all(projectId, sessionId) as TraceRow[];
  deadline.check();
  return { session: toSession(db, projectId, row), traces: traces.map(toTraceSummary) };
}
