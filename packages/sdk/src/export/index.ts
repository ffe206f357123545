export { NativeExporter } from './native-exporter.js';
export type { NativeExporterOptions } from './native-exporter.js';
export { OtlpHttpExporter, DEFAULT_MAX_OPEN_SPANS } from './otlp-http-exporter.js';
export type { OtlpHttpExporterOptions } from './otlp-http-exporter.js';
export { ExportPipeline } from './export-pipeline.js';
export type { ExportPipelineOptions } from './export-pipeline.js';
export { systemClock } from './clock.js';
export type { Clock, TimerHandle } from './clock.js';
export type { Transport, TransportRequest, SendOutcome } from './transport.js';
export type { WireFormat, Rejections } from './wire-format.js';
export type { Compression } from './compress-body.js';
export { totalDropped } from './export-stats.js';
export {
  DEFAULT_ENDPOINT,
  DEFAULT_MAX_QUEUE_BYTES,
  DEFAULT_MAX_QUEUE_EVENTS,
  DEFAULT_MAX_BATCH_EVENTS,
  DEFAULT_MAX_BATCH_BYTES,
  DEFAULT_LINGER_MS,
  DEFAULT_MAX_CONCURRENT_REQUESTS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_COMPRESS_ABOVE_BYTES,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_MAX_REQUEST_BYTES,
  DEFAULT_MAX_EVENT_BYTES,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_MAX_RETRY_AGE_MS,
  DEFAULT_BREAKER_FAILURE_THRESHOLD,
  DEFAULT_FLUSH_TIMEOUT_MS,
  DEFAULT_REPORT_INTERVAL_MS,
} from './defaults.js';
