/**
 * The embedded store: one SQLite file (WAL) behind the `Store` interface.
 *
 * Writes are synchronous inside better-sqlite3, so `write()` is atomic and durable when its promise
 * settles (see open-database.ts for why WAL + synchronous=NORMAL survives kill -9). Reads delegate
 * to the functions of `./read/`, which take the database handle.
 *
 * @example
 * ```ts
 * const store = new SqliteStore({ path: '/var/lib/wisp/wisp.db' });
 * await store.migrate();
 * await store.write([{ projectId: 'default', spans, reports: [] }]);
 * ```
 */
import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type {
  ApiKeyInfo,
  ErrorTypeRow,
  FacetField,
  FacetResponse,
  MetricsQuery,
  MetricsResponse,
  ObservationDetail,
  Page,
  ProjectInfo,
  SdkHealthRow,
  SessionDetail,
  SessionSummary,
  TraceDetail,
  TraceListQuery,
  TraceSummary,
  UserSummary,
} from '@wisp/protocol';
import type { ProjectWrite, Store, StoreCapabilities } from '../store.js';
import { Abandoner } from './abandon.js';
import { migrate } from './migrate.js';
import { openDatabase, type SqliteOptions } from './open-database.js';
import { ProjectRepository } from './project-repository.js';
import { Retention } from './retention.js';
import { prepareWrites, type PreparedWrite } from './prepared-event.js';
import { SpanWriter, type PriceOverridesLookup } from './span-writer.js';
import { SpanWriteStatements } from './write-statements.js';
import { errorTypes } from './read/errors.js';
import { exportTraces } from './read/export.js';
import { metrics } from './read/metrics.js';
import { sdkHealth } from './read/sdk-health.js';
import { getSession, listSessions } from './read/sessions.js';
import { getObservation, getTrace } from './read/trace-detail.js';
import { traceFacets } from './read/trace-facets.js';
import { listTraces } from './read/traces.js';
import { getUser, listUsers } from './read/users.js';

export interface SqliteStoreOptions extends SqliteOptions {
  /** Per-project price overrides used when computing costs at ingest. */
  priceOverrides?: PriceOverridesLookup;
  /** Wall clock, injectable for tests. @default Date.now */
  now?: () => number;
}

type PageQuery = { from?: number; to?: number; limit?: number; cursor?: string };

export class SqliteStore implements Store {
  readonly capabilities: StoreCapabilities = { sharedByProcesses: false, backend: 'sqlite' };
  /** The database handle, for the read functions and tools (bulk load, benchmarks). */
  readonly db: Database.Database;
  private readonly options: SqliteStoreOptions;
  private parts: {
    writer: SpanWriter;
    abandoner: Abandoner;
    retention: Retention;
    projects: ProjectRepository;
    writeTx: (writes: readonly PreparedWrite[]) => void;
  } | null = null;
  private closed = false;

  constructor(options: SqliteStoreOptions) {
    this.options = options;
    this.db = openDatabase(options);
  }

  async migrate(): Promise<void> {
    migrate(this.db);
    if (this.parts) return;
    const now = this.options.now ?? Date.now;
    const statements = new SpanWriteStatements(this.db);
    const writer = new SpanWriter(statements, this.db, this.options.priceOverrides, now);
    const tx = this.db.transaction((writes: readonly PreparedWrite[]) => writer.writeAll(writes));
    this.parts = {
      writer,
      abandoner: new Abandoner(this.db),
      retention: new Retention(this.db, statements),
      projects: new ProjectRepository(this.db, now),
      writeTx: (writes) => {
        try {
          tx.immediate(writes);
        } catch (err) {
          writer.afterRollback();
          throw err;
        }
      },
    };
  }

  private ready(): void {
    void this.p;
  }

  private get p(): NonNullable<SqliteStore['parts']> {
    if (this.closed) throw new Error('SqliteStore is closed');
    if (!this.parts) throw new Error('SqliteStore: call migrate() before use');
    return this.parts;
  }

  // Writes ------------------------------------------------------------------------------------

  async write(writes: ProjectWrite[]): Promise<void> {
    if (writes.length === 0) return;
    this.p.writeTx(prepareWrites(writes));
  }

  /** `write` of events already prepared (by the write worker's caller, see worker-write-store.ts). */
  writePrepared(writes: readonly PreparedWrite[]): void {
    if (writes.length === 0) return;
    this.p.writeTx(writes);
  }

  async markAbandoned(olderThan: number): Promise<number> {
    this.p.writer.forgetRows();
    return this.p.abandoner.markAbandoned(olderThan);
  }

  async deleteExpired(now: number, batchSize: number): Promise<number> {
    this.p.writer.forgetRows();
    return this.p.retention.deleteExpired(now, batchSize);
  }

  // Projects and keys --------------------------------------------------------------------------

  async ensureProject(project: { id: string; name: string; retentionDays?: number }): Promise<ProjectInfo> {
    return this.p.projects.ensureProject(project);
  }
  async listProjects(): Promise<ProjectInfo[]> {
    return this.p.projects.listProjects();
  }
  async updateProject(id: string, patch: { name?: string; retentionDays?: number }): Promise<ProjectInfo | null> {
    return this.p.projects.updateProject(id, patch);
  }
  async insertKey(key: ApiKeyInfo & { hash: string }): Promise<void> {
    this.p.projects.insertKey(key);
  }
  async listKeys(projectId: string): Promise<ApiKeyInfo[]> {
    return this.p.projects.listKeys(projectId);
  }
  async findKeyByHash(hash: string): Promise<ApiKeyInfo | null> {
    return this.p.projects.findKeyByHash(hash);
  }
  async revokeKey(projectId: string, keyId: string, at: number): Promise<boolean> {
    return this.p.projects.revokeKey(projectId, keyId, at);
  }
  async touchKeys(usage: ReadonlyArray<{ keyId: string; at: number }>): Promise<void> {
    this.p.projects.touchKeys(usage);
  }

  // Reads (implemented in ./read/) --------------------------------------------------------------

  async listTraces(projectId: string, query: TraceListQuery): Promise<Page<TraceSummary>> {
    this.ready();
    return listTraces(this.db, projectId, query);
  }
  async facets(projectId: string, field: FacetField, query: TraceListQuery): Promise<FacetResponse> {
    this.ready();
    return traceFacets(this.db, projectId, field, query);
  }
  async getTrace(projectId: string, traceId: string): Promise<TraceDetail | null> {
    this.ready();
    return getTrace(this.db, projectId, traceId);
  }
  async getObservation(projectId: string, traceId: string, spanId: string): Promise<ObservationDetail | null> {
    this.ready();
    return getObservation(this.db, projectId, traceId, spanId);
  }
  exportTraces(projectId: string, query: TraceListQuery): AsyncIterable<TraceDetail> {
    this.ready();
    return exportTraces(this.db, projectId, query);
  }
  async listSessions(projectId: string, query: PageQuery): Promise<Page<SessionSummary>> {
    this.ready();
    return listSessions(this.db, projectId, query);
  }
  async getSession(projectId: string, sessionId: string): Promise<SessionDetail | null> {
    this.ready();
    return getSession(this.db, projectId, sessionId);
  }
  async listUsers(projectId: string, query: PageQuery): Promise<Page<UserSummary>> {
    this.ready();
    return listUsers(this.db, projectId, query);
  }
  async getUser(projectId: string, userId: string): Promise<UserSummary | null> {
    this.ready();
    return getUser(this.db, projectId, userId);
  }
  async metrics(projectId: string, query: MetricsQuery): Promise<MetricsResponse> {
    this.ready();
    return metrics(this.db, projectId, query);
  }
  async errorTypes(projectId: string, query: MetricsQuery): Promise<ErrorTypeRow[]> {
    this.ready();
    return errorTypes(this.db, projectId, query);
  }
  async sdkHealth(projectId: string, query: { from: number; to: number; bucketMs?: number }): Promise<SdkHealthRow[]> {
    this.ready();
    return sdkHealth(this.db, projectId, query);
  }

  // Housekeeping -------------------------------------------------------------------------------

  /** Bytes of the database file plus its WAL. */
  async sizeBytes(): Promise<number> {
    let total = 0;
    for (const suffix of ['', '-wal']) {
      try {
        total += statSync(this.options.path + suffix).size;
      } catch {
        // A missing WAL (after a clean close) counts as 0.
      }
    }
    return total;
  }

  /** Checkpoints the WAL into the main file and closes. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.db.close();
    }
  }
}
