/**
 * W3C trace context: `traceparent` (and `tracestate`, passed through) in and out of headers, so a
 * trace continues across processes.
 */
import { isValidSpanId, isValidTraceId } from './ids.js';
import type { SpanContext } from './span-types.js';

export const TRACEPARENT = 'traceparent';
export const TRACESTATE = 'tracestate';

const TRACEPARENT_RE = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;
const MAX_TRACESTATE = 512;

/** Something headers can be read from: a plain header object (Node `req.headers`) or a `Headers`. */
export type CarrierIn = Record<string, unknown> | { get(name: string): string | null | undefined };
/** Something headers can be written to: a plain object or a `Headers`. */
export type CarrierOut = Record<string, unknown> | { set(name: string, value: string): void };

/** The `traceparent` value for a span context. */
export function formatTraceparent(ctx: SpanContext): string {
  return `00-${ctx.traceId}-${ctx.spanId}-${ctx.sampled === false ? '00' : '01'}`;
}

/** Parses a `traceparent` value; `undefined` when it is malformed or has zero ids. */
export function parseTraceparent(value: unknown): SpanContext | undefined {
  if (typeof value !== 'string' || value.length > 512) return undefined;
  const m = TRACEPARENT_RE.exec(value.trim().toLowerCase());
  if (m === null || m[1] === 'ff') return undefined;
  const [, version, traceId, spanId, flags] = m as unknown as [string, string, string, string, string];
  // Version 00 has exactly four fields; later versions may append more.
  if (version === '00' && value.trim().length !== 55) return undefined;
  if (!isValidTraceId(traceId) || !isValidSpanId(spanId)) return undefined;
  return { traceId, spanId, sampled: (parseInt(flags, 16) & 1) === 1 };
}

/** Reads the span context from incoming headers; `undefined` when there is none or it is invalid. */
export function extractContext(carrier: CarrierIn | null | undefined): SpanContext | undefined {
  if (carrier === null || typeof carrier !== 'object') return undefined;
  const ctx = parseTraceparent(header(carrier, TRACEPARENT));
  if (ctx === undefined) return undefined;
  const state = header(carrier, TRACESTATE);
  if (typeof state === 'string' && state !== '' && state.length <= MAX_TRACESTATE) ctx.traceState = state;
  return ctx;
}

/** Writes `traceparent` (and `tracestate` when there is one) for `ctx` into `carrier`. */
export function injectContext(ctx: SpanContext, carrier: CarrierOut): void {
  set(carrier, TRACEPARENT, formatTraceparent(ctx));
  if (ctx.traceState !== undefined) set(carrier, TRACESTATE, ctx.traceState);
}

function header(carrier: CarrierIn, name: string): unknown {
  if (typeof (carrier as { get?: unknown }).get === 'function') {
    return (carrier as { get(n: string): unknown }).get(name) ?? undefined;
  }
  const record = carrier as Record<string, unknown>;
  let v = record[name];
  if (v === undefined) {
    for (const key of Object.keys(record)) if (key.toLowerCase() === name) v = record[key];
  }
  return Array.isArray(v) ? v.join(',') : v;
}

function set(carrier: CarrierOut, name: string, value: string): void {
  if (typeof (carrier as { set?: unknown }).set === 'function') (carrier as { set(n: string, v: string): void }).set(name, value);
  else (carrier as Record<string, unknown>)[name] = value;
}
