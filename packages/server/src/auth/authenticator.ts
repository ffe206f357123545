/**
 * Turns the credential of a request into a RequestAuth. Keys are looked up by hash and cached for a
 * short time (a revocation in another process applies within `keyCacheTtlMs`; one made through this
 * process applies at once). `lastUsedAt` is recorded in memory and written in the background, never
 * once per request.
 */
import type { ApiKeyInfo } from '@wisp/protocol';
import { WispError } from '../errors.js';
import type { RequestAuth } from '../http/request-auth.js';
import type { ProjectStore } from '../store/store.js';
import { hashApiKeySecret, looksLikeApiKey, safeEqual } from './api-key-secret.js';
import { DEFAULT_PROJECT_ID, type ProjectService } from './project-service.js';

const MAX_CACHED_KEYS = 10_000;

export interface AuthenticatorOptions {
  store: ProjectStore;
  projects: ProjectService;
  adminSecret: string | null;
  requireApiKeys: boolean;
  keyCacheTtlMs: number;
  now?: () => number;
}

export class Authenticator {
  private readonly cache = new Map<string, { key: ApiKeyInfo | null; expiresAt: number }>();
  private readonly usage = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: AuthenticatorOptions) {
    this.now = options.now ?? Date.now;
  }

  get authRequired(): boolean {
    return this.options.requireApiKeys;
  }

  /**
   * `credential` is the raw API key (header value without `Bearer `), `projectHeader` the
   * `x-wisp-project` header (admin only). Throws 401/403/404 WispErrors.
   */
  async authenticate(credential: string | undefined, projectHeader: string | undefined): Promise<RequestAuth> {
    const { adminSecret, requireApiKeys } = this.options;
    if (credential === undefined || credential === '') {
      if (requireApiKeys) {
        throw new WispError('WISP_ERR_UNAUTHORIZED', 'An API key is required: send it in the x-wisp-api-key header or as Authorization: Bearer <key>');
      }
      return { projectId: await this.adminProject(projectHeader), admin: true, keyId: null };
    }
    if (adminSecret !== null && safeEqual(credential, adminSecret)) {
      return { projectId: await this.adminProject(projectHeader), admin: true, keyId: null };
    }
    const key = looksLikeApiKey(credential) ? await this.lookup(hashApiKeySecret(credential)) : null;
    // The key is never echoed back or logged, not even in part.
    if (!key) throw new WispError('WISP_ERR_UNAUTHORIZED', 'The API key is invalid or has been revoked');
    if (projectHeader !== undefined && projectHeader !== key.projectId) {
      throw new WispError('WISP_ERR_FORBIDDEN', 'This API key belongs to another project; only the admin secret may select a project');
    }
    this.usage.set(key.id, this.now());
    return { projectId: key.projectId, admin: false, keyId: key.id };
  }

  /** Forget cached lookups (after a revocation through this process). */
  invalidate(): void {
    this.cache.clear();
  }

  /** Writes the recorded `lastUsedAt` values, if the store supports it. */
  async flushUsage(): Promise<void> {
    if (this.usage.size === 0) return;
    const batch = [...this.usage].map(([keyId, at]) => ({ keyId, at }));
    this.usage.clear();
    await this.options.store.touchKeys?.(batch);
  }

  private async adminProject(header: string | undefined): Promise<string> {
    if (header === undefined || header === '') return DEFAULT_PROJECT_ID;
    if (!(await this.options.projects.exists(header))) throw new WispError('WISP_ERR_NOT_FOUND', `No project "${header.slice(0, 63)}"`);
    return header;
  }

  private async lookup(hash: string): Promise<ApiKeyInfo | null> {
    const now = this.now();
    const hit = this.cache.get(hash);
    if (hit && hit.expiresAt > now) return hit.key;
    const key = await this.options.store.findKeyByHash(hash);
    if (this.cache.size >= MAX_CACHED_KEYS) this.cache.clear();
    this.cache.set(hash, { key: key && key.revokedAt === null ? key : null, expiresAt: now + this.options.keyCacheTtlMs });
    return key && key.revokedAt === null ? key : null;
  }
}
