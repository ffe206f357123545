/**
 * Runs user code inside a span and ends the span when the code is done: on return for sync code,
 * on settle for promises, and when iteration finishes for generators. User errors are recorded
 * and re-thrown unchanged; the SDK's own failures never replace the user's result.
 */
import type { AsyncLocalStorage } from 'node:async_hooks';
import type { Span } from './span.js';
import { tracedAsyncGenerator, tracedGenerator } from './traced-generator.js';

export interface RunOptions {
  /** Record the return value (or the yields of a generator) as output. */
  captureOutput: boolean;
  /** End the span when the code is done. */
  endOnExit: boolean;
  /** Called once after the span ended with a promise result; its promise is awaited before resolving. */
  afterEnd?: (() => Promise<unknown>) | undefined;
}

export function runInSpan<R>(context: AsyncLocalStorage<Span>, span: Span, fn: () => R, options: RunOptions): R {
  let result: R;
  try {
    result = context.run(span, fn);
  } catch (err) {
    if (options.endOnExit) endWithError(span, err);
    throw err;
  }
  if (!options.endOnExit) return result;
  try {
    if (isThenable(result)) return settle(span, result, options) as R;
    const tag = Object.prototype.toString.call(result);
    if (tag === '[object AsyncGenerator]') {
      return tracedAsyncGenerator(context, span, result as AsyncGenerator, options.captureOutput) as R;
    }
    if (tag === '[object Generator]') return tracedGenerator(context, span, result as Generator, options.captureOutput) as R;
  } catch {
    // Inspecting an exotic result failed: fall through and end the span with no output.
  }
  span.end(options.captureOutput && result !== undefined ? { output: result } : undefined);
  if (options.afterEnd !== undefined) void options.afterEnd();
  return result;
}

function settle(span: Span, promise: PromiseLike<unknown>, options: RunOptions): Promise<unknown> {
  const after = options.afterEnd;
  return Promise.resolve(promise).then(
    async (value) => {
      span.end(options.captureOutput && value !== undefined ? { output: value } : undefined);
      if (after !== undefined) await after();
      return value;
    },
    async (err: unknown) => {
      endWithError(span, err);
      if (after !== undefined) await after();
      throw err;
    },
  );
}

function endWithError(span: Span, err: unknown): void {
  span.end({ error: err });
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  if (v instanceof Promise) return true;
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
}
