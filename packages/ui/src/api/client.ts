import type {
  ApiKeyInfo,
  CreatedApiKey,
  ErrorTypeRow,
  FacetField,
  FacetResponse,
  LiveTraceEvent,
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
import { API_PREFIX } from '@wisp/protocol';
import { apiErrorFrom } from './api-error.js';
import { readCredentials, type Credentials } from './credentials.js';
import { toQueryString } from './query-string.js';
import { readServerSentEvents } from './sse-reader.js';

/** `GET /api/v1/whoami`. */
export interface WhoAmI {
  projectId: string;
  admin: boolean;
  authRequired: boolean;
}

export type TraceFilters = Omit<TraceListQuery, 'cursor' | 'limit' | 'sort' | 'order'>;
export type ExportFormat = 'ndjson' | 'csv';

export interface ListQuery {
  from?: number;
  to?: number;
  limit?: number;
  cursor?: string;
}

/**
 * The dashboard's only way to the server: one method per endpoint of the query API, typed with the
 * contract in `@wisp/protocol`. Sends the API key and the admin's chosen project on every request.
 */
export class WispClient {
  private readonly baseUrl: string;
  private readonly credentials: () => Credentials;
  private readonly unauthorizedListeners = new Set<() => void>();

  constructor(baseUrl = '', credentials: () => Credentials = readCredentials) {
    this.baseUrl = baseUrl;
    this.credentials = credentials;
  }

  /** Called whenever the server answers 401, so the app can ask for a key. */
  onUnauthorized(listener: () => void): () => void {
    this.unauthorizedListeners.add(listener);
    return () => this.unauthorizedListeners.delete(listener);
  }

  whoami(signal?: AbortSignal): Promise<WhoAmI> {
    return this.get('/whoami', {}, signal);
  }

  listTraces(query: TraceListQuery, signal?: AbortSignal): Promise<Page<TraceSummary>> {
    return this.get('/traces', query, signal);
  }

  traceFacets(field: FacetField, filters: TraceFilters, signal?: AbortSignal): Promise<FacetResponse> {
    return this.get('/traces/facets', { ...filters, field }, signal);
  }

  getTrace(traceId: string, signal?: AbortSignal): Promise<TraceDetail> {
    return this.get(`/traces/${encodeURIComponent(traceId)}`, {}, signal);
  }

  getObservation(traceId: string, spanId: string, signal?: AbortSignal): Promise<ObservationDetail> {
    return this.get(
      `/traces/${encodeURIComponent(traceId)}/observations/${encodeURIComponent(spanId)}`,
      {},
      signal,
    );
  }

  listSessions(query: ListQuery & { userId?: string }, signal?: AbortSignal): Promise<Page<SessionSummary>> {
    return this.get('/sessions', query, signal);
  }

  getSession(sessionId: string, signal?: AbortSignal): Promise<SessionDetail> {
    return this.get(`/sessions/${encodeURIComponent(sessionId)}`, {}, signal);
  }

  listUsers(query: ListQuery, signal?: AbortSignal): Promise<Page<UserSummary>> {
    return this.get('/users', query, signal);
  }

  getUser(userId: string, signal?: AbortSignal): Promise<UserSummary> {
    return this.get(`/users/${encodeURIComponent(userId)}`, {}, signal);
  }

  metrics(query: MetricsQuery, signal?: AbortSignal): Promise<MetricsResponse> {
    return this.get('/metrics', query, signal);
  }

  errorTypes(query: MetricsQuery, signal?: AbortSignal): Promise<{ items: ErrorTypeRow[] }> {
    return this.get('/metrics/errors', query, signal);
  }

  sdkHealth(query: { from: number; to: number }, signal?: AbortSignal): Promise<{ items: SdkHealthRow[] }> {
    return this.get('/sdk-health', query, signal);
  }

  /** The export URL, usable as a plain link when the server needs no key. */
  exportUrl(format: ExportFormat, filters: TraceFilters): string {
    return `${this.baseUrl}${API_PREFIX}/export/traces.${format}${toQueryString(filters)}`;
  }

  /** Downloads an export with the key sent as a header (a link cannot send one). */
  async exportTraces(format: ExportFormat, filters: TraceFilters, signal?: AbortSignal): Promise<Blob> {
    const response = await this.send(this.exportUrl(format, filters), { signal });
    return response.blob();
  }

  /**
   * Follows `GET /api/v1/live` until `signal` aborts; resolves when the stream ends (the caller
   * reconnects). Read with fetch so the Authorization header can be sent.
   */
  async live(onTrace: (trace: TraceSummary) => void, signal: AbortSignal): Promise<void> {
    const response = await this.send(`${this.baseUrl}${API_PREFIX}/live`, {
      signal,
      headers: { accept: 'text/event-stream' },
    });
    if (!response.body) return;
    await readServerSentEvents(response.body, (data) => {
      try {
        const event = JSON.parse(data) as Partial<LiveTraceEvent>;
        if (event.type === 'trace' && event.trace) onTrace(event.trace);
      } catch {
        // A malformed event is skipped; the stream goes on.
      }
    });
  }

  listProjects(signal?: AbortSignal): Promise<{ items: ProjectInfo[] }> {
    return this.get('/projects', {}, signal);
  }

  createProject(name: string): Promise<ProjectInfo> {
    return this.write('POST', '/projects', { name });
  }

  updateProject(projectId: string, change: { retentionDays: number }): Promise<ProjectInfo> {
    return this.write('PATCH', `/projects/${encodeURIComponent(projectId)}`, change);
  }

  listKeys(projectId: string, signal?: AbortSignal): Promise<{ items: ApiKeyInfo[] }> {
    return this.get(`/projects/${encodeURIComponent(projectId)}/keys`, {}, signal);
  }

  createKey(projectId: string, name: string): Promise<CreatedApiKey> {
    return this.write('POST', `/projects/${encodeURIComponent(projectId)}/keys`, { name });
  }

  async revokeKey(projectId: string, keyId: string): Promise<void> {
    await this.send(
      `${this.baseUrl}${API_PREFIX}/projects/${encodeURIComponent(projectId)}/keys/${encodeURIComponent(keyId)}`,
      { method: 'DELETE' },
    );
  }

  private async get<T>(path: string, query: object, signal?: AbortSignal): Promise<T> {
    const response = await this.send(`${this.baseUrl}${API_PREFIX}${path}${toQueryString(query)}`, { signal });
    return (await response.json()) as T;
  }

  private async write<T>(method: 'POST' | 'PATCH', path: string, body: unknown): Promise<T> {
    const response = await this.send(`${this.baseUrl}${API_PREFIX}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await response.json()) as T;
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    const { apiKey, projectId } = this.credentials();
    const headers = new Headers(init.headers);
    if (apiKey) headers.set('authorization', `Bearer ${apiKey}`);
    if (projectId) headers.set('x-wisp-project', projectId);
    const response = await fetch(url, { ...init, headers });
    if (response.ok) return response;
    if (response.status === 401) for (const listener of this.unauthorizedListeners) listener();
    throw await apiErrorFrom(response);
  }
}

/** The client the app uses. */
export const client = new WispClient();
