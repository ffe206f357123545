import { brotliCompress, brotliCompressSync, constants as zlib, gzip, gzipSync } from 'node:zlib';
import { nextSlice } from './slices.js';

/**
 * How request bodies are compressed.
 * - `br`: brotli at quality 1. On span batches it is 2.5–3.5× cheaper in CPU than gzip at level 1
 *   and compresses better (ratio 8.4 against 7.9 on small spans; see docs/sdk-export.md). The
 *   collector accepts it on both ingest endpoints; the native exporter's default.
 * - `gzip`: gzip at level 1, what every OTLP backend accepts; the OTLP exporter's default.
 * - `none`: bodies go as they are (a collector on the same host, where bytes cost nothing).
 */
export type Compression = 'br' | 'gzip' | 'none';

export const isCompression = (v: unknown): v is Compression => v === 'br' || v === 'gzip' || v === 'none';

/**
 * Bodies up to this size are compressed on the app's thread, in a slice of their own (about 0.25 ms
 * for 320 KB of spans with brotli on a 2-core machine). On the thread pool the same body cost 2.5×
 * the CPU: the compressor's multi-MB tables are allocated in a worker thread's malloc arena, which
 * returns them to the kernel after each body, so every body pays for fresh pages (measured: 650 µs
 * of CPU, 464 of them in the kernel, against 228 µs on the app's thread). Bigger bodies would block
 * the app too long: they go to the thread pool.
 */
export const SYNC_COMPRESS_MAX_BYTES = 384 * 1024;

/** Output chunk of the compressor: big enough that a 4 MiB body costs the app's thread few callbacks. */
const CHUNK_BYTES = 256 * 1024;

/** Brotli at quality 1, text mode, with the body's size as a hint (it sizes its window and tables to it). */
function brotliOptions(raw: Buffer) {
  return {
    chunkSize: CHUNK_BYTES,
    params: {
      [zlib.BROTLI_PARAM_QUALITY]: 1,
      [zlib.BROTLI_PARAM_SIZE_HINT]: raw.byteLength,
      [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
    },
  };
}

const GZIP_OPTIONS = { level: 1, chunkSize: CHUNK_BYTES };

/**
 * Compressions on the thread pool run one at a time in the whole process: compression is
 * CPU-bound, and four of them on a 2-core machine would take the CPU from the app's own thread.
 */
let tail: Promise<unknown> = Promise.resolve();

export interface CompressedBody {
  body: Buffer;
  encoding?: 'br' | 'gzip';
}

/** The body to send and its `content-encoding`; compression failing sends the raw body instead. */
export async function compressBody(raw: Buffer, compression: Compression, aboveBytes: number): Promise<CompressedBody> {
  if (compression === 'none' || raw.byteLength <= aboveBytes) return { body: raw };
  if (raw.byteLength <= SYNC_COMPRESS_MAX_BYTES) {
    await nextSlice();
    try {
      const body = compression === 'br' ? brotliCompressSync(raw, brotliOptions(raw)) : gzipSync(raw, GZIP_OPTIONS);
      return { body, encoding: compression };
    } catch {
      return { body: raw };
    }
  }
  const result = tail.then(
    () =>
      new Promise<CompressedBody>((resolve) => {
        const done = (err: Error | null, packed: Buffer) => resolve(err ? { body: raw } : { body: packed, encoding: compression });
        if (compression === 'br') brotliCompress(raw, brotliOptions(raw), done);
        else gzip(raw, GZIP_OPTIONS, done);
      }),
  );
  tail = result;
  return result;
}
