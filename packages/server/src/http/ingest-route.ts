/** `POST /v1/ingest`: the native JSON wire (docs/ingest.md). */
import type { FastifyInstance } from 'fastify';
import { INGEST_PATH, type IngestResponse, type Limits } from '@wisp/protocol';
import { WispError } from '../errors.js';
import type { IngestService } from '../ingest/ingest-service.js';
import { parseJsonBody } from '../ingest/safe-json.js';
import { readIngestBody } from './ingest-body.js';

const ACCEPTED = ['application/json'];

export function registerIngestRoute(scope: FastifyInstance, deps: { ingest: IngestService; limits: Limits }): void {
  scope.post(INGEST_PATH, async (request, reply) => {
    const { bytes } = await readIngestBody(request, ACCEPTED, deps.limits);
    const result = await ingestBytes(deps, request.auth.projectId, bytes);
    return reply.code(result.rejected > 0 ? 207 : 200).send(result);
  });
}

/**
 * Parses and queues a body. A plain function, so that the parsed batch is never a local of the
 * route's async frame, which stays alive until the commit (see IngestService.ingestNative).
 */
function ingestBytes(deps: { ingest: IngestService; limits: Limits }, projectId: string, bytes: Buffer): Promise<IngestResponse> {
  if (bytes.length === 0) throw new WispError('WISP_ERR_BAD_JSON', 'The request body is empty; expected {"events": [...]}');
  return deps.ingest.ingestNative(projectId, parseJsonBody(bytes, deps.limits.maxJsonDepth), bytes.length);
}
