/**
 * `responses.create`: `instructions` and `input` are the input, the response's output items the
 * output. A stream's text deltas are kept until the final `response.completed` (or `incomplete`,
 * `failed`) event brings the whole response; usage comes from that event.
 */
import type { SpanAttributes, SpanEndOptions } from '../../span-types.js';
import { apiFailure } from './api-failure.js';
import { MAX_STREAM_TEXT } from './chat-completions.js';
import type { ResponseObject, ResponseStreamEvent } from './openai-shapes.js';
import type { Operation, RequestParams, StreamAccumulator } from './operation.js';
import { isRecord, mergeMetadata, pick } from './operation.js';
import { toUsage } from './usage-mapping.js';

const MODEL_PARAMETERS = [
  'temperature',
  'top_p',
  'max_output_tokens',
  'max_tool_calls',
  'reasoning',
  'text',
  'tool_choice',
  'parallel_tool_calls',
  'truncation',
  'top_logprobs',
  'service_tier',
  'store',
  'background',
  'stream',
] as const;
const REQUEST_METADATA = ['tools', 'previous_response_id', 'conversation', 'prompt', 'include', 'user', 'metadata', 'prompt_cache_key', 'safety_identifier'] as const;

function request(params: RequestParams, captureInput: boolean): SpanAttributes {
  const attrs: SpanAttributes = {};
  if (typeof params.model === 'string') attrs.model = params.model;
  const modelParameters = pick(params, MODEL_PARAMETERS);
  if (modelParameters !== undefined) attrs.modelParameters = modelParameters;
  if (captureInput) {
    const { instructions, input } = params;
    if (typeof instructions === 'string' && instructions !== '') {
      const rest = Array.isArray(input) ? input : input === undefined ? [] : [{ role: 'user', content: input }];
      attrs.input = [{ role: 'system', content: instructions }, ...(rest as unknown[])];
    } else if (input !== undefined) {
      attrs.input = input;
    }
  }
  const metadata = pick(params, REQUEST_METADATA);
  if (metadata !== undefined) attrs.metadata = metadata;
  return attrs;
}

function response(result: unknown, captureOutput: boolean): SpanEndOptions {
  if (!isRecord(result)) return captureOutput && result !== undefined ? { output: result } : {};
  const r = result as ResponseObject;
  const end: SpanEndOptions = {};
  if (typeof r.model === 'string' && r.model !== '') end.model = r.model;
  const usage = toUsage(r.usage);
  if (usage !== undefined) end.usage = usage;
  if (captureOutput && r.output !== undefined) end.output = r.output;
  const metadata = mergeMetadata({
    responseId: r.id,
    responseStatus: r.status,
    incompleteReason: r.incomplete_details?.reason,
    serviceTier: r.service_tier,
    requestId: (r as { _request_id?: unknown })._request_id,
  });
  if (metadata !== undefined) end.metadata = metadata;
  if (r.status === 'failed' || (isRecord(r.error) && typeof r.error.message === 'string')) {
    end.error = apiFailure(r.error?.code ?? 'response_failed', r.error?.message ?? 'the response failed');
  }
  return end;
}

const FINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

class ResponseStream implements StreamAccumulator {
  private text = '';
  private final: ResponseObject | undefined;
  private latest: ResponseObject | undefined;
  private error: Error | undefined;

  constructor(private readonly captureOutput: boolean) {}

  add(item: unknown): boolean {
    if (!isRecord(item)) return false;
    const event = item as ResponseStreamEvent;
    const type = typeof event.type === 'string' ? event.type : '';
    if (isRecord(event.response)) {
      this.latest = event.response;
      if (FINAL_EVENTS.has(type)) this.final = event.response;
    }
    if (type === 'error') this.error = apiFailure(event.code ?? 'error', event.message ?? 'the stream reported an error');
    if (!type.endsWith('.delta')) return false;
    if (type === 'response.output_text.delta' && typeof event.delta === 'string' && this.captureOutput && this.text.length < MAX_STREAM_TEXT) {
      this.text += event.delta;
    }
    return true;
  }

  result(): SpanEndOptions {
    const end = this.final !== undefined ? response(this.final, this.captureOutput) : {};
    if (this.final === undefined) {
      if (typeof this.latest?.model === 'string') end.model = this.latest.model;
      if (this.latest?.id !== undefined) end.metadata = { responseId: this.latest.id };
      if (this.captureOutput && this.text !== '') end.output = this.text;
    }
    if (this.error !== undefined && end.error === undefined) end.error = this.error;
    return end;
  }
}

export const RESPONSES: Operation = {
  spanName: 'openai.responses',
  kind: 'generation',
  request,
  response,
  stream: (captureOutput) => new ResponseStream(captureOutput),
};
