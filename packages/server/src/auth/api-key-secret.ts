/**
 * API key secrets: `wisp_` + 40 base62 characters (about 238 random bits), so a plain SHA-256 of the
 * secret is a safe stored form (no salt or slow hash needed for high-entropy secrets).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_KEY_PREFIX = 'wisp_';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SECRET_CHARS = 40;
/** Characters of the secret kept in clear (`ApiKeyInfo.prefix`) so a user can recognize a key. */
const VISIBLE_PREFIX_CHARS = API_KEY_PREFIX.length + 4;

/** Uniform random base62 string (rejection sampling: bytes >= 248 are skipped to avoid bias). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 248) out += BASE62[b % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

export function generateApiKeySecret(): string {
  return API_KEY_PREFIX + randomBase62(SECRET_CHARS);
}

export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function visiblePrefix(secret: string): string {
  return secret.slice(0, VISIBLE_PREFIX_CHARS);
}

/** Whether a presented value even looks like a Wisp key (cheap filter before hashing). */
export function looksLikeApiKey(value: string): boolean {
  return value.length === API_KEY_PREFIX.length + SECRET_CHARS && value.startsWith(API_KEY_PREFIX) && /^wisp_[0-9A-Za-z]+$/.test(value);
}

/** Constant-time string comparison (for the admin secret). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}
