import type { Span, SpanEndOptions, SpanOptions, Wisp } from '@wisp/sdk';
import type { ObservationKind } from '@wisp/protocol';
import type { DemoModel } from './demo-catalog.js';
import type { Random } from './random.js';

/** Trace-level attributes of one simulated run. */
export interface DemoTraceAttributes {
  userId: string;
  sessionId: string;
  tags: string[];
  release: string;
  environment: string;
  metadata?: Record<string, unknown>;
}

/**
 * Builds one trace with explicit timestamps through the public SDK API: every span gets a start
 * time on the simulated timeline and an end time after its children, so traces land spread over
 * the past hours with the nesting a real run would have.
 */
export class DemoTrace {
  /** Spans created (ended or left running). */
  spans = 0;

  constructor(
    readonly client: Wisp,
    readonly random: Random,
  ) {}

  root(name: string, kind: ObservationKind, startTime: number, input: unknown, attributes: DemoTraceAttributes): Span {
    this.spans++;
    const span = this.client.startSpan(name, { root: true, kind, startTime, input });
    span.updateTrace({ name, ...attributes, input });
    return span;
  }

  /**
   * The root of a trace that is still running: started now through `trace()`, so its user, session
   * and tags travel on its start event, and kept open by an answer that never comes.
   */
  liveRoot(name: string, kind: ObservationKind, input: unknown, attributes: DemoTraceAttributes): Span {
    let root: Span | undefined;
    void this.client.trace(
      name,
      (span) => {
        root = span;
        return new Promise<never>(() => {});
      },
      { kind, input, ...attributes },
    );
    this.spans++;
    return root as Span;
  }

  start(parent: Span, name: string, kind: ObservationKind, startTime: number, options: SpanOptions = {}): Span {
    this.spans++;
    return parent.startSpan(name, { ...options, kind, startTime });
  }

  /** A span from `start` lasting `durationMs`, ended with `end`. Returns its end time. */
  step(parent: Span, name: string, kind: ObservationKind, start: number, durationMs: number, options: SpanOptions, end: SpanEndOptions = {}): number {
    const span = this.start(parent, name, kind, start, options);
    const endTime = start + durationMs;
    span.end({ ...end, endTime });
    return endTime;
  }

  /** A point in time under `parent`. */
  event(parent: Span, name: string, at: number, metadata: Record<string, unknown>): void {
    const span = this.start(parent, name, 'event', at, { metadata });
    span.end({ endTime: at });
  }

  /**
   * A model call. Streamed calls get a first token after the model's typical delay and stream
   * statistics; `fail` ends the call with that error after a short time instead.
   */
  generation(
    parent: Span,
    name: string,
    model: DemoModel,
    start: number,
    call: { input: unknown; output: unknown; inputTokens: number; outputTokens: number; stream: boolean; cached?: boolean; fail?: Error; temperature?: number },
  ): { end: number; span: Span } {
    const r = this.random;
    const span = this.start(parent, name, 'generation', start, {
      provider: model.provider,
      model: model.model,
      modelParameters: { temperature: call.temperature ?? 0.3, max_tokens: 1024, stream: call.stream },
      input: call.input,
    });
    if (call.fail) {
      const end = start + r.latency(call.fail.name === 'TimeoutError' ? 30_000 : 180, 0.3);
      span.end({ endTime: end, error: call.fail });
      return { end, span };
    }
    const ttft = r.latency(model.ttftMs, 0.35);
    const generate = Math.round(call.outputTokens * r.latency(model.perTokenMs, 0.2));
    const end = start + ttft + generate;
    const cacheRead = call.cached ? Math.floor(call.inputTokens * model.cacheRatio) : 0;
    const reasoning = model.reasoning ? r.int(200, 1800) : undefined;
    const output = call.outputTokens + (reasoning ?? 0);
    const endOptions: SpanEndOptions = {
      endTime: end,
      output: call.output,
      usage: {
        input: call.inputTokens,
        output,
        ...(cacheRead > 0 ? { cacheRead } : {}),
        ...(reasoning !== undefined ? { reasoning } : {}),
      },
    };
    if (call.stream) {
      const chunks = Math.max(1, Math.round(call.outputTokens / 3));
      endOptions.completionStartTime = start + ttft;
      endOptions.stream = { chunks, meanChunkGapMs: Math.round((generate / chunks) * 1000) / 1000, maxChunkGapMs: r.latency(60, 0.6) };
    }
    span.end(endOptions);
    return { end, span };
  }
}
