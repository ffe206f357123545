/**
 * Process hooks: a single flush when the event loop empties (`beforeExit`), and opt-in signal
 * handling that flushes and then lets the signal do what it would have done. One listener per
 * event for the whole process, however many clients register, so a process with many clients
 * never trips the max-listeners warning.
 */
import type { FlushResult } from './exporter.js';
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
  void keepAliveDuring(flushes);
}

/**
 * Runs the flushes while a ref'd timer keeps the process alive: the exporters' own timers are
 * unref'd (they must never hold a process open), so without it the process would exit before the
 * first batch left. Every flush resolves by its deadline, which bounds the wait.
 */
function keepAliveDuring(flushes: Flush[]): Promise<unknown> {
  const keepAlive = setInterval(() => undefined, 1_000);
  return Promise.allSettled(flushes.map((f) => f())).finally(() => clearInterval(keepAlive));
}

function signalled(signal: NodeJS.Signals): void {
  const flushes = [...onSignal];
  onSignal.clear();
  for (const s of SIGNALS) process.removeListener(s, signalled);
  void keepAliveDuring(flushes).then(() => {
    // Re-raise only when nobody else handles it, so the default action (exit) happens.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

/** Installs the hooks the options ask for; returns a function that removes them. */
export function installProcessHooks(
  options: Pick<ResolvedOptions, 'flushOnBeforeExit' | 'handleSignals' | 'shutdownTimeoutMs'>,
  client: { flush(timeoutMs: number): Promise<FlushResult>; shutdown(timeoutMs: number): Promise<FlushResult> },
): () => void {
  // The loop is empty but the app may still schedule work, so the client stays usable when the
  // flush succeeds. When it misses its deadline, shutting down aborts the requests still in flight
  // (a silent collector would otherwise hold the process until the request timeout) and counts
  // what is left as dropped.
  const exitFlush: Flush = async () => {
    const result = await client.flush(options.shutdownTimeoutMs);
    if (!result.done) await client.shutdown(0);
  };
  // The process is about to die: shut down, which aborts in-flight requests at the deadline.
  const signalFlush: Flush = () => client.shutdown(Math.min(options.shutdownTimeoutMs, DEFAULT_SIGNAL_FLUSH_TIMEOUT_MS));
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
