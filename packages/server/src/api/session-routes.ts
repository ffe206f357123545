/**
 * `GET /api/v1/sessions`, `/sessions/:sessionId`, `/users`, `/users/:userId`. Session and user ids
 * are free text of up to 1,000 characters (slashes included), longer than Fastify's 100-character
 * limit on a path parameter: the id routes are wildcards, and the id is checked here.
 */
import type { FastifyInstance } from 'fastify';
import { API_PREFIX } from '@wisp/protocol';
import type { SessionReader } from '../store/store.js';
import { PAGE_PARAMS } from './params.js';
import { nameParam, notFound } from './path-params.js';
import { projectOf } from './project-of.js';
import { checkRange, parseQuery } from './query-params.js';

function pageQuery(raw: unknown) {
  const q = parseQuery(raw, PAGE_PARAMS);
  checkRange(q.from, q.to);
  return q;
}

export function registerSessionRoutes(app: FastifyInstance, store: SessionReader): void {
  app.get(`${API_PREFIX}/sessions`, async (request) => store.listSessions(projectOf(request), pageQuery(request.query)));

  app.get(`${API_PREFIX}/sessions/*`, async (request) => {
    const projectId = projectOf(request);
    const sessionId = nameParam(request.params, '*', 'session id');
    parseQuery(request.query, {});
    const session = await store.getSession(projectId, sessionId);
    if (session === null) throw notFound('Session');
    return session;
  });

  app.get(`${API_PREFIX}/users`, async (request) => store.listUsers(projectOf(request), pageQuery(request.query)));

  app.get(`${API_PREFIX}/users/*`, async (request) => {
    const projectId = projectOf(request);
    const userId = nameParam(request.params, '*', 'user id');
    parseQuery(request.query, {});
    const user = await store.getUser(projectId, userId);
    if (user === null) throw notFound('User');
    return user;
  });
}
