/**
 * `WispSpanProcessor`: an OpenTelemetry JS span processor that records the spans of
 * OTel-instrumented libraries (the Vercel AI SDK, OpenLLMetry, OpenInference...) as Wisp spans,
 * through a Wisp client's exporters: the same queue, batching, accounting (`stats()`), redaction and
 * masking as the client's own spans, and the same GenAI mapping as the collector's OTLP endpoint.
 */
import type { SpanEvent } from '@wisp/protocol';
import type { Wisp } from '../../client.js';
import type { Capture } from '../../capture.js';
import { createCapture } from '../../capture.js';
import type { CaptureField, Span } from '../../span.js';
import { shouldSample } from '../../sampler.js';
import type { Emit } from '../client-hooks.js';
import { clientFrom, emitterOf, reportTo } from '../client-hooks.js';
import type { MapContext } from './map-otel-span.js';
import { mapOtelSpan } from './map-otel-span.js';
import type { ReadableSpanLike } from './otel-shapes.js';

/** Fixed overhead of a span event on the wire, in bytes (as the core estimates it). */
const EVENT_BASE_BYTES = 220;
/** OTel's "sampled" trace flag. */
const SAMPLED = 1;

/** Options of `new WispSpanProcessor()`. */
export interface WispSpanProcessorOptions {
  /** The Wisp client whose exporters receive the spans. @default the default client (`init()`), looked up per span */
  client?: Wisp;
  /** Records only the spans for which it returns true. @default every span */
  filter?: (span: ReadableSpanLike) => boolean;
  /** Also shut the Wisp client down when the tracer provider shuts down. @default false (the client is flushed) */
  shutdownClient?: boolean;
}

interface ClientState {
  capture: Capture;
  emit: Emit | undefined;
  context: MapContext;
}

/**
 * @example
 * import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
 * import { WispSpanProcessor } from '@wisp/sdk/otel';
 * const provider = new NodeTracerProvider({ spanProcessors: [new WispSpanProcessor()] });
 * provider.register();
 * // Vercel AI SDK: generateText({ ..., experimental_telemetry: { isEnabled: true } })
 */
export class WispSpanProcessor {
  private readonly client: () => Wisp;
  private readonly filter: ((span: ReadableSpanLike) => boolean) | undefined;
  private readonly shutdownClient: boolean;
  private readonly states = new WeakMap<Wisp, ClientState>();
  private isShutDown = false;

  constructor(options?: WispSpanProcessorOptions) {
    const opts = options !== null && typeof options === 'object' ? options : {};
    this.client = clientFrom(opts.client, 'WispSpanProcessor');
    if (options !== undefined && opts !== options) this.report('invalid_argument', 'WispSpanProcessor: options must be an object; using defaults');
    this.filter = typeof opts.filter === 'function' ? opts.filter : undefined;
    if (opts.filter !== undefined && this.filter === undefined) this.report('invalid_argument', 'WispSpanProcessor: filter must be a function; ignored');
    this.shutdownClient = opts.shutdownClient === true;
  }

  /** Spans are recorded when they end. */
  onStart(_span: unknown, _parentContext?: unknown): void {}

  /** Maps the ended span and enqueues it on the client's exporters; never throws. */
  onEnd(span: ReadableSpanLike): void {
    if (this.isShutDown) return;
    let client: Wisp | undefined;
    try {
      client = this.client();
      if (!client.enabled) return;
      if (span === null || typeof span !== 'object' || typeof span.spanContext !== 'function') {
        reportTo(client, 'invalid_argument', `WispSpanProcessor.onEnd expects an OpenTelemetry ReadableSpan, got ${span === null ? 'null' : typeof span}`);
        return;
      }
      const ctx = span.spanContext();
      // As OTel's own exporting processors do: spans that are recorded but not sampled stay local.
      if (typeof ctx?.traceFlags === 'number' && (ctx.traceFlags & SAMPLED) === 0) return;
      if (typeof ctx?.traceId !== 'string' || !shouldSample(ctx.traceId, client.options.sampleRate)) return;
      if (this.filter !== undefined && !this.filter(span)) return;
      const state = this.state(client);
      const mapped = mapOtelSpan(span, state.context);
      if (!mapped.ok) {
        reportTo(client, 'invalid_argument', `WispSpanProcessor: span "${String(span.name)}" skipped: ${mapped.reason}`);
        return;
      }
      if (state.emit === undefined) {
        reportTo(client, 'internal', 'WispSpanProcessor: this client has no span exporters to hand spans to');
        return;
      }
      for (const event of mapped.events) state.emit(event, captureFields(event, state.capture));
    } catch (err) {
      reportTo(client, 'internal', 'WispSpanProcessor: recording an OpenTelemetry span failed', err);
    }
  }

  /** Flushes the Wisp client; resolves (never rejects) by the client's deadline. */
  forceFlush(): Promise<void> {
    try {
      return this.client().flush().then(
        () => undefined,
        () => undefined,
      );
    } catch (err) {
      this.report('internal', 'WispSpanProcessor.forceFlush failed', err);
      return Promise.resolve();
    }
  }

  /** Stops recording and flushes the Wisp client (shuts it down with `shutdownClient: true`); never rejects. */
  shutdown(): Promise<void> {
    if (this.isShutDown) return Promise.resolve();
    this.isShutDown = true;
    try {
      const client = this.client();
      return (this.shutdownClient ? client.shutdown() : client.flush()).then(
        () => undefined,
        () => undefined,
      );
    } catch (err) {
      this.report('internal', 'WispSpanProcessor.shutdown failed', err);
      return Promise.resolve();
    }
  }

  private state(client: Wisp): ClientState {
    let state = this.states.get(client);
    if (state === undefined) {
      const { snapshotLimits, redact, mask, serviceName, release, environment } = client.options;
      state = {
        capture: createCapture(snapshotLimits, redact, mask, (c, m, e) => reportTo(client, c, m, e)),
        emit: emitterOf(client),
        context: { serviceName, release, environment },
      };
      this.states.set(client, state);
    }
    return state;
  }

  private report(code: 'invalid_argument' | 'internal', message: string, error?: unknown): void {
    try {
      reportTo(this.client(), code, message, error);
    } catch {
      // Nowhere left to report to.
    }
  }
}

/**
 * Replaces the payload fields of `event` with their snapshots (bounded, redacted, masked) and
 * returns the event's estimated size in bytes.
 */
function captureFields(event: SpanEvent, capture: Capture): number {
  // The masking hook is told which span a value belongs to by name and kind only.
  const owner = { name: event.name ?? '', kind: event.kind ?? 'span' } as Span;
  let bytes = EVENT_BASE_BYTES + (event.name?.length ?? 0);
  const take = (value: unknown, field: CaptureField): unknown => {
    if (value === undefined) return undefined;
    const snap = capture(value, field, owner);
    bytes += snap.bytes;
    return snap.value;
  };
  event.input = take(event.input, 'input');
  event.output = take(event.output, 'output');
  event.metadata = take(event.metadata, 'metadata') as Record<string, unknown> | undefined;
  event.modelParameters = take(event.modelParameters, 'modelParameters') as Record<string, unknown> | undefined;
  if (event.error !== undefined) {
    event.error.message = event.error.message.slice(0, 8192);
    if (event.error.stack !== undefined) event.error.stack = event.error.stack.slice(0, 16384);
    bytes += event.error.type.length + event.error.message.length + (event.error.stack?.length ?? 0) + 40;
  }
  const trace = event.trace;
  if (trace !== undefined) {
    trace.input = take(trace.input, 'trace.input');
    trace.output = take(trace.output, 'trace.output');
    bytes += 64 + (trace.name?.length ?? 0);
  }
  return bytes;
}
