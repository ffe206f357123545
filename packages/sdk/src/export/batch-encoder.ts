import type { DropReason, IngestEvent } from '@wisp/protocol';
import { hasPayload, mergedEvent, releaseEvents, withoutPayloads, type QueueEntry } from './queue-entry.js';
import type { WireFormat } from './wire-format.js';

/** The encoder yields to the event loop after this much continuous work. */
const ENCODE_SLICE_MS = 2;
/**
 * Batches estimated below this are serialized in one call when the format allows: a couple of
 * milliseconds of work at most (estimates run above the real size of merged spans), and cheaper
 * than one call per event plus a join.
 */
const ONE_SHOT_MAX_BYTES = 1024 * 1024;

export interface EncodeLimits {
  /** One serialized event may not exceed this (its payloads are dropped first). */
  maxEventBytes: number;
  /** One request body (before compression) may not exceed this. */
  maxRequestBytes: number;
}

/** Events ready to be sent as one request body. */
export interface EncodedRequest {
  entries: QueueEntry[];
  events: IngestEvent[];
  /** Each event serialized (absent when `body` was made in one shot). */
  pieces?: string[];
  /** The whole body, when made in one shot. */
  body?: string;
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
 * Serializes a batch event by event, off the caller's tick, yielding to the event loop every
 * couple of milliseconds so that big payloads never stall the app. Splits the batch into as many
 * requests as the request limit needs.
 */
export async function encodeEntries(
  entries: readonly QueueEntry[],
  format: WireFormat,
  limits: EncodeLimits,
): Promise<EncodeResult> {
  const oneShot = encodeInOneShot(entries, format, limits);
  if (oneShot) return { requests: [oneShot], dropped: [], skipped: [], trimmed: 0 };
  const result: EncodeResult = { requests: [], dropped: [], skipped: [], trimmed: 0 };
  const budget = limits.maxRequestBytes - format.overheadBytes;
  let current = { entries: [] as QueueEntry[], events: [] as IngestEvent[], pieces: [] as string[], bytes: 0 };
  let sliceStart = performance.now();
  for (let i = 0; i < entries.length; i++) {
    if ((i & 31) === 31 && performance.now() - sliceStart > ENCODE_SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
    const entry = entries[i]!;
    let event: IngestEvent;
    let piece: string | undefined;
    try {
      event = mergedEvent(entry);
      piece = format.encodeEvent(event);
      if (piece === undefined) {
        result.skipped.push(entry);
        continue;
      }
      if (Buffer.byteLength(piece) > limits.maxEventBytes && event.type === 'span' && hasPayload(event)) {
        event = withoutPayloads(event, 'too_large');
        piece = format.encodeEvent(event);
        result.trimmed++;
      }
    } catch {
      result.dropped.push({ entry, reason: 'serialize_failed' });
      continue;
    }
    const bytes = piece === undefined ? 0 : Buffer.byteLength(piece);
    if (piece === undefined || bytes > limits.maxEventBytes || bytes > budget) {
      result.dropped.push({ entry, reason: 'too_large' });
      continue;
    }
    if (current.entries.length > 0 && current.bytes + bytes + 1 > budget) {
      result.requests.push(current);
      current = { entries: [], events: [], pieces: [], bytes: 0 };
    }
    current.entries.push(entry);
    current.events.push(event);
    current.pieces.push(piece);
    current.bytes += bytes + 1;
  }
  if (current.entries.length > 0) result.requests.push(current);
  return result;
}

/**
 * The common case (a small batch, nothing odd in it) in one serializer call. Returns undefined when
 * the batch needs the careful path: too big to serialize without yielding, an event that does not
 * serialize, or a body big enough that one event might pass the event limit.
 */
function encodeInOneShot(entries: readonly QueueEntry[], format: WireFormat, limits: EncodeLimits): EncodedRequest | undefined {
  if (!format.encodeAll) return undefined;
  let estimate = 0;
  for (const entry of entries) estimate += entry.bytes;
  if (estimate > ONE_SHOT_MAX_BYTES) return undefined;
  try {
    const events = entries.map(mergedEvent);
    const body = format.encodeAll(events);
    const limit = Math.min(limits.maxEventBytes, limits.maxRequestBytes);
    // A UTF-8 byte is at most 3 per UTF-16 unit: skip measuring when the body is clearly small.
    if (body.length * 3 > limit && Buffer.byteLength(body) > limit) return undefined;
    return { entries: [...entries], events, body };
  } catch {
    return undefined;
  }
}

/**
 * Keeps only the body of each request, and lets go of the events of the batch, when the format can
 * decode bodies again: while a request is in flight (or waiting to retry) the garbage collector
 * then sees one flat string instead of thousands of small objects to trace and copy.
 */
export function compactRequests(requests: EncodedRequest[], format: WireFormat): void {
  if (!format.decodeAll) return;
  for (const request of requests) {
    request.body = requestBody(request, format);
    request.pieces = undefined;
    request.events = [];
    for (const entry of request.entries) releaseEvents(entry);
  }
}

/** Splits a request in two halves (for a 413). */
export function splitRequest(request: EncodedRequest, format: WireFormat): [EncodedRequest, EncodedRequest] {
  if (!request.pieces && request.events.length === 0 && request.body !== undefined && format.decodeAll) {
    request = { ...request, events: format.decodeAll(request.body) };
  }
  const pieces = request.pieces ?? request.events.map((e) => format.encodeEvent(e) ?? 'null');
  const mid = Math.ceil(request.entries.length / 2);
  const half = (from: number, to: number): EncodedRequest => ({
    entries: request.entries.slice(from, to),
    events: request.events.slice(from, to),
    pieces: pieces.slice(from, to),
  });
  return [half(0, mid), half(mid, request.entries.length)];
}

/** The request body. */
export function requestBody(request: EncodedRequest, format: WireFormat): string {
  return request.body ?? format.wrap(request.pieces ?? [], request.events);
}
