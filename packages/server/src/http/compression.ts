/**
 * Compresses answers for clients that accept it. A 10,000-span trace detail is several MiB of JSON
 * that gzip shrinks about tenfold, which is most of the time the dashboard waits for it. Ingest
 * answers are tiny and the live stream is hijacked, so neither is affected.
 */
import compress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';

/** Below this size compressing costs more than it saves. */
const COMPRESS_THRESHOLD_BYTES = 4096;
/** Only text formats we serve; never `text/event-stream`, which must not be buffered. */
const COMPRESSIBLE_TYPES = /^(?:application\/json|application\/x-ndjson|text\/csv|text\/html|text\/css|text\/javascript|application\/javascript|image\/svg\+xml)/;

export async function registerCompression(app: FastifyInstance): Promise<void> {
  await app.register(compress, {
    globalCompression: true,
    // Request bodies are decoded by the ingest routes themselves, with size and ratio limits.
    globalDecompression: false,
    threshold: COMPRESS_THRESHOLD_BYTES,
    encodings: ['gzip', 'deflate'],
    customTypes: COMPRESSIBLE_TYPES,
    zlibOptions: { level: 4 },
  });
}
