/**
 * The Wisp kind of an OTel span, by the same rules as the collector's OTLP mapping
 * (packages/server/src/otlp/map-kind.ts): Langfuse's `langfuse.observation.type`, OpenInference's
 * `openinference.span.kind`, GenAI's `gen_ai.operation.name`, the Vercel AI SDK's `ai.operationId`,
 * then the presence of tool or model attributes; else `span`.
 */
import type { ObservationKind } from '@wisp/protocol';
import { OBSERVATION_KINDS } from '@wisp/protocol';
import type { AttributeSet } from './attribute-set.js';

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

const KINDS: ReadonlySet<string> = new Set(OBSERVATION_KINDS);

/** Vercel AI SDK operations: the inner provider calls (`doGenerate`, `doStream`) are the generations. */
function vercelKind(operationId: string): ObservationKind | undefined {
  if (/\.do(Generate|Stream)$/.test(operationId)) return 'generation';
  if (/^ai\.embed(Many)?\.doEmbed$/.test(operationId)) return 'embedding';
  if (operationId === 'ai.toolCall') return 'tool';
  if (/^ai\.(generate|stream)(Text|Object)$/.test(operationId)) return 'chain';
  if (/^ai\.embed(Many)?$/.test(operationId)) return 'chain';
  return undefined;
}

export function mapKind(attrs: AttributeSet): ObservationKind {
  const langfuse = attrs.takeString('langfuse.observation.type')?.toLowerCase();
  if (langfuse === 'evaluator') return 'span';
  if (langfuse !== undefined && KINDS.has(langfuse)) return langfuse as ObservationKind;
  const oi = attrs.takeString('openinference.span.kind')?.toUpperCase();
  if (oi !== undefined && OPENINFERENCE_KINDS[oi] !== undefined) return OPENINFERENCE_KINDS[oi];
  // gen_ai.operation.name stays in metadata too: it tells which of several generation operations.
  const op = attrs.get('gen_ai.operation.name');
  if (typeof op === 'string' && GENAI_OPERATIONS[op.toLowerCase()] !== undefined) return GENAI_OPERATIONS[op.toLowerCase()]!;
  const vercel = attrs.get('ai.operationId');
  if (typeof vercel === 'string') {
    const kind = vercelKind(vercel);
    if (kind !== undefined) return kind;
  }
  if (attrs.has('gen_ai.tool.name') || attrs.has('tool.name') || attrs.has('ai.toolCall.name')) return 'tool';
  if (
    attrs.has('gen_ai.request.model') ||
    attrs.has('gen_ai.response.model') ||
    attrs.has('llm.model_name') ||
    attrs.hasPrefix('gen_ai.usage.') ||
    attrs.hasPrefix('llm.token_count.')
  ) {
    return 'generation';
  }
  return 'span';
}
