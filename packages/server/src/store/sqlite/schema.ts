/**
 * The SQLite schema as ordered, named migrations. Applied by `migrate()` (migrate.ts), each in its
 * own transaction, recorded in `schema_migrations`. Migrations are additive only: never edit or
 * reorder a step that has shipped; add a new one.
 *
 * Conventions used by every table:
 * - Times are epoch milliseconds as REAL (fractions carry microseconds), as on the wire.
 * - JSON values are stored as TEXT produced by `JSON.stringify`; NULL means absent.
 * - `traces.id` is an internal integer assigned in arrival order. Observations, tags, models,
 *   payloads and the search index refer to a trace by it (`trace_ref`), which keeps them small and
 *   makes their index inserts append at the right edge of the B-tree. Every read is scoped by
 *   first resolving `(project_id, trace_id)` to `traces.id`, so project isolation lives in one place.
 * - Rollup dimension columns use '' (never NULL) for "absent", because NULLs are distinct in
 *   UNIQUE constraints and would defeat `INSERT ... ON CONFLICT`.
 */

export interface Migration {
  /** Ordered, unique, never renamed. */
  readonly name: string;
  readonly sql: string;
}

const INITIAL_SCHEMA = /* sql */ `
-- Projects: the tenancy unit. Every trace, rollup and key belongs to exactly one.
CREATE TABLE projects (
  id             TEXT PRIMARY KEY,          -- public id (API and keys refer to it)
  name           TEXT NOT NULL,
  created_at     REAL NOT NULL,
  retention_days INTEGER NOT NULL DEFAULT 30 -- traces older than this (by start time) are deleted
);

-- API keys: only a hash of the secret is stored; the secret is shown once at creation.
CREATE TABLE api_keys (
  id           TEXT PRIMARY KEY,
  project_id   TEXT NOT NULL,
  name         TEXT NOT NULL,
  prefix       TEXT NOT NULL,               -- first characters of the secret, to recognize it
  hash         TEXT NOT NULL UNIQUE,        -- lookup on every authenticated request
  created_at   REAL NOT NULL,
  last_used_at REAL,
  revoked_at   REAL                         -- NULL while live
);
CREATE INDEX api_keys_by_project ON api_keys (project_id, created_at);

-- Traces: one row per (project, trace id), derived incrementally from its spans at write time.
CREATE TABLE traces (
  id             INTEGER PRIMARY KEY,       -- internal ref (trace_ref elsewhere), arrival order
  project_id     TEXT NOT NULL,
  trace_id       TEXT NOT NULL,             -- 32 hex chars
  root_span_id   TEXT,                      -- the span without parent, once it has arrived
  root_status    TEXT,                      -- that span's status (status derivation)
  name           TEXT,                      -- trace.name attribute, else the root span's name
  start_time     REAL NOT NULL,             -- root start; before the root arrives: earliest span start
  end_time       REAL,                      -- root end; before the root arrives: latest span end
  duration_ms    REAL,                      -- end_time - start_time when both known
  status         TEXT NOT NULL,             -- error if any span failed, else the root's status
                                            -- (without root: running while any span runs)
  user_id        TEXT,
  session_id     TEXT,
  tags           TEXT,                      -- JSON array (sorted union of all tags sent); see trace_tags
  metadata       TEXT,                      -- JSON object, trace.metadata attribute
  release        TEXT,
  environment    TEXT,
  service        TEXT,                      -- the root span's service, else the first seen
  input_preview  TEXT,                      -- first chars of trace.input, else of the root's input
  output_preview TEXT,                      -- same for the output
  span_count     INTEGER NOT NULL DEFAULT 0,
  error_count    INTEGER NOT NULL DEFAULT 0, -- spans with status error
  running_count  INTEGER NOT NULL DEFAULT 0, -- spans still running (status derivation)
  abandoned_count INTEGER NOT NULL DEFAULT 0,
  input_tokens   INTEGER NOT NULL DEFAULT 0,
  output_tokens  INTEGER NOT NULL DEFAULT 0,
  total_tokens   INTEGER NOT NULL DEFAULT 0,
  cost           REAL NOT NULL DEFAULT 0,   -- USD, sum over spans (sent or computed)
  kinds          INTEGER NOT NULL DEFAULT 0, -- bitmask over OBSERVATION_KINDS (bit i = kind i present)
  min_start      REAL,                      -- earliest span start (start_time fallback)
  max_end        REAL,                      -- latest span end (end_time fallback)
  merge_state    TEXT NOT NULL DEFAULT '{}', -- JSON {field: event time} for last-writer-wins of trace attributes
  updated_at     REAL NOT NULL              -- wall clock of the last write (live view, debugging)
);
CREATE UNIQUE INDEX traces_by_id ON traces (project_id, trace_id);
-- Trace list (newest first, keyset cursor on (start_time, id)) and retention deletes.
CREATE INDEX traces_by_start ON traces (project_id, start_time);
CREATE INDEX traces_by_name ON traces (project_id, name, start_time);
CREATE INDEX traces_by_user ON traces (project_id, user_id, start_time);
CREATE INDEX traces_by_session ON traces (project_id, session_id, start_time);
CREATE INDEX traces_by_status ON traces (project_id, status, start_time);
-- Sorts by duration / cost / tokens over any range.
CREATE INDEX traces_by_duration ON traces (project_id, duration_ms);
CREATE INDEX traces_by_cost ON traces (project_id, cost);
CREATE INDEX traces_by_tokens ON traces (project_id, total_tokens);
-- release and environment are low-cardinality: filtered while walking traces_by_start.

-- Tags of a trace, one row each, for "has all of these tags" filters in start-time order.
CREATE TABLE trace_tags (
  project_id TEXT NOT NULL,
  tag        TEXT NOT NULL,
  start_time REAL NOT NULL,                 -- copy of traces.start_time (kept in sync)
  trace_ref  INTEGER NOT NULL,              -- traces.id
  PRIMARY KEY (project_id, tag, start_time, trace_ref)
) WITHOUT ROWID;

-- Models used by a trace's generations/embeddings, for the "model" filter.
CREATE TABLE trace_models (
  project_id TEXT NOT NULL,
  model      TEXT NOT NULL,
  start_time REAL NOT NULL,                 -- copy of traces.start_time (kept in sync)
  trace_ref  INTEGER NOT NULL,
  PRIMARY KEY (project_id, model, start_time, trace_ref)
) WITHOUT ROWID;

-- Trace-level input/output from the trace attributes (large: kept out of the traces rows).
-- When a trace has no row here (or a NULL column), its input/output is the root span's.
CREATE TABLE trace_payloads (
  trace_ref INTEGER PRIMARY KEY,            -- traces.id
  input     TEXT,                           -- JSON
  output    TEXT                            -- JSON
);

-- Text search: FTS5 trigram index (case-insensitive substring, needles of >= 3 characters) over
-- name + ' ' + input_preview + ' ' + output_preview of the trace row (so the text of the first
-- PREVIEW_CHARS of inputs and outputs is searchable). Contentless: rowid = traces.id; the indexed
-- text is exactly those traces columns, so shorter needles fall back to instr() on them.
-- Query: trace_search MATCH '"needle"' (double quotes doubled inside).
CREATE VIRTUAL TABLE trace_search USING fts5 (
  text, content = '', contentless_delete = 1, tokenize = 'trigram'
);

-- Observations (spans) without their input/output. Detail of a 10,000-span trace is one range scan
-- over observations_by_trace.
CREATE TABLE observations (
  id                    INTEGER PRIMARY KEY, -- internal; observation_payloads key
  trace_ref             INTEGER NOT NULL,    -- traces.id
  span_id               TEXT NOT NULL,       -- 16 hex chars
  parent_id             TEXT,                -- NULL for a root span; may name a span not (yet) stored
  name                  TEXT,                -- NULL until an event carries it
  kind                  TEXT NOT NULL DEFAULT 'span',
  start_time            REAL,                -- immutable once set; NULL until an event carries it
  end_time              REAL,
  duration_ms           REAL,                -- end_time - start_time
  status                TEXT NOT NULL,       -- running | ok | error | abandoned
  level                 TEXT NOT NULL DEFAULT 'default',
  status_message        TEXT,
  error_type            TEXT,                -- error.type, also a rollups_error dimension
  error                 TEXT,                -- JSON ErrorInfo {type, message, stack?}
  service               TEXT,
  provider              TEXT,
  model                 TEXT,
  model_parameters      TEXT,                -- JSON
  usage_input           INTEGER,             -- usage columns are NULL when the span has no usage
  usage_output          INTEGER,
  usage_cache_read      INTEGER,
  usage_cache_write     INTEGER,
  usage_reasoning       INTEGER,
  usage_total           INTEGER,             -- as sent, else input + output
  cost                  REAL,                -- USD: sent by the client, else computed at ingest
  cost_computed         INTEGER NOT NULL DEFAULT 0, -- 1 when cost came from the price table
  completion_start_time REAL,
  ttft_ms               REAL,                -- completion_start_time - start_time
  stream                TEXT,                -- JSON StreamStats
  metadata              TEXT,                -- JSON object
  input_bytes           INTEGER NOT NULL DEFAULT 0, -- serialized sizes of the payloads
  output_bytes          INTEGER NOT NULL DEFAULT 0,
  user_id               TEXT,                -- trace dimensions as known when the span was written,
  environment           TEXT,                -- used as its rollup dimensions (so a correction
  release               TEXT,                -- subtracts exactly what was added)
  counted               INTEGER NOT NULL DEFAULT 0, -- 1 while its contribution is in the rollups
  merge_state           TEXT NOT NULL        -- JSON {field: event time} for last-writer-wins
);
CREATE UNIQUE INDEX observations_by_trace ON observations (trace_ref, span_id);
-- markAbandoned: only running spans are in this partial index, so it stays small.
CREATE INDEX observations_running ON observations (start_time) WHERE status = 'running';

-- Inputs and outputs of observations, loaded on demand (one observation at a time, or for export).
CREATE TABLE observation_payloads (
  observation_id INTEGER PRIMARY KEY,       -- observations.id
  input          TEXT,                      -- JSON
  output         TEXT                       -- JSON
);

-- Sessions and users, maintained incrementally from trace rows (totals = sum over their traces).
CREATE TABLE sessions (
  project_id    TEXT NOT NULL,
  session_id    TEXT NOT NULL,
  trace_count   INTEGER NOT NULL DEFAULT 0,
  first_time    REAL NOT NULL,              -- earliest trace start seen (not lowered by retention)
  last_time     REAL NOT NULL,              -- latest trace start seen
  span_count    INTEGER NOT NULL DEFAULT 0,
  error_count   INTEGER NOT NULL DEFAULT 0,
  input_tokens  INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  total_tokens  INTEGER NOT NULL DEFAULT 0,
  cost          REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (project_id, session_id)
) WITHOUT ROWID;
CREATE INDEX sessions_by_last ON sessions (project_id, last_time);

CREATE TABLE users (
  project_id    TEXT NOT NULL,
  user_id       TEXT NOT NULL,
  trace_count   INTEGER NOT NULL DEFAULT 0,
  first_time    REAL NOT NULL,
  last_time     REAL NOT NULL,
  span_count    INTEGER NOT NULL DEFAULT 0,
  error_count   INTEGER NOT NULL DEFAULT 0,
  input_tokens  INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  total_tokens  INTEGER NOT NULL DEFAULT 0,
  cost          REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (project_id, user_id)
) WITHOUT ROWID;
CREATE INDEX users_by_last ON users (project_id, last_time);
-- a user's session count: user_sessions (migration 0003).

-- Rollups kept at ingest. A span contributes once, when it has ended (ok or error), to the bucket
-- of its START time, at two resolutions: 60,000 ms (minute) and 3,600,000 ms (hour); read the
-- coarsest resolution that divides the requested bucket size. A correction of an ended span
-- replaces its contribution (subtract old, add new).
CREATE TABLE rollup_series (
  id          INTEGER PRIMARY KEY,
  project_id  TEXT NOT NULL,
  kind        TEXT NOT NULL,
  name        TEXT NOT NULL,
  provider    TEXT NOT NULL,                -- '' when absent (all dimensions)
  model       TEXT NOT NULL,
  environment TEXT NOT NULL,
  release     TEXT NOT NULL
);
CREATE UNIQUE INDEX rollup_series_by_dims
  ON rollup_series (project_id, kind, name, provider, model, environment, release);

CREATE TABLE rollups (
  project_id         TEXT NOT NULL,
  resolution         INTEGER NOT NULL,      -- bucket width in ms: 60000 or 3600000
  bucket             INTEGER NOT NULL,      -- bucket start, epoch ms (floor of span start)
  series_id          INTEGER NOT NULL,      -- rollup_series.id
  count              INTEGER NOT NULL,      -- ended spans
  error_count        INTEGER NOT NULL,
  latency_count      INTEGER NOT NULL,      -- spans with a duration
  latency_sum        REAL NOT NULL,         -- ms
  latency_min        REAL,                  -- min/max of latency_hist (within RELATIVE_ERROR), so that
  latency_max        REAL,                  -- corrections can remove the extreme value
  latency_hist       BLOB,                  -- metrics/histogram.ts encoding (decodeHistogram)
  ttft_count         INTEGER NOT NULL,
  ttft_sum           REAL NOT NULL,
  ttft_hist          BLOB,
  input_tokens       INTEGER NOT NULL,
  output_tokens      INTEGER NOT NULL,
  cache_read_tokens  INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  reasoning_tokens   INTEGER NOT NULL,
  total_tokens       INTEGER NOT NULL,
  cost               REAL NOT NULL,
  PRIMARY KEY (project_id, resolution, bucket, series_id)
) WITHOUT ROWID;

-- Per-user usage per bucket (same contribution rules; user = the span's trace user, '' if none).
CREATE TABLE rollups_user (
  project_id    TEXT NOT NULL,
  resolution    INTEGER NOT NULL,
  bucket        INTEGER NOT NULL,
  user_id       TEXT NOT NULL,
  count         INTEGER NOT NULL,
  error_count   INTEGER NOT NULL,
  latency_sum   REAL NOT NULL,
  input_tokens  INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  total_tokens  INTEGER NOT NULL,
  cost          REAL NOT NULL,
  PRIMARY KEY (project_id, resolution, bucket, user_id)
) WITHOUT ROWID;

-- Errors by type per bucket and series (so every metrics filter applies).
CREATE TABLE rollups_error (
  project_id      TEXT NOT NULL,
  resolution      INTEGER NOT NULL,
  bucket          INTEGER NOT NULL,
  series_id       INTEGER NOT NULL,
  error_type      TEXT NOT NULL,
  count           INTEGER NOT NULL,
  last_seen       REAL NOT NULL,           -- latest end time of such an error
  sample_message  TEXT,                    -- message and trace of the latest one
  sample_trace_id TEXT,
  PRIMARY KEY (project_id, resolution, bucket, series_id, error_type)
) WITHOUT ROWID;

-- SDK self-reports: cumulative snapshots per SDK instance; readers compute deltas per instance.
CREATE TABLE sdk_reports (
  project_id      TEXT NOT NULL,
  instance_id     TEXT NOT NULL,
  time            REAL NOT NULL,
  service         TEXT NOT NULL,
  sdk_version     TEXT NOT NULL,
  created         INTEGER NOT NULL,
  sent            INTEGER NOT NULL,
  queued          INTEGER NOT NULL,
  in_flight       INTEGER NOT NULL,
  dropped         TEXT NOT NULL,           -- JSON {reason: count}
  failed_requests TEXT NOT NULL,           -- JSON {cause: count}
  PRIMARY KEY (project_id, instance_id, time)
) WITHOUT ROWID;
CREATE INDEX sdk_reports_by_time ON sdk_reports (project_id, time);
`;

/** A user's session count (COUNT(DISTINCT session_id)) as an index-only scan. */
const USER_SESSIONS_INDEX = /* sql */ `
CREATE INDEX traces_by_user_session ON traces (project_id, user_id, session_id);
`;

/**
 * A user's sessions as a set of (user, session) pairs instead of an index entry per trace. The
 * index placed every new trace at its own (user, session) position, so each group commit wrote one
 * page of it per trace (~280 WAL bytes per span on realistic traffic, see wal-pages.ts). A pair is
 * written once, when its first trace arrives; every later trace of it only reads. A pair is removed
 * when no trace has it any more (retention, a trace's user or session corrected).
 */
const USER_SESSIONS_TABLE = /* sql */ `
CREATE TABLE user_sessions (
  project_id TEXT NOT NULL,
  user_id    TEXT NOT NULL,
  session_id TEXT NOT NULL,
  PRIMARY KEY (project_id, user_id, session_id)
) WITHOUT ROWID;
INSERT INTO user_sessions (project_id, user_id, session_id)
  SELECT DISTINCT project_id, user_id, session_id FROM traces WHERE user_id IS NOT NULL AND session_id IS NOT NULL;
DROP INDEX traces_by_user_session;
`;

/** Every migration, in order. */
export const MIGRATIONS: readonly Migration[] = [
  { name: '0001_initial', sql: INITIAL_SCHEMA },
  { name: '0002_traces_by_user_session', sql: USER_SESSIONS_INDEX },
  { name: '0003_user_sessions', sql: USER_SESSIONS_TABLE },
];

/** Bucket widths of the rollup tables, in ms. */
export const ROLLUP_RESOLUTIONS = [60_000, 3_600_000] as const;

/** Characters of input/output text kept as previews on the trace row (and indexed for search). */
export const PREVIEW_CHARS = 300;
