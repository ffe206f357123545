import { gzip } from 'node:zlib';

/** The body to send and its `content-encoding`, compressed on the thread pool when big enough. */
export function compressBody(json: string, gzipAboveBytes: number): Promise<{ body: Buffer; encoding?: 'gzip' }> {
  const raw = Buffer.from(json, 'utf8');
  if (raw.byteLength <= gzipAboveBytes) return Promise.resolve({ body: raw });
  return new Promise((resolve) => {
    gzip(raw, { level: 1 }, (err, zipped) => {
      // Compression failing is not a reason to lose spans: send the raw body instead.
      resolve(err ? { body: raw } : { body: zipped, encoding: 'gzip' });
    });
  });
}
