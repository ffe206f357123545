/**
 * Validation and conversion of values given to spans: times, usage, levels, errors. Invalid values
 * come back as `undefined` so the caller can report them and keep the previous value.
 */
import type { ErrorInfo, Level, Usage } from '@wisp/protocol';
import { LEVELS, MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS } from '@wisp/protocol';

const USAGE_KEYS = ['input', 'output', 'cacheRead', 'cacheWrite', 'reasoning', 'total'] as const;
/** Longest error stack kept, in characters. */
const MAX_STACK = 16 * 1024;
const MAX_MESSAGE = 8 * 1024;

/**
 * Epoch ms from a number or a Date; `undefined` for NaN, infinities, other types and times outside
 * the window the collector accepts (2000 to 2100).
 */
export function toEpochMs(v: unknown): number | undefined {
  const ms = v instanceof Date ? v.getTime() : v;
  return typeof ms === 'number' && ms >= MIN_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS ? ms : undefined;
}

export function validLevel(v: unknown): Level | undefined {
  return (LEVELS as readonly unknown[]).includes(v) ? (v as Level) : undefined;
}

/** Usage with only finite, non-negative integer counts; `undefined` when nothing valid remains. */
export function validUsage(v: unknown): Usage | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const out: Usage = {};
  let any = false;
  for (const key of USAGE_KEYS) {
    const n = (v as Record<string, unknown>)[key];
    if (typeof n === 'number' && Number.isFinite(n) && n >= 0) {
      out[key] = Math.round(n);
      any = true;
    }
  }
  return any ? out : undefined;
}

/** The type, message and stack of anything thrown, read defensively. */
export function toErrorInfo(err: unknown): ErrorInfo {
  try {
    if (err instanceof Error) {
      const info: ErrorInfo = {
        type: safeString(err.name) || err.constructor?.name || 'Error',
        message: safeString(err.message).slice(0, MAX_MESSAGE),
      };
      const stack = safeString(err.stack);
      if (stack !== '') info.stack = stack.slice(0, MAX_STACK);
      return info;
    }
    if (typeof err === 'string') return { type: 'Error', message: err.slice(0, MAX_MESSAGE) };
    return { type: typeof err, message: safeString(err).slice(0, MAX_MESSAGE) };
  } catch {
    return { type: 'Error', message: 'unreadable error' };
  }
}

function safeString(v: unknown): string {
  try {
    return typeof v === 'string' ? v : v === undefined ? '' : String(v);
  } catch {
    return '';
  }
}
