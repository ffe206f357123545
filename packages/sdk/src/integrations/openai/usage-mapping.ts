/**
 * OpenAI token usage (chat completions' `prompt_tokens`/`completion_tokens` and the Responses and
 * embeddings APIs' `input_tokens`/`output_tokens`) to Wisp's usage. Input counts every prompt
 * token, cached ones included, as OpenAI reports them and as Wisp prices them (docs/pricing.md).
 */
import type { Usage } from '@wisp/protocol';
import type { TokenUsage } from './openai-shapes.js';

function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

export function toUsage(raw: unknown): Usage | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const u = raw as TokenUsage;
  const usage: Usage = {};
  const input = count(u.prompt_tokens) ?? count(u.input_tokens);
  const output = count(u.completion_tokens) ?? count(u.output_tokens);
  const total = count(u.total_tokens);
  const cached = count(u.prompt_tokens_details?.cached_tokens) ?? count(u.input_tokens_details?.cached_tokens);
  const reasoning = count(u.completion_tokens_details?.reasoning_tokens) ?? count(u.output_tokens_details?.reasoning_tokens);
  if (input !== undefined) usage.input = input;
  if (output !== undefined) usage.output = output;
  if (total !== undefined) usage.total = total;
  if (cached !== undefined) usage.cacheRead = cached;
  if (reasoning !== undefined) usage.reasoning = reasoning;
  return Object.keys(usage).length > 0 ? usage : undefined;
}
