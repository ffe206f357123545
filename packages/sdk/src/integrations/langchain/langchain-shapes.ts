/**
 * The parts of LangChain.js callback arguments the handler reads, as structural types:
 * `@wisp/sdk` never imports `@langchain/*`. Every field is optional and read defensively.
 */

/** A serialized runnable, model, tool or retriever (`{ id: ['langchain', ..., 'ChatOpenAI'], name? }`). */
export interface SerializedLike {
  id?: unknown;
  name?: unknown;
}

/** A `BaseMessage` (or a plain message object). */
export interface MessageLike {
  type?: unknown;
  role?: unknown;
  content?: unknown;
  name?: unknown;
  tool_calls?: unknown;
  tool_call_id?: unknown;
  usage_metadata?: UsageMetadataLike;
  response_metadata?: Record<string, unknown>;
  _getType?: () => string;
}

/** `AIMessage.usage_metadata`. */
export interface UsageMetadataLike {
  input_tokens?: number;
  output_tokens?: number;
  total_tokens?: number;
  input_token_details?: { cache_read?: number; cache_creation?: number };
  output_token_details?: { reasoning?: number };
}

/** `LLMResult`: generations per prompt, each a `Generation` or `ChatGeneration`. */
export interface LLMResultLike {
  generations?: Array<Array<{ text?: string; message?: MessageLike; generationInfo?: Record<string, unknown> }>>;
  llmOutput?: Record<string, unknown>;
}

export interface AgentActionLike {
  tool?: unknown;
  toolInput?: unknown;
  log?: unknown;
}

export interface AgentFinishLike {
  returnValues?: unknown;
  log?: unknown;
}
