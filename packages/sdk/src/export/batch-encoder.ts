import type { DropReason, IngestEvent } from '@wisp/protocol';
import { hasPayload, mergedEvent, withoutPayloads, type QueueEntry } from './queue-entry.js';
import type { WireFormat } from './wire-format.js';

/** The encoder yields to the event loop after this much continuous work. */
const ENCODE_SLICE_MS = 2;

export interface EncodeLimits {
  /** One serialized event may not exceed this (its payloads are dropped first). */
  maxEventBytes: number;
  /** One request body (before compression) may not exceed this. */
  maxRequestBytes: number;
}

/** Events ready to be wrapped into one request body. */
export interface EncodedRequest {
  entries: QueueEntry[];
  events: IngestEvent[];
  pieces: string[];
  bytes: number;
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
  const result: EncodeResult = { requests: [], dropped: [], skipped: [], trimmed: 0 };
  const budget = limits.maxRequestBytes - format.overheadBytes;
  let current: EncodedRequest = { entries: [], events: [], pieces: [], bytes: 0 };
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

/** Splits a request in two halves (for a 413). */
export function splitRequest(request: EncodedRequest): [EncodedRequest, EncodedRequest] {
  const mid = Math.ceil(request.entries.length / 2);
  const half = (from: number, to: number): EncodedRequest => {
    const pieces = request.pieces.slice(from, to);
    return {
      entries: request.entries.slice(from, to),
      events: request.events.slice(from, to),
      pieces,
      bytes: pieces.reduce((n, p) => n + Buffer.byteLength(p) + 1, 0),
    };
  };
  return [half(0, mid), half(mid, request.entries.length)];
}
