/**
 * Input and output of an OTel span from the first convention that carries them, in the
 * collector's order of preference (packages/server/src/otlp/map-io.ts): structured messages over
 * raw text; for tools the call's arguments and result, for retrievers the query and documents.
 */
import type { ObservationKind } from '@wisp/protocol';
import type { AttributeSet } from './attribute-set.js';
import { parseJsonish, unflattenIndexed } from '../json-value.js';

type Rule = (attrs: AttributeSet) => unknown;

function attr(key: string): Rule {
  return (attrs) => {
    const v = attrs.take(key);
    return v === undefined || v === '' ? undefined : parseJsonish(v);
  };
}

function flattened(prefix: string, simplify?: (item: unknown) => unknown): Rule {
  return (attrs) => {
    const entries = attrs.takePrefix(prefix);
    if (entries.length === 0) return undefined;
    const items = unflattenIndexed(entries, prefix);
    return simplify === undefined ? items : items.map(simplify);
  };
}

/** OpenInference `llm.input_messages.N.message.*` into `{ role, content, ... }`. */
function openInferenceMessage(item: unknown): unknown {
  const message = (item as { message?: unknown } | null)?.message;
  return message !== null && typeof message === 'object' ? message : item;
}

function openInferenceDocument(item: unknown): unknown {
  return (item as { document?: unknown } | null)?.document ?? item;
}

/** OpenInference `input.value`/`output.value`: parsed unless their mime type says plain text. */
function openInferenceValue(which: 'input' | 'output'): Rule {
  return (attrs) => {
    const v = attrs.take(`${which}.value`);
    const mime = attrs.take(`${which}.mime_type`);
    if (v === undefined || v === '') return undefined;
    return mime === 'text/plain' ? v : parseJsonish(v);
  };
}

/** GenAI `gen_ai.input.messages`, preceded by `gen_ai.system_instructions` when both are present. */
const genAiInputMessages: Rule = (attrs) => {
  const messages = attr('gen_ai.input.messages')(attrs);
  const system = attr('gen_ai.system_instructions')(attrs);
  if (messages === undefined) return system === undefined ? undefined : [{ role: 'system', parts: system }];
  if (system === undefined || !Array.isArray(messages)) return messages;
  return [{ role: 'system', parts: system }, ...(messages as unknown[])];
};

const INPUT_RULES: Rule[] = [
  genAiInputMessages,
  flattened('llm.input_messages.', openInferenceMessage),
  flattened('gen_ai.prompt.'),
  attr('gen_ai.prompt'),
  attr('ai.prompt.messages'),
  attr('ai.prompt'),
  attr('langfuse.observation.input'),
  openInferenceValue('input'),
];
const OUTPUT_RULES: Rule[] = [
  attr('gen_ai.output.messages'),
  flattened('llm.output_messages.', openInferenceMessage),
  flattened('gen_ai.completion.'),
  attr('gen_ai.completion'),
  attr('ai.response.text'),
  attr('ai.response.object'),
  attr('ai.response.toolCalls'),
  attr('langfuse.observation.output'),
  openInferenceValue('output'),
];
const TOOL_INPUT_RULES = [attr('gen_ai.tool.call.arguments'), attr('ai.toolCall.args'), ...INPUT_RULES];
const TOOL_OUTPUT_RULES = [attr('gen_ai.tool.call.result'), attr('ai.toolCall.result'), ...OUTPUT_RULES];
const RETRIEVER_INPUT_RULES = [attr('gen_ai.retrieval.query.text'), ...INPUT_RULES];
const RETRIEVER_OUTPUT_RULES = [attr('gen_ai.retrieval.documents'), flattened('retrieval.documents.', openInferenceDocument), ...OUTPUT_RULES];

function firstOf(attrs: AttributeSet, rules: Rule[]): unknown {
  // Every rule runs, so that superseded alternatives are marked mapped rather than kept twice.
  let found: unknown;
  for (const rule of rules) {
    const v = rule(attrs);
    if (found === undefined && v !== undefined) found = v;
  }
  return found;
}

export function mapIo(attrs: AttributeSet, kind: ObservationKind): { input?: unknown; output?: unknown } {
  const inputRules = kind === 'tool' ? TOOL_INPUT_RULES : kind === 'retriever' ? RETRIEVER_INPUT_RULES : INPUT_RULES;
  const outputRules = kind === 'tool' ? TOOL_OUTPUT_RULES : kind === 'retriever' ? RETRIEVER_OUTPUT_RULES : OUTPUT_RULES;
  const out: { input?: unknown; output?: unknown } = {};
  let input = firstOf(attrs, inputRules);
  // OpenInference's `tool.parameters` is the tool's schema, not the call's arguments: a last resort.
  if (input === undefined && kind === 'tool') input = attr('tool.parameters')(attrs);
  const output = firstOf(attrs, outputRules);
  if (input !== undefined) out.input = input;
  if (output !== undefined) out.output = output;
  return out;
}
