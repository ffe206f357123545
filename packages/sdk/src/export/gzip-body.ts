import { gzip } from 'node:zlib';

/** Output chunk of the compressor: big enough that a 4 MiB body costs the app's thread few callbacks. */
const GZIP_CHUNK_BYTES = 256 * 1024;

/**
 * Compressions run one at a time in the whole process: gzip is CPU-bound, and four of them on the
 * thread pool of a 2-core machine would take the CPU from the app's own thread.
 */
let tail: Promise<unknown> = Promise.resolve();

/** The body to send and its `content-encoding`, compressed on the thread pool when big enough. */
export function compressBody(raw: Buffer, gzipAboveBytes: number): Promise<{ body: Buffer; encoding?: 'gzip' }> {
  if (raw.byteLength <= gzipAboveBytes) return Promise.resolve({ body: raw });
  const result = tail.then(
    () =>
      new Promise<{ body: Buffer; encoding?: 'gzip' }>((resolve) => {
        gzip(raw, { level: 1, chunkSize: GZIP_CHUNK_BYTES }, (err, zipped) => {
          // Compression failing is not a reason to lose spans: send the raw body instead.
          resolve(err ? { body: raw } : { body: zipped, encoding: 'gzip' });
        });
      }),
  );
  tail = result;
  return result;
}
