import { randomBytes } from 'node:crypto';
import { API_KEY_HEADER, type SdkReportEvent, type SpanEvent } from '@wisp/protocol';
import type { ExporterStats, FlushResult, SpanExporter } from '../exporter.js';
import type { TimerHandle } from './clock.js';
import * as D from './defaults.js';
import { ExportPipeline, type ExportPipelineOptions } from './export-pipeline.js';
import { createHttpTransport, type HttpTransport } from './http-transport.js';
import { nativeFormat } from './native-format.js';

/** Estimated size of an `sdk_report` event. */
const REPORT_BYTES = 600;

export interface NativeExporterOptions extends ExportPipelineOptions {
  /** Collector base URL; events go to `<endpoint>/v1/ingest`. @default 'http://127.0.0.1:4318' (`DEFAULT_ENDPOINT`) */
  endpoint?: string;
  /** Project API key, sent in `x-wisp-api-key`. */
  apiKey?: string;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** Service named in self-reports. @default 'unknown_service:node' (`DEFAULT_SERVICE_NAME`) */
  serviceName?: string;
  /** Interval of `sdk_report` self-reports; 0 disables them (the one at shutdown too). @default 30000 (`DEFAULT_REPORT_INTERVAL_MS`) */
  reportIntervalMs?: number;
  /** Version in self-reports. @default '0.1.0' (`DEFAULT_SDK_VERSION`) */
  sdkVersion?: string;
}

/**
 * Sends span events to a Wisp collector's native ingest endpoint. Never throws and never blocks:
 * `enqueue` is O(1); everything else runs in the background with bounded memory, and every span
 * ends up sent or counted as dropped with a reason (see `stats()`).
 *
 * @example
 * const exporter = new NativeExporter({ endpoint: 'http://127.0.0.1:4318', apiKey: process.env.WISP_API_KEY });
 * // ...hand it to the client; at exit:
 * const { done, remaining } = await exporter.shutdown(5_000);
 */
export class NativeExporter implements SpanExporter {
  private readonly pipeline: ExportPipeline;
  private readonly transport: HttpTransport;
  private reportTimer: TimerHandle | undefined;
  private readonly serviceName: string;
  private readonly sdkVersion: string;
  private readonly instanceId = randomBytes(8).toString('hex');

  constructor(options: NativeExporterOptions = {}) {
    const endpoint = (options.endpoint ?? D.DEFAULT_ENDPOINT).replace(/\/+$/, '');
    const headers: Record<string, string> = { 'user-agent': 'wisp-sdk-node', ...options.headers };
    if (options.apiKey) headers[API_KEY_HEADER] = options.apiKey;
    this.serviceName = options.serviceName ?? D.DEFAULT_SERVICE_NAME;
    this.sdkVersion = options.sdkVersion ?? D.DEFAULT_SDK_VERSION;
    const reportIntervalMs = options.reportIntervalMs ?? D.DEFAULT_REPORT_INTERVAL_MS;
    const pipelineOptions = { ...options };
    const maxConcurrent = options.maxConcurrentRequests ?? D.DEFAULT_MAX_CONCURRENT_REQUESTS;
    this.transport = createHttpTransport({
      url: endpoint + nativeFormat.path,
      headers,
      timeoutMs: options.requestTimeoutMs ?? D.DEFAULT_REQUEST_TIMEOUT_MS,
      maxResponseBytes: options.maxResponseBytes ?? D.DEFAULT_MAX_RESPONSE_BYTES,
      maxSockets: maxConcurrent,
    });
    const finalReport = reportIntervalMs > 0 ? () => ({ event: this.reportEvent(), bytes: REPORT_BYTES }) : undefined;
    this.pipeline = new ExportPipeline(nativeFormat, this.transport.send, pipelineOptions, finalReport);
    if (reportIntervalMs > 0) {
      const clock = this.pipeline.options.clock;
      const tick = (): TimerHandle =>
        clock.setTimer(() => {
          this.report();
          this.reportTimer = tick();
        }, reportIntervalMs);
      this.reportTimer = tick();
    }
  }

  enqueue(event: SpanEvent, bytes: number): void {
    this.pipeline.enqueue(event, bytes);
  }

  flush(timeoutMs?: number): Promise<FlushResult> {
    return this.pipeline.flush(timeoutMs);
  }

  async shutdown(timeoutMs?: number): Promise<FlushResult> {
    this.reportTimer?.cancel();
    const result = await this.pipeline.shutdown(timeoutMs);
    this.transport.close();
    return result;
  }

  stats(): ExporterStats {
    return this.pipeline.stats();
  }

  /** Queues a self-report with the cumulative counters (it travels with the spans). */
  private report(): void {
    this.pipeline.enqueue(this.reportEvent(), REPORT_BYTES);
  }

  private reportEvent(): SdkReportEvent {
    const s = this.pipeline.stats();
    return {
      type: 'sdk_report',
      time: this.pipeline.options.clock.wallNow(),
      service: this.serviceName,
      instanceId: this.instanceId,
      sdkVersion: this.sdkVersion,
      created: s.created,
      sent: s.sent,
      queued: s.queued,
      inFlight: s.inFlight,
      dropped: s.dropped,
      failedRequests: s.failedRequests,
    };
  }
}
