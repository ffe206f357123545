/** The prepared statements of the write path (one set per store connection). */
import type { Database, Statement } from 'better-sqlite3';
import { ChangedColumnsUpdate } from './changed-columns-update.js';
import { OBSERVATION_COLUMNS, type ObservationRow } from './observation-row.js';

/** A `traces` row as `SELECT *` returns it. */
export interface TraceRow {
  id: number;
  project_id: string;
  trace_id: string;
  root_span_id: string | null;
  root_status: string | null;
  name: string | null;
  start_time: number;
  end_time: number | null;
  status: string;
  user_id: string | null;
  session_id: string | null;
  tags: string | null;
  metadata: string | null;
  release: string | null;
  environment: string | null;
  service: string | null;
  input_preview: string | null;
  output_preview: string | null;
  span_count: number;
  error_count: number;
  running_count: number;
  abandoned_count: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  cost: number;
  kinds: number;
  min_start: number | null;
  max_end: number | null;
  merge_state: string;
}

export const TRACE_COLUMNS = [
  'root_span_id', 'root_status', 'name', 'start_time', 'end_time', 'duration_ms', 'status', 'user_id', 'session_id', 'tags',
  'metadata', 'release', 'environment', 'service', 'input_preview', 'output_preview', 'span_count', 'error_count',
  'running_count', 'abandoned_count', 'input_tokens', 'output_tokens', 'total_tokens', 'cost', 'kinds', 'min_start',
  'max_end', 'merge_state', 'updated_at',
] as const;

export class SpanWriteStatements {
  readonly selectTrace: Statement<[string, string], TraceRow>;
  /** Inserts a trace row unless (project_id, trace_id) exists (then `changes` is 0). */
  readonly insertTrace: Statement<unknown[]>;
  readonly updateTrace: ChangedColumnsUpdate;
  readonly upsertTracePayload: Statement<[number, string | null, string | null]>;
  readonly insertTag: Statement<[string, string, number, number]>;
  readonly deleteTag: Statement<[string, string, number, number]>;
  readonly insertModel: Statement<[string, string, number, number]>;
  readonly deleteModel: Statement<[string, string, number, number]>;
  readonly selectTraceModels: Statement<[number], { model: string }>;
  readonly selectTraceKinds: Statement<[number], { kind: string }>;
  readonly deleteSearch: Statement<[number]>;
  readonly insertSearch: Statement<[number, string]>;
  readonly selectSpan: Statement<[number, string], ObservationRow>;
  readonly selectTraceSpans: Statement<[number], ObservationRow>;
  readonly insertSpan: Statement<unknown[]>;
  readonly updateSpan: ChangedColumnsUpdate;
  readonly updateSpanDims: Statement<[string | null, string | null, string | null, number]>;
  readonly upsertPayload: Statement<[number, string | null, string | null]>;
  readonly upsertSession: Statement<unknown[]>;
  readonly deleteEmptySession: Statement<[string, string]>;
  readonly upsertUser: Statement<unknown[]>;
  readonly deleteEmptyUser: Statement<[string, string]>;
  readonly ensureProject: Statement<[string, string, number]>;
  readonly insertUserSession: Statement<[string, string, string]>;
  /** Removes a (user, session) pair that no trace has any more. */
  readonly deleteOrphanUserSession: Statement<[{ project: string; user: string; session: string }]>;
  readonly insertReport: Statement<unknown[]>;

  constructor(db: Database) {
    this.selectTrace = db.prepare('SELECT * FROM traces WHERE project_id = ? AND trace_id = ?');
    this.insertTrace = db.prepare(
      `INSERT INTO traces (project_id, trace_id, ${TRACE_COLUMNS.join(', ')}) VALUES (?, ?, ${TRACE_COLUMNS.map(() => '?').join(', ')})
       ON CONFLICT (project_id, trace_id) DO NOTHING`,
    );
    this.updateTrace = new ChangedColumnsUpdate(db, 'traces', TRACE_COLUMNS, 'id');
    this.upsertTracePayload = db.prepare(
      `INSERT INTO trace_payloads (trace_ref, input, output) VALUES (?, ?, ?) ON CONFLICT (trace_ref) DO UPDATE SET
       input = coalesce(excluded.input, input), output = coalesce(excluded.output, output)`,
    );
    this.insertTag = db.prepare('INSERT OR IGNORE INTO trace_tags (project_id, tag, start_time, trace_ref) VALUES (?, ?, ?, ?)');
    this.deleteTag = db.prepare('DELETE FROM trace_tags WHERE project_id = ? AND tag = ? AND start_time = ? AND trace_ref = ?');
    this.insertModel = db.prepare('INSERT OR IGNORE INTO trace_models (project_id, model, start_time, trace_ref) VALUES (?, ?, ?, ?)');
    this.deleteModel = db.prepare('DELETE FROM trace_models WHERE project_id = ? AND model = ? AND start_time = ? AND trace_ref = ?');
    this.selectTraceModels = db.prepare(
      `SELECT DISTINCT model FROM observations WHERE trace_ref = ? AND model IS NOT NULL AND kind IN ('generation', 'embedding')`,
    );
    this.selectTraceKinds = db.prepare('SELECT DISTINCT kind FROM observations WHERE trace_ref = ?');
    this.deleteSearch = db.prepare('DELETE FROM trace_search WHERE rowid = ?');
    this.insertSearch = db.prepare('INSERT INTO trace_search (rowid, text) VALUES (?, ?)');
    this.selectSpan = db.prepare('SELECT * FROM observations WHERE trace_ref = ? AND span_id = ?');
    this.selectTraceSpans = db.prepare('SELECT * FROM observations WHERE trace_ref = ?');
    this.insertSpan = db.prepare(
      `INSERT INTO observations (trace_ref, ${OBSERVATION_COLUMNS.join(', ')}) VALUES (?, ${OBSERVATION_COLUMNS.map(() => '?').join(', ')})`,
    );
    this.updateSpan = new ChangedColumnsUpdate(db, 'observations', OBSERVATION_COLUMNS, 'id');
    this.updateSpanDims = db.prepare('UPDATE observations SET user_id = ?, environment = ?, release = ? WHERE id = ?');
    this.upsertPayload = db.prepare(
      `INSERT INTO observation_payloads (observation_id, input, output) VALUES (?, ?, ?) ON CONFLICT (observation_id) DO UPDATE
       SET input = coalesce(excluded.input, input), output = coalesce(excluded.output, output)`,
    );
    // Positional parameters (binding named ones costs a property lookup each): project, key,
    // traceCount, first, last, spanCount, errorCount, inputTokens, outputTokens, totalTokens, cost,
    // then first and last again for the update (NULL when the write only removed contributions).
    const aggregate = (table: 'sessions' | 'users', key: 'session_id' | 'user_id'): string =>
      `INSERT INTO ${table} (project_id, ${key}, trace_count, first_time, last_time, span_count, error_count, input_tokens,
       output_tokens, total_tokens, cost)
       VALUES (?, ?, ?, coalesce(?, 0), coalesce(?, 0), ?, ?, ?, ?, ?, ?)
       ON CONFLICT (project_id, ${key}) DO UPDATE SET
         trace_count = trace_count + excluded.trace_count,
         first_time = min(first_time, coalesce(?, first_time)),
         last_time = max(last_time, coalesce(?, last_time)),
         span_count = span_count + excluded.span_count, error_count = error_count + excluded.error_count,
         input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
         total_tokens = total_tokens + excluded.total_tokens, cost = round((cost + excluded.cost) * 1e12) / 1e12`;
    this.upsertSession = db.prepare(aggregate('sessions', 'session_id'));
    this.deleteEmptySession = db.prepare('DELETE FROM sessions WHERE project_id = ? AND session_id = ? AND trace_count <= 0');
    this.upsertUser = db.prepare(aggregate('users', 'user_id'));
    this.deleteEmptyUser = db.prepare('DELETE FROM users WHERE project_id = ? AND user_id = ? AND trace_count <= 0');
    this.insertUserSession = db.prepare('INSERT OR IGNORE INTO user_sessions (project_id, user_id, session_id) VALUES (?, ?, ?)');
    this.deleteOrphanUserSession = db.prepare(
      `DELETE FROM user_sessions WHERE project_id = @project AND user_id = @user AND session_id = @session AND NOT EXISTS (
         SELECT 1 FROM traces INDEXED BY traces_by_session WHERE project_id = @project AND session_id = @session AND user_id = @user)`,
    );
    this.ensureProject = db.prepare('INSERT OR IGNORE INTO projects (id, name, created_at) VALUES (?, ?, ?)');
    this.insertReport = db.prepare(
      `INSERT OR REPLACE INTO sdk_reports (project_id, instance_id, time, service, sdk_version, created, sent, queued,
       in_flight, dropped, failed_requests) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }
}
