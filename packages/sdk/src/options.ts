/**
 * Client options and their resolution: argument > environment (`WISP_*`) > default, in one place.
 */
import type { InternalErrorHandler } from './diagnostics.js';
import type { Compression, NativeExporterOptions } from './export/index.js';
import { isCompression } from './export/compress-body.js';
import type { SpanExporter } from './exporter.js';
import type { MaskFunction } from './masking.js';
import type { SnapshotLimits } from './snapshot.js';
import { DEFAULT_SNAPSHOT_LIMITS } from './snapshot.js';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:4318';
export const DEFAULT_SERVICE_NAME = 'unknown_service:node';
export const DEFAULT_SAMPLE_RATE = 1;
/** Deadline of `flush()`/`shutdown()` when none is given, and of the flush on `beforeExit`. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5_000;
/** Deadline of the flush that `flushOnRootEnd` awaits when a root span ends. */
export const DEFAULT_ROOT_FLUSH_TIMEOUT_MS = 2_000;
/** Deadline of the flush before a signal is re-raised (`handleSignals`). */
export const DEFAULT_SIGNAL_FLUSH_TIMEOUT_MS = 2_000;

/** Tuning knobs passed through to the default exporter; read from `WISP_*` when not given. */
export interface ExportTuning {
  /** `WISP_MAX_QUEUE_BYTES` */
  maxQueueBytes?: number;
  /** `WISP_MAX_QUEUE_EVENTS` */
  maxQueueEvents?: number;
  /** `WISP_MAX_BATCH_EVENTS` */
  maxBatchEvents?: number;
  /** `WISP_MAX_BATCH_BYTES` */
  maxBatchBytes?: number;
  /** `WISP_LINGER_MS` */
  lingerMs?: number;
  /** `WISP_MAX_CONCURRENT_REQUESTS` */
  maxConcurrentRequests?: number;
  /** `WISP_REQUEST_TIMEOUT_MS` */
  requestTimeoutMs?: number;
}

/** Env variable of each tuning knob. */
export const TUNING_ENV: Readonly<Record<keyof ExportTuning, string>> = {
  maxQueueBytes: 'WISP_MAX_QUEUE_BYTES',
  maxQueueEvents: 'WISP_MAX_QUEUE_EVENTS',
  maxBatchEvents: 'WISP_MAX_BATCH_EVENTS',
  maxBatchBytes: 'WISP_MAX_BATCH_BYTES',
  lingerMs: 'WISP_LINGER_MS',
  maxConcurrentRequests: 'WISP_MAX_CONCURRENT_REQUESTS',
  requestTimeoutMs: 'WISP_REQUEST_TIMEOUT_MS',
};

/** Options of `init()` and `new Wisp()`. Every field is optional. */
export interface WispOptions extends ExportTuning {
  /** `false` makes the client a true no-op. Env `WISP_ENABLED` (`false`/`0`/`no`/`off`). @default true */
  enabled?: boolean;
  /** Collector URL for the default exporter. Env `WISP_ENDPOINT`. @default 'http://127.0.0.1:4318' */
  endpoint?: string;
  /** Project API key. Env `WISP_API_KEY`. */
  apiKey?: string;
  /** Name of this service on every span. Env `WISP_SERVICE_NAME`. @default 'unknown_service:node' */
  serviceName?: string;
  /** Default `environment` of every trace. Env `WISP_ENVIRONMENT`. */
  environment?: string;
  /** Default `release` of every trace. Env `WISP_RELEASE`. */
  release?: string;
  /** Fraction of traces kept, decided at the root from the trace id. Env `WISP_SAMPLE_RATE`. @default 1 */
  sampleRate?: number;
  /**
   * Body compression of the default exporter: `br` (brotli, the cheapest in CPU), `gzip` or `none`.
   * Env `WISP_COMPRESSION`. @default 'br'
   */
  compression?: Compression;
  /** Where spans go. @default [the native exporter to `endpoint`] */
  exporters?: SpanExporter[];
  /**
   * Further options of the default native exporter (retries, gzip, headers...): see docs/sdk.md.
   * The tuning knobs above and `endpoint`/`apiKey`/`serviceName` take precedence.
   */
  exporterOptions?: NativeExporterOptions;
  /** Capture function arguments as input in `observe()`. @default true */
  captureInput?: boolean;
  /** Capture return values as output in `observe()`. @default true */
  captureOutput?: boolean;
  /** Built-in redaction of secrets (see docs/sdk.md). @default true */
  redact?: boolean;
  /** Masking hook, run on every captured value after redaction. */
  mask?: MaskFunction;
  /** Caps of captured values. @default { maxDepth: 16, maxBreadth: 1000, maxStringLength: 32768, maxBytes: 262144 } */
  snapshotLimits?: Partial<SnapshotLimits>;
  /** Serverless: `trace()` awaits a flush after its root span ends. Env `WISP_FLUSH_ON_ROOT_END`. @default false */
  flushOnRootEnd?: boolean;
  /** Deadline of that flush. @default 2000 */
  rootFlushTimeoutMs?: number;
  /** Deadline of `flush()`/`shutdown()` without argument and of the `beforeExit` flush. @default 5000 */
  shutdownTimeoutMs?: number;
  /**
   * Flush once when the event loop empties (`beforeExit`), keeping the process alive until done or
   * `shutdownTimeoutMs`; past that deadline the client shuts down (aborting requests in flight).
   * @default true
   */
  flushOnBeforeExit?: boolean;
  /** Shut down (flushing, at most 2 s) on SIGTERM/SIGINT, then re-raise the signal. Env `WISP_HANDLE_SIGNALS`. @default false */
  handleSignals?: boolean;
  /** Receives SDK diagnostics (rate-limited per code). @default a `console.warn` line */
  onInternalError?: InternalErrorHandler;
}

/** Options after resolution: every field has its final value. */
export interface ResolvedOptions extends ExportTuning {
  enabled: boolean;
  endpoint: string;
  apiKey: string | undefined;
  serviceName: string;
  environment: string | undefined;
  release: string | undefined;
  sampleRate: number;
  /** Undefined when neither the option nor `WISP_COMPRESSION` says (the exporter's default). */
  compression: Compression | undefined;
  exporters: SpanExporter[] | undefined;
  exporterOptions: NativeExporterOptions | undefined;
  captureInput: boolean;
  captureOutput: boolean;
  redact: boolean;
  mask: MaskFunction | undefined;
  snapshotLimits: SnapshotLimits;
  flushOnRootEnd: boolean;
  rootFlushTimeoutMs: number;
  shutdownTimeoutMs: number;
  flushOnBeforeExit: boolean;
  handleSignals: boolean;
  onInternalError: InternalErrorHandler | undefined;
  /** Problems found while resolving (bad env values...), reported once the client exists. */
  warnings: string[];
}

type Env = Record<string, string | undefined>;

/** Resolves options: argument > environment > default. Never throws; bad values become warnings. */
export function resolveOptions(options: WispOptions | undefined, env: Env = process.env): ResolvedOptions {
  const o: WispOptions = options !== null && typeof options === 'object' ? options : {};
  const warnings: string[] = [];
  if (options !== undefined && o !== options) warnings.push('options must be an object; using defaults');
  const pick = <T>(name: keyof WispOptions, parse: (raw: string) => T | undefined, envName: string | undefined, fallback: T, check: (v: unknown) => v is T): T => {
    const arg = o[name];
    if (arg !== undefined) {
      if (check(arg)) return arg;
      warnings.push(`option ${name} has an invalid value; ignored`);
    }
    const raw = envName === undefined ? undefined : env[envName];
    if (raw !== undefined && raw !== '') {
      const v = parse(raw);
      if (v !== undefined) return v;
      warnings.push(`${envName}=${JSON.stringify(raw)} is not valid; ignored`);
    }
    return fallback;
  };
  const str = (name: keyof WispOptions, envName: string | undefined, fallback: string) =>
    pick(name, (s) => s, envName, fallback, isString);
  const optStr = (name: keyof WispOptions, envName: string) => {
    const v = str(name, envName, '');
    return v === '' ? undefined : v;
  };
  const bool = (name: keyof WispOptions, envName: string | undefined, fallback: boolean) =>
    pick(name, parseBool, envName, fallback, isBoolean);
  const positive = (name: keyof WispOptions, fallback: number) =>
    pick(name, parsePositive, undefined, fallback, isPositive);

  const sampleRate = pick('sampleRate', parseRate, 'WISP_SAMPLE_RATE', DEFAULT_SAMPLE_RATE, isRate);
  const tuning: ExportTuning = {};
  for (const key of Object.keys(TUNING_ENV) as Array<keyof ExportTuning>) {
    const v = pick(key, parsePositive, TUNING_ENV[key], undefined, isPositive);
    if (v !== undefined) tuning[key] = v;
  }
  const exporters = Array.isArray(o.exporters) ? o.exporters : undefined;
  if (o.exporters !== undefined && exporters === undefined) warnings.push('option exporters must be an array; using the default');
  const limits = o.snapshotLimits !== null && typeof o.snapshotLimits === 'object' ? o.snapshotLimits : {};
  const snapshotLimits = { ...DEFAULT_SNAPSHOT_LIMITS };
  for (const key of Object.keys(DEFAULT_SNAPSHOT_LIMITS) as Array<keyof SnapshotLimits>) {
    const v = limits[key];
    if (v === undefined) continue;
    if (isPositive(v)) snapshotLimits[key] = v;
    else warnings.push(`snapshotLimits.${key} must be a positive number; ignored`);
  }
  return {
    ...tuning,
    enabled: bool('enabled', 'WISP_ENABLED', true),
    endpoint: str('endpoint', 'WISP_ENDPOINT', DEFAULT_ENDPOINT),
    apiKey: optStr('apiKey', 'WISP_API_KEY'),
    serviceName: str('serviceName', 'WISP_SERVICE_NAME', DEFAULT_SERVICE_NAME),
    environment: optStr('environment', 'WISP_ENVIRONMENT'),
    release: optStr('release', 'WISP_RELEASE'),
    sampleRate,
    compression: pick<Compression | undefined>('compression', parseCompression, 'WISP_COMPRESSION', undefined, isCompression),
    exporters,
    exporterOptions: o.exporterOptions !== null && typeof o.exporterOptions === 'object' ? o.exporterOptions : undefined,
    captureInput: bool('captureInput', undefined, true),
    captureOutput: bool('captureOutput', undefined, true),
    redact: bool('redact', undefined, true),
    mask: typeof o.mask === 'function' ? o.mask : undefined,
    snapshotLimits,
    flushOnRootEnd: bool('flushOnRootEnd', 'WISP_FLUSH_ON_ROOT_END', false),
    rootFlushTimeoutMs: positive('rootFlushTimeoutMs', DEFAULT_ROOT_FLUSH_TIMEOUT_MS),
    shutdownTimeoutMs: positive('shutdownTimeoutMs', DEFAULT_SHUTDOWN_TIMEOUT_MS),
    flushOnBeforeExit: bool('flushOnBeforeExit', undefined, true),
    handleSignals: bool('handleSignals', 'WISP_HANDLE_SIGNALS', false),
    onInternalError: typeof o.onInternalError === 'function' ? o.onInternalError : undefined,
    warnings,
  };
}

const isString = (v: unknown): v is string => typeof v === 'string';
const parseCompression = (s: string): Compression | undefined => {
  const v = s.trim().toLowerCase();
  return isCompression(v) ? v : undefined;
};
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isPositive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
const isRate = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;

function parseBool(s: string): boolean | undefined {
  const v = s.trim().toLowerCase();
  if (v === 'true' || v === '1' || v === 'yes' || v === 'on') return true;
  if (v === 'false' || v === '0' || v === 'no' || v === 'off') return false;
  return undefined;
}

function parsePositive(s: string): number | undefined {
  const n = Number(s);
  return isPositive(n) ? n : undefined;
}

function parseRate(s: string): number | undefined {
  const n = Number(s.trim());
  return s.trim() !== '' && isRate(n) ? n : undefined;
}
