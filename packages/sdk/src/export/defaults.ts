/**
 * Every tuning knob of the export pipeline, resolved once from these constants. Each is documented
 * where it is used (`ExportPipelineOptions`) and in docs/sdk-export.md.
 */
import { DEFAULT_LIMITS } from '@wisp/protocol';

/** Where the native exporter sends when no endpoint is given: the collector's default port. */
export const DEFAULT_ENDPOINT = 'http://127.0.0.1:4318';
/** Queue cap by estimated bytes. */
export const DEFAULT_MAX_QUEUE_BYTES = 64 * 1024 * 1024;
/** Queue cap by count of events. */
export const DEFAULT_MAX_QUEUE_EVENTS = 100_000;
/** A batch leaves when it holds this many events... */
export const DEFAULT_MAX_BATCH_EVENTS = 1_000;
/** ...or this many estimated bytes... */
export const DEFAULT_MAX_BATCH_BYTES = 4 * 1024 * 1024;
/**
 * ...or, when the queued events average at least BIG_PAYLOAD_EVENT_BYTES each, this many estimated
 * bytes. Big payloads (32 KB heads of 100 KB inputs) then leave within milliseconds and die young,
 * instead of lingering long enough to be copied by scavenges and promoted on the app's thread
 * (measured: event-loop delay p99 at 2,000 spans/s × 100 KB, +3.3–3.7 ms with 4 MiB batches, +1.5–1.7 ms
 * with 256 KiB). Small spans still leave 1,000 at a time.
 */
export const BIG_PAYLOAD_BATCH_BYTES = 256 * 1024;
export const BIG_PAYLOAD_EVENT_BYTES = 4 * 1024;
/** ...or when the oldest event has waited this long. */
export const DEFAULT_LINGER_MS = 100;
/** Export requests in flight at once. */
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 4;
/** Per-attempt deadline; the request is aborted when it passes. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Bodies above this many bytes are compressed (on the thread pool). */
export const DEFAULT_COMPRESS_ABOVE_BYTES = 1024;
/** Response bodies are read up to this many bytes; the rest is discarded unread. */
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024;
/** The collector's request limit (after decompression); a request never exceeds it. */
export const DEFAULT_MAX_REQUEST_BYTES = DEFAULT_LIMITS.maxRequestBytes;
/** The collector's event limit; bigger events lose their payloads, or are dropped as `too_large`. */
export const DEFAULT_MAX_EVENT_BYTES = DEFAULT_LIMITS.maxEventBytes;
/** Requests made for one batch before its spans are dropped as `retries_exhausted`. */
export const DEFAULT_MAX_ATTEMPTS = 6;
/** Time since a batch's first attempt after which it is dropped as `retries_exhausted`. */
export const DEFAULT_MAX_RETRY_AGE_MS = 120_000;
/** Consecutive failed requests that open the circuit breaker. */
export const DEFAULT_BREAKER_FAILURE_THRESHOLD = 5;
/** Default flush/shutdown deadline. */
export const DEFAULT_FLUSH_TIMEOUT_MS = 5_000;
/** How often the native exporter reports its own counters to the collector. */
export const DEFAULT_REPORT_INTERVAL_MS = 30_000;
/** Name of the service in self-reports when none is given (OpenTelemetry's convention). */
export const DEFAULT_SERVICE_NAME = 'unknown_service:node';
/** Version reported in `sdk_report` events when the client does not pass its own. */
export const DEFAULT_SDK_VERSION = '0.1.0';
