/** `POST /v1/ingest`: the native JSON wire (docs/ingest.md). */
import type { FastifyInstance } from 'fastify';
import { INGEST_PATH, type Limits } from '@wisp/protocol';
import { WispError } from '../errors.js';
import type { IngestService } from '../ingest/ingest-service.js';
import { parseJsonBody } from '../ingest/safe-json.js';
import { readIngestBody } from './ingest-body.js';

const ACCEPTED = ['application/json'];

export function registerIngestRoute(scope: FastifyInstance, deps: { ingest: IngestService; limits: Limits }): void {
  scope.post(INGEST_PATH, async (request, reply) => {
    const { bytes } = await readIngestBody(request, ACCEPTED, deps.limits);
    if (bytes.length === 0) throw new WispError('WISP_ERR_BAD_JSON', 'The request body is empty; expected {"events": [...]}');
    const body = parseJsonBody(bytes, deps.limits.maxJsonDepth);
    const result = await deps.ingest.ingestNative(request.auth.projectId, body, bytes.length);
    return reply.code(result.rejected > 0 ? 207 : 200).send(result);
  });
}
