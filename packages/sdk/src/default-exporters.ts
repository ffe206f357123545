/**
 * The exporters a client uses when the app gives none: the native exporter to `endpoint`, with the
 * tuning knobs resolved by the client and its internal errors routed to the client's diagnostics.
 */
import type { DiagnosticCode } from './diagnostics.js';
import { NativeExporter } from './export/index.js';
import type { SpanExporter } from './exporter.js';
import type { ResolvedOptions } from './options.js';
import { TUNING_ENV } from './options.js';

export function createDefaultExporters(
  options: ResolvedOptions,
  report: (code: DiagnosticCode, message: string, error?: unknown) => void,
): SpanExporter[] {
  const tuning: Record<string, number> = {};
  for (const key of Object.keys(TUNING_ENV) as Array<keyof typeof TUNING_ENV>) {
    const v = options[key];
    if (v !== undefined) tuning[key] = v;
  }
  try {
    return [
      new NativeExporter({
        ...options.exporterOptions,
        ...tuning,
        ...(options.compression !== undefined ? { compression: options.compression } : {}),
        endpoint: options.endpoint,
        ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
        serviceName: options.serviceName,
        flushTimeoutMs: options.shutdownTimeoutMs,
        onError: (err: unknown) => report('exporter_failed', 'export pipeline error', err),
      }),
    ];
  } catch (err) {
    report('exporter_failed', 'could not create the native exporter; spans will not be exported', err);
    return [];
  }
}
