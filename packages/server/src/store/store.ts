/**
 * The store seam. One implementation per backend (SQLite now, PostgreSQL later), chosen once at
 * start-up; one contract suite (store.contract.ts) runs against every implementation. Backend
 * differences are capability flags, never `if (dialect === ...)` in callers.
 */
import type {
  ErrorTypeRow,
  FacetField,
  FacetResponse,
  MetricsQuery,
  MetricsResponse,
  ObservationDetail,
  Page,
  ProjectInfo,
  ApiKeyInfo,
  SdkHealthRow,
  SdkReportEvent,
  SessionDetail,
  SessionSummary,
  SpanEvent,
  TraceDetail,
  TraceListQuery,
  TraceSummary,
  UserSummary,
} from '@wisp/protocol';

/** Events of one project, already validated and normalized by the ingest service. */
export interface ProjectWrite {
  projectId: string;
  spans: SpanEvent[];
  reports: SdkReportEvent[];
}

export interface StoreCapabilities {
  /** Several collector processes may share this store. */
  readonly sharedByProcesses: boolean;
  readonly backend: 'sqlite' | 'postgres';
}

/**
 * Writes. `write` is atomic over all its writes and resolves only once they are durable. The write
 * queue may call `write` again before the previous call resolved (it keeps two group commits in
 * flight): each call is its own transaction, and the store runs them one after the other or
 * concurrently as its engine allows (merges are order-insensitive).
 */
export interface SpanWriter {
  write(writes: ProjectWrite[]): Promise<void>;
  /**
   * Optional: prepares one write ahead of `write` (the write queue calls it when the write is
   * queued, off the critical path of the running commit) and returns the write to queue in its
   * place. Passing the returned write to `write` stores exactly what the original would; its spans
   * name at least every trace the original touches (the commit feed reads their `traceId`s), so
   * it may drop the rest, down to one span per trace. May throw: the original is then queued and
   * `write` reports the error.
   */
  prepare?(write: ProjectWrite): ProjectWrite;
  /** Marks spans that started before `olderThan` and never ended as abandoned; returns how many. */
  markAbandoned(olderThan: number): Promise<number>;
  /** Deletes at most `batchSize` expired rows per call (per-project retention); returns how many. */
  deleteExpired(now: number, batchSize: number): Promise<number>;
}

/** Trace reads, always scoped to one project. */
export interface TraceReader {
  listTraces(projectId: string, query: TraceListQuery): Promise<Page<TraceSummary>>;
  facets(projectId: string, field: FacetField, query: TraceListQuery): Promise<FacetResponse>;
  getTrace(projectId: string, traceId: string): Promise<TraceDetail | null>;
  getObservation(projectId: string, traceId: string, spanId: string): Promise<ObservationDetail | null>;
  /** Streams full traces (summary, observations with payloads) matching the query, for export. */
  exportTraces(projectId: string, query: TraceListQuery): AsyncIterable<TraceDetail>;
}

/** Sessions and users, always scoped to one project. */
export interface SessionReader {
  listSessions(projectId: string, query: { from?: number; to?: number; limit?: number; cursor?: string }): Promise<Page<SessionSummary>>;
  getSession(projectId: string, sessionId: string): Promise<SessionDetail | null>;
  listUsers(projectId: string, query: { from?: number; to?: number; limit?: number; cursor?: string }): Promise<Page<UserSummary>>;
  getUser(projectId: string, userId: string): Promise<UserSummary | null>;
}

/** Metrics served from the rollups kept at ingest. */
export interface MetricsReader {
  metrics(projectId: string, query: MetricsQuery): Promise<MetricsResponse>;
  errorTypes(projectId: string, query: MetricsQuery): Promise<ErrorTypeRow[]>;
  sdkHealth(projectId: string, query: { from: number; to: number; bucketMs?: number }): Promise<SdkHealthRow[]>;
}

/** Projects and API keys. Keys are stored as hashes only. */
export interface ProjectStore {
  ensureProject(project: { id: string; name: string; retentionDays?: number }): Promise<ProjectInfo>;
  listProjects(): Promise<ProjectInfo[]>;
  updateProject(id: string, patch: { name?: string; retentionDays?: number }): Promise<ProjectInfo | null>;
  insertKey(key: ApiKeyInfo & { hash: string }): Promise<void>;
  listKeys(projectId: string): Promise<ApiKeyInfo[]>;
  /** The live (unrevoked) key with this hash, if any. */
  findKeyByHash(hash: string): Promise<ApiKeyInfo | null>;
  revokeKey(projectId: string, keyId: string, at: number): Promise<boolean>;
  /**
   * Records when keys were last used (`lastUsedAt`). Optional: the collector calls it in the
   * background every 30 s with the latest use of each key, never once per request.
   */
  touchKeys?(usage: ReadonlyArray<{ keyId: string; at: number }>): Promise<void>;
}

export interface Store extends SpanWriter, TraceReader, SessionReader, MetricsReader, ProjectStore {
  readonly capabilities: StoreCapabilities;
  /** Applies pending migrations. Idempotent. */
  migrate(): Promise<void>;
  /** Size of the stored data in bytes, for /metrics. */
  sizeBytes(): Promise<number>;
  close(): Promise<void>;
}
