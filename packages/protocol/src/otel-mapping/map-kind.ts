import type { ObservationKind } from '../model.js';
import { OBSERVATION_KINDS } from '../model.js';
import type { AttributeBag } from './attribute-bag.js';

/** OpenInference `openinference.span.kind` values. */
const OPENINFERENCE_KINDS: Readonly<Record<string, ObservationKind>> = {
  LLM: 'generation',
  CHAIN: 'chain',
  TOOL: 'tool',
  RETRIEVER: 'retriever',
  RERANKER: 'retriever',
  EMBEDDING: 'embedding',
  AGENT: 'agent',
  GUARDRAIL: 'guardrail',
  EVALUATOR: 'span',
  PROMPT: 'span',
  UNKNOWN: 'span',
};

/** OpenTelemetry GenAI `gen_ai.operation.name` values. */
const GENAI_OPERATIONS: Readonly<Record<string, ObservationKind>> = {
  chat: 'generation',
  text_completion: 'generation',
  generate_content: 'generation',
  completion: 'generation',
  embeddings: 'embedding',
  embedding: 'embedding',
  execute_tool: 'tool',
  invoke_agent: 'agent',
  create_agent: 'agent',
  invoke_workflow: 'chain',
  plan: 'chain',
  retrieval: 'retriever',
  search_memory: 'retriever',
};

/** Vercel AI SDK `ai.operationId` values (the inner provider calls are the generations). */
function vercelKind(operationId: string): ObservationKind | undefined {
  if (/\.do(Generate|Stream)$/.test(operationId)) return 'generation';
  if (/^ai\.embed(Many)?\.doEmbed$/.test(operationId)) return 'embedding';
  if (operationId === 'ai.toolCall') return 'tool';
  if (/^ai\.(generate|stream)(Text|Object)$/.test(operationId)) return 'chain';
  if (/^ai\.embed(Many)?$/.test(operationId)) return 'chain';
  return undefined;
}

const LANGFUSE_TYPES: Readonly<Record<string, ObservationKind>> = {
  evaluator: 'span',
};

/** The attribute keys naming a tool, in order of preference (GenAI, OpenInference, Vercel AI SDK). */
export const TOOL_NAME_KEYS: readonly string[] = ['gen_ai.tool.name', 'tool.name', 'ai.toolCall.name'];

const KIND_SET: ReadonlySet<string> = new Set(OBSERVATION_KINDS);

/**
 * The observation kind of an OTel span, by the first rule that applies: Langfuse's explicit
 * `langfuse.observation.type`; OpenInference `openinference.span.kind`; GenAI
 * `gen_ai.operation.name`; Vercel AI SDK `ai.operationId`; then the presence of tool or model
 * attributes; else `span`.
 *
 * @example
 * mapKind(new AttributeBag([['gen_ai.operation.name', 'chat']])); // 'generation'
 */
export function mapKind(bag: AttributeBag): ObservationKind {
  const langfuse = bag.takeString('langfuse.observation.type')?.toLowerCase();
  if (langfuse !== undefined) {
    const kind = LANGFUSE_TYPES[langfuse] ?? (KIND_SET.has(langfuse) ? (langfuse as ObservationKind) : undefined);
    if (kind) return kind;
  }
  const oi = bag.takeString('openinference.span.kind')?.toUpperCase();
  if (oi !== undefined && OPENINFERENCE_KINDS[oi]) return OPENINFERENCE_KINDS[oi];

  // gen_ai.operation.name stays in metadata too: it says which of several generation operations.
  const op = bag.get('gen_ai.operation.name');
  if (typeof op === 'string' && GENAI_OPERATIONS[op.toLowerCase()]) return GENAI_OPERATIONS[op.toLowerCase()] as ObservationKind;

  const vercel = bag.get('ai.operationId');
  if (typeof vercel === 'string') {
    const kind = vercelKind(vercel);
    if (kind) return kind;
  }

  if (TOOL_NAME_KEYS.some((key) => bag.has(key))) return 'tool';
  if (
    bag.has('gen_ai.request.model') ||
    bag.has('gen_ai.response.model') ||
    bag.has('llm.model_name') ||
    bag.hasPrefix('gen_ai.usage.') ||
    bag.hasPrefix('llm.token_count.')
  ) {
    return 'generation';
  }
  return 'span';
}
