/**
 * A span: one observation (a step, a tool call, a model call) in a trace. Built on the caller's
 * tick: it holds ids, timestamps and bounded snapshots, and hands a small `start` event and a full
 * `end` event to its recorder (the client), which enqueues them on the exporters.
 */
import type { ErrorInfo, Level, ObservationKind, SpanEvent, StreamStats, Usage } from '@wisp/protocol';
import { monotonicNow, roundMicros } from './clock.js';
import type { DiagnosticCode } from './diagnostics.js';
import type { Snapshot } from './snapshot.js';
import type { SpanAttributes, SpanContext, SpanEndOptions, SpanOptions, TraceAttributesInput } from './span-types.js';
import { copyTraceAttributes, MAX_NAME_LENGTH, TraceAttributeSet } from './trace-attributes.js';
import { toEpochMs, toErrorInfo, validLevel, validUsage } from './span-values.js';

/** Which captured field a snapshot is for; passed to the masking hook. */
export type CaptureField = 'input' | 'output' | 'metadata' | 'modelParameters' | 'trace.input' | 'trace.output' | 'trace.metadata';

/** What a span needs from its client. */
export interface SpanRecorder {
  readonly serviceName: string;
  capture(value: unknown, field: CaptureField, span: Span): Snapshot;
  emit(event: SpanEvent, bytes: number): void;
  report(code: DiagnosticCode, message: string, error?: unknown): void;
  startChild(parent: Span, name: string, options: SpanOptions | undefined): Span;
  startEvent(parent: Span, name: string, attributes: SpanAttributes | undefined): void;
}

/** Fixed overhead of a span event on the wire, in bytes (ids, times, field names). */
const EVENT_BASE_BYTES = 220;
export class Span implements SpanContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentId: string | undefined;
  readonly kind: ObservationKind;
  /** Epoch ms (µs resolution) when the span started. */
  readonly startTime: number;
  /** False when the trace was sampled out: nothing is recorded or exported. */
  readonly sampled: boolean;
  readonly traceState: string | undefined;
  name: string;
  /** @internal Adds to a monotonic reading to give wall-clock epoch ms; shared by a local trace. */
  readonly anchor: number;
  private readonly recorder: SpanRecorder;
  /** The local root of the trace (this span when it is one): trace attributes live there. */
  private readonly root: Span;
  private readonly parent: Span | undefined;
  private isEnded = false;
  private input: Snapshot | undefined;
  private output: Snapshot | undefined;
  private metadata: Snapshot | undefined;
  private modelParameters: Snapshot | undefined;
  private level: Level | undefined;
  private statusMessage: string | undefined;
  private status: 'ok' | 'error' | undefined;
  private error: ErrorInfo | undefined;
  private provider: string | undefined;
  private model: string | undefined;
  private usage: Usage | undefined;
  private cost: number | undefined;
  private completionStartTime: number | undefined;
  private stream: StreamStats | undefined;
  private lastChunkMono = 0;
  private traceAttrs: TraceAttributeSet | undefined;
  /** The input snapshot the start event carried (the end repeats it only if it changed). */
  private sentInput: Snapshot | undefined;
  /** Version of the trace attributes the start event carried; -1 when it carried none. */
  private sentTraceVersion = -1;
  /** True once the start event was enqueued (see `emitStart`). */
  private startSent = false;

  /**
   * @internal Spans are created by a client (`startSpan`, `observe`, `trace`). Positional
   * parameters: this runs once per span, and an options object would be one more allocation.
   */
  constructor(
    recorder: SpanRecorder,
    traceId: string,
    spanId: string,
    parentId: string | undefined,
    parent: Span | undefined,
    name: string,
    kind: ObservationKind,
    startTime: number,
    anchor: number,
    sampled: boolean,
    traceState: string | undefined,
  ) {
    this.recorder = recorder;
    this.traceId = traceId;
    this.spanId = spanId;
    this.parentId = parentId;
    this.parent = parent;
    this.root = parent === undefined ? this : parent.root;
    this.name = name;
    this.kind = kind;
    this.startTime = startTime;
    this.anchor = anchor;
    this.sampled = sampled;
    this.traceState = traceState;
  }

  /** True once `end()` was called. */
  get ended(): boolean {
    return this.isEnded;
  }

  /** @internal True when this span was made by the client that owns `recorder`. */
  ownedBy(recorder: SpanRecorder): boolean {
    return this.recorder === recorder;
  }

  /** True when this span is the local root of its trace (carries the trace attributes). */
  get isRoot(): boolean {
    return this.root === this;
  }

  /**
   * Sets fields while the span runs; later values win, metadata is merged.
   * @example span.update({ output: answer, metadata: { retries: 2 } })
   */
  update(attributes: SpanAttributes): this {
    try {
      if (this.isEnded) {
        this.recorder.report('span_already_ended', `update() on span "${this.name}" after it ended; ignored`);
      } else if (this.sampled) {
        this.apply(attributes);
      }
    } catch (err) {
      this.recorder.report('internal', 'span.update failed', err);
    }
    return this;
  }

  /**
   * Sets trace-level attributes (user, session, tags...) from any span of the trace.
   * @example span.updateTrace({ userId: 'u-42', tags: ['beta'] })
   */
  updateTrace(attributes: TraceAttributesInput): this {
    try {
      if (!this.sampled) return this;
      if (attributes === null || typeof attributes !== 'object') {
        this.recorder.report('invalid_argument', 'updateTrace() expects an object');
        return this;
      }
      // After the root ended, the attributes travel on this span's own end event.
      const target = this.root.isEnded ? this : this.root;
      target.mergeTrace(attributes);
    } catch (err) {
      this.recorder.report('internal', 'span.updateTrace failed', err);
    }
    return this;
  }

  /**
   * Marks the span failed with `err` (type, message and stack are recorded).
   * @example catch (err) { span.setError(err); throw err; }
   */
  setError(err: unknown): this {
    try {
      if (this.isEnded || !this.sampled) return this;
      this.status = 'error';
      this.error = toErrorInfo(err);
      this.level = 'error';
    } catch (e) {
      this.recorder.report('internal', 'span.setError failed', e);
    }
    return this;
  }

  /**
   * Records now as the time of the first token of a streamed generation (first call wins).
   * @example for await (const chunk of stream) { span.markFirstToken(); ... }
   */
  markFirstToken(): this {
    if (this.completionStartTime === undefined && !this.isEnded) {
      this.completionStartTime = this.now();
    }
    return this;
  }

  /** Counts one streamed chunk: the first marks the first token; gaps feed the stream stats. */
  recordChunk(): this {
    if (this.isEnded || !this.sampled) return this;
    const now = monotonicNow();
    const s = (this.stream ??= { chunks: 0, maxChunkGapMs: 0, meanChunkGapMs: 0 });
    if ((s.chunks ?? 0) === 0) {
      this.markFirstToken();
    } else {
      const gap = now - this.lastChunkMono;
      const gaps = (s.chunks ?? 1) - 1;
      s.meanChunkGapMs = roundMicros(((s.meanChunkGapMs ?? 0) * gaps + gap) / (gaps + 1));
      if (gap > (s.maxChunkGapMs ?? 0)) s.maxChunkGapMs = roundMicros(gap);
    }
    s.chunks = (s.chunks ?? 0) + 1;
    this.lastChunkMono = now;
    return this;
  }

  /**
   * Starts a child span (not made active; see `observe` or `startActiveSpan` for that).
   * @example const child = span.startSpan('rerank'); ...; child.end();
   */
  startSpan(name: string, options?: SpanOptions): Span {
    return this.recorder.startChild(this, name, options);
  }

  /** Records a point-in-time event as a child of this span. */
  event(name: string, attributes?: SpanAttributes): void {
    this.recorder.startEvent(this, name, attributes);
  }

  /**
   * Ends the span and enqueues its end event. A second call is ignored (and reported).
   * @example span.end({ output: result });
   */
  end(options?: SpanEndOptions): void {
    try {
      if (this.isEnded) {
        this.recorder.report('span_already_ended', `span "${this.name}" ended twice; the second end() is ignored`);
        return;
      }
      this.isEnded = true;
      if (!this.sampled) return;
      let endTime: number | undefined;
      if (options !== undefined && options !== null) {
        if (typeof options !== 'object') {
          this.recorder.report('invalid_argument', `end() expects an options object, got ${typeof options}`);
        } else {
          this.apply(options);
          if (options.error !== undefined) this.setErrorUnchecked(options.error);
          if (options.status === 'ok' || options.status === 'error') this.status = options.status;
          if (options.endTime !== undefined) endTime = this.checkedEndTime(options.endTime);
        }
      }
      if (this.parent?.isEnded === true) {
        this.recorder.report(
          'parent_already_ended',
          `span "${this.name}" ended after its parent "${this.parent.name}"; recorded anyway`,
        );
      }
      // An explicit start time in the future must not give a negative duration.
      endTime ??= Math.max(this.now(), this.startTime);
      this.emitEnd(endTime);
    } catch (err) {
      this.recorder.report('internal', 'span.end failed', err);
    }
  }

  /** Now on this trace's clock: rounding a shared anchor keeps nested spans nested. */
  private now(): number {
    return roundMicros(this.anchor + monotonicNow());
  }

  /**
   * @internal The small event that makes a running span visible. The client calls it at the end
   * of the tick the span started in, and only if the span is still running then: a span that
   * starts and ends within one tick is sent as one `full` event built at its end.
   */
  emitStart(): void {
    if (this.isEnded || this.startSent) return;
    this.startSent = true;
    // Every event literal has the same fields in the same order (absent ones undefined, which JSON
    // and the queue's merge skip): one hidden class, so building it stays cheap.
    const t = this.traceAttrs;
    const input = this.input;
    const e: SpanEvent = {
      type: 'span',
      phase: 'start',
      traceId: this.traceId,
      spanId: this.spanId,
      parentId: this.parentId,
      time: this.startTime,
      name: this.name,
      kind: this.kind,
      startTime: this.startTime,
      endTime: undefined,
      status: 'running',
      level: undefined,
      statusMessage: undefined,
      error: undefined,
      input: input?.value,
      output: undefined,
      metadata: undefined,
      provider: this.provider,
      model: this.model,
      modelParameters: undefined,
      usage: undefined,
      cost: undefined,
      completionStartTime: undefined,
      stream: undefined,
      trace: t === undefined ? undefined : copyTraceAttributes(t.value),
      service: this.recorder.serviceName,
    };
    const bytes = EVENT_BASE_BYTES + this.name.length + (input?.bytes ?? 0) + (t === undefined ? 0 : t.bytes);
    this.sentInput = input;
    if (t !== undefined) this.sentTraceVersion = t.version;
    this.recorder.emit(e, bytes);
  }

  /** @internal Records trace attributes given when the trace started. */
  initTrace(attributes: TraceAttributesInput): void {
    this.mergeTrace(attributes);
  }

  private mergeTrace(attributes: TraceAttributesInput): void {
    (this.traceAttrs ??= new TraceAttributeSet()).merge(
      attributes,
      (value, field) => this.recorder.capture(value, field, this),
      (message) => this.recorder.report('invalid_argument', message),
    );
  }

  /**
   * The end event carries what the start did not: output, end fields, and input or trace
   * attributes only when they changed after the start (the queue merges a still-queued start into
   * one `full` event; the collector's merge keeps fields an event leaves out).
   */
  private emitEnd(endTime: number): void {
    const { output, metadata, modelParameters, error, statusMessage } = this;
    const input = this.input === this.sentInput ? undefined : this.input;
    const attrs = this.traceAttrs;
    // The span has ended: its attributes object is handed over, not copied (a later updateTrace()
    // on this span starts a new set instead of changing the queued event).
    const t = attrs === undefined || attrs.version === this.sentTraceVersion ? undefined : attrs.value;
    if (t !== undefined) this.traceAttrs = undefined;
    let bytes = EVENT_BASE_BYTES + this.name.length + (t === undefined ? 0 : attrs!.bytes);
    if (input !== undefined) bytes += input.bytes;
    if (output !== undefined) bytes += output.bytes;
    if (metadata !== undefined) bytes += metadata.bytes;
    if (modelParameters !== undefined) bytes += modelParameters.bytes;
    if (statusMessage !== undefined) bytes += statusMessage.length;
    if (error !== undefined) bytes += error.message.length + (error.stack?.length ?? 0) + error.type.length + 40;
    // Without a start event before it, the end is the whole span.
    const phase = this.startSent ? 'end' : 'full';
    if (
      this.level === undefined && statusMessage === undefined && error === undefined && metadata === undefined &&
      this.provider === undefined && this.model === undefined && modelParameters === undefined && this.usage === undefined &&
      this.cost === undefined && this.completionStartTime === undefined && this.stream === undefined
    ) {
      // Most spans carry none of the fields above: a literal without them (a second fixed shape)
      // serializes about 10 % faster, since JSON.stringify visits every key, undefined or not.
      // The queue's merge builds the same shape (isPlainEvent and mergeStartEnd in queue-entry.ts).
      const plain: SpanEvent = {
        type: 'span',
        phase,
        traceId: this.traceId,
        spanId: this.spanId,
        parentId: this.parentId,
        time: endTime,
        name: this.name,
        kind: this.kind,
        startTime: this.startTime,
        endTime,
        status: this.status ?? 'ok',
        input: input?.value,
        output: output?.value,
        // Kept (undefined) so that shedding payloads under memory pressure, which sets metadata
        // on a copy, overwrites a field instead of adding one: an added field made each shed
        // copy take ~400 more bytes (measured: live heap 100 MiB instead of 60 with the backend down).
        metadata: undefined,
        trace: t,
        service: this.recorder.serviceName,
      };
      this.recorder.emit(plain, bytes);
      return;
    }
    const e: SpanEvent = {
      type: 'span',
      phase,
      traceId: this.traceId,
      spanId: this.spanId,
      parentId: this.parentId,
      time: endTime,
      name: this.name,
      kind: this.kind,
      startTime: this.startTime,
      endTime,
      status: this.status ?? 'ok',
      level: this.level,
      statusMessage,
      error,
      input: input?.value,
      output: output?.value,
      metadata: metadata?.value as Record<string, unknown> | undefined,
      provider: this.provider,
      model: this.model,
      modelParameters: modelParameters?.value as Record<string, unknown> | undefined,
      usage: this.usage,
      cost: this.cost,
      completionStartTime: this.completionStartTime,
      stream: this.stream,
      trace: t,
      service: this.recorder.serviceName,
    };
    this.recorder.emit(e, bytes);
  }

  private apply(a: SpanAttributes): void {
    if (a === null || typeof a !== 'object') {
      this.recorder.report('invalid_argument', `span "${this.name}": expected an attributes object, got ${a === null ? 'null' : typeof a}`);
      return;
    }
    if (a.name !== undefined) {
      if (typeof a.name === 'string' && a.name !== '') this.name = a.name.slice(0, MAX_NAME_LENGTH);
      else this.recorder.report('invalid_argument', `span "${this.name}": name must be a non-empty string`);
    }
    if (a.input !== undefined) this.input = this.recorder.capture(a.input, 'input', this);
    if (a.output !== undefined) this.output = this.recorder.capture(a.output, 'output', this);
    if (a.metadata !== undefined) this.mergeMetadata(a.metadata);
    if (a.level !== undefined) this.level = validLevel(a.level) ?? this.invalid('level', this.level);
    if (a.statusMessage !== undefined) this.statusMessage = this.text('statusMessage', a.statusMessage, this.statusMessage);
    if (a.provider !== undefined) this.provider = this.text('provider', a.provider, this.provider);
    if (a.model !== undefined) this.model = this.text('model', a.model, this.model);
    if (a.modelParameters !== undefined) this.modelParameters = this.recorder.capture(a.modelParameters, 'modelParameters', this);
    if (a.usage !== undefined) this.usage = validUsage(a.usage) ?? this.invalid('usage', this.usage);
    if (a.cost !== undefined) {
      this.cost = typeof a.cost === 'number' && Number.isFinite(a.cost) && a.cost >= 0 ? a.cost : this.invalid('cost', this.cost);
    }
    if (a.completionStartTime !== undefined) {
      this.completionStartTime = toEpochMs(a.completionStartTime) ?? this.invalid('completionStartTime', this.completionStartTime);
    }
    if (a.stream !== undefined) {
      this.stream = a.stream !== null && typeof a.stream === 'object' ? { ...a.stream } : this.invalid('stream', this.stream);
    }
  }

  private mergeMetadata(m: unknown): void {
    if (m === null || typeof m !== 'object' || Array.isArray(m)) {
      this.recorder.report('invalid_argument', `span "${this.name}": metadata must be an object`);
      return;
    }
    const snap = this.recorder.capture(m, 'metadata', this);
    if (this.metadata === undefined || typeof this.metadata.value !== 'object' || this.metadata.value === null) {
      this.metadata = snap;
    } else {
      this.metadata = {
        value: { ...(this.metadata.value as object), ...(snap.value as object) },
        bytes: this.metadata.bytes + snap.bytes,
        truncated: this.metadata.truncated || snap.truncated,
      };
    }
  }

  private setErrorUnchecked(err: unknown): void {
    this.status = 'error';
    this.error = toErrorInfo(err);
    this.level = 'error';
  }

  private checkedEndTime(value: unknown): number | undefined {
    const t = toEpochMs(value);
    if (t === undefined || t < this.startTime) {
      this.recorder.report('invalid_argument', `span "${this.name}": endTime must be a Date or epoch ms not before the start; using now`);
      return undefined;
    }
    return t;
  }

  private text(field: string, v: unknown, previous: string | undefined): string | undefined {
    if (typeof v === 'string') return v.length > MAX_NAME_LENGTH ? v.slice(0, MAX_NAME_LENGTH) : v;
    return this.invalid(field, previous);
  }

  private invalid<T>(field: string, previous: T): T {
    this.recorder.report('invalid_argument', `span "${this.name}": invalid ${field}; ignored`);
    return previous;
  }
}

