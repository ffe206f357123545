/**
 * `flush()` and `shutdown()` over several exporters: in parallel, each guarded, all bounded by one
 * deadline even if an exporter misbehaves (throws, rejects or never settles).
 */
import type { DiagnosticCode } from './diagnostics.js';
import type { FlushResult, SpanExporter } from './exporter.js';

type Report = (code: DiagnosticCode, message: string, error?: unknown) => void;

/**
 * Exporters get the deadline minus this margin, so that after their own timer fires they still have
 * time to abort requests and count what was left before the caller's deadline: `flush()` and
 * `shutdown()` must never outlive it, and timers fire a few milliseconds late.
 */
const EXPORTER_MARGIN_MS = 25;
/** The guard resolves this much before the deadline, to absorb its own timer's lateness. */
const GUARD_EARLY_MS = 3;

export async function fanOutFlush(
  exporters: readonly SpanExporter[],
  method: 'flush' | 'shutdown',
  timeoutMs: number,
  report: Report,
): Promise<FlushResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, timeoutMs - GUARD_EARLY_MS), undefined);
    timer.unref();
  });
  const results = await Promise.all(
    exporters.map((exporter) => {
      let call: Promise<FlushResult>;
      try {
        call = Promise.resolve(exporter[method](Math.max(0, timeoutMs - EXPORTER_MARGIN_MS)));
      } catch (err) {
        report('exporter_failed', `an exporter threw from ${method}()`, err);
        return undefined;
      }
      const guarded = call.catch((err: unknown) => {
        report('exporter_failed', `an exporter rejected ${method}()`, err);
        return undefined;
      });
      return Promise.race([guarded, deadline]);
    }),
  );
  clearTimeout(timer);
  let done = true;
  let remaining = 0;
  for (let i = 0; i < results.length; i++) {
    const r = results[i];
    if (r === undefined || typeof r !== 'object') {
      done = false;
      remaining += queuedOf(exporters[i]!);
      continue;
    }
    done &&= r.done === true;
    remaining += typeof r.remaining === 'number' ? r.remaining : 0;
  }
  return { done, remaining, elapsedMs: Math.round(performance.now() - started) };
}

function queuedOf(exporter: SpanExporter): number {
  try {
    const s = exporter.stats();
    return s.queued + s.inFlight;
  } catch {
    return 0;
  }
}
