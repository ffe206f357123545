/**
 * Ingest: validates decoded events into normalized ones, queues the valid ones for group commit and
 * answers once they are durable. Knows nothing of HTTP; the routes decode bodies and map answers.
 */
import type { IngestResponse, Limits, SdkReportEvent, SpanEvent } from '@wisp/protocol';
import { WispError, type ErrorCode } from '../errors.js';
import type { CollectorMetrics } from '../ops/collector-metrics.js';
import { validateEvent, validateSpan } from './validate-event.js';
import type { WriteQueue } from './write-queue.js';

/** The answer of the OTLP path: how many spans were rejected and why (first few reasons). */
export interface SpanIngestResult {
  accepted: number;
  rejected: number;
  errorMessage: string | undefined;
}

export interface IngestServiceDeps {
  queue: WriteQueue;
  limits: Limits;
  metrics: CollectorMetrics;
}

function isBatch(body: unknown): body is { events: unknown[] } {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && Array.isArray((body as { events?: unknown }).events);
}

export class IngestService {
  constructor(private readonly deps: IngestServiceDeps) {}

  /**
   * A native batch `{events: [...]}` parsed from JSON. `bodyBytes` is its decoded size. Rejects
   * single events without failing the others; throws WispError when the batch as a whole is bad.
   */
  async ingestNative(projectId: string, body: unknown, bodyBytes: number): Promise<IngestResponse> {
    const { limits, metrics } = this.deps;
    if (!isBatch(body)) {
      throw new WispError('WISP_ERR_INVALID_BATCH', 'Expected a JSON object {"events": [...]} (see docs/ingest.md)');
    }
    const events = body.events;
    if (events.length > limits.maxEventsPerRequest) {
      throw new WispError(
        'WISP_ERR_BODY_TOO_LARGE',
        `The batch has ${events.length} events; the limit is ${limits.maxEventsPerRequest} per request. Split it.`,
      );
    }
    // No event can be larger than the whole body, so sizes are only measured for big bodies.
    const checkSizes = bodyBytes > limits.maxEventBytes;
    const spans: SpanEvent[] = [];
    const reports: SdkReportEvent[] = [];
    const errors: IngestResponse['errors'] = [];
    const reject = (index: number, code: ErrorCode, message: string) => {
      errors.push({ index, code, message });
      metrics.eventsRejected.inc(1, { code });
    };
    for (let i = 0; i < events.length; i++) {
      const raw = events[i];
      if (checkSizes && Buffer.byteLength(JSON.stringify(raw) ?? '') > limits.maxEventBytes) {
        reject(i, 'WISP_ERR_EVENT_TOO_LARGE', `The event is larger than the limit of ${limits.maxEventBytes} bytes`);
        continue;
      }
      const result = validateEvent(raw, limits);
      if (!result.ok) reject(i, 'WISP_ERR_INVALID_EVENT', result.message);
      else if (result.value.type === 'span') spans.push(result.value);
      else reports.push(result.value);
    }
    if (spans.length + reports.length > 0) {
      await this.deps.queue.enqueue({ projectId, spans, reports }, bodyBytes);
      metrics.eventsAccepted.inc(spans.length + reports.length, { protocol: 'native' });
      metrics.spansAccepted.inc(spans.length, { protocol: 'native' });
    }
    return { accepted: spans.length + reports.length, rejected: errors.length, errors };
  }

  /** Spans decoded by another protocol (OTLP), validated with the same rules as native ones. */
  async ingestSpans(projectId: string, decoded: SpanEvent[], bodyBytes: number): Promise<SpanIngestResult> {
    const { limits, metrics } = this.deps;
    const spans: SpanEvent[] = [];
    let rejected = 0;
    let firstError: string | undefined;
    for (const s of decoded) {
      const result = validateSpan(s, limits);
      if (result.ok) spans.push(result.value);
      else {
        rejected++;
        firstError ??= `span ${String(s.spanId).slice(0, 16)}: ${result.message}`;
        metrics.eventsRejected.inc(1, { code: 'WISP_ERR_INVALID_EVENT' });
      }
    }
    if (spans.length > 0) {
      await this.deps.queue.enqueue({ projectId, spans, reports: [] }, bodyBytes);
      metrics.eventsAccepted.inc(spans.length, { protocol: 'otlp' });
      metrics.spansAccepted.inc(spans.length, { protocol: 'otlp' });
    }
    return { accepted: spans.length, rejected, errorMessage: firstError };
  }
}
