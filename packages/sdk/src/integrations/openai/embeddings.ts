/**
 * `embeddings.create`: a span of kind `embedding`. The texts are the input; the vectors are not
 * recorded (they are large and say little), only how many came back and their dimension.
 */
import type { SpanAttributes, SpanEndOptions } from '../../span-types.js';
import type { EmbeddingResult } from './openai-shapes.js';
import type { Operation, RequestParams, StreamAccumulator } from './operation.js';
import { isRecord, pick } from './operation.js';
import { toUsage } from './usage-mapping.js';

function request(params: RequestParams, captureInput: boolean): SpanAttributes {
  const attrs: SpanAttributes = {};
  if (typeof params.model === 'string') attrs.model = params.model;
  const modelParameters = pick(params, ['dimensions', 'encoding_format']);
  if (modelParameters !== undefined) attrs.modelParameters = modelParameters;
  if (captureInput && params.input !== undefined) attrs.input = params.input;
  const metadata = pick(params, ['user']);
  if (metadata !== undefined) attrs.metadata = metadata;
  return attrs;
}

function response(result: unknown, captureOutput: boolean): SpanEndOptions {
  if (!isRecord(result)) return {};
  const r = result as EmbeddingResult;
  const end: SpanEndOptions = {};
  if (typeof r.model === 'string' && r.model !== '') end.model = r.model;
  const usage = toUsage(r.usage);
  if (usage !== undefined) end.usage = usage;
  if (captureOutput && Array.isArray(r.data)) {
    const first = r.data[0]?.embedding;
    const dimensions = Array.isArray(first) || ArrayBuffer.isView(first) ? (first as { length: number }).length : undefined;
    end.output = dimensions === undefined ? { embeddings: r.data.length } : { embeddings: r.data.length, dimensions };
  }
  return end;
}

/** Embeddings do not stream; a stream-shaped result is only counted. */
const NO_STREAM: StreamAccumulator = { add: () => false, result: () => ({}) };

export const EMBEDDINGS: Operation = {
  spanName: 'openai.embeddings',
  kind: 'embedding',
  request,
  response,
  stream: () => NO_STREAM,
};
