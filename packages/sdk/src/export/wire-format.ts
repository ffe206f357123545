import type { IngestEvent } from '@wisp/protocol';
import type { Compression } from './compress-body.js';

/** Which items of a request the backend rejected in a 2xx answer. */
export interface Rejections {
  /** Indexes into the request's events, when the backend names them. */
  indexes?: number[];
  /** How many were rejected (with or without indexes). */
  count: number;
}

/**
 * How a backend wants its requests: the pipeline serializes events one by one (so that it knows
 * each event's size and can split requests anywhere) and lets the format wrap them.
 */
export interface WireFormat {
  /** Path appended to the exporter's endpoint. */
  readonly path: string;
  readonly contentType: string;
  /** Body compression unless the exporter's options say otherwise. */
  readonly defaultCompression: Compression;
  /** The serialized form of one event; `undefined` leaves it out of the request. */
  encodeEvent(event: IngestEvent): string | undefined;
  /** Bytes `wrap` adds around the events, at most. */
  readonly overheadBytes: number;
  /**
   * When present, `wrap(pieces)` is `open + pieces.join(separator) + close`, which lets the
   * pipeline assemble big bodies in slices instead of one join.
   */
  readonly frame?: { open: string; separator: string; close: string };
  /** The request body from serialized events (`events[i]` is the source of `pieces[i]`). */
  wrap(pieces: readonly string[], events: readonly IngestEvent[]): string;
  /**
   * Optional, for framed formats: several events serialized in one call, joined by the separator
   * (equal to encoding each and joining them). Cheaper than a call per event.
   */
  encodeRun?(events: readonly IngestEvent[]): string;
  /**
   * The inverse of `wrap`. When present, the pipeline keeps only request bodies (flat strings) while
   * requests are in flight, and decodes one in the rare case it must be split (413).
   */
  decodeAll?(body: string): IngestEvent[];
  /** Reads a 2xx answer body (possibly truncated) for partially rejected requests. */
  rejections(body: string): Rejections;
}
