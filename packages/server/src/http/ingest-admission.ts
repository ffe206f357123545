/**
 * Admission control for the ingest routes: a request is refused with 429 before its body is read
 * when the write queue is saturated, or when the bodies being read plus the bytes already queued
 * would pass the queue's byte cap. Without it, many concurrent large requests could all be read and
 * parsed into memory before the queue gets a chance to refuse them.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { WispError } from '../errors.js';
import { RETRY_AFTER_OVERLOADED_S, type WriteQueue } from '../ingest/write-queue.js';

const admitted = new WeakMap<FastifyRequest, number>();

export function registerIngestAdmission(scope: FastifyInstance, queue: WriteQueue): void {
  let readingBytes = 0;
  const release = (request: FastifyRequest) => {
    const bytes = admitted.get(request);
    if (bytes === undefined) return;
    admitted.delete(request);
    readingBytes -= bytes;
  };
  scope.addHook('onRequest', async (request) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    const bytes = Number.isFinite(declared) && declared > 0 ? declared : 0;
    const overCap = readingBytes > 0 && queue.depthBytes + readingBytes + bytes > queue.maxQueuedBytes;
    if (queue.saturated || overCap) {
      throw new WispError('WISP_ERR_OVERLOADED', 'The collector is busy writing; retry after the given delay', {
        retryAfterSeconds: RETRY_AFTER_OVERLOADED_S,
      });
    }
    readingBytes += bytes;
    admitted.set(request, bytes);
  });
  scope.addHook('onResponse', async (request) => release(request));
  scope.addHook('onRequestAbort', async (request) => release(request));
}
