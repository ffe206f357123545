import type { DropReason, IngestEvent } from '@wisp/protocol';
import { hasPayload, mergedEvent, releaseEvents, withoutPayloads, type QueueEntry } from './queue-entry.js';
import type { WireFormat } from './wire-format.js';
import { nextSlice, sliceSpent } from './slices.js';

/**
 * Events are serialized in runs of about this many estimated bytes, one serializer call per run:
 * cheaper than a call per event, and short enough (well under a millisecond) to keep the app's
 * tail latency flat.
 */
const RUN_BYTES = 64 * 1024;

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
  /** Serialized events, for formats without a frame (they wrap the strings themselves). */
  pieces: string[];
  /**
   * Serialized events as UTF-8 bytes, for framed formats: runs of events already joined by the
   * separator. Each run's string is turned into bytes as soon as it is made, so that it dies young:
   * big serialized strings kept until the body is built would be copied by every scavenge they
   * survive, on the app's thread; a Buffer's bytes live outside the JS heap.
   */
  chunks: Buffer[];
  /** UTF-8 bytes of the pieces (or chunks) and separators. */
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
  const framed = format.frame !== undefined;
  // A framed body that the format can decode again needs nothing from the events once serialized.
  const releaseEarly = framed && format.decodeAll !== undefined;
  let current = newRequest();
  const add = (run: QueueEntry[], events: IngestEvent[], piece: Piece) => {
    const bytes = piece.bytes;
    if (current.entries.length > 0 && current.bytes + bytes + 1 > budget) {
      result.requests.push(current);
      current = newRequest();
    }
    const n = current.entries.length;
    for (let k = 0; k < run.length; k++) current.entries.push(run[k]!);
    if (piece.buffer && releaseEarly) {
      // The bytes are all the request needs: let go of the events now, while the strings they hold
      // (and any flattened copy the serializer made) are still young and die without being copied.
      for (let k = 0; k < run.length; k++) releaseEvents(run[k]!);
    } else for (let k = 0; k < events.length; k++) current.events.push(events[k]!);
    if (piece.buffer) current.chunks.push(piece.buffer);
    else current.pieces.push(piece.text!);
    current.bytes += bytes + (n > 0 ? 1 : 0);
  };

  // Never on the tick that took the batch: that tick may be starting other batches too.
  await nextSlice();
  for (let i = 0; i < entries.length; ) {
    if (sliceSpent()) await nextSlice();
    const run = takeRun(entries, i);
    i += run.length;
    if (format.encodeRun && run.length > 1) {
      const encoded = tryRun(run, format, limits.maxEventBytes, framed);
      if (encoded) {
        add(run, encoded.events, encoded.piece);
        continue;
      }
    }
    for (const entry of run) {
      const one = encodeOne(entry, format, limits, budget, framed);
      if (one.kind === 'skipped') result.skipped.push(entry);
      else if (one.kind === 'dropped') result.dropped.push({ entry, reason: one.reason });
      else {
        if (one.trimmed) result.trimmed++;
        add([entry], [one.event], one.piece);
      }
    }
  }
  if (current.entries.length > 0) result.requests.push(current);
  return result;
}

function newRequest(): EncodedRequest {
  return { entries: [], events: [], pieces: [], chunks: [], bytes: 0 };
}

/** One serializer output: as bytes (framed formats) or as a string, with its UTF-8 size. */
interface Piece {
  buffer?: Buffer;
  text?: string;
  bytes: number;
}

function piece(text: string, framed: boolean): Piece {
  if (!framed) return { text, bytes: Buffer.byteLength(text) };
  const buffer = Buffer.from(text, 'utf8');
  return { buffer, bytes: buffer.length };
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
  framed: boolean,
): { events: IngestEvent[]; piece: Piece } | undefined {
  try {
    const events = run.map(mergedEvent);
    const encoded = piece(format.encodeRun!(events), framed);
    // No event of the run can pass the event limit when the whole run does not.
    return encoded.bytes <= maxEventBytes ? { events, piece: encoded } : undefined;
  } catch {
    return undefined;
  }
}

type EncodedOne =
  | { kind: 'encoded'; event: IngestEvent; piece: Piece; trimmed: boolean }
  | { kind: 'skipped' }
  | { kind: 'dropped'; reason: DropReason };

function encodeOne(entry: QueueEntry, format: WireFormat, limits: EncodeLimits, budget: number, framed: boolean): EncodedOne {
  let event: IngestEvent;
  let encoded: Piece | undefined;
  let trimmed = false;
  try {
    event = mergedEvent(entry);
    const text = format.encodeEvent(event);
    if (text === undefined) return { kind: 'skipped' };
    encoded = piece(text, framed);
    if (encoded.bytes > limits.maxEventBytes && event.type === 'span' && hasPayload(event)) {
      event = withoutPayloads(event, 'too_large');
      const again = format.encodeEvent(event);
      encoded = again === undefined ? undefined : piece(again, framed);
      trimmed = true;
    }
  } catch {
    return { kind: 'dropped', reason: 'serialize_failed' };
  }
  if (encoded === undefined || encoded.bytes > limits.maxEventBytes || encoded.bytes > budget) return { kind: 'dropped', reason: 'too_large' };
  return { kind: 'encoded', event, piece: encoded, trimmed };
}

/**
 * Makes each request's body and, when the format can decode bodies again, lets go of the events:
 * while a request is in flight (or waiting to retry) the garbage collector then sees one flat
 * buffer instead of thousands of small objects to trace and copy.
 */
export async function prepareRequests(requests: EncodedRequest[], format: WireFormat): Promise<void> {
  for (const request of requests) {
    request.payload = await requestBytes(request, format);
    request.chunks = [];
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
  // One buffer for the whole body, the chunks copied in (a memcpy each), yielding every millisecond.
  const out = Buffer.allocUnsafe(Buffer.byteLength(open) + request.bytes + Buffer.byteLength(close));
  let at = out.write(open, 0);
  for (let i = 0; i < request.chunks.length; i++) {
    if (i > 0) at += out.write(separator, at);
    const chunk = request.chunks[i]!;
    out.set(chunk, at);
    at += chunk.length;
    if (sliceSpent()) await nextSlice();
  }
  at += out.write(close, at);
  return out.subarray(0, at);
}

/** Splits a request in two halves, one event per piece (for a 413; rare, so done synchronously). */
export function splitRequest(request: EncodedRequest, format: WireFormat): [EncodedRequest, EncodedRequest] {
  let events = request.events;
  if (events.length === 0 && request.payload && format.decodeAll) events = format.decodeAll(request.payload.toString('utf8'));
  const mid = Math.ceil(request.entries.length / 2);
  const half = (from: number, to: number): EncodedRequest => {
    const slice = events.slice(from, to);
    const pieces = slice.map((e) => piece(format.encodeEvent(e) ?? 'null', format.frame !== undefined));
    return {
      entries: request.entries.slice(from, to),
      events: slice,
      pieces: pieces.flatMap((p) => (p.text === undefined ? [] : [p.text])),
      chunks: pieces.flatMap((p) => (p.buffer === undefined ? [] : [p.buffer])),
      bytes: pieces.reduce((n, p, i) => n + p.bytes + (i > 0 ? 1 : 0), 0),
    };
  };
  return [half(0, mid), half(mid, request.entries.length)];
}
