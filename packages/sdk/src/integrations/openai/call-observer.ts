/**
 * Watches what a wrapped `create` returned, without changing it, and ends the span with it.
 *
 * The OpenAI client returns an `APIPromise`: a Promise subclass that reads the HTTP body only when
 * someone awaits it (`parse()`), and that also offers the raw `Response` (`asResponse()`,
 * `withResponse()`). Awaiting it from here would read the body of callers that only wanted the raw
 * response, so the observer hooks `parse` on the instance instead (every `then`, `catch`, `finally`
 * and `withResponse` goes through it), and `_thenUnwrap` so promises derived by the client's helpers
 * are watched too. Other thenables are observed with `then`; plain values at once.
 */
import type { Span } from '../../span.js';
import type { Report } from '../client-hooks.js';
import { failedEnd } from './api-failure.js';
import type { Operation } from './operation.js';
import { instrumentStream } from './traced-stream.js';

interface ApiPromiseLike {
  parse(): PromiseLike<unknown>;
  asResponse?: (...args: unknown[]) => PromiseLike<unknown>;
  _thenUnwrap?: (...args: unknown[]) => unknown;
}

export class CallObserver {
  private settled = false;
  private parsing = false;

  constructor(
    private readonly span: Span,
    private readonly operation: Operation,
    private readonly streamed: boolean,
    private readonly captureOutput: boolean,
    private readonly report: Report,
  ) {}

  /** Starts watching `result` and returns it unchanged. */
  attach<R>(result: R): R {
    try {
      if (isApiPromise(result)) this.hookApiPromise(result);
      else if (isThenable(result)) {
        result.then(
          (value) => this.succeed(value),
          (err: unknown) => this.fail(err),
        );
      } else this.succeed(result);
    } catch (err) {
      this.report('internal', 'openai: watching a call failed; the call is not traced', err);
      this.endQuietly();
    }
    return result;
  }

  /** The call threw before returning anything. */
  fail(err: unknown): void {
    if (this.settled) return;
    this.settled = true;
    try {
      this.span.end(failedEnd(err));
    } catch (e) {
      this.report('internal', 'openai: recording a failed call failed', e);
    }
  }

  private succeed(value: unknown): void {
    if (this.settled) return;
    this.settled = true;
    try {
      if (this.streamed && value !== null && typeof value === 'object') {
        const accumulator = this.operation.stream(this.captureOutput);
        if (instrumentStream(value, this.span, accumulator, this.report)) return;
      }
      this.span.end(this.operation.response(value, this.captureOutput));
    } catch (err) {
      this.report('internal', 'openai: recording a call result failed', err);
      this.endQuietly();
    }
  }

  private hookApiPromise(p: ApiPromiseLike): void {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const observer = this;
    const parse = p.parse;
    define(p, 'parse', function (this: unknown, ...args: unknown[]) {
      const parsed = (parse as (...a: unknown[]) => PromiseLike<unknown>).apply(this, args);
      observer.watchParsed(parsed);
      return parsed;
    });
    const unwrap = p._thenUnwrap;
    if (typeof unwrap === 'function') {
      define(p, '_thenUnwrap', function (this: unknown, ...args: unknown[]) {
        const derived = unwrap.apply(this, args);
        try {
          if (isApiPromise(derived)) observer.hookApiPromise(derived);
        } catch (err) {
          observer.report('internal', 'openai: watching a derived promise failed', err);
        }
        return derived;
      });
    }
    const asResponse = p.asResponse;
    if (typeof asResponse === 'function') {
      define(p, 'asResponse', function (this: unknown, ...args: unknown[]) {
        const raw = asResponse.apply(this, args);
        observer.watchRaw(raw);
        return raw;
      });
    }
  }

  private watchParsed(parsed: PromiseLike<unknown>): void {
    if (this.parsing || this.settled) return;
    this.parsing = true;
    try {
      // Registered before the promise reaches the caller: a stream is instrumented before any
      // caller code can read it.
      parsed.then(
        (value) => this.succeed(value),
        (err: unknown) => this.fail(err),
      );
    } catch (err) {
      this.report('internal', 'openai: watching a response failed', err);
      this.endQuietly();
    }
  }

  /**
   * The caller took the raw `Response` and reads the body itself: the span ends when the response
   * arrives, with its HTTP status (unless the body is parsed by the client too, which then ends it).
   */
  private watchRaw(raw: PromiseLike<unknown>): void {
    if (this.settled) return;
    try {
      raw.then(
        (response) => {
          if (this.parsing || this.settled) return;
          this.settled = true;
          const status = (response as { status?: unknown } | null)?.status;
          this.span.end({ metadata: { rawResponse: true, ...(typeof status === 'number' ? { 'http.status': status } : {}) } });
        },
        (err: unknown) => {
          if (!this.parsing) this.fail(err);
        },
      );
    } catch (err) {
      this.report('internal', 'openai: watching a raw response failed', err);
    }
  }

  private endQuietly(): void {
    this.settled = true;
    if (!this.span.ended) this.span.end();
  }
}

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
}

function isApiPromise(v: unknown): v is ApiPromiseLike {
  return isThenable(v) && typeof (v as { parse?: unknown }).parse === 'function';
}
