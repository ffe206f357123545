/**
 * A bounded snapshot of a captured value (span input, output, metadata), taken on the caller's
 * tick. It copies at most `maxBytes` worth of data, so later mutations of the app's objects do not
 * change what is exported, and it computes the approximate JSON size of the copy as it goes, so
 * nothing ever runs `JSON.stringify` on the hot path. It never throws: every value that cannot be
 * read is replaced by a short marker, and only that value.
 */
import { isSecretKey, isSecretValue, REDACTED } from './redaction.js';

/** Caps of one snapshot. */
export interface SnapshotLimits {
  /** Nesting depth; deeper objects become `[Object]`. @default 16 */
  maxDepth: number;
  /** Keys per object, items per array, entries per Map/Set. @default 1000 */
  maxBreadth: number;
  /** Characters per string; the rest is cut with a `…[truncated N chars]` marker. @default 32768 */
  maxStringLength: number;
  /** Approximate JSON bytes of the whole snapshot. @default 262144 */
  maxBytes: number;
}

export const DEFAULT_SNAPSHOT_LIMITS: Readonly<SnapshotLimits> = Object.freeze({
  maxDepth: 16,
  maxBreadth: 1000,
  maxStringLength: 32 * 1024,
  maxBytes: 256 * 1024,
});

/** The copy and its approximate serialized size in bytes. */
export interface Snapshot {
  value: unknown;
  bytes: number;
  /** True when any cap cut something. */
  truncated: boolean;
}

/** Takes a bounded, redacted copy of `value`. Never throws. */
export function snapshot(value: unknown, limits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS, redact = true): Snapshot {
  // Fast paths for the common small cases avoid allocating a walker.
  if (value === null || value === undefined) return { value: null, bytes: 4, truncated: false };
  const t = typeof value;
  if (t === 'number' || t === 'boolean') return { value: toJsonNumber(value), bytes: 8, truncated: false };
  if (t === 'object') {
    const flat = flatRecord(value as object, limits, redact);
    if (flat !== undefined) return flat;
  }
  const walk = new Walk(limits, redact);
  const out = walk.value(value, 0);
  return { value: out, bytes: walk.bytes, truncated: walk.truncated };
}

/** Plain objects with at most this many keys may take the flat fast path. */
const FLAT_MAX_KEYS = 32;
/** Strings longer than this leave the flat fast path (the walker applies the caps). */
const FLAT_MAX_STRING = 1024;

/**
 * The common input or output: a small plain object whose values are primitives (`{ question }`,
 * `{ role, content }`). Copied in one loop with the walker's size estimate and redaction, without
 * allocating a walker or testing the object against every special type. Returns undefined for
 * anything else (nested objects, long strings, many keys, a Proxy's throwing trap, a `toJSON`),
 * and the walker starts over: reading the own enumerable fields twice has no effect beyond their
 * getters, which the walker guards.
 */
function flatRecord(o: object, limits: SnapshotLimits, redact: boolean): Snapshot | undefined {
  if (o === null || limits.maxBreadth < FLAT_MAX_KEYS || limits.maxStringLength < FLAT_MAX_STRING) {
    return undefined;
  }
  try {
    if (Object.getPrototypeOf(o) !== Object.prototype) return undefined;
    const out: Record<string, unknown> = {};
    let bytes = 2;
    let n = 0;
    for (const key in o) {
      if (!Object.prototype.hasOwnProperty.call(o, key)) continue;
      if (++n > FLAT_MAX_KEYS || key === 'toJSON') return undefined;
      bytes += key.length + 4;
      if (redact && isSecretKey(key)) {
        out[key] = REDACTED;
        bytes += REDACTED.length + 2;
        continue;
      }
      const v = (o as Record<string, unknown>)[key];
      switch (typeof v) {
        case 'string':
          if (v.length > FLAT_MAX_STRING) return undefined;
          if (redact && isSecretValue(v)) {
            out[key] = REDACTED;
            bytes += REDACTED.length + 2;
          } else {
            out[key] = v;
            bytes += v.length + 2;
          }
          break;
        case 'number':
          out[key] = Number.isFinite(v) ? v : String(v);
          bytes += 8;
          break;
        case 'boolean':
          out[key] = v;
          bytes += 5;
          break;
        case 'undefined':
          break;
        default:
          if (v !== null) return undefined;
          out[key] = null;
          bytes += 4;
      }
    }
    // Over the byte cap (long keys, many long strings): the walker cuts it where the cap says.
    return bytes > limits.maxBytes ? undefined : { value: out, bytes, truncated: false };
  } catch {
    return undefined;
  }
}

function toJsonNumber(v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
}

class Walk {
  bytes = 0;
  truncated = false;
  private readonly ancestors: object[] = [];

  constructor(
    private readonly limits: SnapshotLimits,
    private readonly redact: boolean,
  ) {}

  value(v: unknown, depth: number): unknown {
    switch (typeof v) {
      case 'string':
        return this.string(v);
      case 'number':
        this.bytes += 8;
        return Number.isFinite(v) ? v : String(v);
      case 'boolean':
        this.bytes += 5;
        return v;
      case 'undefined':
        this.bytes += 4;
        return null;
      case 'bigint':
        return this.string(`${v.toString()}n`);
      case 'symbol':
        return this.string(v.toString());
      case 'function':
        return this.string(`[Function ${functionName(v)}]`);
      default:
        if (v === null) {
          this.bytes += 4;
          return null;
        }
        return this.object(v as object, depth);
    }
  }

  string(s: string): string {
    if (this.redact && isSecretValue(s)) {
      this.bytes += REDACTED.length + 2;
      return REDACTED;
    }
    const cap = Math.max(0, Math.min(this.limits.maxStringLength, this.limits.maxBytes - this.bytes));
    if (s.length <= cap) {
      this.bytes += s.length + 2;
      return s;
    }
    this.truncated = true;
    const out = `${s.slice(0, cap)}…[truncated ${s.length - cap} chars]`;
    // Reading a character flattens the concatenation into one new string that holds a copy of the
    // head: the original is no longer referenced (a bare slice would keep it alive), and a one-byte
    // string stays one-byte (cheaper to serialize than a UTF-16 copy).
    out.charCodeAt(0);
    this.bytes += out.length + 2;
    return out;
  }

  private object(o: object, depth: number): unknown {
    if (this.bytes >= this.limits.maxBytes) {
      this.truncated = true;
      return this.marker('[Truncated]');
    }
    if (this.ancestors.includes(o)) return this.marker('[Circular]');
    if (depth >= this.limits.maxDepth) {
      this.truncated = true;
      return this.marker(`[${typeName(o)}]`);
    }
    this.ancestors.push(o);
    try {
      return this.objectBody(o, depth + 1);
    } catch (err) {
      // Revoked Proxies, throwing traps, hostile getters on exotic objects.
      return this.marker(`[Unserializable: ${errorMessage(err)}]`);
    } finally {
      this.ancestors.pop();
    }
  }

  private objectBody(o: object, depth: number): unknown {
    if (Array.isArray(o)) return this.list(o, o.length, depth);
    if (o instanceof Date) return this.marker(Number.isNaN(o.getTime()) ? 'Invalid Date' : o.toISOString());
    if (o instanceof Error) return this.error(o, depth);
    if (o instanceof Map) return this.map(o, depth);
    if (o instanceof Set) return this.list(o, o.size, depth);
    if (ArrayBuffer.isView(o)) return this.marker(binarySummary(o));
    if (o instanceof ArrayBuffer || o instanceof SharedArrayBuffer) {
      return this.marker(`[${o.constructor.name} ${o.byteLength} bytes]`);
    }
    if (o instanceof RegExp) return this.marker(String(o));
    if (o instanceof Promise || o instanceof WeakMap || o instanceof WeakSet) return this.marker(`[${typeName(o)}]`);
    let toJSON: unknown;
    try {
      toJSON = (o as { toJSON?: unknown }).toJSON;
    } catch {
      // A hostile `get` trap: fall back to the own fields, each read on its own.
    }
    if (typeof toJSON === 'function') return this.value(toJSON.call(o), depth);
    return this.record(o, depth);
  }

  private record(o: object, depth: number): Record<string, unknown> | string {
    const out: Record<string, unknown> = {};
    const { maxBreadth, maxBytes } = this.limits;
    this.bytes += 2;
    let n = 0;
    let skipped = 0;
    for (const key in o) {
      if (!Object.prototype.hasOwnProperty.call(o, key)) continue;
      if (n >= maxBreadth || this.bytes >= maxBytes) {
        skipped++;
        if (skipped > 10_000) break; // counting further keys is not worth the time
        continue;
      }
      n++;
      this.bytes += key.length + 4;
      if (this.redact && isSecretKey(key)) {
        out[key] = REDACTED;
        this.bytes += REDACTED.length + 2;
        continue;
      }
      let v: unknown;
      try {
        v = (o as Record<string, unknown>)[key];
      } catch (err) {
        out[key] = this.marker(`[Thrown: ${errorMessage(err)}]`);
        continue;
      }
      if (v === undefined) continue;
      out[key] = this.value(v, depth);
    }
    if (skipped > 0) {
      this.truncated = true;
      out['…'] = this.marker(`[${skipped} more keys]`);
    }
    if (n === 0 && skipped === 0) {
      const name = typeName(o);
      if (name !== 'Object') return this.marker(`[${name}]`);
    }
    return out;
  }

  private list(items: Iterable<unknown> | ArrayLike<unknown>, size: number, depth: number): unknown[] {
    const out: unknown[] = [];
    const { maxBreadth, maxBytes } = this.limits;
    this.bytes += 2;
    if (Array.isArray(items)) {
      const n = Math.min(size, maxBreadth);
      for (let i = 0; i < n && this.bytes < maxBytes; i++) out.push(this.value(items[i], depth) ?? null);
    } else {
      for (const item of items as Iterable<unknown>) {
        if (out.length >= maxBreadth || this.bytes >= maxBytes) break;
        out.push(this.value(item, depth));
      }
    }
    if (out.length < size) {
      this.truncated = true;
      out.push(this.marker(`[${size - out.length} more items]`));
    }
    this.bytes += out.length;
    return out;
  }

  private map(m: Map<unknown, unknown>, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const { maxBreadth, maxBytes } = this.limits;
    this.bytes += 2;
    let n = 0;
    for (const [k, v] of m) {
      if (n >= maxBreadth || this.bytes >= maxBytes) break;
      n++;
      const key = typeof k === 'string' ? k : String(this.value(k, depth));
      this.bytes += key.length + 4;
      out[key] = this.redact && isSecretKey(key) ? REDACTED : this.value(v, depth);
    }
    if (n < m.size) {
      this.truncated = true;
      out['…'] = this.marker(`[${m.size - n} more entries]`);
    }
    return out;
  }

  private error(e: Error, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.bytes += 2;
    for (const key of ['name', 'message', 'stack'] as const) {
      try {
        const v = e[key];
        if (v !== undefined) out[key] = this.value(v, depth);
      } catch (err) {
        out[key] = this.marker(`[Thrown: ${errorMessage(err)}]`);
      }
      this.bytes += key.length + 4;
    }
    try {
      if ('cause' in e && e.cause !== undefined) out.cause = this.value(e.cause, depth);
    } catch (err) {
      out.cause = this.marker(`[Thrown: ${errorMessage(err)}]`);
    }
    // Own enumerable fields such as `code` or `status` are often the most useful part.
    const rest = this.record(e, depth);
    if (typeof rest === 'object') for (const k in rest) if (!(k in out)) out[k] = rest[k];
    return out;
  }

  private marker(text: string): string {
    this.bytes += text.length + 2;
    return text;
  }
}

/** Copies a string slice so the snapshot does not keep a huge parent string alive in the queue. */
function binarySummary(v: ArrayBufferView): string {
  if (Buffer.isBuffer(v)) return `[Buffer ${v.byteLength} bytes]`;
  const name = v.constructor?.name ?? 'ArrayBufferView';
  return 'length' in v ? `[${name}(${(v as unknown as { length: number }).length})]` : `[${name} ${v.byteLength} bytes]`;
}

function typeName(o: object): string {
  try {
    const name = (Object.getPrototypeOf(o) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
    return typeof name === 'string' && name !== '' ? name : 'Object';
  } catch {
    return 'Object';
  }
}

function functionName(f: unknown): string {
  try {
    const name = (f as { name?: unknown }).name;
    return typeof name === 'string' && name !== '' ? name : 'anonymous';
  } catch {
    return 'anonymous';
  }
}

/** A short, safe description of anything thrown. */
export function errorMessage(err: unknown): string {
  try {
    if (err instanceof Error) return String(err.message).slice(0, 200);
    return String(err).slice(0, 200);
  } catch {
    return 'unknown error';
  }
}
