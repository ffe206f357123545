/**
 * One traced OpenAI operation (chat completions, responses, embeddings): how its request becomes
 * the span's start attributes, and its result (or its stream) the span's end.
 */
import type { ObservationKind } from '@wisp/protocol';
import type { SpanAttributes, SpanEndOptions } from '../../span-types.js';

/** Folds a stream's items into the span's end, boundedly. */
export interface StreamAccumulator {
  /** Takes one streamed item; true when it carried generated content (it then counts as a chunk). */
  add(item: unknown): boolean;
  /** What the stream amounted to so far. */
  result(): SpanEndOptions;
}

/** What the wrapper reads of a request: its parameters object, or `{}`. */
export type RequestParams = Record<string, unknown>;

export interface Operation {
  readonly spanName: string;
  readonly kind: ObservationKind;
  /** Start attributes: model, model parameters, input (when `captureInput`), metadata. */
  request(params: RequestParams, captureInput: boolean): SpanAttributes;
  /** End attributes of a non-streamed result: output (when `captureOutput`), usage, response model. */
  response(result: unknown, captureOutput: boolean): SpanEndOptions;
  /** A fresh accumulator for a streamed result. */
  stream(captureOutput: boolean): StreamAccumulator;
}

/** The keys of `params` that are present, copied (model parameters are small scalars or objects). */
export function pick(params: RequestParams, keys: readonly string[]): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  for (const key of keys) {
    const v = params[key];
    if (v !== undefined && v !== null) (out ??= {})[key] = v;
  }
  return out;
}

/** Plain-object check for values read from requests and results. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Merges metadata parts that are present; `undefined` when none is. */
export function mergeMetadata(...parts: Array<Record<string, unknown> | undefined>): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  for (const part of parts) {
    if (part === undefined) continue;
    for (const [k, v] of Object.entries(part)) if (v !== undefined && v !== null) (out ??= {})[k] = v;
  }
  return out;
}
