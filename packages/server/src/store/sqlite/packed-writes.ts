/**
 * A compact form of prepared writes for the trip to the write worker.
 *
 * A structured clone of thousands of event objects costs the receiving thread ~4 µs per span
 * (every property and string is rebuilt one by one), on the thread that is the collector's
 * bottleneck. Packed, the values of all events travel as three flat streams: a type tag per value,
 * the numbers in a Float64Array and the strings as one JSON array (which JSON.parse rebuilds
 * several times faster than the deserializer, as fresh strings that retain nothing else), short
 * strings once per pack. The events are fixed records (PreparedSpanEvent), so no property names
 * travel at all.
 *
 * Exact for every value: strings, numbers (NaN and infinities included), booleans, null and
 * undefined round-trip as they are; any other value (never produced by prepareSpanEvent) travels
 * as JSON.
 */
import type { SdkReportEvent } from '@wisp/protocol';
import type { PreparedPayload, PreparedSpanEvent, PreparedTraceAttributes, PreparedWrite } from './prepared-event.js';

export interface PackedWrites {
  writes: Array<{ projectId: string; spans: number; reports: SdkReportEvent[] }>;
  tags: Uint8Array;
  numbers: Float64Array;
  /** JSON array of the strings. */
  strings: string;
}

const UNDEFINED = 0;
const NULL = 1;
const STRING = 2;
const NUMBER = 3;
const TRUE = 4;
const FALSE = 5;
const JSON_VALUE = 6;
/** A string sent before in the same pack: its index in the strings array follows in the numbers. */
const STRING_REF = 7;

/**
 * Strings up to this length are sent once per pack and referenced after that: ids, names, kinds,
 * statuses, services and small JSON repeat across the spans of a batch, and the write thread then
 * parses each once (and gets one string object, whose hash is computed once).
 */
const DEDUPE_MAX_LENGTH = 64;

class Encoder {
  tags = new Uint8Array(4096);
  numbers = new Float64Array(1024);
  t = 0;
  n = 0;
  strings: string[] = [];
  private readonly sent = new Map<string, number>();

  private tag(k: number): void {
    if (this.t === this.tags.length) {
      const grown = new Uint8Array(this.tags.length * 2);
      grown.set(this.tags);
      this.tags = grown;
    }
    this.tags[this.t++] = k;
  }

  private number(v: number): void {
    if (this.n === this.numbers.length) {
      const grown = new Float64Array(this.numbers.length * 2);
      grown.set(this.numbers);
      this.numbers = grown;
    }
    this.numbers[this.n++] = v;
  }

  put(v: unknown): void {
    if (typeof v === 'string') {
      if (v.length <= DEDUPE_MAX_LENGTH) {
        const at = this.sent.get(v);
        if (at !== undefined) {
          this.tag(STRING_REF);
          this.number(at);
          return;
        }
        this.sent.set(v, this.strings.length);
      }
      this.tag(STRING);
      this.strings.push(v);
    } else if (typeof v === 'number') {
      this.tag(NUMBER);
      this.number(v);
    } else if (v === undefined) this.tag(UNDEFINED);
    else if (v === null) this.tag(NULL);
    else if (v === true) this.tag(TRUE);
    else if (v === false) this.tag(FALSE);
    else {
      this.tag(JSON_VALUE);
      this.strings.push(JSON.stringify(v) ?? 'null');
    }
  }

  payload(p: PreparedPayload | undefined): void {
    if (p === undefined) return this.tag(UNDEFINED);
    this.tag(TRUE);
    this.put(p.json);
    this.put(p.hash);
    this.put(p.bytes);
    this.put(p.preview);
  }

  trace(a: PreparedTraceAttributes | undefined): void {
    if (a === undefined) return this.tag(UNDEFINED);
    this.tag(TRUE);
    this.put(a.name);
    this.put(a.userId);
    this.put(a.sessionId);
    this.put(a.release);
    this.put(a.environment);
    this.put(a.metadata);
    this.put(a.tags);
    this.payload(a.input);
    this.payload(a.output);
  }

  span(e: PreparedSpanEvent): void {
    this.put(e.phase);
    this.put(e.traceId);
    this.put(e.spanId);
    this.put(e.parentId);
    this.put(e.time);
    this.put(e.name);
    this.put(e.kind);
    this.put(e.startTime);
    this.put(e.endTime);
    this.put(e.status);
    this.put(e.level);
    this.put(e.statusMessage);
    this.put(e.error);
    this.put(e.errorType);
    this.put(e.errorMessage);
    this.put(e.service);
    this.put(e.provider);
    this.put(e.model);
    this.put(e.modelParameters);
    this.put(e.usage);
    this.put(e.cost);
    this.put(e.completionStartTime);
    this.put(e.stream);
    this.put(e.metadata);
    this.payload(e.input);
    this.payload(e.output);
    this.trace(e.trace);
  }
}

class Decoder {
  private t = 0;
  private n = 0;
  private s = 0;
  private readonly strings: string[];

  constructor(
    private readonly tags: Uint8Array,
    private readonly numbers: Float64Array,
    strings: string,
  ) {
    this.strings = JSON.parse(strings) as string[];
  }

  // The casts say what the encoder wrote at this position.
  get<T>(): T {
    switch (this.tags[this.t++]) {
      case STRING:
        return this.strings[this.s++] as T;
      case STRING_REF:
        return this.strings[this.numbers[this.n++]!] as T;
      case NUMBER:
        return this.numbers[this.n++] as T;
      case UNDEFINED:
        return undefined as T;
      case NULL:
        return null as T;
      case TRUE:
        return true as T;
      case FALSE:
        return false as T;
      case JSON_VALUE:
        return JSON.parse(this.strings[this.s++]!) as T;
      default:
        throw new Error('packed writes: corrupt tag stream');
    }
  }

  private present(): boolean {
    return this.tags[this.t++] === TRUE;
  }

  payload(): PreparedPayload | undefined {
    if (!this.present()) return undefined;
    return { json: this.get(), hash: this.get(), bytes: this.get(), preview: this.get() };
  }

  trace(): PreparedTraceAttributes | undefined {
    if (!this.present()) return undefined;
    return {
      name: this.get(),
      userId: this.get(),
      sessionId: this.get(),
      release: this.get(),
      environment: this.get(),
      metadata: this.get(),
      tags: this.get(),
      input: this.payload(),
      output: this.payload(),
    };
  }

  span(): PreparedSpanEvent {
    // Property order is evaluation order, the order the encoder wrote them in.
    return {
      phase: this.get(),
      traceId: this.get(),
      spanId: this.get(),
      parentId: this.get(),
      time: this.get(),
      name: this.get(),
      kind: this.get(),
      startTime: this.get(),
      endTime: this.get(),
      status: this.get(),
      level: this.get(),
      statusMessage: this.get(),
      error: this.get(),
      errorType: this.get(),
      errorMessage: this.get(),
      service: this.get(),
      provider: this.get(),
      model: this.get(),
      modelParameters: this.get(),
      usage: this.get(),
      cost: this.get(),
      completionStartTime: this.get(),
      stream: this.get(),
      metadata: this.get(),
      input: this.payload(),
      output: this.payload(),
      trace: this.trace(),
    };
  }
}

export function packWrites(writes: readonly PreparedWrite[]): PackedWrites {
  const enc = new Encoder();
  for (const w of writes) for (const e of w.spans) enc.span(e);
  return {
    writes: writes.map((w) => ({ projectId: w.projectId, spans: w.spans.length, reports: w.reports })),
    // Exact-size copies, so that transferring them moves no unused capacity.
    tags: enc.tags.slice(0, enc.t),
    numbers: enc.numbers.slice(0, enc.n),
    strings: JSON.stringify(enc.strings),
  };
}

export function unpackWrites(packed: PackedWrites): PreparedWrite[] {
  const dec = new Decoder(packed.tags, packed.numbers, packed.strings);
  return packed.writes.map((w) => {
    const spans: PreparedSpanEvent[] = new Array<PreparedSpanEvent>(w.spans);
    for (let i = 0; i < w.spans; i++) spans[i] = dec.span();
    return { projectId: w.projectId, spans, reports: w.reports };
  });
}
