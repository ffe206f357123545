import type { DropReason, IngestEvent } from '@wisp/protocol';
import { hasPayload, mergedEvent, releaseEvents, withoutPayloads, type QueueEntry } from './queue-entry.js';
import type { WireFormat } from './wire-format.js';

/** The encoder yields to the event loop after this much continuous work. */
const ENCODE_SLICE_MS = 1;
/**
 * Events are serialized in runs of about this many estimated bytes, one serializer call per run:
 * cheaper than a call per event, and short enough (well under a millisecond) to keep the app's
 * tail latency flat.
 */
const RUN_BYTES = 64 * 1024;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface EncodeLimits {
  /** One serialized event may not exceed this (its payloads are dropped first). */
  maxEventBytes: number;
  /** One request body (before compression) may not exceed this. */
  maxRequestBytes: number;
}

/** Events ready to be sent as one request. */
export interface EncodedRequest {
  entries: QueueEntry[];
  /** The events, in order (emptied once the body is made, when the format can decode bodies). */
  events: IngestEvent[];
  /** Serialized events: for framed formats, runs of events already joined by the separator. */
  pieces: string[];
  /** UTF-8 bytes of the pieces and separators. */
  bytes: number;
  /** The body, once made. */
  payload?: Buffer;
}

export interface EncodeResult {
  requests: EncodedRequest[];
  /** Entries that cannot be sent, with why. */
  dropped: Array<{ entry: QueueEntry; reason: DropReason }>;
  /** Entries the format leaves out by design (they count as delivered). */
  skipped: QueueEntry[];
  /** Events whose payloads were dropped to fit the event limit. */
  trimmed: number;
}

/**
 * Serializes a batch off the caller's tick, in runs, yielding to the event loop every millisecond
 * so that big payloads never stall the app. An event that does not serialize, or is above the
 * event limit, is handled alone (payloads trimmed, or dropped with a reason) without costing its
 * neighbours. Splits the batch into as many requests as the request limit needs.
 */
export async function encodeEntries(
  entries: readonly QueueEntry[],
  format: WireFormat,
  limits: EncodeLimits,
): Promise<EncodeResult> {
  const result: EncodeResult = { requests: [], dropped: [], skipped: [], trimmed: 0 };
  const budget = limits.maxRequestBytes - format.overheadBytes;
  let current = newRequest();
  const add = (run: QueueEntry[], events: IngestEvent[], piece: string, bytes: number) => {
    if (current.entries.length > 0 && current.bytes + bytes + 1 > budget) {
      result.requests.push(current);
      current = newRequest();
    }
    current.entries.push(...run);
    current.events.push(...events);
    current.pieces.push(piece);
    current.bytes += bytes + (current.pieces.length > 1 ? 1 : 0);
  };

  let sliceStart = performance.now();
  for (let i = 0; i < entries.length; ) {
    if (performance.now() - sliceStart > ENCODE_SLICE_MS) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
    const run = takeRun(entries, i);
    i += run.length;
    if (format.encodeRun && run.length > 1) {
      const encoded = tryRun(run, format, limits.maxEventBytes);
      if (encoded) {
        add(run, encoded.events, encoded.piece, encoded.bytes);
        continue;
      }
    }
    for (const entry of run) {
      const one = encodeOne(entry, format, limits, budget);
      if (one.kind === 'skipped') result.skipped.push(entry);
      else if (one.kind === 'dropped') result.dropped.push({ entry, reason: one.reason });
      else {
        if (one.trimmed) result.trimmed++;
        add([entry], [one.event], one.piece, one.bytes);
      }
    }
  }
  if (current.entries.length > 0) result.requests.push(current);
  return result;
}

function newRequest(): EncodedRequest {
  return { entries: [], events: [], pieces: [], bytes: 0 };
}

/** The entries from `start` whose estimates add up to about RUN_BYTES (at least one). */
function takeRun(entries: readonly QueueEntry[], start: number): QueueEntry[] {
  let end = start + 1;
  let bytes = entries[start]!.bytes;
  while (end < entries.length && bytes + entries[end]!.bytes <= RUN_BYTES) bytes += entries[end++]!.bytes;
  return entries.slice(start, end);
}

/** A run in one serializer call, or undefined when one of its events needs individual care. */
function tryRun(
  run: QueueEntry[],
  format: WireFormat,
  maxEventBytes: number,
): { events: IngestEvent[]; piece: string; bytes: number } | undefined {
  try {
    const events = run.map(mergedEvent);
    const piece = format.encodeRun!(events);
    // No event of the run can pass the event limit when the whole run does not.
    const bytes = Buffer.byteLength(piece);
    return bytes <= maxEventBytes ? { events, piece, bytes } : undefined;
  } catch {
    return undefined;
  }
}

type EncodedOne =
  | { kind: 'encoded'; event: IngestEvent; piece: string; bytes: number; trimmed: boolean }
  | { kind: 'skipped' }
  | { kind: 'dropped'; reason: DropReason };

function encodeOne(entry: QueueEntry, format: WireFormat, limits: EncodeLimits, budget: number): EncodedOne {
  let event: IngestEvent;
  let piece: string | undefined;
  let trimmed = false;
  try {
    event = mergedEvent(entry);
    piece = format.encodeEvent(event);
    if (piece === undefined) return { kind: 'skipped' };
    if (Buffer.byteLength(piece) > limits.maxEventBytes && event.type === 'span' && hasPayload(event)) {
      event = withoutPayloads(event, 'too_large');
      piece = format.encodeEvent(event);
      trimmed = true;
    }
  } catch {
    return { kind: 'dropped', reason: 'serialize_failed' };
  }
  const bytes = piece === undefined ? Infinity : Buffer.byteLength(piece);
  if (piece === undefined || bytes > limits.maxEventBytes || bytes > budget) return { kind: 'dropped', reason: 'too_large' };
  return { kind: 'encoded', event, piece, bytes, trimmed };
}

/**
 * Makes each request's body and, when the format can decode bodies again, lets go of the events:
 * while a request is in flight (or waiting to retry) the garbage collector then sees one flat
 * buffer instead of thousands of small objects to trace and copy.
 */
export async function prepareRequests(requests: EncodedRequest[], format: WireFormat): Promise<void> {
  for (const request of requests) {
    request.payload = await requestBytes(request, format);
    if (!format.decodeAll) continue;
    request.pieces = [];
    request.events = [];
    for (const entry of request.entries) releaseEvents(entry);
  }
}

/**
 * The request body as bytes. Framed formats are assembled piece by piece, yielding every
 * millisecond, so that a 4 MiB body never means one long join and conversion on the app's thread.
 */
export async function requestBytes(request: EncodedRequest, format: WireFormat): Promise<Buffer> {
  if (request.payload) return request.payload;
  if (!format.frame) return Buffer.from(format.wrap(request.pieces, request.events), 'utf8');
  const { open, separator, close } = format.frame;
  // One buffer for the whole body, written piece by piece: no intermediate buffer per piece. One
  // spare byte tells a complete body (it never reaches the end) from a truncated write.
  const out = Buffer.allocUnsafe(Buffer.byteLength(open) + request.bytes + Buffer.byteLength(close) + 1);
  let at = out.write(open, 0);
  let sliceStart = performance.now();
  for (let i = 0; i < request.pieces.length; i++) {
    if (i > 0) at += out.write(separator, at);
    at += out.write(request.pieces[i]!, at);
    if (performance.now() - sliceStart > ENCODE_SLICE_MS) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
  }
  at += out.write(close, at);
  if (at >= out.length) return Buffer.from(format.wrap(request.pieces, request.events), 'utf8');
  return out.subarray(0, at);
}

/** Splits a request in two halves, one event per piece (for a 413; rare, so done synchronously). */
export function splitRequest(request: EncodedRequest, format: WireFormat): [EncodedRequest, EncodedRequest] {
  let events = request.events;
  if (events.length === 0 && request.payload && format.decodeAll) events = format.decodeAll(request.payload.toString('utf8'));
  const mid = Math.ceil(request.entries.length / 2);
  const half = (from: number, to: number): EncodedRequest => {
    const slice = events.slice(from, to);
    const pieces = slice.map((e) => format.encodeEvent(e) ?? 'null');
    return {
      entries: request.entries.slice(from, to),
      events: slice,
      pieces,
      bytes: pieces.reduce((n, p) => n + Buffer.byteLength(p) + 1, 0),
    };
  };
  return [half(0, mid), half(mid, request.entries.length)];
}
