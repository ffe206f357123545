/**
 * Serves the built dashboard (packages/ui/dist) at `/` with a single-page-app fallback, and sets the
 * security headers on every response of the process: the dashboard renders attacker-controlled text
 * (prompts, tool outputs), so scripts may only come from this origin and nothing may frame it.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { sendError } from './error-handler.js';
import { WispError } from '../errors.js';

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const NOT_BUILT_PAGE = 'Wisp is running, but the dashboard has not been built.\nRun `npm run build` (or `npm start`) in the repository, then reload this page.\n';
/** Paths that are never answered with the dashboard's index.html. */
const NON_UI_PREFIXES = ['/api', '/v1/', '/metrics', '/healthz', '/readyz'];
/** Paths that name a file of the build; when missing they are 404s. */
const STATIC_ASSET_RE = /^\/assets\/|\.(?:js|mjs|css|map|png|svg|ico|jpg|jpeg|gif|webp|woff2?|ttf|txt|json|html|webmanifest)$/i;

export function defaultUiDir(): string {
  // Both src/http (tsx) and dist/http (built) sit three levels below packages/.
  return fileURLToPath(new URL('../../../ui/dist/', import.meta.url));
}

export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'no-referrer');
    void reply.header('x-frame-options', 'DENY');
    return payload;
  });
}

function wantsDashboard(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?', 1)[0]!;
  if (NON_UI_PREFIXES.some((p) => path.startsWith(p))) return false;
  // A missing asset is a 404, not the app; an app path whose last segment holds a dot (a session id
  // like `conv.42`) is still the app.
  return !STATIC_ASSET_RE.test(path);
}

export async function registerDashboard(app: FastifyInstance, uiDir: string): Promise<void> {
  const built = existsSync(`${uiDir}/index.html`);
  if (built) {
    await app.register(fastifyStatic, { root: uiDir, wildcard: true, index: ['index.html'], cacheControl: true, maxAge: 0 });
  } else {
    app.get('/', async (_request, reply) => reply.type('text/plain; charset=utf-8').send(NOT_BUILT_PAGE));
  }
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    if (wantsDashboard(request)) {
      if (built) return reply.type('text/html; charset=utf-8').sendFile('index.html');
      return reply.code(404).type('text/plain; charset=utf-8').send(NOT_BUILT_PAGE);
    }
    return sendError(reply, new WispError('WISP_ERR_NOT_FOUND', `No route ${request.method} ${request.url.split('?', 1)[0]!.slice(0, 200)}`));
  });
}
