/** Projects and API keys in SQLite. Keys are stored as hashes only; hashing is the caller's. */
import type { Database, Statement } from 'better-sqlite3';
import type { ApiKeyInfo, ProjectInfo } from '@wisp/protocol';

/** Retention of a project created without one. */
export const DEFAULT_RETENTION_DAYS = 30;

interface ProjectRow {
  id: string;
  name: string;
  created_at: number;
  retention_days: number;
}

interface KeyRow {
  id: string;
  project_id: string;
  name: string;
  prefix: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

const toProject = (r: ProjectRow): ProjectInfo => ({ id: r.id, name: r.name, createdAt: r.created_at, retentionDays: r.retention_days });
const toKey = (r: KeyRow): ApiKeyInfo => ({
  id: r.id,
  projectId: r.project_id,
  name: r.name,
  prefix: r.prefix,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

function validRetention(days: number | undefined): number | undefined {
  if (days === undefined) return undefined;
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`retentionDays must be a positive integer, got ${days}`);
  return days;
}

export class ProjectRepository {
  private readonly select: Statement<[string], ProjectRow>;
  private readonly insert: Statement<[string, string, number, number]>;
  private readonly setName: Statement<[string, string]>;
  private readonly setRetention: Statement<[number, string]>;
  private readonly selectAll: Statement<[], ProjectRow>;
  private readonly insertKeyStmt: Statement<unknown[]>;
  private readonly selectKeys: Statement<[string], KeyRow>;
  private readonly selectKeyByHash: Statement<[string], KeyRow>;
  private readonly revoke: Statement<[number, string, string]>;
  private readonly touch: Statement<[number, string]>;

  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {
    this.select = db.prepare('SELECT id, name, created_at, retention_days FROM projects WHERE id = ?');
    this.insert = db.prepare('INSERT OR IGNORE INTO projects (id, name, created_at, retention_days) VALUES (?, ?, ?, ?)');
    this.setName = db.prepare('UPDATE projects SET name = ? WHERE id = ?');
    this.setRetention = db.prepare('UPDATE projects SET retention_days = ? WHERE id = ?');
    this.selectAll = db.prepare('SELECT id, name, created_at, retention_days FROM projects ORDER BY created_at, id');
    this.insertKeyStmt = db.prepare(
      `INSERT INTO api_keys (id, project_id, name, prefix, hash, created_at, last_used_at, revoked_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.selectKeys = db.prepare(
      `SELECT id, project_id, name, prefix, created_at, last_used_at, revoked_at FROM api_keys WHERE project_id = ?
       ORDER BY created_at, id`,
    );
    this.selectKeyByHash = db.prepare(
      `SELECT id, project_id, name, prefix, created_at, last_used_at, revoked_at FROM api_keys
       WHERE hash = ? AND revoked_at IS NULL`,
    );
    this.revoke = db.prepare('UPDATE api_keys SET revoked_at = ? WHERE project_id = ? AND id = ? AND revoked_at IS NULL');
    // Never moves lastUsedAt backwards (flushes from several places may interleave).
    this.touch = db.prepare('UPDATE api_keys SET last_used_at = max(coalesce(last_used_at, 0), ?) WHERE id = ?');
  }

  /**
   * Creates the project if missing and returns it. An existing project keeps its name; a given
   * retention is applied (so configuration can set it at start-up).
   */
  ensureProject(p: { id: string; name: string; retentionDays?: number }): ProjectInfo {
    const retention = validRetention(p.retentionDays);
    return this.db.transaction(() => {
      const created = this.insert.run(p.id, p.name, this.now(), retention ?? DEFAULT_RETENTION_DAYS).changes > 0;
      if (!created && retention !== undefined) this.setRetention.run(retention, p.id);
      return toProject(this.select.get(p.id)!);
    }).immediate();
  }

  listProjects(): ProjectInfo[] {
    return this.selectAll.all().map(toProject);
  }

  updateProject(id: string, patch: { name?: string; retentionDays?: number }): ProjectInfo | null {
    const retention = validRetention(patch.retentionDays);
    return this.db.transaction(() => {
      if (!this.select.get(id)) return null;
      if (patch.name !== undefined) this.setName.run(patch.name, id);
      if (retention !== undefined) this.setRetention.run(retention, id);
      return toProject(this.select.get(id)!);
    }).immediate();
  }

  insertKey(k: ApiKeyInfo & { hash: string }): void {
    this.insertKeyStmt.run(k.id, k.projectId, k.name, k.prefix, k.hash, k.createdAt, k.lastUsedAt, k.revokedAt);
  }

  listKeys(projectId: string): ApiKeyInfo[] {
    return this.selectKeys.all(projectId).map(toKey);
  }

  findKeyByHash(hash: string): ApiKeyInfo | null {
    const r = this.selectKeyByHash.get(hash);
    return r ? toKey(r) : null;
  }

  revokeKey(projectId: string, keyId: string, at: number): boolean {
    return this.revoke.run(at, projectId, keyId).changes > 0;
  }

  touchKeys(usage: ReadonlyArray<{ keyId: string; at: number }>): void {
    if (usage.length === 0) return;
    this.db.transaction(() => {
      for (const u of usage) this.touch.run(u.at, u.keyId);
    }).immediate();
  }
}
