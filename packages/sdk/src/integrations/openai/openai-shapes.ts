/**
 * The parts of the OpenAI JS client and its API objects that the wrapper reads, as structural
 * types: `@wisp/sdk` never imports `openai`. Every field is optional and read defensively, since
 * OpenAI-compatible servers (Azure, vLLM, Ollama, OpenRouter...) fill them unevenly.
 */

/** Anything shaped like the OpenAI client: resources with `create` methods. */
export interface OpenAILike {
  chat?: { completions?: { create?: (...args: any[]) => unknown } };
  responses?: { create?: (...args: any[]) => unknown };
  embeddings?: { create?: (...args: any[]) => unknown };
}

export interface TokenUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  input_tokens?: number;
  output_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
  input_tokens_details?: { cached_tokens?: number } | null;
  output_tokens_details?: { reasoning_tokens?: number } | null;
}

export interface ToolCall {
  index?: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

export interface ChatMessage {
  role?: string;
  content?: unknown;
  refusal?: string | null;
  tool_calls?: ToolCall[] | null;
  function_call?: { name?: string; arguments?: string } | null;
  audio?: unknown;
}

export interface ChatCompletion {
  id?: string;
  model?: string;
  choices?: Array<{ index?: number; message?: ChatMessage; finish_reason?: string | null }>;
  usage?: TokenUsage | null;
  system_fingerprint?: string | null;
  service_tier?: string | null;
}

export interface ChatCompletionChunk {
  id?: string;
  model?: string;
  choices?: Array<{
    index?: number;
    delta?: { role?: string; content?: string | null; refusal?: string | null; tool_calls?: ToolCall[] };
    finish_reason?: string | null;
  }>;
  usage?: TokenUsage | null;
  system_fingerprint?: string | null;
  service_tier?: string | null;
}

export interface ResponseObject {
  id?: string;
  model?: string;
  status?: string;
  output?: unknown[];
  output_text?: string;
  usage?: TokenUsage | null;
  error?: { code?: string; message?: string } | null;
  incomplete_details?: { reason?: string } | null;
  service_tier?: string | null;
}

export interface ResponseStreamEvent {
  type?: string;
  delta?: unknown;
  response?: ResponseObject;
  message?: string;
  code?: string | null;
}

export interface EmbeddingResult {
  model?: string;
  data?: Array<{ embedding?: unknown }>;
  usage?: TokenUsage | null;
}

/** What OpenAI's `APIError` carries besides `message`. */
export interface ApiErrorLike {
  status?: number;
  code?: string | null;
  type?: string;
  param?: string | null;
  request_id?: string | null;
  requestID?: string | null;
}
