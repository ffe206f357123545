/**
 * Provider, model, parameters, usage and time to first token of a generation-like OTel span, with
 * the old and new GenAI semantic-convention names, OpenInference's and the Vercel AI SDK's, as the
 * collector maps them (packages/server/src/otlp/map-generation.ts).
 */
import type { Usage } from '@wisp/protocol';
import type { AttributeSet } from './attribute-set.js';
import { parseJsonish } from '../json-value.js';

export interface GenerationFields {
  provider?: string;
  model?: string;
  modelParameters?: Record<string, unknown>;
  usage?: Usage;
  /** Milliseconds after the span's start. */
  timeToFirstTokenMs?: number;
}

// New names first, then old GenAI names, OpenInference, Vercel AI SDK.
const USAGE_KEYS: Readonly<Record<keyof Usage, string[]>> = {
  input: ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt', 'ai.usage.inputTokens', 'ai.usage.promptTokens'],
  output: ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'llm.token_count.completion', 'ai.usage.outputTokens', 'ai.usage.completionTokens'],
  cacheRead: ['gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens', 'llm.token_count.prompt_details.cache_read', 'ai.usage.cachedInputTokens'],
  cacheWrite: ['gen_ai.usage.cache_creation.input_tokens', 'gen_ai.usage.cache_creation_input_tokens', 'llm.token_count.prompt_details.cache_write'],
  reasoning: ['gen_ai.usage.reasoning.output_tokens', 'gen_ai.usage.reasoning_tokens', 'llm.token_count.completion_details.reasoning', 'ai.usage.reasoningTokens'],
  total: ['gen_ai.usage.total_tokens', 'llm.token_count.total', 'ai.usage.totalTokens'],
};

/** `gen_ai.request.*` parameters, kept under their short name. */
const REQUEST_PARAMETERS: ReadonlyArray<[string, string]> = [
  'temperature',
  'max_tokens',
  'top_p',
  'top_k',
  'frequency_penalty',
  'presence_penalty',
  'stop_sequences',
  'seed',
  'choice.count',
  'stream',
  'encoding_formats',
].map((p) => [`gen_ai.request.${p}`, p.replace('.', '_')]);

/** Vercel AI SDK `ai.settings.*` parameters. */
const VERCEL_SETTINGS = ['temperature', 'maxOutputTokens', 'maxTokens', 'topP', 'topK', 'frequencyPenalty', 'presencePenalty', 'seed', 'maxRetries'];

// Seconds after the span's start (GenAI) or milliseconds (Vercel AI SDK).
const TTFT_SECONDS_KEYS = [
  'gen_ai.response.time_to_first_chunk',
  'gen_ai.server.time_to_first_token',
  'gen_ai.response.time_to_first_token',
  'gen_ai.client.operation.time_to_first_chunk',
];
const TTFT_MS_KEYS = ['ai.response.msToFirstChunk', 'ai.stream.msToFirstChunk'];

export function mapGeneration(attrs: AttributeSet): GenerationFields {
  const out: GenerationFields = {};
  let provider = attrs.takeString('gen_ai.provider.name', 'gen_ai.system', 'llm.provider', 'llm.system', 'langfuse.observation.model.provider');
  // The Vercel AI SDK names the provider `openai.chat`, `anthropic.messages`..., in `ai.model.provider`
  // and again in `gen_ai.system`; the provider is the first part. (GenAI's own names may contain
  // dots, `aws.bedrock`, so only the AI SDK's are cut.)
  const vercel = attrs.takeString('ai.model.provider');
  if (vercel !== undefined && (provider === undefined || provider === vercel)) provider = vercel.split('.')[0];
  if (provider) out.provider = provider;

  // The response model names the exact snapshot, which prices best; a different requested alias
  // stays in metadata.
  const responseModel = attrs.takeString('gen_ai.response.model', 'ai.response.model');
  if (responseModel !== undefined && attrs.get('gen_ai.request.model') === responseModel) attrs.drop('gen_ai.request.model');
  if (responseModel !== undefined && attrs.get('ai.model.id') === responseModel) attrs.drop('ai.model.id');
  const model = responseModel ?? attrs.takeString('gen_ai.request.model', 'llm.model_name', 'langfuse.observation.model.name', 'ai.model.id');
  if (model) out.model = model;

  const params: Record<string, unknown> = {};
  for (const [key, name] of REQUEST_PARAMETERS) {
    const v = attrs.take(key);
    if (v !== undefined) params[name] = v;
  }
  for (const name of VERCEL_SETTINGS) {
    const v = attrs.take(`ai.settings.${name}`);
    if (v !== undefined && !Object.hasOwn(params, name)) params[name] = v;
  }
  const invocation = parseJsonish(attrs.take('llm.invocation_parameters', 'langfuse.observation.model.parameters'));
  if (invocation !== null && typeof invocation === 'object' && !Array.isArray(invocation)) {
    for (const [k, v] of Object.entries(invocation)) if (!Object.hasOwn(params, k)) params[k] = v;
  }
  if (Object.keys(params).length > 0) out.modelParameters = params;

  const usage: Usage = {};
  for (const field of Object.keys(USAGE_KEYS) as Array<keyof Usage>) {
    const n = attrs.takeNumber(...USAGE_KEYS[field]);
    if (n !== undefined && n >= 0 && n <= Number.MAX_SAFE_INTEGER) usage[field] = Math.round(n);
  }
  if (Object.keys(usage).length > 0) out.usage = usage;

  const seconds = attrs.takeNumber(...TTFT_SECONDS_KEYS);
  const ms = seconds !== undefined ? seconds * 1000 : attrs.takeNumber(...TTFT_MS_KEYS);
  if (ms !== undefined && ms >= 0) out.timeToFirstTokenMs = ms;
  return out;
}
