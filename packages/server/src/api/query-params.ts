/**
 * Strict parsing of query strings. Every route declares the parameters it accepts; anything else,
 * a repeated scalar, a number out of bounds or an unknown enum value is a 400 WISP_ERR_BAD_QUERY
 * that names the parameter, never a 500 and never silently ignored (a typo in a filter must not
 * return unfiltered data).
 */
import { MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS } from '@wisp/protocol';
import { WispError } from '../errors.js';

/** Longest string value accepted in a filter (names, ids, search text). */
export const MAX_PARAM_LENGTH = 1_000;
/** Most values of a repeated parameter (`tags=a&tags=b`). */
export const MAX_PARAM_VALUES = 20;

export type ParamSpec =
  | { type: 'int'; min: number; max: number }
  | { type: 'number'; min: number; max: number }
  | { type: 'time' }
  | { type: 'string'; maxLength?: number; pattern?: RegExp }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'strings'; maxItems?: number; maxLength?: number };

type ValueOf<S extends ParamSpec> = S extends { type: 'int' | 'number' | 'time' }
  ? number
  : S extends { type: 'enum'; values: readonly (infer V)[] }
    ? V
    : S extends { type: 'strings' }
      ? string[]
      : string;

export type ParsedQuery<T extends Record<string, ParamSpec>> = { [K in keyof T]?: ValueOf<T[K]> };

function bad(name: string, why: string): WispError {
  return new WispError('WISP_ERR_BAD_QUERY', `Query parameter \`${name}\` ${why}.`);
}

function parseNumber(name: string, raw: string, min: number, max: number, integer: boolean): number {
  // Number('') is 0 and Number(' 1 ') is 1: accept only what looks like a plain decimal number.
  if (!/^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/.test(raw)) throw bad(name, 'must be a number');
  const n = Number(raw);
  if (!Number.isFinite(n)) throw bad(name, 'must be a finite number');
  if (integer && !Number.isInteger(n)) throw bad(name, 'must be an integer');
  if (n < min || n > max) throw bad(name, `must be between ${min} and ${max}`);
  return n;
}

/**
 * Parses `raw` (Fastify's parsed query string: a value is a string, or an array when repeated)
 * against `spec`. Empty values (`name=`) count as absent.
 */
export function parseQuery<T extends Record<string, ParamSpec>>(raw: unknown, spec: T): ParsedQuery<T> {
  const out: Record<string, unknown> = {};
  const input = (raw ?? {}) as Record<string, unknown>;
  for (const name of Object.keys(input)) {
    const s = Object.prototype.hasOwnProperty.call(spec, name) ? spec[name] : undefined;
    if (s === undefined) throw bad(name.slice(0, 100), 'is not known here');
    const value = input[name];
    const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
    if (s.type === 'strings') {
      const maxItems = s.maxItems ?? MAX_PARAM_VALUES;
      const maxLength = s.maxLength ?? MAX_PARAM_LENGTH;
      const nonEmpty = values.filter((v) => v !== '');
      if (nonEmpty.length > maxItems) throw bad(name, `may be given at most ${maxItems} times`);
      for (const v of nonEmpty) if (v.length > maxLength) throw bad(name, `must be at most ${maxLength} characters`);
      if (nonEmpty.length > 0) out[name] = [...new Set(nonEmpty)];
      continue;
    }
    if (values.length > 1) throw bad(name, 'may be given only once');
    const v = values[0];
    if (v === undefined || v === '') continue;
    switch (s.type) {
      case 'int':
        out[name] = parseNumber(name, v, s.min, s.max, true);
        break;
      case 'number':
        out[name] = parseNumber(name, v, s.min, s.max, false);
        break;
      case 'time':
        out[name] = parseNumber(name, v, MIN_TIMESTAMP_MS, MAX_TIMESTAMP_MS, false);
        break;
      case 'enum':
        if (!s.values.includes(v)) throw bad(name, `must be one of ${s.values.join(', ')}`);
        out[name] = v;
        break;
      case 'string': {
        const maxLength = s.maxLength ?? MAX_PARAM_LENGTH;
        if (v.length > maxLength) throw bad(name, `must be at most ${maxLength} characters`);
        if (s.pattern && !s.pattern.test(v)) throw bad(name, 'has an invalid format');
        out[name] = v;
        break;
      }
    }
  }
  return out as ParsedQuery<T>;
}

/** Rejects `from` after `to` and ranges longer than `maxRangeMs`. */
export function checkRange(from: number | undefined, to: number | undefined, maxRangeMs?: number): void {
  if (from !== undefined && to !== undefined) {
    if (from > to) throw bad('from', 'must not be after `to`');
    if (maxRangeMs !== undefined && to - from > maxRangeMs) {
      throw bad('to', `must be at most ${Math.round(maxRangeMs / 86_400_000)} days after \`from\``);
    }
  }
}
