/** Users, from the `users` table the store keeps at write time; ordered by last activity. */
import type { Database } from 'better-sqlite3';
import type { Page, UserSummary } from '@wisp/protocol';
import { Deadline, type ReadOptions } from './deadline.js';
import { activityPage, totalsOf, type ActivityRow, type PageQuery } from './sessions.js';

const ACTIVITY_COLUMNS = 'trace_count, first_time, last_time, span_count, error_count, input_tokens, output_tokens, total_tokens, cost';

function sessionCount(db: Database, projectId: string, userId: string): number {
  const row = db
    .prepare('SELECT count(*) AS n FROM user_sessions WHERE project_id = ? AND user_id = ?')
    .get(projectId, userId) as { n: number };
  return row.n;
}

function toUser(db: Database, projectId: string, r: ActivityRow): UserSummary {
  return { userId: r.id, traceCount: r.trace_count, sessionCount: sessionCount(db, projectId, r.id), firstTime: r.first_time, lastTime: r.last_time, ...totalsOf(r) };
}

export function listUsers(db: Database, projectId: string, q: PageQuery, options: ReadOptions = {}): Page<UserSummary> {
  const deadline = new Deadline(options);
  const { rows, nextCursor } = activityPage(db, 'users', 'user_id', projectId, q, options);
  const items = rows.map((r) => {
    deadline.check();
    return toUser(db, projectId, r);
  });
  return { items, nextCursor };
}

export function getUser(db: Database, projectId: string, userId: string): UserSummary | null {
  const row = db.prepare(`SELECT user_id AS id, ${ACTIVITY_COLUMNS} FROM users WHERE project_id = ? AND user_id = ?`).get(projectId, userId) as ActivityRow | undefined;
  return row ? toUser(db, projectId, row) : null;
}
