/**
 * Streams returned by the client stay the objects the app expects (same prototype, `controller`,
 * `tee()`, `toReadableStream()`): only the function that makes their async iterator is replaced,
 * on the instance, by one whose iterator hands each item back unchanged after counting it. The
 * generation ends when iteration finishes, fails, or is stopped early (`break`, `return()`).
 */
import type { Span } from '../../span.js';
import { failedEnd } from './api-failure.js';
import type { Report } from '../client-hooks.js';
import type { StreamAccumulator } from './operation.js';

type IteratorFactory = (this: unknown, ...args: unknown[]) => AsyncIterator<unknown>;

/**
 * Instruments `stream` in place; false when it has no async iterator to wrap (the caller then ends
 * the span itself). OpenAI's `Stream` keeps its iterator factory in an own `iterator` property that
 * `[Symbol.asyncIterator]`, `tee()` and `toReadableStream()` all call, so wrapping it covers every
 * way of reading the stream; other async iterables get an own `[Symbol.asyncIterator]`.
 */
export function instrumentStream(stream: object, span: Span, accumulator: StreamAccumulator, report: Report): boolean {
  const key: PropertyKey = Object.hasOwn(stream, 'iterator') && typeof (stream as { iterator?: unknown }).iterator === 'function'
    ? 'iterator'
    : Symbol.asyncIterator;
  const original = (stream as Record<PropertyKey, unknown>)[key];
  if (typeof original !== 'function') return false;
  const descriptor = Object.getOwnPropertyDescriptor(stream, key);
  let used = false;
  const wrapped: IteratorFactory = function (this: unknown, ...args: unknown[]) {
    const iterator = (original as IteratorFactory).apply(this, args);
    // A stream is read once; a second read fails in the client as it would unwrapped.
    if (used) return iterator;
    used = true;
    try {
      return tracedIterator(iterator, span, accumulator, report);
    } catch (err) {
      report('internal', 'openai: instrumenting a stream failed; it is read untraced', err);
      return iterator;
    }
  };
  Object.defineProperty(stream, key, {
    value: wrapped,
    writable: descriptor?.writable ?? true,
    enumerable: descriptor?.enumerable ?? false,
    configurable: true,
  });
  return true;
}

function tracedIterator(
  iterator: AsyncIterator<unknown>,
  span: Span,
  accumulator: StreamAccumulator,
  report: Report,
): AsyncIterator<unknown> & AsyncIterable<unknown> {
  const finish = (extra?: { error?: unknown; closedEarly?: boolean }): void => {
    if (span.ended) return;
    try {
      const end = accumulator.result();
      if (extra?.closedEarly === true) end.metadata = { ...end.metadata, streamClosedEarly: true };
      if (extra?.error !== undefined) {
        const failed = failedEnd(extra.error);
        end.error = failed.error;
        if (failed.metadata !== undefined) end.metadata = { ...end.metadata, ...failed.metadata };
      }
      span.end(end);
    } catch (err) {
      report('internal', 'openai: ending a streamed generation failed', err);
      if (!span.ended) span.end();
    }
  };
  const onItem = (r: IteratorResult<unknown>): IteratorResult<unknown> => {
    try {
      if (r === null || typeof r !== 'object' || r.done === true) finish();
      else if (accumulator.add(r.value)) span.recordChunk();
    } catch (err) {
      report('internal', 'openai: recording a stream chunk failed', err);
    }
    return r;
  };
  const onError = (err: unknown): never => {
    finish({ error: err });
    throw err;
  };
  const call = (
    fn: ((...a: any[]) => Promise<IteratorResult<unknown>>) | undefined,
    args: unknown[],
    onDone: (r: IteratorResult<unknown>) => IteratorResult<unknown>,
  ): Promise<IteratorResult<unknown>> => {
    let pending: Promise<IteratorResult<unknown>>;
    try {
      pending = fn!.apply(iterator, args);
    } catch (err) {
      finish({ error: err });
      throw err;
    }
    return Promise.resolve(pending).then(onDone, onError);
  };
  const closed = (r: IteratorResult<unknown>): IteratorResult<unknown> => {
    finish({ closedEarly: true });
    return r;
  };
  const traced = {
    next: (...args: unknown[]) => call(iterator.next, args, onItem),
    [Symbol.asyncIterator]() {
      return traced;
    },
  } as AsyncIterator<unknown> & AsyncIterable<unknown>;
  // Only the methods the original has, so `for await` behaves exactly as it would unwrapped.
  if (typeof iterator.return === 'function') traced.return = (...args: unknown[]) => call(iterator.return, args, closed);
  if (typeof iterator.throw === 'function') traced.throw = (...args: unknown[]) => call(iterator.throw, args, onItem);
  return traced;
}
