/**
 * Retention: deletes traces (with their observations, payloads, tags, models, search entries and
 * session/user contributions), rollups and SDK reports older than each project's retention, in
 * small transactions so ingest keeps running between them (see Arize-ai/phoenix#13906: one huge
 * DELETE over millions of rows never finished).
 */
import type { Database, Statement } from 'better-sqlite3';
import type { SpanWriteStatements } from './write-statements.js';

const DAY_MS = 86_400_000;

interface ExpiredTrace {
  id: number;
  start_time: number;
  tags: string | null;
  session_id: string | null;
  user_id: string | null;
  span_count: number;
  error_count: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  cost: number;
  name: string | null;
  input_preview: string | null;
  output_preview: string | null;
}

export class Retention {
  private readonly selectProjects: Statement<[], { id: string; retention_days: number }>;
  private readonly selectExpired: Statement<[string, number, number], ExpiredTrace>;
  private readonly deletePayloads: Statement<[number]>;
  private readonly deleteObservations: Statement<[number]>;
  private readonly deleteTracePayload: Statement<[number]>;
  private readonly deleteTrace: Statement<[number]>;
  private readonly deleteRollups: Array<Statement<[{ project: string; cutoff: number; limit: number }]>>;

  constructor(
    private readonly db: Database,
    private readonly st: SpanWriteStatements,
  ) {
    this.selectProjects = db.prepare('SELECT id, retention_days FROM projects');
    this.selectExpired = db.prepare(
      `SELECT id, start_time, tags, session_id, user_id, span_count, error_count, input_tokens, output_tokens, total_tokens,
       cost, name, input_preview, output_preview
       FROM traces WHERE project_id = ? AND start_time < ? ORDER BY start_time LIMIT ?`,
    );
    this.deletePayloads = db.prepare(
      'DELETE FROM observation_payloads WHERE observation_id IN (SELECT id FROM observations WHERE trace_ref = ?)',
    );
    this.deleteObservations = db.prepare('DELETE FROM observations WHERE trace_ref = ?');
    this.deleteTracePayload = db.prepare('DELETE FROM trace_payloads WHERE trace_ref = ?');
    this.deleteTrace = db.prepare('DELETE FROM traces WHERE id = ?');
    // Rollup tables are keyed (project_id, resolution, bucket, ...): each delete is a bounded range.
    this.deleteRollups = [
      `DELETE FROM rollups WHERE (project_id, resolution, bucket, series_id) IN (
         SELECT project_id, resolution, bucket, series_id FROM rollups
         WHERE project_id = @project AND resolution IN (60000, 3600000) AND bucket < @cutoff LIMIT @limit)`,
      `DELETE FROM rollups_user WHERE (project_id, resolution, bucket, user_id) IN (
         SELECT project_id, resolution, bucket, user_id FROM rollups_user
         WHERE project_id = @project AND resolution IN (60000, 3600000) AND bucket < @cutoff LIMIT @limit)`,
      `DELETE FROM rollups_error WHERE (project_id, resolution, bucket, series_id, error_type) IN (
         SELECT project_id, resolution, bucket, series_id, error_type FROM rollups_error
         WHERE project_id = @project AND resolution IN (60000, 3600000) AND bucket < @cutoff LIMIT @limit)`,
      `DELETE FROM sdk_reports WHERE (project_id, instance_id, time) IN (
         SELECT project_id, instance_id, time FROM sdk_reports WHERE project_id = @project AND time < @cutoff LIMIT @limit)`,
    ].map((sql) => db.prepare<[{ project: string; cutoff: number; limit: number }]>(sql));
  }

  /**
   * Deletes at most `batchSize` traces plus at most `batchSize` rows of each rollup table, over all
   * projects; returns how many rows (traces and rollup/report rows) it deleted. Call until 0.
   */
  deleteExpired(now: number, batchSize: number): number {
    const limit = Math.max(1, Math.floor(batchSize));
    let traceBudget = limit;
    let deleted = 0;
    for (const p of this.selectProjects.all()) {
      const cutoff = now - Math.max(1, p.retention_days) * DAY_MS;
      deleted += this.db.transaction(() => {
        let n = 0;
        if (traceBudget > 0) {
          const expired = this.selectExpired.all(p.id, cutoff, traceBudget);
          for (const t of expired) this.deleteOne(p.id, t);
          traceBudget -= expired.length;
          n += expired.length;
        }
        for (const stmt of this.deleteRollups) n += stmt.run({ project: p.id, cutoff, limit }).changes;
        return n;
      }).immediate();
    }
    return deleted;
  }

  private deleteOne(projectId: string, t: ExpiredTrace): void {
    for (const { model } of this.st.selectTraceModels.all(t.id)) this.st.deleteModel.run(projectId, model, t.start_time, t.id);
    for (const tag of t.tags ? (JSON.parse(t.tags) as string[]) : []) this.st.deleteTag.run(projectId, tag, t.start_time, t.id);
    this.deletePayloads.run(t.id);
    this.deleteObservations.run(t.id);
    this.deleteTracePayload.run(t.id);
    if ([t.name ?? '', t.input_preview ?? '', t.output_preview ?? ''].join(' ').trim() !== '') this.st.deleteSearch.run(t.id);
    // Positional parameters of the aggregate upserts (write-statements.ts): the trace's totals removed.
    const params = (key: string): unknown[] => [projectId, key, -1, null, null, -t.span_count, -t.error_count,
      -t.input_tokens, -t.output_tokens, -t.total_tokens, -t.cost, null, null];
    if (t.session_id !== null) {
      this.st.upsertSession.run(...params(t.session_id));
      this.st.deleteEmptySession.run(projectId, t.session_id);
    }
    if (t.user_id !== null) {
      this.st.upsertUser.run(...params(t.user_id));
      this.st.deleteEmptyUser.run(projectId, t.user_id);
    }
    this.deleteTrace.run(t.id);
    if (t.user_id !== null && t.session_id !== null) {
      this.st.deleteOrphanUserSession.run({ project: projectId, user: t.user_id, session: t.session_id });
    }
  }
}
