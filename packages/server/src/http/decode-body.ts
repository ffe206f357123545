/**
 * Decompression of ingest bodies with a hard cap on the output: a gzip or brotli bomb is stopped by
 * zlib's `maxOutputLength` as soon as the cap is reached, so it is never allocated, and answered 413.
 */
import {
  brotliDecompress,
  brotliDecompressSync,
  gunzip,
  gunzipSync,
  inflate,
  inflateRaw,
  inflateRawSync,
  inflateSync,
  constants as zlibConstants,
} from 'node:zlib';
import { promisify } from 'node:util';
import { WispError } from '../errors.js';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);
const inflateRawAsync = promisify(inflateRaw);
const brotliDecompressAsync = promisify(brotliDecompress);

export type ContentEncoding = 'identity' | 'gzip' | 'deflate' | 'br';

/**
 * Compressed bodies up to this size are decompressed on the main thread. On the thread pool a
 * 40 KB brotli body of 930 spans cost 1.8 ms of CPU (half of it in the kernel: the decoder's buffers
 * come from a worker thread's malloc arena, which returns them to the kernel after each body)
 * against 0.39 ms here. The output is capped (ratio and size), so the block stays short; bigger
 * bodies go to the thread pool.
 */
const SYNC_DECODE_MAX_BYTES = 64 * 1024;

/** Small bodies may compress very well (repetitive JSON); the ratio check starts above this. */
const RATIO_CHECK_FLOOR_BYTES = 1024 * 1024;

export interface DecodeLimits {
  maxRequestBytes: number;
  maxCompressionRatio: number;
}

/** Parses `Content-Encoding`; only identity, gzip, deflate and br are accepted (415 otherwise). */
export function parseContentEncoding(header: string | string[] | undefined): ContentEncoding {
  const value = (Array.isArray(header) ? header.join(',') : header ?? '').trim().toLowerCase();
  if (value === '' || value === 'identity') return 'identity';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  if (value === 'deflate') return 'deflate';
  if (value === 'br') return 'br';
  throw new WispError(
    'WISP_ERR_UNSUPPORTED_MEDIA_TYPE',
    `Content-Encoding "${value.slice(0, 40)}" is not supported; use br, gzip, deflate or none`,
  );
}

function outputCap(compressedBytes: number, limits: DecodeLimits): number {
  const byRatio = Math.max(RATIO_CHECK_FLOOR_BYTES, compressedBytes * limits.maxCompressionRatio);
  return Math.min(limits.maxRequestBytes, byRatio);
}

/** Returns the decoded body; throws WISP_ERR_BODY_TOO_LARGE, WISP_ERR_BAD_GZIP or WISP_ERR_BAD_BROTLI. */
export async function decodeBody(raw: Buffer, encoding: ContentEncoding, limits: DecodeLimits): Promise<Buffer> {
  if (encoding === 'identity') {
    if (raw.length > limits.maxRequestBytes) throw tooLarge(limits.maxRequestBytes);
    return raw;
  }
  const cap = { maxOutputLength: outputCap(raw.length, limits) };
  const sync = raw.length <= SYNC_DECODE_MAX_BYTES;
  try {
    if (encoding === 'gzip') return sync ? gunzipSync(raw, cap) : await gunzipAsync(raw, cap);
    if (encoding === 'br') return sync ? brotliDecompressSync(raw, cap) : await brotliDecompressAsync(raw, cap);
    // "deflate" means zlib-wrapped per RFC 9110, but some clients send raw deflate.
    const zlibWrapped = raw.length >= 2 && (raw[0]! & 0x0f) === 8 && ((raw[0]! << 8) | raw[1]!) % 31 === 0;
    if (zlibWrapped) return sync ? inflateSync(raw, cap) : await inflateAsync(raw, cap);
    return sync ? inflateRawSync(raw, cap) : await inflateRawAsync(raw, cap);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || (err instanceof RangeError && /too large|maxOutputLength/i.test(err.message))) {
      if (cap.maxOutputLength < limits.maxRequestBytes) {
        throw new WispError(
          'WISP_ERR_BODY_TOO_LARGE',
          `The decompressed body is more than ${limits.maxCompressionRatio} times its compressed size; refused as a compression bomb`,
        );
      }
      throw tooLarge(limits.maxRequestBytes);
    }
    const errorCode = encoding === 'br' ? 'WISP_ERR_BAD_BROTLI' : 'WISP_ERR_BAD_GZIP';
    // Brotli's decoder errors are coded ERR__ERROR_FORMAT_…; a truncated stream is Z_BUF_ERROR.
    if (code === 'Z_DATA_ERROR' || (err as { errno?: number }).errno === zlibConstants.Z_DATA_ERROR || code?.startsWith('Z_') || code?.startsWith('ERR__')) {
      throw new WispError(errorCode, `The request body is not valid ${encoding}: ${(err as Error).message}`);
    }
    throw new WispError(errorCode, `The request body could not be decompressed (${encoding})`);
  }
}

function tooLarge(max: number): WispError {
  return new WispError('WISP_ERR_BODY_TOO_LARGE', `The request body is larger than the limit of ${max} bytes after decompression`);
}
