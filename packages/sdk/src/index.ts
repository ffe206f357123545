/**
 * `@wisp/sdk`: Wisp's tracing SDK for Node.js. See docs/sdk.md.
 */
export const SDK_VERSION = '0.1.0';

export {
  init,
  getClient,
  observe,
  trace,
  startSpan,
  startGeneration,
  startActiveSpan,
  event,
  getActiveSpan,
  bind,
  inject,
  extract,
  flush,
  shutdown,
  stats,
} from './default-client.js';
export { Wisp } from './client.js';
export type { ObserveOptions, TraceOptions, ActiveSpanOptions } from './client.js';
export { Span } from './span.js';
export type { SpanContext, SpanAttributes, SpanEndOptions, SpanOptions, TraceAttributesInput } from './span-types.js';
export type { WispOptions, ResolvedOptions, ExportTuning } from './options.js';
export {
  resolveOptions,
  DEFAULT_ENDPOINT,
  DEFAULT_SERVICE_NAME,
  DEFAULT_SAMPLE_RATE,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  DEFAULT_ROOT_FLUSH_TIMEOUT_MS,
  TUNING_ENV,
} from './options.js';
export type { WispStats } from './stats.js';
export type { Diagnostic, DiagnosticCode, InternalErrorHandler } from './diagnostics.js';
export type { MaskFunction, MaskContext } from './masking.js';
export type { SnapshotLimits, Snapshot } from './snapshot.js';
export { snapshot, DEFAULT_SNAPSHOT_LIMITS } from './snapshot.js';
export { REDACTED } from './redaction.js';
export { formatTraceparent, parseTraceparent } from './propagation.js';
export type { CarrierIn, CarrierOut } from './propagation.js';
export { ConsoleExporter } from './console-exporter.js';
export type { ConsoleExporterOptions } from './console-exporter.js';
export type { SpanExporter, ExporterStats, FlushResult, DropReason } from './exporter.js';
export { NativeExporter, OtlpHttpExporter } from './export/index.js';
export type { NativeExporterOptions, OtlpHttpExporterOptions } from './export/index.js';
