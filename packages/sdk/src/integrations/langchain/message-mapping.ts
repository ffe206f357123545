/**
 * LangChain messages and LLM results to the plain `{ role, content, tool_calls }` messages,
 * usage and model that Wisp records for a generation.
 */
import type { Usage } from '@wisp/protocol';
import type { LLMResultLike, MessageLike, SerializedLike, UsageMetadataLike } from './langchain-shapes.js';

const ROLES: Readonly<Record<string, string>> = {
  human: 'user',
  ai: 'assistant',
  system: 'system',
  tool: 'tool',
  function: 'function',
  developer: 'developer',
};

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object';
}

/** The name of a serialized runnable: its `name`, else the last part of its id. */
export function serializedName(serialized: unknown): string | undefined {
  if (!isObject(serialized)) return undefined;
  const s = serialized as SerializedLike;
  if (typeof s.name === 'string' && s.name !== '') return s.name;
  if (Array.isArray(s.id)) {
    const last: unknown = s.id[s.id.length - 1];
    if (typeof last === 'string' && last !== '') return last;
  }
  return undefined;
}

function messageType(m: MessageLike): string | undefined {
  if (typeof m.type === 'string') return m.type;
  try {
    if (typeof m._getType === 'function') return m._getType();
  } catch {
    // A message class without a working `_getType`: fall back to its role.
  }
  return undefined;
}

/** A LangChain message as `{ role, content, ... }`; other values pass through. */
export function toMessage(value: unknown): unknown {
  if (!isObject(value)) return value;
  const m = value as MessageLike;
  const type = messageType(m);
  const role = typeof m.role === 'string' ? m.role : type !== undefined ? (ROLES[type] ?? type) : undefined;
  if (role === undefined || !('content' in m)) return value;
  const out: Record<string, unknown> = { role, content: m.content };
  if (typeof m.name === 'string' && m.name !== '') out.name = m.name;
  if (Array.isArray(m.tool_calls) && m.tool_calls.length > 0) out.tool_calls = m.tool_calls;
  if (typeof m.tool_call_id === 'string') out.tool_call_id = m.tool_call_id;
  return out;
}

/** One list of messages stays a list; several (batched prompts) become a list of lists. */
export function toMessages(groups: unknown): unknown {
  if (!Array.isArray(groups)) return groups;
  const mapped = groups.map((group) => (Array.isArray(group) ? group.map(toMessage) : toMessage(group)));
  return mapped.length === 1 ? mapped[0] : mapped;
}

function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

function fromUsageMetadata(raw: unknown, into: Usage): void {
  if (!isObject(raw)) return;
  const u = raw as UsageMetadataLike;
  const add = (key: keyof Usage, v: unknown): void => {
    const n = count(v);
    if (n !== undefined) into[key] = (into[key] ?? 0) + n;
  };
  add('input', u.input_tokens);
  add('output', u.output_tokens);
  add('total', u.total_tokens);
  add('cacheRead', u.input_token_details?.cache_read);
  add('cacheWrite', u.input_token_details?.cache_creation);
  add('reasoning', u.output_token_details?.reasoning);
}

/** What an LLM run produced: output message(s) or text(s), usage and the model that answered. */
export function llmResult(result: unknown): { output?: unknown; usage?: Usage; model?: string; finishReason?: unknown } {
  if (!isObject(result)) return {};
  const r = result as LLMResultLike;
  const generations = Array.isArray(r.generations) ? r.generations.flat().filter(isObject) : [];
  const usage: Usage = {};
  let model: string | undefined;
  let finishReason: unknown;
  const outputs = generations.map((g) => {
    if (!isObject(g.message)) return g.text;
    const message = g.message as MessageLike;
    fromUsageMetadata(message.usage_metadata, usage);
    const meta = message.response_metadata;
    if (isObject(meta)) {
      const name = meta.model_name ?? meta.model;
      if (typeof name === 'string' && name !== '') model ??= name;
      finishReason ??= meta.finish_reason ?? meta.stop_reason;
    }
    return toMessage(message);
  });
  // Providers that report usage only in `llmOutput` (older integrations).
  if (Object.keys(usage).length === 0 && isObject(r.llmOutput)) {
    const t = (r.llmOutput.tokenUsage ?? r.llmOutput.estimatedTokenUsage ?? r.llmOutput.usage) as Record<string, unknown> | undefined;
    if (isObject(t)) {
      const input = count(t.promptTokens) ?? count(t.input_tokens) ?? count(t.prompt_tokens);
      const output = count(t.completionTokens) ?? count(t.output_tokens) ?? count(t.completion_tokens);
      const total = count(t.totalTokens) ?? count(t.total_tokens);
      if (input !== undefined) usage.input = input;
      if (output !== undefined) usage.output = output;
      if (total !== undefined) usage.total = total;
    }
    const name = r.llmOutput.model_name ?? r.llmOutput.model;
    if (typeof name === 'string' && name !== '') model ??= name;
  }
  const out: { output?: unknown; usage?: Usage; model?: string; finishReason?: unknown } = {};
  if (outputs.length > 0) out.output = outputs.length === 1 ? outputs[0] : outputs;
  if (Object.keys(usage).length > 0) out.usage = usage;
  if (model !== undefined) out.model = model;
  if (finishReason !== undefined) out.finishReason = finishReason;
  return out;
}
