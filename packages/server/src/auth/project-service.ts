/**
 * Projects and API keys: creation, listing, revocation. Used by the admin API and by `wisp keys`.
 * Secrets are returned once, at creation, and stored only as hashes.
 */
import type { ApiKeyInfo, CreatedApiKey, ProjectInfo } from '@wisp/protocol';
import { WispError } from '../errors.js';
import type { ProjectStore } from '../store/store.js';
import { generateApiKeySecret, hashApiKeySecret, randomBase62, visiblePrefix } from './api-key-secret.js';

export const DEFAULT_PROJECT_ID = 'default';
export const PROJECT_ID_RE = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const MAX_NAME = 200;

export interface ProjectServiceOptions {
  store: ProjectStore;
  /** Retention of new projects unless given. */
  defaultRetentionDays: number;
  now?: () => number;
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}

function checkRetention(days: unknown): number {
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 36500) {
    throw new WispError('WISP_ERR_BAD_REQUEST', 'retentionDays: must be an integer from 1 to 36500');
  }
  return days;
}

function checkName(field: string, name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME) {
    throw new WispError('WISP_ERR_BAD_REQUEST', `${field}: must be a non-empty string of at most ${MAX_NAME} characters`);
  }
  return name.trim();
}

export class ProjectService {
  private readonly now: () => number;
  private knownProjects = new Set<string>();

  constructor(private readonly options: ProjectServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  get store(): ProjectStore {
    return this.options.store;
  }

  /** Creates the default project if missing (first run). */
  async ensureDefaultProject(): Promise<void> {
    await this.options.store.ensureProject({ id: DEFAULT_PROJECT_ID, name: 'Default', retentionDays: this.options.defaultRetentionDays });
    this.knownProjects.add(DEFAULT_PROJECT_ID);
  }

  listProjects(): Promise<ProjectInfo[]> {
    return this.options.store.listProjects();
  }

  async exists(projectId: string): Promise<boolean> {
    if (this.knownProjects.has(projectId)) return true;
    const all = await this.options.store.listProjects();
    this.knownProjects = new Set(all.map((p) => p.id));
    return this.knownProjects.has(projectId);
  }

  async createProject(input: { id?: unknown; name?: unknown; retentionDays?: unknown }): Promise<ProjectInfo> {
    const name = checkName('name', input.name ?? input.id);
    const id = input.id === undefined ? slug(name) : input.id;
    if (typeof id !== 'string' || !PROJECT_ID_RE.test(id)) {
      throw new WispError('WISP_ERR_BAD_REQUEST', 'id: must be 1-63 characters of a-z, 0-9, "-" and "_", starting with a letter or digit');
    }
    const retentionDays = input.retentionDays === undefined ? this.options.defaultRetentionDays : checkRetention(input.retentionDays);
    if (await this.exists(id)) throw new WispError('WISP_ERR_CONFLICT', `A project with id "${id}" already exists`);
    const project = await this.options.store.ensureProject({ id, name, retentionDays });
    this.knownProjects.add(id);
    return project;
  }

  async updateProject(id: string, patch: { name?: unknown; retentionDays?: unknown }): Promise<ProjectInfo> {
    const clean: { name?: string; retentionDays?: number } = {};
    if (patch.name !== undefined) clean.name = checkName('name', patch.name);
    if (patch.retentionDays !== undefined) clean.retentionDays = checkRetention(patch.retentionDays);
    const updated = await this.options.store.updateProject(id, clean);
    if (!updated) throw new WispError('WISP_ERR_NOT_FOUND', `No project "${id}"`);
    return updated;
  }

  async listKeys(projectId: string): Promise<ApiKeyInfo[]> {
    await this.requireProject(projectId);
    return this.options.store.listKeys(projectId);
  }

  /** Creates a key; the returned `secret` is the only time it is ever available. */
  async createKey(projectId: string, name?: unknown): Promise<CreatedApiKey> {
    await this.requireProject(projectId);
    const keyName = name === undefined ? 'key' : checkName('name', name);
    const secret = generateApiKeySecret();
    const info: ApiKeyInfo = {
      id: `key_${randomBase62(16)}`,
      projectId,
      name: keyName,
      prefix: visiblePrefix(secret),
      createdAt: this.now(),
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.options.store.insertKey({ ...info, hash: hashApiKeySecret(secret) });
    return { ...info, secret };
  }

  async revokeKey(projectId: string, keyId: string): Promise<void> {
    const ok = await this.options.store.revokeKey(projectId, keyId, this.now());
    if (!ok) throw new WispError('WISP_ERR_NOT_FOUND', `No live key "${keyId.slice(0, 40)}" in project "${projectId.slice(0, 63)}"`);
  }

  private async requireProject(projectId: string): Promise<void> {
    if (!(await this.exists(projectId))) throw new WispError('WISP_ERR_NOT_FOUND', `No project "${projectId.slice(0, 63)}"`);
  }
}
