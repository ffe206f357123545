/**
 * Authentication of every API, ingest and metrics request: sets `request.auth` (see request-auth.ts)
 * or answers 401/403. Health checks and the dashboard's static files need no key.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { API_KEY_HEADER } from '@wisp/protocol';
import type { Authenticator } from '../auth/authenticator.js';
import { WispError } from '../errors.js';

export const PROJECT_HEADER = 'x-wisp-project';
const PROTECTED_PREFIXES = ['/api/', '/v1/', '/metrics'];
const KEY_IN_QUERY_RE = /[?&](api[_-]?key|access_token|wisp_key)=/i;

export function isProtectedPath(url: string): boolean {
  return PROTECTED_PREFIXES.some((p) => url.startsWith(p)) || url === '/api';
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The presented credential: `x-wisp-api-key`, or `Authorization: Bearer <key>`. */
export function credentialOf(request: FastifyRequest): string | undefined {
  const direct = header(request, API_KEY_HEADER);
  if (direct !== undefined) return direct.trim();
  const authz = header(request, 'authorization');
  if (authz === undefined) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(authz.trim());
  if (!m) throw new WispError('WISP_ERR_UNAUTHORIZED', 'The Authorization header must be "Bearer <api key>"');
  return m[1]!.trim();
}

export function registerAuthHook(app: FastifyInstance, auth: Authenticator): void {
  app.decorateRequest('auth', null as never);
  app.addHook('onRequest', async (request) => {
    if (!isProtectedPath(request.url)) return;
    if (KEY_IN_QUERY_RE.test(request.url)) {
      throw new WispError('WISP_ERR_UNAUTHORIZED', 'API keys are not accepted in the query string; send the x-wisp-api-key header');
    }
    request.auth = await auth.authenticate(credentialOf(request), header(request, PROJECT_HEADER));
  });
}

/** For admin-only routes. */
export function requireAdmin(request: FastifyRequest): void {
  if (!request.auth?.admin) throw new WispError('WISP_ERR_FORBIDDEN', 'Only the admin secret may manage projects and keys');
}
