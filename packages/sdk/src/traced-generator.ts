/**
 * Generators returned by observed functions: each step runs inside the span's context (so spans
 * started between yields nest correctly, which OpenTelemetry JS issue #2951 shows is easy to get
 * wrong) and the span ends when iteration finishes, fails or is abandoned with `return()`.
 * Yields are captured boundedly: strings are concatenated up to a cap, other values kept up to a count.
 */
import type { AsyncLocalStorage } from 'node:async_hooks';
import type { Span } from './span.js';

/** Non-string yields kept as output; the rest are counted only. */
export const MAX_CAPTURED_YIELDS = 100;
/** Characters of string yields kept as output. */
export const MAX_CAPTURED_TEXT = 256 * 1024;

class YieldCapture {
  private text = '';
  private items: unknown[] = [];
  private onlyStrings = true;
  private count = 0;

  constructor(private readonly enabled: boolean) {}

  add(v: unknown): void {
    this.count++;
    if (!this.enabled) return;
    if (typeof v === 'string' && this.onlyStrings) {
      if (this.text.length < MAX_CAPTURED_TEXT) this.text += v;
    } else {
      this.onlyStrings = false;
    }
    if (this.items.length < MAX_CAPTURED_YIELDS) this.items.push(v);
  }

  output(returned: unknown): unknown {
    if (!this.enabled) return undefined;
    if (this.count === 0) return returned;
    if (this.onlyStrings) return this.text;
    return this.count > this.items.length ? [...this.items, `[${this.count - this.items.length} more yields]`] : this.items;
  }
}

export function tracedAsyncGenerator<T, R, N>(
  context: AsyncLocalStorage<Span>,
  span: Span,
  gen: AsyncGenerator<T, R, N>,
  captureOutput: boolean,
): AsyncGenerator<T, R, N> {
  const capture = new YieldCapture(captureOutput);
  const isGeneration = span.kind === 'generation';
  const step = (call: () => Promise<IteratorResult<T, R>>): Promise<IteratorResult<T, R>> =>
    context.run(span, call).then(
      (r) => {
        if (r.done === true) {
          if (!span.ended) span.end(captureOutput ? { output: capture.output(r.value) } : undefined);
        } else {
          capture.add(r.value);
          if (isGeneration) span.recordChunk();
        }
        return r;
      },
      (err: unknown) => {
        if (!span.ended) span.end({ error: err });
        throw err;
      },
    );
  const wrapped: AsyncGenerator<T, R, N> = {
    next: (...args: [] | [N]) => step(() => gen.next(...args)),
    return: (value: R | PromiseLike<R>) => step(() => gen.return(value)),
    throw: (err: unknown) => step(() => gen.throw(err)),
    [Symbol.asyncIterator]() {
      return wrapped;
    },
  } as AsyncGenerator<T, R, N>;
  return wrapped;
}

export function tracedGenerator<T, R, N>(
  context: AsyncLocalStorage<Span>,
  span: Span,
  gen: Generator<T, R, N>,
  captureOutput: boolean,
): Generator<T, R, N> {
  const capture = new YieldCapture(captureOutput);
  const step = (call: () => IteratorResult<T, R>): IteratorResult<T, R> => {
    let r: IteratorResult<T, R>;
    try {
      r = context.run(span, call);
    } catch (err) {
      if (!span.ended) span.end({ error: err });
      throw err;
    }
    if (r.done === true) {
      if (!span.ended) span.end(captureOutput ? { output: capture.output(r.value) } : undefined);
    } else {
      capture.add(r.value);
    }
    return r;
  };
  const wrapped: Generator<T, R, N> = {
    next: (...args: [] | [N]) => step(() => gen.next(...args)),
    return: (value: R) => step(() => gen.return(value)),
    throw: (err: unknown) => step(() => gen.throw(err)),
    [Symbol.iterator]() {
      return wrapped;
    },
  } as Generator<T, R, N>;
  return wrapped;
}
