/**
 * Opaque keyset cursors: base64url of a small JSON array that names the sort it belongs to and the
 * last row's key. Keyset pagination (not OFFSET) keeps pages stable while new traces arrive and
 * costs the same on page 1,000 as on page 1. A cursor that does not decode, or belongs to another
 * sort, is a 400.
 */
import { WispError } from '../../../errors.js';

export type CursorKey = Array<string | number | null>;

/** Longest cursor accepted, to refuse garbage before decoding it. */
export const MAX_CURSOR_LENGTH = 512;

export function encodeCursor(sortTag: string, key: CursorKey): string {
  return Buffer.from(JSON.stringify([sortTag, ...key]), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by `encodeCursor(sortTag, ...)` whose key has `types` (one `typeof` per
 * element; `null` allowed where the type ends with `?`).
 */
export function decodeCursor(cursor: string, sortTag: string, types: readonly string[]): CursorKey {
  const invalid = () => new WispError('WISP_ERR_BAD_QUERY', 'Query parameter `cursor` is invalid or belongs to another sort.');
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== types.length + 1 || parsed[0] !== sortTag) throw invalid();
  const key = parsed.slice(1) as unknown[];
  types.forEach((t, i) => {
    const v = key[i];
    const nullable = t.endsWith('?');
    if (v === null && nullable) return;
    const base = nullable ? t.slice(0, -1) : t;
    if (typeof v !== base || (typeof v === 'number' && !Number.isFinite(v))) throw invalid();
  });
  return key as CursorKey;
}
