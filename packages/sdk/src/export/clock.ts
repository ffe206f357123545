/**
 * Time as a seam: the pipeline never calls `setTimeout` or `Date.now` directly, so batching,
 * backoff and the circuit breaker are tested with fake time (see `fake-clock.ts`).
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Monotonic milliseconds; only differences are meaningful. */
  now(): number;
  /** Wall-clock epoch milliseconds (for event timestamps). */
  wallNow(): number;
  /**
   * Calls `fn` after `ms` (0 means "on a later turn of the event loop, after I/O").
   * Timers never keep the process alive.
   */
  setTimer(fn: () => void, ms: number): TimerHandle;
}

const NO_TIMER: TimerHandle = { cancel() {} };

export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  setTimer(fn, ms) {
    if (ms <= 0) {
      // setImmediate runs after pending I/O callbacks, so a full batch never starves the app's I/O.
      const handle = setImmediate(fn);
      handle.unref();
      return { cancel: () => clearImmediate(handle) };
    }
    const handle = setTimeout(fn, ms);
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};

/** Resolves after `ms`, or at once (with `false`) when `signal` aborts. Never rejects. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    let timer = NO_TIMER;
    const onAbort = () => {
      timer.cancel();
      resolve(false);
    };
    timer = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
