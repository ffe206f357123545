/**
 * A Store for the collector's own unit tests: keeps projects, keys and every write in memory and
 * can be told to fail or to slow down commits. Reads of traces are not supported (the real
 * SqliteStore serves those in end-to-end tests).
 */
import type { ApiKeyInfo, ProjectInfo } from '@wisp/protocol';
import type { ProjectWrite, Store } from '../store/store.js';

function unsupported(): never {
  throw new Error('RecordingStore does not serve reads');
}

export class RecordingStore implements Store {
  readonly capabilities = { sharedByProcesses: false, backend: 'sqlite' as const };
  readonly writes: ProjectWrite[][] = [];
  readonly projects = new Map<string, ProjectInfo>();
  readonly keys = new Map<string, ApiKeyInfo & { hash: string }>();
  /** Set to make the next writes throw. */
  failWrites: Error | null = null;
  /** Resolves before each write completes; lets a test hold commits. */
  gate: Promise<void> | null = null;
  markAbandonedCalls: number[] = [];
  deleteExpiredCalls = 0;
  closed = false;

  async write(writes: ProjectWrite[]): Promise<void> {
    if (this.gate) await this.gate;
    if (this.failWrites) throw this.failWrites;
    this.writes.push(writes);
  }
  /** Every span event written, in commit order. */
  get spans() {
    return this.writes.flat().flatMap((w) => w.spans.map((s) => ({ projectId: w.projectId, ...s })));
  }
  async markAbandoned(olderThan: number): Promise<number> {
    this.markAbandonedCalls.push(olderThan);
    return 0;
  }
  async deleteExpired(): Promise<number> {
    this.deleteExpiredCalls++;
    return 0;
  }
  listTraces = unsupported;
  facets = unsupported;
  getTrace = unsupported;
  getObservation = unsupported;
  exportTraces = unsupported;
  listSessions = unsupported;
  getSession = unsupported;
  listUsers = unsupported;
  getUser = unsupported;
  metrics = unsupported;
  errorTypes = unsupported;
  sdkHealth = unsupported;
  async ensureProject(p: { id: string; name: string; retentionDays?: number }): Promise<ProjectInfo> {
    const existing = this.projects.get(p.id);
    if (existing) return existing;
    const info = { id: p.id, name: p.name, createdAt: Date.now(), retentionDays: p.retentionDays ?? 30 };
    this.projects.set(p.id, info);
    return info;
  }
  async listProjects(): Promise<ProjectInfo[]> {
    return [...this.projects.values()];
  }
  async updateProject(id: string, patch: { name?: string; retentionDays?: number }): Promise<ProjectInfo | null> {
    const p = this.projects.get(id);
    if (!p) return null;
    Object.assign(p, patch);
    return p;
  }
  async insertKey(key: ApiKeyInfo & { hash: string }): Promise<void> {
    this.keys.set(key.id, { ...key });
  }
  async listKeys(projectId: string): Promise<ApiKeyInfo[]> {
    return [...this.keys.values()].filter((k) => k.projectId === projectId).map(({ hash: _h, ...k }) => k);
  }
  async findKeyByHash(hash: string): Promise<ApiKeyInfo | null> {
    for (const { hash: h, ...k } of this.keys.values()) if (h === hash && k.revokedAt === null) return k;
    return null;
  }
  async revokeKey(projectId: string, keyId: string, at: number): Promise<boolean> {
    const k = this.keys.get(keyId);
    if (!k || k.projectId !== projectId || k.revokedAt !== null) return false;
    k.revokedAt = at;
    return true;
  }
  async migrate(): Promise<void> {}
  async sizeBytes(): Promise<number> {
    return 4096;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}
