import { DEFAULT_LIMITS } from '../limits.js';
import type { Usage } from '../model.js';
import type { AttributeBag } from './attribute-bag.js';
import type { JsonBounds } from './parse-jsonish.js';
import { parseJsonish } from './parse-jsonish.js';
import { setOwn } from './set-own.js';

export interface GenerationFields {
  provider?: string;
  model?: string;
  modelParameters?: Record<string, unknown>;
  usage?: Usage;
  /** Time to first token in ms after the span's start, from attributes. */
  timeToFirstTokenMs?: number;
}

const MAX_NAME_CHARS = DEFAULT_LIMITS.maxNameLength;

// Token counts: new names first, then old GenAI names, OpenInference, Vercel AI SDK.
const USAGE_KEYS: Readonly<Record<keyof Usage, string[]>> = {
  input: ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt', 'ai.usage.inputTokens', 'ai.usage.promptTokens'],
  output: [
    'gen_ai.usage.output_tokens',
    'gen_ai.usage.completion_tokens',
    'llm.token_count.completion',
    'ai.usage.outputTokens',
    'ai.usage.completionTokens',
  ],
  cacheRead: [
    'gen_ai.usage.cache_read.input_tokens',
    'gen_ai.usage.cache_read_input_tokens',
    'llm.token_count.prompt_details.cache_read',
    'ai.usage.cachedInputTokens',
  ],
  cacheWrite: [
    'gen_ai.usage.cache_creation.input_tokens',
    'gen_ai.usage.cache_creation_input_tokens',
    'llm.token_count.prompt_details.cache_write',
  ],
  reasoning: [
    'gen_ai.usage.reasoning.output_tokens',
    'gen_ai.usage.reasoning_tokens',
    'llm.token_count.completion_details.reasoning',
    'ai.usage.reasoningTokens',
  ],
  total: ['gen_ai.usage.total_tokens', 'llm.token_count.total', 'ai.usage.totalTokens'],
};

// `gen_ai.request.*` parameters, stored under their short name.
const REQUEST_PARAMETER_NAMES = [
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
];
const REQUEST_PARAMETERS: ReadonlyArray<[key: string, name: string]> = REQUEST_PARAMETER_NAMES.map((p) => [`gen_ai.request.${p}`, p.replace('.', '_')]);

/** Vercel AI SDK `ai.settings.*` parameters, kept under their own name. */
const VERCEL_SETTINGS = ['temperature', 'maxOutputTokens', 'maxTokens', 'topP', 'topK', 'frequencyPenalty', 'presencePenalty', 'seed', 'maxRetries'];

// Seconds after the span's start (GenAI) or milliseconds (Vercel AI SDK).
const TTFT_SECONDS_KEYS = [
  'gen_ai.response.time_to_first_chunk',
  'gen_ai.server.time_to_first_token',
  'gen_ai.response.time_to_first_token',
  'gen_ai.client.operation.time_to_first_chunk',
];
const TTFT_MS_KEYS = ['ai.response.msToFirstChunk', 'ai.stream.msToFirstChunk'];

function name(value: string | undefined): string | undefined {
  return value === undefined ? undefined : value.slice(0, MAX_NAME_CHARS);
}

function mapProvider(bag: AttributeBag): string | undefined {
  const provider = bag.takeString('gen_ai.provider.name', 'gen_ai.system', 'llm.provider', 'llm.system', 'langfuse.observation.model.provider');
  // The Vercel AI SDK names the provider `openai.chat`, `anthropic.messages`... in `ai.model.provider`
  // and again in `gen_ai.system`; prices are looked up by the plain provider, the first part. GenAI's
  // own names may contain dots (`aws.bedrock`), so only the AI SDK's are cut.
  const vercel = bag.takeString('ai.model.provider');
  if (vercel !== undefined && (provider === undefined || provider === vercel)) return vercel.split('.')[0];
  return provider;
}

function mapModel(bag: AttributeBag): string | undefined {
  // The response model names the exact snapshot (gpt-4o-2024-08-06), which prices best; the
  // requested alias then stays in metadata when it differs.
  const responseModel = bag.takeString('gen_ai.response.model', 'ai.response.model');
  if (responseModel === undefined) return bag.takeString('gen_ai.request.model', 'llm.model_name', 'langfuse.observation.model.name', 'ai.model.id');
  if (bag.get('gen_ai.request.model') === responseModel) bag.drop('gen_ai.request.model');
  if (bag.get('ai.model.id') === responseModel) bag.drop('ai.model.id');
  return responseModel;
}

function mapParameters(bag: AttributeBag, bounds: JsonBounds): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [key, param] of REQUEST_PARAMETERS) {
    if (bag.has(key)) setOwn(params, param, bag.take(key));
  }
  for (const setting of VERCEL_SETTINGS) {
    const v = bag.take(`ai.settings.${setting}`);
    if (v !== undefined && !Object.hasOwn(params, setting)) setOwn(params, setting, v);
  }
  const invocation = parseJsonish(bag.take('llm.invocation_parameters', 'langfuse.observation.model.parameters'), bounds);
  if (typeof invocation === 'object' && invocation !== null && !Array.isArray(invocation)) {
    for (const [k, v] of Object.entries(invocation)) if (!Object.hasOwn(params, k)) setOwn(params, k, v);
  }
  return params;
}

/**
 * Provider, model, parameters, usage and time to first token of a generation-like span, from the
 * old and new GenAI names, OpenInference's, Langfuse's and the Vercel AI SDK's.
 *
 * @example
 * mapGeneration(new AttributeBag([['ai.model.provider', 'openai.chat'], ['gen_ai.usage.input_tokens', 10]]), bounds);
 * // { provider: 'openai', usage: { input: 10 } }
 */
export function mapGeneration(bag: AttributeBag, bounds: JsonBounds): GenerationFields {
  const out: GenerationFields = {};
  const provider = name(mapProvider(bag));
  if (provider) out.provider = provider;
  const model = name(mapModel(bag));
  if (model) out.model = model;

  const params = mapParameters(bag, bounds);
  if (Object.keys(params).length > 0) out.modelParameters = params;

  const usage: Usage = {};
  for (const field of Object.keys(USAGE_KEYS) as Array<keyof Usage>) {
    const n = bag.takeNumber(...USAGE_KEYS[field]);
    if (n !== undefined && n >= 0 && n <= Number.MAX_SAFE_INTEGER) usage[field] = Math.round(n);
  }
  if (Object.keys(usage).length > 0) out.usage = usage;

  const seconds = bag.takeNumber(...TTFT_SECONDS_KEYS);
  const ms = seconds !== undefined ? seconds * 1000 : bag.takeNumber(...TTFT_MS_KEYS);
  if (ms !== undefined && ms >= 0) out.timeToFirstTokenMs = ms;
  return out;
}
