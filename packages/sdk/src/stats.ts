/**
 * What `client.stats()` reports: the accounting of every exporter, a summary of the first one at
 * the top level, spans sampled out, and diagnostics by code.
 */
import type { DiagnosticCode } from './diagnostics.js';
import type { ExporterStats, SpanExporter } from './exporter.js';

/**
 * The accounting of a client. The top-level counters are those of the first exporter (the one
 * that matters in most apps); `exporters` has every exporter's, in order.
 * For each exporter, at every instant: `created = sent + queued + inFlight + sum(dropped)`.
 */
export interface WispStats extends ExporterStats {
  /** Spans not recorded because their trace was sampled out (counted when they start). */
  sampledOut: number;
  exporters: ExporterStats[];
  /** SDK diagnostics by code (API misuse, mask failures, exporter failures...). */
  diagnostics: Partial<Record<DiagnosticCode, number>>;
}

/** Stats of an exporter that has counted nothing. */
export function emptyExporterStats(): ExporterStats {
  return {
    created: 0,
    sent: 0,
    queued: 0,
    inFlight: 0,
    dropped: {},
    failedRequests: {},
    events: { enqueued: 0, merged: 0, payloadsShed: 0, auxDropped: 0 },
    queuedBytes: 0,
    circuit: 'closed',
  };
}

export function summarizeStats(
  exporters: readonly SpanExporter[],
  sampledOut: number,
  diagnostics: Partial<Record<DiagnosticCode, number>>,
  report: (code: DiagnosticCode, message: string, error?: unknown) => void,
): WispStats {
  const all = exporters.map((e) => {
    try {
      return e.stats();
    } catch (err) {
      report('exporter_failed', 'an exporter threw from stats()', err);
      return emptyExporterStats();
    }
  });
  const first = all[0] ?? emptyExporterStats();
  return { ...first, sampledOut, exporters: all, diagnostics: { ...diagnostics } };
}
