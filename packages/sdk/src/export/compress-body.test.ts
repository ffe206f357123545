import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compressBody, SYNC_COMPRESS_MAX_BYTES } from './compress-body.js';

const body = (bytes: number) => Buffer.from(JSON.stringify({ events: [{ text: 'span '.repeat(Math.ceil(bytes / 5)) }] }).slice(0, bytes));

describe('compressBody', () => {
  for (const size of [4 * 1024, SYNC_COMPRESS_MAX_BYTES, SYNC_COMPRESS_MAX_BYTES + 1, 2 * 1024 * 1024]) {
    const where = size <= SYNC_COMPRESS_MAX_BYTES ? "on the app's thread" : 'on the thread pool';
    it(`brotli and gzip of ${size} bytes (${where}) decode back to the body`, async () => {
      const raw = body(size);
      const br = await compressBody(raw, 'br', 1024);
      expect(br.encoding).toBe('br');
      expect(br.body.length).toBeLessThan(raw.length / 4);
      expect(brotliDecompressSync(br.body).equals(raw)).toBe(true);
      const gz = await compressBody(raw, 'gzip', 1024);
      expect(gz.encoding).toBe('gzip');
      expect(gunzipSync(gz.body).equals(raw)).toBe(true);
    });
  }

  it('leaves small bodies and `none` alone', async () => {
    const small = body(1000);
    expect(await compressBody(small, 'br', 1024)).toEqual({ body: small });
    const big = body(100_000);
    expect(await compressBody(big, 'none', 1024)).toEqual({ body: big });
  });

  it("yields before compressing on the app's thread: never on the caller's tick", async () => {
    let compressed = false;
    const p = compressBody(body(64 * 1024), 'br', 1024).then((r) => {
      compressed = true;
      return r;
    });
    await Promise.resolve();
    expect(compressed).toBe(false);
    expect((await p).encoding).toBe('br');
  });
});
