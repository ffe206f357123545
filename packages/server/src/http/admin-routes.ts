/**
 * The admin API: projects and their API keys (admin only), and `whoami` (anyone authenticated).
 * Documented in docs/deployment.md and docs/api.md.
 */
import type { FastifyInstance } from 'fastify';
import { API_PREFIX } from '@wisp/protocol';
import type { Authenticator } from '../auth/authenticator.js';
import type { ProjectService } from '../auth/project-service.js';
import { requireAdmin } from './auth-hook.js';

type Body = Record<string, unknown>;

function bodyOf(body: unknown): Body {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Body) : {};
}

export function registerAdminRoutes(app: FastifyInstance, deps: { projects: ProjectService; auth: Authenticator }): void {
  const { projects, auth } = deps;

  app.get(`${API_PREFIX}/whoami`, async (request) => ({
    projectId: request.auth.projectId,
    admin: request.auth.admin,
    authRequired: auth.authRequired,
  }));

  app.get(`${API_PREFIX}/projects`, async (request) => {
    requireAdmin(request);
    return { items: await projects.listProjects() };
  });

  app.post(`${API_PREFIX}/projects`, async (request, reply) => {
    requireAdmin(request);
    const b = bodyOf(request.body);
    return reply.code(201).send(await projects.createProject({ id: b.id, name: b.name, retentionDays: b.retentionDays }));
  });

  app.patch<{ Params: { id: string } }>(`${API_PREFIX}/projects/:id`, async (request) => {
    requireAdmin(request);
    const b = bodyOf(request.body);
    return projects.updateProject(request.params.id, { name: b.name, retentionDays: b.retentionDays });
  });

  app.get<{ Params: { id: string } }>(`${API_PREFIX}/projects/:id/keys`, async (request) => {
    requireAdmin(request);
    return { items: await projects.listKeys(request.params.id) };
  });

  app.post<{ Params: { id: string } }>(`${API_PREFIX}/projects/:id/keys`, async (request, reply) => {
    requireAdmin(request);
    const created = await projects.createKey(request.params.id, bodyOf(request.body).name);
    return reply.code(201).header('cache-control', 'no-store').send(created);
  });

  app.delete<{ Params: { id: string; keyId: string } }>(`${API_PREFIX}/projects/:id/keys/:keyId`, async (request, reply) => {
    requireAdmin(request);
    await projects.revokeKey(request.params.id, request.params.keyId);
    auth.invalidate();
    return reply.code(204).send();
  });
}
