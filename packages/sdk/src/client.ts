/**
 * The Wisp client: creates spans, keeps the active span in an AsyncLocalStorage, snapshots captured
 * values and fans span events out to its exporters. Several clients can live in one process.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ObservationKind, SpanEvent } from '@wisp/protocol';
import { DEFAULT_LIMITS, OBSERVATION_KINDS } from '@wisp/protocol';
import { monotonicNow, roundMicros, wallAnchor } from './clock.js';
import type { DiagnosticCode } from './diagnostics.js';
import { Diagnostics } from './diagnostics.js';
import { createDefaultExporters } from './default-exporters.js';
import type { FlushResult, SpanExporter } from './exporter.js';
import { fanOutFlush } from './fan-out.js';
import { newSpanId, newTraceId } from './ids.js';
import { installProcessHooks } from './lifecycle.js';
import type { ResolvedOptions, WispOptions } from './options.js';
import { resolveOptions } from './options.js';
import type { CarrierOut } from './propagation.js';
import { injectContext } from './propagation.js';
import { runInSpan } from './run-in-span.js';
import { shouldSample } from './sampler.js';
import { createCapture } from './capture.js';
import type { SpanRecorder } from './span.js';
import { Span } from './span.js';
import type { SpanAttributes, SpanContext, SpanOptions, TraceAttributesInput } from './span-types.js';
import type { WispStats } from './stats.js';
import { summarizeStats } from './stats.js';
import { toEpochMs } from './span-values.js';
import { NOOP_SPAN, NOOP_SPAN_RECORDER } from './noop-span.js';

/** Options of `observe()`. */
export interface ObserveOptions {
  /** Span name. @default the function's name */
  name?: string;
  /** @default 'span' */
  kind?: ObservationKind;
  /** Record the arguments as input (one argument as itself, several as an array). @default client's `captureInput` */
  captureInput?: boolean;
  /** Record the return value (or the yields) as output. @default client's `captureOutput` */
  captureOutput?: boolean;
  /** Set on the span when it starts (generations: provider, model, modelParameters...). */
  attributes?: SpanAttributes;
}

/** Options of `trace()`: trace-level attributes plus where the trace comes from. */
export interface TraceOptions extends TraceAttributesInput {
  /** Continue a trace from another process (`extract(req.headers)`). */
  parent?: SpanContext;
  /** Kind of the root span. @default 'span' */
  kind?: ObservationKind;
}

/** Options of `startActiveSpan()`. */
export interface ActiveSpanOptions extends SpanOptions {
  /** End the span when `fn` returns, settles or finishes iterating. @default true */
  endOnExit?: boolean;
}

const KINDS = new Set<unknown>(OBSERVATION_KINDS);
/** The collector's limit on names (`DEFAULT_LIMITS.maxNameLength`). */
const MAX_NAME_LENGTH = DEFAULT_LIMITS.maxNameLength;
/** Pending start events are emitted early once this many spans started in one tick. */
const MAX_PENDING_STARTS = 1024;
const EMPTY_FLUSH: FlushResult = Object.freeze({ done: true, remaining: 0, elapsedMs: 0 });

/**
 * A Wisp client. Most apps use the default one through `init()` and the top-level functions;
 * create more with `new Wisp()` to send to several projects from one process.
 * @example
 * const wisp = new Wisp({ serviceName: 'billing', apiKey: process.env.BILLING_KEY });
 * await wisp.trace('invoice', async () => { ... });
 */
export class Wisp {
  /** The options after argument > environment > default resolution. */
  readonly options: ResolvedOptions;
  readonly enabled: boolean;
  private readonly exporters: SpanExporter[];
  private readonly context: AsyncLocalStorage<Span> | undefined;
  private readonly diagnostics: Diagnostics;
  private readonly recorder: SpanRecorder;
  private sampledOut = 0;
  private isShutDown = false;
  /** Spans started in this tick whose start event is not enqueued yet (see `deferStart`). */
  private readonly pendingStarts: Span[] = [];
  private startsScheduled = false;
  private readonly onTickEnd = (): void => {
    this.startsScheduled = false;
    this.emitPendingStarts();
  };
  private uninstallHooks: (() => void) | undefined;

  constructor(options?: WispOptions) {
    this.options = resolveOptions(options);
    this.diagnostics = new Diagnostics(this.options.onInternalError);
    this.enabled = this.options.enabled;
    for (const w of this.options.warnings) this.report('invalid_argument', w);
    if (!this.enabled) {
      this.exporters = [];
      this.context = undefined;
      this.recorder = NOOP_SPAN_RECORDER;
      return;
    }
    this.exporters = this.options.exporters ?? createDefaultExporters(this.options, (c, m, e) => this.report(c, m, e));
    this.context = new AsyncLocalStorage<Span>();
    this.recorder = this.makeRecorder();
    this.uninstallHooks = installProcessHooks(this.options, this);
  }

  /**
   * The span whose code is running now, or `undefined` outside any span of this client.
   * @example getActiveSpan()?.update({ metadata: { cacheHit: true } })
   */
  getActiveSpan(): Span | undefined {
    return this.context?.getStore();
  }

  /**
   * Starts a span (child of the active span unless `parent` or `root` says otherwise). It is not
   * made active; end it with `span.end()`.
   * @example const span = wisp.startSpan('load-docs', { input: query }); ...; span.end({ output: docs });
   */
  startSpan(name: string, options?: SpanOptions): Span {
    try {
      if (!this.enabled) return NOOP_SPAN;
      const opts = options !== null && typeof options === 'object' ? options : undefined;
      if (options !== undefined && opts === undefined) this.report('invalid_argument', 'startSpan options must be an object');
      const parent = opts?.parent ?? (opts?.root === true ? undefined : this.context?.getStore());
      return this.createSpan(name, opts?.kind ?? 'span', parent, opts, undefined);
    } catch (err) {
      this.report('internal', 'startSpan failed', err);
      return NOOP_SPAN;
    }
  }

  /** Starts a generation (a model call): a span of kind `generation`. */
  startGeneration(name: string, options?: SpanOptions): Span {
    if (!this.enabled) return NOOP_SPAN;
    const opts = options !== null && typeof options === 'object' ? options : {};
    return this.startSpan(name, { ...opts, kind: opts.kind ?? 'generation' });
  }

  /**
   * Runs `fn(span)` with a new span active, and ends it when `fn` returns, settles or (for
   * generators) finishes iterating, unless `endOnExit: false`.
   * @example const docs = await wisp.startActiveSpan('retrieve', async (span) => search(q));
   */
  startActiveSpan<R>(name: string, fn: (span: Span) => R, options?: ActiveSpanOptions): R {
    if (typeof fn !== 'function') {
      this.report('invalid_argument', `startActiveSpan("${String(name)}") needs a function`);
      return undefined as R;
    }
    if (!this.enabled || this.context === undefined) return fn(NOOP_SPAN);
    const span = this.startSpan(name, options);
    return runInSpan(this.context, span, () => fn(span), {
      captureOutput: false,
      endOnExit: options?.endOnExit !== false,
    });
  }

  /**
   * Runs `fn` as the root span of a new trace (or of the local part of a remote trace when
   * `parent` is given) with trace-level attributes. With `flushOnRootEnd`, the returned promise
   * resolves only after a bounded flush.
   * @example
   * app.post('/chat', (req, res) =>
   *   wisp.trace('chat', async (span) => answer(req.body), { userId: req.user.id, input: req.body }));
   */
  trace<R>(name: string, fn: (span: Span) => R, options?: TraceOptions): R {
    if (typeof fn !== 'function') {
      this.report('invalid_argument', `trace("${String(name)}") needs a function`);
      return undefined as R;
    }
    if (!this.enabled || this.context === undefined) return fn(NOOP_SPAN);
    const opts = options !== null && typeof options === 'object' ? options : undefined;
    const span = this.createSpan(name, opts?.kind ?? 'span', opts?.parent, opts?.input === undefined ? undefined : { input: opts.input }, opts ?? {});
    const flush = this.options.flushOnRootEnd ? () => this.flush(this.options.rootFlushTimeoutMs) : undefined;
    const captureOutput = this.options.captureOutput;
    return runInSpan(this.context, span, () => fn(span), {
      captureOutput,
      endOnExit: true,
      afterEnd: flush,
    });
  }

  /**
   * Wraps a function (sync, async or a generator) so every call is a span, child of the active span.
   * @example
   * const search = wisp.observe(async (q: string) => index.query(q), { name: 'search', kind: 'retriever' });
   */
  observe<F extends (...args: any[]) => any>(fn: F, options?: ObserveOptions): F {
    if (typeof fn !== 'function') {
      this.report('invalid_argument', `observe() needs a function, got ${fn === null ? 'null' : typeof fn}`);
      return fn;
    }
    if (!this.enabled) return fn;
    const opts = options !== null && typeof options === 'object' ? options : {};
    const name = typeof opts.name === 'string' && opts.name !== '' ? opts.name : fn.name || 'anonymous';
    const kind = opts.kind ?? 'span';
    const captureInput = opts.captureInput ?? this.options.captureInput;
    const captureOutput = opts.captureOutput ?? this.options.captureOutput;
    const attributes = opts.attributes;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const client = this;
    return function observed(this: unknown, ...args: unknown[]): unknown {
      if (client.context === undefined) return fn.apply(this, args);
      let span: Span;
      try {
        const start: SpanOptions = attributes !== undefined ? { ...attributes } : {};
        if (captureInput && args.length > 0) start.input = args.length === 1 ? args[0] : args;
        span = client.createSpan(name, kind, client.context.getStore(), start, undefined);
      } catch (err) {
        client.report('internal', 'observe failed to start a span', err);
        return fn.apply(this, args);
      }
      return runInSpan(client.context, span, () => fn.apply(this, args), { captureOutput, endOnExit: true });
    } as F;
  }

  /**
   * Records a point-in-time event (a span of kind `event` that starts and ends at once) under the
   * active span, or as its own trace outside any span.
   * @example wisp.event('cache-miss', { metadata: { key } })
   */
  event(name: string, attributes?: SpanAttributes): void {
    if (!this.enabled) return;
    this.recordEvent(this.context?.getStore(), name, attributes);
  }

  /**
   * Returns `fn` bound to the current span, for callbacks run by someone else (event emitters,
   * pools) that would otherwise see the emitter's context.
   * @example emitter.on('data', wisp.bind((chunk) => handle(chunk)));
   */
  bind<F extends (...args: any[]) => any>(fn: F): F {
    if (typeof fn !== 'function') {
      this.report('invalid_argument', 'bind() needs a function');
      return fn;
    }
    const span = this.context?.getStore();
    const context = this.context;
    if (span === undefined || context === undefined) return fn;
    return function bound(this: unknown, ...args: unknown[]): unknown {
      return context.run(span, () => fn.apply(this, args));
    } as F;
  }

  /**
   * Writes `traceparent`/`tracestate` of the active span (or `span`) into outgoing headers.
   * @example const headers = {}; wisp.inject(headers); await fetch(url, { headers });
   */
  inject(carrier: CarrierOut, span?: SpanContext): void {
    try {
      const ctx = span ?? this.context?.getStore();
      if (ctx === undefined || ctx === NOOP_SPAN || carrier === null || typeof carrier !== 'object') return;
      injectContext(ctx, carrier);
    } catch (err) {
      this.report('internal', 'inject failed', err);
    }
  }

  /** Sends what is queued in every exporter; resolves (never rejects) by the deadline. */
  flush(timeoutMs?: number): Promise<FlushResult> {
    this.emitPendingStarts();
    if (this.exporters.length === 0) return Promise.resolve({ ...EMPTY_FLUSH });
    return fanOutFlush(this.exporters, 'flush', this.timeout(timeoutMs), (c, m, e) => this.report(c, m, e));
  }

  /**
   * Flushes and stops every exporter; later spans are dropped (counted as `shutdown`) and reported.
   * Resolves (never rejects) by the deadline.
   */
  shutdown(timeoutMs?: number): Promise<FlushResult> {
    if (this.isShutDown || this.exporters.length === 0) {
      this.isShutDown = true;
      return Promise.resolve({ ...EMPTY_FLUSH });
    }
    this.emitPendingStarts();
    this.isShutDown = true;
    this.uninstallHooks?.();
    this.uninstallHooks = undefined;
    return fanOutFlush(this.exporters, 'shutdown', this.timeout(timeoutMs), (c, m, e) => this.report(c, m, e));
  }

  /** Accounting of this client: see `WispStats` and docs/sdk.md. */
  stats(): WispStats {
    return summarizeStats(this.exporters, this.sampledOut, this.diagnostics.counts, (c, m, e) => this.report(c, m, e));
  }

  /**
   * @internal For integrations (`@wisp/sdk/openai`, `/otel`, `/langchain`): reports an SDK-side
   * problem through this client's diagnostics (`onInternalError`, `stats().diagnostics`).
   */
  reportDiagnostic(code: DiagnosticCode, message: string, error?: unknown): void {
    this.report(code, message, error);
  }

  /**
   * @internal For the OpenTelemetry bridge: enqueues a span event built elsewhere on every exporter
   * of this client, as its own spans' events are. `bytes` is the event's estimated serialized size.
   */
  emitEvent(event: SpanEvent, bytes: number): void {
    this.recorder.emit(event, bytes);
  }

  private timeout(ms: number | undefined): number {
    if (ms === undefined) return this.options.shutdownTimeoutMs;
    if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) return ms;
    this.report('invalid_argument', `timeoutMs must be a non-negative number, got ${String(ms)}; using ${this.options.shutdownTimeoutMs}`);
    return this.options.shutdownTimeoutMs;
  }

  private report(code: DiagnosticCode, message: string, error?: unknown): void {
    this.diagnostics.report(code, message, error);
  }

  /** The hot path of every span start. */
  private createSpan(
    rawName: unknown,
    rawKind: unknown,
    parent: SpanContext | undefined,
    attributes: SpanOptions | undefined,
    trace: TraceOptions | undefined,
    emitStart = true,
  ): Span {
    let name = typeof rawName === 'string' && rawName !== '' ? rawName : this.badName(rawName);
    if (name.length > MAX_NAME_LENGTH) name = name.slice(0, MAX_NAME_LENGTH);
    const kind = KINDS.has(rawKind) ? (rawKind as ObservationKind) : this.badKind(rawKind);
    if (this.isShutDown) this.report('client_shut_down', `span "${name}" started on a shut-down client; it will be dropped`);
    let localParent: Span | undefined;
    let traceId: string;
    let parentId: string | undefined;
    let sampled: boolean;
    let traceState: string | undefined;
    if (parent instanceof Span && parent.ownedBy(this.recorder)) {
      localParent = parent;
      traceId = parent.traceId;
      parentId = parent.spanId;
      sampled = parent.sampled;
      traceState = parent.traceState;
    } else if (parent !== undefined && isContext(parent)) {
      traceId = parent.traceId;
      parentId = parent.spanId;
      sampled = parent.sampled ?? shouldSample(traceId, this.options.sampleRate);
      traceState = parent.traceState;
    } else {
      if (parent !== undefined) this.report('invalid_argument', `span "${name}": parent is not a span or span context; starting a new trace`);
      traceId = newTraceId();
      sampled = shouldSample(traceId, this.options.sampleRate);
    }
    const mono = monotonicNow();
    const anchor = localParent !== undefined ? localParent.anchor : wallAnchor(mono);
    let startTime = roundMicros(anchor + mono);
    if (attributes?.startTime !== undefined) {
      const t = toEpochMs(attributes.startTime);
      if (t === undefined) this.report('invalid_argument', `span "${name}": startTime must be a Date or epoch ms; using now`);
      else startTime = roundMicros(t);
    }
    // Only explicit start times can put a child before its parent: clamp, never show it inverted.
    if (localParent !== undefined && startTime < localParent.startTime) startTime = localParent.startTime;
    const span = new Span(this.recorder, traceId, newSpanId(), parentId, localParent, name, kind, startTime, anchor, sampled, traceState);
    if (!sampled) {
      this.sampledOut++;
      return span;
    }
    if (attributes !== undefined) span.update(attributes);
    if (localParent === undefined) {
      const t: TraceAttributesInput = { name, release: this.options.release, environment: this.options.environment };
      span.initTrace(trace === undefined ? t : { ...t, ...withoutUndefined(trace), name });
    }
    if (emitStart) this.deferStart(span);
    return span;
  }

  /**
   * Start events leave at the end of the tick (a check-phase callback), so that a span that starts
   * and ends on one tick costs one event, and the caller's tick builds no start event at all. A
   * span still running by then is enqueued as usual, so long and crashed runs stay visible.
   * `flush()` and `shutdown()` emit what is pending first.
   */
  private deferStart(span: Span): void {
    // Bounded: a long synchronous burst does not hold every ended span until the tick ends.
    if (this.pendingStarts.length >= MAX_PENDING_STARTS) this.emitPendingStarts();
    this.pendingStarts.push(span);
    if (this.startsScheduled) return;
    this.startsScheduled = true;
    // Unref'd: it never keeps a process alive; the beforeExit flush emits what is pending.
    setImmediate(this.onTickEnd).unref();
  }

  /** Enqueues the start of each pending span that is still running (ended ones send one `full`). */
  private emitPendingStarts(): void {
    const spans = this.pendingStarts;
    for (let i = 0; i < spans.length; i++) {
      try {
        spans[i]!.emitStart();
      } catch (err) {
        this.report('internal', 'emitting a start event failed', err);
      }
    }
    spans.length = 0;
  }

  private recordEvent(parent: Span | undefined, name: string, attributes: SpanAttributes | undefined): void {
    try {
      // A point in time: one end event that starts and ends at the same instant.
      const span = this.createSpan(name, 'event', parent, attributes, undefined, false);
      span.end({ endTime: span.startTime });
    } catch (err) {
      this.report('internal', 'event failed', err);
    }
  }

  private badName(raw: unknown): string {
    this.report('invalid_argument', `span name must be a non-empty string, got ${raw === null ? 'null' : typeof raw}; using "unnamed"`);
    return 'unnamed';
  }

  private badKind(raw: unknown): ObservationKind {
    this.report('invalid_argument', `unknown span kind ${JSON.stringify(String(raw))}; using "span"`);
    return 'span';
  }

  private makeRecorder(): SpanRecorder {
    const { snapshotLimits, redact, mask } = this.options;
    const exporters = this.exporters;
    const report = (c: DiagnosticCode, m: string, e?: unknown) => this.report(c, m, e);
    return {
      serviceName: this.options.serviceName,
      capture: createCapture(snapshotLimits, redact, mask, report),
      emit: (event: SpanEvent, bytes: number): void => {
        for (let i = 0; i < exporters.length; i++) {
          try {
            exporters[i]!.enqueue(event, bytes);
          } catch (err) {
            report('exporter_failed', 'an exporter threw from enqueue()', err);
          }
        }
      },
      report,
      startChild: (parent: Span, name: string, options: SpanOptions | undefined): Span =>
        this.startSpan(name, { ...(options ?? {}), parent }),
      startEvent: (parent: Span, name: string, attributes: SpanAttributes | undefined): void =>
        this.recordEvent(parent, name, attributes),
    };
  }
}

function isContext(v: SpanContext): boolean {
  return typeof v === 'object' && typeof v.traceId === 'string' && typeof v.spanId === 'string' &&
    /^[0-9a-f]{32}$/.test(v.traceId) && /^[0-9a-f]{16}$/.test(v.spanId);
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] !== undefined && k !== 'parent' && k !== 'kind' && k !== 'input') out[k] = o[k];
  return out;
}

