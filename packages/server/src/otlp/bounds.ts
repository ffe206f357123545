import type { JsonBounds } from '@wisp/protocol';
import { setOwn } from '@wisp/protocol';

/**
 * JSON carried in attribute strings is parsed up to the payload limit; deeper than 32 levels it
 * stays the string (the native wire allows 64).
 */
export const OTLP_JSON_BOUNDS: JsonBounds = { maxChars: 1_048_576, maxDepth: 32 };

/** Characters of one input or output kept; larger payloads are stored as cut JSON text. */
export const MAX_PAYLOAD_CHARS = 1_048_576;
/** Characters of all metadata values of one span together. */
export const MAX_METADATA_CHARS = 1_048_576;
/** Keys of one metadata object (the native wire's limit). */
export const MAX_METADATA_KEYS = 1_000;

// Sizes of objects shared by many spans (a resource's attributes), measured once.
const sharedSizes = new WeakMap<object, number>();

/** Measures a value that many spans will carry, so that bounding each of them costs nothing. */
export function shareSize<T extends object>(value: T): T {
  sharedSizes.set(value, sizeOf(value));
  return value;
}

/** Approximate serialized size; exact for strings, JSON length for the rest. */
function sizeOf(value: unknown): number {
  if (typeof value === 'string') return value.length + 2;
  if (typeof value !== 'object' || value === null) return 8;
  const shared = sharedSizes.get(value);
  if (shared !== undefined) return shared;
  try {
    return JSON.stringify(value)?.length ?? 8;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * An input or output within MAX_PAYLOAD_CHARS: as it came when small enough, else its JSON text cut
 * at the limit and marked, so the store never receives an unbounded value.
 */
export function boundPayload(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.length <= MAX_PAYLOAD_CHARS ? value : `${value.slice(0, MAX_PAYLOAD_CHARS)}…[wisp: truncated]`;
  }
  if (typeof value !== 'object' || value === null) return value;
  let text: string;
  try {
    text = JSON.stringify(value) ?? '';
  } catch {
    return '[wisp: unserializable value]';
  }
  return text.length <= MAX_PAYLOAD_CHARS ? value : `${text.slice(0, MAX_PAYLOAD_CHARS)}…[wisp: truncated]`;
}

/**
 * Metadata from key/value pairs within MAX_METADATA_KEYS keys and MAX_METADATA_CHARS characters;
 * what does not fit is counted under `wisp.metadata_dropped`. `undefined` when empty.
 */
export function boundMetadata(entries: ReadonlyArray<readonly [string, unknown]>): Record<string, unknown> | undefined {
  if (entries.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  let keys = 0;
  let chars = 0;
  let dropped = 0;
  for (const [key, value] of entries) {
    const size = key.length + sizeOf(value);
    if (keys >= MAX_METADATA_KEYS - 1 || chars + size > MAX_METADATA_CHARS) {
      dropped++;
      continue;
    }
    setOwn(out, key, value);
    keys++;
    chars += size;
  }
  if (dropped > 0) out['wisp.metadata_dropped'] = dropped;
  return out;
}
