import { setOwn } from '@wisp/protocol';
import { OTLP_VALUE_LIMITS } from './otlp-span.js';
import type { OtlpAttribute } from './otlp-span.js';

/** Marks a value cut by a limit, so nobody mistakes it for what the client sent. */
export const DEPTH_LIMIT_MARK = '[wisp: value nested too deep]';

export function boundString(value: string): string {
  const max = OTLP_VALUE_LIMITS.maxStringChars;
  return value.length <= max ? value : `${value.slice(0, max)}…[wisp: truncated ${value.length - max} chars]`;
}

interface LongLike {
  low: number;
  high: number;
  unsigned?: boolean;
}

function isLongLike(value: unknown): value is LongLike {
  return typeof value === 'object' && value !== null && typeof (value as LongLike).low === 'number' && typeof (value as LongLike).high === 'number';
}

/** An exact bigint from a protobufjs Long (or anything with low/high 32-bit halves). */
export function longToBigInt(value: LongLike, unsigned: boolean): bigint {
  const bits = (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
  return unsigned ? bits : BigInt.asIntN(64, bits);
}

/** A JS number when exact, else the decimal string, as int64 values may exceed 2^53. */
function int64ToValue(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

// ---------------------------------------------------------------------------------------------
// protobuf (protobufjs message objects)

export interface PbAnyValue {
  value?: string;
  stringValue?: string;
  boolValue?: boolean;
  intValue?: unknown;
  doubleValue?: number;
  arrayValue?: { values?: PbAnyValue[] } | null;
  kvlistValue?: { values?: PbKeyValue[] } | null;
  bytesValue?: Uint8Array;
}
export interface PbKeyValue {
  key?: string;
  value?: PbAnyValue | null;
}

export function fromProtobufAnyValue(any: PbAnyValue | null | undefined, depth = 0): unknown {
  if (!any) return undefined;
  switch (any.value) {
    case 'stringValue':
      return boundString(String(any.stringValue ?? ''));
    case 'boolValue':
      return any.boolValue === true;
    case 'intValue': {
      const v = any.intValue;
      if (typeof v === 'number') return v;
      return isLongLike(v) ? int64ToValue(longToBigInt(v, false)) : undefined;
    }
    case 'doubleValue':
      return typeof any.doubleValue === 'number' ? any.doubleValue : undefined;
    case 'bytesValue':
      return any.bytesValue ? boundString(Buffer.from(any.bytesValue).toString('base64')) : undefined;
    case 'arrayValue': {
      if (depth >= OTLP_VALUE_LIMITS.maxValueDepth) return DEPTH_LIMIT_MARK;
      const values = any.arrayValue?.values ?? [];
      const out: unknown[] = [];
      for (let i = 0; i < values.length && i < OTLP_VALUE_LIMITS.maxValueItems; i++) {
        out.push(fromProtobufAnyValue(values[i], depth + 1) ?? null);
      }
      return out;
    }
    case 'kvlistValue': {
      if (depth >= OTLP_VALUE_LIMITS.maxValueDepth) return DEPTH_LIMIT_MARK;
      const values = any.kvlistValue?.values ?? [];
      const out: Record<string, unknown> = {};
      for (let i = 0; i < values.length && i < OTLP_VALUE_LIMITS.maxValueItems; i++) {
        const kv = values[i];
        if (kv && typeof kv.key === 'string') setOwn(out, kv.key, fromProtobufAnyValue(kv.value, depth + 1) ?? null);
      }
      return out;
    }
    default:
      return undefined;
  }
}

export function fromProtobufAttributes(list: PbKeyValue[] | null | undefined): OtlpAttribute[] {
  const out: OtlpAttribute[] = [];
  if (!list) return out;
  for (let i = 0; i < list.length && out.length < OTLP_VALUE_LIMITS.maxAttributes; i++) {
    const kv = list[i];
    if (!kv || typeof kv.key !== 'string' || kv.key === '') continue;
    const value = fromProtobufAnyValue(kv.value);
    if (value !== undefined) out.push({ key: kv.key, value });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// OTLP/JSON (lowerCamelCase per the spec; the proto's snake_case names accepted too)

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A field of an OTLP/JSON object by its lowerCamelCase or snake_case name. */
export function field(obj: JsonObject, camel: string, snake: string): unknown {
  const v = Object.hasOwn(obj, camel) ? obj[camel] : undefined;
  return v !== undefined ? v : Object.hasOwn(obj, snake) ? obj[snake] : undefined;
}

/** int64 as a JSON number or decimal string (the spec's form), exactly. */
export function jsonInt64(value: unknown): bigint | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : Number.isFinite(value) ? BigInt(Math.trunc(value)) : null;
  if (typeof value === 'string' && /^-?\d{1,20}$/.test(value.trim())) {
    const n = BigInt(value.trim());
    return n >= -(2n ** 63n) && n < 2n ** 64n ? n : null;
  }
  return null;
}

export function fromJsonAnyValue(any: unknown, depth = 0): unknown {
  if (!isObject(any)) return undefined;
  const s = field(any, 'stringValue', 'string_value');
  if (s !== undefined) return typeof s === 'string' ? boundString(s) : undefined;
  const b = field(any, 'boolValue', 'bool_value');
  if (b !== undefined) return typeof b === 'boolean' ? b : b === 'true';
  const i = field(any, 'intValue', 'int_value');
  if (i !== undefined) {
    const n = jsonInt64(i);
    return n === null ? undefined : int64ToValue(n);
  }
  const d = field(any, 'doubleValue', 'double_value');
  if (d !== undefined) {
    if (typeof d === 'number') return d;
    const n = typeof d === 'string' ? Number(d) : Number.NaN;
    return Number.isFinite(n) ? n : typeof d === 'string' ? d : undefined; // "NaN", "Infinity" kept as text
  }
  const bytes = field(any, 'bytesValue', 'bytes_value');
  if (bytes !== undefined) return typeof bytes === 'string' ? boundString(bytes) : undefined;
  const arr = field(any, 'arrayValue', 'array_value');
  if (arr !== undefined) {
    if (depth >= OTLP_VALUE_LIMITS.maxValueDepth) return DEPTH_LIMIT_MARK;
    const values = isObject(arr) && Array.isArray(arr.values) ? arr.values : [];
    const out: unknown[] = [];
    for (let k = 0; k < values.length && k < OTLP_VALUE_LIMITS.maxValueItems; k++) {
      out.push(fromJsonAnyValue(values[k], depth + 1) ?? null);
    }
    return out;
  }
  const kvlist = field(any, 'kvlistValue', 'kvlist_value');
  if (kvlist !== undefined) {
    if (depth >= OTLP_VALUE_LIMITS.maxValueDepth) return DEPTH_LIMIT_MARK;
    const values = isObject(kvlist) && Array.isArray(kvlist.values) ? kvlist.values : [];
    const out: Record<string, unknown> = {};
    for (let k = 0; k < values.length && k < OTLP_VALUE_LIMITS.maxValueItems; k++) {
      const kv = values[k];
      if (isObject(kv) && typeof kv.key === 'string') setOwn(out, kv.key, fromJsonAnyValue(kv.value, depth + 1) ?? null);
    }
    return out;
  }
  return undefined;
}

export function fromJsonAttributes(list: unknown): OtlpAttribute[] {
  const out: OtlpAttribute[] = [];
  if (!Array.isArray(list)) return out;
  for (let i = 0; i < list.length && out.length < OTLP_VALUE_LIMITS.maxAttributes; i++) {
    const kv: unknown = list[i];
    if (!isObject(kv) || typeof kv.key !== 'string' || kv.key === '') continue;
    const value = fromJsonAnyValue(kv.value);
    if (value !== undefined) out.push({ key: kv.key, value });
  }
  return out;
}
