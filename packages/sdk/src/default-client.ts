/**
 * The process-wide default client and the top-level API over it (`init`, `observe`, `trace`...).
 * Functions wrapped with `observe()` at import time look the client up at call time, so `init()`
 * may run after them.
 */
import type { ActiveSpanOptions, ObserveOptions, TraceOptions } from './client.js';
import { Wisp } from './client.js';
import type { FlushResult } from './exporter.js';
import type { WispOptions } from './options.js';
import type { CarrierIn, CarrierOut } from './propagation.js';
import { extractContext } from './propagation.js';
import type { Span } from './span.js';
import type { SpanAttributes, SpanContext, SpanOptions } from './span-types.js';
import type { WispStats } from './stats.js';

let current: Wisp | undefined;

/**
 * Creates the default client from `options`, the `WISP_*` environment and defaults (in that
 * order), and returns it. Calling it again replaces the client and shuts the previous one down.
 * @example
 * import { init } from '@wisp/sdk';
 * init({ serviceName: 'support-bot', apiKey: process.env.WISP_API_KEY });
 */
export function init(options?: WispOptions): Wisp {
  const previous = current;
  current = new Wisp(options);
  if (previous !== undefined) void previous.shutdown();
  return current;
}

/** The default client; created from the environment on first use when `init()` was not called. */
export function getClient(): Wisp {
  return (current ??= new Wisp());
}

/**
 * Wraps `fn` so each call is a span (child of the active span). Works with sync and async
 * functions and with generators (the span ends when iteration ends).
 * @example
 * const retrieve = observe(async (q: string) => search(q), { name: 'retrieve', kind: 'retriever' });
 */
export function observe<F extends (...args: any[]) => any>(fn: F, options?: ObserveOptions): F {
  if (typeof fn !== 'function') return current === undefined ? fn : current.observe(fn, options);
  let bound: { client: Wisp; wrapped: F } | undefined;
  return function observed(this: unknown, ...args: unknown[]): unknown {
    const client = getClient();
    if (bound?.client !== client) bound = { client, wrapped: client.observe(fn, options) };
    return bound.wrapped.apply(this, args);
  } as F;
}

/**
 * Runs `fn` as the root span of a trace with trace-level attributes.
 * @example
 * await trace('chat', async () => agent.run(msg), { userId, sessionId, tags: ['prod'], input: msg });
 */
export function trace<R>(name: string, fn: (span: Span) => R, options?: TraceOptions): R {
  return getClient().trace(name, fn, options);
}

/**
 * Starts a span that you end yourself with `span.end()`.
 * @example const span = startSpan('parse'); try { ... } finally { span.end(); }
 */
export function startSpan(name: string, options?: SpanOptions): Span {
  return getClient().startSpan(name, options);
}

/** Starts a generation (model call) span that you end yourself. */
export function startGeneration(name: string, options?: SpanOptions): Span {
  return getClient().startGeneration(name, options);
}

/**
 * Runs `fn(span)` with a new active span, ended when `fn` is done (unless `endOnExit: false`).
 * @example await startActiveSpan('rerank', async (span) => rerank(docs));
 */
export function startActiveSpan<R>(name: string, fn: (span: Span) => R, options?: ActiveSpanOptions): R {
  return getClient().startActiveSpan(name, fn, options);
}

/** Records a point-in-time event under the active span. */
export function event(name: string, attributes?: SpanAttributes): void {
  getClient().event(name, attributes);
}

/** The active span of the default client, or `undefined` outside a span. */
export function getActiveSpan(): Span | undefined {
  return current?.getActiveSpan();
}

/** Binds `fn` to the current span (for event-emitter callbacks and the like). */
export function bind<F extends (...args: any[]) => any>(fn: F): F {
  return current === undefined ? fn : current.bind(fn);
}

/**
 * Writes `traceparent` (and `tracestate`) of the active span into outgoing headers.
 * @example const headers: Record<string, string> = {}; inject(headers); await fetch(url, { headers });
 */
export function inject(carrier: CarrierOut, span?: SpanContext): void {
  current?.inject(carrier, span);
}

/**
 * Reads a remote span context from incoming headers, for `trace(..., { parent })`.
 * @example trace('handle', fn, { parent: extract(req.headers) })
 */
export function extract(carrier: CarrierIn | null | undefined): SpanContext | undefined {
  try {
    return extractContext(carrier);
  } catch {
    return undefined;
  }
}

/** Flushes the default client; resolves (never rejects) by the deadline. */
export function flush(timeoutMs?: number): Promise<FlushResult> {
  return current === undefined ? Promise.resolve({ done: true, remaining: 0, elapsedMs: 0 }) : current.flush(timeoutMs);
}

/** Flushes and stops the default client; resolves (never rejects) by the deadline. */
export function shutdown(timeoutMs?: number): Promise<FlushResult> {
  return current === undefined ? Promise.resolve({ done: true, remaining: 0, elapsedMs: 0 }) : current.shutdown(timeoutMs);
}

/** Accounting of the default client. */
export function stats(): WispStats {
  return getClient().stats();
}
