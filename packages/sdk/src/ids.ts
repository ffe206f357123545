/**
 * Trace and span ids (W3C trace context: 32 and 16 lowercase hex characters, never all zero).
 * Ids are cut from a pre-filled pool of random hex so that the hot path makes no crypto call per
 * id: one `randomBytes` call refills the pool every few thousand spans.
 */
import { randomBytes } from 'node:crypto';

/** Random bytes per refill: 32 KiB gives 2,048 span ids or 1,024 trace ids. */
const POOL_BYTES = 32 * 1024;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

let pool = '';
let offset = 0;

function take(chars: number): string {
  if (offset + chars > pool.length) {
    pool = randomBytes(POOL_BYTES).toString('hex');
    offset = 0;
  }
  const id = pool.slice(offset, offset + chars);
  offset += chars;
  return id;
}

/** A new trace id: 32 lowercase hex characters, not all zero. */
export function newTraceId(): string {
  let id = take(32);
  while (id === ZERO_TRACE) id = take(32);
  return id;
}

/** A new span id: 16 lowercase hex characters, not all zero. */
export function newSpanId(): string {
  let id = take(16);
  while (id === ZERO_SPAN) id = take(16);
  return id;
}

const TRACE_ID_RE = /^[0-9a-f]{32}$/;
const SPAN_ID_RE = /^[0-9a-f]{16}$/;

export function isValidTraceId(id: unknown): id is string {
  return typeof id === 'string' && TRACE_ID_RE.test(id) && id !== ZERO_TRACE;
}

export function isValidSpanId(id: unknown): id is string {
  return typeof id === 'string' && SPAN_ID_RE.test(id) && id !== ZERO_SPAN;
}
