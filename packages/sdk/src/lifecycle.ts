/**
 * Process hooks: a single flush when the event loop empties (`beforeExit`), and opt-in signal
 * handling that flushes and then lets the signal do what it would have done. One listener per
 * event for the whole process, however many clients register, so a process with many clients
 * never trips the max-listeners warning.
 */
import type { ResolvedOptions } from './options.js';
import { DEFAULT_SIGNAL_FLUSH_TIMEOUT_MS } from './options.js';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
type Flush = () => Promise<unknown>;

const onExit = new Set<Flush>();
const onSignal = new Set<Flush>();

function beforeExit(): void {
  // Each registered flush runs once: the flush itself schedules work, after which `beforeExit`
  // fires again, and flushing again would loop forever against a dead backend.
  const flushes = [...onExit];
  onExit.clear();
  process.removeListener('beforeExit', beforeExit);
  for (const f of flushes) void f();
}

function signalled(signal: NodeJS.Signals): void {
  const flushes = [...onSignal];
  onSignal.clear();
  for (const s of SIGNALS) process.removeListener(s, signalled);
  // A ref'd timer keeps the process alive while the flushes run (their own timers are unref'd).
  const keepAlive = setTimeout(() => undefined, DEFAULT_SIGNAL_FLUSH_TIMEOUT_MS + 100);
  void Promise.allSettled(flushes.map((f) => f())).then(() => {
    clearTimeout(keepAlive);
    // Re-raise only when nobody else handles it, so the default action (exit) happens.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

/** Installs the hooks the options ask for; returns a function that removes them. */
export function installProcessHooks(
  options: Pick<ResolvedOptions, 'flushOnBeforeExit' | 'handleSignals' | 'shutdownTimeoutMs'>,
  flush: (timeoutMs: number) => Promise<unknown>,
): () => void {
  const exitFlush: Flush = () => flush(options.shutdownTimeoutMs);
  const signalFlush: Flush = () => flush(Math.min(options.shutdownTimeoutMs, DEFAULT_SIGNAL_FLUSH_TIMEOUT_MS));
  if (options.flushOnBeforeExit) {
    if (onExit.size === 0) process.on('beforeExit', beforeExit);
    onExit.add(exitFlush);
  }
  if (options.handleSignals) {
    if (onSignal.size === 0) for (const s of SIGNALS) process.on(s, signalled);
    onSignal.add(signalFlush);
  }
  return () => {
    if (onExit.delete(exitFlush) && onExit.size === 0) process.removeListener('beforeExit', beforeExit);
    if (onSignal.delete(signalFlush) && onSignal.size === 0) for (const s of SIGNALS) process.removeListener(s, signalled);
  };
}
