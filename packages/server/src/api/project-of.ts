import type { FastifyRequest } from 'fastify';
import { WispError } from '../errors.js';

/**
 * The project a read is scoped to: always the authenticated key's, never one named in the query.
 * Refuses (rather than reading unscoped) if the auth hook did not run.
 */
export function projectOf(request: FastifyRequest): string {
  const projectId = (request.auth as { projectId?: unknown } | undefined)?.projectId;
  if (typeof projectId !== 'string' || projectId === '') throw new WispError('WISP_ERR_UNAUTHORIZED');
  return projectId;
}
