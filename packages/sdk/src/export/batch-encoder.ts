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
/** Events estimated above this make the encoder check its time slice before serializing them. */
const BIG_EVENT_BYTES = 16 * 1024;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

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
  /** Each event serialized (absent when `json` was made in one shot). */
  pieces?: string[];
  /** The whole body, when made in one shot. */
  json?: string;
  /** The body as bytes, once made (then `pieces`, `json` and `events` may be let go). */
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
    const entry = entries[i]!;
    // Reading the clock costs far less than serializing a big event: check before each of those.
    if (((i & 31) === 31 || entry.bytes > BIG_EVENT_BYTES) && performance.now() - sliceStart > ENCODE_SLICE_MS) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
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
    return { entries: [...entries], events, json: body };
  } catch {
    return undefined;
  }
}

/**
 * Makes each request's body bytes and lets go of everything else when the format can decode bodies
 * again: while a request is in flight (or waiting to retry) the garbage collector then sees one
 * flat buffer instead of thousands of small objects to trace and copy.
 */
export async function prepareRequests(requests: EncodedRequest[], format: WireFormat): Promise<void> {
  for (const request of requests) {
    request.payload = await requestBytes(request, format);
    if (!format.decodeAll) continue;
    request.pieces = undefined;
    request.json = undefined;
    request.events = [];
    for (const entry of request.entries) releaseEvents(entry);
  }
}

/**
 * The request body as bytes. Framed formats are assembled piece by piece, yielding every couple of
 * milliseconds, so that a 4 MiB body never means one long join and conversion on the app's thread.
 */
export async function requestBytes(request: EncodedRequest, format: WireFormat): Promise<Buffer> {
  if (request.payload) return request.payload;
  if (request.json !== undefined) return Buffer.from(request.json, 'utf8');
  const pieces = request.pieces ?? [];
  if (!format.frame) return Buffer.from(format.wrap(pieces, request.events), 'utf8');
  const { open, separator, close } = format.frame;
  const parts: Buffer[] = [Buffer.from(open)];
  const sep = Buffer.from(separator);
  let sliceStart = performance.now();
  for (let i = 0; i < pieces.length; i++) {
    if (i > 0) parts.push(sep);
    parts.push(Buffer.from(pieces[i]!, 'utf8'));
    if (performance.now() - sliceStart > ENCODE_SLICE_MS) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
  }
  parts.push(Buffer.from(close));
  return Buffer.concat(parts);
}

/** Splits a request in two halves (for a 413). */
export function splitRequest(request: EncodedRequest, format: WireFormat): [EncodedRequest, EncodedRequest] {
  let events = request.events;
  if (!request.pieces && events.length === 0 && format.decodeAll) {
    events = format.decodeAll(request.json ?? request.payload?.toString('utf8') ?? '{"events":[]}');
  }
  const pieces = request.pieces ?? events.map((e) => format.encodeEvent(e) ?? 'null');
  const mid = Math.ceil(request.entries.length / 2);
  const half = (from: number, to: number): EncodedRequest => ({
    entries: request.entries.slice(from, to),
    events: events.slice(from, to),
    pieces: pieces.slice(from, to),
  });
  return [half(0, mid), half(mid, request.entries.length)];
}
