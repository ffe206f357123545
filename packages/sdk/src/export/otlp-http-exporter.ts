import type { SpanEvent } from '@wisp/protocol';
import type { ExporterStats, FlushResult, SpanExporter } from '../exporter.js';
import * as D from './defaults.js';
import { ExportPipeline, type ExportPipelineOptions } from './export-pipeline.js';
import { createHttpTransport, type HttpTransport } from './http-transport.js';
import { otlpFormat } from './otlp-format.js';
import { mergedEvent } from './queue-entry.js';

/** Spans that started and have not ended yet, kept to merge into their end. */
export const DEFAULT_MAX_OPEN_SPANS = 10_000;

export interface OtlpHttpExporterOptions extends ExportPipelineOptions {
  /** OTLP/HTTP base URL; spans go to `<endpoint>/v1/traces`. @default 'http://127.0.0.1:4318' (`DEFAULT_ENDPOINT`) */
  endpoint?: string;
  /** Headers on every request (e.g. `authorization`). */
  headers?: Record<string, string>;
  /** Started spans held until their end arrives; beyond it a span is sent with only its end's fields. @default 10000 (`DEFAULT_MAX_OPEN_SPANS`) */
  maxOpenSpans?: number;
  /** Instrumentation scope version. @default '0.1.0' (`DEFAULT_SDK_VERSION`) */
  sdkVersion?: string;
}

interface OpenSpan {
  start: SpanEvent;
  updates?: SpanEvent[];
  bytes: number;
}

/**
 * Sends Wisp spans to any OpenTelemetry backend over OTLP/HTTP JSON, through the same queue,
 * batching, retries and breaker as the native exporter. OTLP has no start events: a span is
 * sent once, when it ends, with its start and updates merged in.
 *
 * @example
 * new Wisp({ exporters: [new OtlpHttpExporter({ endpoint: 'http://otel-collector:4318' })] });
 */
export class OtlpHttpExporter implements SpanExporter {
  private readonly pipeline: ExportPipeline;
  private readonly transport: HttpTransport;
  private readonly open = new Map<string, OpenSpan>();
  private readonly maxOpenSpans: number;
  private openDropped = 0;

  constructor(options: OtlpHttpExporterOptions = {}) {
    const endpoint = (options.endpoint ?? D.DEFAULT_ENDPOINT).replace(/\/+$/, '');
    const format = otlpFormat(options.sdkVersion ?? D.DEFAULT_SDK_VERSION);
    this.maxOpenSpans = options.maxOpenSpans ?? DEFAULT_MAX_OPEN_SPANS;
    this.transport = createHttpTransport({
      url: endpoint + format.path,
      headers: { 'user-agent': 'wisp-sdk-node', ...options.headers },
      timeoutMs: options.requestTimeoutMs ?? D.DEFAULT_REQUEST_TIMEOUT_MS,
      maxResponseBytes: options.maxResponseBytes ?? D.DEFAULT_MAX_RESPONSE_BYTES,
      maxSockets: options.maxConcurrentRequests ?? D.DEFAULT_MAX_CONCURRENT_REQUESTS,
    });
    this.pipeline = new ExportPipeline(format, this.transport.send, options);
  }

  enqueue(event: SpanEvent, bytes: number): void {
    try {
      if (event.phase === 'start') {
        if (this.open.size >= this.maxOpenSpans) this.openDropped++;
        else this.open.set(event.spanId, { start: event, bytes });
        return;
      }
      const open = this.open.get(event.spanId);
      if (event.phase === 'update') {
        if (open) {
          (open.updates ??= []).push(event);
          open.bytes += bytes;
        }
        return;
      }
      if (event.phase === 'end' && open) {
        this.open.delete(event.spanId);
        const entry = { event: open.start, updates: open.updates, end: event, bytes: 0, span: true, shed: false, seq: 0 };
        this.pipeline.enqueue(mergedEvent(entry) as SpanEvent, open.bytes + bytes);
        return;
      }
      this.pipeline.enqueue(event, bytes);
    } catch (error) {
      this.pipeline.options.onError(error);
    }
  }

  flush(timeoutMs?: number): Promise<FlushResult> {
    return this.pipeline.flush(timeoutMs);
  }

  async shutdown(timeoutMs?: number): Promise<FlushResult> {
    const result = await this.pipeline.shutdown(timeoutMs);
    this.open.clear();
    this.transport.close();
    return result;
  }

  stats(): ExporterStats {
    const s = this.pipeline.stats();
    s.events.auxDropped += this.openDropped;
    return s;
  }
}
