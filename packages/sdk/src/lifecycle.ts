/**
 * Process hooks: a single flush when the event loop empties (`beforeExit`), and opt-in signal
 * handling that flushes and then lets the signal do what it would have done.
 */
import type { ResolvedOptions } from './options.js';
import { DEFAULT_SIGNAL_FLUSH_TIMEOUT_MS } from './options.js';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Installs the hooks the options ask for; returns a function that removes them. */
export function installProcessHooks(
  options: Pick<ResolvedOptions, 'flushOnBeforeExit' | 'handleSignals' | 'shutdownTimeoutMs'>,
  flush: (timeoutMs: number) => Promise<unknown>,
): () => void {
  const removers: Array<() => void> = [];
  if (options.flushOnBeforeExit) {
    // `once`: the flush itself schedules work, after which `beforeExit` fires again; a second
    // flush would loop forever on a dead backend.
    const onBeforeExit = () => void flush(options.shutdownTimeoutMs);
    process.once('beforeExit', onBeforeExit);
    removers.push(() => process.removeListener('beforeExit', onBeforeExit));
  }
  if (options.handleSignals) {
    const onSignal = (signal: NodeJS.Signals) => {
      for (const s of SIGNALS) process.removeListener(s, onSignal);
      // A ref'd timer keeps the process alive while the flush runs (its own timers are unref'd).
      const keepAlive = setTimeout(() => undefined, DEFAULT_SIGNAL_FLUSH_TIMEOUT_MS + 100);
      void flush(Math.min(options.shutdownTimeoutMs, DEFAULT_SIGNAL_FLUSH_TIMEOUT_MS)).finally(() => {
        clearTimeout(keepAlive);
        // Re-raise only when nobody else handles it, so the default action (exit) happens.
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    };
    for (const s of SIGNALS) process.on(s, onSignal);
    removers.push(() => {
      for (const s of SIGNALS) process.removeListener(s, onSignal);
    });
  }
  return () => {
    for (const r of removers) r();
  };
}
