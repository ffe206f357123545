/**
 * Raw bodies for the ingest routes: Fastify hands over the bytes as a Buffer (capped at the request
 * limit while streaming), and the route checks the media type, decompresses with a cap and parses.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Limits } from '@wisp/protocol';
import { WispError } from '../errors.js';
import { decodeBody, parseContentEncoding } from './decode-body.js';

/** Registers a catch-all raw parser in this (encapsulated) scope; the routes decide what they accept. */
export function registerRawBodyParser(scope: FastifyInstance, limits: Limits): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limits.maxRequestBytes }, (_req, body, done) => {
    done(null, body);
  });
}

/** The media type without parameters, lower-cased (`application/json; charset=utf-8` → `application/json`). */
export function mediaTypeOf(request: FastifyRequest): string {
  const raw = request.headers['content-type'] ?? '';
  return raw.split(';', 1)[0]!.trim().toLowerCase();
}

/**
 * Checks the media type against `accepted`, decompresses and returns the body bytes. Throws 415 for
 * an unaccepted type or encoding, 413 beyond the limit, 400 for broken compression.
 */
export async function readIngestBody(request: FastifyRequest, accepted: readonly string[], limits: Limits): Promise<{ bytes: Buffer; mediaType: string }> {
  const mediaType = mediaTypeOf(request);
  if (!accepted.includes(mediaType)) {
    throw new WispError(
      'WISP_ERR_UNSUPPORTED_MEDIA_TYPE',
      `Content-Type "${mediaType.slice(0, 60) || '(none)'}" is not accepted here; use ${accepted.join(' or ')}`,
    );
  }
  const encoding = parseContentEncoding(request.headers['content-encoding']);
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const bytes = await decodeBody(raw, encoding, limits);
  return { bytes, mediaType };
}
